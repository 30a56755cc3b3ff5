"""Nightly offers: a client's strong top recommendation drafted as an ``offer``, the bank's rules first, never more
offers per client per month than the policy allows, never twice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from graphs.context import NightlyContext
from graphs.nightly.graph import builder
from graphs.nightly.runner import run_night
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.drafts import Draft
from tools.inbox.offers import DEFAULT_PER_MONTH, STRONG_SCORE, offer_events, offers_per_month

NIGHT = dt.date(2025, 11, 3)


@pytest.fixture
def bank(recommendation_bank: Database) -> Database:
    return recommendation_bank


@pytest.fixture
def compiled(bank: Database) -> Iterator[Any]:
    with open_checkpointer(bank) as checkpointer:
        yield builder.compile(checkpointer=checkpointer)


def _offers(database: Database) -> list[Any]:
    with database.engine.connect() as connection:
        return list(connection.execute(select(Draft).where(Draft.kind == "offer").order_by(Draft.event_key)))


def test_only_strong_offers_and_never_to_a_client_with_an_open_complaint(bank: Database) -> None:
    events = offer_events(bank, NIGHT, rm_id="RM001")
    assert events and all(event["facts"]["score"] >= STRONG_SCORE for event in events)
    assert "C9006" not in {event["client_id"] for event in events}  # the open complaint blocks every offer
    assert all(event["event_key"] == f"offer:{event['client_id']}:2025-11:{event['facts']['product_code']}"
               for event in events)  # fmt: skip
    assert all(event["facts"]["reason"] and event["facts"]["document_id"] for event in events)


def test_the_night_drafts_offers_once_and_at_most_the_monthly_cap(bank: Database, compiled: Any) -> None:
    context = NightlyContext(database_url=bank.portable_url, model="none", today=NIGHT, rules={"kinds": ["offer"]})
    summary = run_night(compiled, context, NIGHT)
    drafts = _offers(bank)
    assert summary["drafts_created"] == len(drafts) > 0 and summary["events_by_kind"] == {"offer": len(drafts)}
    assert all(json.loads(draft.facts_json)["product_name"] in draft.body for draft in drafts)  # in the RM's voice
    assert all(not json.loads(draft.compliance_json)["flags"] for draft in drafts)
    # the message speaks of the product, never of the client's own spending the RM's reason rests on
    assert not any(fact in draft.body for draft in drafts for fact in json.loads(draft.facts_json)["client_facts"])
    assert len({draft.client_id for draft in drafts}) == len(drafts)  # one a client this month (the default cap)

    again = run_night(compiled, context, NIGHT)
    assert again["drafts_created"] == 0
    next_night = NIGHT + dt.timedelta(days=1)
    later = run_night(compiled, NightlyContext(database_url=bank.portable_url, model="none", today=next_night,
                                               rules={"kinds": ["offer"]}), next_night)  # fmt: skip
    assert later["events"] == 0  # the month's offer is made: no second one
    december = dt.date(2025, 12, 1)
    assert offer_events(bank, december, rm_id="RM001")  # a new month may offer again


def test_the_cap_is_read_from_the_banks_policy() -> None:
    policy = {"id": "POL-X", "kind": "policy", "body": "RMs send no more than two product offers per client a month."}
    assert offers_per_month([policy]) == (2, "POL-X")
    vi = {"id": "POL-V", "kind": "policy", "body": "Không quá 1 lời chào bán sản phẩm cho mỗi khách hàng mỗi tháng."}
    assert offers_per_month([vi]) == (1, "POL-V")
    assert offers_per_month([{"id": "P", "kind": "policy", "body": "Call within 3 days."}]) == (DEFAULT_PER_MONTH, None)
