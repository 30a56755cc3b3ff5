"""An RM's voice, learned from the messages the RM sent: salutation, sign-off, signature, phrases, length.

Pure functions, no I/O. A voice keeps its salutation and phrases as templates over the recipient
(``{title}``, ``{hon}``/``{Hon}``, ``{given}``, ``{family}``, ``{full_name}``) and the RM's self word
(``{self}``/``{Self}``), so "Dear Mr. Son," becomes "Dear {title} {given}," and fits a client the RM
never wrote to. Messages are read the way the bank's RMs write them: salutation line, blank line,
paragraphs, blank line, sign-off line, signature line(s).
"""

from __future__ import annotations

import re
import statistics
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.core.language import detect_language
from tools.core.text import fold, normalize_text

__all__ = [
    "LANGUAGES",
    "PLACEHOLDERS",
    "LanguageVoice",
    "ToneProfile",
    "address",
    "default_voice",
    "fill_template",
    "learn_from_edit",
    "learn_tone",
    "pronoun",
    "split_message",
    "title",
    "validate_template",
]

LANGUAGES = ("en", "vi")
#: Placeholders a salutation or phrase template may use.
PLACEHOLDERS = frozenset({"title", "hon", "Hon", "given", "family", "full_name", "self", "Self"})
MAX_PHRASES = 5
#: A sentence seen in at least this share of an RM's messages (and twice) is one of the RM's phrases.
PHRASE_SHARE = 0.25
MAX_PHRASE_WORDS = 25
_FORMAL_SCORE = 0.5

Formality = Literal["formal", "neutral", "casual"]

# An honorific as written in the CRM (folded) → (English title, Vietnamese pronoun).
_HONORIFICS: dict[str, tuple[str, str]] = {
    "mr": ("Mr.", "anh"),
    "mrs": ("Mrs.", "chị"),
    "ms": ("Ms.", "chị"),
    "miss": ("Ms.", "chị"),
    "dr": ("Dr.", "anh"),
    "anh": ("Mr.", "anh"),
    "ong": ("Mr.", "ông"),
    "chu": ("Mr.", "chú"),
    "bac": ("Mr.", "bác"),
    "chi": ("Ms.", "chị"),
    "ba": ("Mrs.", "bà"),
    "co": ("Ms.", "cô"),
}
_TITLE_WORDS = {"mr", "mrs", "ms", "miss", "dr"}
_PRONOUN_WORDS = {"anh", "chị", "ông", "bà", "cô", "chú", "bác"}
_SELF_WORDS = ("em", "tôi", "mình")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_TOKEN = re.compile(r"(\W*)(\w*)(.*)", re.DOTALL)


class LanguageVoice(BaseModel):
    """How the RM writes in one language."""

    salutation: str
    signoff: str
    signature: str = ""
    self_word: str
    formality: Formality = "neutral"
    typical_words: int = 60
    paragraphs: int = 1
    phrases: list[str] = Field(default_factory=list)
    emoji: bool = False
    messages: int = 0


_DEFAULTS: dict[str, LanguageVoice] = {
    "en": LanguageVoice(salutation="Dear {title} {given},", signoff="Kind regards,", self_word="I"),
    "vi": LanguageVoice(salutation="Kính gửi {hon} {given},", signoff="Trân trọng,", self_word="em"),
}


def default_voice(language: str) -> LanguageVoice:
    """The bank's neutral voice for a language (English for any other)."""
    return _DEFAULTS.get(language, _DEFAULTS["en"]).model_copy(deep=True)


class ToneProfile(BaseModel):
    """One RM's voice per language; a language the RM never wrote in gets the bank's default voice."""

    rm_id: str
    version: int = 0
    source: str = "learned"
    languages: dict[str, LanguageVoice] = Field(default_factory=dict)

    def voice(self, language: str) -> LanguageVoice:
        learned = self.languages.get(language)
        if learned is not None:
            return learned
        fallback = default_voice(language)
        # The RM signs the same way in any language: borrow the name line from another voice.
        for other in self.languages.values():
            if other.signature:
                fallback.signature = other.signature.splitlines()[0]
                break
        return fallback


# ----- addressing a client ---------------------------------------------------------------------


def _fold(text: str) -> str:
    """The shared fold, without the punctuation around a greeting or name."""
    return fold(text).strip(" .,!:;")


def _names(client: Mapping[str, Any]) -> tuple[str, str, str]:
    full_name = " ".join(str(client.get("full_name") or "").split())
    tokens = full_name.split()
    if len(tokens) == 2 and "-" in tokens[1]:
        # "Kim Ji-hoon", "Wang Xiao-ming": a romanized East-Asian given name; the client is addressed as Mr. Kim
        return full_name, tokens[0], tokens[0]
    return full_name, (tokens[0] if tokens else ""), (tokens[-1] if tokens else "")


def title(client: Mapping[str, Any]) -> str:
    """The English title from the CRM honorific (Vietnamese honorifics included), "" when unknown."""
    return _HONORIFICS.get(_fold(str(client.get("honorific") or "")), ("", ""))[0]


def pronoun(client: Mapping[str, Any]) -> str:
    """The Vietnamese pronoun for the client from the CRM honorific (English ones included), "" when unknown."""
    return _HONORIFICS.get(_fold(str(client.get("honorific") or "")), ("", ""))[1]


def _fields(client: Mapping[str, Any], self_word: str, hon: str | None = None) -> dict[str, str]:
    full_name, family, given = _names(client)
    hon = hon if hon is not None else pronoun(client)
    return {
        "title": title(client),
        "hon": hon,
        "Hon": hon[:1].upper() + hon[1:],
        "given": given,
        "family": family,
        "full_name": full_name,
        "self": self_word,
        "Self": self_word[:1].upper() + self_word[1:],
    }


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r" ([,.!?:;])", r"\1", text).strip()


def validate_template(template: str, *, what: str = "template") -> None:
    """Raise ValueError naming the placeholder when ``template`` uses one the engine cannot fill."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValueError(f"{what} {template!r} is not a valid template ({error}); use {{given}}, {{title}}…") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            raise ValueError(f"{what} {template!r} uses an unknown placeholder {{{name}}}; allowed: {allowed}")


def fill_template(template: str, client: Mapping[str, Any], *, self_word: str, hon: str | None = None) -> str:
    """A salutation or phrase template for one client; a missing title or pronoun falls back to the full name."""
    values = _fields(client, self_word, hon)
    needs_title = "{title}" in template and not values["title"]
    needs_hon = ("{hon}" in template or "{Hon}" in template) and not values["hon"]
    if needs_hon:
        values["hon"] = values["Hon"] = "Quý khách"
    if needs_title or needs_hon:
        values["given"] = values["family"] = values["full_name"]
        values["title"] = ""
        if template.count("{given}") + template.count("{family}") + template.count("{full_name}") > 1:
            template = template.replace("{family}", "").replace("{full_name}", "{given}")
    return _tidy(template.format(**values))


def address(voice: LanguageVoice, client: Mapping[str, Any], language: str, *, hon: str | None = None) -> str:
    """The salutation line for any client, including one the RM never wrote to."""
    del language  # the template already belongs to one language; kept for the public signature
    return fill_template(voice.salutation, client, self_word=voice.self_word, hon=hon)


# ----- reading a message -----------------------------------------------------------------------


@dataclass
class MessageParts:
    """A sent message taken apart: salutation, body paragraphs, sign-off, signature."""

    salutation: str = ""
    paragraphs: list[str] = field(default_factory=list)
    signoff: str = ""
    signature: str = ""


#: Vietnamese sign-offs often wish the client well by pronoun ("Em chúc anh nhiều sức khỏe,"): up to 7 words.
MAX_SIGNOFF_WORDS = 7


def _is_closing_line(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= MAX_SIGNOFF_WORDS
        and line.rstrip().endswith((",", "!"))
        and not any(ch.isdigit() for ch in line)
    )


def split_message(text: str) -> MessageParts:
    """Salutation (a short first line), sign-off (a short line ending in a comma near the end), the rest."""
    lines = [line.strip() for line in text.strip().splitlines()]
    parts = MessageParts()
    if lines and len(lines[0].split()) <= 10 and lines[0].endswith((",", "!", ":")):
        parts.salutation = lines[0]
        lines = lines[1:]
    filled = [index for index, line in enumerate(lines) if line]
    for index in reversed(filled[-4:]):
        if _is_closing_line(lines[index]):
            parts.signoff = lines[index]
            parts.signature = "\n".join(line for line in lines[index + 1 :] if line)
            lines = lines[:index]
            break
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    parts.paragraphs = paragraphs
    return parts


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _templatize(text: str, client: Mapping[str, Any] | None, self_word: str | None) -> str:
    """Turn the recipient's own name/honorific (and the RM's self word) into placeholders."""
    full_name, family, given = _names(client or {})
    client_title, client_hon = (title(client), pronoun(client)) if client else ("", "")
    if full_name and len(full_name.split()) > 1:
        text = re.sub(re.escape(full_name), "{full_name}", text, flags=re.IGNORECASE)
    out: list[str] = []
    for token in re.split(r"(\s+)", text):
        match = _TOKEN.fullmatch(token)
        if token.isspace() or match is None or not match.group(2) or "{" in token:
            out.append(token)
            continue
        lead, core, trail = match.groups()
        folded = _fold(core)
        replacement = None
        if client and given and folded == _fold(given):
            replacement = "{given}"
        elif client and family and folded == _fold(family) and family != given:
            replacement = "{family}"
        elif client and client_title and folded in _TITLE_WORDS:
            replacement, trail = "{title}", trail.removeprefix(".")
        elif client and client_hon and core.casefold() == client_hon:
            replacement = "{Hon}" if core[0].isupper() else "{hon}"
        elif self_word and self_word != "I" and core.casefold() == self_word.casefold():
            replacement = "{Self}" if core[0].isupper() else "{self}"
        out.append(lead + replacement + trail if replacement else token)
    return "".join(out)


def _message_language(parts: MessageParts, client: Mapping[str, Any] | None) -> str:
    prose = " ".join(parts.paragraphs)
    for name in (str((client or {}).get("full_name") or ""), *str((client or {}).get("full_name") or "").split()):
        if name:
            prose = prose.replace(name, " ")
    if prose.strip():
        return detect_language(prose)
    language = str((client or {}).get("language") or "")
    return language if language in LANGUAGES else detect_language(parts.salutation + " " + parts.signoff)


def _formality_score(parts: MessageParts, language: str, self_word: str) -> float:
    salutation, signoff = _fold(parts.salutation), _fold(parts.signoff)
    body = " ".join(parts.paragraphs)
    score = 0.0
    if language == "vi":
        score += 1 if salutation.startswith(("kinh", "dear")) else -1 if salutation.startswith(("chao", "hi")) else 0
        score += 1 if signoff.startswith(("tran trong", "kinh")) else -1 if signoff.startswith("than") else 0
        score += 0.5 if self_word == "tôi" else 0
        score -= 0.5 if re.search(r"\bnhé\b", body) else 0
    else:
        score += 1 if salutation.startswith(("dear", "good day")) else -1 if salutation.startswith(("hi", "hey")) else 0
        formal_signoffs = ("yours", "sincerely", "kind regards", "best regards", "warm regards", "respectfully")
        casual_signoffs = ("cheers", "best", "thanks", "many thanks", "talk soon")
        score += 1 if signoff.startswith(formal_signoffs) else -1 if signoff.startswith(casual_signoffs) else 0
        score -= 0.5 if re.search(r"\b\w+'(ll|re|ve|m|t|s|d)\b", body) else 0
    score -= 0.5 if _EMOJI.search(body) or "!" in body else 0
    return score


def _most_common(values: Sequence[str], default: str) -> str:
    counted = Counter(value for value in values if value)
    return counted.most_common(1)[0][0] if counted else default


def _self_word(bodies: Sequence[str], language: str) -> str:
    if language != "vi":
        return "I"
    counted = Counter(
        word.casefold() for body in bodies for word in re.findall(r"\w+", body) if word.casefold() in _SELF_WORDS
    )
    return counted.most_common(1)[0][0] if counted else default_voice("vi").self_word


@dataclass
class _Reading:
    parts: MessageParts
    client: Mapping[str, Any] | None
    language: str


def _recurring_sentences(readings: Sequence[_Reading], self_word: str) -> list[str]:
    """Sentences the RM writes whatever the message is about: recurring, and after different openings.

    The first sentence of a message says why it was written; a sentence that only ever follows the same
    opening belongs to that topic ("I hope the year ahead…" after a birthday wish), not to the RM's voice.
    """
    messages: Counter[str] = Counter()
    openings: dict[str, set[str]] = {}
    for reading in readings:
        sentences = [s for paragraph in reading.parts.paragraphs for s in _sentences(paragraph)]
        if len(sentences) < 2:
            continue
        opening = " ".join(_fold(sentences[0]).split()[:4])
        seen = {
            _EMOJI.sub("", _templatize(sentence, reading.client, self_word)).strip()
            for sentence in sentences[1:]
            if not any(ch.isdigit() for ch in sentence) and len(sentence.split()) <= MAX_PHRASE_WORDS
        }
        for text in seen - {""}:
            messages[text] += 1
            openings.setdefault(text, set()).add(opening)
    threshold = max(2, PHRASE_SHARE * len(readings))
    return [text for text, count in messages.most_common() if count >= threshold and len(openings[text]) >= 2]


def _learn_voice(readings: Sequence[_Reading], language: str) -> LanguageVoice:
    default = default_voice(language)
    bodies = [" ".join(r.parts.paragraphs) for r in readings]
    self_word = _self_word(bodies, language)
    salutations = [_templatize(r.parts.salutation, r.client, None) for r in readings if r.client and r.parts.salutation]
    # Only templates that really generalise (no leftover recipient names) are usable for anyone else.
    salutation = _most_common([s for s in salutations if "{" in s], default.salutation)
    phrases = _recurring_sentences(readings, self_word)
    scores = [_formality_score(r.parts, language, self_word) for r in readings]
    mean = statistics.fmean(scores) if scores else 0.0
    formality: Formality = "formal" if mean >= _FORMAL_SCORE else "casual" if mean <= -_FORMAL_SCORE else "neutral"
    words = [len(body.split()) for body in bodies if body]
    paragraphs = [len(r.parts.paragraphs) for r in readings if r.parts.paragraphs]
    return LanguageVoice(
        salutation=salutation,
        # The sign-off, like the salutation, may name the recipient ("Chúc anh…"): a template too.
        signoff=_most_common(
            [_templatize(r.parts.signoff, r.client, self_word) for r in readings if r.parts.signoff], default.signoff
        ),
        signature=_most_common([r.parts.signature for r in readings], ""),
        self_word=self_word,
        formality=formality,
        typical_words=round(statistics.median(words)) if words else default.typical_words,
        paragraphs=round(statistics.median(paragraphs)) if paragraphs else default.paragraphs,
        phrases=phrases[:MAX_PHRASES],
        emoji=any(_EMOJI.search(body) for body in bodies),
        messages=len(readings),
    )


def learn_tone(
    rm: Mapping[str, Any],
    messages: Sequence[Mapping[str, Any]],
    clients: Mapping[str, Mapping[str, Any]],
) -> ToneProfile:
    """The RM's voice per language from the RM's sent messages (``clients`` by id, for the recipients' names)."""
    readings: dict[str, list[_Reading]] = {}
    for message in messages:
        body = normalize_text(str(message.get("body") or ""))
        if not body.strip():
            continue
        client = clients.get(str(message.get("client_id") or ""))
        parts = split_message(body)
        language = _message_language(parts, client)
        readings.setdefault(language, []).append(_Reading(parts, client, language))
    languages = {language: _learn_voice(found, language) for language, found in readings.items()}
    return ToneProfile(rm_id=str(rm.get("id") or ""), languages=languages)


def learn_from_edit(
    profile: ToneProfile, *, language: str, client: Mapping[str, Any], original: str, edited: str
) -> ToneProfile | None:
    """What the RM changed in a draft, as a new voice: salutation/sign-off/signature lines and added sentences."""
    before, after = split_message(original), split_message(edited)
    voice = profile.voice(language).model_copy(deep=True)
    changed = False
    if after.salutation and _fold(after.salutation) != _fold(before.salutation):
        voice.salutation = _templatize(after.salutation, client, None)
        changed = True
    if after.signoff and after.signoff != before.signoff:
        voice.signoff = _templatize(after.signoff, client, voice.self_word)
        changed = True
    if after.signature and after.signature != before.signature:
        voice.signature = after.signature
        changed = True
    old = {_fold(s) for paragraph in before.paragraphs for s in _sentences(paragraph)}
    for paragraph in after.paragraphs:
        for sentence in _sentences(paragraph):
            if _fold(sentence) in old or any(ch.isdigit() for ch in sentence):
                continue  # a sentence with numbers is about this client's facts, not the RM's voice
            if len(sentence.split()) > MAX_PHRASE_WORDS:
                continue
            phrase = _templatize(sentence, client, voice.self_word)
            if phrase not in voice.phrases:
                voice.phrases = [phrase, *voice.phrases][:MAX_PHRASES]
                changed = True
    if not changed:
        return None
    languages = {**profile.languages, language: voice}
    return profile.model_copy(update={"languages": languages, "source": "from_edit"})
