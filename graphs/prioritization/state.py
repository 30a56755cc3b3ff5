"""What the prioritization graph carries from the request to the ranked list (plain JSON throughout)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Required

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

DEFAULT_TOP_N = 3
CANDIDATES_K = 20

Signal = Literal["idle_cash", "large_inflow", "cd_maturing", "loan_maturing", "money_out", "inactive", "birthday"]
Segment = Literal["Diamond", "Platinum", "Gold", "Standard"]
RiskProfile = Literal["conservative", "balanced", "growth"]


class PrioritizationInput(TypedDict):
    request: Required[str]
    product_code: NotRequired[str | None]
    top_n: NotRequired[int | None]


class PrioritizationState(TypedDict, total=False):
    request: Required[str]
    product_code: str | None
    top_n: int | None
    language: str
    #: The product the request is about (``tools.policy.eligibility.ProductTerms`` as a dict), or None for a free goal.
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
    citations: list[str]
    answer: str
    error: str | None


class IdealClient(BaseModel):
    """The model's reading of who fits: chosen from fixed lists; code writes the profile sentences."""

    segments: list[Segment] = Field(default_factory=list, description="client segments the offer suits")
    risk_profiles: list[RiskProfile] = Field(default_factory=list, description="risk profiles the offer suits")
    signals: list[Signal] = Field(default_factory=list, description="current events that make a call timely")
