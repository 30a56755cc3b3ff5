"""The nightly event scan: every rule at its boundaries, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event

import tools.signals.events as events_module
from stores.db import Database
from stores.fixtures import load_fixture
from tools.signals.events import EVENT_KINDS, ClientEvent, EventRules, client_cards, scan_events

D = dt.date(2025, 10, 24)
RECENT = "2025-10-14T10:00:00+07:00"  # ten days before D: keeps a client off the inactive list


class BankBuilder:
    """A tiny bank written row by row; every client is contacted recently unless told otherwise."""

    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {
            "rms": [
                {
                    "id": "RM1",
                    "full_name": "Nguyen Thu Ha",
                    "email": "ha@bank.example",
                    "branch": "HN",
                    "language": "vi",
                },
                {
                    "id": "RM2",
                    "full_name": "Tran Minh Duc",
                    "email": "duc@bank.example",
                    "branch": "HCM",
                    "language": "en",
                },
            ],
            "clients": [],
            "products": [
                {
                    "code": "CD_6M",
                    "name": "6-month CD",
                    "category": "cd",
                    "summary": "CD.",
                    "rate_pct": 4.8,
                    "active": True,
                },
                {"code": "LOAN_HOME", "name": "Home loan", "category": "loan", "summary": "Loan.", "active": True},
                {"code": "CASA", "name": "Current account", "category": "casa", "summary": "CASA.", "active": True},
            ],
            "accounts": [],
            "transactions": [],
            "interactions": [],
        }
        self._serial = 0

    def _next(self, prefix: str) -> str:
        self._serial += 1
        return f"{prefix}{self._serial:04d}"

    def client(
        self,
        client_id: str,
        *,
        rm: str = "RM1",
        born: str = "1970-01-15",
        onboarded: str = "2020-01-01",
        contacted: str | None = RECENT,
    ) -> str:
        number = len(self.data["clients"]) + 1
        self.data["clients"].append(
            {
                "id": client_id,
                "rm_id": rm,
                "full_name": f"Client {client_id}",
                "honorific": "Mr",
                "date_of_birth": born,
                "phone": f"09{number:08d}",
                "email": f"{client_id.lower()}@mail.example",
                "segment": "Gold",
                "occupation": "Engineer",
                "city": "Hà Nội",
                "risk_profile": "balanced",
                "preferred_channel": "email",
                "language": "en",
                "onboarded_on": onboarded,
            }
        )
        if contacted is not None:
            self.interaction(client_id, contacted, rm=rm)
        return client_id

    def account(
        self,
        client_id: str,
        kind: str,
        balance: int,
        *,
        maturity: str | None = None,
        status: str = "active",
        account_id: str | None = None,
    ) -> str:
        account_id = account_id or self._next("A")
        product = {"cd": "CD_6M", "loan": "LOAN_HOME"}.get(kind, "CASA")
        row: dict[str, Any] = {
            "id": account_id,
            "client_id": client_id,
            "product_code": product,
            "kind": kind,
            "balance_vnd": balance,
            "opened_on": "2025-01-01",
            "status": status,
        }
        if maturity is not None:
            row |= {"maturity_on": maturity, "rate_pct": 4.8}
        self.data["accounts"].append(row)
        return account_id

    def transaction(
        self, client_id: str, posted_at: str, amount: int, *, direction: str = "in", transaction_id: str | None = None
    ) -> str:
        casa = next(
            (a["id"] for a in self.data["accounts"] if a["client_id"] == client_id and a["kind"] == "casa"), None
        )
        casa = casa or self.account(client_id, "casa", 10_000_000)
        transaction_id = transaction_id or self._next("T")
        self.data["transactions"].append(
            {
                "id": transaction_id,
                "account_id": casa,
                "client_id": client_id,
                "posted_at": posted_at,
                "amount_vnd": amount,
                "direction": direction,
                "channel": "transfer",
                "counterparty": "ACME",
                "category": "property_sale",
            }
        )
        return transaction_id

    def interaction(self, client_id: str, occurred_at: str, *, rm: str = "RM1") -> None:
        self.data["interactions"].append(
            {
                "id": self._next("I"),
                "client_id": client_id,
                "rm_id": rm,
                "occurred_at": occurred_at,
                "channel": "call",
                "topic": "Check-in",
                "summary": "Called.",
                "sentiment": "neutral",
                "source": "manual",
            }
        )


def _load(database: Database, bank: BankBuilder) -> Database:
    load_fixture(database, bank.data)
    return database


def _found(events: list[ClientEvent], kind: str) -> set[str]:
    return {e["client_id"] for e in events if e["kind"] == kind}


def _one(events: list[ClientEvent], client_id: str, kind: str) -> ClientEvent:
    matching = [e for e in events if e["client_id"] == client_id and e["kind"] == kind]
    assert len(matching) == 1, matching
    return matching[0]


# ----- maturities ----------------------------------------------------------------------------------------------------


@pytest.fixture
def maturity_bank(any_db: Database) -> Database:
    bank = BankBuilder()
    bank.account(bank.client("C_ON_D"), "cd", 500_000_000, maturity="2025-10-24", account_id="A_ON_D")
    bank.account(bank.client("C_D30"), "cd", 600_000_000, maturity="2025-11-23")
    bank.account(bank.client("C_D31"), "cd", 700_000_000, maturity="2025-11-24")
    bank.account(bank.client("C_PAST"), "cd", 800_000_000, maturity="2025-10-23")
    bank.account(bank.client("C_MATURED"), "cd", 900_000_000, maturity="2025-10-30", status="matured")
    bank.account(bank.client("C_CLOSED"), "loan", 900_000_000, maturity="2025-10-30", status="closed")
    bank.account(bank.client("C_D14"), "cd", 100_000_000, maturity="2025-11-07")
    bank.account(bank.client("C_D15"), "cd", 100_000_000, maturity="2025-11-08")
    multi = bank.client("C_MULTI", rm="RM2")
    bank.account(multi, "cd", 1_000_000_000, maturity="2025-11-10")
    bank.account(multi, "cd", 2_000_000_000, maturity="2025-11-01", account_id="A_FIRST")
    bank.account(multi, "cd", 4_000_000_000, maturity="2025-12-20")  # outside the window: not counted
    bank.account(multi, "loan", 3_000_000_000, maturity="2025-11-05", account_id="A_LOAN")
    return _load(any_db, bank)


def test_maturity_window_includes_both_ends_and_only_active_accounts(maturity_bank: Database) -> None:
    events = scan_events(maturity_bank, D)

    assert _found(events, "cd_maturity") == {"C_ON_D", "C_D30", "C_D14", "C_D15", "C_MULTI"}
    assert _found(events, "loan_maturity") == {"C_MULTI"}
    on_d = _one(events, "C_ON_D", "cd_maturity")
    assert on_d["facts"]["days_left"] == 0
    assert on_d["event_key"] == "cd_maturity:C_ON_D:A_ON_D:2025-10-24"
    assert on_d["facts"]["product_name"] == "6-month CD"
    assert _one(events, "C_D30", "cd_maturity")["facts"]["days_left"] == 30


def test_maturity_urgency_scales_with_the_money_and_the_days_left(maturity_bank: Database) -> None:
    events = scan_events(maturity_bank, D)

    assert _one(events, "C_MULTI", "cd_maturity")["urgency"] == "high"  # 2 billion in 8 days
    assert _one(events, "C_D14", "cd_maturity")["urgency"] == "medium"  # 100 million: urgent only in its last week
    assert _one(events, "C_ON_D", "cd_maturity")["urgency"] == "high"
    assert _one(events, "C_D30", "cd_maturity")["urgency"] == "medium"


def test_the_urgency_floor_is_a_rule_of_the_run(maturity_bank: Database) -> None:
    raised = scan_events(maturity_bank, D, rules=EventRules(urgency_floor_vnd=550_000_000))

    assert _one(raised, "C_ON_D", "cd_maturity")["urgency"] == "low"  # 500 million, due today, under the floor
    assert _one(raised, "C_MULTI", "cd_maturity")["urgency"] == "high"
    assert EventRules.from_mapping({"urgency_floor_vnd": 0}).to_dict()["urgency_floor_vnd"] == 0
    with pytest.raises(ValueError, match="urgency_floor_vnd"):
        EventRules(urgency_floor_vnd=-1)


def test_several_maturing_cds_make_one_event_for_the_earliest(maturity_bank: Database) -> None:
    events = scan_events(maturity_bank, D)

    cd = _one(events, "C_MULTI", "cd_maturity")
    assert cd["facts"]["account_id"] == "A_FIRST"
    assert cd["facts"]["maturity_on"] == "2025-11-01"
    assert cd["facts"]["accounts"] == 2
    assert cd["facts"]["total_vnd"] == 3_000_000_000
    assert cd["value_vnd"] == 2_000_000_000
    assert cd["rm_id"] == "RM2"
    loan = _one(events, "C_MULTI", "loan_maturity")
    assert loan["facts"]["account_id"] == "A_LOAN"
    assert loan["event_key"] == "loan_maturity:C_MULTI:A_LOAN:2025-11-05"


def test_event_keys_are_stable_across_nights(maturity_bank: Database) -> None:
    tonight = {(e["client_id"], e["kind"]): e for e in scan_events(maturity_bank, D)}
    tomorrow = {(e["client_id"], e["kind"]): e for e in scan_events(maturity_bank, D + dt.timedelta(days=1))}

    assert tomorrow[("C_MULTI", "cd_maturity")]["event_key"] == tonight[("C_MULTI", "cd_maturity")]["event_key"]
    assert tomorrow[("C_D30", "cd_maturity")]["event_key"] == tonight[("C_D30", "cd_maturity")]["event_key"]
    assert tomorrow[("C_D30", "cd_maturity")]["facts"]["days_left"] == 29
    assert ("C_ON_D", "cd_maturity") not in tomorrow  # matured yesterday
    assert ("C_D31", "cd_maturity") in tomorrow  # entered the window


# ----- large deposits ------------------------------------------------------------------------------------------------


@pytest.fixture
def deposit_bank(any_db: Database) -> Database:
    bank = BankBuilder()
    bank.transaction(bank.client("C_EXACT"), "2025-10-20T10:00:00+07:00", 1_000_000_000)
    bank.transaction(bank.client("C_UNDER"), "2025-10-20T10:00:00+07:00", 999_999_999)
    bank.transaction(bank.client("C_LATE_D7"), "2025-10-17T23:30:00+07:00", 5_000_000_000)
    bank.transaction(bank.client("C_EARLY_D6"), "2025-10-18T00:10:00+07:00", 5_000_000_000)
    # 17:10 UTC on the 17th (D-7 in UTC) is 00:10 on the 18th (D-6) in Ho Chi Minh City: inside.
    bank.transaction(bank.client("C_UTC_IN"), "2025-10-17T17:10:00+00:00", 2_000_000_000)
    # 17:30 UTC on D is 00:30 on D+1 locally: not posted yet on D.
    bank.transaction(bank.client("C_UTC_AFTER"), "2025-10-24T17:30:00+00:00", 2_000_000_000)
    bank.transaction(bank.client("C_ON_D_LATE"), "2025-10-24T23:59:00+07:00", 1_500_000_000)
    bank.transaction(bank.client("C_OUT"), "2025-10-22T10:00:00+07:00", 5_000_000_000, direction="out")
    multi = bank.client("C_MULTI_DEP")
    bank.transaction(multi, "2025-10-19T09:00:00+07:00", 1_200_000_000)
    bank.transaction(multi, "2025-10-21T09:00:00+07:00", 3_000_000_000, transaction_id="T_BIGGEST")
    bank.transaction(multi, "2025-10-10T09:00:00+07:00", 9_000_000_000)  # too old to count
    return _load(any_db, bank)


def test_large_deposit_threshold_and_local_date_window(deposit_bank: Database) -> None:
    events = scan_events(deposit_bank, D)

    assert _found(events, "large_deposit") == {"C_EXACT", "C_EARLY_D6", "C_UTC_IN", "C_ON_D_LATE", "C_MULTI_DEP"}
    utc = _one(events, "C_UTC_IN", "large_deposit")
    assert utc["facts"]["posted_on"] == "2025-10-18"
    assert utc["facts"]["days_ago"] == 6
    assert utc["urgency"] == "high"


def test_several_large_deposits_make_one_event_for_the_biggest(deposit_bank: Database) -> None:
    event_ = _one(scan_events(deposit_bank, D), "C_MULTI_DEP", "large_deposit")

    assert event_["value_vnd"] == 3_000_000_000
    assert event_["facts"]["transaction_id"] == "T_BIGGEST"
    assert event_["facts"]["deposits"] == 2
    assert event_["facts"]["posted_on"] == "2025-10-21"
    assert event_["event_key"] == "large_deposit:C_MULTI_DEP:T_BIGGEST"


def test_deposit_posted_just_after_midnight_counts_from_the_next_day(deposit_bank: Database) -> None:
    tomorrow = scan_events(deposit_bank, D + dt.timedelta(days=1))

    assert "C_UTC_AFTER" in _found(tomorrow, "large_deposit")
    assert _one(tomorrow, "C_UTC_AFTER", "large_deposit")["facts"]["posted_on"] == "2025-10-25"
    assert "C_UTC_IN" not in _found(tomorrow, "large_deposit")  # 18 October is D+1 - 7 now: outside


# ----- inactive ------------------------------------------------------------------------------------------------------


@pytest.fixture
def inactive_bank(any_db: Database) -> Database:
    bank = BankBuilder()
    bank.client("C_90", contacted="2025-07-26T00:05:00+07:00")  # D - 90 exactly
    bank.client("C_91", contacted="2025-07-25T23:50:00+07:00")  # D - 91
    bank.client("C_UTC_90", contacted="2025-07-25T17:30:00+00:00")  # 00:30 on 26 July locally: 90 days
    never_rich = bank.client("C_NEVER_RICH", contacted=None)
    bank.account(never_rich, "savings", 2_000_000_000)
    bank.account(never_rich, "loan", 9_000_000_000)  # a loan is not AUM
    bank.account(never_rich, "cd", 500_000_000, status="closed")  # nor a closed account
    bank.client("C_NEVER_POOR", contacted=None)
    old = bank.client("C_AFTER_D", contacted="2025-01-02T09:00:00+07:00")
    bank.interaction(old, "2025-10-26T09:00:00+07:00")  # after D: ignored on D
    bank.client("C_ONLY_AFTER", contacted="2025-10-25T08:00:00+07:00")
    bank.client("C_RECENT")
    return _load(any_db, bank)


def test_inactive_is_more_than_ninety_days_in_local_dates(inactive_bank: Database) -> None:
    events = scan_events(inactive_bank, D)

    assert _found(events, "inactive") == {"C_91", "C_NEVER_RICH", "C_NEVER_POOR", "C_AFTER_D", "C_ONLY_AFTER"}
    late = _one(events, "C_91", "inactive")
    assert late["facts"] == {
        "days_since_contact": 91,
        "last_contacted_on": "2025-07-25",
        "never_contacted": False,
        "aum_vnd": 0,
    }
    assert late["event_key"] == "inactive:C_91:2025-07-25"


def test_interactions_after_the_scan_date_are_ignored(inactive_bank: Database) -> None:
    events = scan_events(inactive_bank, D)

    assert _one(events, "C_AFTER_D", "inactive")["facts"]["last_contacted_on"] == "2025-01-02"
    only_after = _one(events, "C_ONLY_AFTER", "inactive")
    assert only_after["facts"]["never_contacted"] is True
    assert only_after["event_key"] == "inactive:C_ONLY_AFTER:never"
    assert "C_AFTER_D" not in _found(scan_events(inactive_bank, dt.date(2025, 10, 27)), "inactive")


def test_never_contacted_urgency_and_value_follow_aum(inactive_bank: Database) -> None:
    events = scan_events(inactive_bank, D)

    rich = _one(events, "C_NEVER_RICH", "inactive")
    assert rich["value_vnd"] == 2_000_000_000
    assert rich["facts"]["aum_vnd"] == 2_000_000_000
    assert rich["facts"]["days_since_contact"] is None
    assert rich["urgency"] == "medium"
    assert _one(events, "C_NEVER_POOR", "inactive")["urgency"] == "low"
    assert _one(events, "C_91", "inactive")["urgency"] == "medium"


# ----- birthdays and client existence --------------------------------------------------------------------------------


@pytest.fixture
def birthday_bank(any_db: Database) -> Database:
    bank = BankBuilder()
    bank.client("C_TODAY", born="1980-10-24")
    bank.client("C_LEAP", born="1992-02-29", onboarded="2015-01-01")
    bank.client("C_FEB28", born="1990-02-28", onboarded="2015-01-01")
    bank.client("C_OTHER", born="1980-10-25")
    # Not a client yet on D: every rule would fire, none may.
    future = bank.client("C_FUTURE", born="1985-10-24", onboarded="2025-10-25", contacted=None)
    bank.account(future, "cd", 5_000_000_000, maturity="2025-10-30")
    bank.transaction(future, "2025-10-24T09:00:00+07:00", 5_000_000_000)
    bank.client("C_NEW_ON_D", born="1985-10-24", onboarded="2025-10-24", contacted=None)
    return _load(any_db, bank)


def test_birthday_on_the_day_with_age(birthday_bank: Database) -> None:
    events = scan_events(birthday_bank, D)

    assert _found(events, "birthday") == {"C_TODAY", "C_NEW_ON_D"}
    today = _one(events, "C_TODAY", "birthday")
    assert today["facts"] == {"date": "2025-10-24", "days_until": 0, "age": 45}
    assert today["urgency"] == "high"
    assert today["value_vnd"] == 0
    assert today["event_key"] == "birthday:C_TODAY:2025"


@pytest.mark.parametrize(
    ("scan_date", "expected"),
    [
        (dt.date(2025, 2, 28), {"C_LEAP", "C_FEB28"}),  # common year: 29 February is kept on the 28th
        (dt.date(2025, 3, 1), set()),
        (dt.date(2024, 2, 28), {"C_FEB28"}),  # leap year: the 29th comes tomorrow
        (dt.date(2024, 2, 29), {"C_LEAP"}),
        (dt.date(2100, 2, 28), {"C_LEAP", "C_FEB28"}),  # 2100 is not a leap year
    ],
)
def test_birthday_on_29_february(birthday_bank: Database, scan_date: dt.date, expected: set[str]) -> None:
    assert _found(scan_events(birthday_bank, scan_date), "birthday") == expected


def test_client_onboarded_after_the_scan_date_has_no_event(birthday_bank: Database) -> None:
    events = scan_events(birthday_bank, D)

    assert not [e for e in events if e["client_id"] == "C_FUTURE"]
    assert {e["kind"] for e in events if e["client_id"] == "C_NEW_ON_D"} == {"birthday", "inactive"}
    assert {
        e["kind"] for e in scan_events(birthday_bank, D + dt.timedelta(days=1)) if e["client_id"] == "C_FUTURE"
    } == {
        "cd_maturity",
        "large_deposit",
        "inactive",
    }


# ----- the whole scan ------------------------------------------------------------------------------------------------


@pytest.fixture
def mixed_bank(any_db: Database) -> Database:
    bank = BankBuilder()
    busy = bank.client("C_BUSY", born="1975-10-24", contacted="2025-03-01T09:00:00+07:00")
    bank.account(busy, "cd", 1_000_000_000, maturity="2025-10-30")
    bank.account(busy, "cd", 1_000_000_000, maturity="2025-10-30")
    bank.account(busy, "loan", 2_000_000_000, maturity="2025-11-20")
    bank.account(busy, "savings", 3_000_000_000)
    bank.transaction(busy, "2025-10-22T09:00:00+07:00", 1_100_000_000)
    bank.transaction(busy, "2025-10-23T09:00:00+07:00", 1_100_000_000)
    other = bank.client("C_RM2", rm="RM2", born="1988-10-24")
    bank.account(other, "cd", 8_000_000_000, maturity="2025-11-20")
    bank.client("C_RM2_QUIET", rm="RM2", contacted=None)
    bank.client("C_RM1_QUIET", contacted=None)
    return _load(any_db, bank)


def test_one_event_per_client_and_kind_with_the_shared_fact_keys(mixed_bank: Database) -> None:
    events = scan_events(mixed_bank, D)

    pairs = [(e["client_id"], e["kind"]) for e in events]
    assert len(pairs) == len(set(pairs))
    assert {e["kind"] for e in events if e["client_id"] == "C_BUSY"} == set(EVENT_KINDS)
    maturity = {"account_id", "product_code", "product_name", "amount_vnd", "maturity_on", "days_left", "rate_pct"}
    fact_keys = {
        "birthday": {"date", "days_until", "age"},
        "cd_maturity": maturity | {"accounts", "total_vnd"},
        "loan_maturity": maturity | {"accounts", "total_vnd"},
        "large_deposit": {
            "transaction_id",
            "amount_vnd",
            "posted_on",
            "days_ago",
            "category",
            "counterparty",
            "deposits",
        },
        "inactive": {"days_since_contact", "last_contacted_on", "never_contacted", "aum_vnd"},
    }
    for found in events:
        assert set(found["facts"]) == fact_keys[found["kind"]], found
        assert found["scan_date"] == "2025-10-24"
    busy_inactive = _one(events, "C_BUSY", "inactive")
    # AUM: savings + the two CDs + the current account the deposits landed on; not the loan.
    assert busy_inactive["value_vnd"] == 3_000_000_000 + 2_000_000_000 + 10_000_000


def test_events_are_ordered_by_rm_urgency_and_value(mixed_bank: Database) -> None:
    events = scan_events(mixed_bank, D)

    rank = {"high": 0, "medium": 1, "low": 2}
    keys = [(e["rm_id"], rank[e["urgency"]], -e["value_vnd"], e["client_id"], e["kind"]) for e in events]
    assert keys == sorted(keys)
    assert events[0]["rm_id"] == "RM1"
    assert events[-1]["rm_id"] == "RM2"


def test_rm_scope_sees_only_that_rms_clients(mixed_bank: Database) -> None:
    everyone = scan_events(mixed_bank, D)
    rm2 = scan_events(mixed_bank, D, rm_id="RM2")

    assert {e["client_id"] for e in rm2} == {"C_RM2", "C_RM2_QUIET"}
    assert rm2 == [e for e in everyone if e["rm_id"] == "RM2"]
    with pytest.raises(LookupError, match="RM9"):
        scan_events(mixed_bank, D, rm_id="RM9")


def test_scan_is_a_handful_of_statements_whatever_the_number_of_clients(mixed_bank: Database) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(mixed_bank.engine, "before_cursor_execute", record)
    try:
        scan_events(mixed_bank, D)
    finally:
        event.remove(mixed_bank.engine, "before_cursor_execute", record)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 4


def test_a_scan_date_must_be_a_date(mixed_bank: Database) -> None:
    with pytest.raises(TypeError, match="scan_date"):
        scan_events(mixed_bank, dt.datetime(2025, 10, 24, 9, 0))


# ----- rules ---------------------------------------------------------------------------------------------------------


def test_changed_rules_take_effect(mixed_bank: Database) -> None:
    week = EventRules(maturity_window_days=7)
    assert _found(scan_events(mixed_bank, D, rules=week), "cd_maturity") == {"C_BUSY"}  # the 20 Nov CD drops out
    assert _found(scan_events(mixed_bank, D, rules=week), "loan_maturity") == set()

    only = EventRules.from_mapping({"kinds": ["birthday", "loan_maturity"]})
    assert {e["kind"] for e in scan_events(mixed_bank, D, rules=only)} == {"birthday", "loan_maturity"}

    stricter = EventRules(large_deposit_min_vnd=1_200_000_000, inactive_days=300)
    found = scan_events(mixed_bank, D, rules=stricter)
    assert _found(found, "large_deposit") == set()
    assert _found(found, "inactive") == {"C_RM2_QUIET", "C_RM1_QUIET"}  # C_BUSY was seen 237 days ago

    one_day = EventRules(large_deposit_window_days=1)
    assert _found(scan_events(mixed_bank, D, rules=one_day), "large_deposit") == set()
    two_days = EventRules(large_deposit_window_days=2)
    assert _one(scan_events(mixed_bank, D, rules=two_days), "C_BUSY", "large_deposit")["facts"]["deposits"] == 1

    assert scan_events(mixed_bank, D, rules=EventRules(kinds=())) == []


def test_rules_round_trip_through_a_mapping() -> None:
    rules = EventRules(kinds=("inactive", "birthday"), maturity_window_days=7, inactive_days=60)

    assert EventRules.from_mapping(rules.to_dict()) == rules
    assert EventRules.from_mapping({}) == EventRules()
    assert EventRules().to_dict()["kinds"] == list(EVENT_KINDS)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"maturity_days": 7}, "maturity_days"),
        ({"kinds": ["birthday", "anniversary"]}, "anniversary"),
        ({"kinds": "birthday"}, "kinds"),
        ({"kinds": ["inactive", "inactive"]}, "twice"),
        ({"inactive_days": -1}, "inactive_days"),
        ({"maturity_window_days": -3}, "maturity_window_days"),
        ({"large_deposit_min_vnd": -1}, "large_deposit_min_vnd"),
        ({"large_deposit_window_days": 0}, "large_deposit_window_days"),
        ({"inactive_days": "90"}, "inactive_days"),
        ({"inactive_days": True}, "inactive_days"),
    ],
)
def test_bad_rules_are_refused_by_name(data: dict[str, Any], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        EventRules.from_mapping(data)


# ----- client cards --------------------------------------------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(events_module, "CARD_CHUNK", 2)
    yield


def test_client_cards_read_in_chunks(mixed_bank: Database, small_chunks: None) -> None:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(mixed_bank.engine, "before_cursor_execute", record)
    try:
        cards = client_cards(mixed_bank, ["C_BUSY", "C_RM2", "C_RM2_QUIET", "C_RM1_QUIET", "C_NOBODY"])
    finally:
        event.remove(mixed_bank.engine, "before_cursor_execute", record)

    assert set(cards) == {"C_BUSY", "C_RM2", "C_RM2_QUIET", "C_RM1_QUIET"}
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 3  # 5 ids, 2 a chunk
    card = cards["C_RM2"]
    assert card["rm_id"] == "RM2"
    assert card["rm_name"] == "Tran Minh Duc"
    assert card["date_of_birth"] == "1988-10-24"
    assert card["city"] == "Hà Nội"
    assert set(card) == {
        "id", "rm_id", "full_name", "honorific", "date_of_birth", "email", "phone", "segment", "risk_profile",
        "preferred_channel", "language", "occupation", "city", "rm_name",
    }  # fmt: skip
    assert client_cards(mixed_bank, []) == {}
    with pytest.raises(TypeError):
        client_cards(mixed_bank, "C_BUSY")


def test_signs_of_leaving_are_an_event_kind_a_run_may_ask_for(bank_db: Database) -> None:
    from sqlalchemy import insert

    from stores.schema import Transaction

    with bank_db.engine.begin() as connection:  # Mr Minh sends most of his money to another bank
        connection.execute(insert(Transaction).values(
            id="T-OUT", account_id="A0003", client_id="C0003", posted_at=dt.datetime(2025, 10, 20, 10, 0),
            amount_vnd=2_400_000_000, direction="out", channel="transfer", category="transfer_external",
            counterparty="NGUYEN VAN MINH - VIETCOMBANK"))  # fmt: skip
    default = scan_events(bank_db, dt.date(2025, 10, 24))
    assert "attrition_risk" not in {event["kind"] for event in default}  # opt-in: the default night is unchanged
    asked = scan_events(bank_db, dt.date(2025, 10, 24), rules=EventRules(kinds=("attrition_risk",)))
    minh = next(event for event in asked if event["client_id"] == "C0003")
    assert {event["kind"] for event in asked} == {"attrition_risk"} and minh["urgency"] == "high"
    assert minh["event_key"] == "attrition_risk:C0003:2025-10" and minh["facts"]["signs"][0]["kind"] == "money_out"
    mine = scan_events(bank_db, dt.date(2025, 10, 24), rm_id="RM002", rules=EventRules(kinds=("attrition_risk",)))
    assert all(event["rm_id"] == "RM002" for event in mine) and "C0003" not in {e["client_id"] for e in mine}
