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
    #: A reply draft per message (``tools.inbox.drafts.NewDraft`` as plain JSON), not saved yet.
    replies: list[dict[str, Any]]
    #: The RM's answer to the review card (a HumanResponse).
    decision: dict[str, Any]
    #: What ``save`` wrote: {"drafts": n saved, "marked_read": n}; absent until the RM accepts.
    saved: dict[str, int]
