"""What makes a draft one an RM would not send unchanged, as checks: a repeated sentence, time since contact.

The template engine is written not to do either; these checks keep the model path (and learned phrases or
RM rule phrases added to a template) to the same standard, and the draft-quality tests read drafts with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tools.core.text import fold

__all__ = [
    "drop_repeated_sentences",
    "repeated_sentences",
    "sentences",
    "states_time_since_contact",
    "without_repeated_sentences",
]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_BULLET = re.compile(r"^\s*[-•*]\s*")
_NOT_WORD = re.compile(r"[^\w]+")
#: A span of time, as a number or "a while" / "lâu" (EN and VI, folded).
_DURATION = re.compile(
    r"\b(\d+|a|one|two|three|several|many|few|mot|hai|ba|vai|nhieu)\s+"
    r"(days?|weeks?|months?|years?|ngay|tuan|thang|nam)\b|\b(a while|a long time|ages|lau)\b"
)
#: Words that tie a span of time to the last contact.
_CONTACT = re.compile(
    r"\b(since|ago|last (spoke|talked|met|contact\w*|chatted|caught up)|in touch"
    r"|(not|haven'?t|hasn'?t) (spoken|talked|met|heard|been in touch|caught up|seen)"
    r"|ke tu|lan (gan nhat|cuoi)|chua (gap|trao doi|lien lac|noi chuyen)|khong gap)\b"
)


def sentences(text: str) -> list[str]:
    """The sentences (and bullet points) of ``text``, in order, without their bullet marks."""
    return [part for part in (_BULLET.sub("", piece).strip() for piece in _SENTENCE_END.split(text)) if part]


def _key(sentence: str) -> str:
    return _NOT_WORD.sub(" ", fold(sentence)).strip()


def repeated_sentences(text: str) -> list[str]:
    """Each sentence that appears again later in ``text`` (case, accents and punctuation aside)."""
    seen: set[str] = set()
    repeated: list[str] = []
    for sentence in sentences(text):
        key = _key(sentence)
        if key and key in seen and sentence not in repeated:
            repeated.append(sentence)
        seen.add(key)
    return repeated


def without_repeated_sentences(parts: Sequence[str], *, said: Iterable[str] = ()) -> list[str]:
    """``parts`` (each one or more sentences) with every sentence said before dropped, empty parts dropped;
    ``said`` is what the draft says elsewhere (its salutation, its sign-off)."""
    keys = {_key(sentence) for text in said for sentence in sentences(text)}
    kept: list[str] = []
    for part in parts:
        fresh = []
        for sentence in sentences(part):
            key = _key(sentence)
            if key and key in keys:
                continue
            keys.add(key)
            fresh.append(sentence)
        if fresh:
            kept.append(" ".join(fresh))
    return kept


def drop_repeated_sentences(text: str) -> str:
    """``text`` with every sentence said before dropped, its paragraphs kept."""
    kept: list[str] = []
    said: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        fresh = without_repeated_sentences(sentences(paragraph), said=said)
        said += fresh
        if fresh:
            kept.append(" ".join(fresh))
    return "\n\n".join(kept)


def states_time_since_contact(text: str) -> bool:
    """Whether a sentence says how long it has been since the last contact ("268 days since we last spoke",
    "đã 268 ngày kể từ lần gần nhất"): neglect advertised to the client."""
    return any(_DURATION.search(folded) and _CONTACT.search(folded) for folded in (fold(s) for s in sentences(text)))
