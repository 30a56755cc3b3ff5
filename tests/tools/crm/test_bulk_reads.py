"""The bulk reads the campaign batches use: each client's household as the client's own RM may see it, and the
same answer as the one-client doors."""

from __future__ import annotations

import datetime as dt

from stores.db import Database
from tools.crm.api import CrmApi, behaviour_of, holdings_of


def test_a_relative_of_another_rm_stays_a_link_in_bulk_too(bank_db: Database) -> None:
    found = holdings_of(bank_db, ["C0004", "C0101", "C0002", "NOBODY"])
    assert set(found) == {"C0004", "C0101", "C0002"}
    assert found["C0004"].household == [{"relation": "sibling", "managed_by_another_rm": True}]
    assert found["C0101"].household == [{"relation": "sibling", "managed_by_another_rm": True}]
    assert found["C0002"].household[0]["client_id"] == "C0003"  # the same RM's: by name
    assert found["C0002"] == CrmApi(bank_db, "RM001").holdings_view("C0002")


def test_behaviour_in_bulk_is_the_one_client_door_for_each(bank_db: Database) -> None:
    since = dt.date(2025, 1, 1)
    bulk = behaviour_of(bank_db, ["C0001", "C0002"], since=since)
    assert bulk["C0001"] == CrmApi(bank_db, "RM001").behaviour("C0001", since=since)
    spending = [entry for entry in bulk["C0001"] if entry["direction"] != "note"]
    assert spending and all(entry["count"] >= 1 and entry["total_vnd"] > 0 for entry in spending)
    notes = [entry for entry in bulk["C0001"] if entry["direction"] == "note"]
    assert notes, "the RM's notes on the client come with the spending"
    assert [note["on"] for note in notes] == sorted((note["on"] for note in notes), reverse=True)
    assert all(note["on"] >= since.isoformat() and len(note["descriptions"]) == 2 for note in notes)
