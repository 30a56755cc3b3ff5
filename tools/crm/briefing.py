"""A pre-call briefing: what an RM must know about one client in 30 seconds, from the client 360.

Four blocks (who, money, what's coming, what happened) and two or three talking points, each tied to a fact of
the client's. This module decides which facts make the screen and in what order; ``graphs/briefing/copy.py``
words them. A relative who is another RM's client appears only as "a household member banks with us".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from tools.core.dates import bank_date
from tools.signals.thresholds import (
    BIRTHDAY_WINDOW_DAYS,
    IDLE_CASH_WORTH_A_CALL_VND,
    INACTIVE_DAYS,
    LARGE_DEPOSIT_MIN_VND,
    MILLION,
    RECENT_COMPLAINT_DAYS,
)
from tools.signals.triggers import next_birthday

#: How far ahead "what's coming" looks for maturities and birthdays.
AHEAD_DAYS = 60
BIRTHDAY_AHEAD_DAYS = 30
#: A transaction in the last ``RECENT_DAYS`` worth naming: this much or more, at most ``NOTABLE_COUNT`` of them.
NOTABLE_VND = 100 * MILLION
NOTABLE_COUNT = 3
RECENT_DAYS = 30
INTERACTIONS_SHOWN = 3
TALKING_POINTS = 3
#: Talking points by the order an RM should raise them: a complaint before any offer (bank policy).
POINT_ORDER = ("complaint", "maturity", "birthday", "large_inflow", "idle_cash", "unhappy_last", "overdue_task",
               "inactive", "last_topic")  # fmt: skip
#: Fewer points than this and the last conversation's topic is one (something to follow up on is always at hand).
MIN_TALKING_POINTS = 2


@dataclass
class TalkingPoint:
    kind: str
    facts: dict[str, Any]


@dataclass
class Briefing:
    client_id: str
    profile: dict[str, Any]
    household: list[dict[str, Any]]
    totals: dict[str, int]
    holdings: list[dict[str, Any]]
    notable_transactions: list[dict[str, Any]]
    maturities: list[dict[str, Any]]
    birthday: dict[str, Any] | None
    open_tasks: list[dict[str, Any]]
    interactions: list[dict[str, Any]]
    complaints: list[dict[str, Any]]
    days_since_contact: int | None
    talking_points: list[TalkingPoint] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _product_names(products: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    return {str(product["code"]): str(product.get("name") or product["code"]) for product in products}


def _maturities(holdings: Sequence[Mapping[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    found = []
    for account in holdings:
        maturity = bank_date(account.get("maturity_on"))
        if account.get("status") != "active" or maturity is None or not 0 <= (maturity - today).days <= AHEAD_DAYS:
            continue
        found.append({**account, "days_left": (maturity - today).days})
    return sorted(found, key=lambda account: (account["days_left"], -int(account.get("balance_vnd") or 0)))


def _notable(transactions: Sequence[Mapping[str, Any]], today: dt.date) -> list[dict[str, Any]]:
    recent = [dict(row) for row in transactions
              if (posted := bank_date(row.get("posted_at"))) is not None and 0 <= (today - posted).days <= RECENT_DAYS
              and int(row.get("amount_vnd") or 0) >= NOTABLE_VND]  # fmt: skip
    return sorted(recent, key=lambda row: -int(row.get("amount_vnd") or 0))[:NOTABLE_COUNT]


def _birthday(profile: Mapping[str, Any], today: dt.date) -> dict[str, Any] | None:
    born = bank_date(profile.get("date_of_birth"))
    if born is None:
        return None
    day = next_birthday(born, today)
    days = (day - today).days
    return {"date": day.isoformat(), "days_until": days, "age": day.year - born.year} if days <= BIRTHDAY_AHEAD_DAYS \
        else None  # fmt: skip


def _worth_saying(complaint: Mapping[str, Any], today: dt.date) -> bool:
    """An open complaint, or one resolved lately (the client still remembers it)."""
    opened = bank_date(complaint.get("opened_on"))
    return complaint.get("status") == "open" or (opened is not None and (today - opened).days <= RECENT_COMPLAINT_DAYS)


def _talking_points(briefing: Briefing, today: dt.date) -> list[TalkingPoint]:
    points: list[TalkingPoint] = []
    open_complaints = [c for c in briefing.complaints if c.get("status") == "open"]
    if open_complaints:
        points.append(TalkingPoint("complaint", open_complaints[0]))
    if briefing.maturities:
        points.append(TalkingPoint("maturity", briefing.maturities[0]))
    if briefing.birthday and briefing.birthday["days_until"] <= BIRTHDAY_WINDOW_DAYS * 2:
        points.append(TalkingPoint("birthday", briefing.birthday))
    inflows = [
        row
        for row in briefing.notable_transactions
        if row.get("direction") == "in" and int(row.get("amount_vnd") or 0) >= LARGE_DEPOSIT_MIN_VND
    ]
    if inflows:
        points.append(TalkingPoint("large_inflow", inflows[0]))
    idle = int(briefing.totals.get("casa_vnd") or 0)
    if idle >= IDLE_CASH_WORTH_A_CALL_VND:
        points.append(TalkingPoint("idle_cash", {"amount_vnd": idle}))
    last = briefing.interactions[0] if briefing.interactions else None
    if last is not None and last.get("sentiment") == "negative":
        points.append(TalkingPoint("unhappy_last", last))
    overdue = [task for task in briefing.open_tasks if (due := bank_date(task.get("due_on"))) and due < today]
    if overdue:
        points.append(TalkingPoint("overdue_task", overdue[0]))
    if briefing.days_since_contact is None or briefing.days_since_contact >= INACTIVE_DAYS:
        points.append(TalkingPoint("inactive", {"days": briefing.days_since_contact}))
    if len(points) < MIN_TALKING_POINTS and last is not None and last.get("sentiment") != "negative":
        points.append(TalkingPoint("last_topic", last))
    points.sort(key=lambda point: POINT_ORDER.index(point.kind))
    return points[:TALKING_POINTS]


def build_briefing(client: Mapping[str, Any], products: Sequence[Mapping[str, Any]], today: dt.date) -> Briefing:
    """The briefing of one client from their 360 (``CrmApi.client_360(...).model_dump(mode="json")``)."""
    names = _product_names(products)
    holdings = [{**account, "product_name": names.get(str(account.get("product_code")), account.get("product_code"))}
                for account in client["holdings"] if account.get("status") == "active"]  # fmt: skip
    holdings.sort(key=lambda account: -int(account.get("balance_vnd") or 0))
    recent_complaints = [complaint for complaint in client["complaints"] if _worth_saying(complaint, today)]
    briefing = Briefing(
        client_id=str(client["profile"]["id"]),
        profile=dict(client["profile"]),
        household=list(client["household"]),
        totals=dict(client["totals"]),
        holdings=holdings,
        notable_transactions=_notable(client["recent_transactions"], today),
        maturities=_maturities(holdings, today),
        birthday=_birthday(client["profile"], today),
        open_tasks=list(client["open_tasks"]),
        interactions=list(client["interactions"])[:INTERACTIONS_SHOWN],
        complaints=recent_complaints,
        days_since_contact=client.get("days_since_contact"),
    )
    briefing.talking_points = _talking_points(briefing, today)
    return briefing
