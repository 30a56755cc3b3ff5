"""Every word the Q&A room says around the documents' lines, in English and Vietnamese."""

from __future__ import annotations

from typing import Any

from tools.core.language import supported_language

_ASPECTS = {
    "en": {"rate": "rates", "fee": "fees", "eligibility": "eligibility", "minimum": "minimum amounts",
           "term": "terms", "limit": "limits", "early": "early withdrawal or repayment", "features": "features",
           "risk": "risk and suitability"},
    "vi": {"rate": "lãi suất", "fee": "phí", "eligibility": "điều kiện", "minimum": "mức tối thiểu",
           "term": "kỳ hạn", "limit": "hạn mức", "early": "rút/trả trước hạn", "features": "đặc điểm",
           "risk": "rủi ro và mức phù hợp"},
}  # fmt: skip


def understood_as(found: dict[str, Any], language: str) -> str:
    lang = supported_language(language)
    products = ", ".join(found.get("products") or [])
    aspects = ", ".join(_ASPECTS[lang].get(a, a) for a in found.get("aspects") or [])
    if lang == "vi":
        what = f"sản phẩm {products}" if products else "sản phẩm và chính sách của ngân hàng"
        tail = f" ({aspects})" if aspects else ""
        return f"Câu hỏi về {what}{tail}, trả lời chỉ từ tài liệu của ngân hàng"
    what = f"the products {products}" if products else "the bank's products and policies"
    tail = f" ({aspects})" if aspects else ""
    return f"A question about {what}{tail}, answered from the bank's documents only"
