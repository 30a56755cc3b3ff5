"""What the drafting graph carries from a request (or a client and an event) to a checked draft (plain JSON)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from graphs.clarify import ClientSlot
from graphs.turn import TurnOutput


class DraftingInput(TypedDict):
    #: The RM's words ("Draft a birthday message for Mr Son"): the client and the event are read from them.
    request: NotRequired[str]
    #: Or the client and the event, given directly (the nightly, the tone suite, a caller that knows them).
    client_id: NotRequired[str]
    #: birthday, cd_maturity, loan_maturity, large_deposit, inactive, idle_cash, complaint_followup, cross_sell,
    #: attrition_risk, or check_in.
    event: NotRequired[str]


class DraftingState(ClientSlot, TurnOutput, total=False):
    request: str
    event: str
    #: The client's profile columns (no other client data is needed to write).
    profile: dict[str, Any]
    rm_name: str
    #: The client 360 the facts are read from.
    c360: dict[str, Any]
    #: The kind drafted and its facts (from the client's own data where it has them).
    kind: str
    facts: dict[str, Any]
    #: The RM's tone profile (``tools.voice.tone.ToneProfile`` as JSON) and the rules that apply to this client.
    tone: dict[str, Any]
    rules: list[dict[str, Any]]
    #: ``tools.voice.drafting.ComposedDraft`` as JSON, with its ``flags`` after the communication check.
    draft: dict[str, Any]
