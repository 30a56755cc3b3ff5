"""What the data-entry graph carries from the note to the written log.

Everything is plain JSON (ISO dates, dicts) so a paused thread checkpoints and
resumes in another process unchanged.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Required

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

Status = Literal["awaiting_client", "awaiting_confirmation", "written", "cancelled"]


class DataEntryInput(TypedDict):
    note: str


class DataEntryState(TypedDict, total=False):
    note: Required[str]
    #: The RM's latest free-text correction ("respond"), read on top of the note.
    correction: NotRequired[str | None]
    language: str
    #: "model" when the language model's reading was used, "rules" for the deterministic engine.
    engine: str
    extraction: dict[str, Any]
    #: Candidate clients, only ever the signed-in RM's own.
    candidates: list[dict[str, Any]]
    client_id: str | None
    client_label: str | None
    #: The interaction to write (the CRM API's InteractionCreate, as JSON), tasks included.
    proposal: dict[str, Any]
    #: Defaults the RM should know about ("no due date given: set to tomorrow").
    remarks: list[str]
    problems: list[str]
    #: The RM's last edit failed validation and was not applied (the proposal is unchanged).
    edit_rejected: bool
    decision: dict[str, Any]
    status: Status
    result: dict[str, Any] | None
    message: str


class TaskSpans(BaseModel):
    """A follow-up as the model copied it from the note."""

    kind: Literal["call", "email", "send_document", "meeting", "review", "other"]
    title: str = Field(description="what to do, in the note's words")
    due_text: str | None = Field(default=None, description="the date words copied verbatim, e.g. 'next Wednesday'")


class NoteSpans(BaseModel):
    """The model's reading of a note: verbatim spans only; code converts amounts and dates."""

    client_name: str | None = None
    phone: str | None = None
    channel: Literal["meeting", "call", "email", "chat"] | None = None
    location_text: str | None = None
    topic: str | None = None
    product_category: Literal["casa", "savings", "cd", "loan", "card", "investment", "insurance"] | None = None
    amount_text: str | None = Field(default=None, description="the amount copied verbatim, e.g. '800m vnd'")
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    tasks: list[TaskSpans] = Field(default_factory=list)
