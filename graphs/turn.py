"""One chat turn's doors: what every room is given and what every room answers with.

Every room declares ``TurnOutput`` as its graph's output schema, so the co-pilot, the HTTP threads,
LangServe, the eval runner and LangGraph Studio read any room the same way: the text the RM reads
(``answer``), how the turn ended (``status``), the structured result, the language, a chart, the
documents cited, and one line saying what was understood and computed (``understood_as``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from typing_extensions import TypedDict

from graphs.hitl import QUESTION_ACTIONS
from tools.core.language import supported_language
from tools.core.text import normalize_text
from tools.routing.coverage import uncovered

Status = Literal[
    #: The room answered (a report, a ranking, a draft, an explanation).
    "answered",
    #: A card waits for the RM's decision (nothing is written before it).
    "awaiting_confirmation",
    #: The room asks which of the RM's clients the request is about.
    "needs_clarification",
    #: The confirmed write happened.
    "written",
    #: The RM cancelled; nothing was written.
    "cancelled",
    #: The request was refused (a write in a read-only room, another RM's data).
    "refused",
    #: The room could not do it (an index not built yet, a model failure with no fallback).
    "failed",
]


#: The longest question or request a room reads (a paragraph; longer is a pasted document, not a request).
MAX_REQUEST_CHARS = 4_000
#: The longest note or chat message (a page of meeting notes).
MAX_NOTE_CHARS = 10_000
#: The most clients a ranking lists.
MAX_TOP_N = 100

#: Field types for the rooms' input schemas: LangServe and the HTTP API check them before a run starts.
RequestText = Annotated[str, Field(min_length=1, max_length=MAX_REQUEST_CHARS)]
NoteText = Annotated[str, Field(min_length=1, max_length=MAX_NOTE_CHARS)]
TopN = Annotated[int, Field(ge=1, le=MAX_TOP_N)]


class TurnInput(TypedDict):
    """What the RM typed in the chat."""

    message: NoteText


class TurnOutput(TypedDict, total=False):
    """What every room answers with (each room's ``output_schema``)."""

    #: The text the RM reads, in their language.
    answer: str
    status: Status
    #: The room's structured output: ranked clients, the draft, report rows, the written log, the candidates.
    result: dict[str, Any]
    #: ``en`` or ``vi``: the language of ``answer``.
    language: str
    #: An inline SVG chart, or None.
    chart_svg: str | None
    #: Ids of the bank's documents the answer used.
    citations: list[str]
    #: One short line: what the room understood and computed ("AUM · this month · your 12 clients").
    understood_as: str


#: The keys of a turn's output, in order (a state's other keys stay inside the room).
TURN_KEYS: tuple[str, ...] = tuple(TurnOutput.__annotations__)


def read_text(value: Any) -> str:
    """A text input as every room reads it: NFC, no invisible characters, trimmed; "" when missing."""
    return normalize_text(str(value or "")).strip()


def turn(
    answer: str,
    *,
    status: Status = "answered",
    result: dict[str, Any] | None = None,
    language: str = "en",
    chart_svg: str | None = None,
    citations: list[str] | None = None,
    understood_as: str = "",
) -> dict[str, Any]:
    """A room's final update: every ``TurnOutput`` key present, so nothing of a previous turn leaks through."""
    return {
        "answer": answer,
        "status": status,
        "result": dict(result or {}),
        "language": language,
        "chart_svg": chart_svg,
        "citations": list(citations or []),
        "understood_as": understood_as,
    }


def turn_of(output: dict[str, Any]) -> dict[str, Any]:
    """Only the turn's keys of a room's output (with defaults), whatever else its state holds."""
    return turn(
        str(output.get("answer") or ""),
        status=output.get("status") or "answered",
        result=output.get("result") or {},
        language=str(output.get("language") or "en"),
        chart_svg=output.get("chart_svg"),
        citations=list(output.get("citations") or []),
        understood_as=str(output.get("understood_as") or ""),
    )


def paused_status(card: dict[str, Any]) -> Status:
    """How a turn stands while it waits on ``card`` (a ``HumanInterrupt``): a question, or a confirmation."""
    action = str((card.get("action_request") or {}).get("action") or "")
    return "needs_clarification" if action in QUESTION_ACTIONS else "awaiting_confirmation"


def pending_card(output: dict[str, Any]) -> dict[str, Any] | None:
    """The card a run paused on (its output's ``__interrupt__``), or None when it did not pause."""
    for pending in output.get("__interrupt__") or ():
        value = pending.value if hasattr(pending, "value") else pending.get("value")
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict):
            return value
    return None


def status_of(output: dict[str, Any]) -> Status:
    """The turn's status: while a room waits on a card, what it waits for; else the status it answered with.

    A room that pauses cannot write its status before it pauses (the node has not returned), so a paused
    run's ``status`` is the previous step's; the card is what tells.
    """
    card = pending_card(output)
    if card is not None:
        return paused_status(card)
    status: Status = output.get("status") or "answered"
    return status


#: The note an answer carries when it could not honour words of the request.
NOT_APPLIED = {
    "en": "Not applied: {words}. I can't use {what} here yet, so the answer above does not take {what} into account.",
    "vi": "Chưa áp dụng: {words}. Ở đây tôi chưa xử lý được {what}, nên câu trả lời trên chưa tính đến {what}.",
}
_THAT = {"en": ("that", "those"), "vi": ("điều này", "các điều này")}


def covered(request: str, output: dict[str, Any]) -> dict[str, Any]:
    """The coverage check: a modifier of the request (a segment, "average", "by product", "last week", "list"…)
    that the answer's ``understood_as`` does not carry is named in the answer, never silently dropped."""
    missing = uncovered(request, str(output.get("understood_as") or ""))
    if not missing or output.get("status") not in ("answered", None):
        return output
    lang = supported_language(output.get("language"))
    words = ", ".join(f"“{concept.words}”" for concept in missing)
    what = _THAT[lang][0 if len(missing) == 1 else 1]
    note = NOT_APPLIED[lang].format(words=words, what=what)
    result = {**(output.get("result") or {}), "not_applied": [concept.key for concept in missing]}
    return {**output, "answer": f"{output.get('answer') or ''}\n\n⚠ {note}".strip(), "result": result}
