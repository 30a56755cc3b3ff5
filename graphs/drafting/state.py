"""What the drafting graph carries from (client, event) to a checked draft (plain JSON)."""

from __future__ import annotations

from typing import Any, Literal, Required

from typing_extensions import TypedDict

Status = Literal["drafted", "not_found"]


class DraftingInput(TypedDict):
    client_id: str
    #: The event kind: birthday, cd_maturity, loan_maturity, large_deposit, inactive, idle_cash,
    #: complaint_followup, cross_sell, attrition_risk, or check_in.
    event: str


class DraftingState(TypedDict, total=False):
    client_id: Required[str]
    event: Required[str]
    status: Status
    #: The client's profile columns and the RM's name (no other client data is needed to write).
    client: dict[str, Any]
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
    message: str
