"""Every word the attrition scan says, in English and Vietnamese: the signs, the retention steps, the list."""

from __future__ import annotations

from typing import Any

from graphs.signal_words import filters_text, sign_line
from tools.core.formatting import format_amount
from tools.core.language import supported_language
from tools.signals.criteria import Criteria

ACTIONS: dict[str, dict[str, str]] = {
    "en": {
        "call_about_outflow": "call to ask what the transfers are for, and offer a better home for the money",
        "ask_about_income": "ask whether their job or salary account changed; offer to move the payroll back",
        "offer_renewal": "offer a renewal rate for the matured deposit",
        "reengage_digital": "check whether the app is giving them trouble and help them back in",
        "review_pricing": "review their rates and fees against the other bank's offer",
        "resolve_complaint": "resolve the open complaint first, then call to confirm they are satisfied",
        "reconnect": "call to reconnect and review their needs",
    },
    "vi": {
        "call_about_outflow": "gọi hỏi mục đích các khoản chuyển đi và đề xuất phương án giữ tiền tại ngân hàng",
        "ask_about_income": "hỏi khách có đổi việc hay đổi tài khoản nhận lương không; mời chuyển lương về lại",
        "offer_renewal": "đề xuất lãi suất tái tục cho khoản tiền gửi đã đáo hạn",
        "reengage_digital": "hỏi khách có gặp khó khăn với ứng dụng không và hỗ trợ khách dùng lại",
        "review_pricing": "rà soát lãi suất, phí so với ưu đãi của ngân hàng khác",
        "resolve_complaint": "xử lý dứt điểm khiếu nại đang mở, sau đó gọi xác nhận khách hài lòng",
        "reconnect": "gọi thăm hỏi và rà soát lại nhu cầu của khách",
    },
}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "head": "{count} of your {matching} clients{filters} show signs of leaving; highest risk first:",
        "line": "{n}. {name} (risk {score}, assets {aum}): {signs}. Next step: {action}.",
        "more": "…and {count} more.",
        "none": "None of your {matching} clients{filters} shows signs of leaving: no transfers to other banks, "
                "stopped salary, app drop-off, open complaint, unrenewed deposit or competitor mention.",
        "understood": "Your clients{filters} at risk of leaving, read from transfers to other banks, salary, app "
                      "logins, complaints, matured deposits, notes and contact",
    },
    "vi": {
        "head": "{count} trên {matching} khách hàng{filters} có dấu hiệu rời bỏ; rủi ro cao nhất trước:",
        "line": "{n}. {name} (rủi ro {score}, tài sản {aum}): {signs}. Bước tiếp theo: {action}.",
        "more": "…và {count} khách hàng khác.",
        "none": "Không khách hàng nào trong {matching} khách hàng{filters} có dấu hiệu rời bỏ: không chuyển tiền sang "
                "ngân hàng khác, không ngừng lương, không bỏ dùng ứng dụng, không khiếu nại mở, không bỏ tái tục.",
        "understood": "Khách hàng{filters} có nguy cơ rời bỏ, đọc từ chuyển tiền sang ngân hàng khác, lương, đăng "
                      "nhập ứng dụng, khiếu nại, tiền gửi đáo hạn, ghi chú và liên hệ",
    },
}  # fmt: skip


def _lang(language: str) -> str:
    return supported_language(language)


def sign(sign_facts: dict[str, Any], language: str) -> str:
    return sign_line(sign_facts, language)


def _filters(criteria: Criteria, language: str) -> str:
    text = filters_text(criteria, language)
    return f" ({text})" if text else ""


def answer(
    at_risk: list[dict[str, Any]], counts: dict[str, int], language: str, criteria: Criteria | None = None
) -> str:
    """The list, one line per client: the score, what is at stake, every sign, the next step."""
    lang = _lang(language)
    words = WORDS[lang]
    filters = _filters(criteria, language) if criteria else ""
    if not at_risk:
        return words["none"].format(matching=counts.get("matching", 0), filters=filters)
    lines = [words["head"].format(count=counts.get("at_risk", len(at_risk)), matching=counts.get("matching", 0),
                                  filters=filters)]  # fmt: skip
    for position, item in enumerate(at_risk, 1):
        signs = "; ".join(sign(entry, language) for entry in item["signs"])
        action = ACTIONS[lang].get(str(item.get("action")), "")
        lines.append(words["line"].format(n=position, name=item["full_name"], score=f"{item['score']:.2f}",
                                          aum=format_amount(item["aum_vnd"], language), signs=signs,
                                          action=action))  # fmt: skip
    hidden = counts.get("at_risk", len(at_risk)) - len(at_risk)
    if hidden > 0:
        lines.append(words["more"].format(count=hidden))
    return "\n".join(lines)


def understood_as(criteria: Criteria, counts: dict[str, int], language: str) -> str:
    return WORDS[_lang(language)]["understood"].format(filters=_filters(criteria, language))
