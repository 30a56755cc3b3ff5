"""What the attrition scan carries from the RM's request to the ranked list (plain JSON)."""

from __future__ import annotations

from typing import Any, NotRequired, Required

from typing_extensions import TypedDict

from graphs.turn import RequestText, TopN, TurnOutput

#: Clients listed when the request names no number.
DEFAULT_TOP_N = 10


class AttritionScanInput(TypedDict):
    request: Required[RequestText]
    top_n: NotRequired[TopN | None]


class AttritionScanState(TurnOutput, total=False):
    request: Required[str]
    top_n: int | None
    #: The request's filters (``tools.signals.criteria.Criteria`` as a dict): "my Diamond clients at risk".
    criteria: dict[str, Any]
    #: Highest risk first: {"client_id", "full_name", "score", "signs": [{"kind", …facts}], "action", "aum_vnd"}.
    at_risk: list[dict[str, Any]]
    #: How many of the RM's clients were read, passed the filters, and show at least one sign.
    counts: dict[str, int]
