"""Which of the signed-in RM's clients a piece of text is about: shared by every graph that names a client.

Only the RM's own clients are ever considered (``CrmApi`` sees nothing else). A phone number is exact;
otherwise the names mentioned in the text decide, then the name an extractor cut out. When that is
not one clear client the answer is the candidates, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from tools.core.text import fold, name_tokens
from tools.crm.api import ClientMatch, CrmApi

__all__ = ["CLEAR_WINNER_MARGIN", "Resolution", "resolve_client"]

#: A fuzzy name match this many points ahead of the next one (with a full name given) is the client.
CLEAR_WINNER_MARGIN = 8.0
#: With no name, a description this strong (two word pairs of the occupation or city that only one client has, as
#: "Công ty Gạo Hạt Ngọc") is the client, when no one else comes within half of it.
DESCRIPTION_ALONE_SCORE = 2.0
#: A name this close to the client's given name (0-100) is that name mistyped ("Hiue" for Hieu)...
MISSPELT_RATIO = 70.0
#: ...when the text says it corrected a typo ("sr e gõ nhầm", "typo", "Hieu*").
_CORRECTED = re.compile(r"go nham|viet nham|danh nham|nham ten|typo|sorry|\bsr\b|\w\*")
#: An English title said before a name, and the gender it says: "Ms. Nguyen" is no Mr Nguyen. Vietnamese titles do
#: not count: a wife is "bà Phúc", "chị Tuấn" by her husband's name.
_TITLE_BEFORE_NAME = re.compile(r"\b(Mrs|Ms|Miss|Mr)\.?\s+([^\W\d_]+)", re.IGNORECASE)
_GENDER_OF = {"mr": "male", "anh": "male", "ong": "male", "ms": "female", "mrs": "female", "miss": "female",
              "chi": "female", "ba": "female"}  # fmt: skip


@dataclass(frozen=True)
class Resolution:
    """The chosen client, or the candidates to ask about (empty: nobody matched)."""

    client: ClientMatch | None
    candidates: list[ClientMatch] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.client is not None


def _described(crm: CrmApi, text: str, among: list[ClientMatch]) -> ClientMatch | None:
    """Of clients sharing a name, the one the text describes more ("chị Thu bán bánh pía dưới Sóc Trăng")."""
    described = crm.clients_described(text, among=[match.id for match in among])
    if not described or (len(described) > 1 and described[0].score <= described[1].score):
        return None
    return next(match for match in among if match.id == described[0].id)


def _described_alone(crm: CrmApi, text: str) -> Resolution | None:
    """No name at all: a description only one client fits ("anh giám đốc bên Gạo Hạt Ngọc"); weaker ones are
    offered to choose from."""
    described = crm.clients_described(text)
    if not described:
        return None
    top = described[0]
    if top.score >= DESCRIPTION_ALONE_SCORE and (len(described) == 1 or described[1].score <= top.score / 2):
        return Resolution(top)
    return Resolution(None, described)


def _misspelt(word: str, full_name: str) -> bool:
    """Whether ``word`` is the client's given name with a typo (two letters swapped or one off)."""
    given = (name_tokens(full_name) or [""])[-1]
    folded = fold(word)
    return folded != given and len(folded) >= 3 and fuzz.ratio(folded, given) >= MISSPELT_RATIO


def _title_contradicts(text: str, match: ClientMatch) -> bool:
    """The text puts a title of the other gender before a word of this client's name ("Ms. Nguyen", Mr Michael
    Nguyen): that mention is someone else."""
    gender = _GENDER_OF.get(fold(match.honorific or ""))
    name = set(name_tokens(match.full_name))
    return gender is not None and any(
        fold(word) in name and _GENDER_OF.get(fold(title)) not in (None, gender)
        for title, word in _TITLE_BEFORE_NAME.findall(text)
    )


def _titled_family(crm: CrmApi, text: str) -> list[ClientMatch]:
    """ "Mrs. Tran", "Mr Pham": an English title before one word that is a family name of the RM's clients (and no
    one's given name): those of the title's gender. A name goes on after it ("Mr Pham Van Son") is left to the rest."""
    for match in _TITLE_BEFORE_NAME.finditer(text):
        rest = text[match.end() :].lstrip()
        if rest[:1].isupper():
            continue
        found = crm.clients_with_family_name(match.group(2))
        if found:
            return [client for client in found if not _title_contradicts(text, client)]
    return []


def _full_name_given(name: str, match: ClientMatch) -> bool:
    return len(set(name_tokens(name)) & set(name_tokens(match.full_name))) >= 2


def resolve_client(crm: CrmApi, text: str, *, phone: str | None = None, name: str | None = None) -> Resolution:
    """Only among the signed-in RM's clients: phone exact, else one clear name; otherwise the candidates.

    Names are found by scanning ``text`` for this RM's client names (so "Oanh Le emailed" and a
    name with a typo still match); ``name`` (what an extractor cut out) is the fallback.
    """
    if phone:
        matches = crm.find_clients(phone=phone)
        if len(matches) == 1:
            return Resolution(matches[0])
        # The phone is not one of this RM's clients: a name alone is not enough to be sure.
        return Resolution(None, crm.clients_mentioned(text) or (crm.find_clients(name=name) if name else []))
    titled = _titled_family(crm, text)
    if titled:
        return Resolution(titled[0]) if len(titled) == 1 else Resolution(None, titled)
    mentioned = [match for match in crm.clients_mentioned(text)
                 if not crm.colleague_mention(text, match) and not _title_contradicts(text, match)]  # fmt: skip
    if mentioned:
        # The same score and the same place ("anh Minh" with two Minhs) is a real ambiguity; otherwise the
        # first-named client is the text's subject ("gọi anh báo" later is a pronoun, not client Bảo).
        top = mentioned[0]
        best = [match for match in mentioned if (match.score, match.position) == (top.score, top.position)]
        given = (name_tokens(top.full_name) or [""])[-1]
        earlier = [
            m
            for m in mentioned
            if m.score >= 1
            and m.id != top.id
            and (m.position or 0) < (top.position or 0)
            # "chị Nhung (Đỗ Hồng Nhung)": the given name said twice, alone and then in the full name, is one client
            and not (len(re.findall(rf"\b{re.escape(fold(given))}\b", fold(text))) >= 2 and m.score < top.score)
        ]
        if len(best) == 1 and earlier:
            # Another of the RM's clients is clearly named first ("c Hồng nhắn… c kể Sarah Johnson giới thiệu c"):
            # the better-scored later mention may only be the referrer or a relative; ask, offering both.
            return Resolution(None, [*earlier[:1], top])
        before = crm.someone_else_named_before(text, top.position or 0)
        if before is not None and _misspelt(before, top.full_name) and _CORRECTED.search(fold(text)):
            before = None  # "kh Hiue… sr e gõ nhầm, Hieu* (Bui Van Hieu)": a typo of the client's own name, corrected
        if len(best) == 1 and (
            before is not None
            or crm.someone_else_in_focus(text, top) is not None
            or crm.someone_introduced(text) is not None  # the client introduced someone: the note is about them
        ):
            return Resolution(None, best)  # someone who is not a client is named first, or more: ask, never guess
        if len(best) > 1 and (chosen := _described(crm, text, best)) is not None:
            return Resolution(chosen)  # two clients share the name; what the text says of one tells them apart
        return Resolution(best[0]) if len(best) == 1 else Resolution(None, best)
    matches = [match for match in (crm.find_clients(name=name, limit=5) if name else [])
               if not _title_contradicts(text, match)]  # fmt: skip
    if len(matches) == 1:
        return Resolution(matches[0])
    clear_winner = len(matches) > 1 and matches[0].score - matches[1].score >= CLEAR_WINNER_MARGIN
    if clear_winner and _full_name_given(name or "", matches[0]):
        return Resolution(matches[0])
    if len(matches) > 1 and (chosen := _described(crm, text, matches)) is not None:
        return Resolution(chosen)
    if not matches and (described := _described_alone(crm, text)) is not None:
        # A name that matched no client may be someone else at the described client's firm: ask, offering them.
        return described if not name or described.client is None else Resolution(None, [described.client])
    return Resolution(None, matches)
