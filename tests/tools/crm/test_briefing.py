"""The briefing engine: which facts make the screen (maturities ahead, notable money moves, a birthday) and the
order of the talking points (a complaint before any offer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tools.crm.briefing import AHEAD_DAYS, build_briefing

TODAY = dt.date(2026, 3, 10)
PRODUCTS = [{"code": "CD_6M", "name": "6-month CD"}, {"code": "CASA", "name": "Current account"}]


def _client(**changes: Any) -> dict[str, Any]:
    client: dict[str, Any] = {
        "profile": {"id": "C1", "full_name": "Lê Lan", "honorific": "Chị", "date_of_birth": "1980-03-15"},
        "household": [], "totals": {"aum_vnd": 3_000_000_000, "casa_vnd": 700_000_000},
        "holdings": [
            {"id": "A1", "product_code": "CD_6M", "kind": "cd", "balance_vnd": 2_300_000_000, "opened_on": "2025-09-20",
             "maturity_on": "2026-03-20", "status": "active"},
            {"id": "A2", "product_code": "CD_6M", "kind": "cd", "balance_vnd": 900_000_000, "opened_on": "2025-01-01",
             "maturity_on": "2026-07-01", "status": "active"},
            {"id": "A3", "product_code": "CD_6M", "kind": "cd", "balance_vnd": 500_000_000, "opened_on": "2025-01-01",
             "maturity_on": "2026-03-12", "status": "closed"},
            {"id": "A4", "product_code": "CASA", "kind": "casa", "balance_vnd": 700_000_000, "opened_on": "2020-01-01",
             "status": "active"},
        ],
        "recent_transactions": [
            {"id": "T1", "posted_at": "2026-03-01T09:00:00+07:00", "amount_vnd": 1_200_000_000, "direction": "in",
             "category": "property_sale"},
            {"id": "T2", "posted_at": "2026-03-02T09:00:00+07:00", "amount_vnd": 5_000_000, "direction": "out"},
            {"id": "T3", "posted_at": "2026-01-02T09:00:00+07:00", "amount_vnd": 900_000_000, "direction": "out"},
        ],
        "interactions": [{"occurred_at": "2026-02-20T10:00:00+07:00", "topic": "fees", "sentiment": "negative"}],
        "open_tasks": [], "complaints": [], "days_since_contact": 18,
    }  # fmt: skip
    return {**client, **changes}


def test_what_is_coming_and_what_moved_lately() -> None:
    briefing = build_briefing(_client(), PRODUCTS, TODAY)
    assert [(m["id"], m["days_left"]) for m in briefing.maturities] == [("A1", 10)]  # A2 beyond, A3 closed
    assert (dt.date(2026, 7, 1) - TODAY).days > AHEAD_DAYS
    assert [row["id"] for row in briefing.notable_transactions] == ["T1"]  # small and old moves stay out
    assert briefing.birthday == {"date": "2026-03-15", "days_until": 5, "age": 46}
    assert briefing.holdings[0]["product_name"] == "6-month CD" and len(briefing.holdings) == 3


def test_talking_points_put_a_complaint_first_and_stop_at_three() -> None:
    complaint = {"status": "open", "opened_on": "2026-03-01", "category": "fees", "summary": "Charged twice"}
    briefing = build_briefing(_client(complaints=[complaint]), PRODUCTS, TODAY)
    assert [point.kind for point in briefing.talking_points] == ["complaint", "maturity", "birthday"]
    quiet = build_briefing(_client(holdings=[], recent_transactions=[], totals={}, interactions=[],
                                   days_since_contact=None, profile={"id": "C1"}), PRODUCTS, TODAY)  # fmt: skip
    assert [point.kind for point in quiet.talking_points] == ["inactive"]


def test_one_event_is_joined_by_the_last_conversation_to_follow_up() -> None:
    calm = _client(interactions=[{"occurred_at": "2026-02-20T10:00:00+07:00", "topic": "renewal", "sentiment": "positive"}],
                   totals={"aum_vnd": 3_000_000_000, "casa_vnd": 100_000_000}, recent_transactions=[],
                   profile={"id": "C1", "date_of_birth": "1980-08-15"})  # fmt: skip
    assert [point.kind for point in build_briefing(calm, PRODUCTS, TODAY).talking_points] == ["maturity", "last_topic"]
