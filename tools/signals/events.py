"""The nightly event scan: every client event of one bank-local date, in a handful of bulk SQL statements.

``tools.signals.triggers`` looks at one client at a time (next best action); the nightly catch-up agent must
look at the whole bank (100,000 clients) in seconds, so each rule here is ONE SQLAlchemy Core
statement over all clients in scope (bank-wide or one RM), the same on SQLite and PostgreSQL.
The rules and the fact keys follow ``tools.signals.triggers`` so that a nightly draft and a next-best-action
draft read the same facts.

Local dates: ``BankDateTime`` stores local wall time on SQLite and ``timestamptz`` on PostgreSQL.
Rather than calling a dialect's date function on the column, every datetime rule compares the column
with an aware bank-local midnight bound; the type's own bind processing turns it into the stored form
on each backend, and the comparison stays index-friendly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Connection, and_, extract, func, literal, or_, select

from stores.db import Database
from stores.schema import Account, Client, Interaction, Product, Rm, Transaction, table_of
from stores.settings import BANK_TIMEZONE
from tools.core.dates import bank_date
from tools.core.encoding import to_json
from tools.core.text import normalize_texts
from tools.signals import attrition
from tools.signals.features import read_features
from tools.signals.thresholds import (
    AUM_KINDS,
    INACTIVE_DAYS,
    LARGE_DEPOSIT_MIN_VND,
    LARGE_DEPOSIT_WINDOW_DAYS,
    MATURITY_EVENT_KINDS,
    MATURITY_WINDOW_DAYS,
    URGENCY_FLOOR_VND,
)
from tools.signals.urgency import URGENCY_RANK, Urgency, money_urgency

__all__ = [
    "EVENT_KINDS",
    "ClientEvent",
    "EventRules",
    "client_cards",
    "scan_events",
]

logger = logging.getLogger(__name__)

EVENT_KINDS = ("birthday", "cd_maturity", "loan_maturity", "large_deposit", "inactive")
#: Kinds a run may ask for beyond the defaults: signs of leaving (``tools.signals.attrition``), read per RM; the
#: client's top recommendation as an offer (``tools.inbox.offers``, capped per client per month by policy).
OPTIONAL_KINDS = ("attrition_risk", "offer")

#: Client ids per ``IN (...)`` list in ``client_cards``.
CARD_CHUNK = 500

_CARD_COLUMNS = (
    "id",
    "rm_id",
    "full_name",
    "honorific",
    "date_of_birth",
    "email",
    "phone",
    "segment",
    "risk_profile",
    "preferred_channel",
    "language",
    "occupation",
    "city",
)


@dataclass(frozen=True)
class EventRules:
    """Which rules run and their thresholds; the defaults are the bank's standing rules."""

    kinds: tuple[str, ...] = EVENT_KINDS
    maturity_window_days: int = MATURITY_WINDOW_DAYS
    large_deposit_min_vnd: int = LARGE_DEPOSIT_MIN_VND
    large_deposit_window_days: int = LARGE_DEPOSIT_WINDOW_DAYS
    inactive_days: int = INACTIVE_DAYS
    #: Money at stake below this never makes a maturity or a deposit urgent (``tools.signals.urgency``).
    urgency_floor_vnd: int = URGENCY_FLOOR_VND

    def __post_init__(self) -> None:
        if isinstance(self.kinds, str) or not isinstance(self.kinds, tuple):
            raise ValueError(f"kinds must be a tuple of event kinds, got {self.kinds!r}")
        for kind in self.kinds:
            if kind not in EVENT_KINDS + OPTIONAL_KINDS:
                raise ValueError(
                    f"unknown event kind {kind!r}: expected some of {', '.join(EVENT_KINDS + OPTIONAL_KINDS)}"
                )
        if len(set(self.kinds)) != len(self.kinds):
            raise ValueError(f"kinds lists an event kind twice: {self.kinds!r}")
        numbers = ("maturity_window_days", "large_deposit_min_vnd", "large_deposit_window_days", "inactive_days",
                   "urgency_floor_vnd")  # fmt: skip
        for name in numbers:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, got {value!r}")
            if value < 0:
                raise ValueError(f"{name} must not be negative, got {value}")
        if self.large_deposit_window_days < 1:
            # The window is (D - n days, D]: zero days would switch the rule off without saying so.
            raise ValueError("large_deposit_window_days must be at least 1 (drop 'large_deposit' from kinds instead)")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> EventRules:
        """Rules from configuration (JSON / YAML / an RM's settings); a bad entry is named in a ``ValueError``."""
        if not isinstance(data, Mapping):
            raise ValueError(f"event rules must be a mapping, got {type(data).__name__}")
        known = {field.name for field in fields(cls)}
        unknown = sorted(str(key) for key in data if key not in known)
        if unknown:
            raise ValueError(
                f"unknown event rule setting(s): {', '.join(unknown)}; expected {', '.join(sorted(known))}"
            )
        values = dict(data)
        if "kinds" in values:
            kinds = values["kinds"]
            if isinstance(kinds, str) or not isinstance(kinds, (list, tuple)):
                raise ValueError(f"kinds must be a list of event kinds, got {kinds!r}")
            values["kinds"] = tuple(kinds)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, the inverse of ``from_mapping``."""
        return {
            "kinds": list(self.kinds),
            "maturity_window_days": self.maturity_window_days,
            "large_deposit_min_vnd": self.large_deposit_min_vnd,
            "large_deposit_window_days": self.large_deposit_window_days,
            "inactive_days": self.inactive_days,
            "urgency_floor_vnd": self.urgency_floor_vnd,
        }


class ClientEvent(TypedDict):
    """One event of one client on the scan date; plain JSON so it can live in LangGraph state."""

    event_key: str
    kind: str
    client_id: str
    rm_id: str
    scan_date: str
    urgency: Urgency
    value_vnd: int
    facts: dict[str, Any]


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the bank's timezone (aware): the bound every datetime rule compares with."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=BANK_TIMEZONE)


def _in_scope(scan_date: dt.date, rm_id: str | None) -> list[ColumnElement[bool]]:
    """Clients that exist on the scan date (onboarded on or before it), of one RM when given."""
    clauses: list[ColumnElement[bool]] = [Client.onboarded_on <= scan_date]
    return [*clauses, Client.rm_id == rm_id] if rm_id is not None else clauses


def _event(
    kind: str,
    key: str,
    client_id: str,
    rm_id: str,
    scan_date: dt.date,
    urgency: Urgency,
    value: int,
    facts: dict[str, Any],
) -> ClientEvent:
    return ClientEvent(
        event_key=key,
        kind=kind,
        client_id=client_id,
        rm_id=rm_id,
        scan_date=scan_date.isoformat(),
        urgency=urgency,
        value_vnd=int(value),
        facts=facts,
    )


def _birthdays(connection: Connection, scan_date: dt.date, rm_id: str | None) -> list[ClientEvent]:
    month = extract("month", Client.date_of_birth)
    day = extract("day", Client.date_of_birth)
    same_day: ColumnElement[bool] = and_(month == scan_date.month, day == scan_date.day)
    if scan_date.month == 2 and scan_date.day == 28 and not _is_leap(scan_date.year):
        same_day = and_(month == 2, day.in_([28, 29]))  # 29 February is celebrated on 28 February in common years
    statement = select(Client.id, Client.rm_id, Client.date_of_birth).where(same_day, *_in_scope(scan_date, rm_id))
    events = []
    for client_id, client_rm, born in connection.execute(statement):
        facts = {"date": scan_date.isoformat(), "days_until": 0, "age": scan_date.year - born.year}
        key = f"birthday:{client_id}:{scan_date.year}"
        events.append(_event("birthday", key, client_id, client_rm, scan_date, "high", 0, facts))
    return events


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _maturities(connection: Connection, scan_date: dt.date, rm_id: str | None, rules: EventRules) -> list[ClientEvent]:
    wanted = [kind for kind, event_kind in MATURITY_EVENT_KINDS.items() if event_kind in rules.kinds]
    if not wanted:
        return []
    last_day = scan_date + dt.timedelta(days=rules.maturity_window_days)
    statement = (
        select(
            Account.id,
            Account.client_id,
            Client.rm_id,
            Account.kind,
            Account.product_code,
            Product.name.label("product_name"),
            Account.balance_vnd,
            Account.maturity_on,
            Account.rate_pct,
        )
        .join(Client, Client.id == Account.client_id)
        .outerjoin(Product, Product.code == Account.product_code)
        .where(
            Account.kind.in_(wanted),
            Account.status == "active",
            Account.maturity_on >= scan_date,
            Account.maturity_on <= last_day,
        )
    )
    grouped: dict[tuple[str, str], list[Any]] = {}
    for row in connection.execute(statement.where(*_in_scope(scan_date, rm_id))):
        grouped.setdefault((row.client_id, MATURITY_EVENT_KINDS[row.kind]), []).append(row)
    events = []
    for (client_id, kind), rows in grouped.items():
        # The earliest maturity speaks for the others; the facts say how many and how much in all.
        first = min(rows, key=lambda row: (row.maturity_on, -row.balance_vnd, row.id))
        days_left = (first.maturity_on - scan_date).days
        facts = {
            "account_id": first.id,
            "product_code": first.product_code,
            "product_name": first.product_name,
            "amount_vnd": int(first.balance_vnd),
            "maturity_on": first.maturity_on.isoformat(),
            "days_left": days_left,
            "rate_pct": first.rate_pct,
            "accounts": len(rows),
            "total_vnd": sum(int(row.balance_vnd) for row in rows),
        }
        urgency = money_urgency(int(first.balance_vnd), days_left, floor_vnd=rules.urgency_floor_vnd)
        key = f"{kind}:{client_id}:{first.id}:{first.maturity_on.isoformat()}"
        events.append(_event(kind, key, client_id, first.rm_id, scan_date, urgency, first.balance_vnd, facts))
    return events


def _large_deposits(
    connection: Connection, scan_date: dt.date, rm_id: str | None, rules: EventRules
) -> list[ClientEvent]:
    # Local posting date in (D - n, D]: from local midnight of D - n + 1 up to (not including) local midnight of D + 1.
    start = _local_midnight(scan_date - dt.timedelta(days=rules.large_deposit_window_days - 1))
    end = _local_midnight(scan_date + dt.timedelta(days=1))
    statement = (
        select(
            Transaction.id,
            Transaction.client_id,
            Client.rm_id,
            Transaction.amount_vnd,
            Transaction.posted_at,
            Transaction.category,
            Transaction.counterparty,
        )
        .join(Client, Client.id == Transaction.client_id)
        .where(
            Transaction.direction == "in",
            Transaction.amount_vnd >= rules.large_deposit_min_vnd,
            Transaction.posted_at >= start,
            Transaction.posted_at < end,
        )
    )
    grouped: dict[str, list[Any]] = {}
    for row in connection.execute(statement.where(*_in_scope(scan_date, rm_id))):
        grouped.setdefault(row.client_id, []).append(row)
    events = []
    for client_id, rows in grouped.items():
        biggest = min(rows, key=lambda row: (-row.amount_vnd, row.posted_at, row.id))
        posted_on = bank_date(biggest.posted_at)
        facts = {
            "transaction_id": biggest.id,
            "amount_vnd": int(biggest.amount_vnd),
            "posted_on": posted_on.isoformat(),
            "days_ago": (scan_date - posted_on).days,
            "category": biggest.category,
            "counterparty": biggest.counterparty,
            "deposits": len(rows),
        }
        key = f"large_deposit:{client_id}:{biggest.id}"
        urgency = money_urgency(int(biggest.amount_vnd), None, floor_vnd=rules.urgency_floor_vnd)
        events.append(
            _event("large_deposit", key, client_id, biggest.rm_id, scan_date, urgency, biggest.amount_vnd, facts)
        )
    return events


def _inactive(connection: Connection, scan_date: dt.date, rm_id: str | None, rules: EventRules) -> list[ClientEvent]:
    # Interactions after the scan date do not exist yet on it.
    last_seen = (
        select(Interaction.client_id, func.max(Interaction.occurred_at).label("last_at"))
        .where(Interaction.occurred_at < _local_midnight(scan_date + dt.timedelta(days=1)))
        .group_by(Interaction.client_id)
        .subquery("last_seen")
    )
    # D - last > n days  <=>  last local date < D - n  <=>  last moment < local midnight of D - n.
    threshold = _local_midnight(scan_date - dt.timedelta(days=rules.inactive_days))
    # The AUM of a client: evaluated only for the clients that pass the filter.
    accounts = table_of(Account)
    aum = (
        select(func.coalesce(func.sum(accounts.c.balance_vnd), literal(0)))
        .where(
            accounts.c.client_id == Client.id,
            accounts.c.status == "active",
            accounts.c.kind.in_(AUM_KINDS),
        )
        .scalar_subquery()
    )
    statement = (
        select(Client.id, Client.rm_id, last_seen.c.last_at, aum.label("aum_vnd"))
        .outerjoin(last_seen, last_seen.c.client_id == Client.id)
        .where(or_(last_seen.c.last_at.is_(None), last_seen.c.last_at < threshold))
    )
    events = []
    for client_id, client_rm, last_at, aum_vnd in connection.execute(statement.where(*_in_scope(scan_date, rm_id))):
        aum_total = int(aum_vnd or 0)
        if last_at is None:
            last_on = None
            facts: dict[str, Any] = {
                "days_since_contact": None,
                "last_contacted_on": None,
                "never_contacted": True,
                "aum_vnd": aum_total,
            }
        else:
            last_on = bank_date(last_at)
            facts = {
                "days_since_contact": (scan_date - last_on).days,
                "last_contacted_on": last_on.isoformat(),
                "never_contacted": False,
                "aum_vnd": aum_total,
            }
        urgency: Urgency = "low" if last_at is None and aum_total == 0 else "medium"
        key = f"inactive:{client_id}:{last_on.isoformat() if last_on else 'never'}"
        events.append(_event("inactive", key, client_id, client_rm, scan_date, urgency, aum_total, facts))
    return events


def _attrition(database: Database, scan_date: dt.date, rm_id: str) -> list[ClientEvent]:
    """The RM's clients at risk of leaving (``tools.signals.attrition``): one event per client per month, so a risk
    that lasts is drafted once, not every night."""
    features = read_features(database, rm_id, scan_date)
    events = []
    for risk in attrition.scan(features, scan_date):
        if not risk.at_risk:
            continue
        facts = {**risk.facts(), "action": attrition.retention_action(risk)}
        key = f"attrition_risk:{risk.client_id}:{scan_date:%Y-%m}"
        events.append(_event("attrition_risk", key, risk.client_id, rm_id, scan_date, risk.urgency,
                             features[risk.client_id].aum_vnd, facts))  # fmt: skip
    return events


def _sort_key(event: ClientEvent) -> tuple[str, int, int, str, str]:
    return (event["rm_id"], URGENCY_RANK[event["urgency"]], -event["value_vnd"], event["client_id"], event["kind"])


def scan_events(
    database: Database,
    scan_date: dt.date,
    *,
    rm_id: str | None = None,
    rules: EventRules = EventRules(),  # frozen, so one shared default is safe
) -> list[ClientEvent]:
    """Every event of ``scan_date`` (bank-local), bank-wide or of one RM's clients: one per (client, kind).

    Ordered by RM, then urgency (high first), then money at stake (most first), then client and kind.
    Raises ``LookupError`` for an unknown RM, ``TypeError`` for a datetime given as the date.
    """
    if isinstance(scan_date, dt.datetime) or not isinstance(scan_date, dt.date):
        raise TypeError(f"scan_date must be a date (bank-local), got {scan_date!r}")
    events: list[ClientEvent] = []
    with database.engine.connect() as connection:
        if rm_id is not None and connection.execute(select(Rm.id).where(Rm.id == rm_id)).first() is None:
            raise LookupError(f"no RM with id {rm_id!r}")
        if "birthday" in rules.kinds:
            events += _birthdays(connection, scan_date, rm_id)
        events += _maturities(connection, scan_date, rm_id, rules)
        if "large_deposit" in rules.kinds:
            events += _large_deposits(connection, scan_date, rm_id, rules)
        if "inactive" in rules.kinds:
            events += _inactive(connection, scan_date, rm_id, rules)
        rm_ids: list[str] = []
        if "attrition_risk" in rules.kinds:
            rm_ids = [rm_id] if rm_id is not None else [str(row[0]) for row in connection.execute(select(Rm.id))]
    if rm_ids:
        for scope in rm_ids:
            events += _attrition(database, scan_date, scope)
    events.sort(key=_sort_key)
    logger.info("event scan %s (%s): %d events", scan_date, rm_id or "bank-wide", len(events))
    return events


def client_cards(database: Database, client_ids: Collection[str]) -> dict[str, dict[str, Any]]:
    """The profile a draft needs, per client id, in chunked bulk reads; unknown ids are simply absent."""
    if isinstance(client_ids, str):
        raise TypeError("client_ids must be a collection of ids, not one string")
    wanted = sorted(set(client_ids))
    columns = [getattr(Client, name) for name in _CARD_COLUMNS]
    cards: dict[str, dict[str, Any]] = {}
    with database.engine.connect() as connection:
        for start in range(0, len(wanted), CARD_CHUNK):
            chunk = wanted[start : start + CARD_CHUNK]
            statement = (
                select(*columns, Rm.full_name.label("rm_name"))
                .join(Rm, Rm.id == Client.rm_id)
                .where(Client.id.in_(chunk))
            )
            for row in connection.execute(statement).mappings():
                cards[row["id"]] = {name: normalize_texts(to_json(value)) for name, value in row.items()}
    return cards
