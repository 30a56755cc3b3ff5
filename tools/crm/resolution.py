"""Which of the signed-in RM's clients a piece of text is about: shared by every graph that names a client.

Only the RM's own clients are ever considered (``CrmApi`` sees nothing else). A phone number is exact;
otherwise the names mentioned in the text decide, then the name an extractor cut out. When that is
not one clear client the answer is the candidates, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.core.text import fold, name_tokens
from tools.crm.api import ClientMatch, CrmApi

__all__ = ["CLEAR_WINNER_MARGIN", "Resolution", "resolve_client"]

#: A fuzzy name match this many points ahead of the next one (with a full name given) is the client.
CLEAR_WINNER_MARGIN = 8.0


@dataclass(frozen=True)
class Resolution:
    """The chosen client, or the candidates to ask about (empty: nobody matched)."""

    client: ClientMatch | None
    candidates: list[ClientMatch] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.client is not None


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
    mentioned = [match for match in crm.clients_mentioned(text) if not crm.colleague_mention(text, match)]
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
        if len(best) == 1 and (
            crm.someone_else_named_before(text, top.position or 0) is not None
            or crm.someone_else_in_focus(text, top) is not None
            or crm.someone_introduced(text) is not None  # the client introduced someone: the note is about them
        ):
            return Resolution(None, best)  # someone who is not a client is named first, or more: ask, never guess
        return Resolution(best[0]) if len(best) == 1 else Resolution(None, best)
    matches = crm.find_clients(name=name, limit=5) if name else []
    if len(matches) == 1:
        return Resolution(matches[0])
    clear_winner = len(matches) > 1 and matches[0].score - matches[1].score >= CLEAR_WINNER_MARGIN
    if clear_winner and _full_name_given(name or "", matches[0]):
        return Resolution(matches[0])
    return Resolution(None, matches)
