"""Drafting in the RM's voice: template engine per kind, RM rules, bank policy last, and the model path."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from tests.fakes import ScriptedChatModel
from tools.voice.drafting import DRAFT_KINDS, DraftRequest, compose_draft, too_far_ahead
from tools.voice.quality import repeated_sentences, states_time_since_contact
from tools.voice.rm_rules import interpret_rule
from tools.voice.tone import LanguageVoice, ToneProfile

SON = {"id": "C0001", "rm_id": "RM001", "full_name": "Pham Van Son", "honorific": "Mr", "language": "en",
       "preferred_channel": "email", "segment": "Diamond", "phone": "0823912039", "risk_profile": "balanced"}  # fmt: skip
MINH = {"id": "C0003", "rm_id": "RM001", "full_name": "Nguyễn Văn Minh", "honorific": "Ông", "language": "vi",
        "preferred_channel": "zalo", "segment": "Platinum", "phone": "0912345678"}  # fmt: skip
CD = {"account_id": "A0001", "product_code": "CD_12M", "product_name": "12-month CD", "amount_vnd": 1_500_000_000,
      "maturity_on": "2025-11-05", "days_left": 12, "rate_pct": 5.2}  # fmt: skip
FACTS: dict[str, dict[str, Any]] = {
    "cd_maturity": CD,
    "loan_maturity": {"account_id": "A9", "amount_vnd": 850_000_000, "maturity_on": "2025-11-30", "days_left": 17},
    "birthday": {"date": "2025-10-24", "days_until": 0, "age": 45},
    "large_deposit": {"amount_vnd": 1_200_000_000, "posted_on": "2025-10-20", "category": "property_sale"},
    "idle_cash": {"amount_vnd": 5_400_000_000, "outflow_30d_vnd": 10_000_000},
    "inactive": {"days_since_contact": 120, "last_contacted_on": "2025-06-26"},
    "complaint_followup": {"complaint_id": "K1", "category": "fees", "opened_on": "2025-10-15", "days_open": 9},
    "attrition_risk": {"outflow_vnd": 3_000_000_000, "balance_vnd": 5_000_000_000, "share_pct": 60.0},
    "cross_sell": {"product_code": "INV_GROWTH", "product_name": "Premier Invest", "category": "investment",
                   "segment": "Diamond", "aum_vnd": 9_000_000_000},
    "offer": {"product_code": "CARD_PLATINUM", "product_name": "Platinum Credit Card",
              "product_summary": "Airport lounge access and 2% back on foreign spending",
              "reason": "Platinum Credit Card (DOC-P-CARD_PLATINUM): the client has 12 airline payments",
              "client_facts": ["12 airline payments"], "document_id": "DOC-P-CARD_PLATINUM", "score": 1.2},
    "check_in": {},
    "reply": {"message_id": "M0001", "topic": "card_issue", "urgency": "high", "subject": "My card is blocked"},
}  # fmt: skip
# What each kind's draft must state, per language.
MUST = {
    "cd_maturity": {"en": ["1.5B VND", "12 days", "5 November 2025"], "vi": ["1,5 tỷ", "12 ngày", "05/11/2025"]},
    "loan_maturity": {"en": ["850M VND", "17 days"], "vi": ["850 triệu", "17 ngày"]},
    "large_deposit": {"en": ["1.2B VND", "20 October 2025"], "vi": ["1,2 tỷ", "20/10/2025"]},
    "idle_cash": {"en": ["5.4B VND"], "vi": ["5,4 tỷ"]},
    "complaint_followup": {"en": ["15 October 2025"], "vi": ["15/10/2025"]},
    "cross_sell": {"en": ["Premier Invest"], "vi": ["Premier Invest"]},
    "offer": {"en": ["Platinum Credit Card", "lounge"], "vi": ["Platinum Credit Card"]},
    "reply": {"en": ["your card", "today", "Lock card"], "vi": ["thẻ", "ngay trong ngày", "Khóa thẻ"]},
}
FORMAL = ToneProfile(
    rm_id="RM001",
    languages={
        "en": LanguageVoice(salutation="Dear {title} {given},", signoff="Warm regards,", signature="Thu Hà",
                            self_word="I", formality="formal", typical_words=60, paragraphs=2,
                            phrases=["Please don't hesitate to reach out anytime."], messages=10),
        "vi": LanguageVoice(salutation="Kính gửi {hon} {given},", signoff="Trân trọng,", signature="Thu Hà",
                            self_word="em", formality="formal", typical_words=60, paragraphs=2,
                            phrases=["{Self} luôn sẵn sàng hỗ trợ {hon} bất cứ lúc nào."], messages=10),
    },
)  # fmt: skip
CASUAL = ToneProfile(
    rm_id="RM002",
    languages={
        "en": LanguageVoice(salutation="Hi {given},", signoff="Cheers,", signature="Khoa", self_word="I",
                            formality="casual", typical_words=30, paragraphs=1, emoji=True,
                            phrases=["Just reply to this message if anything is unclear."], messages=8),
        "vi": LanguageVoice(salutation="Chào {hon} {given},", signoff="Thân mến,", signature="Khoa", self_word="tôi",
                            formality="casual", typical_words=30, paragraphs=1, emoji=True, messages=8),
    },
)  # fmt: skip
IDS = ("C0001", "C0003", "RM001", "A0001", "CD_12M", "0823912039", "INV_GROWTH", "DOC-POL-COMMS-1")


def _request(kind: str, client: dict[str, Any] = SON, **extra: Any) -> DraftRequest:
    return DraftRequest(kind=kind, facts=dict(FACTS[kind]), client=dict(client), rm_name="Nguyễn Thu Hà", **extra)


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("kind", DRAFT_KINDS)
def test_every_kind_states_its_key_facts_and_passes_policy(kind: str, language: str) -> None:
    draft = compose_draft(_request(kind, language=language), FORMAL)
    assert draft.engine == "template" and draft.language == language
    for expected in MUST.get(kind, {}).get(language, []):
        assert expected in draft.text
    assert draft.flags == []
    assert draft.text.startswith(draft.salutation + "\n\n")
    assert draft.text.endswith(f"{draft.signoff}\n{draft.signature}")
    assert "{" not in draft.text and "}" not in draft.text
    for identifier in IDS:
        assert identifier not in draft.text
    assert not states_time_since_contact(draft.text) and repeated_sentences(draft.text) == []


# ----- drafts an RM sends unchanged ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "vi"])
def test_an_inactive_client_is_never_told_how_long_it_has_been(language: str) -> None:
    for facts in ({"days_since_contact": 268, "last_contacted_on": "2025-01-29"}, {"days_since_contact": None}):
        request = DraftRequest(kind="inactive", facts=facts, client=SON, rm_name="Hà", language=language)
        text = compose_draft(request, FORMAL).text
        assert "268" not in text and "days" not in text and "ngày" not in text
        assert not states_time_since_contact(text)


def test_a_model_draft_that_advertises_neglect_is_replaced_by_the_template() -> None:
    model = ScriptedChatModel(script=["It has been 268 days since we last spoke. Shall we meet for a coffee soon?"])
    request = DraftRequest(kind="inactive", facts={"days_since_contact": 268}, client=SON, rm_name="Hà")
    draft = compose_draft(request, FORMAL, (), model)
    assert draft.engine == "template" and "268" not in draft.text


@pytest.mark.parametrize("language", ["en", "vi"])
def test_rule_and_learned_phrases_never_repeat_a_sentence(language: str) -> None:
    phrase = {"en": "Please let me know a time that suits you!", "vi": "Mong ông phản hồi thời gian thuận tiện!"}
    voice = FORMAL.voice(language).model_copy(update={"phrases": [phrase[language], phrase[language]]})
    tone = FORMAL.model_copy(update={"languages": {**FORMAL.languages, language: voice}})
    rules = [{"text": f'always include "{phrase[language]}"'}, {"text": f'always include "{phrase[language]}"'}]
    for kind in DRAFT_KINDS:
        draft = compose_draft(_request(kind, MINH if language == "vi" else SON, language=language), tone, rules)
        assert repeated_sentences(draft.text) == [], (kind, draft.text)


def test_a_model_draft_keeps_each_sentence_once() -> None:
    body = "Your CD of 1.5B VND matures in 12 days. Happy to help. Shall we talk? Happy to help."
    draft = compose_draft(_request("cd_maturity"), FORMAL, (), ScriptedChatModel(script=[body]))
    assert draft.engine == "model" and draft.body.count("Happy to help.") == 1


@pytest.mark.parametrize("kind", ["large_deposit", "idle_cash"])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_money_to_place_names_the_suggested_product(kind: str, language: str) -> None:
    facts = {**FACTS[kind], "suggested_product_code": "CD_12M", "suggested_product_name": "12-month CD"}
    request = DraftRequest(kind=kind, facts=facts, client=SON, rm_name="Hà", language=language)
    text = compose_draft(request, FORMAL).text
    assert "12-month CD" in text and "CD_12M" not in text


@pytest.mark.parametrize("language", ["en", "vi"])
def test_a_phone_client_gets_talking_points_not_a_message(language: str) -> None:
    client = {**(SON if language == "en" else MINH), "preferred_channel": "phone"}
    draft = compose_draft(DraftRequest(kind="cd_maturity", facts=CD, client=client, rm_name="Hà"), FORMAL)
    head, *points = draft.text.splitlines()
    assert draft.form == "talking_points" and draft.subject is None
    assert ("call" in head) if language == "en" else ("cuộc gọi" in head)
    assert len(points) >= 3 and all(point.startswith("- ") for point in points)
    assert draft.salutation not in draft.text and draft.signature not in draft.text
    assert ("1.5B VND" if language == "en" else "1,5 tỷ") in draft.text
    assert compose_draft(_request("cd_maturity"), FORMAL).form == "message"


def test_a_birthday_near_is_greeted_without_counting_days_and_a_far_one_is_not_near() -> None:
    soon = {"date": "2025-10-27", "days_until": 3, "age": 45}
    for language in ("en", "vi"):
        request = DraftRequest(kind="birthday", facts=soon, client=SON, rm_name="Hà", language=language)
        text = compose_draft(request, FORMAL).text
        assert "3 days" not in text and "còn 3 ngày" not in text
    assert not too_far_ahead("birthday", soon)
    assert too_far_ahead("birthday", {"date": "2026-06-23", "days_until": 242})
    assert not too_far_ahead("cd_maturity", {"days_until": 242})


def test_the_investment_cross_sell_gets_the_risk_disclaimer() -> None:
    draft = compose_draft(_request("cross_sell"), FORMAL)
    assert "may lose value" in draft.text
    assert any(note.startswith("added by bank policy") for note in draft.notes)


def test_formal_and_casual_voices_read_differently() -> None:
    formal = compose_draft(_request("cd_maturity"), FORMAL)
    casual = compose_draft(_request("cd_maturity"), CASUAL)
    assert formal.text.startswith("Dear Mr. Son,") and formal.text.endswith("Warm regards,\nThu Hà")
    assert "Please don't hesitate to reach out anytime." in formal.text
    assert casual.text.startswith("Hi Son,") and casual.text.endswith("Cheers,\nKhoa")
    assert "I would be glad to" in formal.body and "I would be glad to" not in casual.body
    assert len(casual.body.split()) < len(formal.body.split())
    assert "\n\n" in formal.body and "\n\n" not in casual.body  # paragraphs as the RM writes them


def test_vietnamese_self_word_and_pronoun_follow_the_voice() -> None:
    formal = compose_draft(_request("large_deposit", MINH), FORMAL)
    casual = compose_draft(_request("large_deposit", MINH), CASUAL)
    assert formal.text.startswith("Kính gửi ông Minh,")
    assert "em xin được tư vấn" in formal.body and "Em luôn sẵn sàng hỗ trợ ông bất cứ lúc nào." in formal.body
    assert casual.text.startswith("Chào ông Minh,") and "tôi" in casual.body.casefold()
    assert casual.text.endswith("Thân mến,\nKhoa")


def test_emoji_only_for_a_birthday_and_only_when_the_rm_uses_them() -> None:
    assert "🎉" in compose_draft(_request("birthday"), CASUAL).text
    assert "🎉" not in compose_draft(_request("birthday"), FORMAL).text
    assert "🎉" not in compose_draft(_request("cd_maturity"), CASUAL).text
    no_emoji = compose_draft(_request("birthday"), CASUAL, [{"text": "no emoji"}])
    assert "🎉" not in no_emoji.text


def test_channel_subject_and_signature_fallback() -> None:
    email = compose_draft(_request("cd_maturity"), ToneProfile(rm_id="RM001"))
    assert email.channel == "email" and email.subject == "Your 12-month CD matures on 5 November 2025"
    assert email.signature == "Nguyễn Thu Hà" and "[Your Name]" not in email.text  # no learned signature
    chat = compose_draft(_request("large_deposit", MINH), FORMAL)
    assert chat.channel == "chat" and chat.subject is None
    nameless = compose_draft(DraftRequest(kind="check_in", client=SON, rm_name=""), ToneProfile(rm_id="X"))
    assert nameless.text.endswith("Kind regards,") and "Your Name" not in nameless.text


def test_rules_apply_and_later_rules_win() -> None:
    rules = [
        {"text": "always sign off with 'Best wishes,'"},
        {"text": "never say 'renewal'"},
        {"text": "add 'Call me anytime at 0901 234 567' at the end"},
        {"text": "always sign off with 'Talk soon,'"},  # later: wins
        {"text": "call him Mr. Tom"},
    ]
    draft = compose_draft(_request("cd_maturity"), FORMAL, rules)
    assert draft.text.startswith("Dear Mr. Tom,")
    assert draft.signoff == "Talk soon,"
    assert "renewal" not in draft.text and "1.5B VND" in draft.text
    assert "Call me anytime at 0901 234 567" in draft.body
    assert any("'renewal'" in note for note in draft.notes)


def test_a_language_rule_switches_the_draft_language() -> None:
    draft = compose_draft(_request("large_deposit", MINH), FORMAL, [{"text": "write to this client in English"}])
    assert draft.language == "en"
    assert draft.text.startswith("Dear Mr. Minh,") and "1.2B VND" in draft.text


def test_xung_em_goi_anh_chi_and_keep_it_short() -> None:
    draft = compose_draft(_request("large_deposit", MINH), FORMAL, [{"text": "xưng em, gọi anh/chị; ngắn gọn"}])
    assert draft.text.startswith("Kính gửi anh Minh,")
    assert "1,2 tỷ" in draft.body
    longer = compose_draft(_request("large_deposit", MINH), FORMAL)
    assert len(draft.body.split()) < len(longer.body.split())


def test_a_rule_it_cannot_read_is_noted() -> None:
    draft = compose_draft(_request("cd_maturity"), FORMAL, [{"text": "mention the weather in Hanoi"}])
    assert draft.engine == "template"
    assert any("not applied by the template engine" in note for note in draft.notes)


def test_policy_breaking_phrases_are_dropped_with_a_note() -> None:
    pushy = FORMAL.model_copy(deep=True)
    pushy.languages["en"].phrases = ["This offer is only valid today, so act now.", "Have a great week."]
    rules = [{"text": "add 'Returns are guaranteed at 12% a year.' at the end"}]
    draft = compose_draft(_request("idle_cash"), pushy, rules)
    assert "act now" not in draft.text and "guaranteed" not in draft.text
    assert "Have a great week." in draft.text
    assert sum("dropped: bank policy" in note for note in draft.notes) == 2
    assert draft.flags == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("always sign off with 'Best wishes,'", "signoff", "Best wishes,"),
        ("call him Mr. Tom", "address", "Mr. Tom"),
        ("keep it short", "length", "short"),
        ("ngắn gọn", "length", "short"),
        ("write to this client in English", "language", "en"),
        ("Viết bằng tiếng Việt", "language", "vi"),
        ("no emoji", "emoji", "no"),
        ("never say 'cheap'", "avoid_word", "cheap"),
        ("không dùng từ 'rẻ'", "avoid_word", "rẻ"),
        ("add 'Call me anytime at 0901 234 567' at the end", "include_phrase", "Call me anytime at 0901 234 567"),
        ("ký tên 'Hà Nguyễn'", "signature", "Hà Nguyễn"),
        ("be more formal", "formality", "formal"),
        ("thân mật hơn", "formality", "casual"),
        ("mention the weather", "unknown", None),
    ],
)
def test_interpret_rule(text: str, kind: str, value: str | None) -> None:
    assert (kind, value) in [(effect.kind, effect.value) for effect in interpret_rule(text)]


def test_xung_em_goi_anh_chi_is_read() -> None:
    effects = {(e.kind, e.value) for e in interpret_rule("xưng em, gọi anh/chị")}
    assert effects == {("self_word", "em"), ("pronoun", "anh/chị")}


# ----- the model path ------------------------------------------------------------------------------


def _documents() -> list[dict[str, Any]]:
    return [{"id": "DOC-POL-COMMS-1", "kind": "policy", "title": "Comms", "text": "Never promise returns."}]


def test_the_model_writes_the_body_and_its_prompt_is_conditioned_without_ids() -> None:
    body = "Your 12-month CD of 1.5B VND matures in 12 days. Shall we look at renewal options this week?"
    model = ScriptedChatModel(script=[f"Dear Mr. Son,\n\n{body}\n\nWarm regards,\nThu Hà"])
    rules = [{"text": "mention the weather"}]
    draft = compose_draft(_request("cd_maturity", documents=_documents()), FORMAL, rules, model)
    assert draft.engine == "model"
    assert draft.text == f"Dear Mr. Son,\n\n{body}\n\nWarm regards,\nThu Hà"
    assert any("applied by the model" in note for note in draft.notes)
    (prompt,) = model.prompt_texts()
    for expected in ("Dear Mr. Son,", "Warm regards,", "formal", "Please don't hesitate to reach out anytime.",
                     "mention the weather", "1.5B VND", "12", "Never promise returns."):  # fmt: skip
        assert expected in prompt
    for identifier in IDS:
        assert identifier not in prompt


@pytest.mark.parametrize(
    "answer",
    [
        "Your deposit matures soon. Shall we talk about it this week at a time that suits you?",  # no key numbers
        "Your CD (C0001) of 1.5B VND matures in 12 days. Shall we talk about renewal options?",  # leaks an id
        "Khoản tiền gửi 1.5B VND của anh sẽ đáo hạn sau 12 ngày nữa, anh nhắn em nhé.",  # wrong language
        "Your CD of 1.5B VND matures in 12 days. Renew now: returns are guaranteed at 9% a year!",  # policy
        "Your CD of 1.5B VND matures in 12 days, {client_name}. Shall we talk this week?",  # braces
        TimeoutError("model server timed out"),
    ],
)
def test_a_bad_model_draft_falls_back_to_the_template(answer: Any, caplog: pytest.LogCaptureFixture) -> None:
    model = ScriptedChatModel(script=[answer])
    with caplog.at_level(logging.WARNING):
        draft = compose_draft(_request("cd_maturity"), FORMAL, (), model)
    assert draft.engine == "template"
    assert draft.text == compose_draft(_request("cd_maturity"), FORMAL).text
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Son" not in warnings[0].getMessage() and "1.5" not in warnings[0].getMessage()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown draft kind"):
        compose_draft(DraftRequest(kind="lottery", client=SON, rm_name="Hà"), FORMAL)


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("topic", ["card_issue", "transfer_issue", "complaint", "loan_request", "account_details",
                                   "product_inquiry", "appointment", "other"])  # fmt: skip
def test_a_reply_says_what_happens_next_and_quotes_no_figure(topic: str, language: str) -> None:
    facts = {"message_id": "M1", "topic": topic, "urgency": "normal", "subject": "Hello", "product_name": "Green Biz"}
    draft = compose_draft(DraftRequest(kind="reply", facts=facts, client=SON, rm_name="Hà", language=language), FORMAL)
    when = {"en": "within two working days", "vi": "trong vòng 2 ngày làm việc"}[language]
    assert draft.flags == [] and draft.subject == "Re: Hello"
    assert not re.search(r"\d", draft.body.replace(when, "").replace("24", ""))  # no rate, fee or amount
    if topic not in ("complaint", "other"):
        assert when in draft.body
    if topic == "complaint":
        assert "24" in draft.body  # DOC-POL-COMPLAINTS: acknowledged within 24 hours
