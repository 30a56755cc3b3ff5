"""What the briefing room carries from the RM's request to the one-screen briefing (plain JSON)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.clarify import ClientSlot
from graphs.turn import RequestText, TurnOutput


class BriefingInput(TypedDict):
    request: RequestText


class BriefingState(ClientSlot, TurnOutput, total=False):
    request: Required[str]
    #: ``tools.crm.briefing.Briefing.as_json()``.
    briefing: dict[str, Any]
