"""Urgency scales with the money at stake and the days left, one rule for the nightly scan and the triggers."""

from __future__ import annotations

import datetime as dt
import itertools

from tools.signals.thresholds import URGENCY_FLOOR_VND
from tools.signals.triggers import detect_triggers
from tools.signals.urgency import URGENCY_RANK, money_urgency

VALUES = (0, 1_400_000, 50_000_000, 100_000_000, 500_000_000, 1_000_000_000, 3_000_000_000, 50_000_000_000)
DAYS = (None, 0, 1, 5, 7, 8, 14, 15, 30)


def test_a_tiny_loan_due_in_days_is_not_urgent_next_to_billions() -> None:
    assert money_urgency(1_400_000, 5) == "low"
    assert money_urgency(3_750_000_000, 5) == "high"
    assert money_urgency(250_000_000, 5) == "high" and money_urgency(250_000_000, 12) == "medium"
    assert money_urgency(1_500_000_000, 12) == "high" and money_urgency(1_500_000_000, 15) == "medium"


def test_urgency_never_falls_as_the_value_rises_or_the_deadline_nears() -> None:
    for floor in (0, URGENCY_FLOOR_VND, 2_000_000_000):
        for days, (low, high) in itertools.product(DAYS, itertools.combinations(VALUES, 2)):
            assert (
                URGENCY_RANK[money_urgency(high, days, floor_vnd=floor)]
                <= URGENCY_RANK[money_urgency(low, days, floor_vnd=floor)]
            )
        for value in VALUES:
            ranks = [URGENCY_RANK[money_urgency(value, days, floor_vnd=floor)] for days in DAYS[1:]]
            assert ranks == sorted(ranks)


def test_the_per_client_triggers_use_the_same_rule() -> None:
    today = dt.date(2025, 10, 24)
    c360 = {
        "profile": {"date_of_birth": None},
        "holdings": [
            {"id": "A1", "kind": "loan", "status": "active", "balance_vnd": 1_400_000, "maturity_on": "2025-10-29"},
            {"id": "A2", "kind": "cd", "status": "active", "balance_vnd": 3_000_000_000, "maturity_on": "2025-10-29"},
        ],
        "recent_transactions": [
            {"direction": "in", "amount_vnd": 1_000_000_000, "posted_at": "2025-10-23T10:00:00+07:00"},
        ],
    }
    urgency = {t["kind"]: t["urgency"] for t in detect_triggers(c360, today)}
    assert urgency["loan_maturity"] == money_urgency(1_400_000, 5) == "low"
    assert urgency["cd_maturity"] == money_urgency(3_000_000_000, 5) == "high"
    assert urgency["large_deposit"] == money_urgency(1_000_000_000, None) == "high"
