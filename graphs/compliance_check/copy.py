"""Every word the compliance check says, in English and Vietnamese."""

from __future__ import annotations

from typing import Any

from tools.core.language import supported_language

FLAG_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "guaranteed_return": "a promised return",
        "missing_risk_disclaimer": "no risk disclaimer for an investment product",
        "pressure_tactic": "pressure on the client",
        "pii_exposure": "personal data",
        "unsuitable_product": "a product unsuitable for this client",
        "misleading_rate": "a rate that does not match the catalog or lacks its conditions",
    },
    "vi": {
        "guaranteed_return": "cam kết lợi nhuận",
        "missing_risk_disclaimer": "thiếu cảnh báo rủi ro cho sản phẩm đầu tư",
        "pressure_tactic": "gây áp lực cho khách",
        "pii_exposure": "lộ dữ liệu cá nhân",
        "unsuitable_product": "sản phẩm không phù hợp với khách này",
        "misleading_rate": "lãi suất sai so với biểu lãi suất hoặc thiếu điều kiện",
    },
}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "clean": "No issue found: the message keeps the bank's communication rules{client}. You can send it.",
        "head": "The message breaks {count} of the bank's communication rules{client}:",
        "line": "{n}. {name}: “{evidence}” ({reason})",
        "suggested": "Suggested version (check it before sending):",
        "no_suggestion": "I cannot repair this automatically: it needs your judgement (e.g. a different product).",
        "for_client": " for {name} ({risk}, {segment})",
        "no_client": "Suitability was not checked: the message names none of your clients (or several).",
        "understood": "A compliance check of the message against the bank's communication and suitability rules, "
                      "with the catalog's rates{client}",
    },
    "vi": {
        "clean": "Không phát hiện vấn đề: tin nhắn đúng quy tắc giao tiếp của ngân hàng{client}. Có thể gửi.",
        "head": "Tin nhắn vi phạm {count} quy tắc giao tiếp của ngân hàng{client}:",
        "line": "{n}. {name}: “{evidence}” ({reason})",
        "suggested": "Bản đề xuất (kiểm tra lại trước khi gửi):",
        "no_suggestion": "Không thể tự sửa: cần anh/chị quyết định (ví dụ đổi sản phẩm).",
        "for_client": " cho {name} ({risk}, {segment})",
        "no_client": "Chưa kiểm tra tính phù hợp: tin nhắn không nêu đúng một khách hàng của anh/chị.",
        "understood": "Kiểm tra tuân thủ tin nhắn theo quy tắc giao tiếp và chính sách phù hợp sản phẩm, "
                      "với lãi suất trong biểu{client}",
    },
}  # fmt: skip


def _client(client: dict[str, Any] | None, lang: str) -> str:
    if not client:
        return ""
    return WORDS[lang]["for_client"].format(
        name=client.get("full_name") or client.get("client_id"),
        risk=client.get("risk_profile") or "?",
        segment=client.get("segment") or "?",
    )


def answer(findings: list[dict[str, Any]], suggested: str | None, client: dict[str, Any] | None, language: str) -> str:
    lang = supported_language(language)
    words = WORDS[lang]
    lines: list[str] = []
    if not findings:
        lines.append(words["clean"].format(client=_client(client, lang)))
    else:
        lines.append(words["head"].format(count=len({f["flag"] for f in findings}), client=_client(client, lang)))
        lines += [
            words["line"].format(n=n, name=FLAG_NAMES[lang].get(f["flag"], f["flag"]), evidence=f["evidence"],
                                 reason=f["reason"])
            for n, f in enumerate(findings, start=1)
        ]  # fmt: skip
        unfixable = {"unsuitable_product"} & {f["flag"] for f in findings}
        if suggested:
            lines += ["", words["suggested"], suggested]
        if unfixable or not suggested:
            lines += ["", words["no_suggestion"]]
    if not client:
        lines += ["", words["no_client"]]
    return "\n".join(lines)


def understood_as(client: dict[str, Any] | None, language: str) -> str:
    lang = supported_language(language)
    return WORDS[lang]["understood"].format(client=_client(client, lang))
