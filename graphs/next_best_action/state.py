"""What the next-best-action graph carries from the RM's request to the drafted message (plain JSON)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.clarify import ClientSlot
from graphs.turn import RequestText, TurnOutput


class NextBestActionInput(TypedDict):
    request: RequestText


class NextBestActionState(ClientSlot, TurnOutput, total=False):
    request: Required[str]
    #: The language the RM asked in (``language``): the answer's. The draft goes out in the client's own.
    draft_language: str
    #: The client 360 (household included), as JSON.
    client: dict[str, Any]
    #: The signed-in RM's name, for the sign-off.
    rm_name: str
    #: Ranked: {"kind", "urgency", "value_vnd", "facts"}.
    triggers: list[dict[str, Any]]
    #: Retrieved product and policy chunks for the leading trigger: {"id", "kind", "title", "text"}.
    documents: list[dict[str, Any]]
    action: str | None
    reason: str
    #: The drafted message and the engine that wrote it ("model" / "template").
    message: str
    engine: str
