"""How urgent an event with money at stake is: one rule for the nightly scan and the per-client triggers.

The urgent window grows with the money at stake, so urgency never falls as the value rises (same kind, same
days left) and never falls as the deadline nears: below the floor an event is ``low`` (it is still drafted,
last); from the floor to ``URGENT_VALUE_VND`` only the last ``URGENT_SMALL_MATURITY_DAYS`` days are
``high``; from ``URGENT_VALUE_VND`` up the whole ``URGENT_MATURITY_DAYS`` window is.
"""

from __future__ import annotations

from typing import Literal

from tools.signals.thresholds import (
    URGENCY_FLOOR_VND,
    URGENT_MATURITY_DAYS,
    URGENT_SMALL_MATURITY_DAYS,
    URGENT_VALUE_VND,
)

__all__ = ["URGENCY_RANK", "Urgency", "money_urgency"]

Urgency = Literal["high", "medium", "low"]

#: Most urgent first (a sort key).
URGENCY_RANK: dict[str, int] = {"high": 0, "medium": 1, "low": 2}


def money_urgency(value_vnd: int, days_left: int | None, *, floor_vnd: int = URGENCY_FLOOR_VND) -> Urgency:
    """``high`` / ``medium`` / ``low`` for ``value_vnd`` at stake with ``days_left`` to act (None: act now).

    The value-scaled window (``floor_vnd`` ≥ 0 configurable per run, see ``tools.signals.events.EventRules``).
    """
    if value_vnd < floor_vnd:
        return "low"
    window = URGENT_MATURITY_DAYS if value_vnd >= max(URGENT_VALUE_VND, floor_vnd) else URGENT_SMALL_MATURITY_DAYS
    return "high" if days_left is None or days_left <= window else "medium"
