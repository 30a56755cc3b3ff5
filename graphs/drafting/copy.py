"""Every word the drafting room says around the draft itself (the draft is the RM's own voice)."""

from __future__ import annotations

from tools.core.formatting import format_date
from tools.core.language import supported_language

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "head": "Draft for {name}:",
        "not_found": "None of your clients has this id.",
        "understood": "A {kind} message to {name}",
        "not_near": "{name}'s birthday is on {date}, {days} days away: too far ahead for a greeting. "
        "Ask me again in the week before it.",
    },
    "vi": {
        "head": "Bản nháp cho {name}:",
        "not_found": "Không có khách hàng nào của anh/chị với mã này.",
        "understood": "Tin nhắn {kind} cho {name}",
        "not_near": "Sinh nhật của {name} là ngày {date}, còn {days} ngày nữa: còn quá sớm để gửi lời chúc. "
        "Anh/chị hãy nhờ em soạn trong tuần trước ngày đó.",
    },
}
KINDS: dict[str, dict[str, str]] = {
    "en": {
        "birthday": "birthday", "cd_maturity": "CD maturity", "loan_maturity": "loan maturity",
        "large_deposit": "large deposit", "inactive": "check-in", "idle_cash": "idle cash",
        "complaint_followup": "complaint follow-up", "cross_sell": "product", "attrition_risk": "retention",
        "check_in": "check-in",
    },
    "vi": {
        "birthday": "chúc mừng sinh nhật", "cd_maturity": "đáo hạn tiền gửi", "loan_maturity": "đáo hạn khoản vay",
        "large_deposit": "khoản tiền lớn", "inactive": "hỏi thăm", "idle_cash": "tiền nhàn rỗi",
        "complaint_followup": "xử lý khiếu nại", "cross_sell": "giới thiệu sản phẩm", "attrition_risk": "giữ chân",
        "check_in": "hỏi thăm",
    },
}  # fmt: skip


def _lang(language: str) -> str:
    return supported_language(language)


def answer(name: str, text: str, language: str) -> str:
    return f"{WORDS[_lang(language)]['head'].format(name=name)}\n\n{text}"


def not_found(language: str) -> str:
    return WORDS[_lang(language)]["not_found"]


def understood_as(kind: str, name: str, language: str) -> str:
    lang = _lang(language)
    return WORDS[lang]["understood"].format(kind=KINDS[lang].get(kind, kind), name=name)


def not_near(name: str, date: str, days: int, language: str) -> str:
    """Why no draft: the occasion is too far ahead (the RM asked for it explicitly)."""
    lang = _lang(language)
    return WORDS[lang]["not_near"].format(name=name, date=format_date(date, lang), days=days)
