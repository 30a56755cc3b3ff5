"""What the next-best-action graph carries from the RM's request to the drafted message (plain JSON)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict


class NextBestActionInput(TypedDict):
    request: str


class NextBestActionState(TypedDict, total=False):
    request: Required[str]
    #: The language of the drafted message: the client's (``clients.language``), else the request's.
    language: str
    #: The language the RM asked in; the reason is written in it.
    request_language: str
    client_id: str | None
    #: The signed-in RM's own candidates when the request does not name one clear client of theirs.
    candidates: list[dict[str, Any]]
    needs_clarification: bool
    #: The client 360 (household included), as JSON.
    client: dict[str, Any]
    #: The signed-in RM's name, for the sign-off.
    rm_name: str
    #: Ranked: {"kind", "urgency", "value_vnd", "facts"}.
    triggers: list[dict[str, Any]]
    #: Retrieved product and policy chunks for the leading trigger: {"id", "kind", "title", "text"}.
    documents: list[dict[str, Any]]
    citations: list[str]
    action: str | None
    reason: str
    message: str
    #: "model" when the model's draft was used, "template" otherwise.
    engine: str
