"""Whom to call today: a day plan from the RM's real events, not a product ranking.

"Who should I call today?" names no product and no selling goal, so ranking clients by similarity to an
ideal client would answer the same idle-cash list whatever the day holds. The plan reads what is actually
due, for the signed-in RM's own clients only:

- open complaints (a client waiting on the bank),
- unread client messages, urgent ones first (a blocked card, fraud, "gấp"),
- tasks overdue or due in the window,
- CDs and loans maturing within ``CALL_PLAN_MATURITY_DAYS`` of the window's last day,
- birthdays in the window.

One line per client, every reason kept; clients are ordered by their most pressing reason, then by how
many they have, then by the money at stake. Facts only: ``graphs/prioritization/copy.py`` words them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import select

from stores.db import Database
from stores.schema import Client, Complaint, InboundMessage, Task
from tools.core.dates import bank_date
from tools.core.text import fold
from tools.signals.events import EventRules, scan_events
from tools.signals.thresholds import CALL_PLAN_MATURITY_DAYS

Window = Literal["today", "tomorrow", "this_week"]

#: How pressing each reason is (higher first); a client's plan rank is their highest.
WEIGHTS: dict[str, int] = {
    "complaint": 90,
    "urgent_message": 85,
    "maturity_soon": 80,
    "birthday_today": 75,
    "task_overdue": 70,
    "task_due": 65,
    "maturity": 60,
    "message": 50,
    "birthday": 40,
}
#: A message that needs an answer now: a blocked or lost card, fraud, money gone, "urgent" (folded words).
_URGENT = re.compile(
    r"\b(urgent|asap|immediately|emergency|blocked|lost|stolen|fraud|scam|complain\w*|khan cap|khan|"
    r"khoa the|bi khoa|mat the|lua dao|khieu nai|tru tien|mat tien|bi tru|giup (em|toi|chi|anh) voi)\b"
)
_URGENT_ACCENTED = re.compile(r"\bgấp\b")
_WINDOWS: tuple[tuple[Window, re.Pattern[str]], ...] = (
    ("this_week", re.compile(r"\b(this week|the week|week|tuan nay|trong tuan|tuan)\b")),
    ("tomorrow", re.compile(r"\b(tomorrow|tmrw|tmr|(ngay|sang|chieu|trua|toi) mai|mai (goi|nen|can))\b")),
)
#: Within this many days a maturity is pressing.
_SOON_DAYS = 3


@dataclass
class PlanEntry:
    """One client of the plan and every reason to call them."""

    client_id: str
    reasons: list[dict[str, Any]] = field(default_factory=list)
    at_stake_vnd: int = 0

    @property
    def priority(self) -> int:
        return max(WEIGHTS[reason["kind"]] for reason in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        ordered = sorted(self.reasons, key=lambda reason: -WEIGHTS[reason["kind"]])
        return {"client_id": self.client_id, "priority": self.priority, "reasons": ordered,
                "at_stake_vnd": self.at_stake_vnd}  # fmt: skip


#: A request for the day's calls ("who should I call today?", "hôm nay gọi ai?"), not for a ranking by some measure.
_PLAN_WORDS = re.compile(
    r"\b(?:today|tonight|tomorrow|this week|hom nay|ngay mai|sang mai|chieu mai|tuan nay|call list|call plan|"
    r"my calls|lich goi|danh sach goi|ke hoach goi|who (?:should|do) i (?:call|contact|ring|phone)|"
    r"(?:goi|lien he) (?:cho )?ai|nen goi ai)\b"
)


def asks_for_a_plan(request: str) -> bool:
    """Whether the request asks whom to call on a day (a day plan), rather than a ranking it does not spell out."""
    return bool(_PLAN_WORDS.search(fold(request)))


def plan_window(request: str, today: dt.date) -> tuple[Window, dt.date, dt.date]:
    """Which days the request asks about: today (the default), tomorrow, or the rest of this week."""
    folded = fold(request)
    for window, pattern in _WINDOWS:
        if pattern.search(folded):
            if window == "this_week":
                return window, today, today + dt.timedelta(days=6 - today.weekday())
            return window, today + dt.timedelta(days=1), today + dt.timedelta(days=1)
    return "today", today, today


def is_urgent(subject: str | None, body: str) -> bool:
    text = f"{subject or ''} {body}"
    return bool(_URGENT.search(fold(text)) or _URGENT_ACCENTED.search(text.lower()))


def day_plan(database: Database, rm_id: str, today: dt.date, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """The RM's clients to call between ``first`` and ``last`` (bank-local dates), most pressing first."""
    entries: dict[str, PlanEntry] = {}

    def add(client_id: str, reason: dict[str, Any], at_stake: int = 0) -> None:
        entry = entries.setdefault(client_id, PlanEntry(client_id))
        entry.reasons.append(reason)
        entry.at_stake_vnd += at_stake

    maturities = EventRules(kinds=("cd_maturity", "loan_maturity"),
                            maturity_window_days=(last - today).days + CALL_PLAN_MATURITY_DAYS)  # fmt: skip
    for event in scan_events(database, today, rm_id=rm_id, rules=maturities):
        facts = event["facts"]
        soon = facts["days_left"] <= (last - today).days + _SOON_DAYS
        add(event["client_id"], {"kind": "maturity_soon" if soon else "maturity", "account": event["kind"],
                                 "amount_vnd": facts["amount_vnd"], "on": facts["maturity_on"],
                                 "days_left": facts["days_left"]}, facts["amount_vnd"])  # fmt: skip
    day = first
    while day <= last:
        for event in scan_events(database, day, rm_id=rm_id, rules=EventRules(kinds=("birthday",))):
            kind = "birthday_today" if day == today else "birthday"
            add(event["client_id"], {"kind": kind, "on": day.isoformat(), "age": event["facts"]["age"]})
        day += dt.timedelta(days=1)
    with database.engine.connect() as connection:
        complaints = connection.execute(
            select(Complaint.client_id, Complaint.opened_on, Complaint.category, Complaint.summary)
            .join(Client, Client.id == Complaint.client_id)
            .where(Client.rm_id == rm_id, Complaint.status == "open")
            .order_by(Complaint.opened_on)
        )
        for client_id, opened_on, category, summary in complaints:
            add(client_id, {"kind": "complaint", "since": opened_on.isoformat(), "category": category,
                            "summary": summary})  # fmt: skip
        messages = connection.execute(
            select(InboundMessage.client_id, InboundMessage.received_at, InboundMessage.channel,
                   InboundMessage.subject, InboundMessage.body)
            .join(Client, Client.id == InboundMessage.client_id)
            .where(Client.rm_id == rm_id, InboundMessage.status == "unread")
            .order_by(InboundMessage.received_at)
        )  # fmt: skip
        for client_id, received_at, channel, subject, body in messages:
            kind = "urgent_message" if is_urgent(subject, body) else "message"
            add(client_id, {"kind": kind, "received_on": bank_date(received_at).isoformat(), "channel": channel,
                            "subject": subject or body})  # fmt: skip
        tasks = connection.execute(
            select(Task.client_id, Task.title, Task.kind, Task.due_on)
            .join(Client, Client.id == Task.client_id)
            .where(Client.rm_id == rm_id, Task.status == "open", Task.due_on <= last)
            .order_by(Task.due_on)
        )
        for client_id, title, task_kind, due_on in tasks:
            kind = "task_overdue" if due_on < today else "task_due"
            add(client_id, {"kind": kind, "title": title, "task_kind": task_kind, "due_on": due_on.isoformat()})
    ordered = sorted(entries.values(), key=lambda e: (-e.priority, -len(e.reasons), -e.at_stake_vnd, e.client_id))
    return [entry.to_dict() for entry in ordered]
