"""What the compliance check carries from the RM's message to the findings and the suggested version (plain JSON)."""

from __future__ import annotations

from typing import Any, NotRequired, Required

from typing_extensions import TypedDict

from graphs.turn import NoteText, TurnOutput


class ComplianceCheckInput(TypedDict):
    message: NoteText
    #: The client's profile when the caller knows it (``risk_profile``, ``segment``): a draft's own client, an
    #: eval case. Without it, the client is the one of the RM's clients the message names.
    client: NotRequired[dict[str, Any] | None]
    #: The catalog to check rates and segments against; default: the bank's active catalog.
    products: NotRequired[list[dict[str, Any]] | None]


class ComplianceCheckState(TurnOutput, total=False):
    message: Required[str]
    #: The message to check: the RM's words without the request around it ("Check this message: …").
    text: str
    #: The RM's client the message is for, when it names exactly one: {"client_id", "full_name", "risk_profile",
    #: "segment"}; None when it names none or several (the suitability rule is then said not applied).
    client: dict[str, Any] | None
    products: list[dict[str, Any]] | None
    #: Each finding: {"flag", "evidence", "reason"} (``tools.policy.compliance.Finding``).
    findings: list[dict[str, Any]]
    #: The repaired message (sentences dropped, numbers masked, the disclaimer added), or None when clean.
    suggested: str | None
