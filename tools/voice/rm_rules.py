"""An RM's drafting rules in plain words (English or Vietnamese), read deterministically into effects.

Pure functions, no I/O. "always sign off with 'Best wishes,'" → ``signoff``; "keep it short" /
"ngắn gọn" → ``length``; "xưng em, gọi anh/chị" → ``self_word`` and ``pronoun``. A rule the reader
cannot understand is one ``unknown`` effect: only a model can apply it, and the draft says so.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from tools.core.text import fold, strip_accents

__all__ = ["EFFECT_KINDS", "RuleEffect", "interpret_rule"]

EFFECT_KINDS = (
    "salutation",
    "address",
    "signoff",
    "signature",
    "language",
    "formality",
    "length",
    "include_phrase",
    "avoid_word",
    "emoji",
    "self_word",
    "pronoun",
    "unknown",
)

_QUOTED = re.compile(r"(?<!\w)[\"“”'‘’«]([^\"“”‘’«»]+?)[\"“”'‘’»](?=[\s,.;:!?)]|$)")
_PRONOUNS = ("anh/chị", "anh/chi", "anh", "chị", "ông", "bà", "cô", "chú", "bác", "quý khách")
_SELF = ("em", "tôi", "mình")


class RuleEffect(BaseModel):
    """One thing a rule asks of a draft; ``value`` is what to use (None for ``unknown``)."""

    kind: str
    value: str | None = None


def _quoted(text: str) -> list[str]:
    return [match.group(1).strip() for match in _QUOTED.finditer(text) if match.group(1).strip()]


def _has(folded: str, *patterns: str) -> bool:
    return any(re.search(pattern, folded) for pattern in patterns)


def _pronoun_after(text: str, verb: str) -> str | None:
    """The pronoun after "gọi"/"xưng" in the original text ("gọi anh/chị" → "anh/chị")."""
    match = re.search(rf"\b{verb}\s+(?:là\s+|la\s+)?([^\s,.;]+(?:\s+khách)?)", text, flags=re.IGNORECASE)
    return match.group(1).casefold() if match else None


def interpret_rule(text: str) -> list[RuleEffect]:
    """The effects of one rule; ``[RuleEffect(kind="unknown")]`` when nothing in it can be read."""
    folded = fold(text)
    quoted = _quoted(text)
    effects: list[RuleEffect] = []

    def add(kind: str, value: str | None) -> None:
        effects.append(RuleEffect(kind=kind, value=value))

    # Language: "write to this client in English", "viết bằng tiếng Việt".
    if _has(folded, r"\b(in|use) english\b", r"\btieng anh\b"):
        add("language", "en")
    elif _has(folded, r"\b(in|use) vietnamese\b", r"\btieng viet\b"):
        add("language", "vi")

    # Length.
    if _has(folded, r"\b(short|brief|concise|shorter)\b", r"ngan gon", r"\bngan\b"):
        add("length", "short")
    elif _has(folded, r"\b(detailed|longer|long)\b", r"chi tiet", r"\bdai\b"):
        add("length", "long")

    # Formality.
    if _has(folded, r"\b(informal|casual|friendly|relaxed)\b", r"than mat", r"gan gui"):
        add("formality", "casual")
    elif _has(folded, r"\b(formal|polite|respectful)\b", r"trang trong", r"lich su"):
        add("formality", "formal")

    # Emoji.
    if _has(
        folded, r"\b(no|never|without|don'?t use|avoid) (any )?emojis?\b", r"khong (dung |co )?(emoji|icon|bieu tuong)"
    ):
        add("emoji", "no")
    elif _has(folded, r"\bemojis?\b", r"\bicon\b", r"bieu tuong cam xuc"):
        add("emoji", "yes")

    # Vietnamese self word and pronoun: "xưng em, gọi anh/chị".
    self_word = _pronoun_after(text, "xưng") or _pronoun_after(strip_accents(text), "xung")
    if self_word:
        for candidate in _SELF:
            if fold(self_word) == fold(candidate):
                add("self_word", candidate)
                break
    called = _pronoun_after(text, "gọi")
    if called and not quoted:
        for candidate in _PRONOUNS:
            if fold(called) == fold(candidate):
                add("pronoun", candidate.replace("anh/chi", "anh/chị"))
                break

    # Quoted text: what the verb before it asks for.
    for value in quoted:
        before = fold(text[: text.find(value)])[-60:]
        signoff_words = (r"sign(ing)? off", r"close with", r"closing", r"end (the message |each message )?with.*$")
        is_signoff = _has(before, *signoff_words, r"ket thu", r"chao ket", r"loi ket")
        if is_signoff and len(value.split()) <= 5 and not _has(before, r"\badd\b"):
            add("signoff", value)
        elif _has(before, r"sign (it |my name )?as", r"signature", r"\bky ten\b", r"\bchu ky\b", r"sign with"):
            add("signature", value)
        elif _has(before, r"(start|begin|open|greet)\w*( \w+)? with", r"salutation", r"mo dau", r"bat dau"):
            add("salutation", value)
        elif _has(before, r"never", r"\bdon'?t\b", r"\bdo not\b", r"\bavoid", r"\bno\b", r"\bkhong\b", r"\btranh\b",
                  r"\bdung (noi|viet|dung)\b", r"\bcam\b"):  # fmt: skip
            add("avoid_word", value)
        elif _has(before, r"\badd\b", r"\binclude", r"\bmention", r"\balways (say|write|put)", r"\bthem\b",
                  r"\bluon\b", r"\bghi\b", r"\bappend"):  # fmt: skip
            add("include_phrase", value)
        elif _has(before, r"\bcall\b", r"\baddress", r"\bgoi\b"):
            add("address", value)

    # "call him Mr. Tom" / "address her as Ms. Lan" without quotes.
    if not quoted:
        match = re.search(r"\b(?:call|address)\s+(?:him|her|them|the client|this client)\s+(?:as\s+)?(.+?)[.;!]?$",
                          text.strip(), flags=re.IGNORECASE)  # fmt: skip
        if match:
            add("address", match.group(1).strip())

    return effects or [RuleEffect(kind="unknown", value=None)]
