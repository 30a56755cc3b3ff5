"""Normalizing what RMs type: Vietnamese names without accents, phone numbers."""

from __future__ import annotations

import re
import unicodedata

# Honorifics and titles an RM may put before a name; they never identify a client.
_TITLE_WORDS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "anh", "chi", "ong", "ba", "co", "chu", "bac", "em", "khach", "hang", "kh"}
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def strip_accents(text: str) -> str:
    """ "Nguyễn Văn Đức" → "Nguyen Van Duc" (đ/Đ are letters of their own, not accents)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def name_tokens(name: str, *, drop_titles: bool = True) -> list[str]:
    """Lower-case, accent-free word tokens of a name, without honorifics."""
    tokens = [token for token in _NON_WORD.split(strip_accents(name).lower()) if token]
    if drop_titles:
        kept = [token for token in tokens if token not in _TITLE_WORDS]
        return kept or tokens
    return tokens


def normalize_phone(text: str) -> str | None:
    """The stored form of a Vietnamese phone number (10 digits starting with 0), or None.

    Accepts spaces, dots, dashes and the +84 / 84 country prefix.
    """
    digits = re.sub(r"\D", "", text)
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    return digits if re.fullmatch(r"0\d{9}", digits) else None
