"""What the inbox triage carries from the RM's request to the grouped inbox (plain JSON)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.turn import RequestText, TurnOutput


class InboxTriageInput(TypedDict):
    request: RequestText


class InboxTriageState(TurnOutput, total=False):
    request: Required[str]
    #: The RM's unread messages: {"id", "client_id", "client", "received_at", "channel", "subject", "body"}, and
    #: once read {"topic", "urgency", "confidence"}.
    messages: list[dict[str, Any]]
    #: Why the messages could not be read (the triage's weights missing or out of date), or None.
    failure: str | None
