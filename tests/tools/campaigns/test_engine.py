"""Campaign batches: each event stored once, each recommendation written once whatever is redelivered."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from stores.campaigns import CampaignEvent, CampaignResult
from stores.db import Database
from tools.campaigns.engine import CampaignEventIn, process_batch, receive, status

TODAY = dt.date(2025, 11, 3)


@pytest.fixture
def bank(recommendation_bank: Database) -> Database:
    return recommendation_bank


def _events(*pairs: tuple[str, str]) -> list[CampaignEventIn]:
    return [CampaignEventIn(event_id=event_id, client_id=client_id) for event_id, client_id in pairs]


def test_a_retried_post_stores_nothing_twice(bank: Database) -> None:
    first = receive(bank, "CAMP1", _events(("e1", "C9019"), ("e2", "C9006"), ("e3", "C0000")))
    again = receive(bank, "CAMP1", _events(("e1", "C9019"), ("e4", "C9012")))
    assert (first.accepted, first.unknown_clients) == (["e1", "e2"], ["e3"])
    assert (again.accepted, again.duplicates) == (["e4"], ["e1"])
    with pytest.raises(ValueError, match="twice"):
        receive(bank, "CAMP1", _events(("e9", "C9019"), ("e9", "C9019")))


def test_a_redelivered_batch_writes_each_result_once(bank: Database) -> None:
    receive(bank, "CAMP2", _events(("e1", "C9019"), ("e2", "C9006")))
    assert process_batch(bank, "CAMP2", ["e1", "e2"], today=TODAY) == 2
    assert process_batch(bank, "CAMP2", ["e1", "e2"], today=TODAY) == 0  # the broker handed it over again
    with bank.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(CampaignResult)).scalar() == 2
        attempts = dict(connection.execute(select(CampaignEvent.event_id, CampaignEvent.attempts)).all())
    assert attempts == {"e1": 1, "e2": 1}
    report = status(bank, "CAMP2")
    assert report["events"] == {"done": 2} and report["total"] == 2
    blocked = next(item for item in report["results"] if item["client_id"] == "C9006")
    assert blocked["offers"] == [] and "complaint" in blocked["blocked"]
    with pytest.raises(LookupError):
        status(bank, "NOPE")


def test_a_result_another_delivery_stored_first_is_skipped_and_the_rest_of_its_group_stored(bank: Database) -> None:
    from sqlalchemy import insert

    receive(bank, "CAMP3", _events(("e1", "C9019"), ("e2", "C9012"), ("e3", "C9001")))
    with bank.engine.begin() as connection:  # a second worker stored e2 between this one's claim and its write
        connection.execute(insert(CampaignResult).values(campaign_id="CAMP3", event_id="e2", client_id="C9012",
                                                         result_json="{}", created_at=dt.datetime(2025, 11, 3)))  # fmt: skip
    assert process_batch(bank, "CAMP3", ["e1", "e2", "e3"], today=TODAY) == 2
    with bank.engine.connect() as connection:
        stored = dict(connection.execute(select(CampaignResult.event_id, CampaignResult.result_json)
                                         .where(CampaignResult.campaign_id == "CAMP3")).all())  # fmt: skip
    assert sorted(stored) == ["e1", "e2", "e3"] and stored["e2"] == "{}"  # the first write stands
