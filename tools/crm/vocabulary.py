"""The CRM's values in words an RM and a client read: product and complaint categories, where money came from.

One table per kind of value, English and Vietnamese, used by the client profiles, the drafts and every room
that names one (the schema's own codes are ``card``, ``property_sale``…).
"""

from __future__ import annotations

from typing import Any

#: Product and complaint categories (English is the code in words; Vietnamese is the RM's word for it).
CATEGORY_WORDS_VI: dict[str, str] = {
    "cd": "chứng chỉ tiền gửi",
    "savings": "tiết kiệm",
    "investment": "đầu tư",
    "insurance": "bảo hiểm",
    "loan": "khoản vay",
    "card": "thẻ",
    "casa": "tài khoản thanh toán",
    "fees": "phí",
    "transfer": "chuyển tiền",
    "app": "ứng dụng",
    "service": "chất lượng dịch vụ",
}
#: Where an inbound payment came from (transaction categories): English, Vietnamese.
SOURCE_WORDS: dict[str, tuple[str, str]] = {
    "property_sale": ("property sale", "bán bất động sản"),
    "business_income": ("business income", "thu nhập kinh doanh"),
    "salary": ("salary", "lương"),
    "transfer_internal": ("internal transfer", "chuyển khoản nội bộ"),
}


def category_text(value: Any, language: str) -> str:
    """A product category or complaint kind in words of the language ("cd" → "chứng chỉ tiền gửi")."""
    text = str(value or "")
    return CATEGORY_WORDS_VI.get(text, text) if language == "vi" else text.replace("_", " ")


def source_text(category: str, language: str) -> str:
    """Where money came from, in words ("property_sale" → "property sale" / "bán bất động sản")."""
    english, vietnamese = SOURCE_WORDS.get(category, (category.replace("_", " "),) * 2)
    return vietnamese if language == "vi" else english
