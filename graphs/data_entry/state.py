"""What the data-entry graph carries from the note to the written log.

Everything is plain JSON (ISO dates, dicts) so a paused thread checkpoints and resumes in another
process unchanged. The client step's keys come from ``graphs.clarify.ClientSlot``; what the RM is
answered with is ``graphs.turn.TurnOutput``.
"""

from __future__ import annotations

from typing import Any, NotRequired, Required

from typing_extensions import TypedDict

from graphs.clarify import ClientSlot
from graphs.turn import NoteText, TurnOutput


class DataEntryInput(TypedDict):
    note: NoteText


class DataEntryState(ClientSlot, TurnOutput, total=False):
    note: Required[str]
    #: The RM's latest free-text correction ("respond"), read on top of the note.
    correction: NotRequired[str | None]
    #: "model" when the language model's reading was used, "rules" for the deterministic engine.
    engine: str
    #: ``tools.crm.notes.NoteExtraction`` as JSON.
    extraction: dict[str, Any]
    #: The interaction to write (the CRM API's InteractionCreate, as JSON), tasks included.
    proposal: dict[str, Any]
    #: Defaults the RM should know about: ``{"code", "facts"}`` (``tools.crm.proposal.Remark``).
    remarks: list[dict[str, Any]]
    problems: list[str]
    #: The RM's last edit goes back to the card: it failed validation and was not applied (the proposal is
    #: unchanged), or something typed was read (an amount as text) and is shown before it is written.
    edit_rejected: bool
    decision: dict[str, Any]
    #: What the CRM wrote (``WriteResult`` as JSON).
    written: dict[str, Any] | None
