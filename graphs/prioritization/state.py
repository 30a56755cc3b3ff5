"""What the prioritization graph carries from the request to the ranked list (plain JSON throughout)."""

from __future__ import annotations

from typing import Any, NotRequired, Required

from typing_extensions import TypedDict

from graphs.turn import TurnOutput

DEFAULT_TOP_N = 3
CANDIDATES_K = 20
#: Policy chunks retrieved for a request.
POLICY_K = 3


class PrioritizationInput(TypedDict):
    request: Required[str]
    product_code: NotRequired[str | None]
    top_n: NotRequired[int | None]


class PrioritizationState(TurnOutput, total=False):
    request: Required[str]
    product_code: str | None
    top_n: int | None
    #: No product and no selling goal: answer with the day plan from the RM's events.
    day_plan: bool
    #: The product the request is about (``tools.products.catalog.ProductTerms`` as a dict), or None for a goal.
    product: dict[str, Any] | None
    #: Retrieved chunks: {"id", "kind", "title", "section", "text", "score"}.
    documents: list[dict[str, Any]]
    #: The synthesized product context and the policy lines that apply.
    product_context: str
    policy_notes: list[str]
    #: The current signals the goal asks for (idle cash, maturing CDs, ...).
    signals: list[str]
    #: "model" when the model's reading shaped the pseudo-profile, "rules" otherwise.
    engine: str
    pseudo_profile: str
    #: The top similarity hits among the RM's clients: {"client_id", "score"}.
    candidates: list[dict[str, Any]]
    excluded: list[dict[str, Any]]
    ranked: list[dict[str, Any]]
    error: str | None
