"""What one RM's clients do, read in bulk: holdings, money flows, logins, complaints, contacts, notes, tasks.

The profile vector (``tools.signals.profiles``) says who a client resembles; ranking a request ("who travels a
lot and has no travel card?", "who is about to leave?") needs the facts themselves, with their amounts and
dates, so that a filter is exact and a reason can name them. Everything here is a handful of grouped
statements over the signed-in RM's clients only (``clients.rm_id``), the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select

from stores.db import Database
from stores.schema import Account, Client, Complaint, DigitalActivity, Interaction, Product, Task, Transaction
from stores.settings import BANK_TIMEZONE
from tools.core.dates import bank_date, completed_years
from tools.core.text import fold
from tools.signals.thresholds import (
    AUM_KINDS,
    DEPOSIT_KINDS,
    LARGE_DEPOSIT_MIN_VND,
    LARGE_DEPOSIT_WINDOW_DAYS,
    MATURITY_EVENT_KINDS,
)

#: How far back money flows, logins and notes are read.
HISTORY_DAYS = 182
NOTES_DAYS = 365
#: Weeks of app logins read (the last four against the eight before).
LOGIN_WEEKS = 12
#: Incoming payments this large are kept one by one (an inflow a request can ask about).
INFLOW_MIN_VND = 100_000_000
#: Money that arrived within this many days is new money, not idle cash.
IDLE_SETTLED_DAYS = 30
#: How far ahead maturities are read: "ai có CD đáo hạn trong 3 tháng tới" looks past the usual 30 days.
MATURING_LOOKAHEAD_DAYS = 120
#: A deposit opened this many days before another matured may be its rollover (booked ahead of the date).
ROLLOVER_GRACE_DAYS = 3
#: A matured deposit whose money left within this many days was not rolled over.
MATURED_LOOKBACK_DAYS = 60
#: Transfers to other banks (the categories banks use for them).
EXTERNAL_CATEGORIES = frozenset({"transfer_external", "external_transfer", "investment_external", "transfer_out"})
#: Transfers between a client's own accounts: never a sign of leaving.
INTERNAL_CATEGORIES = frozenset(
    {"transfer_internal", "internal_transfer", "own_transfer", "transfer_own", "self_transfer", "transfer_self"}
)
INCOME_CATEGORIES = frozenset({"salary", "payroll", "pension"})
#: Money that was the client's own already (a deposit or loan coming back, a card refund): never "new money".
_OWN_MONEY = frozenset(
    {
        "cd_maturity",
        "savings_closure",
        "card_repayment",
        "card_payment",
        "loan_disbursement",
        "loan_repayment",
        "refund",
        "reversal",
    }
)
#: Words of a category that make it the client's own money coming back, whatever the bank calls the rest
#: ("deposit_maturity", "fd_payout", "own_account_in").
_OWN_MONEY_WORDS = frozenset({"maturity", "matured", "payout", "closure", "internal", "own", "self", "refund",
                              "reversal", "rollover", "repayment"})  # fmt: skip


def own_money(category: str) -> bool:
    """Whether an incoming payment's category is the client's own money (never new money, never a deposit)."""
    folded = fold(category)
    if folded in INTERNAL_CATEGORIES | _OWN_MONEY:
        return True
    return any(word in _OWN_MONEY_WORDS for word in re.split(r"[_\s\-/]+", folded))


BUSINESS_CATEGORIES = frozenset({"business_income", "business", "sales", "merchant", "revenue", "pos_settlement"})
_BUSINESS_IN = re.compile(r"business|revenue|sales|receipt|merchant|invoice|trade|kinh doanh|doanh thu")
_TRAVEL_CATEGORIES = frozenset({"travel", "airline", "airlines", "hotel", "hotels", "flight", "flights", "lodging"})
#: Merchants that are travel whatever the category says (airlines, hotels, booking sites, duty free).
_TRAVEL_MERCHANT = re.compile(
    r"airline|airway|air\b|vietjet|vietnam air|bamboo|jetstar|singapore air|cathay|emirates|qatar|thai air|"
    r"korean air|ana\b|jal\b|hotel|resort|marriott|hilton|hyatt|accor|novotel|sheraton|intercontinental|agoda|"
    r"booking\.?com|expedia|traveloka|airbnb|trip\.?com|klook|duty free|changi|incheon|narita|suvarnabhumi|"
    r"khach san|hang khong|ve may bay|du lich"
)
#: Merchants or descriptions abroad (a city or a currency of elsewhere).
_FOREIGN = re.compile(
    r"\b(?:usd|eur|sgd|jpy|krw|thb|aud|gbp|cny|hkd|twd)\b|singapore|bangkok|tokyo|osaka|seoul|paris|london|"
    r"sydney|melbourne|hong kong|taipei|kuala lumpur|bali|dubai|new york|los angeles|abroad|overseas|"
    r"nuoc ngoai|foreign|international|quoc te"
)


@dataclass
class ClientFeatures:
    """One client's facts as of ``today``; amounts in VND, dates bank-local."""

    client_id: str
    rm_id: str
    full_name: str
    honorific: str
    segment: str
    risk_profile: str
    city: str
    age: int | None
    born: dt.date | None
    occupation: str
    language: str
    preferred_channel: str
    balances: dict[str, int] = field(default_factory=dict)
    held_codes: set[str] = field(default_factory=set)
    held_categories: set[str] = field(default_factory=set)
    #: Holds an active credit card (a card that is not a debit card).
    credit_card: bool = False
    #: (account kind, product code, amount, maturity date) of active CDs and loans maturing within
    #: ``MATURING_LOOKAHEAD_DAYS`` (a request may look further ahead than the usual window).
    maturing: list[tuple[str, str, int, dt.date]] = field(default_factory=list)
    #: The day the facts were read for (maturities and windows count from it).
    read_on: dt.date | None = None
    #: (product code, amount, maturity date) of deposits that matured recently (the amount paid out when the
    #: account's balance reads zero after the payout).
    matured: list[tuple[str, str, int, dt.date]] = field(default_factory=list)
    #: Opening dates of active term deposits and savings accounts (a matured deposit rolled over opens one).
    deposits_opened: list[dt.date] = field(default_factory=list)
    #: The largest incoming payment of the last days: (amount, category, date).
    large_inflow: tuple[int, str, dt.date] | None = None
    travel_spend_vnd: int = 0
    travel_payments: int = 0
    foreign_payments: int = 0
    travel_merchants: list[str] = field(default_factory=list)
    card_spend_vnd: int = 0
    #: Card and payment spend of the last 90 days by category (folded).
    spend_by_category: dict[str, int] = field(default_factory=dict)
    #: Everything paid out in the last 90 days by category (folded), any channel.
    paid_by_category: dict[str, int] = field(default_factory=dict)
    #: Incoming payments from outside (not the client's own accounts) of ``INFLOW_MIN_VND`` or more: (amount,
    #: category, date), newest first.
    inflows: list[tuple[int, str, dt.date]] = field(default_factory=list)
    business_in_vnd: int = 0
    #: Salary or pension: the last date one arrived, and how many arrived in the history window.
    last_income_on: dt.date | None = None
    income_count: int = 0
    income_monthly_vnd: int = 0
    external_out_30_vnd: int = 0
    external_out_60_vnd: int = 0
    external_out_90_vnd: int = 0
    last_external_on: dt.date | None = None
    external_counterparty: str = ""
    #: (week start, logins), oldest first.
    logins: list[tuple[dt.date, int]] = field(default_factory=list)
    #: (id, category, opened on, summary) of open complaints.
    open_complaints: list[tuple[str, str, dt.date, str]] = field(default_factory=list)
    last_contact_on: dt.date | None = None
    onboarded_on: dt.date | None = None
    #: (date, channel, topic, text, sentiment, product code, amount) of the RM's notes, newest first.
    notes: list[tuple[dt.date, str, str, str, str, str, int | None]] = field(default_factory=list)
    #: (title, kind, due on) of open tasks, soonest first.
    open_tasks: list[tuple[str, str, dt.date]] = field(default_factory=list)

    @property
    def deposits_vnd(self) -> int:
        return sum(self.balances.get(kind, 0) for kind in DEPOSIT_KINDS)

    @property
    def aum_vnd(self) -> int:
        return sum(self.balances.get(kind, 0) for kind in AUM_KINDS)

    @property
    def idle_vnd(self) -> int:
        return self.balances.get("casa", 0) + self.balances.get("savings", 0)

    def maturing_within(self, days: int, kind: str | None = None) -> list[tuple[str, str, int, dt.date]]:
        """Maturities of the next ``days`` (of one account kind), soonest first."""
        if self.read_on is None:
            return [item for item in self.maturing if kind in (None, item[0])]
        last = self.read_on + dt.timedelta(days=days)
        return [item for item in self.maturing if item[3] <= last and kind in (None, item[0])]

    def rolled_over(self, matured_on: dt.date) -> bool:
        """A term deposit or savings account opened around or after a maturity: the payout went into it."""
        grace = matured_on - dt.timedelta(days=ROLLOVER_GRACE_DAYS)
        return any(opened >= grace for opened in self.deposits_opened)

    def arrived_since(self, since: dt.date) -> int:
        """Money that came in from outside since ``since`` (what is new, not idle)."""
        return sum(amount for amount, _category, day in self.inflows if day >= since)

    def settled_idle_vnd(self, today: dt.date, *, casa_only: bool = False, days: int = 0) -> int:
        """Cash that has sat still: current (and savings) balances less what arrived recently (a month, or the
        ``days`` a request asks: "nằm im từ 2 tháng")."""
        base = self.balances.get("casa", 0) if casa_only else self.idle_vnd
        return max(0, base - self.arrived_since(today - dt.timedelta(days=days or IDLE_SETTLED_DAYS)))


@functools.lru_cache(maxsize=65536)
def _folded(text: str) -> str:
    """Categories and merchants repeat across clients: each is folded once."""
    return fold(text)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=BANK_TIMEZONE)


#: Seconds one RM's book stays read (a ranking or a scan asked again within it reads no rows); a write through the
#: CRM door forgets it at once. ``AGENTIFY_BOOK_CACHE_S=0`` switches it off.
BOOK_CACHE_S = 120.0
BOOK_CACHE_ENTRIES = 64
_BOOKS: dict[tuple[str, str, dt.date, bool], tuple[float, dict[str, ClientFeatures]]] = {}
_BOOKS_LOCK = threading.Lock()


def _book_seconds() -> float:
    raw = os.environ.get("AGENTIFY_BOOK_CACHE_S")
    try:
        return float(raw) if raw is not None else BOOK_CACHE_S
    except ValueError:
        return BOOK_CACHE_S


def read_book(database: Database, rm_id: str, today: dt.date, *, notes: bool = True) -> dict[str, ClientFeatures]:
    """Every client of ``rm_id`` with their facts, read once per ``BOOK_CACHE_S`` (read-only to its callers)."""
    seconds = _book_seconds()
    if seconds <= 0:
        return read_features(database, rm_id, today, notes=notes)
    now = time.monotonic()
    with _BOOKS_LOCK:
        for key in ((str(database.url), rm_id, today, True), (str(database.url), rm_id, today, notes)):
            hit = _BOOKS.get(key)
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
    book = read_features(database, rm_id, today, notes=notes)
    with _BOOKS_LOCK:
        if len(_BOOKS) >= BOOK_CACHE_ENTRIES:
            _BOOKS.pop(min(_BOOKS, key=lambda key: _BOOKS[key][0]))
        _BOOKS[(str(database.url), rm_id, today, notes)] = (now, book)
    return book


def forget_book(database_url: str, rm_id: str) -> None:
    """A write changed this RM's book: the next ranking reads it again."""
    with _BOOKS_LOCK:
        for key in [key for key in _BOOKS if key[0] == str(database_url) and key[1] == rm_id]:
            del _BOOKS[key]


#: Up to this many clients asked for by id are named in the queries; more read the book and keep those asked for.
MAX_LISTED_CLIENTS = 500


def read_features(
    database: Database, rm_id: str, today: dt.date, *, notes: bool = True, client_ids: Iterable[str] | None = None
) -> dict[str, ClientFeatures]:
    """Every client of ``rm_id`` (or those of ``client_ids`` among them) with their facts; another RM's never."""
    wanted = set(client_ids) if client_ids is not None else None
    ours = [Client.rm_id == rm_id]
    if wanted is not None and len(wanted) <= MAX_LISTED_CLIENTS:
        ours.append(Client.id.in_(sorted(wanted)))  # one client's facts must not cost a whole book's rows
    mine: Any = select(Client.id).where(*ours)
    found: dict[str, ClientFeatures] = {}
    with database.engine.connect() as connection:
        for client in connection.execute(select(Client).where(*ours).order_by(Client.id)):
            if wanted is not None and client.id not in wanted:
                continue
            found[client.id] = ClientFeatures(
                client_id=client.id, rm_id=client.rm_id, full_name=client.full_name, honorific=client.honorific or "",
                segment=client.segment or "", risk_profile=client.risk_profile or "", city=client.city or "",
                age=completed_years(client.date_of_birth, today), born=bank_date(client.date_of_birth),
                occupation=client.occupation or "",
                language=client.language or "", preferred_channel=client.preferred_channel or "",
                onboarded_on=bank_date(client.onboarded_on), read_on=today,
            )  # fmt: skip
        if not found:
            return found
        if wanted is not None and len(found) <= MAX_LISTED_CLIENTS:
            mine = sorted(found)  # the RM's own, checked above; named, the planner takes the client index
        catalog = {code: (category, name) for code, category, name in connection.execute(
            select(Product.code, Product.category, Product.name))}  # fmt: skip
        _read_accounts(connection, mine, found, catalog, today)
        _read_flows(connection, mine, found, today)
        _read_logins(connection, mine, found, today)
        for complaint in connection.execute(
            select(Complaint.client_id, Complaint.id, Complaint.category, Complaint.opened_on, Complaint.summary)
            .where(Complaint.client_id.in_(mine), Complaint.status == "open")
            .order_by(Complaint.opened_on.desc())
        ):
            if complaint.client_id in found:
                found[complaint.client_id].open_complaints.append(
                    (complaint.id, complaint.category or "", bank_date(complaint.opened_on), complaint.summary or "")
                )
        for contact in connection.execute(
            select(Interaction.client_id, func.max(Interaction.occurred_at))
            .where(Interaction.client_id.in_(mine))
            .group_by(Interaction.client_id)
        ):
            if contact[0] in found:
                found[contact[0]].last_contact_on = bank_date(contact[1])
        if notes:
            _read_notes(connection, mine, found, today)
    return found


_DEBIT = re.compile(r"debit|ghi no|atm|napas")


def _read_accounts(
    connection: Any, mine: Any, found: dict[str, ClientFeatures], catalog: dict[str, tuple[str, str]], today: dt.date
) -> None:
    horizon = today + dt.timedelta(days=MATURING_LOOKAHEAD_DAYS)
    since = today - dt.timedelta(days=MATURED_LOOKBACK_DAYS)
    query = select(
        Account.id, Account.client_id, Account.kind, Account.product_code, Account.status, Account.balance_vnd,
        Account.maturity_on, Account.opened_on,
    ).where(Account.client_id.in_(mine))  # fmt: skip
    paid_out: dict[str, tuple[ClientFeatures, int]] = {}  # matured accounts whose balance reads zero
    for account_id, client_id, kind, code, status, balance, maturity_on, opened_on in connection.execute(query):
        client = found.get(client_id)
        if client is None:
            continue
        maturity = bank_date(maturity_on)
        amount = int(balance or 0)
        if status == "active":
            opened = bank_date(opened_on)
            if kind in ("cd", "savings") and opened is not None:
                client.deposits_opened.append(opened)
            client.balances[kind] = client.balances.get(kind, 0) + amount
            client.held_codes.add(str(code))
            client.held_categories.add(kind)
            category, name = catalog.get(str(code), (kind, str(code)))
            client.held_categories.add(category)
            if kind == "card" and not _DEBIT.search(fold(f"{name} {code}")):
                client.credit_card = True
            if maturity is not None and kind in MATURITY_EVENT_KINDS and today <= maturity <= horizon:
                # a savings book with a maturity date matures as a term deposit does
                client.maturing.append(("loan" if kind == "loan" else "cd", str(code), amount, maturity))
        elif status == "matured" and kind in ("cd", "savings") and maturity is not None and since <= maturity <= today:
            if amount <= 0:
                paid_out[str(account_id)] = (client, len(client.matured))
            client.matured.append((kind, str(code), amount, maturity))
    if paid_out:  # the payout itself says how much matured
        for account_id, largest in connection.execute(
            select(Transaction.account_id, func.max(Transaction.amount_vnd))
            .where(Transaction.account_id.in_(list(paid_out)))
            .group_by(Transaction.account_id)
        ):
            client, index = paid_out[str(account_id)]
            kind, code, _amount, maturity = client.matured[index]
            client.matured[index] = (kind, code, int(largest or 0), maturity)
    for client in found.values():
        client.maturing.sort(key=lambda item: item[3])


def _read_flows(connection: Any, mine: Any, found: dict[str, ClientFeatures], today: dt.date) -> None:
    since = _midnight(today - dt.timedelta(days=HISTORY_DAYS))
    t30 = _midnight(today - dt.timedelta(days=30))
    t60 = _midnight(today - dt.timedelta(days=60))
    t90 = _midnight(today - dt.timedelta(days=90))
    end = _midnight(today + dt.timedelta(days=1))
    posted, amount = Transaction.posted_at, Transaction.amount_vnd
    query = (
        select(
            Transaction.client_id,
            Transaction.direction,
            Transaction.category,
            Transaction.channel,
            Transaction.counterparty,
            func.count().label("n"),
            func.sum(case((posted >= t30, amount), else_=0)).label("sum_30"),
            func.sum(case((posted >= t60, amount), else_=0)).label("sum_60"),
            func.sum(case((posted >= t90, amount), else_=0)).label("sum_90"),
            func.sum(case((posted >= t90, 1), else_=0)).label("n_90"),
            func.max(posted).label("last"),
            func.sum(amount).label("total"),
        )
        .where(Transaction.client_id.in_(mine), posted >= since, posted < end)
        .group_by(
            Transaction.client_id, Transaction.direction, Transaction.category, Transaction.channel,
            Transaction.counterparty,
        )
    )  # fmt: skip
    for flow in connection.execute(query):
        client = found.get(flow.client_id)
        if client is None:
            continue
        category = _folded(str(flow.category or ""))
        merchant = _folded(str(flow.counterparty or ""))
        last = bank_date(flow.last)
        if flow.direction == "in":
            if category in INCOME_CATEGORIES:
                client.income_count += int(flow.n or 0)
                client.income_monthly_vnd = max(client.income_monthly_vnd, int(flow.total or 0) // max(1, flow.n))
                if last and (client.last_income_on is None or last > client.last_income_on):
                    client.last_income_on = last
            if category in BUSINESS_CATEGORIES or _BUSINESS_IN.search(category):
                client.business_in_vnd += int(flow.sum_90 or 0)
            continue
        if category in EXTERNAL_CATEGORIES:
            client.external_out_30_vnd += int(flow.sum_30 or 0)
            client.external_out_60_vnd += int(flow.sum_60 or 0)
            client.external_out_90_vnd += int(flow.sum_90 or 0)
            if last and (client.last_external_on is None or last > client.last_external_on):
                client.last_external_on = last
                client.external_counterparty = str(flow.counterparty or "")
        if flow.channel == "card" or category in _TRAVEL_CATEGORIES:
            client.card_spend_vnd += int(flow.sum_90 or 0)
        if flow.channel in ("card", "online") and int(flow.sum_90 or 0):
            client.spend_by_category[category] = client.spend_by_category.get(category, 0) + int(flow.sum_90 or 0)
        if int(flow.sum_90 or 0):  # whatever the channel: school fees go by transfer
            client.paid_by_category[category] = client.paid_by_category.get(category, 0) + int(flow.sum_90 or 0)
        # A hotel company paid from a business's account ("business_expense") is a supplier, not a trip.
        travel = category in _TRAVEL_CATEGORIES or (
            bool(_TRAVEL_MERCHANT.search(merchant)) and not _BUSINESS_IN.search(category) and "supplier" not in category
        )
        if travel and int(flow.n_90 or 0):
            client.travel_spend_vnd += int(flow.sum_90 or 0)
            client.travel_payments += int(flow.n_90 or 0)
            if flow.counterparty and flow.counterparty not in client.travel_merchants:
                client.travel_merchants.append(str(flow.counterparty))
        if _FOREIGN.search(merchant) and int(flow.n_90 or 0):
            client.foreign_payments += int(flow.n_90 or 0)
    _read_inflows(connection, mine, found, since, end, today)


def _read_inflows(
    connection: Any, mine: Any, found: dict[str, ClientFeatures], since: dt.datetime, end: dt.datetime, today: dt.date
) -> None:
    """Every large incoming payment from outside, one by one (few rows: the amount is selective)."""
    query = (
        select(Transaction.client_id, Transaction.amount_vnd, Transaction.category, Transaction.posted_at)
        .where(
            Transaction.client_id.in_(mine),
            Transaction.direction == "in",
            Transaction.amount_vnd >= INFLOW_MIN_VND,
            Transaction.posted_at >= since,
            Transaction.posted_at < end,
        )
        .order_by(Transaction.posted_at.desc())
    )
    recent = today - dt.timedelta(days=LARGE_DEPOSIT_WINDOW_DAYS)
    for client_id, amount, category, posted in connection.execute(query):
        client = found.get(client_id)
        day = bank_date(posted)
        if client is None or day is None or own_money(str(category or "")):
            continue
        client.inflows.append((int(amount), str(category or ""), day))
        larger = client.large_inflow is None or int(amount) > client.large_inflow[0]
        if day >= recent and int(amount) >= LARGE_DEPOSIT_MIN_VND and larger:
            client.large_inflow = (int(amount), str(category or ""), day)


def _read_logins(connection: Any, mine: Any, found: dict[str, ClientFeatures], today: dt.date) -> None:
    """Weekly logins of the last 12 weeks, oldest first (what a drop is read from)."""
    since = today - dt.timedelta(days=LOGIN_WEEKS * 7)
    query = (
        select(DigitalActivity.client_id, DigitalActivity.week_start, DigitalActivity.logins)
        .where(DigitalActivity.client_id.in_(mine), DigitalActivity.week_start >= since,
               DigitalActivity.week_start <= today)
        .order_by(DigitalActivity.client_id, DigitalActivity.week_start)
    )  # fmt: skip
    for client_id, week, logins in connection.execute(query):
        client = found.get(client_id)
        if client is not None:
            client.logins.append((week, int(logins or 0)))


def _read_notes(connection: Any, mine: Any, found: dict[str, ClientFeatures], today: dt.date) -> None:
    since = _midnight(today - dt.timedelta(days=NOTES_DAYS))
    end = _midnight(today + dt.timedelta(days=1))
    query = (
        select(
            Interaction.client_id, Interaction.occurred_at, Interaction.channel, Interaction.topic,
            Interaction.summary, Interaction.source_text, Interaction.sentiment, Interaction.product_code,
            Interaction.amount_vnd,
        )
        .where(Interaction.client_id.in_(mine), Interaction.occurred_at >= since, Interaction.occurred_at < end)
        .order_by(Interaction.occurred_at.desc())
    )  # fmt: skip
    for row in connection.execute(query):
        client = found.get(row.client_id)
        if client is None:
            continue
        text = " ".join(part for part in (row.topic, row.summary, row.source_text) if part)
        client.notes.append((bank_date(row.occurred_at), row.channel or "", row.topic or "", text,
                             row.sentiment or "", row.product_code or "",
                             int(row.amount_vnd) if row.amount_vnd is not None else None))  # fmt: skip
    tasks = (
        select(Task.client_id, Task.title, Task.kind, Task.due_on)
        .where(Task.client_id.in_(mine), Task.status == "open")
        .order_by(Task.due_on)
    )
    for client_id, title, kind, due_on in connection.execute(tasks):
        client = found.get(client_id)
        day = bank_date(due_on)
        if client is not None and day is not None:
            client.open_tasks.append((title or "", kind or "", day))
