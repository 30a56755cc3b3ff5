"""Signs of leaving read together: each with its fact and date, a noisy-or score, and the decoys that are not."""

from __future__ import annotations

from tests.tools.signals.features_for_tests import TODAY, client, days_ago, weekly
from tools.signals import attrition

BILLION = 1_000_000_000


def test_money_sent_to_other_banks_is_a_sign_with_its_amount_date_and_bank() -> None:
    leaving = client(balances={"casa": BILLION}, external_out_30_vnd=2 * BILLION, last_external_on=days_ago(3),
                     external_counterparty="NGUYEN VAN A - VIETCOMBANK")  # fmt: skip
    risk = attrition.assess(leaving, TODAY)
    assert risk.at_risk and risk.lead is not None and risk.lead.kind == "money_out"
    assert risk.lead.facts["amount_vnd"] == 2 * BILLION and risk.lead.facts["date"] == days_ago(3).isoformat()
    assert "VIETCOMBANK" in risk.lead.facts["counterparty"]
    assert attrition.retention_action(risk) == "call_about_outflow"


def test_a_large_sum_sent_to_other_banks_is_a_sign_whatever_the_client_has_left() -> None:
    # 1.3 billion is a small share of a 6-billion relationship, yet no bank lets it leave unasked.
    wealthy = client(balances={"cd": 6 * BILLION}, external_out_60_vnd=1_300_000_000, last_external_on=days_ago(40))
    sign = next(s for s in attrition.assess(wealthy, TODAY).signs if s.kind == "money_out")
    assert sign.facts["amount_vnd"] == 1_300_000_000
    small = client(balances={"cd": 6 * BILLION}, external_out_60_vnd=200_000_000, last_external_on=days_ago(40))
    assert "money_out" not in {s.kind for s in attrition.assess(small, TODAY).signs}


def test_signs_add_up_and_a_complaint_is_handled_first() -> None:
    one = attrition.assess(client(income_count=5, last_income_on=days_ago(70)), TODAY)
    two = attrition.assess(
        client(income_count=5, last_income_on=days_ago(70), logins=weekly(6, 0),
               open_complaints=[("CP1", "fees", days_ago(20), "Phí thường niên")]),
        TODAY,
    )  # fmt: skip
    assert 0 < one.score < two.score <= 1
    assert {sign.kind for sign in two.signs} == {"salary_stopped", "login_drop", "complaint"}
    assert attrition.retention_action(two) == "resolve_complaint"


def test_decoys_are_not_signs() -> None:
    windfall = client(balances={"casa": 5 * BILLION}, inflows=[(4 * BILLION, "property_sale", days_ago(2))])
    quiet_but_loyal = client(last_contact_on=days_ago(250), onboarded_on=days_ago(2000))  # silence alone
    never_used_the_app = client(logins=weekly(0, 0))
    for decoy in (windfall, quiet_but_loyal, never_used_the_app):
        assert attrition.assess(decoy, TODAY).signs == ()


def test_a_matured_deposit_not_rolled_over_is_a_sign_unless_renewed() -> None:
    gone = client(matured=[("cd", "CD_12M", 1_500_000_000, days_ago(10))], external_out_90_vnd=BILLION)
    renewed = client(matured=[("cd", "CD_12M", 1_500_000_000, days_ago(10))], balances={"cd": 1_500_000_000},
                     deposits_opened=[days_ago(10)])  # fmt: skip
    # An older deposit the client still holds is no rollover: nothing was opened when this one matured.
    not_rolled = client(matured=[("cd", "CD_12M", 1_500_000_000, days_ago(10))], balances={"cd": 3_000_000_000},
                        deposits_opened=[days_ago(200)])  # fmt: skip
    assert "matured_not_rolled" in {s.kind for s in attrition.assess(not_rolled, TODAY).signs}
    sign = attrition.assess(gone, TODAY).lead
    assert sign is not None and sign.kind in ("matured_not_rolled", "money_out")
    assert "matured_not_rolled" in {s.kind for s in attrition.assess(gone, TODAY).signs}
    assert "matured_not_rolled" not in {s.kind for s in attrition.assess(renewed, TODAY).signs}


def test_a_note_about_another_banks_rate_is_a_sign() -> None:
    note = (days_ago(5), "call", "Lãi suất", "Khách nói bên VPBank trả lãi cao hơn 0,5%", "negative", "", None)
    sign = next(s for s in attrition.assess(client(notes=[note]), TODAY).signs if s.kind == "competitor")
    assert sign.facts["date"] == days_ago(5).isoformat() and sign.facts["words"]


def test_the_scan_ranks_by_score_then_relationship() -> None:
    risky = client("C1", external_out_30_vnd=BILLION, balances={"casa": BILLION})
    riskier = client("C2", external_out_30_vnd=BILLION, balances={"casa": BILLION}, income_count=4,
                     last_income_on=days_ago(60))  # fmt: skip
    calm = client("C3", balances={"casa": BILLION})
    ranked = attrition.scan({c.client_id: c for c in (risky, riskier, calm)}, TODAY)
    assert [risk.client_id for risk in ranked] == ["C2", "C1"]


def test_the_banks_own_bar_for_at_risk_is_read_from_its_policy() -> None:
    from tools.signals.attrition import policy_min_signs

    english = [{"id": "POL-04", "body": "Signals: ...\nA client with **two or more** signals is *at risk*."}]
    vietnamese = [{"id": "POL-04", "body": "Khách có từ 2 dấu hiệu trở lên được xem là có nguy cơ rời bỏ."}]
    assert policy_min_signs(english) == 2 and policy_min_signs(vietnamese) == 2
    assert policy_min_signs([{"id": "POL-01", "body": "Two or more products per client is our goal."}]) == 1
    assert policy_min_signs([]) == 1


def test_another_banks_name_in_a_happy_note_is_no_sign() -> None:
    happy = (days_ago(10), "call", "loan", "Buying a flat, moved some cash to HSBC for the deposit, comparing offers.",
             "positive", None, None)  # fmt: skip
    assert not any(s.kind == "competitor" for s in attrition.assess(client(notes=[happy]), TODAY).signs)
