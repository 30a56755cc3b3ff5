"""A learned person-name tagger: a linear-chain CRF over words that reads the rules' own decision with the words.

The rules (``tools.policy.masking``) find names by evidence: the bank's people, a title before a name, a surname
followed by name words. Text written by others keeps beating them both ways: a bare given name ("gọi Quyên
nhé", "Sarah confirmed") is missed, a street or a product named after a person ("Lê Văn Lương", "An Phúc") is
masked. The tagger learns when to trust them. Each word is one row of features (``word_features``): the word
folded and its shape, whether it is a name word of the bank's people or of the lexicons, a title, a place,
street or company word, the rules' tag for it, and the same for two words either side. A CRF
(``python-crfsuite``) gives each word the probability that it is part of a name.

How the two combine (``people``): a word the tagger gives ``ACCEPT`` or more is a name word, and adjacent name
words are one name; a name the rules found that the tagger did not take is kept unless the tagger gives one of
its words less than ``KEEP_RULE``. The figures, held out and blind, are in the README (*Trust layer*).

The model (``data/person_tagger.crfsuite``; ``AGENTIFY_PERSON_TAGGER`` names another, or ``none``) is trained by
``python -m tools.policy.train_name_tagger`` on texts written for it by helper sessions acting as teachers
(``data/pii_train/``) and on development sets, kept apart from every set that measures it. Without the model
file, or without ``pycrfsuite``, the rules decide alone.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Protocol

from tools.core.settings import person_tagger
from tools.policy import name_lexicon as lexicon

logger = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).parent / "data" / "person_tagger.crfsuite"
#: A word is part of a name when the tagger gives it at least this probability: below one half, because a name
#: that leaves the bank costs more than a word masked by mistake. Chosen on the four development sets, each held
#: out of the training in turn: at 0.5 (and rules' names kept above 0.05) the tagger found 188/199, 181/187,
#: 229/254 and 252/307 of their names; at 0.3 (above 0.002) 190, 181, 231 and 265, with 0.9–2.1% of the other
#: words masked. Lower bars found more (0.02: 195, 186, 247, 283) but masked 2.0–2.9% and everyday words.
ACCEPT = 0.3
#: What a lower-case everyday word needs to start a name ("em mai gửi": tomorrow, not Mai), and a lower-case word
#: no name list knows to carry one on ("nguyen thi mai goi": goi is the verb).
SURE = 0.7
#: A name the rules found is kept unless the tagger gives one of its words less than this (it is nearly sure).
KEEP_RULE = 0.002
#: The rules' tag of a word: B/I a name's first/next word, X another kind of personal data, O none.
RuleTag = str
Features = dict[str, str | float]

_ALL_TITLES = lexicon.TITLES | lexicon.PRONOUN_TITLES | lexicon.ENGLISH_TITLES
_CONTEXT = (-2, -1, 1, 2)


class Word(Protocol):
    """A word of the text as the masker tokenises it."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def folded(self) -> str: ...


class People(Protocol):
    """The bank's people as the masker folds them."""

    words: set[str]
    accented: set[str]


def _shape(word: str) -> str:
    if word.isupper() and len(word) > 1:
        return "UP"
    if word[:1].isupper():
        return "Cap"
    if word.islower():
        return "low"
    return "dig" if word.isdigit() else "mix"


def _name_word(folded: str, book: People) -> bool:
    return (
        folded in book.words or folded in lexicon.VIETNAMESE_GIVEN_NAMES
        or folded in lexicon.WESTERN_GIVEN_NAMES or folded in lexicon.VIETNAMESE_SURNAMES
    )  # fmt: skip


def _place_word(folded: str) -> bool:
    return (
        folded in lexicon.ORGANISATION_WORDS
        or folded in lexicon.STREET_WORDS
        or folded in lexicon.STREET_WORDS_BEFORE
        or folded in lexicon.PLACES
    )


def word_features(text: str, words: Sequence[Word], book: People, rule_tags: Sequence[RuleTag]) -> list[Features]:
    """One feature row per word: the word, its lexicons and the rules' tag, and the same two words either side."""
    rows: list[Features] = []
    for index, word in enumerate(words):
        folded = word.folded
        row: Features = {
            "bias": 1.0,
            "w": folded,
            "shape": _shape(word.text),
            "acc": float(not word.text.isascii()),
            "len": float(min(len(folded), 8)),
            "rule": rule_tags[index],
            "book": float(folded in book.words),
            "sur": float(folded in lexicon.VIETNAMESE_SURNAMES),
            "mid": float(folded in lexicon.VIETNAMESE_MIDDLE_NAMES),
            "given": float(folded in lexicon.VIETNAMESE_GIVEN_NAMES),
            "wgiven": float(folded in lexicon.WESTERN_GIVEN_NAMES),
            "wsur": float(folded in lexicon.WESTERN_SURNAMES),
            "common": float(folded in lexicon.COMMON_WORD_NAMES),
            "title": float(folded in _ALL_TITLES),
            "place": float(folded in lexicon.PLACES),
            "org": float(folded in lexicon.ORGANISATION_WORDS),
            "street": float(folded in lexicon.STREET_WORDS or folded in lexicon.STREET_WORDS_BEFORE),
            "func": float(folded in lexicon.FUNCTION_WORDS),
            "accname": float(word.text.casefold() in lexicon.ACCENTED_NAME_WORDS),
            "bookacc": float(word.text.casefold() in book.accented),
            "suf3": folded[-3:],
        }
        for offset in _CONTEXT:
            other_index = index + offset
            if not 0 <= other_index < len(words):
                row[f"{offset}:edge"] = 1.0
                continue
            other = words[other_index]
            gap = text[min(word.end, other.end) : max(word.start, other.start)]
            row[f"{offset}:w"] = other.folded
            row[f"{offset}:shape"] = _shape(other.text)
            row[f"{offset}:rule"] = rule_tags[other_index]
            row[f"{offset}:title"] = float(other.folded in _ALL_TITLES)
            row[f"{offset}:name"] = float(_name_word(other.folded, book))
            row[f"{offset}:org"] = float(_place_word(other.folded))
            row[f"{offset}:punct"] = float(bool(re.search(r"\S", gap)))
            row[f"{offset}:nl"] = float("\n" in gap)
            if abs(offset) == 1:
                row[f"{offset}:w|w"] = f"{other.folded}|{folded}"
        rows.append(row)
    return rows


def rule_tags(words: Sequence[Word], names: Sequence[tuple[int, int]], others: Sequence[tuple[int, int]]) -> list[str]:
    """The rules' decision per word, for the tagger to read: names B/I, other personal data X, the rest O."""
    tags: list[str] = []
    for word in words:
        tag = "O"
        for start, end in names:
            if start <= word.start < end:
                tag = "B" if word.start == start else "I"
        if any(start <= word.start < end for start, end in others):
            tag = "X"
        tags.append(tag)
    return tags


def _bar(word: Word, book: People, *, follows: bool) -> float:
    """The probability a word needs. Typed in lower case, an everyday word ("mai", "an", "hoa") needs a sure
    tagger to start a name, and a word no name list knows ("goi" after "nguyen thi mai") to carry one on."""
    if not word.text.islower():
        return ACCEPT
    if follows:
        return ACCEPT if _name_word(word.folded, book) or word.folded in lexicon.VIETNAMESE_MIDDLE_NAMES else SURE
    return SURE if word.folded in lexicon.COMMON_WORD_NAMES or word.folded in lexicon.FUNCTION_WORDS else ACCEPT


def _joined(text: str, left: Word, right: Word) -> bool:
    gap = text[left.end : right.start]
    return "\n" not in gap and gap.strip() in ("", "-") and len(gap) <= 3


class _Model:
    """The trained CRF, one tagger per thread (a crfsuite tagger keeps the sequence it was last given)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def probabilities(self, rows: list[Features]) -> list[float]:
        tagger = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open(str(self.path))
            self._local.tagger = tagger
        tagger.set(rows)
        return [1.0 - tagger.marginal("O", index) for index in range(len(rows))]


def _model() -> _Model | None:
    path = person_tagger(MODEL_PATH)
    return None if path is None else _loaded(path)


@cache
def _loaded(path: Path) -> _Model | None:
    try:
        import pycrfsuite  # noqa: F401  - present only when the project's dependencies are installed
    except ImportError:
        logger.warning("pycrfsuite is not installed: person names are found by the rules alone")
        return None
    if not path.exists():
        logger.warning("no person tagger at %s: person names are found by the rules alone", path)
        return None
    return _Model(path)


def people(
    text: str,
    words: Sequence[Word],
    book: People,
    rule_names: Sequence[tuple[int, int]],
    others: Sequence[tuple[int, int]],
) -> list[tuple[int, int]] | None:
    """The names in ``text`` as the tagger reads them with the rules' help; None when there is no model."""
    model = _model()
    if model is None or not words:
        return None if model is None else []
    rows = word_features(text, words, book, rule_tags(words, rule_names, others))
    probability = model.probabilities(rows)
    found: list[tuple[int, int]] = []
    current: list[int] | None = None  # [start, end, index of the last word]
    for index, word in enumerate(words):
        follows = current is not None and _joined(text, words[current[2]], word)
        if probability[index] < _bar(word, book, follows=follows):
            current = None
            continue
        if current is not None and follows:
            current[1], current[2] = word.end, index
        else:
            current = [word.start, word.end, index]
            found.append((word.start, word.end))
        found[-1] = (current[0], current[1])
    for start, end in rule_names:
        inside = [probability[index] for index, word in enumerate(words) if start <= word.start < end]
        if inside and min(inside) >= KEEP_RULE and not any(start < e and s < end for s, e in found):
            found.append((start, end))
    return sorted(found)
