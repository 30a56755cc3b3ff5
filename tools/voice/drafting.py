"""A message to a client in the RM's own voice: template engine per trigger kind, or a model writing the body.

Order of authority: the bank's policy (``tools.policy.compliance.enforce_policy``) always wins over the RM's rules,
which win over the learned voice. The template engine needs no model; with a model, the model only writes
the body (from a prompt of facts and the voice, never an id), code adds salutation, sign-off and signature,
checks the body (key numbers, no ids, language, no braces, compliance) and keeps the template otherwise.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from prompts import load_prompt
from tools.core.formatting import format_amount, format_date, format_number
from tools.core.language import detect_language
from tools.core.llm.models import text_call
from tools.core.text import fold
from tools.crm.vocabulary import category_text
from tools.policy.compliance import MISSING_RISK_DISCLAIMER, check_message, enforce_policy
from tools.signals.thresholds import BIRTHDAY_WINDOW_DAYS
from tools.signals.triggers import KINDS
from tools.voice.quality import (
    drop_repeated_sentences,
    repeated_sentences,
    sentences,
    states_time_since_contact,
    without_repeated_sentences,
)
from tools.voice.rm_rules import interpret_rule
from tools.voice.tone import (
    LanguageVoice,
    ToneProfile,
    address,
    fill_template,
    pronoun,
    split_message,
    validate_template,
)

__all__ = ["DRAFT_KINDS", "ComposedDraft", "DraftRequest", "compose_draft", "key_numbers", "too_far_ahead"]

logger = logging.getLogger(__name__)

#: Every trigger kind, a plain check-in when there is no event, and a reply to a client's inbound message.
DRAFT_KINDS = (*KINDS, "check_in", "reply", "offer")
#: The event a drafting request names (read on the folded text, first match wins); none named: a check-in.
_EVENT_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("birthday", re.compile(r"\b(birthday|bday|sinh nhat)\b")),
    (
        "cd_maturity",
        re.compile(r"\b(cd|certificate of deposit|term deposit|tien gui|tiet kiem|chung chi)\b.*\b(matur|dao han)"),
    ),
    ("loan_maturity", re.compile(r"\b(loan|khoan vay|vay)\b.*\b(matur|dao han|den han)")),
    ("cd_maturity", re.compile(r"\b(matur\w*|dao han)\b")),
    ("complaint_followup", re.compile(r"\b(complain\w*|khieu nai|phan nan)\b")),
    ("large_deposit", re.compile(r"\b(large deposit|inflow|tien ve|khoan tien lon)\b")),
    ("idle_cash", re.compile(r"\b(idle cash|idle balance|tien nhan roi)\b")),
    ("inactive", re.compile(r"\b(haven'?t (talked|spoken)|long time|lau chua)\b")),
)


def event_in(text: str) -> str:
    """The draft kind a request asks for ("a birthday message" → ``birthday``); ``check_in`` when none."""
    folded = fold(text)
    return next((kind for kind, pattern in _EVENT_WORDS if pattern.search(folded)), "check_in")


def too_far_ahead(kind: str, facts: Mapping[str, Any]) -> bool:
    """An occasion further off than the bank's window (a birthday months away): a greeting now reads odd."""
    days = facts.get("days_until")
    return kind == "birthday" and isinstance(days, int) and days > BIRTHDAY_WINDOW_DAYS


MIN_BODY_CHARS = 30
MAX_BODY_CHARS = 1_800
MAX_POLICY_CHARS = 800
SHORT_WORDS = 40
LONG_WORDS = 75
_AMOUNT_KINDS = ("cd_maturity", "loan_maturity", "large_deposit", "idle_cash")
_MALE_PRONOUNS = {"anh", "ông", "chú", "bác"}
_BIRTHDAY_EMOJI = " 🎉"
#: The head line of talking points for a client who prefers the phone.
_TALKING_HEAD = {
    "en": "Talking points for your call with {name} (prefers phone):",
    "vi": "Ý chính cho cuộc gọi với {name} (khách hàng ưu tiên gọi điện):",
}
_TALKING_CLIENT = {"en": "the client", "vi": "khách hàng"}


def _spoken_ask(language: str, hon: str, me: str) -> str:
    """The call to action as the RM asks it on the phone."""
    if language == "vi":
        return f"{_cap(hon)} sắp xếp được hôm nào để {me} gặp {hon} trao đổi kỹ hơn ạ?"
    return "Which day would suit you to meet and go through it?"


Size = Literal["short", "normal", "long"]


class DraftRequest(BaseModel):
    """What to write about, to whom, from whom."""

    kind: str
    facts: dict[str, Any] = Field(default_factory=dict)
    client: dict[str, Any] = Field(default_factory=dict)
    rm_name: str = ""
    documents: list[dict[str, Any]] = Field(default_factory=list)
    language: str | None = None


class ComposedDraft(BaseModel):
    """The message as it would be sent, with what the engine could not do."""

    language: str
    channel: Literal["email", "chat"]
    subject: str | None
    salutation: str
    body: str
    signoff: str
    signature: str
    text: str
    engine: Literal["template", "model"]
    #: ``talking_points`` for a client who prefers the phone: lines the RM says on the call, not a message (``text``
    #: is then the head line and the points; salutation, sign-off and signature are the voice's, left out of it).
    form: Literal["message", "talking_points"] = "message"
    flags: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


# ----- the RM's rules, applied ----------------------------------------------------------------


@dataclass
class _Settings:
    """The voice after the RM's rules (later rules win)."""

    language: str | None = None
    salutation: str | None = None
    address: str | None = None
    signoff: str | None = None
    signature: str | None = None
    formality: str | None = None
    size: Size | None = None
    self_word: str | None = None
    pronoun: str | None = None
    emoji: bool | None = None
    include: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _settings(rules: Sequence[Mapping[str, Any]]) -> _Settings:
    settings = _Settings()
    for rule in rules:
        text = str(rule.get("text") or "").strip()
        if not text:
            continue
        for effect in interpret_rule(text):
            value = effect.value
            if effect.kind == "unknown" or value is None:
                settings.unknown.append(text)
            elif effect.kind == "language" and value in ("en", "vi"):
                settings.language = value
            elif effect.kind == "salutation":
                settings.salutation, settings.address = value, None
            elif effect.kind == "address":
                settings.address, settings.salutation = value, None
            elif effect.kind == "signoff":
                settings.signoff = value
            elif effect.kind == "signature":
                settings.signature = value
            elif effect.kind == "formality":
                settings.formality = value
            elif effect.kind == "length" and value in ("short", "long"):
                settings.size = "short" if value == "short" else "long"
            elif effect.kind == "self_word":
                settings.self_word = value
            elif effect.kind == "pronoun":
                settings.pronoun = value
            elif effect.kind == "emoji":
                settings.emoji = value == "yes"
            elif effect.kind == "include_phrase":
                settings.include.append(value)
            elif effect.kind == "avoid_word":
                settings.avoid.append(value)
    return settings


def _client_pronoun(client: Mapping[str, Any], wanted: str | None) -> str:
    own = pronoun(client)
    if not wanted:
        return own
    if wanted == "anh/chị":
        return "anh" if own in _MALE_PRONOUNS else "chị" if own else ""
    return wanted


def _salutation(voice: LanguageVoice, settings: _Settings, client: Mapping[str, Any], language: str, hon: str,
                notes: list[str]) -> str:  # fmt: skip
    if settings.salutation:
        try:
            validate_template(settings.salutation, what="the salutation rule")
            return fill_template(settings.salutation, client, self_word=voice.self_word, hon=hon)
        except ValueError as error:
            notes.append(f"salutation rule not applied: {error}")
    if settings.address:
        # Keep the RM's greeting words, put the name the rule asks for where the client's name goes.
        template = voice.salutation
        spots = [m for m in re.finditer(r"\{(title|hon|Hon|given|family|full_name)\}", template)]
        if spots:
            line = template[: spots[0].start()] + settings.address + template[spots[-1].end() :]
            return fill_template(line.replace("{", "{{").replace("}", "}}"), client, self_word=voice.self_word)
        return f"{'Kính gửi' if language == 'vi' else 'Dear'} {settings.address},"
    return address(voice, client, language, hon=hon)


# ----- the template engine ---------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class _Body:
    """Sentences of the body: the facts (always kept), the offer, the call to action."""

    facts: list[str]
    offer: list[str]
    action: str


#: A reply's subject quotes at most this much of the client's subject.
MAX_REPLY_SUBJECT = 120
#: A CRM text longer than this is not quoted to the client.
QUOTE_MAX_CHARS = 160


def _body_en(kind: str, f: Mapping[str, Any], casual: bool) -> _Body:
    if kind == "reply":
        return _reply_en(f, casual)
    product = f.get("product_name") or category_text(f.get("category"), "en") or "product"
    amount = format_amount(f.get("amount_vnd"), "en")
    action = "Let me know what time works for you." if casual else "Please let me know a time that suits you."
    glad = "Happy to" if casual else "I would be glad to"
    walk = f"{'happy to' if casual else 'I would be glad to'} walk you through it"
    if kind == "cd_maturity" and f.get("matured"):
        due = format_date(f.get("maturity_on"), "en")
        return _Body(
            [f"Your {product} of {amount} matured on {due}."],
            [f"{glad} help you renew it or choose another term that suits you."],
            action,
        )
    if kind == "cd_maturity":
        due = format_date(f.get("maturity_on"), "en")
        return _Body(
            [f"Your {product} of {amount} matures on {due}, in {f.get('days_left')} days."],
            [f"{glad} walk you through your renewal options before then."],
            action,
        )
    if kind == "loan_maturity":
        due = format_date(f.get("maturity_on"), "en")
        days = f.get("days_left")
        offer = (
            "Let's go through the next steps together."
            if casual
            else "I would like to go through the next steps with you."
        )
        return _Body(
            [f"Your {product} with {amount} outstanding reaches its maturity date on {due}, in {days} days."],
            [offer],
            action,
        )
    if kind == "birthday":
        if f.get("days_until") in (0, None):
            first = "Happy birthday!" if casual else "On behalf of the bank, I wish you a very happy birthday."
            return _Body([first], ["Wishing you a wonderful year ahead."], "")
        when = format_date(f.get("date"), "en")
        return _Body(
            [f"Your birthday is coming up on {when}."],
            ["Wishing you a very happy birthday in advance!" if casual
             else "On behalf of the bank, I wish you a very happy birthday in advance."],
            "",
        )  # fmt: skip
    if kind == "large_deposit":
        when = format_date(f.get("posted_on"), "en")
        suggested = f.get("suggested_product_name")
        return _Body(
            [f"We have received the transfer of {amount} into your account on {when}."],
            [f"Our {suggested} could be a good fit for these funds; {walk}."] if suggested
            else [f"If you wish, {'I can' if casual else 'I would be glad to'} suggest options to put these funds to "
                  "work in line with your plans."],
            action,
        )  # fmt: skip
    if kind == "idle_cash":
        return _Body(
            [
                f"Your current account holds {amount}."
                if f.get("account") == "casa"
                else f"Your current and savings accounts hold {amount}."
            ],
            [f"Our {f['suggested_product_name']} could make these funds work better for you; {walk}."]
            if f.get("suggested_product_name")
            else [f"{glad} review options that could make these funds work better for you."],
            action,
        )
    if kind == "inactive":
        if f.get("days_since_contact") is None:
            return _Body(["I would welcome the chance to meet you and learn more about your needs."], [], action)
        # Never how long it has been: a client is not told they were neglected. What they spoke of, they are.
        topic = _in_language(f.get("last_topic"), "en")
        return _Body(
            ["I hope you have been keeping well."]
            + ([f"I have been thinking about what we discussed last time: {topic}."] if topic else []),
            ["It would be great to catch up." if casual
             else "I would welcome the chance to catch up and review your needs."],
            action,
        )  # fmt: skip
    if kind == "complaint_followup":
        category, opened = category_text(f.get("category"), "en"), format_date(f.get("opened_on"), "en")
        what = _in_language(f.get("summary"), "en", "you")
        return _Body(
            [f"I am following up on the issue you reported on {opened}: {what}." if what
             else f"I am following up on the {category} issue you reported on {opened}."],
            ["I am sorry for the inconvenience; I am personally making sure it is resolved and will keep you "
             "informed at every step."],
            action,
        )  # fmt: skip
    if kind == "attrition_risk":
        facts = ["I would like to make sure we are serving you as well as we can."]
        if f.get("lead_sign") == "matured_not_rolled":
            facts.append(f"Your deposit of {amount} matured on {format_date(f.get('sign_date'), 'en')}.")
        retain = (
            [
                f"Our {f['offer_name']} currently offers a rate of {format_number(f['offer_rate_pct'], 'en')}% a year; "
                f"{walk}."
            ]
            if f.get("offer_name") and f.get("offer_rate_pct")
            else []
        )
        return _Body(facts, [*retain, "I would love to hear whether anything could be done better."], action)
    if kind == "cross_sell" and f.get("lead"):
        when = format_date(f.get("noted_on"), "en")
        size = f" of {amount}" if f.get("amount_vnd") else ""
        return _Body(
            [f"Thank you for our conversation on {when} about the {product}{size}."],
            [f"{glad} prepare the next steps with you and answer any questions."],
            action,
        )
    if kind == "offer":  # the nightly's top recommendation: the product and what it does, never the client's spending
        summary = _in_language(f.get("product_summary"), "en")
        return _Body(
            [f"I thought of you when reviewing our {product}."],
            ([f"{summary}." if not summary.endswith(".") else summary] if summary else [])
            + [f"{glad} share the details and see whether it suits you."],
            action,
        )
    if kind == "cross_sell":
        return _Body(
            [f"Based on your portfolio, our {product} may be a good fit for you."],
            [f"{glad} share the details at your convenience."],
            action,
        )
    return _Body(
        ["I hope you are well."],
        [f"{glad} meet and review your accounts at your convenience."],
        action,
    )


def _in_language(text: Any, language: str, client_word: str = "") -> str:
    """A CRM text (a complaint's summary, a note's topic) fit to quote in a message: its first sentence, short, in
    the message's language, the client named as the message names them ("khách" → "anh"); "" otherwise."""
    line = re.split(r"(?<=[.!?])\s", " ".join(str(text or "").split()), maxsplit=1)[0].rstrip(". ")
    if not line or len(line) > QUOTE_MAX_CHARS or detect_language(line) != language:
        return ""
    if client_word:
        pattern = r"\b(?:khách hàng|khách|KH)\b" if language == "vi" else r"\b(?:the client|the customer|client)\b"
        line = re.sub(pattern, client_word, line)
    return line


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _body_vi(kind: str, f: Mapping[str, Any], p: str, me: str, casual: bool) -> _Body:
    if kind == "reply":
        return _reply_vi(f, p, me)
    me_cap, p_cap = _cap(me), _cap(p)
    amount = format_amount(f.get("amount_vnd"), "vi")
    action = f"{p_cap} nhắn {me} thời gian tiện cho {p} nhé." if casual else f"Mong {p} phản hồi thời gian thuận tiện."
    if kind == "cd_maturity" and f.get("matured"):
        due = format_date(f.get("maturity_on"), "vi")
        return _Body(
            [f"Chứng chỉ tiền gửi {amount} của {p} đã đáo hạn ngày {due}."],
            [f"{me_cap} xin được hỗ trợ {p} tái tục hoặc chọn kỳ hạn phù hợp hơn."],
            action,
        )
    if kind == "cd_maturity":
        due = format_date(f.get("maturity_on"), "vi")
        return _Body(
            [f"Chứng chỉ tiền gửi {amount} của {p} sẽ đáo hạn vào ngày {due}, còn {f.get('days_left')} ngày nữa."],
            [f"{me_cap} rất mong được trao đổi với {p} về các phương án tái tục trước thời điểm này."],
            action,
        )
    if kind == "loan_maturity":
        due = format_date(f.get("maturity_on"), "vi")
        return _Body(
            [
                f"Khoản vay {f.get('product_name') or ''} của {p} (dư nợ {amount}) sẽ đến hạn vào ngày {due}, "
                f"còn {f.get('days_left')} ngày nữa.".replace("vay  của", "vay của")
            ],
            [f"{me_cap} xin phép được trao đổi với {p} về các bước tiếp theo."],
            action,
        )
    if kind == "birthday":
        wish = f"{me} xin thay mặt ngân hàng gửi tới {p} lời chúc sức khỏe, hạnh phúc và thành công."
        if f.get("days_until") in (0, None):
            return _Body([f"Nhân dịp sinh nhật {p}, {wish}"], [], "")
        when = format_date(f.get("date"), "vi")
        return _Body(
            [f"Nhân dịp sinh nhật {p} sắp tới vào ngày {when}, "
             f"{me} xin thay mặt ngân hàng gửi trước tới {p} lời chúc sức khỏe, hạnh phúc và thành công."],
            [],
            "",
        )  # fmt: skip
    if kind == "large_deposit":
        when = format_date(f.get("posted_on"), "vi")
        return _Body(
            [f"Ngân hàng đã nhận được khoản tiền {amount} chuyển vào tài khoản của {p} ngày {when}."],
            [f"Sản phẩm {f['suggested_product_name']} có thể phù hợp với khoản tiền này; {me} xin được tư vấn chi "
             f"tiết để {p} cân nhắc."] if f.get("suggested_product_name")
            else [f"Nếu {p} có nhu cầu, {me} xin được tư vấn các phương án sử dụng khoản tiền này phù hợp với kế "
                  f"hoạch của {p}."],
            action,
        )  # fmt: skip
    if kind == "idle_cash":
        return _Body(
            [
                f"Tài khoản thanh toán của {p} hiện có {amount}."
                if f.get("account") == "casa"
                else f"Tài khoản thanh toán và tiết kiệm của {p} hiện có {amount}."
            ],
            [
                f"Sản phẩm {f['suggested_product_name']} có thể giúp khoản tiền này sinh lời tốt hơn; {me} xin được tư "
                f"vấn chi tiết để {p} cân nhắc."
            ]
            if f.get("suggested_product_name")
            else [f"{me_cap} rất mong được tư vấn cho {p} các phương án giúp khoản tiền này sinh lời tốt hơn."],
            action,
        )
    if kind == "inactive":
        if f.get("days_since_contact") is None:
            return _Body([f"{me_cap} rất mong có dịp gặp {p} để tìm hiểu thêm nhu cầu của {p}."], [], action)
        topic = _in_language(f.get("last_topic"), "vi")
        return _Body(
            [f"{me_cap} hy vọng {p} vẫn khỏe và mọi việc đều thuận lợi."]
            + ([f"{me_cap} vẫn nhớ lần trước mình trao đổi về {_lower_first(topic)}."] if topic else []),
            [f"{me_cap} rất mong được gặp lại {p} để cập nhật nhu cầu của {p}."],
            action,
        )
    if kind == "complaint_followup":
        category, opened = category_text(f.get("category"), "vi"), format_date(f.get("opened_on"), "vi")
        what = _in_language(f.get("summary"), "vi", p)
        return _Body(
            [f"{me_cap} xin liên hệ về phản ánh của {p} ngày {opened}: {_lower_first(what)}." if what
             else f"{me_cap} xin liên hệ về vấn đề {category} mà {p} đã phản ánh ngày {opened}."],
            [f"{me_cap} thành thật xin lỗi {p} vì sự bất tiện này, đang trực tiếp theo dõi để xử lý dứt điểm và sẽ "
             f"cập nhật cho {p} từng bước."],
            action,
        )  # fmt: skip
    if kind == "attrition_risk":
        facts = [f"{me_cap} muốn chắc chắn rằng ngân hàng đang phục vụ {p} tốt nhất."]
        if f.get("lead_sign") == "matured_not_rolled":
            facts.append(f"Khoản tiền gửi {amount} của {p} đã đáo hạn ngày {format_date(f.get('sign_date'), 'vi')}.")
        offer = (
            [f"Hiện {f['offer_name']} có lãi suất {format_number(f['offer_rate_pct'], 'vi')}%/năm; {me} xin được tư "
             f"vấn chi tiết để {p} cân nhắc."]
            if f.get("offer_name") and f.get("offer_rate_pct")
            else []
        )  # fmt: skip
        return _Body(
            facts,
            [*offer, f"{me_cap} rất mong được nghe ý kiến của {p} về những điều ngân hàng có thể làm tốt hơn."],
            action,
        )
    if kind == "cross_sell" and f.get("lead"):
        product = f.get("product_name") or category_text(f.get("category"), "vi") or str(f.get("topic") or "")
        size = f" ({amount})" if f.get("amount_vnd") else ""
        return _Body(
            [f"Cảm ơn {p} đã trao đổi với {me} ngày {format_date(f.get('noted_on'), 'vi')} về {product}{size}."],
            [f"{me_cap} xin phép chuẩn bị các bước tiếp theo và giải đáp mọi thắc mắc của {p}."],
            action,
        )
    if kind == "offer":
        product = f.get("product_name") or category_text(f.get("category"), "vi")
        return _Body(
            [f"{me_cap} nghĩ ngay đến {p} khi xem lại sản phẩm {product} của ngân hàng."],
            [f"{me_cap} rất sẵn lòng gửi {p} thông tin chi tiết để {p} xem có phù hợp không."],
            action,
        )
    if kind == "cross_sell":
        product = f.get("product_name") or category_text(f.get("category"), "vi")
        return _Body(
            [f"Dựa trên danh mục hiện tại của {p}, sản phẩm {product} có thể phù hợp với {p}."],
            [f"{me_cap} rất sẵn lòng gửi {p} thông tin chi tiết khi {p} thuận tiện."],
            action,
        )
    return _Body(
        [f"{me_cap} hy vọng {p} vẫn khỏe."],
        [f"{me_cap} rất sẵn lòng gặp {p} để rà soát các tài khoản khi {p} thuận tiện."],
        action,
    )


# ----- replies to inbound messages (DOC-POL-INBOX topics) -----------------------------------------

#: When the RM promises to come back, by the message's urgency (DOC-POL-INBOX: high today, normal within two
#: working days; DOC-POL-COMPLAINTS: a complaint is acknowledged within 24 hours).
_REPLY_WHEN = {
    "en": {"high": "today", "normal": "within two working days", "low": "in the coming days"},
    "vi": {"high": "ngay trong ngày", "normal": "trong vòng 2 ngày làm việc", "low": "trong vài ngày tới"},
}


def _reply_en(f: Mapping[str, Any], casual: bool) -> _Body:
    """A reply that acknowledges what the client asked, says what happens next and by when; no figure is quoted."""
    topic, urgency = f.get("topic"), f.get("urgency") or "normal"
    when = _REPLY_WHEN["en"].get(urgency, "within two working days")
    product = f.get("product_name")
    thanks = "Thanks for your message." if casual else "Thank you for your message."
    if topic == "card_issue":
        facts = ["I am sorry for the trouble with your card."]
        offer = [f"I am looking into it with our card team and will come back to you {when}.",
                 "If you think the card is at risk, please lock it in the app (Cards → Lock card) or call our hotline "
                 "at once; the bank never asks for your OTP."]  # fmt: skip
    elif topic == "transfer_issue":
        facts = ["I am sorry the transfer has not gone through as expected."]
        offer = [f"I have asked our payments team to trace it and will update you {when}."]
    elif topic == "complaint":
        facts = ["Thank you for telling me, and I am sorry for the experience you had."]
        offer = ["I have logged your complaint and will come back to you within 24 hours with what we are doing "
                 "about it."]  # fmt: skip
    elif topic == "loan_request":
        facts = [thanks + (f" I have noted your interest in our {product}." if product else
                           " I have noted your financing request.")]  # fmt: skip
        offer = [f"I will prepare the options and the documents needed and come back to you {when}."]
    elif topic == "account_details":
        facts = [thanks + " I have noted your request about your account."]
        offer = [f"I will take care of it and confirm {when}."]
    elif topic == "product_inquiry":
        facts = [thanks + (f" I will send you the details of our {product}." if product else
                           " I will send you the details you asked for.")]  # fmt: skip
        offer = [f"You will have them {when}, with the conditions that apply."]
    elif topic == "appointment":
        facts = [thanks]
        offer = [f"I will confirm the time with you {when}."]
    else:
        return _Body(["Thank you so much for your kind message." if not casual else "Thanks so much for your message!"],
                     [], "")  # fmt: skip
    return _Body(facts, offer, "")


def _reply_vi(f: Mapping[str, Any], p: str, me: str) -> _Body:
    """The Vietnamese reply: the same acknowledgement and next step, in the client's pronoun."""
    me_cap = _cap(me)
    topic, urgency = f.get("topic"), f.get("urgency") or "normal"
    when = _REPLY_WHEN["vi"].get(urgency, "trong vòng 2 ngày làm việc")
    product = f.get("product_name")
    thanks = f"{me_cap} cảm ơn {p} đã nhắn tin."
    if topic == "card_issue":
        facts = [f"{me_cap} rất tiếc về sự cố thẻ của {p}."]
        offer = [f"{me_cap} đang phối hợp với bộ phận thẻ và sẽ phản hồi {p} {when}.",
                 f"Nếu thấy thẻ có nguy cơ bị lộ, {p} vui lòng khóa thẻ ngay trên ứng dụng (Thẻ → Khóa thẻ) hoặc gọi "
                 "tổng đài; ngân hàng không bao giờ hỏi mã OTP."]  # fmt: skip
    elif topic == "transfer_issue":
        facts = [f"{me_cap} rất tiếc giao dịch chuyển tiền của {p} chưa thành công như mong đợi."]
        offer = [f"{me_cap} đã đề nghị bộ phận thanh toán tra soát và sẽ cập nhật cho {p} {when}."]
    elif topic == "complaint":
        facts = [f"{me_cap} cảm ơn {p} đã phản ánh và thành thật xin lỗi {p} về trải nghiệm vừa qua."]
        offer = [f"{me_cap} đã ghi nhận khiếu nại và sẽ phản hồi {p} trong vòng 24 giờ về hướng xử lý."]
    elif topic == "loan_request":
        facts = [thanks + (f" {me_cap} đã ghi nhận nhu cầu của {p} về {product}." if product else
                           f" {me_cap} đã ghi nhận nhu cầu vay vốn của {p}.")]  # fmt: skip
        offer = [f"{me_cap} sẽ chuẩn bị phương án và danh sách hồ sơ cần thiết, phản hồi {p} {when}."]
    elif topic == "account_details":
        facts = [thanks + f" {me_cap} đã ghi nhận yêu cầu về tài khoản của {p}."]
        offer = [f"{me_cap} sẽ xử lý và xác nhận lại với {p} {when}."]
    elif topic == "product_inquiry":
        facts = [thanks + (f" {me_cap} sẽ gửi {p} thông tin chi tiết về {product}." if product else
                           f" {me_cap} sẽ gửi {p} thông tin chi tiết {p} cần.")]  # fmt: skip
        offer = [f"{me_cap} sẽ gửi {when}, kèm các điều kiện áp dụng."]
    elif topic == "appointment":
        facts = [thanks]
        offer = [f"{me_cap} sẽ xác nhận lại lịch hẹn với {p} {when}."]
    else:
        return _Body([f"{me_cap} cảm ơn {p} rất nhiều vì lời nhắn."], [], "")
    return _Body(facts, offer, "")


def _subject(kind: str, f: Mapping[str, Any], language: str, client: Mapping[str, Any], p: str) -> str:
    if kind == "reply":
        original = " ".join(str(f.get("subject") or "").split())[:MAX_REPLY_SUBJECT]
        return f"Re: {original}" if original else ("Phản hồi tin nhắn của " + p if language == "vi" else "Your message")
    given = (str(client.get("full_name") or "").split() or [""])[-1]
    if language == "vi":
        subjects = {
            "cd_maturity": f"Chứng chỉ tiền gửi của {p} sắp đáo hạn",
            "loan_maturity": f"Khoản vay của {p} sắp đến hạn",
            "birthday": f"Chúc mừng sinh nhật {p} {given}",
            "large_deposit": f"Khoản tiền mới về tài khoản của {p}",
            "idle_cash": "Phương án cho khoản tiền nhàn rỗi",
            "complaint_followup": f"Về phản ánh của {p}",
            "attrition_risk": f"Ngân hàng mong phục vụ {p} tốt hơn",
            "cross_sell": f"Giới thiệu {f.get('product_name') or 'sản phẩm phù hợp'}",
            "offer": f"{f.get('product_name') or 'Sản phẩm'} có thể phù hợp với {p}",
        }
        return _cap(subjects.get(kind, f"Hỏi thăm {p}"))
    subjects = {
        "cd_maturity": f"Your {f.get('product_name') or 'deposit'} matures on {format_date(f.get('maturity_on'))}",
        "loan_maturity": f"Your loan reaches maturity on {format_date(f.get('maturity_on'), 'en')}",
        "birthday": f"Happy birthday, {given}!",
        "large_deposit": "Your recent deposit",
        "idle_cash": "Making your balance work for you",
        "complaint_followup": "Following up on the issue you reported",
        "attrition_risk": "How can we serve you better?",
        "cross_sell": f"{f.get('product_name') or 'A product'} for you",
        "offer": f"{f.get('product_name') or 'A product'} that may suit you",
    }
    return subjects.get(kind, "Checking in")


def _size(voice: LanguageVoice, settings: _Settings, channel: str) -> Size:
    size: Size = settings.size or (
        "short" if voice.typical_words <= SHORT_WORDS else "long" if voice.typical_words >= LONG_WORDS else "normal"
    )
    return "normal" if channel == "chat" and size == "long" else size


def _policy_note(text: str, what: str, language: str, notes: list[str]) -> bool:
    """Whether ``text`` may go into a draft; a breach is noted, never silently dropped."""
    findings = check_message(text, language=language)
    if findings:
        flags = ", ".join(sorted({finding.flag for finding in findings}))
        notes.append(f"{what} dropped: bank policy ({flags})")
        return False
    return True


def _avoided(sentence: str, avoid: Sequence[str]) -> str | None:
    folded = sentence.casefold()
    return next((word for word in avoid if word.casefold() in folded), None)


def _template_body(
    request: DraftRequest, voice: LanguageVoice, settings: _Settings, language: str, hon: str, channel: str,
    notes: list[str], said: Sequence[str] = (), spoken: bool = False,
) -> str:  # fmt: skip
    """The body from the kind's sentences, the voice's phrases and the RM's rules; no sentence twice (``said``:
    the salutation and sign-off); ``spoken``: talking points, so no written closing phrases."""
    formality = settings.formality or voice.formality
    casual = formality == "casual"
    self_word = settings.self_word or voice.self_word
    if language == "vi" and hon == "Quý khách" and not settings.self_word:
        self_word = "chúng tôi"
    if language == "vi":
        body = _body_vi(request.kind, request.facts, hon, self_word, casual)
    else:
        body = _body_en(request.kind, request.facts, casual)
    size = _size(voice, settings, channel)
    emoji = settings.emoji if settings.emoji is not None else voice.emoji
    facts = list(body.facts)
    if emoji and request.kind == "birthday":
        facts[-1] += _BIRTHDAY_EMOJI
    rest = list(body.offer[:1] if size == "short" else body.offer)
    if body.action and not (size == "short" and rest):
        rest.append(body.action)
    if spoken:  # asked on the call, not "let me know"
        rest = [*body.offer, *([_spoken_ask(language, hon, self_word)] if body.action else [])]
    wanted = 0 if spoken or (size == "short" and request.kind != "birthday") else 2 if size == "long" else 1
    closing: list[str] = []
    for phrase in voice.phrases:
        if len(closing) >= wanted:
            break
        if casual is False and formality == "formal" and "!" in phrase:
            continue  # a formal voice keeps its exclamations for casual mail
        try:
            rendered = fill_template(phrase, request.client, self_word=self_word, hon=hon)
        except (KeyError, ValueError, IndexError):
            notes.append("a learned phrase with an unknown placeholder was skipped")
            continue
        if _avoided(rendered, settings.avoid) or not _policy_note(rendered, "a learned phrase", language, notes):
            continue
        if rendered not in closing and rendered not in rest:
            closing.append(rendered)
    for phrase in settings.include:
        if spoken:
            notes.append(f"the rule phrase {phrase!r} is for written messages: left out of the talking points")
        elif _policy_note(phrase, f"the rule phrase {phrase!r}", language, notes):
            closing.append(phrase)
    kept_rest = without_repeated_sentences(_without_avoided(rest, settings.avoid, notes), said=[*said, *facts])
    kept_closing = without_repeated_sentences(
        _without_avoided(closing, settings.avoid, notes), said=[*said, *facts, *kept_rest]
    )
    for sentence in facts:
        word = _avoided(sentence, settings.avoid)
        if word is not None:
            notes.append(f"the key facts use {word!r}, which a rule avoids; kept so the facts stay stated")
    paragraphs = voice.paragraphs if channel == "email" and not spoken else 1
    if paragraphs <= 1 or not kept_closing:
        return " ".join(facts + kept_rest + kept_closing)
    return " ".join(facts + kept_rest) + "\n\n" + " ".join(kept_closing)


def _without_avoided(sentences: Sequence[str], avoid: Sequence[str], notes: list[str]) -> list[str]:
    kept: list[str] = []
    for sentence in sentences:
        word = _avoided(sentence, avoid)
        if word is None:
            kept.append(sentence)
        else:
            notes.append(f"a sentence with {word!r} was left out (the RM's rule)")
    return kept


# ----- the model path --------------------------------------------------------------------------


def key_numbers(kind: str, facts: Mapping[str, Any], language: str) -> list[str]:
    """The numbers a usable draft must state: the amount (as the template writes it) and the days left."""
    numbers: list[str] = []
    amount = facts.get("amount_vnd") if kind in _AMOUNT_KINDS else None
    if amount:
        numbers.append(re.sub(r"\s*(tỷ|triệu|đồng|B VND|M VND|VND|B|M)$", "", format_amount(amount, language)))
    if kind in ("cd_maturity", "loan_maturity") and (facts.get("days_left") or 0) >= 0 and "days_left" in facts:
        numbers.append(str(facts["days_left"]))
    return numbers


def _ids(request: DraftRequest) -> list[str]:
    """Every identifier the request holds: none may reach the model or appear in its draft."""
    client = request.client
    found = {str(client.get(key) or "") for key in ("id", "client_id", "rm_id", "phone", "email")}
    found.update(str(value) for key, value in request.facts.items() if key.endswith(("_id", "_code")) and value)
    found.update(str(document.get("id") or "") for document in request.documents)
    return sorted((value for value in found if len(value) >= 3), key=len, reverse=True)


def _facts_line(request: DraftRequest, language: str) -> str:
    """The facts for the prompt, worded as the template states them (numbers as they must appear)."""
    body = (
        _body_vi(request.kind, request.facts, "{hon}", "{self}", False)
        if language == "vi"
        else _body_en(request.kind, request.facts, False)
    )
    line = " ".join(body.facts).replace("{hon}", "khách hàng").replace("{self}", "tôi")
    rate = request.facts.get("rate_pct")
    if rate and request.kind == "cd_maturity":
        line += f" ({format_number(float(rate), language)}% {'/năm' if language == 'vi' else 'p.a.'})"
    return line


def _strip_frame(text: str) -> str:
    """The body alone, when the model wrote a salutation or a sign-off anyway."""
    parts = split_message(text)
    if not parts.salutation and not parts.signoff:
        return text.strip()
    return "\n\n".join(parts.paragraphs).strip()


def _prompt(request: DraftRequest, voice: LanguageVoice, settings: _Settings, language: str, salutation: str,
            signoff: str, rules: Sequence[Mapping[str, Any]], hon: str, size: Size) -> str:  # fmt: skip
    phrases = [fill_template(p, request.client, self_word=settings.self_word or voice.self_word, hon=hon)
               for p in voice.phrases[:3]]  # fmt: skip
    policy = "\n".join(str(d.get("text") or "") for d in request.documents if d.get("kind") == "policy")
    words = {"short": "about 30 to 50 words", "normal": "about 50 to 90 words", "long": "about 80 to 130 words"}[size]
    numbers = key_numbers(request.kind, request.facts, language)
    self_line = (
        f'- Refer to yourself as "{settings.self_word or voice.self_word}" and to the client as "{hon}".'
        if language == "vi" and hon
        else ""
    )
    prompt = load_prompt("voice/draft_message").format(
        language_name="Vietnamese" if language == "vi" else "English",
        salutation=salutation,
        signoff=signoff,
        formality=settings.formality or voice.formality,
        length=words,
        self_line=self_line,
        phrases="\n".join(f"- {p}" for p in phrases) or "- (none)",
        rm_rules="\n".join(f"- {r.get('text')}" for r in rules if str(r.get("text") or "").strip()) or "- (none)",
        facts=_facts_line(request, language),
        product=str(request.facts.get("product_name") or request.facts.get("suggested_product_name") or "") or "-",
        must_include="\n".join(f"- {n}" for n in numbers) or "- (nothing in particular)",
        policy=policy[:MAX_POLICY_CHARS] or "- No guaranteed returns, no pressure, no personal data.",
    )
    for identifier in _ids(request):
        prompt = prompt.replace(identifier, "")
    return prompt


def _model_body(body: str, request: DraftRequest, language: str, settings: _Settings) -> str | None:
    """The model's body when it is usable (after the policy repair), else None."""
    if not MIN_BODY_CHARS <= len(body) <= MAX_BODY_CHARS or "{" in body or "}" in body:
        return None
    if any(number not in body for number in key_numbers(request.kind, request.facts, language)):
        return None
    if any(identifier in body for identifier in _ids(request)):
        return None
    if any(_avoided(body, [word]) for word in settings.avoid):
        return None
    if states_time_since_contact(body):
        return None  # neglect advertised to the client: the template never says it
    if repeated_sentences(body):
        body = drop_repeated_sentences(body)
    prose = body
    names = [
        request.rm_name,
        str(request.client.get("full_name") or ""),
        *str(request.client.get("full_name") or "").split(),
    ]
    for name in sorted((n for n in names if n), key=len, reverse=True):
        prose = prose.replace(name, " ")
    if detect_language(prose) != language:
        return None
    # A model that wrote what policy forbids is not trusted with the rest; a missing disclaimer is only added.
    if any(finding.flag != MISSING_RISK_DISCLAIMER for finding in check_message(body, language=language)):
        return None
    repaired = enforce_policy(body, language=language)
    return None if repaired.findings else repaired.text


# ----- composing ---------------------------------------------------------------------------------


def _signoff(template: str, client: Mapping[str, Any], voice: LanguageVoice, hon: str | None) -> str:
    """The sign-off for this client: learned sign-offs may name the client's pronoun ("Em chúc {hon} …")."""
    try:
        validate_template(template, what="the sign-off")
    except ValueError:
        return template  # a rule's literal text with braces: used as written
    return fill_template(template, client, self_word=voice.self_word, hon=hon)


def _talking_points(body: str, client: Mapping[str, Any], hon: str, language: str) -> str:
    """The body as short lines the RM says on a call, under a head line that says it is for a call."""
    full_name = str(client.get("full_name") or "").strip()
    title = hon if language == "vi" else str(client.get("honorific") or "")
    name = " ".join(part for part in (title, full_name) if part) or _TALKING_CLIENT[language]
    points = "\n".join(f"- {sentence}" for sentence in sentences(body))
    return f"{_TALKING_HEAD[language].format(name=name)}\n{points}"


def compose_draft(
    request: DraftRequest,
    tone: ToneProfile,
    rules: Sequence[Mapping[str, Any]] = (),
    model: BaseChatModel | None = None,
) -> ComposedDraft:
    """The draft in the RM's voice, the RM's rules applied, bank policy enforced last."""
    if request.kind not in DRAFT_KINDS:
        raise ValueError(f"unknown draft kind {request.kind!r}; expected one of {', '.join(DRAFT_KINDS)}")
    notes: list[str] = []
    settings = _settings(rules)
    client = request.client
    client_language = client.get("language") if client.get("language") in ("en", "vi") else None
    language = request.language or settings.language or client_language or "en"
    if language not in ("en", "vi"):
        raise ValueError(f"unsupported draft language {language!r}; expected 'en' or 'vi'")
    voice = tone.voice(language)
    channel: Literal["email", "chat"] = "email" if client.get("preferred_channel") == "email" else "chat"
    spoken = client.get("preferred_channel") == "phone"
    hon = _client_pronoun(client, settings.pronoun)
    salutation = _salutation(voice, settings, client, language, hon, notes)
    signoff = _signoff(settings.signoff or voice.signoff, client, voice, hon)
    signature = settings.signature if settings.signature is not None else (voice.signature or request.rm_name)
    size = _size(voice, settings, channel)
    body = ""
    engine: Literal["template", "model"] = "template"
    if model is not None:
        prompt = _prompt(request, voice, settings, language, salutation, signoff, rules, hon or "Quý khách", size)
        outcome = text_call(model, [HumanMessage(content=prompt)], fallback=lambda: "", task="drafting.body")
        if outcome.from_model:
            usable = _model_body(_strip_frame(outcome.value), request, language, settings)
            if usable is None:
                logger.warning("the model's draft dropped key facts, leaked an id or broke policy; using the template")
            else:
                body, engine = usable, "model"
        if settings.unknown and engine == "model":
            notes.extend(f"rule applied by the model only: {text!r}" for text in settings.unknown)
    if engine == "template":
        body = _template_body(
            request, voice, settings, language, hon or "Quý khách", channel, notes, (salutation, signoff), spoken
        )
        notes.extend(f"rule not applied by the template engine: {text!r}" for text in settings.unknown)
        repaired = enforce_policy(body, language=language)
        notes.extend(f"removed by bank policy: {text}" for text in repaired.removed)
        notes.extend(f"added by bank policy: {text}" for text in repaired.added)
        body = repaired.text
    if spoken:
        # The RM says these on the call: the text has no greeting line, sign-off or signature to read out.
        body = _talking_points(body, client, hon, language)
        text = body
    else:
        text = f"{salutation}\n\n{body}\n\n{signoff}" + (f"\n{signature}" if signature else "")
    flags = sorted({finding.flag for finding in check_message(text, language=language, client=client)})
    subject = (
        _subject(request.kind, request.facts, language, client, hon or "Quý khách") if channel == "email" else None
    )
    return ComposedDraft(
        language=language,
        channel=channel,
        subject=subject,
        salutation=salutation,
        body=body,
        signoff=signoff,
        signature=signature,
        text=text.strip(),
        engine=engine,
        form="talking_points" if spoken else "message",
        flags=flags,
        notes=notes,
    )
