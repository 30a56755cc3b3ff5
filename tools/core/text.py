"""Normalizing what RMs type: one form for every text (NFC), one fold for matching, names, phone numbers.

Every entry point (HTTP, CLI, web, eval runner, the graphs' own inputs) passes text through
``normalize_text`` first: a note typed on a phone that sends decomposed accents (NFD) then reads
exactly like the same note in NFC, and spans found in it are spans of what the RM sees.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

# Honorifics and titles an RM may put before a name; they never identify a client.
_TITLE_WORDS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "anh", "chi", "ong", "ba", "co", "chu", "bac", "em", "khach", "hang", "kh"}
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
#: Zero-width and soft-hyphen characters: invisible to the RM, but they split words for every matcher.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalize_text(text: str) -> str:
    """The one form of any text that comes in: composed accents (NFC), no invisible characters."""
    return unicodedata.normalize("NFC", text).translate(_INVISIBLE)


def strip_accents(text: str) -> str:
    """ "Nguyễn Văn Đức" → "Nguyen Van Duc" (đ/Đ are letters of their own, not accents)."""
    if text.isascii():
        return text
    return _strip_accents_short(text) if len(text) <= _CACHED_LENGTH else _strip_accents(text)


#: Texts up to this long are folded once per process: the rules fold the same names, words and product and policy
#: sentences over and over (a next-best-action turn asked for 4,400 folds, most of them repeats).
_CACHED_LENGTH = 256


@functools.lru_cache(maxsize=8192)
def _strip_accents_short(text: str) -> str:
    return _strip_accents(text)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def fold(text: str) -> str:
    """The form every rule matches against: accent-free, case-folded, straight quotes, single-spaced."""
    return " ".join(strip_accents(text).casefold().translate(_QUOTES).split())


def fold_words(text: str) -> list[str]:
    """The folded words of a text, punctuation dropped."""
    return re.findall(r"\w+", fold(text))


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """One character folded (it may become none, or several: a lone combining mark, "ß")."""
    return strip_accents(char).lower() if not char.isascii() else char.lower()


def fold_chars(text: str) -> str:
    """A fold that keeps every position (char ``i`` of the result is char ``i`` of ``text`` folded): for spans.

    Whitespace and punctuation stay as they are; give it ``normalize_text`` output.
    """
    return "".join(folded if len(folded := _fold_char(char)) == 1 else char for char in text)


@dataclass(frozen=True)
class FoldedText:
    """``text`` folded (lower case, accents removed) with, for each folded char, its index in the original.

    For matchers that need the RM's own words back (evidence, the sentence to drop) whatever the input.
    """

    original: str
    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> FoldedText:
        return _folded_text(original)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded ``[start, end)``."""
        if start >= end:
            return self.origin[start] if start < len(self.origin) else len(self.original), self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1

    def evidence(self, start: int, end: int) -> str:
        begin, finish = self.span(start, end)
        return self.original[begin:finish].strip()

    def index_of(self, original_index: int) -> int:
        """The folded index where original char ``original_index`` starts."""
        return bisect.bisect_left(self.origin, original_index)


@functools.lru_cache(maxsize=128)
def _folded_text(original: str) -> FoldedText:
    """Kept per process (the value is immutable): a message is folded again by every rule that reads it."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(original):
        for piece in _fold_char(char):
            chars.append(piece)
            origin.append(index)
    return FoldedText(original, "".join(chars), tuple(origin))


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


def normalize_texts(value: Any) -> Any:
    """``normalize_text`` on every string inside a JSON-like value (dicts, lists); anything else as it is."""
    if isinstance(value, str):
        return normalize_text(value)
    if isinstance(value, dict):
        return {key: normalize_texts(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize_texts(item) for item in value]
    return value


#: A message pasted into a note, in straight or curly quotes.
_QUOTED = re.compile(r"\"[^\"\n]{3,}\"|“[^”]{3,}”")


def without_quotes(text: str) -> str:
    """The text with pasted messages blanked (same length): what the writer says, not what they quote."""
    return _QUOTED.sub(lambda match: " " * len(match.group()), text)


#: Whom a pasted message is written to: "Hi Khoa", "Dear Ha", "Chào Hà", "Anh Khoa ơi", "Hà ơi".
_VOCATIVE = re.compile(
    r"(?:\b(?:hi|hello|hey|dear|chào|chao|gửi|gui)\s+(?:(?:anh|chị|chi|em|cô|co|a|c|e)\s+)?[^\W\d_]+"
    r"|[^\W\d_]+\s+(?:ơi|oi)\b)",
    re.IGNORECASE,
)


def quotes_lowercased(text: str) -> str:
    """The text with the names a pasted message is addressed to in lower case (same words): "Hi Khoa", "Anh Khoa
    ơi" name the RM, not a person the note is about; a name the writer gives ("chị tên Hương") stays a name."""

    def lowercase_vocatives(quote: re.Match[str]) -> str:
        return _VOCATIVE.sub(lambda match: match.group().lower(), quote.group())

    return _QUOTED.sub(lowercase_vocatives, text)
