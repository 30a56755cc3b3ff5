"""The communication-rules checker: each rule in EN and VI (with and without accents), what must pass clean,
the repair, an RM's own rules, and the ``compliance`` eval suite end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.runner import Case, CaseOutcome, load_cases, main
from evals.suites import compliance as suite
from evals.suites import get_suite
from tests.drivers import PROJECT_ROOT
from tools.policy.compliance import FLAGS, check_message, enforce_policy, risk_disclaimer, rule_conflicts

ROOT = PROJECT_ROOT
DATASET = ROOT / "evals" / "datasets" / "compliance"

CD_12M = {"code": "CD_12M", "name": "12-month Certificate of Deposit", "category": "cd", "rate_pct": 5.2}
CD_6M = {"code": "CD_6M", "name": "6-month Certificate of Deposit", "category": "cd", "rate_pct": 4.6}
PREMIER_INVEST = {
    "code": "PREMIER_INVEST",
    "name": "Premier Invest",
    "category": "investment",
    "rate_pct": None,
    "target_segments": "Diamond,Platinum",
}
CASA_PREMIER = {
    "code": "CASA_PREMIER",
    "name": "Premier Current Account",
    "category": "casa",
    "rate_pct": 0.5,
    "target_segments": ["Diamond", "Platinum"],
}
CATALOG: list[dict[str, Any]] = [CD_12M, CD_6M, PREMIER_INVEST, CASA_PREMIER]


def flags(text: str, **kwargs: Any) -> set[str]:
    return {finding.flag for finding in check_message(text, **kwargs)}


# ----- clean drafts stay clean -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Dear Mr. Son,\n\nYour 12-month CD matures on 5 November, renewal rate 5.2% p.a.\n\nWarm regards,\nLinh",
        "Kính gửi chị Lan, khoản tiền gửi 12 tháng của chị đến hạn ngày 05/11, lãi suất tái tục 5,2%/năm.",
        "Dear Ms. Lan, happy birthday! Wishing you a wonderful year ahead.",
        "Chúc mừng sinh nhật chị Lan, chúc chị luôn vui khỏe!",
        "Premier Invest suits long-term goals. Investment products are not deposits and may lose value.",
        "Quỹ Trái phiếu An Khang phù hợp với chị. Sản phẩm đầu tư không phải là tiền gửi và có thể mất vốn.",
        "Your deposits are covered by deposit insurance up to the legal limit.",
        "Premier Invest returns are not guaranteed and your capital is at risk.",
        "Lợi nhuận của quỹ đầu tư không đảm bảo, có thể mất vốn.",
        "Please call me on 0823912039 whenever convenient. No hurry at all.",
        "We received VND 2,000,000,000 into your account ending ••••4821.",
        "Our Home Loan finances up to 70% of the property value.",
        "Em đảm bảo sẽ không làm mất nhiều thời gian của anh.",
    ],
)
def test_legitimate_drafts_raise_no_flag(text: str) -> None:
    assert check_message(text, products=CATALOG) == []


# ----- each rule -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("This deposit pays a guaranteed 12% return.", "guaranteed 12% return"),
        ("Premier Invest is a risk-free profit for you.", "risk-free"),
        ("Quỹ này cam kết lợi nhuận 9%/năm.", "cam kết lợi nhuận 9%"),
        ("Quy nay cam ket loi nhuan 9%/nam.", "cam ket loi nhuan 9%"),
        ("Gói này có lãi suất đảm bảo 15% cho anh.", "lãi suất đảm bảo 15%"),
        ("Returns are guaranteed, anh yên tâm.", "Returns are guaranteed"),
    ],
)
def test_guaranteed_returns_with_verbatim_evidence(text: str, evidence: str) -> None:
    found = [finding for finding in check_message(text) if finding.flag == "guaranteed_return"]
    assert [finding.evidence for finding in found] == [evidence]
    assert evidence in text and found[0].reason


@pytest.mark.parametrize(
    "text",
    ["Act now before rates change.", "Only today: a better rate.", "This is your last chance.",
     "Ưu đãi chỉ hôm nay thôi chị nhé.", "Chi nhanh tay dang ky nhe.", "Cơ hội cuối cùng cho anh."],
)  # fmt: skip
def test_pressure_tactics(text: str) -> None:
    assert flags(text) == {"pressure_tactic"}


def test_investment_content_needs_a_disclaimer_in_either_language() -> None:
    assert flags("I recommend the An Khang Bond Fund for your idle cash.") == {"missing_risk_disclaimer"}
    assert flags("Em giới thiệu anh quỹ trái phiếu An Khang.") == {"missing_risk_disclaimer"}
    assert flags("Em gioi thieu anh co phieu ngan hang.") == {"missing_risk_disclaimer"}
    assert flags("Em giới thiệu anh quỹ trái phiếu An Khang. " + risk_disclaimer("vi")) == set()
    assert flags("I recommend the An Khang Bond Fund. " + risk_disclaimer("en")) == set()


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Funds went to account 0123456789012 today.", "0123456789012"),
        ("Your card 4111 1111 1111 1111 is ready.", "4111 1111 1111 1111"),
        ("Số CCCD 001080012345 đã cập nhật.", "001080012345"),
        ("So CMND 123456789 sap het han.", "123456789"),
    ],
)
def test_full_personal_numbers_are_exposure(text: str, number: str) -> None:
    found = check_message(text)
    assert [(finding.flag, finding.evidence) for finding in found] == [("pii_exposure", number)]


def test_amounts_phones_and_dates_are_not_personal_numbers() -> None:
    assert flags("Received VND 500 000 000 and 1.500.000.000 đồng on 20251103; call 0823912039.") == set()


def test_unsuitable_needs_the_client() -> None:
    offer = "I recommend Premier Invest. Investment products are not deposits and may lose value."
    conservative = {"risk_profile": "conservative", "segment": "Diamond"}
    assert flags(offer, products=CATALOG) == set()
    assert flags(offer, client=conservative, products=CATALOG) == {"unsuitable_product"}
    assert flags(offer, client={"risk_profile": "growth", "segment": "Diamond"}, products=CATALOG) == set()
    # a conservative client told only the disclaimer is not offered anything
    assert flags(risk_disclaimer("en"), client=conservative) == set()
    current = "You could open a Premier Current Account with lounge access."
    assert flags(current, client={"risk_profile": "balanced", "segment": "Standard"}, products=CATALOG) == {
        "unsuitable_product"
    }
    assert flags(current, client={"risk_profile": "balanced", "segment": "Platinum"}, products=CATALOG) == set()


def test_misleading_rates() -> None:
    assert flags("Our savings pay up to 8% p.a.!") == {"misleading_rate"}
    assert flags("Tiền gửi lãi suất lên đến 8%/năm anh nhé.") == {"misleading_rate"}
    assert flags("Up to 5.6% p.a. for 24 months, from VND 100 million.") == set()
    assert flags("The 12-month CD now pays 6.5% p.a.", products=CATALOG) == {"misleading_rate"}
    assert flags("The 12-month CD now pays 5.2% p.a.", products=CATALOG) == set()
    assert flags("Tiền gửi kỳ hạn 6 tháng lãi suất 5,5%/năm.", products=CATALOG) == {"misleading_rate"}
    assert flags("Tiền gửi kỳ hạn 6 tháng lãi suất 4,6%/năm.", products=CATALOG) == set()
    # without the catalog there is nothing to compare with
    assert flags("The 12-month CD now pays 6.5% p.a.") == set()


def test_bad_language_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="language"):
        check_message("hello", language="fr")
    with pytest.raises(ValueError, match="language"):
        risk_disclaimer("de")


# ----- repair ----------------------------------------------------------------------------------------------------


def test_enforce_policy_drops_masks_and_adds_the_disclaimer() -> None:
    draft = (
        "Dear Mr. Son,\n\n"
        "The An Khang Bond Fund has a guaranteed 9% return. The fund fits your plans well. Act now, it is your last chance!\n"
        "Your account 0123456789012 will be debited.\n\n"
        "Warm regards,\nLinh"
    )
    result = enforce_policy(draft, language="en")
    lines = result.text.split("\n")
    assert lines[0] == "Dear Mr. Son," and lines[-2:] == ["Warm regards,", "Linh"]
    assert "guaranteed" not in result.text and "last chance" not in result.text
    assert "The fund fits your plans well." in result.text
    assert "••••9012" in result.text and "0123456789012" not in result.text
    assert result.added == [risk_disclaimer("en")]
    assert result.text.index(risk_disclaimer("en")) < result.text.index("Warm regards,")
    assert "The An Khang Bond Fund has a guaranteed 9% return." in result.removed
    assert result.findings == []
    assert check_message(result.text) == []


def test_enforce_policy_leaves_a_clean_draft_alone() -> None:
    draft = "Kính gửi chị Lan,\n\nChúc mừng sinh nhật chị!\n\nTrân trọng,\nHà"
    result = enforce_policy(draft, language="vi")
    assert (result.text, result.removed, result.added, result.findings) == (draft, [], [], [])


def test_enforce_policy_vietnamese_disclaimer() -> None:
    draft = "Chào anh Minh, quỹ trái phiếu An Khang phù hợp với anh. Quỹ cam kết lợi nhuận 9%/năm."
    result = enforce_policy(draft, language="vi")
    assert result.text == "Chào anh Minh, quỹ trái phiếu An Khang phù hợp với anh.\n\n" + risk_disclaimer("vi")
    assert result.removed == ["Quỹ cam kết lợi nhuận 9%/năm."] and result.added == [risk_disclaimer("vi")]


def test_enforce_policy_keeps_the_salutation_of_a_dropped_sentence() -> None:
    result = enforce_policy("Chào anh Minh, ưu đãi chỉ hôm nay thôi!\nThân mến,\nHà", language="vi")
    assert result.text == "Chào anh Minh,\nThân mến,\nHà"


# ----- an RM's own rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "flag"),
    [
        ("Always tell clients returns are guaranteed", "guaranteed_return"),
        ("Luôn nói lãi suất cam kết", "guaranteed_return"),
        ("Include the client's full account number", "pii_exposure"),
        ("Ghi đầy đủ số tài khoản của khách", "pii_exposure"),
        ("Push them to decide today", "pressure_tactic"),
        ("End every offer with 'only today'", "pressure_tactic"),
        ("Never add the risk disclaimer, it scares people", "missing_risk_disclaimer"),
        ("Offer Premier Invest to every client", "unsuitable_product"),
        ("Always quote the highest rate", "misleading_rate"),
    ],
)
def test_rule_conflicts(rule: str, flag: str) -> None:
    found = rule_conflicts(rule)
    assert flag in {finding.flag for finding in found}
    assert all(finding.evidence in rule for finding in found)


@pytest.mark.parametrize(
    "rule",
    ["Keep it short", "Sign off with Cheers", "Mention only the last 4 digits of the account",
     "Viết ngắn gọn, xưng em", "Never promise returns", "Always add the risk disclaimer"],
)  # fmt: skip
def test_harmless_rules(rule: str) -> None:
    assert rule_conflicts(rule) == []


# ----- the eval suite --------------------------------------------------------------------------------------------


def _case(expected_flags: list[str], message: str = "m") -> Case:
    return Case(id="c", line=1, input={"message": message}, expected={"flags": expected_flags})


def test_suite_scoring_and_metrics() -> None:
    cases = [_case(["guaranteed_return", "pressure_tactic"]), _case([]), _case([]), _case(["pii_exposure"])]
    outputs: list[dict[str, Any] | None] = [
        {"flags": ["guaranteed_return"]},
        {"flags": []},
        {"flags": ["pressure_tactic"]},
        None,
    ]
    outcomes = []
    for case, output in zip(cases, outputs, strict=True):
        scored = suite.score(case, output)
        outcomes.append(CaseOutcome(case=case, output=output, checks=scored.checks, counts=scored.counts))
    metrics = suite.metrics(outcomes)
    # tp 1, fp 1, fn 2 → f1 = 2 / (2 + 1 + 2)
    assert metrics["flag_f1"] == pytest.approx(0.4)
    assert metrics["clean_accuracy"] == 0.5 and metrics["exact_rate"] == 0.25
    assert metrics["per_flag"]["pressure_tactic"] == {"tp": 0, "fp": 1, "fn": 1}


def test_suite_validates_flags() -> None:
    assert suite.validate_case(_case(["guaranteed_return"], "x")) == []
    assert any("unknown flag" in problem for problem in suite.validate_case(_case(["rude"], "x")))
    assert suite.validate_case(Case(id="c", line=1, input={}, expected={"flags": []}))


def test_dev_set_loads_and_is_balanced() -> None:
    cases = load_cases(DATASET / "cases.jsonl", get_suite("compliance"), have_default_fixture=True)
    clean = [case for case in cases if not case.expected["flags"]]
    assert len(cases) >= 35 and len(clean) >= 15
    assert {flag for case in cases for flag in case.expected["flags"]} == set(FLAGS)


def test_run_compliance_through_the_runner(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wanted = {"clean-cd-maturity-en", "clean-disclaimer-vi", "cam-ket-vi-nodiacritics", "pii-card-en"}
    lines = [line for line in (DATASET / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(line for line in lines if json.loads(line)["id"] in wanted) + "\n", encoding="utf-8")
    out = tmp_path / "result.json"
    argv = ["run", "compliance", "--cases", str(cases), "--fixture", str(DATASET / "fixture.json")]
    assert main([*argv, "--model", "none", "--out", str(out)]) == 0
    metrics = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert metrics["suite"] == "compliance" and metrics["cases"] == 4 and metrics["errors"] == 0
    assert metrics["flag_f1"] == 1.0 and metrics["clean_accuracy"] == 1.0
    by_id = {entry["id"]: entry for entry in json.loads(out.read_text(encoding="utf-8"))["results"]}
    assert by_id["pii-card-en"]["output"]["findings"][0]["evidence"] == "4111 1111 1111 1111"


# ----- classes the blind compliance sets taught (issue 17) --------------------------------------------------------

BOND_FUND = {"code": "BOND_FUND", "name": "An Khang Bond Fund", "category": "investment", "rate_pct": None,
             "target_segments": "Diamond,Platinum,Gold"}  # fmt: skip
PLATINUM_CARD = {"code": "PLATINUM_CARD", "name": "Platinum Credit Card", "category": "card", "rate_pct": None,
                 "target_segments": "Diamond,Platinum"}  # fmt: skip
HOME_LOAN = {"code": "HOME_LOAN", "name": "Home Loan", "category": "loan", "rate_pct": 8.5, "target_segments": None}
NO_RISK_FIELD = [{k: v for k, v in PREMIER_INVEST.items() if k != "risk"}, BOND_FUND, PLATINUM_CARD, HOME_LOAN]
DISCLAIMER_VI = "Sản phẩm đầu tư không phải là tiền gửi, không được bảo hiểm tiền gửi và có thể mất vốn."


def _flags(text: str, client: dict[str, Any] | None = None) -> set[str]:
    return {finding.flag for finding in check_message(text, client=client, products=NO_RISK_FIELD)}


@pytest.mark.parametrize(
    ("text", "client", "flag"),
    [
        # Products named in Vietnamese: "thẻ tín dụng Platinum", "vay mua nhà", "quỹ trái phiếu An Khang".
        ("Anh mở thẻ tín dụng Platinum bên em nhé, năm đầu miễn phí.", {"risk_profile": "growth", "segment": "Gold"},
         "unsuitable_product"),
        ("Vay mua nhà bên em lãi chỉ 6,9%/năm thôi ạ.", None, "misleading_rate"),
        (f"Em giới thiệu chị Quỹ Trái phiếu An Khang. {DISCLAIMER_VI}", {"risk_profile": "growth", "segment": "Standard"},
         "unsuitable_product"),
        # A growth product for a balanced client, when the catalog row says no risk level.
        (f"Em đề xuất anh Premier Invest. {DISCLAIMER_VI}", {"risk_profile": "balanced", "segment": "Diamond"},
         "unsuitable_product"),
        # Another person's money.
        ("Chị nhà vừa gửi thêm 3 tỷ kỳ hạn 24 tháng bên em ạ.", None, "pii_exposure"),
        ("Your sister renewed her VND 2 billion CD with us last week.", None, "pii_exposure"),
        # Pressure: a deadline tonight, a push after a no.
        ("Ưu đãi chỉ áp dụng hôm nay thôi, mai là không còn đâu ạ.", None, "pressure_tactic"),
        ("Promo het dem nay, anh chot luon nha.", None, "pressure_tactic"),
        ("I know you said you weren't interested, but please reconsider.", None, "pressure_tactic"),
        # Guarantees in other words.
        ("This portfolio is guaranteed to deliver 9% this year, so you cannot lose.", None, "guaranteed_return"),
        (f"Quỹ bảo đảm không mất vốn anh nhé. {DISCLAIMER_VI}", None, "guaranteed_return"),
        # "Up to" on term deposits has no tenor: "term" in "term deposits" is not a condition.
        ("Our term deposits now earn up to 6.0% p.a.", None, "misleading_rate"),
        # "Every investment has some risk" is not the disclaimer.
        ("Em đề xuất anh Quỹ Trái phiếu An Khang. Đầu tư nào cũng có rủi ro nhất định.", None,
         "missing_risk_disclaimer"),
    ],
)  # fmt: skip
def test_blind_set_classes_are_flagged(text: str, client: dict[str, Any] | None, flag: str) -> None:
    assert flag in _flags(text, client)


@pytest.mark.parametrize(
    ("text", "client"),
    [
        # Declining or reporting a question is no offer.
        (f"Quỹ đầu tư hiện chưa phù hợp với cô ạ. {DISCLAIMER_VI} Em đề xuất CD 24 tháng.",
         {"risk_profile": "conservative", "segment": "Gold"}),
        ("Thank you for your question about Premier Invest; it isn't a product I'm able to recommend. Investment "
         "products are not deposits and may lose value.", {"risk_profile": "conservative", "segment": "Gold"}),
        # Investing named only to say there is no need.
        ("Em ghi nhận anh chưa có nhu cầu đầu tư thêm ạ.", {"risk_profile": "growth", "segment": "Gold"}),
        # Words that fold to a kinship word are not one: "phân bổ" (bố), "bỏ vô" (vợ).
        ("Cháu đề xuất chú phân bổ 800 triệu vào chứng chỉ tiền gửi 12 tháng, lãi 5,2%/năm, từ 100 triệu.", None),
        # The client's own money, a plain date, the right loan rate.
        ("Khoản vay mua nhà của anh lãi 8,5%/năm, kỳ hạn 20 năm.", None),
    ],
)  # fmt: skip
def test_blind_set_look_alikes_stay_clean(text: str, client: dict[str, Any] | None) -> None:
    assert _flags(text, client) == set()


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("C ơi, quỹ TP e chỉ giữ suất dc đến 5h chiều nay thôi ạ", "pressure_tactic"),  # a deadline at hand
        ("The allocation closes this Friday, so please reply by Thursday at the latest.", "pressure_tactic"),
        ("de lau mat co hoi thi tiec lam chi oi", "pressure_tactic"),  # losing out
        ("Chị đã nói không muốn tham gia, nhưng em vẫn nghĩ chị nên làm sớm.", "pressure_tactic"),  # after a no
        ("With Premier Invest your capital is essentially guaranteed.", "guaranteed_return"),
        ("It is capital-protected, with no downside at all.", "guaranteed_return"),
        ("quỹ bên em từ ngày ra mắt chưa năm nào lỗ", "guaranteed_return"),
        ("CCTG 24T lãi 6%/năm anh nhé", "misleading_rate"),  # shorthand for the 24-month CD at 5.6%
        ("the 12-month rate is currently 5.5% p.a.", "misleading_rate"),
        ("lai suat tiet kiem tu 5,2% tro len", "misleading_rate"),  # a "from" rate without its conditions
        ("Chào chị Mai, chị Hằng bên Ciputra cũng vừa chuyển 3 tỷ sang CCTG.", "pii_exposure"),  # another client
        ("C Thuỷ ơi, anh Cường nhà c hôm qua cũng vừa gửi 400tr bên e rồi.", "pii_exposure"),  # her husband
    ],
)
def test_each_flag_by_its_class_in_text_written_by_others(text: str, flag: str) -> None:
    products = [
        *CATALOG,
        {"code": "CD_24M", "name": "24-month Certificate of Deposit", "category": "cd", "rate_pct": 5.6},
    ]
    assert flag in flags(text, products=products)


@pytest.mark.parametrize(
    "text",
    [
        "Dear Mrs. Hanh, since you prefer to keep your capital safe, a CD may suit you.",  # a wish, no promise
        "Thanks for letting me know you'd rather not put any money into investments this year.",
        "a về thì e hẹn a cafe cập nhật danh mục sau nhé",  # a portfolio review names no product
        "Co oi, khoan tien cua co bo vao so tiet kiem 12 thang la on a",  # "bỏ vào" (put in), not "bố"
        "Chào chị Lan, chị đã chuyển 2 tỷ vào tài khoản rồi ạ.",  # the client's own money
    ],
)
def test_near_misses_written_by_others_stay_clean(text: str) -> None:
    assert flags(text, products=CATALOG) == set()


PLATINUM_CARD = {
    "code": "PLATINUM_CARD", "name": "Platinum Credit Card", "category": "card", "rate_pct": None,
    "target_segments": "Diamond,Platinum",
}  # fmt: skip
ONLINE_SAVINGS = {"code": "SAVINGS", "name": "Online Savings", "category": "savings", "rate_pct": 3.5}


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Quỹ trái phiếu bên em tui bảo đảm có lời hơn gửi sổ, không có chuyện lỗ đâu.", "guaranteed_return"),
        ("Premier Invest: Ông gần như không phải lo về chuyện thua lỗ.", "guaranteed_return"),
        ("Lãi suất tiết kiệm từ 5,5%/năm, chị ghé quầy nhé.", "misleading_rate"),  # a "from" rate, no conditions
        ("Tiết kiệm online bên em lãi 4%/năm luôn chị.", "misleading_rate"),  # the online savings is 3.5%
        ("Em mời chị mở thẻ bạch kim bên em nha.", "unsuitable_product"),  # Diamond and Platinum only; she is Gold
    ],
)
def test_more_classes_written_by_others(text: str, flag: str) -> None:
    products = [*CATALOG, PLATINUM_CARD, ONLINE_SAVINGS]
    assert flag in flags(text, products=products, client={"risk_profile": "balanced", "segment": "Gold"})


@pytest.mark.parametrize(
    "text",
    [
        "Anh Son oi, Premier Invest co the mat von, khong phai tien gui, khong duoc bao hiem tien gui.",  # a name
        "Da chu Ba oi, hom qua chu hoi gui tien lua vo so 6 thang thi em bao lai nha.",  # "vô sổ": into the book
        "Chứng chỉ quỹ có thể mua bán vào bất kỳ ngày làm việc nào.",  # "bất kỳ ngày" is no "ký ngay"
        "You asked whether we could guarantee a return of 6%. No: neither I nor the bank can guarantee any return.",
        "Thanks for moving part of your savings; the CD pays 4.6% p.a. for 6 months from VND 10 million.",
    ],
)
def test_more_near_misses_stay_clean(text: str) -> None:
    assert (
        flags(text, products=[*CATALOG, ONLINE_SAVINGS])
        & {"pii_exposure", "pressure_tactic", "guaranteed_return", "misleading_rate"}
        == set()
    )
