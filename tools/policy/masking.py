"""What a prompt to a model outside the bank may not carry, found and replaced by placeholders, and put back.

``find_pii`` finds seven kinds of personal data: person names, phones, e-mails, national ids (CCCD/CMND,
passports), account numbers, card numbers (Luhn) and street addresses. ``Masker`` replaces them with
numbered placeholders (``[PERSON_1]``, ``[PHONE_1]``…) — the same value the same placeholder throughout
one request — and ``restore`` puts the real values back into the model's answer.

The engine is rules with evidence, chosen by measurement (see the README, *Trust layer*):

- numbers by shape and the words before them: a phone by its prefix and length; a run of 13–19 digits
  that passes the Luhn check is a card; 9 or 12 digits after "CCCD/CMND/ID" an id; 8–16 digits after
  "STK/tài khoản/a/c" an account; any other run of 9+ digits an account number unless it is an amount
  (a currency after it) or a reference ("mã GD", "hồ sơ số", "ref");
- names from the bank's own client and RM list (accents and case aside, whole or in part), and from the
  name lexicons: a title before a name-like word ("chị Lan", "Mr. Carter"), a Vietnamese surname followed by
  name words ("Nguyễn Thị Mai", "nguyen thi mai"), a Western given name followed by a capitalised word;
  given names that are also everyday words ("mai", "an toàn", "hoa hồng") need a capital, a title or the CRM;
- addresses: a house number followed by a street ("45/7 Nguyễn Trãi", "12 ngõ 34 Trần Duy Hưng",
  "208 Nguyen Huu Canh Street"), or a lane/alley/flat word with its number.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from tools.core.text import fold_chars, name_tokens, strip_accents
from tools.policy import name_tagger
from tools.policy.name_lexicon import (
    ACCENTED_NAME_WORDS,
    COMMON_WORD_NAMES,
    ENGLISH_TITLES,
    EVERYDAY_ACCENTED_NAMES,
    FUNCTION_WORDS,
    NOT_NAMES,
    ORGANISATION_PHRASES,
    ORGANISATION_WORDS,
    PLACES,
    PRONOUN_TITLES,
    STREET_NAME_WORDS,
    STREET_WORDS,
    STREET_WORDS_BEFORE,
    TITLES,
    VIETNAMESE_GIVEN_NAMES,
    VIETNAMESE_MIDDLE_NAMES,
    VIETNAMESE_SURNAMES,
    WESTERN_GIVEN_NAMES,
    WESTERN_SURNAMES,
)

PiiKind = Literal["person", "phone", "email", "national_id", "account_number", "card_number", "address"]
PII_KINDS: tuple[PiiKind, ...] = (
    "person", "phone", "email", "national_id", "account_number", "card_number", "address",
)  # fmt: skip


@dataclass(frozen=True)
class PiiSpan:
    start: int
    end: int
    kind: PiiKind
    text: str


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: A run of digits, single spaces, dots, dashes or brackets inside: a phone, an account, a card or an id.
_DIGIT_RUN = re.compile(r"(?<![\w.,/])\+?\(?\d(?:[ .\-()]{0,2}\d){6,22}(?![\w/]|[.,]\d)")
#: Passports: one or two letters and 7–8 digits (Vietnam, Korea, Japan…), or France's 2 digits, 2 letters, 5 digits.
_PASSPORT = re.compile(r"(?<![\w])(?:[A-Z]{1,2}\d{7,8}|\d{2}[A-Z]{2}\d{5})(?!\w)")
#: A currency right after the digits makes them an amount; "đ" only alone ("0912 004 771 đã cắt" is a phone).
_CURRENCY_AFTER = re.compile(
    r"\s*(?:vnd\b|vnđ\b|đ\b|d\b|dong\b|đồng\b|usd\b|\$|tr\b|triệu|trieu|tỷ|ty\b|k\b|bn\b|m\b)", re.I
)
_REFERENCE_BEFORE = re.compile(
    r"(?:m[aã]\s*(?:gd|giao\s*d[iị]ch|h[oồ]\s*s[oơ]|y[eê]u\s*c[aầ]u|ticket|tham\s*chi[eế]u)|ref(?:erence)?|"
    r"h[oồ]\s*s[oơ](?:\s*s[oố])?|h[oợ]p\s*[dđ][oồ]ng(?:\s*s[oố])?|h[dđ]|contract|case|ticket|"
    r"invoice|h[oó]a\s*[dđ][oơ]n|order|[dđ][oơ]n\s*h[aà]ng|otp|m[aã]\s*s[oố]\s*thu[eế]|mst|tax\s*code|"
    r"fax|bi[eê]n\s*lai|s[eé]ri|serial|swift|mã)\s*(?:no\.?|number|s[oố]|#)?\s*[:#.]?\s*$",
    re.I,
)
_ID_BEFORE = re.compile(
    r"(?:cccd|cmnd|cmt|c[aă]n\s*c[uư][oớ]c|ch[uứ]ng\s*minh|\bid\b(?:\s*(?:no|number|card))?|national\s*id|"
    r"identity|passport|h[oộ]\s*chi[eế]u|gi[aấ]y\s*t[oờ])[^\d\n]{0,24}$",
    re.I,
)
#: A passport's cue may stand further back ("passport was renewed, new number is …, old one …").
_ID_NEARBY = re.compile(r"cccd|cmnd|passport|h[oộ]\s*chi[eế]u|gi[aấ]y\s*t[oờ]|kyc", re.I)
_ACCOUNT_BEFORE = re.compile(
    r"(?:stk|s[oố]\s*t(?:ai\s*)?k|t[aà]i\s*kho[aả]n|\btk\b|a/c|acct?|account|acc)[^\d\n]{0,40}$", re.I
)
_CARD_BEFORE = re.compile(r"(?:th[eẻ]|card|visa|master|jcb|amex)[^\d\n]{0,14}$", re.I)
_PHONE_BEFORE = re.compile(
    r"(?:s[dđ]t|[dđ]t|phone|tel|mobile|hotline|zalo|call|g[oọ]i|s[oố]\s*[dđ]i[eệ]n)[^\d\n]{0,8}$", re.I
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_PLACE_TAIL = re.compile(r"\s*(?:street|st\.?|road|rd\.?|avenue|ave\.?|boulevard|blvd\.?)\b", re.I)
_ADDRESS_LEAD = re.compile(
    r"(?:(?:s[oố]\s*nh[aà]|s[oố]|nh[aà]|no\.?)\s*)?(?<![\w/.,])\d{1,4}[A-Za-z]?(?:/\d{1,4}[A-Za-z]?){0,3}(?![\w.,%])",
    re.I,
)
_UNIT = re.compile(
    r"(?:flat|apt\.?|apartment|unit|c[aă]n\s*h[oộ]|can\s*ho|ph[oò]ng|villa|bi[eệ]t\s*th[uự])\s+"
    r"[A-Z0-9][\w.\-]*\d[\w.\-]*",
    re.I,
)
_LANE = re.compile(
    r"(?:ng[oõ]|ng[aá]ch|h[eẻ]m|ki[eệ]t|alley|lane|tổ|th[oô]n|x[oó]m|[aấ]p)\s+\d{1,4}[A-Za-z]?(?:/\d+)?", re.I
)


def luhn_valid(digits: str) -> bool:
    """The card-number checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _number_kind(text: str, start: int, end: int) -> PiiKind | None:
    """What a run of digits is, by its shape and the words before it; None when it is not personal data."""
    run = text[start:end]
    digits = re.sub(r"\D", "", run)
    before = text[max(0, start - 40) : start]
    if _CURRENCY_AFTER.match(text, end):
        return None
    if _REFERENCE_BEFORE.search(before):
        return None
    account_cue = bool(_ACCOUNT_BEFORE.search(before))
    id_cue = bool(_ID_BEFORE.search(before))
    if id_cue and len(digits) in (9, 12):
        return "national_id"
    if 13 <= len(digits) <= 19 and luhn_valid(digits) and not account_cue:
        return "card_number"
    if _CARD_BEFORE.search(before) and len(digits) >= 13:
        return "card_number"
    phone_shape = bool(re.fullmatch(r"(?:\+?84|0)\d{9,10}", digits)) or (digits.startswith("84") and len(digits) == 11)
    if (phone_shape and not account_cue and not id_cue) or (_PHONE_BEFORE.search(before) and 8 <= len(digits) <= 12):
        return "phone"
    if account_cue and len(digits) >= 6:
        return "account_number"
    if len(digits) == 12 and digits.startswith("0"):
        return "national_id"
    if len(digits) >= 9:
        return "account_number"
    return None


# ----- names ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    folded: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def _tokens(text: str) -> list[_Token]:
    folded = fold_chars(text)
    return [
        _Token(m.start(), m.end(), m.group(), folded[m.start() : m.end()].replace("đ", "d"))
        for m in _WORD.finditer(text)
    ]


@dataclass
class NameBook:
    """The bank's own people (clients and RMs), folded: full names and the name words they are made of."""

    full_names: set[tuple[str, ...]] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    #: The same words as written (lower case, accents kept): an accented word must match one of these.
    accented: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, names: Iterable[str]) -> NameBook:
        book = cls()
        for name in names:
            words = tuple(strip_accents(word).casefold() for word in name_tokens(name))
            if len(words) >= 2:
                book.full_names.add(words)
                book.full_names.add((words[-1], words[0]))  # "Son Pham" for Pham Van Son
                book.full_names.add(words[-2:])  # "Văn Sơn", "Thị Mai"
            book.words.update(word for word in words if len(word) >= 2)
            book.accented.update(word.casefold() for word in name.split())
        return book


def _name_like(token: _Token, book: NameBook, *, strict: bool) -> bool:
    """Whether a word may be part of a name: in the CRM or the lexicons; everyday words need a capital."""
    word = token.folded
    if not word.isalpha() or (len(word) < 2 and word not in ("y",)):
        return False
    known = word in book.words or word in VIETNAMESE_GIVEN_NAMES or word in VIETNAMESE_SURNAMES
    known = known or word in VIETNAMESE_MIDDLE_NAMES or word in WESTERN_GIVEN_NAMES or word in WESTERN_SURNAMES
    if strict and word in COMMON_WORD_NAMES and not token.capitalised and word not in book.words:
        return False
    return known or (token.capitalised and not token.text.isupper() and len(word) >= 2)


def _lexical_name(token: _Token, book: NameBook) -> bool:
    """A lower-case word that is a name word: by its accents when typed with them, else folded."""
    if token.text.isascii():
        word = token.folded
        return (
            word in VIETNAMESE_GIVEN_NAMES or word in VIETNAMESE_MIDDLE_NAMES
            or word in WESTERN_GIVEN_NAMES or word in book.words
        )  # fmt: skip
    written = token.text.casefold()
    return written in ACCENTED_NAME_WORDS or written in book.accented


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    gap = text[left.end : right.start]
    return gap in (" ", "-", " - ") or (gap.strip() == "" and "\n" not in gap and len(gap) <= 2)


def _person_spans(text: str, book: NameBook) -> list[tuple[int, int]]:
    tokens = _tokens(text)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        length = _name_at(text, tokens, index, book)
        if length and not _place_or_organisation(tokens, index, length, book):
            spans.append((token.start, tokens[index + length - 1].end))
            index += length
        else:
            index += 1
    return spans


def _place_or_organisation(tokens: list[_Token], index: int, length: int, book: NameBook) -> bool:
    """A run that names a place ("Hải Châu", "Thu Duc") or sits among company words ("Hải Sản Thành Công")."""
    words = tuple(token.folded for token in tokens[index : index + length])
    if words in book.full_names:
        return False
    if " ".join(words) in PLACES or any(" ".join(words[i:]) in PLACES for i in range(1, len(words))):
        return True
    before = tokens[index - 1].folded if index else ""
    if index and tokens[index - 1].text.casefold() in STREET_WORDS_BEFORE:
        return True
    two_before = " ".join(token.folded for token in tokens[max(0, index - 2) : index])
    after = tokens[index + length].folded if index + length < len(tokens) else ""
    if two_before in ORGANISATION_PHRASES or (tokens[index - 1].text.casefold() == "quỹ" if index else False):
        return True
    return before in ORGANISATION_WORDS or after in ORGANISATION_WORDS or any(w in ORGANISATION_WORDS for w in words)


def _extend(text: str, tokens: list[_Token], index: int, book: NameBook, limit: int = 4) -> int:
    """How many name-like words run on from ``index`` (at least 1 is assumed checked by the caller)."""
    length = 1
    while length < limit and index + length < len(tokens):
        nxt, prev = tokens[index + length], tokens[index + length - 1]
        capital_run = prev.capitalised and nxt.capitalised and not nxt.text.isupper()
        if not _adjacent(text, prev, nxt) or (nxt.folded in TITLES and not capital_run):
            break  # "Ngọc Anh" is one name; "Lan anh ấy" is not
        if nxt.folded in ORGANISATION_WORDS and nxt.folded not in book.words:
            break
        plain = not prev.capitalised and not nxt.capitalised and nxt.folded not in COMMON_WORD_NAMES
        if capital_run or (plain and _lexical_name(nxt, book)):
            length += 1
        else:
            break
    return length


def _name_at(text: str, tokens: list[_Token], index: int, book: NameBook) -> int:
    """The number of words of a person's name starting at ``tokens[index]``, or 0."""
    token = tokens[index]
    word = token.folded
    previous = tokens[index - 1] if index else None
    after_title = previous is not None and _is_title(text, previous) and _adjacent_title(text, previous, token)
    # 1. The bank's own people, two or more of their name words in order ("Phạm Văn Sơn", "van son", "Son Pham").
    for size in (4, 3, 2):
        window = tokens[index : index + size]
        adjacent = len(window) == size and all(_adjacent(text, a, b) for a, b in itertools.pairwise(window))
        if adjacent and tuple(part.folded for part in window) in book.full_names and _not_all_common(window):
            return size
    # 2. After a title: a name-like word, and the name words that follow ("chị Ngọc Anh", "Mr. John Carter").
    if after_title and previous is not None:
        pronoun = (previous.folded in PRONOUN_TITLES and not previous.capitalised) or previous.folded in (
            "a",
            "c",
            "e",
            "o",
            "b",
        )
        if token.capitalised and not token.text.isupper() and word.isalpha() and len(word) >= 2:
            return _extend(text, tokens, index, book)
        if _name_like(token, book, strict=True) and word not in FUNCTION_WORDS:
            everyday = word in COMMON_WORD_NAMES or token.text.casefold() in EVERYDAY_ACCENTED_NAMES
            if _lexical_name(token, book) and (not pronoun or not everyday or word in book.words):
                return _extend(text, tokens, index, book)
    # 3. A Vietnamese surname and name words: "Nguyễn Thị Mai" (capitals) or "nguyen thi mai" (lexicon).
    if word in VIETNAMESE_SURNAMES and index + 1 < len(tokens):
        length = _vietnamese_full_name(text, tokens, index)
        if length:
            return length
    # 4. A Western given name with a capitalised word after it, or a known client's given name capitalised.
    if token.capitalised and not token.text.isupper() and word in WESTERN_GIVEN_NAMES and index + 1 < len(tokens):
        nxt = tokens[index + 1]
        if (
            _adjacent(text, token, nxt)
            and nxt.capitalised
            and not nxt.text.isupper()
            and nxt.folded not in FUNCTION_WORDS
        ):
            return _extend(text, tokens, index, book, limit=3)
    if (
        token.capitalised
        and not token.text.isupper()
        and word in book.words
        and index > 0
        and word not in FUNCTION_WORDS
    ):
        sentence_start = text[max(0, token.start - 2) : token.start].strip() in ("", ".", "!", "?", ":", "-")
        if not sentence_start or word not in COMMON_WORD_NAMES:
            return _extend(text, tokens, index, book)
    return 0


def _is_title(text: str, token: _Token) -> bool:
    """A title before a name; a Vietnamese one written with a capital mid-sentence starts a place's name."""
    if token.folded in ENGLISH_TITLES:
        return True
    if token.folded not in TITLES or (len(token.text) == 1 and token.text.lower() not in "aceôob"):
        return False  # "ở", "ấ" are no "ô", "a"
    if not token.capitalised:
        return True
    before = text[: token.start].rstrip()
    return not before or before[-1] in ".!?:;-\n(\"'" or before.endswith(("\n",))


def _adjacent_title(text: str, title: _Token, token: _Token) -> bool:
    gap = text[title.end : token.start]
    return gap in (" ", ". ", ".", "/") or (gap.strip() in ("", ".") and "\n" not in gap and len(gap) <= 2)


def _not_all_common(window: list[_Token]) -> bool:
    return any(part.capitalised for part in window) or not all(part.folded in COMMON_WORD_NAMES for part in window)


def _vietnamese_full_name(text: str, tokens: list[_Token], index: int) -> int:
    first = tokens[index]
    rest: list[_Token] = []
    for nxt in tokens[index + 1 : index + 4]:
        if not _adjacent(text, (rest[-1] if rest else first), nxt):
            break
        rest.append(nxt)
    if first.capitalised and not first.text.isupper():
        length = 1
        for nxt in rest:
            if nxt.capitalised and not nxt.text.isupper():
                length += 1
            else:
                break
        named = [tok.folded for tok in tokens[index + 1 : index + length]]
        if length >= 2 and any(word in VIETNAMESE_GIVEN_NAMES or word in VIETNAMESE_MIDDLE_NAMES for word in named):
            return length
        return 0
    # Lower case and typed without accents: surname + middle/given words, the last a given name ("là chị chỉ",
    # "không hài lòng" fold to names but are words).
    if not all(token.text.isascii() for token in [first, *rest[:2]]):
        return 0
    length = 1
    for nxt in rest:
        if nxt.capitalised:
            break
        if nxt.folded in VIETNAMESE_MIDDLE_NAMES or nxt.folded in VIETNAMESE_GIVEN_NAMES:
            length += 1
        else:
            break
    if length >= 3 and tokens[index + length - 1].folded in VIETNAMESE_GIVEN_NAMES:
        middle = tokens[index + 1].folded
        if middle in VIETNAMESE_MIDDLE_NAMES:
            return length
    return 0


# ----- addresses -----------------------------------------------------------------------------


def _address_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    tokens = _tokens(text)
    for match in _UNIT.finditer(text):
        spans.append((match.start(), match.end()))
    for match in _LANE.finditer(text):
        end = _street_name_end(text, tokens, match.end())
        spans.append((match.start(), end or match.end()))
    for match in _ADDRESS_LEAD.finditer(text):
        end = _street_after_number(text, tokens, match.end())
        if end:
            spans.append((match.start(), end))
    return spans


def _street_after_number(text: str, tokens: list[_Token], position: int) -> int | None:
    """Where the street after a house number ends, when a street follows it; None otherwise."""
    following = [token for token in tokens if token.start >= position][:6]
    if (
        not following
        or following[0].start - position > 2
        or text[position : following[0].start].strip() not in ("", ",")
    ):
        return None
    first = following[0]
    if first.folded in STREET_WORDS or first.folded in ("so", "ngo", "hem", "kiet", "ngach"):
        return _street_name_end(text, tokens, first.end) or first.end
    if not first.capitalised or first.text.isupper():
        return None
    end = _street_name_end(text, tokens, position)
    if end is None:
        return None
    named = [token for token in following if token.end <= end]
    street_word = _PLACE_TAIL.match(text, end)
    if street_word:
        return street_word.end()
    if len(named) >= 2 and (named[0].folded in VIETNAMESE_SURNAMES or named[0].folded in STREET_NAME_WORDS):
        return end
    return None


def _street_name_end(text: str, tokens: list[_Token], position: int) -> int | None:
    """The end of the capitalised (or numbered) words that run on from ``position``: a street's name."""
    end = None
    last = position
    for token in tokens:
        if token.start < position:
            continue
        gap = text[last : token.start]
        if gap.strip() not in ("",) or len(gap) > 2 or "\n" in gap:
            break
        if (token.capitalised and not token.text.isupper()) or token.text.isdigit() or token.folded in STREET_WORDS:
            end = token.end
            last = token.end
        else:
            break
    return end


# ----- the whole -----------------------------------------------------------------------------


#: A house number right before a name of two or more words makes the name a street ("số 89 láng hạ", "14/3 Tô
#: Hiệu"); a count before a name ("2 Lan") is one word, an amount has its currency, a time its colon.
_HOUSE_NUMBER_BEFORE = re.compile(
    r"(?<![\w/.,:])(?:(?:số|so|no\.?)\s*)?\d{1,4}[a-zA-Z]?(?:/\d{1,4}[a-zA-Z]?)*\s+$", re.IGNORECASE
)


#: Where two findings overlap, the surer kind keeps the span (an e-mail's name part is no person).
_FIRST_CLAIM: tuple[PiiKind, ...] = (
    "email",
    "card_number",
    "national_id",
    "phone",
    "account_number",
    "address",
    "person",
)


def find_pii(text: str, names: Iterable[str] | NameBook = (), *, learned: bool = True) -> list[PiiSpan]:
    """Every piece of personal data in ``text``, longest first where two overlap; ``names``: the bank's people.

    ``learned``: names as the person tagger reads them with the rules' help (``tools.policy.name_tagger``), when
    its model is there; else the rules' names.
    """
    found: list[tuple[int, int, PiiKind]] = [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
    for match in _DIGIT_RUN.finditer(text):
        start, end = match.start(), match.end()
        while end > start and not text[end - 1].isdigit():
            end -= 1
        kind = _number_kind(text, start, end)
        if kind is not None:
            found.append((start, end, kind))
    for match in _PASSPORT.finditer(text):
        if _ID_NEARBY.search(text[max(0, match.start() - 80) : match.start()]):
            found.append((match.start(), match.end(), "national_id"))
    book = names if isinstance(names, NameBook) else NameBook.of(names)
    found += [(start, end, "address") for start, end in _address_spans(text)]
    for start, end in _person_spans(text, book):
        number = _HOUSE_NUMBER_BEFORE.search(text, max(0, start - 16), start)
        if number and " " in text[start:end].strip():  # "56 Lạch Tray", "15 nguyen van huong": a street
            found.append((number.start(), end, "address"))
        else:
            found.append((start, end, "person"))
    chosen = _claimed(text, found)
    if not learned:
        return chosen
    others = [(span.start, span.end) for span in chosen if span.kind != "person"]
    rule_names = [(span.start, span.end) for span in chosen if span.kind == "person"]
    tokens = _tokens(text)
    names_read = name_tagger.people(text, tokens, book, rule_names, others)
    if names_read is None:
        return chosen
    names_read = [span for span in names_read if not _a_place(tokens, span, book)]
    return _claimed(text, [*((s.start, s.end, s.kind) for s in chosen if s.kind != "person"),
                           *((start, end, "person") for start, end in names_read)])  # fmt: skip


def _a_place(tokens: list[_Token], span: tuple[int, int], book: NameBook) -> bool:
    """A name the tagger read that the lexicons know as a place or a business ("Thu Duc", "quỹ Phát Lộc"), or words
    that are never a person alone ("English", "Friday")."""
    inside = [index for index, token in enumerate(tokens) if span[0] <= token.start < span[1]]
    if not inside:
        return False
    if all(tokens[index].folded in NOT_NAMES for index in inside):
        return True
    first, last = inside[0], inside[-1]
    around = [(first - 1, last), (first, last + 1)]  # "Thu" of "Thu Duc": part of a place the tagger cut short
    for start, end in around:
        if start >= 0 and end < len(tokens) and " ".join(t.folded for t in tokens[start : end + 1]) in PLACES:
            return True
    return _place_or_organisation(tokens, first, len(inside), book)


def _claimed(text: str, found: list[tuple[int, int, PiiKind]]) -> list[PiiSpan]:
    """The candidates that keep their text where two overlap: by kind (``_FIRST_CLAIM``), then the longer."""
    chosen: list[PiiSpan] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind in sorted(found, key=lambda item: (_FIRST_CLAIM.index(item[2]), item[0] - item[1])):
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            continue
        taken.append((start, end))
        chosen.append(PiiSpan(start, end, kind, text[start:end]))
    return sorted(chosen, key=lambda span: span.start)


class Masker:
    """Masks the texts of one request with shared numbered placeholders, and restores them in answers."""

    def __init__(self, names: Iterable[str] | NameBook = ()) -> None:
        self.book = names if isinstance(names, NameBook) else NameBook.of(names)
        self.placeholders: dict[str, str] = {}
        self._by_value: dict[tuple[PiiKind, str], str] = {}

    def mask(self, text: str) -> str:
        pieces: list[str] = []
        last = 0
        for span in find_pii(text, self.book):
            key = (span.kind, span.text.casefold())
            placeholder = self._by_value.get(key)
            if placeholder is None:
                number = sum(1 for kind, _ in self._by_value if kind == span.kind) + 1
                placeholder = f"[{span.kind.upper()}_{number}]"
                self._by_value[key] = placeholder
                self.placeholders[placeholder] = span.text
            pieces += [text[last : span.start], placeholder]
            last = span.end
        pieces.append(text[last:])
        return "".join(pieces)

    def restore(self, text: str) -> str:
        """``text`` with every placeholder this masker made replaced by its real value."""
        if not self.placeholders:
            return text
        pattern = re.compile("|".join(re.escape(placeholder) for placeholder in self.placeholders))
        return pattern.sub(lambda match: self.placeholders[match.group()], text)
