"""What the recommendation room carries from the RM's request to the ranked offers (plain JSON)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from graphs.clarify import ClientSlot
from graphs.turn import TurnOutput


class RecommendationInput(TypedDict):
    #: The RM's words ("What should I offer Ms Lan?", "… for her mother"): the client and the relative are read.
    request: NotRequired[str]
    #: Or the client given directly (the eval runner, the web app).
    client_id: NotRequired[str]
    #: ``spouse``/``parent``/``child``/``sibling``: recommend for that relative of the client.
    for_relation: NotRequired[str]
    #: ``protection``: a healthcare and protection review (read from the request when not given).
    focus: NotRequired[str]


class RecommendationState(ClientSlot, TurnOutput, total=False):
    request: str
    for_relation: str | None
    focus: str | None
    #: ``tools.products.recommend.Recommendation.as_json()``, or ``ProtectionReview.as_json()`` for a protection review.
    found: dict[str, Any]
