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
    "education": "học phí, giáo dục",
    "study_abroad": "du học",
    "fees": "phí",
    "transfer": "chuyển tiền",
    "app": "ứng dụng",
    "service": "chất lượng dịch vụ",
    "fx_rate": "tỷ giá",
}
#: Words of a category code the table above does not hold ("card_declined" → "thẻ bị từ chối"), word by word.
_WORDS_VI: dict[str, str] = {
    "card": "thẻ", "fee": "phí", "fees": "phí", "annual": "thường niên", "declined": "bị từ chối",
    "blocked": "bị khóa", "transfer": "chuyển tiền", "delay": "chậm", "delayed": "bị chậm", "atm": "ATM",
    "app": "ứng dụng", "login": "đăng nhập", "loan": "khoản vay", "rate": "lãi suất", "fx": "tỷ giá",
    "interest": "lãi", "charge": "phí", "charges": "phí", "service": "dịch vụ", "statement": "sao kê",
    "refund": "hoàn tiền", "double": "hai lần", "wrong": "sai", "online": "trực tuyến", "cash": "tiền mặt",
    "withdrawal": "rút tiền", "deposit": "tiền gửi", "account": "tài khoản", "branch": "chi nhánh",
}  # fmt: skip
_HEAD_NOUNS = frozenset({"fee", "fees", "charge", "charges", "statement", "transfer", "card", "loan", "account",
                         "app", "withdrawal", "deposit", "delay", "refund", "rate"})  # fmt: skip
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
    if language != "vi":
        return text.replace("_", " ")
    if text in CATEGORY_WORDS_VI:
        return CATEGORY_WORDS_VI[text]
    words = text.split("_")
    if words and all(word in _WORDS_VI for word in words):
        if len(words) > 1 and words[-1] in _HEAD_NOUNS:  # "annual_fee": Vietnamese names the thing first
            words = [words[-1], *words[:-1]]
        return " ".join(_WORDS_VI[word] for word in words)  # "card_declined": the thing, then what happened
    return text.replace("_", " ")


def source_text(category: str, language: str) -> str:
    """Where money came from, in words ("property_sale" → "property sale" / "bán bất động sản")."""
    english, vietnamese = SOURCE_WORDS.get(category, (category.replace("_", " "),) * 2)
    return vietnamese if language == "vi" else english
