"""The fixture loader: exactly the fixture's rows, or a precise error and nothing written."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from stores.db import Database
from stores.fixtures import (
    FixtureError,
    StoreNotEmptyError,
    dump_bank,
    load_fixture,
    parse_fixture,
    read_fixture_file,
)
from stores.schema import CRM_TABLES, crm_table


def _counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(crm_table(name))).scalar_one()
            for name in CRM_TABLES
        }


def _canonical(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Typed rows keyed by primary key: datetimes compare as instants, whatever offset they were written in."""
    fixture = parse_fixture(data)
    canonical: dict[str, list[dict[str, Any]]] = {}
    for name, rows in fixture.rows.items():
        key_columns = [column.name for column in crm_table(name).primary_key.columns]
        normalized = []
        for row in rows:
            normalized.append(
                {
                    key: value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else value
                    for key, value in row.items()
                }
            )
        canonical[name] = sorted(normalized, key=lambda row: tuple(row[column] for column in key_columns))
    return canonical


def test_load_gives_exactly_the_fixture_rows(any_db: Database, small_bank: dict[str, Any]) -> None:
    load_fixture(any_db, small_bank)
    dumped = dump_bank(any_db)
    assert dumped["today"] == small_bank["today"]
    assert _canonical(dumped) == _canonical(small_bank)
    assert _counts(any_db) == {name: len(small_bank.get(name, [])) for name in CRM_TABLES}


def test_datetimes_are_kept_in_bank_time(any_db: Database, small_bank: dict[str, Any]) -> None:
    # 18:30 UTC on the 23rd is 01:30 on the 24th in Ho Chi Minh City: SQL must see the local date.
    small_bank["transactions"][2]["posted_at"] = "2025-10-23T18:30:00Z"
    load_fixture(any_db, small_bank)
    transactions = {row["id"]: row for row in dump_bank(any_db)["transactions"]}
    assert transactions["T0003"]["posted_at"] == "2025-10-24T01:30:00+07:00"
    table = crm_table("transactions")
    with any_db.engine.connect() as connection:
        local_date = connection.execute(select(func.date(table.c.posted_at)).where(table.c.id == "T0003")).scalar_one()
    assert str(local_date) == "2025-10-24"


def test_a_minimal_fixture_loads_without_optional_tables(sqlite_db: Database) -> None:
    minimal = {
        "today": "2025-10-24",
        "rms": [{"id": "RM9", "full_name": "A", "email": "a@b.c", "branch": "X", "language": "en"}],
        "clients": [
            {
                "id": "C9",
                "rm_id": "RM9",
                "full_name": "Pham Van Son",
                "honorific": "Mr",
                "date_of_birth": "1980-03-02",
                "phone": "0823912039",
                "segment": "Diamond",
                "risk_profile": "balanced",
                "preferred_channel": "email",
                "language": "en",
                "onboarded_on": "2019-05-01",
            }
        ],
        # The crm-schema example: an account of a product the fixture's catalog does not list.
        "accounts": [
            {
                "id": "A1",
                "client_id": "C9",
                "product_code": "CD_12M",
                "kind": "cd",
                "balance_vnd": 1500000000,
                "opened_on": "2024-11-05",
                "maturity_on": "2025-11-05",
                "rate_pct": 5.2,
                "status": "active",
            }
        ],
    }
    load_fixture(sqlite_db, minimal)
    counts = _counts(sqlite_db)
    assert counts["clients"] == 1 and counts["accounts"] == 1 and counts["products"] == 0
    assert sum(counts.values()) == 3


def test_refuses_a_store_with_bank_data_unless_replace(any_db: Database, small_bank: dict[str, Any]) -> None:
    load_fixture(any_db, small_bank)
    smaller = {key: value for key, value in small_bank.items() if key in ("today", "rms")}
    with pytest.raises(StoreNotEmptyError, match="--replace"):
        load_fixture(any_db, smaller)
    assert _counts(any_db)["clients"] == len(small_bank["clients"])

    load_fixture(any_db, smaller, replace=True)
    counts = _counts(any_db)
    assert counts["rms"] == len(small_bank["rms"])
    assert sum(counts.values()) == len(small_bank["rms"])


def _break(data: dict[str, Any], table: str, index: int, column: str, value: Any) -> dict[str, Any]:
    data[table][index][column] = value
    return data


BAD_FIXTURES = [
    # (id, mutation, expected (table, row, column), message fragment)
    ("unknown table", lambda d: d.update(customers=[]), ("customers", None, None), "unknown table"),
    ("missing required", lambda d: d["accounts"][2].pop("balance_vnd"), ("accounts", 2, "balance_vnd"), "required"),
    ("string for integer", lambda d: _break(d, "accounts", 0, "balance_vnd", "1500000000"), ("accounts", 0, "balance_vnd"), "integer"),
    ("float for integer", lambda d: _break(d, "accounts", 0, "balance_vnd", 1.5), ("accounts", 0, "balance_vnd"), "integer"),
    ("bool for integer", lambda d: _break(d, "digital_activity", 0, "logins", True), ("digital_activity", 0, "logins"), "integer"),
    ("bad date", lambda d: _break(d, "clients", 0, "date_of_birth", "02/03/1980"), ("clients", 0, "date_of_birth"), "YYYY-MM-DD"),
    ("impossible date", lambda d: _break(d, "clients", 0, "onboarded_on", "2019-02-30"), ("clients", 0, "onboarded_on"), "calendar"),
    ("bad datetime", lambda d: _break(d, "transactions", 1, "posted_at", "yesterday"), ("transactions", 1, "posted_at"), "ISO 8601"),
    ("string for bool", lambda d: _break(d, "products", 0, "active", "yes"), ("products", 0, "active"), "true or false"),
    ("bad enum", lambda d: _break(d, "clients", 2, "segment", "Silver"), ("clients", 2, "segment"), "Diamond"),
    ("bad phone", lambda d: _break(d, "clients", 0, "phone", "+84823912039"), ("clients", 0, "phone"), "10 digits"),
    ("bad period", lambda d: _break(d, "targets", 0, "period", "Q4-2025"), ("targets", 0, "period"), "quarter"),
    ("non-positive amount", lambda d: _break(d, "transactions", 0, "amount_vnd", -5), ("transactions", 0, "amount_vnd"), "positive"),
    ("dangling client", lambda d: _break(d, "accounts", 3, "client_id", "C9999"), ("accounts", 3, "client_id"), "dangling"),
    ("dangling rm", lambda d: _break(d, "clients", 4, "rm_id", "RM404"), ("clients", 4, "rm_id"), "dangling"),
    ("dangling account", lambda d: _break(d, "transactions", 2, "account_id", "A404"), ("transactions", 2, "account_id"), "dangling"),
    ("dangling interaction", lambda d: _break(d, "tasks", 0, "interaction_id", "I404"), ("tasks", 0, "interaction_id"), "dangling"),
    ("duplicate id", lambda d: _break(d, "clients", 1, "id", "C0001"), ("clients", 1, "id"), "duplicate"),
    ("duplicate composite key", lambda d: _break(d, "digital_activity", 1, "week_start", "2025-10-13"), ("digital_activity", 1, "client_id, week_start"), "duplicate"),
    ("duplicate phone", lambda d: _break(d, "clients", 3, "phone", "0823912039"), ("clients", 3, "phone"), "duplicate"),
    ("transaction on someone else's account", lambda d: _break(d, "transactions", 0, "client_id", "C0002"), ("transactions", 0, "client_id"), "belongs to"),
    ("rows not a list", lambda d: d.update(complaints={"id": "x"}), ("complaints", None, None), "list"),
    ("row not an object", lambda d: d["tasks"].append(["K9"]), ("tasks", 2, None), "object"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "where", "fragment"), [case[1:] for case in BAD_FIXTURES], ids=[case[0] for case in BAD_FIXTURES]
)
def test_bad_fixture_is_named_and_nothing_is_loaded(
    any_db: Database, small_bank: dict[str, Any], mutate: Any, where: tuple[str, int | None, str | None], fragment: str
) -> None:
    mutate(small_bank)
    with pytest.raises(FixtureError) as raised:
        load_fixture(any_db, small_bank)
    table, row, column = where
    matching = [
        problem
        for problem in raised.value.problems
        if problem.table == table and problem.row == row and problem.column == column
    ]
    assert matching, f"no problem reported at {where}: {raised.value}"
    assert fragment in matching[0].message
    assert sum(_counts(any_db).values()) == 0


def test_every_problem_is_reported_at_once(small_bank: dict[str, Any]) -> None:
    small_bank["clients"][0]["segment"] = "Silver"
    small_bank["accounts"][0]["balance_vnd"] = "lots"
    small_bank["tasks"][0]["kind"] = "lunch"
    with pytest.raises(FixtureError) as raised:
        parse_fixture(small_bank)
    assert {(p.table, p.column) for p in raised.value.problems} == {
        ("clients", "segment"),
        ("accounts", "balance_vnd"),
        ("tasks", "kind"),
    }
    message = str(raised.value)
    assert "clients[0] (id 'C0001').segment" in message


def test_a_database_failure_mid_load_leaves_nothing(
    any_db: Database, small_bank: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import stores.fixtures as fixtures

    real_insert = fixtures.insert_rows

    def failing_insert(connection: Any, table_name: str, rows: list[dict[str, Any]]) -> None:
        if table_name == "interactions":
            raise RuntimeError("disk full")
        real_insert(connection, table_name, rows)

    monkeypatch.setattr(fixtures, "insert_rows", failing_insert)
    with pytest.raises(RuntimeError, match="disk full"):
        load_fixture(any_db, small_bank)
    assert sum(_counts(any_db).values()) == 0


def test_unreadable_files_get_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"rms": [', encoding="utf-8")
    with pytest.raises(FixtureError, match="not valid JSON"):
        read_fixture_file(broken)
    with pytest.raises(FixtureError, match="no such file"):
        read_fixture_file(tmp_path / "missing.json")
    with pytest.raises(FixtureError, match="one JSON object"):
        parse_fixture(json.loads("[1, 2]"))


def test_an_extra_column_is_allowed_and_named_not_stored(small_bank: dict[str, Any]) -> None:
    # crm-schema.md: "Extra columns are allowed" (a bank's export may carry more than the model).
    data = copy.deepcopy(small_bank)
    data["clients"][1]["nickname"] = "Minh"
    data["complaints"] = [dict(row, resolved_on="2025-10-01") for row in data.get("complaints", [])]
    fixture = parse_fixture(data)
    assert fixture.extra_columns["clients"] == ["nickname"]
    assert all("nickname" not in row for row in fixture.rows["clients"])
    if data["complaints"]:
        assert fixture.extra_columns["complaints"] == ["resolved_on"]


def _planner_statistics(database: Database) -> set[str]:
    """The bank tables the planner holds statistics for."""
    with database.engine.connect() as connection:
        if database.dialect == "sqlite":
            rows = connection.execute(text("SELECT DISTINCT tbl FROM sqlite_stat1")).scalars()
        else:
            rows = connection.execute(
                text(
                    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"
                )
            ).scalars()
        return {str(name) for name in rows}


def test_a_load_leaves_the_planner_statistics_fresh(any_db: Database, small_bank: dict[str, Any]) -> None:
    """Without them SQLite joins the guard's RM-scoped subqueries by scanning both sides (25x slower)."""
    load_fixture(any_db, small_bank)
    assert {"clients", "accounts", "transactions"} <= _planner_statistics(any_db)
