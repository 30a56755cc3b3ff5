"""One RM's clients read in bulk: only theirs, with balances, inflows from outside, flows, logins, notes, tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stores.db import Database
from stores.fixtures import load_fixture
from tools.signals.features import forget_book, own_money, read_book, read_features

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


def test_own_transfers_payouts_and_term_savings_read_as_the_bank_means_them(
    sqlite_db: Database, small_bank: dict[str, Any]
) -> None:
    small_bank["accounts"] += [
        {"id": "AS1", "client_id": "C0002", "product_code": "CD_12M", "kind": "savings", "balance_vnd": 400_000_000,
         "opened_on": "2025-04-20", "maturity_on": "2025-11-10", "status": "active"},
        {"id": "AM1", "client_id": "C0002", "product_code": "CD_12M", "kind": "cd", "balance_vnd": 0,
         "opened_on": "2024-10-10", "maturity_on": "2025-10-10", "status": "matured"},
    ]  # fmt: skip
    small_bank["transactions"] += [
        {"id": "TO1", "account_id": "A0004", "client_id": "C0002", "posted_at": "2025-10-22T09:00:00+07:00",
         "amount_vnd": 1_500_000_000, "direction": "in", "channel": "online", "counterparty": "OWN ACCOUNT",
         "category": "transfer_own"},
        {"id": "TP1", "account_id": "AM1", "client_id": "C0002", "posted_at": "2025-10-10T07:00:00+07:00",
         "amount_vnd": 900_000_000, "direction": "out", "channel": "transfer", "counterparty": "OWN ACCOUNT A0004",
         "category": "cd_maturity"},
    ]  # fmt: skip
    load_fixture(sqlite_db, small_bank)
    minh = read_features(sqlite_db, "RM001", TODAY)["C0002"]
    # Money moved between the client's own accounts is no inflow (so no large deposit).
    assert all(category != "transfer_own" for _amount, category, _day in minh.inflows)
    # A matured deposit whose balance reads zero after the payout: the payout says how much matured.
    assert [(code, amount) for _kind, code, amount, _day in minh.matured] == [("CD_12M", 900_000_000)]
    # A savings book with a maturity date matures as a term deposit does.
    assert ("cd", "CD_12M", 400_000_000, dt.date(2025, 11, 10)) in minh.maturing
    assert minh.maturing_within(30, "cd") and not minh.maturing_within(10, "cd")


def test_the_clients_own_money_coming_back_is_never_new_money() -> None:
    for category in ("deposit_maturity", "transfer_own", "fd_payout", "CD_MATURITY", "internal_transfer"):
        assert own_money(category), category
    for category in ("property_sale", "salary", "business_income", "transfer_in"):
        assert not own_money(category), category
