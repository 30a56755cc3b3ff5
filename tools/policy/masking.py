"""What a prompt to a model outside the bank may not carry: the client's name, phone, e-mail, account and card
numbers. ``mask`` replaces them with placeholders before the text leaves.

A first, rule-based masker for the prompts that carry an RM's own words (routing, note reading); the full
trust layer (every prompt, reversible placeholders, an audit log) is issue 17's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tools.core.text import FoldedText, name_tokens

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?84[\s.-]?|0)\d{2,3}[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\d)")
#: Account, card and ID numbers: long runs of digits (spaces and dashes inside allowed).
_LONG_NUMBER = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){8,}(?![\d.,])")


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where the words of these people's names stand in ``text`` (accents and case aside; honorifics kept)."""
    folded = FoldedText.of(text)
    spans: list[tuple[int, int]] = []
    for word in {word for name in names for word in name_tokens(name) if len(word) >= 2}:
        for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", folded.text):
            spans.append(folded.span(match.start(), match.end()))
    return spans


def mask(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with e-mails, phones, long numbers and the given people's names replaced by placeholders."""
    spans = [(m.start(), m.end(), "[email]") for m in _EMAIL.finditer(text)]
    spans += [(m.start(), m.end(), "[phone]") for m in _PHONE.finditer(text)]
    spans += [(m.start(), m.end(), "[number]") for m in _LONG_NUMBER.finditer(text)]
    spans += [(start, end, "[name]") for start, end in _name_spans(text, names)]
    masked, last = [], 0
    for start, end, placeholder in sorted(spans, key=lambda span: (span[0], -span[1])):
        if start < last:
            continue  # inside something already masked
        masked += [text[last:start], placeholder]
        last = end
    masked.append(text[last:])
    return "".join(masked)
