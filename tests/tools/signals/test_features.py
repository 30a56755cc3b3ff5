"""One RM's clients read in bulk: only theirs, with balances, inflows from outside, flows, logins, notes, tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from stores.db import Database
from tools.signals.features import forget_book, read_book, read_features

TODAY = dt.date(2025, 10, 24)


def test_only_the_rms_own_clients_are_read(bank_db: Database) -> None:
    mine = read_features(bank_db, "RM001", TODAY)
    theirs = read_features(bank_db, "RM002", TODAY)
    assert set(mine) == {"C0001", "C0002", "C0003", "C0004"} and set(theirs) == {"C0101", "C0102"}
    assert read_features(bank_db, "RM001", TODAY, client_ids=["C0101", "C0003"]).keys() == {"C0003"}


def test_what_a_client_holds_and_what_just_arrived(bank_db: Database) -> None:
    minh = read_features(bank_db, "RM001", TODAY)["C0003"]
    assert minh.idle_vnd == 2_600_000_000 and minh.large_inflow is not None
    amount, category, day = minh.large_inflow
    assert (amount, category, day) == (1_200_000_000, "property_sale", dt.date(2025, 10, 23))
    # The property sale arrived yesterday: new money, not cash that has sat still.
    assert minh.settled_idle_vnd(TODAY) == 2_600_000_000 - 1_200_000_000
    son = read_features(bank_db, "RM001", TODAY)["C0001"]
    assert son.maturing and son.maturing[0][:3] == ("cd", "CD_12M", 1_500_000_000)
    assert "CD_12M" in son.held_codes and "cd" in son.held_categories


def test_notes_and_open_tasks_come_newest_and_soonest_first(bank_db: Database) -> None:
    features = read_features(bank_db, "RM001", TODAY)
    noted = [client for client in features.values() if client.notes]
    assert noted and all(
        [note[0] for note in client.notes] == sorted((note[0] for note in client.notes), reverse=True)
        for client in noted
    )
    assert read_features(bank_db, "RM001", TODAY, notes=False)["C0001"].notes == []


def test_a_book_is_read_once_and_forgotten_on_a_write(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTIFY_BOOK_CACHE_S", "60")
    first = read_book(bank_db, "RM001", TODAY, notes=False)
    assert read_book(bank_db, "RM001", TODAY, notes=False) is first  # no rows read the second time
    forget_book(str(bank_db.url), "RM001")
    assert read_book(bank_db, "RM001", TODAY, notes=False) is not first
    monkeypatch.setenv("AGENTIFY_BOOK_CACHE_S", "0")
    assert read_book(bank_db, "RM001", TODAY) is not read_book(bank_db, "RM001", TODAY)
