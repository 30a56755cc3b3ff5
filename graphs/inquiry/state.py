"""What the customer inquiry bot carries through one conversation (plain JSON; one thread per chat session)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.turn import RequestText, TurnOutput


class InquiryInput(TypedDict):
    message: RequestText


class InquiryState(TurnOutput, total=False):
    message: Required[str]
    #: The classifier's reading: {"topic", "urgency", "confidence"}; None when it cannot read.
    reading: dict[str, Any] | None
    #: What the knowledge base says: {"answered", "text", "sources"}.
    found: dict[str, Any]
    #: The message waiting for the customer's one-time code (kept across turns), or None.
    pending: dict[str, Any] | None
    #: What was handed on this turn: {"id", "kind", "new"}, or None.
    escalation: dict[str, Any] | None
    #: What this turn did: answered, asked for a phone, sent a code, verified, handed on, a wrong code…
    outcome: str
