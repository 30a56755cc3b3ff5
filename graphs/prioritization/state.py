"""What the prioritization graph carries from the request to the ranked list (plain JSON throughout)."""

from __future__ import annotations

from typing import Annotated, Any, NotRequired, Required

from pydantic import Field
from typing_extensions import TypedDict

from graphs.turn import RequestText, TopN, TurnOutput

DEFAULT_TOP_N = 3
#: Profile-similarity hits read per request (an RM's whole book in all but the largest).
SIMILARITY_K = 2000
#: Policy chunks retrieved for a request.
POLICY_K = 3


class PrioritizationInput(TypedDict):
    request: Required[RequestText]
    product_code: NotRequired[Annotated[str, Field(max_length=64)] | None]
    top_n: NotRequired[TopN | None]


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
    #: The request's filters and goals (``tools.signals.criteria.Criteria`` as a dict).
    criteria: dict[str, Any]
    #: The goals the ranking weighs (idle cash, maturing CDs, travel, signs of leaving...), and whether the
    #: request named them (else the product's usual ones).
    signals: list[str]
    named_goals: bool
    #: "model" when the model's reading shaped the pseudo-profile, "rules" otherwise.
    engine: str
    pseudo_profile: str
    #: The profile index's similarity of each of the RM's clients to the ideal client (empty without the index).
    similarity: dict[str, float]
    #: How many of the RM's clients were read, passed the filters, and showed evidence for the goals.
    counts: dict[str, int]
    excluded: list[dict[str, Any]]
    #: The next best after the top N: {"client_id", "score"} (who to call after them).
    runners_up: list[dict[str, Any]]
    ranked: list[dict[str, Any]]
    error: str | None
