"""Load a fixture (the JSON form of ``crm-schema.md``) into a store, exactly.

Everything is checked before anything is written, and the write is one
transaction: a bad fixture leaves the store as it was. Every problem is
reported with its table, row and column.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    Enum,
    Float,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    select,
)

from stores.app_tables import REFERENCE_DATE_KEY, Meta, WriteLog
from stores.db import Database
from stores.drafts import Draft, NightlyRun, OutboxMessage
from stores.personalization import RmRule, ToneProfileVersion
from stores.schema import CRM_TABLES, PERIOD_PATTERN, PHONE_PATTERN, BankDateTime, crm_table, table_of

MAX_REPORTED_PROBLEMS = 50
INSERT_CHUNK = 5_000

# Column formats beyond the SQL type, from the conventions of crm-schema.md.
_PATTERNS: dict[tuple[str, str], tuple[re.Pattern[str], str]] = {
    ("clients", "phone"): (re.compile(PHONE_PATTERN), "10 digits starting with 0, e.g. 0823912039"),
    ("targets", "period"): (re.compile(PERIOD_PATTERN), "a quarter like 2025-Q3 or a month like 2025-10"),
}
_POSITIVE: set[tuple[str, str]] = {("transactions", "amount_vnd")}
_NON_NEGATIVE: set[tuple[str, str]] = {
    ("accounts", "balance_vnd"),
    ("products", "min_amount_vnd"),
    ("interactions", "amount_vnd"),
    ("digital_activity", "logins"),
    ("targets", "target_value"),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FixtureProblem:
    table: str
    row: int | None
    column: str | None
    message: str
    row_key: str | None = None

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f"[{self.row}]"
            if self.row_key:
                where += f" ({self.row_key})"
        if self.column:
            where += f".{self.column}"
        return f"{where}: {self.message}"


class FixtureError(ValueError):
    """A fixture that cannot be loaded; ``problems`` says where and why."""

    def __init__(self, problems: list[FixtureProblem]):
        self.problems = problems
        shown = "\n".join(f"  - {problem}" for problem in problems[:MAX_REPORTED_PROBLEMS])
        more = len(problems) - MAX_REPORTED_PROBLEMS
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"the fixture has {len(problems)} problem(s):\n{shown}{tail}")


class StoreNotEmptyError(RuntimeError):
    """Loading into a store that already holds bank data, without ``replace``."""


@dataclass
class Fixture:
    """A validated fixture: typed Python rows per table, in insert order."""

    today: dt.date | None
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Columns beyond the bank's model, per table (allowed by the contract, not stored).
    extra_columns: dict[str, list[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(self.rows.get(name, [])) for name in CRM_TABLES}


def read_fixture_file(path: str | Path) -> Any:
    """The JSON of a fixture file; a clear error when it is not JSON."""
    file = Path(path)
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise FixtureError([FixtureProblem("(file)", None, None, f"no such file: {file}")]) from error
    except json.JSONDecodeError as error:
        message = f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        raise FixtureError([FixtureProblem("(file)", None, None, message)]) from error


def _convert(table: str, column: Any, value: Any) -> tuple[Any, str | None]:
    """The Python value for a JSON value, or an error message."""
    kind = column.type
    name = column.name
    if isinstance(kind, Enum):
        if not isinstance(value, str) or value not in kind.enums:
            return None, f"expected one of {', '.join(kind.enums)}, got {value!r}"
        return value, None
    if isinstance(kind, BankDateTime):
        if not isinstance(value, str):
            return None, f"expected an ISO 8601 datetime string, got {type(value).__name__} {value!r}"
        try:
            return dt.datetime.fromisoformat(value), None
        except ValueError:
            return None, f"expected an ISO 8601 datetime like 2025-10-24T09:30:00+07:00, got {value!r}"
    if isinstance(kind, Date):
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            return None, f"expected an ISO date YYYY-MM-DD, got {value!r}"
        try:
            return dt.date.fromisoformat(value), None
        except ValueError:
            return None, f"not a calendar date: {value!r}"
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            return None, f"expected true or false, got {value!r}"
        return value, None
    if isinstance(kind, (BigInteger, Integer)):
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"expected an integer, got {type(value).__name__} {value!r}"
        if (table, name) in _POSITIVE and value <= 0:
            return None, f"must be positive, got {value}"
        if (table, name) in _NON_NEGATIVE and value < 0:
            return None, f"must not be negative, got {value}"
        return value, None
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"expected a number, got {type(value).__name__} {value!r}"
        return float(value), None
    if isinstance(kind, (String, Text)):
        if not isinstance(value, str):
            return None, f"expected a string, got {type(value).__name__} {value!r}"
        pattern = _PATTERNS.get((table, name))
        if pattern is not None and not pattern[0].match(value):
            return None, f"expected {pattern[1]}, got {value!r}"
        if isinstance(kind, String) and kind.length is not None and len(value) > kind.length:
            return None, f"longer than {kind.length} characters"
        return value, None
    raise TypeError(f"no fixture conversion for {table}.{name} of type {kind!r}")  # a schema bug, not bad input


def _key_of(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(row.get(column.name) for column in table.primary_key.columns)


def _describe_key(table: Table, row: Mapping[str, Any]) -> str | None:
    parts = [f"{column.name} {row.get(column.name)!r}" for column in table.primary_key.columns]
    return ", ".join(parts) if parts else None


def parse_fixture(data: Any) -> Fixture:
    """Validate a fixture's JSON and convert it to typed rows, or raise ``FixtureError``."""
    problems: list[FixtureProblem] = []
    if not isinstance(data, dict):
        raise FixtureError([FixtureProblem("(fixture)", None, None, "a fixture is one JSON object")])

    today: dt.date | None = None
    if "today" in data:
        raw_today = data["today"]
        try:
            if not isinstance(raw_today, str) or not _ISO_DATE.match(raw_today):
                raise ValueError
            today = dt.date.fromisoformat(raw_today)
        except ValueError:
            problems.append(FixtureProblem("today", None, None, f"expected YYYY-MM-DD, got {raw_today!r}"))

    for key in data:
        if key != "today" and key not in CRM_TABLES:
            problems.append(FixtureProblem(str(key), None, None, f"unknown table (known: {', '.join(CRM_TABLES)})"))

    fixture = Fixture(today=today)
    for name in CRM_TABLES:
        raw_rows = data.get(name, [])
        if not isinstance(raw_rows, list):
            problems.append(FixtureProblem(name, None, None, "expected a list of row objects"))
            continue
        table = crm_table(name)
        columns = {column.name: column for column in table.columns}
        seen_keys: dict[tuple[Any, ...], int] = {}
        seen_unique: dict[str, dict[Any, int]] = {column.name: {} for column in table.columns if column.unique}
        typed_rows: list[dict[str, Any]] = []
        for index, raw in enumerate(raw_rows):
            if not isinstance(raw, dict):
                problems.append(FixtureProblem(name, index, None, "expected a JSON object"))
                continue
            row_key = _describe_key(table, raw)
            typed: dict[str, Any] = {}
            for column_name in raw:
                if column_name not in columns and column_name not in fixture.extra_columns.setdefault(name, []):
                    # crm-schema.md: "Extra columns are allowed". Not stored (the bank's model has no place for
                    # them), and said once per table so a misspelt column does not pass unnoticed.
                    fixture.extra_columns[name].append(str(column_name))
            for column in table.columns:
                value = raw.get(column.name)
                if value is None:
                    if not column.nullable:
                        problems.append(FixtureProblem(name, index, column.name, "required column is missing", row_key))
                    typed[column.name] = None
                    continue
                converted, error = _convert(name, column, value)
                if error:
                    problems.append(FixtureProblem(name, index, column.name, error, row_key))
                typed[column.name] = converted
            key = _key_of(table, typed)
            if None not in key:
                if key in seen_keys:
                    problems.append(
                        FixtureProblem(
                            name,
                            index,
                            ", ".join(c.name for c in table.primary_key.columns),
                            f"duplicate id: the same key as row {seen_keys[key]}",
                            row_key,
                        )
                    )
                else:
                    seen_keys[key] = index
            for column_name, seen in seen_unique.items():
                value = typed.get(column_name)
                if value is None:
                    continue
                if value in seen:
                    problems.append(
                        FixtureProblem(
                            name, index, column_name, f"duplicate value {value!r}: also in row {seen[value]}", row_key
                        )
                    )
                else:
                    seen[value] = index
            typed_rows.append(typed)
        fixture.rows[name] = typed_rows

    problems.extend(_reference_problems(fixture))
    if problems:
        raise FixtureError(problems)
    return fixture


def _reference_problems(fixture: Fixture) -> Iterable[FixtureProblem]:
    """Dangling foreign keys, and rows that contradict the rows they point at."""
    index_by_table: dict[str, dict[Any, dict[str, Any]]] = {}
    for name in CRM_TABLES:
        table = crm_table(name)
        pk = list(table.primary_key.columns)
        if len(pk) == 1:
            index_by_table[name] = {row[pk[0].name]: row for row in fixture.rows.get(name, [])}

    for name in CRM_TABLES:
        table = crm_table(name)
        for index, row in enumerate(fixture.rows.get(name, [])):
            row_key = _describe_key(table, row)
            for foreign_key in table.foreign_keys:
                column = foreign_key.parent.name
                value = row.get(column)
                if value is None:
                    continue
                target = foreign_key.column.table.name
                if value not in index_by_table.get(target, {}):
                    yield FixtureProblem(
                        name, index, column, f"dangling reference: no {target} row with id {value!r}", row_key
                    )
    accounts = index_by_table["accounts"]
    for index, row in enumerate(fixture.rows.get("transactions", [])):
        account = accounts.get(row.get("account_id"))
        if account is not None and account["client_id"] != row.get("client_id"):
            yield FixtureProblem(
                "transactions",
                index,
                "client_id",
                f"account {row['account_id']!r} belongs to {account['client_id']!r}, not {row['client_id']!r}",
                f"id {row.get('id')!r}",
            )
    interactions = index_by_table["interactions"]
    for index, row in enumerate(fixture.rows.get("tasks", [])):
        interaction = interactions.get(row.get("interaction_id"))
        if interaction is not None and interaction["client_id"] != row.get("client_id"):
            yield FixtureProblem(
                "tasks",
                index,
                "interaction_id",
                f"interaction {row['interaction_id']!r} is about {interaction['client_id']!r}, "
                f"not {row['client_id']!r}",
                f"id {row.get('id')!r}",
            )


def clear_bank(connection: Connection) -> None:
    """Delete every CRM row (children first) and what Agentify kept about them (write log, drafts, tones)."""
    connection.execute(delete(table_of(WriteLog)))
    for model in (Draft, OutboxMessage, NightlyRun, ToneProfileVersion, RmRule):
        connection.execute(delete(table_of(model)))
    connection.execute(delete(table_of(Meta)).where(Meta.key == REFERENCE_DATE_KEY))
    for name in reversed(CRM_TABLES):
        connection.execute(delete(crm_table(name)))


def store_holds_bank_data(connection: Connection) -> bool:
    return any(
        connection.execute(select(func.count()).select_from(crm_table(name))).scalar_one() for name in CRM_TABLES
    )


def insert_rows(connection: Connection, table_name: str, rows: list[dict[str, Any]]) -> None:
    """Bulk insert typed rows in chunks (fast on SQLite and PostgreSQL alike)."""
    table = crm_table(table_name)
    for start in range(0, len(rows), INSERT_CHUNK):
        connection.execute(table.insert(), rows[start : start + INSERT_CHUNK])


def load_fixture(database: Database, data: Any, *, replace: bool = False) -> Fixture:
    """Validate ``data`` and load exactly its rows, in one transaction.

    Raises ``FixtureError`` for a bad fixture and ``StoreNotEmptyError`` when
    the store already holds bank data and ``replace`` is false.
    """
    fixture = parse_fixture(data)
    for table, extra in fixture.extra_columns.items():
        if extra:
            logger.warning("fixture %s: columns not in the bank's model, not stored: %s", table, ", ".join(extra))
    database.create_schema()
    with database.engine.begin() as connection:
        if store_holds_bank_data(connection):
            if not replace:
                raise StoreNotEmptyError(
                    "the store already holds bank data; pass --replace to delete it and load this fixture"
                )
            clear_bank(connection)
        for name in CRM_TABLES:
            insert_rows(connection, name, fixture.rows.get(name, []))
        if fixture.today is not None:
            set_reference_date(connection, fixture.today)
    database.refresh_statistics()
    return fixture


def set_reference_date(connection: Connection, today: dt.date) -> None:
    """Remember the date the loaded bank was written for (the app's default "today")."""
    table = table_of(Meta)
    connection.execute(delete(table).where(table.c.key == REFERENCE_DATE_KEY))
    connection.execute(table.insert().values(key=REFERENCE_DATE_KEY, value=today.isoformat()))


def reference_date(connection: Connection) -> dt.date | None:
    table = table_of(Meta)
    value = connection.execute(select(table.c.value).where(table.c.key == REFERENCE_DATE_KEY)).scalar()
    return dt.date.fromisoformat(value) if value else None


def _to_json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dump_bank(database: Database) -> dict[str, Any]:
    """The store's bank data in fixture form (optional columns left out when NULL)."""
    result: dict[str, Any] = {}
    with database.engine.connect() as connection:
        today = reference_date(connection)
        if today is not None:
            result["today"] = today.isoformat()
        for name in CRM_TABLES:
            table = crm_table(name)
            order = list(table.primary_key.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            result[name] = [
                {key: _to_json_value(value) for key, value in row._mapping.items() if value is not None} for row in rows
            ]
    return result
