"""Client "essences": what an RM would say about a client in a dozen short facts, for every client at once.

Why facts, and why bounded ones: the profile index embeds each client's facts.
Every fact has two forms: ``text``, drawn from a bounded vocabulary (amounts
in buckets, ages in bands, days to an event in ranges), which is what gets
embedded; and ``detail``, the exact statement shown to the RM as the reason a
client was found. With a bounded vocabulary a bank of 100,000 clients has only
a few thousand distinct fact sentences, each embedded once and cached, so a
profile vector costs a lookup and a mean instead of a model call (see
``tools.knowledge.retrieval``).

Everything is computed in bulk: a handful of grouped SQL queries over all
clients (portable between SQLite and PostgreSQL), then one pass in Python.
Dates are relative to ``today``, the bank's reference date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Connection, case, func, select

from stores.db import Database
from stores.schema import (
    Account,
    Client,
    Complaint,
    DigitalActivity,
    Interaction,
    Product,
    Relationship,
    Transaction,
)
from stores.settings import BANK_TIMEZONE
from tools.core.dates import completed_years
from tools.core.formatting import format_amount
from tools.crm.vocabulary import category_text, source_text
from tools.signals.thresholds import (
    BILLION,
    BIRTHDAY_WINDOW_DAYS,
    IDLE_CASH_MIN_VND,
    INACTIVE_DAYS,
    LARGE_DEPOSIT_MIN_VND,
    LARGE_DEPOSIT_WINDOW_DAYS,
    MATURITY_WINDOW_DAYS,
    MILLION,
    OUTFLOW_SHARE_MIN,
    SALARY_STOP_DAYS,
)

#: Bumped whenever the facts change meaning or wording: an index built from older essences is rebuilt.
PROFILE_VERSION = "1"

HISTORY_DAYS = 182
IN_QUERY_CHUNK = 500

_AMOUNT_BUCKETS: tuple[tuple[int, str, str], ...] = (
    (10 * MILLION, "under 10 million VND", "dưới 10 triệu đồng"),
    (100 * MILLION, "10 to 100 million VND", "10 đến 100 triệu đồng"),
    (500 * MILLION, "100 to 500 million VND", "100 đến 500 triệu đồng"),
    (1 * BILLION, "500 million to 1 billion VND", "500 triệu đến 1 tỷ đồng"),
    (2 * BILLION, "1 to 2 billion VND", "1 đến 2 tỷ đồng"),
    (5 * BILLION, "2 to 5 billion VND", "2 đến 5 tỷ đồng"),
    (10 * BILLION, "5 to 10 billion VND", "5 đến 10 tỷ đồng"),
    (20 * BILLION, "10 to 20 billion VND", "10 đến 20 tỷ đồng"),
    (50 * BILLION, "20 to 50 billion VND", "20 đến 50 tỷ đồng"),
    (sys.maxsize, "over 50 billion VND", "trên 50 tỷ đồng"),
)
_INCOME_BUCKETS: tuple[tuple[int, str, str], ...] = (
    (15 * MILLION, "under 15 million VND", "dưới 15 triệu đồng"),
    (30 * MILLION, "15 to 30 million VND", "15 đến 30 triệu đồng"),
    (60 * MILLION, "30 to 60 million VND", "30 đến 60 triệu đồng"),
    (120 * MILLION, "60 to 120 million VND", "60 đến 120 triệu đồng"),
    (250 * MILLION, "120 to 250 million VND", "120 đến 250 triệu đồng"),
    (sys.maxsize, "over 250 million VND", "trên 250 triệu đồng"),
)
_SPENDING_WORDS = {
    "shopping": ("shopping", "mua sắm"),
    "bills": ("household bills", "hóa đơn sinh hoạt"),
    "dining": ("dining out", "ăn uống nhà hàng"),
    "travel": ("travel", "du lịch"),
    "healthcare": ("healthcare", "y tế, khám chữa bệnh"),
    "education": ("education and tuition fees", "giáo dục, học phí"),
}
_RISK_WORDS = {
    "conservative": (
        "Conservative risk profile: prefers safe deposits over investments.",
        "Khẩu vị rủi ro thận trọng: thích tiền gửi an toàn hơn đầu tư.",
    ),
    "balanced": ("Balanced risk profile.", "Khẩu vị rủi ro cân bằng."),
    "growth": ("Growth risk profile: open to investment products.", "Khẩu vị rủi ro tăng trưởng: sẵn sàng đầu tư."),
}
_CHANNEL_WORDS = {
    "email": ("email", "email"),
    "zalo": ("Zalo", "Zalo"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "phone": ("phone calls", "điện thoại"),
}
_RELATION_WORDS = {
    "spouse": ("Married; the spouse also banks with us.", "Đã kết hôn; vợ hoặc chồng cũng giao dịch tại ngân hàng."),
    "parent": ("A parent; their child also banks with us.", "Là cha mẹ; con cũng giao dịch tại ngân hàng."),
    "child": ("Their parent also banks with us.", "Cha hoặc mẹ cũng giao dịch tại ngân hàng."),
    "sibling": ("A brother or sister also banks with us.", "Anh chị em ruột cũng giao dịch tại ngân hàng."),
}
_INCOME_CATEGORIES = ("salary", "pension", "business_income")
#: Facts about what is happening now weigh more in a profile vector than who the client is (measured: bench).
EVENT_KINDS = frozenset(
    {
        "idle_cash",
        "large_inflow",
        "money_out",
        "income_stopped",
        "digital_drop",
        "cd_maturing",
        "loan_maturing",
        "birthday",
        "inactive",
        "complaint",
    }
)
EVENT_WEIGHT = 3.0


class Fact(NamedTuple):
    """One thing about a client.

    ``text`` (English) and ``text_vi`` (Vietnamese) come from a bounded
    vocabulary and are what gets embedded; ``detail`` is the exact statement
    shown to the RM. A named tuple: 100,000 clients make 1.5 million of them.
    """

    kind: str
    text: str
    text_vi: str
    detail: str

    @property
    def weight(self) -> float:
        return EVENT_WEIGHT if self.kind in EVENT_KINDS else 1.0


@dataclass(frozen=True)
class Essence:
    """A client's facts as of ``today``."""

    client_id: str
    rm_id: str
    facts: tuple[Fact, ...]

    @property
    def fact_texts(self) -> list[str]:
        return [fact.text for fact in self.facts]

    @property
    def text(self) -> str:
        """The readable essence, exact figures included: for display and justification."""
        return " ".join(fact.detail for fact in self.facts)

    @property
    def embedding_text(self) -> str:
        """The bounded English facts as one text (what a whole-text embedding reads)."""
        return " ".join(self.fact_texts)

    @property
    def content_hash(self) -> str:
        """Changes exactly when the embedded facts change: the incremental update compares it."""
        parts = [PROFILE_VERSION, *(f"{fact.kind}|{fact.text}|{fact.text_vi}" for fact in self.facts)]
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:20]

    def kinds(self) -> set[str]:
        return {fact.kind for fact in self.facts}


# ----- formatting -------------------------------------------------------------------------------------------------


def bucket(amount: float, buckets: Sequence[tuple[int, str, str]] = _AMOUNT_BUCKETS) -> tuple[str, str]:
    """The bounded words for an amount, in English and Vietnamese (``2 to 5 billion VND``)."""
    limits = _LIMITS.get(id(buckets))
    if limits is None:
        limits = _LIMITS[id(buckets)] = [limit for limit, _, _ in buckets]
    position = min(bisect.bisect_right(limits, amount), len(buckets) - 1)
    return buckets[position][1], buckets[position][2]


_LIMITS: dict[int, list[int]] = {}


def _age_band(age: int) -> tuple[str, str]:
    if age < 30:
        return "Aged under 30.", "Dưới 30 tuổi."
    if age >= 70:
        return "Aged 70 or over.", "Từ 70 tuổi trở lên."
    low = age // 10 * 10
    return f"Aged {low} to {low + 9}.", f"Tuổi từ {low} đến {low + 9}."


def _days_to_birthday(born: dt.date, today: dt.date) -> int:
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # 29 February: celebrated on the 28th in other years
            day = dt.date(year, 2, 28)
        if day >= today:
            return (day - today).days
    return 366  # not reached


def _days_words(days: int) -> tuple[str, str]:
    if days <= 7:
        return "within 7 days", "trong 7 ngày tới"
    if days <= 14:
        return "in 8 to 14 days", "trong 8 đến 14 ngày tới"
    return "in 15 to 30 days", "trong 15 đến 30 ngày tới"


def _tenure(onboarded: dt.date, today: dt.date) -> tuple[str, str]:
    days = (today - onboarded).days
    if days < 90:
        return "New to the bank: joined in the last 3 months.", "Mới đến với ngân hàng trong 3 tháng gần đây."
    if days < 365:
        return "With the bank for less than a year.", "Gắn bó với ngân hàng dưới một năm."
    if days < 5 * 365:
        return "With the bank for 1 to 5 years.", "Gắn bó với ngân hàng từ 1 đến 5 năm."
    return "Long-standing: with the bank for more than 5 years.", "Gắn bó lâu năm với ngân hàng, hơn 5 năm."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ----- the bulk read ----------------------------------------------------------------------------------------------


class _Account(NamedTuple):
    kind: str
    product_code: str
    status: str
    balance_vnd: int
    maturity_on: dt.date | None


class _Flow(NamedTuple):
    direction: str
    category: str
    n_45: int
    n_90: int
    sum_90: int
    sum_30: int
    max_7: int


@dataclass
class _Row:
    """Everything read about one client, before it becomes facts."""

    client: Any
    accounts: list[_Account] = field(default_factory=list)
    flows: list[_Flow] = field(default_factory=list)
    last_contact: dt.datetime | None = None
    complaints: list[Any] = field(default_factory=list)
    logins_recent: int | None = None
    logins_before: int | None = None
    relations: list[str] = field(default_factory=list)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=BANK_TIMEZONE)


def _chunks(ids: Sequence[str] | None) -> Iterator[list[str] | None]:
    if ids is None:
        yield None
        return
    for start in range(0, len(ids), IN_QUERY_CHUNK):
        yield list(ids[start : start + IN_QUERY_CHUNK])


def _restricted(statement: Any, column: Any, ids: list[str] | None) -> Any:
    return statement if ids is None else statement.where(column.in_(ids))


def _read(connection: Connection, today: dt.date, ids: list[str] | None) -> dict[str, _Row]:
    """Seven grouped queries for the clients ``ids`` (all when None)."""
    rows: dict[str, _Row] = {}
    client_query = select(
        Client.id,
        Client.rm_id,
        Client.segment,
        Client.date_of_birth,
        Client.occupation,
        Client.city,
        Client.risk_profile,
        Client.preferred_channel,
        Client.language,
        Client.onboarded_on,
    )
    for client in connection.execute(_restricted(client_query, Client.id, ids)):
        rows[client.id] = _Row(client=client)

    recent_matured = today - dt.timedelta(days=HISTORY_DAYS)
    account_query = select(
        Account.client_id, Account.kind, Account.product_code, Account.status, Account.balance_vnd, Account.maturity_on
    ).where((Account.status == "active") | ((Account.status == "matured") & (Account.maturity_on >= recent_matured)))
    for client_id, kind, code, status, balance, maturity in connection.execute(
        _restricted(account_query, Account.client_id, ids)
    ):
        if client_id in rows:
            rows[client_id].accounts.append(_Account(kind, code, status, int(balance), maturity))

    since = _start_of(today - dt.timedelta(days=HISTORY_DAYS))
    t7 = _start_of(today - dt.timedelta(days=LARGE_DEPOSIT_WINDOW_DAYS))
    t30 = _start_of(today - dt.timedelta(days=30))
    t45 = _start_of(today - dt.timedelta(days=SALARY_STOP_DAYS))
    t90 = _start_of(today - dt.timedelta(days=90))
    amount = Transaction.amount_vnd
    posted = Transaction.posted_at
    flow_query = (
        select(
            Transaction.client_id,
            Transaction.direction,
            Transaction.category,
            func.count().label("n_all"),
            func.sum(case((posted >= t45, 1), else_=0)).label("n_45"),
            func.sum(case((posted >= t90, amount), else_=0)).label("sum_90"),
            func.sum(case((posted >= t90, 1), else_=0)).label("n_90"),
            func.sum(case((posted >= t30, amount), else_=0)).label("sum_30"),
            func.max(case((posted >= t7, amount), else_=0)).label("max_7"),
        )
        .where(posted >= since)
        .group_by(Transaction.client_id, Transaction.direction, Transaction.category)
    )
    for flow in connection.execute(_restricted(flow_query, Transaction.client_id, ids)):
        if flow.client_id in rows:
            rows[flow.client_id].flows.append(
                _Flow(
                    flow.direction,
                    flow.category,
                    int(flow.n_45 or 0),
                    int(flow.n_90 or 0),
                    int(flow.sum_90 or 0),
                    int(flow.sum_30 or 0),
                    int(flow.max_7 or 0),
                )
            )

    contact_query = select(Interaction.client_id, func.max(Interaction.occurred_at).label("last")).group_by(
        Interaction.client_id
    )
    for contact in connection.execute(_restricted(contact_query, Interaction.client_id, ids)):
        if contact.client_id in rows:
            rows[contact.client_id].last_contact = contact.last

    complaint_query = select(Complaint.client_id, Complaint.category, Complaint.opened_on).where(
        Complaint.status == "open"
    )
    for complaint in connection.execute(_restricted(complaint_query, Complaint.client_id, ids)):
        if complaint.client_id in rows:
            rows[complaint.client_id].complaints.append(complaint)

    w4 = today - dt.timedelta(days=28)
    w8 = today - dt.timedelta(days=56)
    week = DigitalActivity.week_start
    login_query = (
        select(
            DigitalActivity.client_id,
            func.sum(case((week > w4, DigitalActivity.logins), else_=0)).label("recent"),
            func.sum(case((week <= w4, DigitalActivity.logins), else_=0)).label("before"),
        )
        .where(week > w8)
        .group_by(DigitalActivity.client_id)
    )
    for login in connection.execute(_restricted(login_query, DigitalActivity.client_id, ids)):
        if login.client_id in rows:
            rows[login.client_id].logins_recent = int(login.recent or 0)
            rows[login.client_id].logins_before = int(login.before or 0)

    relation_query = select(Relationship.client_id, Relationship.relation)
    for relation in connection.execute(_restricted(relation_query, Relationship.client_id, ids)):
        if relation.client_id in rows:
            rows[relation.client_id].relations.append(relation.relation)
    return rows


def compute_essences(
    database: Database, *, today: dt.date, client_ids: Iterable[str] | None = None
) -> dict[str, Essence]:
    """The essence of every client (or of ``client_ids``), keyed and ordered by client id."""
    ids = sorted(set(client_ids)) if client_ids is not None else None
    with database.engine.connect() as connection:
        products = {row.code: row.name for row in connection.execute(select(Product.code, Product.name))}
        rows: dict[str, _Row] = {}
        for chunk in _chunks(ids):
            rows.update(_read(connection, today, chunk))
    return {client_id: _essence(rows[client_id], today, products) for client_id in sorted(rows)}


# ----- facts ------------------------------------------------------------------------------------------------------


def _essence(row: _Row, today: dt.date, products: dict[str, str]) -> Essence:
    client = row.client
    facts: list[Fact] = []

    def add(kind: str, text: str, text_vi: str, detail: str | None = None) -> None:
        facts.append(Fact(kind=kind, text=text, text_vi=text_vi, detail=detail or text))

    def product_name(code: str) -> str:
        return products.get(code, code)

    # Who they are.
    age = completed_years(client.date_of_birth, today)
    add("segment", f"{client.segment} segment.", f"Hạng {client.segment}.", f"{client.segment} segment client.")
    if age is not None:  # date_of_birth is required: an unreadable one tells no age
        add("age", *_age_band(age), f"Aged {age}.")
    if client.occupation == "Retiree":
        add("occupation", "Retired.", "Đã nghỉ hưu.")
    elif client.occupation:
        add("occupation", f"Works as: {client.occupation}.", f"Nghề nghiệp: {client.occupation}.")
    if client.city:
        add("city", f"Lives in {client.city}.", f"Sống ở {client.city}.")
    for relation in sorted(set(row.relations)):
        english, vietnamese = _RELATION_WORDS.get(
            relation, (f"Family ({relation}) also banks with us.", "Người thân cũng giao dịch tại ngân hàng.")
        )
        add("household", english, vietnamese)
    english, vietnamese = _RISK_WORDS.get(
        client.risk_profile, (f"Risk profile: {client.risk_profile}.", f"Khẩu vị rủi ro: {client.risk_profile}.")
    )
    add("risk", english, vietnamese)
    channel, channel_vi = _CHANNEL_WORDS.get(client.preferred_channel, (client.preferred_channel,) * 2)
    language, language_vi = ("Vietnamese", "tiếng Việt") if client.language == "vi" else ("English", "tiếng Anh")
    add("channel", f"Prefers {channel}, in {language}.", f"Thích liên lạc qua {channel_vi}, bằng {language_vi}.")
    add("tenure", *_tenure(client.onboarded_on, today), f"Client since {client.onboarded_on.isoformat()}.")

    # What they hold.
    totals: dict[str, int] = defaultdict(int)
    loans: dict[str, int] = defaultdict(int)
    investments: set[str] = set()
    cards: set[str] = set()
    maturing: list[_Account] = []
    matured: list[tuple[dt.date, int]] = []  # (maturity, amount) of CDs that matured recently
    horizon = today + dt.timedelta(days=MATURITY_WINDOW_DAYS)
    for account in row.accounts:
        if account.status != "active":
            if account.status == "matured" and account.kind == "cd" and account.maturity_on is not None:
                matured.append((account.maturity_on, account.balance_vnd))
            continue
        totals[account.kind] += account.balance_vnd
        if account.kind == "loan":
            loans[account.product_code] += account.balance_vnd
        elif account.kind == "investment":
            investments.add(account.product_code)
        elif account.kind == "card":
            cards.add(account.product_code)
        maturity = account.maturity_on
        if maturity is not None and account.kind in ("cd", "loan") and today <= maturity <= horizon:
            maturing.append(account)
    aum = totals["casa"] + totals["savings"] + totals["cd"] + totals["investment"]
    words, words_vi = bucket(aum)
    add(
        "aum",
        f"Total assets with the bank: {words}.",
        f"Tổng tài sản tại ngân hàng: {words_vi}.",
        f"Total assets with the bank: {format_amount(aum, 'en')}.",
    )
    labels = {
        "casa": ("Current account balance", "Số dư tài khoản thanh toán"),
        "savings": ("Savings balance", "Số dư tiết kiệm"),
        "cd": ("Certificates of deposit", "Tiền gửi có kỳ hạn"),
        "investment": ("Investments", "Đầu tư"),
    }
    for kind, (label, label_vi) in labels.items():
        if totals[kind] > 0:
            words, words_vi = bucket(totals[kind])
            add(
                f"holding_{kind}",
                f"{label}: {words}.",
                f"{label_vi}: {words_vi}.",
                f"{label}: {format_amount(totals[kind], 'en')}.",
            )
    for code in sorted(investments):
        add("product", f"Holds {product_name(code)}.", f"Đang đầu tư {product_name(code)}.")
    for code, outstanding in sorted(loans.items()):
        words, words_vi = bucket(outstanding)
        add(
            "loan",
            f"Has a loan ({product_name(code)}) with {words} outstanding.",
            f"Có khoản vay ({product_name(code)}) còn nợ {words_vi}.",
            f"Has a loan ({product_name(code)}) with {format_amount(outstanding, 'en')} outstanding.",
        )
    for code in sorted(cards):
        add("card", f"Holds a card: {product_name(code)}.", f"Có thẻ {product_name(code)}.")

    # How money moves.
    flows = {(flow.direction, flow.category): flow for flow in row.flows}
    incoming_7 = max(((f.max_7, f.category) for f in row.flows if f.direction == "in"), default=(0, ""))
    cash = totals["casa"] + totals["savings"]
    if cash >= IDLE_CASH_MIN_VND:
        words, words_vi = bucket(cash)
        add(
            "idle_cash",
            f"Idle cash: {words} sitting in current and savings accounts, not invested.",
            f"Tiền nhàn rỗi: {words_vi} nằm trong tài khoản thanh toán và tiết kiệm, chưa đầu tư.",
            f"Idle cash: {format_amount(cash, 'en')} in current and savings accounts, not invested.",
        )
    for category in _INCOME_CATEGORIES:
        flow = flows.get(("in", category))
        if flow is None:
            continue
        if category == "business_income":
            add("income", "Receives business income.", "Có thu nhập từ kinh doanh.")
            continue
        word, word_vi = ("salary", "lương") if category == "salary" else ("pension", "lương hưu")
        if flow.n_45 == 0:
            add(
                "income_stopped",
                f"The monthly {word} stopped arriving in the last {SALARY_STOP_DAYS} days.",
                f"Khoản {word_vi} hằng tháng đã ngừng chuyển về trong {SALARY_STOP_DAYS} ngày qua.",
            )
        else:
            monthly = flow.sum_90 / max(1, flow.n_90)
            words, words_vi = bucket(monthly, _INCOME_BUCKETS)
            add(
                "income",
                f"Receives a regular monthly {word} of {words}.",
                f"Nhận {word_vi} hằng tháng đều đặn {words_vi}.",
                f"Receives a regular monthly {word} of about {format_amount(monthly, 'en')}.",
            )
    spending = sorted(
        (
            (flow.sum_90, category)
            for (direction, category), flow in flows.items()
            if direction == "out" and category in _SPENDING_WORDS and flow.sum_90 > 0
        ),
        reverse=True,
    )
    for _, category in spending[:2]:
        english, vietnamese = _SPENDING_WORDS[category]
        add("spending", f"Spends on {english}.", f"Chi tiêu cho {vietnamese}.")
    external = flows.get(("out", "transfer_external"))
    moved = external.sum_30 if external is not None else 0
    if moved > 0 and moved / (cash + moved) >= OUTFLOW_SHARE_MIN:
        share = moved / (cash + moved)
        band = "more than 80%" if share >= 0.8 else ("60 to 80%" if share >= 0.6 else "30 to 60%")
        band_vi = "hơn 80%" if share >= 0.8 else ("60 đến 80%" if share >= 0.6 else "30 đến 60%")
        add(
            "money_out",
            f"Moving money out: sent {band} of their cash to other banks in the last 30 days.",
            f"Đang chuyển tiền đi: đã chuyển {band_vi} số tiền sang ngân hàng khác trong 30 ngày qua.",
            f"Moving money out: sent {format_amount(moved, 'en')} ({share:.0%} of their cash) to other banks "
            "in the last 30 days.",
        )
    if row.logins_recent is None:
        add("digital", "Does not use the mobile banking app.", "Không dùng ứng dụng ngân hàng.")
    else:
        recent, before = row.logins_recent, row.logins_before or 0
        if before >= 8 and recent <= before * 0.4:
            add(
                "digital_drop",
                "Mobile app logins dropped sharply in the last 4 weeks.",
                "Số lần đăng nhập ứng dụng giảm mạnh trong 4 tuần qua.",
                f"Mobile app logins dropped from {before} to {recent} over the last 4 weeks.",
            )
        elif recent >= 20:
            add(
                "digital",
                "Uses the mobile banking app often.",
                "Dùng ứng dụng ngân hàng thường xuyên.",
                f"Mobile app: {recent} logins in the last 4 weeks.",
            )
        elif recent > 0:
            add(
                "digital",
                "Uses the mobile banking app occasionally.",
                "Thỉnh thoảng dùng ứng dụng ngân hàng.",
                f"Mobile app: {recent} logins in the last 4 weeks.",
            )
        else:
            add("digital", "Has not logged in to the mobile app recently.", "Gần đây không đăng nhập ứng dụng.")

    # What is happening now.
    amount, category = incoming_7
    if amount >= LARGE_DEPOSIT_MIN_VND:
        source, source_vi = source_text(category, "en"), source_text(category, "vi")
        words, words_vi = bucket(amount)
        add(
            "large_inflow",
            f"Just received a large amount of money: {words} ({source}) in the last 7 days.",
            f"Vừa nhận một khoản tiền lớn: {words_vi} ({source_vi}) trong 7 ngày qua.",
            f"Just received {format_amount(amount, 'en')} ({source}) in the last 7 days.",
        )
    for account in sorted(maturing, key=lambda a: (a.maturity_on, a.product_code, a.balance_vnd)):
        maturity = account.maturity_on
        assert maturity is not None
        days = (maturity - today).days
        when, when_vi = _days_words(days)
        name = product_name(account.product_code)
        if account.kind == "cd":
            words, words_vi = bucket(account.balance_vnd)
            add(
                "cd_maturing",
                f"Certificate of deposit maturing soon: {words}, matures {when}.",
                f"Tiền gửi có kỳ hạn sắp đáo hạn: {words_vi}, đáo hạn {when_vi}.",
                f"Certificate of deposit ({name}) of {format_amount(account.balance_vnd, 'en')} "
                f"matures on {maturity.isoformat()}, in {_plural(days, 'day')}.",
            )
        else:
            add(
                "loan_maturing",
                f"Loan ending soon: the {name} ends {when}, nearly repaid.",
                f"Khoản vay sắp tất toán: {name} kết thúc {when_vi}, gần trả hết nợ.",
                f"Loan ({name}) with {format_amount(account.balance_vnd, 'en')} left ends on {maturity.isoformat()}, "
                f"in {_plural(days, 'day')}.",
            )
    if matured:
        matured_on, matured_amount = max(matured)
        add(
            "cd_matured",
            "A certificate of deposit matured in the last 6 months.",
            "Một khoản tiền gửi có kỳ hạn đã đáo hạn trong 6 tháng qua.",
            f"A certificate of deposit of {format_amount(matured_amount, 'en')} matured on {matured_on.isoformat()}.",
        )
    until_birthday = _days_to_birthday(client.date_of_birth, today)
    if until_birthday == 0:
        add("birthday", "Birthday is today.", "Hôm nay là sinh nhật.", f"Birthday is today (turns {age}).")
    elif until_birthday <= BIRTHDAY_WINDOW_DAYS:
        add(
            "birthday",
            "Birthday within the next 7 days.",
            "Sắp đến sinh nhật, trong 7 ngày tới.",
            f"Birthday in {_plural(until_birthday, 'day')}.",
        )
    if row.last_contact is None:
        add("inactive", "Never contacted by the relationship manager.", "Chưa từng được liên hệ, chăm sóc.")
    else:
        days = (today - row.last_contact.astimezone(BANK_TIMEZONE).date()).days
        if days > INACTIVE_DAYS:
            add(
                "inactive",
                f"Inactive: not contacted for more than {INACTIVE_DAYS} days.",
                f"Không hoạt động: hơn {INACTIVE_DAYS} ngày chưa được liên hệ.",
                f"Inactive: last contacted {days} days ago, on {row.last_contact.date().isoformat()}.",
            )
        elif days > 30:
            add(
                "contact",
                "Last contacted 1 to 3 months ago.",
                "Lần liên hệ gần nhất cách đây 1 đến 3 tháng.",
                f"Last contacted {days} days ago.",
            )
        else:
            add(
                "contact",
                "Contacted in the last 30 days.",
                "Đã được liên hệ trong 30 ngày qua.",
                f"Last contacted {_plural(max(days, 0), 'day')} ago.",
            )
    for complaint in sorted(row.complaints, key=lambda c: (c.opened_on, c.category)):
        topic_vi = category_text(complaint.category, "vi")
        add(
            "complaint",
            f"Has an open complaint about {complaint.category}.",
            f"Đang có khiếu nại chưa giải quyết về {topic_vi}.",
            f"Has an open complaint about {complaint.category}, opened on {complaint.opened_on.isoformat()}.",
        )
    return Essence(client_id=client.id, rm_id=client.rm_id, facts=tuple(facts))
