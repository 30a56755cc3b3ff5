"""The semantic layer of instant performance reporting: question → ``ReportQuery`` → one SQL query.

An RM asks about their own performance or portfolio in English or Vietnamese (with or
without diacritics). Most questions follow a few dozen patterns, so a deterministic
rule set answers them instantly, the same way every time, with SQL whose meaning was
tested against a hand-computed bank; only what the rules do not know
(``NotUnderstood``) goes to the slower LLM path. Requests that must never run (writes,
another RM's data, system tables) are refused here already (``NotAllowed``).

The SQL uses the ``:rm_id`` and ``:today`` placeholders and is meant to run through
``tools.reporting.guard.run_guarded_query``, which binds them and scopes every table to the
RM; the queries still say ``c.rm_id = :rm_id`` so that they read correctly on their own.
Period bounds are resolved in Python (``resolve_period``) and inlined as date literals;
only "as of today" windows (overdue, maturing, inactive) use ``:today``. Every query is
a JOIN/GROUP BY or an uncorrelated subquery: the guard makes correlated subqueries slow.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from typing import Any

from stores.schema import SEGMENTS
from tools.core.language import detect_language
from tools.core.text import fold
from tools.signals.thresholds import AUM_KINDS, DEPOSIT_KINDS, INACTIVE_DAYS, MATURITY_WINDOW_DAYS

__all__ = [
    "METRICS",
    "NotAllowed",
    "NotUnderstood",
    "Period",
    "ReportQuery",
    "build_sql",
    "check_allowed",
    "find_period",
    "parse_question",
    "resolve_period",
]

logger = logging.getLogger(__name__)

#: metric name -> one-line meaning (for documentation and the LLM prompt).
METRICS: dict[str, str] = {
    "aum": "Assets under management now: sum of balances of active casa/savings/cd/investment accounts.",
    "new_deposits": "Sum of balances of casa/savings/cd accounts opened in the period (default: this month).",
    "new_loans": "Sum of balances of loan accounts opened in the period (default: this month).",
    "client_contacts": "Number of interactions with clients in the period (default: this month).",
    "targets": "Actual value of aum/new_loans/new_deposits/client_contacts vs the target for that month or quarter.",
    "performance_summary": "AUM, new loans, new deposits and client contacts this quarter, each with its target.",
    "open_tasks": "Open follow-up tasks (list, or a count).",
    "overdue_tasks": "Open tasks whose due date is before today (list, or a count).",
    "inactive_clients": "Clients with no interaction in the last N days (default 90) or none at all.",
    "upcoming_maturities": "Active CDs and loans maturing between today and today + N days (default 30).",
    "client_count": "Number of clients (optionally by segment, or only those onboarded in the period).",
    "top_clients": "The N clients (default 5) with the largest AUM.",
    "complaints_open": "Open complaints (list, or a count).",
    "client_list": "Your clients (optionally of one segment) with their AUM, largest first.",
}

#: The metrics that have targets in the ``targets`` table.
TARGET_METRICS = ("aum", "new_loans", "new_deposits", "client_contacts")
#: The metrics that may be grouped by segment.
SEGMENT_GROUPABLE = frozenset({"aum", "client_count", "new_deposits", "new_loans", "client_contacts"})
#: The flows that have a history, so they can be shown month by month (a trend); AUM has no balance history.
MONTH_GROUPABLE = frozenset({"new_deposits", "new_loans", "client_contacts"})
#: The metrics that may be answered as a count instead of a list.
COUNTABLE = frozenset({"open_tasks", "overdue_tasks", "inactive_clients", "upcoming_maturities", "complaints_open"})
#: Metrics that are "as of now": a period in the question does not change them.
POINT_IN_TIME = frozenset(
    {
        "aum",
        "open_tasks",
        "overdue_tasks",
        "inactive_clients",
        "upcoming_maturities",
        "client_count",
        "top_clients",
        "complaints_open",
        "client_list",
    }
)
DEFAULT_TOP = 5
MAX_TOP = 100
MAX_DAYS = 3660
DIALECTS = ("sqlite", "postgresql")

REFUSE_OTHER_RM = "I can only read your own clients' data."
REFUSE_WRITE = "I can only read data here; changes go through the data-entry flow."
REFUSE_SYSTEM = "I can only report on your clients; system tables and credentials are off limits."


class NotUnderstood(ValueError):
    """The rules do not know this question; the LLM path may still answer it."""


class NotAllowed(ValueError):
    """The request must be refused (a write, another RM's data, system data); the message says why."""


@dataclass(frozen=True)
class Period:
    """An inclusive date range with the words that named it."""

    start: dt.date
    end: dt.date
    label: str

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> Period | None:
        return (
            cls(dt.date.fromisoformat(raw["start"]), dt.date.fromisoformat(raw["end"]), raw["label"]) if raw else None
        )


@dataclass(frozen=True)
class ReportQuery:
    """What was asked, independent of SQL: the LLM path and follow-ups build on it."""

    metric: str
    period: Period | None
    group_by: str | None = None
    filters: dict[str, str] = field(default_factory=dict)
    limit: int | None = None
    language: str = "en"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON, kept on a thread so follow-ups ("and last month?") build on it."""
        data = dataclasses.asdict(self)
        data["period"] = self.period.to_json() if self.period is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ReportQuery | None:
        """The query ``to_json`` wrote; None for nothing or anything unreadable (an old thread's leftovers)."""
        if not data:
            return None
        try:
            period = Period.from_json(data.get("period"))
            return cls(
                metric=data["metric"],
                period=period,
                group_by=data.get("group_by"),
                filters=dict(data.get("filters") or {}),
                limit=data.get("limit"),
                language=data.get("language", "en"),
            )
        except (KeyError, TypeError, ValueError):
            logger.warning("ignoring an unreadable previous report query on the thread")
            return None


_CLIENTS = ["id", "rm_id", "full_name", "segment"]
#: The tables and columns each rule metric reads (what ``build_sql`` uses): the schema the graph fetches.
METRIC_COLUMNS: dict[str, dict[str, list[str]]] = {
    "aum": {"accounts": ["client_id", "kind", "status", "balance_vnd"], "clients": _CLIENTS},
    "new_deposits": {"accounts": ["client_id", "kind", "balance_vnd", "opened_on"], "clients": _CLIENTS},
    "new_loans": {"accounts": ["client_id", "kind", "balance_vnd", "opened_on"], "clients": _CLIENTS},
    "client_contacts": {"interactions": ["id", "client_id", "occurred_at"], "clients": _CLIENTS},
    "targets": {"targets": ["rm_id", "period", "metric", "target_value"]},
    "performance_summary": {
        "accounts": ["client_id", "kind", "status", "balance_vnd", "opened_on"],
        "interactions": ["id", "client_id", "occurred_at"],
        "clients": _CLIENTS,
        "targets": ["rm_id", "period", "metric", "target_value"],
    },
    "open_tasks": {"tasks": ["id", "client_id", "title", "kind", "due_on", "status"], "clients": _CLIENTS},
    "overdue_tasks": {"tasks": ["id", "client_id", "title", "kind", "due_on", "status"], "clients": _CLIENTS},
    "complaints_open": {
        "complaints": ["id", "client_id", "category", "opened_on", "status", "summary"],
        "clients": _CLIENTS,
    },
    "inactive_clients": {"clients": _CLIENTS, "interactions": ["id", "client_id", "occurred_at"]},
    "upcoming_maturities": {
        "accounts": ["id", "client_id", "kind", "balance_vnd", "maturity_on", "status"],
        "clients": _CLIENTS,
    },
    "client_count": {"clients": [*_CLIENTS, "onboarded_on"]},
    "top_clients": {"clients": _CLIENTS, "accounts": ["client_id", "kind", "status", "balance_vnd"]},
    "client_list": {"clients": _CLIENTS, "accounts": ["client_id", "kind", "status", "balance_vnd"]},
}
#: Metrics whose values are money, and those answered as a list of rows.
MONEY_METRICS = frozenset({"aum", "new_deposits", "new_loans"})
LIST_METRICS = frozenset({"open_tasks", "overdue_tasks", "complaints_open", "inactive_clients",
                          "upcoming_maturities", "top_clients", "client_list"})  # fmt: skip


def columns_for(query: ReportQuery) -> dict[str, list[str]]:
    """The tables and columns the rules' SQL for ``query`` reads (a target adds its base metric's)."""
    columns = {table: list(names) for table, names in METRIC_COLUMNS.get(query.metric, {}).items()}
    if query.metric == "targets":
        for table, names in METRIC_COLUMNS.get(query.filters.get("target_metric", "aum"), {}).items():
            columns.setdefault(table, list(names))
    return columns


# --------------------------------------------------------------------------- text


# --------------------------------------------------------------------------- periods

_MONTHS_EN = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_NAMES = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_DATE = r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?)"
_RANGE = re.compile(
    rf"(?:\bfrom|\btu|\bbetween|\btu ngay)?\s*(?:ngay\s+)?(?P<a>{_DATE})\s*"
    rf"(?:to|until|till|and|den|toi|-|–)\s*(?:ngay\s+)?(?P<b>{_DATE})"
)
_SINCE = re.compile(rf"\b(?:since|from|tu|ke tu)\s+(?:ngay\s+)?(?P<a>{_DATE}|\d{{1,2}} thang \d{{1,2}})\b")
_LAST_N_DAYS = re.compile(
    r"\b(?:(?:in )?(?:the )?(?:last|past) (?P<n>\d{1,4}) days|(?P<m>\d{1,4}) ngay (?:qua|gan day))\b"
)
_ISO_MONTH = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})\b(?!-\d)")
_QUARTER = re.compile(
    r"\b(?:q(?P<q1>[1-4])(?:[ /-]?(?P<y1>\d{4}))?|(?P<y0>\d{4})[ -]?q(?P<q0>[1-4])|"
    r"quy (?P<q2>[1-4]|iv|iii|ii|i)(?:(?: nam| /|/| -| )?\s*(?P<y2>\d{4}))?|"
    r"(?:the )?(?P<q3>first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of)?(?: (?P<y3>\d{4}))?)\b"
)
_VI_MONTH = re.compile(r"\bthang (?P<m>1[0-2]|0?[1-9])(?:(?: nam| /|/| -|-| )\s*(?P<y>\d{4}))?\b")
_EN_MONTH = re.compile(rf"\b(?:in |for |during )?(?P<name>{_MONTH_NAMES})\b\.?(?:,? (?P<y>\d{{4}}))?")
_YEAR = re.compile(r"\b(?:nam|in|year|for|during) (?P<y>(?:19|20)\d{2})\b")
_ORDINAL_Q = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

_RELATIVE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(today|hom nay|ngay hom nay)\b"), "today"),
    (re.compile(r"\b(yesterday|hom qua)\b"), "yesterday"),
    (re.compile(r"\b(this week|current week|tuan nay)\b"), "this_week"),
    (re.compile(r"(?<!\d )\b(last week|previous week|past week|tuan truoc|tuan qua|tuan vua roi)\b"), "last_week"),
    (
        re.compile(
            r"\b((?:luy ke )?tu dau thang(?: (?:den nay|toi nay|den gio|toi gio))?|this month|current month|"
            r"month to date|mtd|thang nay)\b"
        ),
        "this_month",
    ),
    (
        re.compile(r"(?<!\d )\b(last month|previous month|past month|thang truoc|thang vua roi|thang qua)\b"),
        "last_month",
    ),
    (
        re.compile(
            r"\b((?:luy ke )?tu dau quy(?: (?:den nay|toi nay|den gio|toi gio))?|this quarter|current quarter|"
            r"quarter to date|qtd|quy nay)\b"
        ),
        "this_quarter",
    ),
    (re.compile(r"\b(last quarter|previous quarter|past quarter|quy truoc|quy vua roi)\b"), "last_quarter"),
    (
        re.compile(
            r"\b(year to date|ytd|so far this year|(?:luy ke )?tu dau nam(?: (?:nay|den nay|toi nay|den gio|toi gio))?|"
            r"since the start of the year)\b"
        ),
        "ytd",
    ),
    (re.compile(r"\b(this year|current year|nam nay)\b"), "this_year"),
    (re.compile(r"\b(last year|previous year|nam ngoai|nam truoc|nam qua)\b"), "last_year"),
]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _quarter_period(year: int, quarter: int, label: str) -> Period:
    start = dt.date(year, 3 * quarter - 2, 1)
    return _period(start, _month_end(year, 3 * quarter), label)


def _month_period(year: int, month: int, label: str) -> Period:
    return _period(dt.date(year, month, 1), _month_end(year, month), label)


def _period(start: dt.date, end: dt.date, label: str) -> Period:
    return Period(start, end, f"{label} ({start.isoformat()} – {end.isoformat()})")


def _relative(kind: str, today: dt.date) -> Period:
    """The named calendar periods around ``today`` (weeks run Monday–Sunday)."""
    quarter = (today.month - 1) // 3 + 1
    monday = today - dt.timedelta(days=today.weekday())
    if kind == "today":
        return _period(today, today, "today")
    if kind == "yesterday":
        day = today - dt.timedelta(days=1)
        return _period(day, day, "yesterday")
    if kind == "this_week":
        return _period(monday, monday + dt.timedelta(days=6), "this week")
    if kind == "last_week":
        return _period(monday - dt.timedelta(days=7), monday - dt.timedelta(days=1), "last week")
    if kind == "this_month":
        return _month_period(today.year, today.month, "this month")
    if kind == "last_month":
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        return _month_period(year, month, "last month")
    if kind == "this_quarter":
        return _quarter_period(today.year, quarter, "this quarter")
    if kind == "last_quarter":
        year, last = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
        return _quarter_period(year, last, "last quarter")
    if kind == "ytd":
        return _period(dt.date(today.year, 1, 1), today, "year to date")
    if kind == "this_year":
        return _period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31), "this year")
    return _period(dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31), "last year")


def _parse_date(token: str, today: dt.date) -> dt.date | None:
    """``2025-10-01``, ``1/10``, ``1/10/2025``, ``01.10.25``: day before month, as Vietnamese banks write it."""
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", token):
            year, month, day = (int(part) for part in token.split("-"))
            return dt.date(year, month, day)
        parts = [int(part) for part in re.split(r"[/.-]| thang ", token)]
        year = today.year if len(parts) == 2 else parts[2] + (2000 if parts[2] < 100 else 0)
        return dt.date(year, parts[1], parts[0])
    except ValueError:
        return None


_MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|for|during|of|since|from|to|until|till|by|vs|and|through|thru|each|every)\s*$|\d\s*$)"
)


def _bare_month_word(folded: str, match: re.Match[str]) -> bool:
    """A short month name ("may", "sep", "mar") with no preposition, day or year beside it is another word."""
    if match["y"] or match.group(0).startswith(("in ", "for ", "during ")) or len(match["name"]) > 3:
        return False
    before = folded[: match.start("name")]
    after = folded[match.end("name") :]
    return not (_MONTH_CONTEXT.search(before) or re.match(r"\s*(?:\d|vs\b|-|to\b|and\b)", after))


def resolve_period(text: str, today: dt.date) -> Period | None:
    """The period a question names, or ``None`` when it names none. A month or quarter without a year
    is in ``today``'s year."""
    found = find_period(text, today)
    return found[0] if found else None


def find_period(text: str, today: dt.date, *, is_folded: bool = False) -> tuple[Period, tuple[int, int]] | None:
    """The period a question names and where its words are in ``fold(text)`` (in ``text`` itself when it is folded
    already: the composer accounts for every word by its position)."""
    folded = text if is_folded else fold(text)
    match = _RANGE.search(folded)
    if match:
        start, end = _parse_date(match["a"], today), _parse_date(match["b"], today)
        if start and end and start <= end:
            return _period(start, end, f"{start.isoformat()} to {end.isoformat()}"), match.span()
    match = _SINCE.search(folded)
    if match:
        start = _parse_date(match["a"], today)
        if start and start <= today:
            return _period(start, today, f"since {start.isoformat()}"), match.span()
    match = _LAST_N_DAYS.search(folded)
    if match:
        days = int(match["n"] or match["m"])
        if 1 <= days <= MAX_DAYS:
            return _period(today - dt.timedelta(days=days), today, f"last {days} days"), match.span()
    for pattern, kind in _RELATIVE:
        match = pattern.search(folded)
        if match:
            return _relative(kind, today), match.span()
    match = _QUARTER.search(folded)
    if match:
        raw = match["q1"] or match["q0"] or match["q2"] or match["q3"]
        quarter = int(raw) if raw.isdigit() else _ROMAN.get(raw) or _ORDINAL_Q[raw]
        year = int(match["y1"] or match["y0"] or match["y2"] or match["y3"] or today.year)
        return _quarter_period(year, quarter, f"{year}-Q{quarter}"), match.span()
    match = _ISO_MONTH.search(folded)
    if match and 1 <= int(match["m"]) <= 12:
        year, month = int(match["y"]), int(match["m"])
        return _month_period(year, month, f"{year}-{month:02d}"), match.span()
    match = _VI_MONTH.search(folded)
    if match:
        year, month = int(match["y"] or today.year), int(match["m"])
        return _month_period(year, month, f"{year}-{month:02d}"), match.span()
    for match in _EN_MONTH.finditer(folded):
        if _bare_month_word(folded, match):
            continue  # "may" (can), "sếp" (boss, folded "sep"): a short month name needs a preposition or a year
        year, month = int(match["y"] or today.year), _MONTHS_EN[match["name"]]
        return _month_period(year, month, f"{year}-{month:02d}"), match.span()
    match = _YEAR.search(folded)
    if match:
        year = int(match["y"])
        return _period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)), match.span()
    return None


def target_period_key(period: Period) -> str | None:
    """The ``targets.period`` string for a whole month (``2025-10``) or quarter (``2025-Q4``), else None."""
    start, end = period.start, period.end
    if start.day != 1 or end != _month_end(end.year, end.month) or start.year != end.year:
        return None
    if start.month == end.month:
        return f"{start.year}-{start.month:02d}"
    if start.month % 3 == 1 and end.month == start.month + 2:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return None


# --------------------------------------------------------------------------- refusals

_WRITE = re.compile(
    r"\b(delete|remove|erase|update|insert|drop (?:table|database|schema|index|view)|truncate|alter (?:table|database)|"
    r"modify|overwrite|edit|rename|grant|revoke|mark (?:all |them |it |as )?|lower (?:my |the )?|raise (?:my |the )?|"
    r"reassign|move (?:client|kh|customer)|transfer (?:client|kh|customer)|close (?:the |an |a |her |his |their )?"
    r"(?:account|acct|casa|cd|card)|open (?:a |an |new )?(?:account|acct|cd|card) for|"
    r"(?<!de xuat )(?<!nen )nang hang|ha hang|doi hang|upgrade|downgrade|tat toan|"
    r"dong (?:giup |gium |dum )?(?:e |em |minh |toi |chi |anh )?(?:cai |cac )?"
    r"(?:tk|tai khoan|so|the|khieu nai|task|viec)|"
    r"chuyen (?:sang|qua) trang thai|mark (?:it |them )?as|"
    r"mo (?:giup )?(?:e |em |minh |toi )?(?:tk|tai khoan|so|the) (?:cho|moi)|"
    r"add (?:a |an |new )?(?:[\w.]+ ){0,3}(?:cd|account|acct|client|task|loan|card|deposit) for|"
    r"them (?:giup )?(?:e |em |minh |toi )?(?:kh|khach|khach hang|tai khoan|tk|task|viec)|"
    r"chuyen (?:kh|khach|khach hang) \S+(?: \S+){0,4} (?:qua|sang|cho)|danh dau|"
    r"create (?:a |an |new )?(?:client|account|task|target|table|record)|add (?:a |an |new )?"
    r"(?:client|account|task|target|record|row|interaction|note)|"
    r"(?:change|set) (?:the |my |a |an )?(?:balance|name|status|target|phone|email|segment|data|record|client|"
    r"account|task|due date|password|rate)|"
    r"xoa|sua(?! nha| xe| chua| sang)|chinh sua|cap nhat|thay doi|doi ten|ghi de|them moi|"
    r"them (?:khach|tai khoan|giao dich|task|cong viec|"
    r"nhiem vu|chi tieu|ban ghi|dong)|them (?:mot|1|cac|vai) (?:khach|tai khoan|giao dich|task|cong viec|ban ghi)|"
    r"tao (?:moi|khach|tai khoan|task|cong viec))\b"
)
_OTHER_RM = re.compile(
    r"\b(all rms|every rm|each rm|other rms?|another rm|which rms?|rm nao|nhung rm|others' clients|colleagues?'?s?|"
    r"in the bank|of the bank|ca ngan hang|toan hang|(?:whole|entire)(?: [\w.]+){0,3} (?:branch|bank|team)|"
    r"(?:whole|entire|all) "
    r"(?:branch|branches|bank|team)|nguyen (?:chi nhanh|ngan hang|phong)|(?:to|into|over to) \w+'s (?:book|portfolio)|"
    r"bank-?wide|branch-?wide|across (?:the )?(?:branch|bank|rms)|"
    r"rm khac|cac rm|tat ca (?:cac )?rm|moi rm|toan (?:bo )?(?:chi nhanh|cn)|ca (?:chi nhanh|cn)|"
    r"toan (?:bo )?ngan hang|"
    r"(?:cua|ca|toan) (?:pgd|phong giao dich|khoi|vung)|toan (?:he thong|khu vuc)|"
    r"dong nghiep|nguoi khac|ca nhom|toan nhom|team ben kia|ben kia|team khac|phong khac|other team|ben team|"
    # the clients or book of another person (a client has no clients): "her clients", "covering for Ms Tâm"
    r"(?:clients?|customers?|book|portfolio) of (?:ms|mr|mrs) \w+|(?:her|his) (?:\w+ ){0,3}(?:clients|customers|book|"
    r"portfolio|targets?|aum|kpis?)|covering for)\b"
)
_RM_ID = re.compile(r"\brm[ _-]?(\d{1,6})\b")
_SYSTEM = re.compile(
    r"(password|passwd|mat khau|credential|api[ _-]?key|secret|token|sqlite_|pg_|information_schema|"
    r"system table|bang he thong|\bschema\b|\bagentify_|\busers? table\b|\bbang users?\b|\bpass(?:words?)?\b|"
    # "mk" is "mật khẩu" only beside a login word; "của mk" in teen code is "của mình" (mine)
    r"\b(?:doi|lay|xem|reset|quen|cap lai|tim|tra) mk\b|\bmk (?:cua|tai khoan|tk|dang nhap|user|nguoi dung|"
    r"he thong|admin|app)\b|"
    r"\bhe thong\b)"
)


def check_allowed(question: str, rm_id: str | None) -> None:
    """Raise ``NotAllowed`` for a write, another RM's data or system data, before any engine reads the question."""
    _check_allowed(fold(question), rm_id)


def _check_allowed(folded: str, rm_id: str | None) -> None:
    """Refuse writes, other RMs' data and system data before anything else is read from the question."""
    if _SYSTEM.search(folded):
        raise NotAllowed(REFUSE_SYSTEM)
    if _WRITE.search(folded):
        raise NotAllowed(REFUSE_WRITE)
    if _OTHER_RM.search(folded):
        raise NotAllowed(REFUSE_OTHER_RM)
    for match in _RM_ID.finditer(folded):
        if rm_id is None or f"rm{match.group(1)}" != rm_id.lower().replace("_", "").replace("-", ""):
            raise NotAllowed(REFUSE_OTHER_RM)


# --------------------------------------------------------------------------- metrics

_TARGET_WORDS = re.compile(r"\b(targets?|goals?|quota|kpis?|chi tieu|muc tieu|ke hoach|on track|attainment|dat bao)")
_SUMMARY = re.compile(
    r"(how am i doing|how'?s my performance|how is my performance|my performance|performance (?:summary|report)|"
    r"\bsummary\b|dashboard|scorecard|overview|hieu suat|hieu qua|ket qua (?:kinh doanh|lam viec)|"
    r"tinh hinh|toi dang (?:lam|the nao)|tong quan|bao cao (?:nhanh|tong hop))"
)
_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "inactive_clients",
        re.compile(
            r"(haven'?t (?:i |we )?(?:been )?(?:contacted|called|met|spoken|talked|reached)|"
            r"(?:did not|didn'?t) (?:contact|call|meet)|"
            r"not (?:been )?(?:contacted|called|met)|"
            r"no (?:contact|interaction)s?\b|without (?:any )?(?:contact|interaction)|inactive|neglected|dormant|"
            r"lost touch|chua (?:lien he|lien lac|goi|gap|tiep xuc|cham soc)|khong (?:lien he|lien lac|tiep xuc)|"
            r"lau (?:roi )?chua|khach hang (?:ngu dong|khong hoat dong)|khong (?:con )?hoat dong|"
            r"never (?:been )?(?:contacted|called|met|reached|spoken to)|"
            r"chua (?:bao gio|tung) (?:lien he|lien lac|goi|gap))"
        ),
    ),
    ("upcoming_maturities", re.compile(r"(matur|dao han|expir|het han|tat toan)")),
    ("overdue_tasks", re.compile(r"(overdue|past due|late tasks?|qua han|tre han|tre hen)")),
    (
        "open_tasks",
        re.compile(
            r"(\btasks?\b|to-?dos?\b|follow-?ups?\b|cong viec|viec can lam|nhiem vu|viec chua xong|dau viec|"
            r"viec chua hoan thanh|chua hoan thanh|viec dang mo|viec ton dong)"
        ),
    ),
    ("complaints_open", re.compile(r"(complain|khieu nai|phan nan|than phien)")),
    (
        "top_clients",
        re.compile(
            r"(\btop\b|largest clients|biggest clients|largest loans?|biggest loans?|richest|most valuable|highest aum|"
            r"khach hang (?:lon nhat|co aum cao nhat|gia tri nhat|vip nhat)|lon nhat)"
        ),
    ),
    (
        "new_loans",
        re.compile(r"(loans?\b|lending|disburs|giai ngan|du no|cho vay|khoan vay|\bvay\b|tin dung)"),
    ),
    (
        "new_deposits",
        re.compile(r"(deposit|tien gui|huy dong|gui tiet kiem|gui tien|new savings|new cds?\b|so tiet kiem moi)"),
    ),
    (
        "aum",
        re.compile(
            r"(\baum\b|assets? under management|tai san (?:quan ly|duoi quan ly)|portfolio (?:size|value)|"
            r"total (?:balance|assets)|tong tai san|quy mo danh muc|book size)"
        ),
    ),
    (
        "client_contacts",
        re.compile(
            r"(contacts?\b|contacted|interactions?|meetings?|calls? (?:i|did|have)|touchpoints?|lien he|lien lac|"
            r"tiep xuc|cuoc goi|cuoc gap|gap go|gap khach|cham soc khach|tuong tac)"
        ),
    ),
    (
        "client_count",
        re.compile(
            r"(how many (?:\w+ )?clients|number of (?:\w+ )?clients|clients? count|count (?:of )?(?:my )?clients|"
            r"(?:bao nhieu|so|so luong|tong so) khach(?: hang)?|khach hang (?:theo|cua toi)|\bmy clients\b|"
            r"clients by segment|client breakdown)"
        ),
    ),
]

_GROUP_SEGMENT = re.compile(
    r"\b(by (?:client |customer )?segments?|per segment|each segment|segment (?:breakdown|split|wise)|split by segment|"
    r"theo (?:tung )?(?:phan khuc|phan hang|hang khach hang|segment|hang))\b"
)
_AMOUNT_INTENT = re.compile(
    r"\b(how much|total (?:amount|value|balance)|sum of|amount|tong (?:so )?tien|bao nhieu tien|tong gia tri|so tien)\b"
)
_LOAN_WORDS = re.compile(r"\b(loans?|khoan vay|du no|vay)\b")
_DEPOSIT_WORDS = re.compile(
    r"\b(cds?|certificates? of deposit|term deposits?|co ky han|tien gui|so tiet kiem|deposits?)\b"
)
_GROUP_MONTH = re.compile(
    r"\b(by month|per month|each month|month by month|monthly|month-on-month|trend|over time|"
    # folded "moi thang" is also "mới tháng" (new … month), and "khách hàng tháng trước" holds "hang thang"
    r"theo (?:tung )?thang|tung thang|(?<!khach )hang thang|xu huong|dien bien)\b"
)
_COUNT_INTENT = re.compile(
    r"\b(how many|number of|count|bao nhieu(?! tien)|so luong|tong so(?! tien)|"
    r"may (?:viec|khach|khoan|tai khoan|task|khieu nai|cong viec))\b"
)
_DAYS = re.compile(
    r"\b(?:(?:next|coming|within|in|last|past|over|for)(?: the)? (?P<a>\d{1,4}) days?|"
    r"(?P<b>\d{1,4}) (?:ngay|days?)(?: toi| sap toi| qua| gan day| nua)?|"
    r"(?P<c>\d{1,2}) (?:thang|months?)(?: toi| sap toi| qua| gan day| nua)?)\b"
)
_TOP_N = re.compile(
    r"\b(?:top (?P<a>\d{1,3})|(?P<b>\d{1,3}) (?:largest|biggest|top|richest|most valuable)|"
    r"(?P<c>\d{1,3}) khach(?: hang)? (?:lon nhat|co aum cao nhat|gia tri nhat|vip nhat))\b"
)
_SEGMENT_WORDS: dict[str, re.Pattern[str]] = {
    "Diamond": re.compile(r"\b(diamond|kim cuong)\b"),
    "Platinum": re.compile(r"\b(platinum|bach kim)\b"),
    "Gold": re.compile(r"\bgold\b"),
    "Standard": re.compile(r"\b(standard|pho thong)\b"),
}
_AVERAGE = re.compile(r"\b(average|avg|mean|per client|trung binh|binh quan|moi khach)\b")
_LIST_WORDS = re.compile(r"\b(list|show|who are|which|liet ke|danh sach|nhung khach|la ai|gom nhung ai)\b")
_CLIENT_WORDS = re.compile(r"\b(clients?|customers?|khach hang|khach|kh)\b")
_NEW_CLIENTS = re.compile(r"\b(new clients?|clients? onboarded|onboarded|khach hang moi|khach moi)\b")
_FOLLOW_UP = re.compile(r"^(and|what about|how about|and for|same for|con|the con|va|vay con|con voi)\b")


def _detect_metric(folded: str) -> str | None:
    """The first rule that matches: narrower rules (inactive, maturities) come before the broad words they contain."""
    for name, pattern in _RULES:
        if pattern.search(folded):
            return name
    return None


def _target_base(folded: str) -> str | None:
    """Which metric a target question is about (client_contacts/aum/new_loans/new_deposits)."""
    base = _detect_metric(folded)
    return base if base in TARGET_METRICS else None


def parse_question(
    question: str,
    today: dt.date,
    previous: ReportQuery | None = None,
    *,
    rm_id: str | None = None,
    spelled_out: str | None = None,
) -> ReportQuery:
    """Parse a performance question. ``previous`` makes follow-ups work ("and last month?" keeps the metric,
    "by segment?" adds a grouping); ``rm_id`` lets the RM name themself (any other RM id is refused);
    ``spelled_out`` is the question with its shorthand written out ("tgt" → target), read instead of it."""
    language = detect_language(question)
    question = spelled_out or question
    folded = fold(question)
    if not folded:
        raise NotUnderstood("empty question")
    _check_allowed(folded, rm_id)
    period = resolve_period(question, today)
    group_by = "segment" if _GROUP_SEGMENT.search(folded) else "month" if _GROUP_MONTH.search(folded) else None
    filters: dict[str, str] = {}
    for segment, pattern in _SEGMENT_WORDS.items():
        if pattern.search(folded):
            filters["segment"] = segment
            break
    days_match = _DAYS.search(folded)
    if days_match:
        days = int(days_match["a"] or days_match["b"] or 0) or 30 * int(days_match["c"] or 0)
        if 1 <= days <= MAX_DAYS:
            filters["days"] = str(days)
    top_match = _TOP_N.search(folded)
    limit = int(top_match["a"] or top_match["b"] or top_match["c"]) if top_match else None

    metric: str | None
    if _TARGET_WORDS.search(folded):
        base = _target_base(folded)
        metric = "targets" if base else "performance_summary"
        if base:
            filters["target_metric"] = base
    elif _SUMMARY.search(folded):
        metric = "performance_summary"
    else:
        metric = _detect_metric(folded)
    if metric is None and group_by and "segment" not in filters and re.search(r"\b(clients?|khach)", folded):
        metric = "client_count"
    counting = _COUNT_INTENT.search(folded) is not None
    if (
        metric == "client_count"
        and not counting
        and group_by is None
        and not _NEW_CLIENTS.search(folded)
        and ("segment" in filters or _LIST_WORDS.search(folded))
    ):
        metric = "client_list"  # "my Diamond clients", "list my clients": who they are, not how many
    if metric is None and "segment" in filters and _CLIENT_WORDS.search(folded) and previous is None:
        metric = "client_count" if counting else "client_list"

    if metric is None:
        if previous is None:
            raise NotUnderstood(f"no rule knows this question: {question!r}")
        if period is None and group_by is None and limit is None and not filters and not _FOLLOW_UP.search(folded):
            raise NotUnderstood(f"no rule knows this question: {question!r}")
        return replace(
            previous,
            period=period or previous.period,
            group_by=group_by or previous.group_by,
            filters={**previous.filters, **filters},
            limit=limit if limit is not None else previous.limit,
            language=language,
        )

    if metric == "aum" and _AVERAGE.search(folded):
        filters["per"] = "client"
    if metric in COUNTABLE and _COUNT_INTENT.search(folded):
        filters["output"] = "count"
    if metric == "upcoming_maturities":
        if _AMOUNT_INTENT.search(folded):
            filters["output"] = "sum"  # "how much is maturing" is an amount, not a count
        loans, deposits = _LOAN_WORDS.search(folded), _DEPOSIT_WORDS.search(folded)
        if loans and not deposits:
            filters["kind"] = "loan"
        elif deposits and not loans:
            filters["kind"] = "cd"
    if metric == "top_clients" and _LOAN_WORDS.search(folded):
        filters["rank_by"] = "loan"  # "largest loan": clients ranked by what they owe, not by AUM
    if metric == "top_clients":
        limit = limit or DEFAULT_TOP
    new_clients = metric == "client_count" and _NEW_CLIENTS.search(folded) is not None
    if new_clients:
        filters["onboarded"] = "in_period"
    if group_by == "segment" and metric not in SEGMENT_GROUPABLE:
        group_by = None
    if group_by == "month":
        if metric not in MONTH_GROUPABLE:
            group_by = None
        elif period is None:  # a trend without a period: the year so far
            period = resolve_period("year to date", today)
    if metric in POINT_IN_TIME and not new_clients:
        period = None
    elif period is None:
        period = _default_period(metric, filters, today)
    query = ReportQuery(metric, period, group_by, filters, limit, language)
    logger.debug("parsed performance question as %s", query)
    return query


def _default_period(metric: str, filters: dict[str, str], today: dt.date) -> Period:
    """This month for flows; targets and the summary use the period targets are usually set for."""
    if metric == "performance_summary":
        return _relative("this_quarter", today)
    if metric == "targets" and filters.get("target_metric") != "client_contacts":
        return _relative("this_quarter", today)
    return _relative("this_month", today)


# --------------------------------------------------------------------------- SQL


def _check_dialect(dialect: str) -> str:
    name = "postgresql" if dialect in ("postgres", "postgresql") else dialect
    if name not in DIALECTS:
        raise ValueError(f"unsupported dialect {dialect!r}: use one of {DIALECTS}")
    return name


def _date_literal(day: dt.date, dialect: str) -> str:
    return f"'{day.isoformat()}'" if dialect == "sqlite" else f"CAST('{day.isoformat()}' AS DATE)"


def _today(dialect: str, plus_days: int = 0) -> str:
    """``:today`` shifted by whole days, as a date in each dialect."""
    if dialect == "sqlite":
        return ":today" if plus_days == 0 else f"DATE(:today, '{plus_days:+d} days')"
    return "CAST(:today AS DATE)" if plus_days == 0 else f"CAST(:today AS DATE) + {plus_days}"


def _local_date(column: str, dialect: str) -> str:
    """The bank-local date of a timestamp column (stored local on SQLite; timestamptz in a local session on PG)."""
    return f"DATE({column})" if dialect == "sqlite" else f"CAST({column} AS DATE)"


def _kinds(kinds: tuple[str, ...]) -> str:
    return ", ".join(f"'{kind}'" for kind in kinds)


def _between(column: str, period: Period, dialect: str) -> str:
    return f"{column} BETWEEN {_date_literal(period.start, dialect)} AND {_date_literal(period.end, dialect)}"


def _segment_filter(query: ReportQuery) -> str:
    segment = query.filters.get("segment")
    if segment is None:
        return ""
    if segment not in SEGMENTS:
        raise NotUnderstood(f"unknown segment {segment!r}")
    return f" AND c.segment = '{segment}'"


def _int_filter(query: ReportQuery, name: str, default: int) -> int:
    value = int(query.filters.get(name, default))
    if not 1 <= value <= MAX_DAYS:
        raise NotUnderstood(f"{name} must be between 1 and {MAX_DAYS}")
    return value


def _require_period(query: ReportQuery) -> Period:
    if query.period is None:
        raise NotUnderstood(f"{query.metric} needs a period")
    return query.period


def _value_sql(metric: str, query: ReportQuery, dialect: str, *, id_list: bool = False) -> tuple[str, str, str]:
    """(value expression, ``FROM … WHERE …`` with clients as ``c``, column name) for the four target metrics.

    ``id_list``: the RM's clients as a list of ids instead of a join, for totals that show no client column (one
    pass over the rows instead of a nested loop over the guard's scoped tables: a 5,000-client bank's targets).
    """
    scope = f"c.rm_id = :rm_id{_segment_filter(query)}"
    if id_list:
        value, source, name = _value_sql(metric, query, dialect)
        fact = source.split(" JOIN clients c ON ")[0]  # "FROM accounts a"
        alias = fact.split()[-1]
        rest = source.split(f" WHERE {scope}", 1)[1]
        return value, f"{fact} WHERE {alias}.client_id IN (SELECT c.id FROM clients c WHERE {scope}){rest}", name
    if metric == "aum":
        return (
            "COALESCE(SUM(a.balance_vnd), 0)",
            f"FROM accounts a JOIN clients c ON c.id = a.client_id WHERE {scope} AND a.status = 'active' "
            f"AND a.kind IN ({_kinds(AUM_KINDS)})",
            "aum",
        )
    period = _require_period(query)
    if metric in ("new_deposits", "new_loans"):
        kinds = _kinds(DEPOSIT_KINDS) if metric == "new_deposits" else "'loan'"
        return (
            "COALESCE(SUM(a.balance_vnd), 0)",
            f"FROM accounts a JOIN clients c ON c.id = a.client_id WHERE {scope} AND a.kind IN ({kinds}) "
            f"AND {_between('a.opened_on', period, dialect)}",
            metric,
        )
    if metric == "client_contacts":
        return (
            "COUNT(i.id)",
            f"FROM interactions i JOIN clients c ON c.id = i.client_id WHERE {scope} "
            f"AND {_between(_local_date('i.occurred_at', dialect), period, dialect)}",
            metric,
        )
    raise NotUnderstood(f"no value query for {metric!r}")  # pragma: no cover - callers pass TARGET_METRICS


def _flow_sql(query: ReportQuery, dialect: str) -> str:
    """aum / new_deposits / new_loans / client_contacts, optionally per segment or (flows) per month."""
    value, source, name = _value_sql(query.metric, query, dialect)
    if query.group_by == "segment":
        return f"SELECT c.segment AS segment, {value} AS {name} {source} GROUP BY c.segment ORDER BY {name} DESC"
    if query.group_by == "month":
        column = "i.occurred_at" if query.metric == "client_contacts" else "a.opened_on"
        day = _local_date(column, dialect)  # DATE(...) on SQLite: the guard's parser accepts strftime over it
        month = f"strftime('%Y-%m', {day})" if dialect == "sqlite" else f"to_char({day}, 'YYYY-MM')"
        return f"SELECT {month} AS month, {value} AS {name} {source} GROUP BY {month} ORDER BY month"
    return f"SELECT {value} AS {name} {source}"


def _target_sql(metric: str, period_key: str, alias: str = "") -> str:
    return (
        f"SELECT SUM(t.target_value){alias} FROM targets t WHERE t.rm_id = :rm_id AND t.period = '{period_key}' "
        f"AND t.metric = '{metric}'"
    )


def _targets_sql(query: ReportQuery, dialect: str) -> str:
    """One row: the metric's actual value, its target for the month or quarter, and the attainment %."""
    metric = query.filters.get("target_metric", "aum")
    if metric not in TARGET_METRICS:
        raise NotUnderstood(f"no targets are set for {metric!r}")
    period = _require_period(query)
    key = target_period_key(period)
    if key is None:
        raise NotUnderstood("targets are set per month or per quarter; ask for a month or a quarter")
    value, source, _ = _value_sql(metric, replace(query, filters={}), dialect, id_list=True)
    return (
        f"WITH actual AS (SELECT {value} AS v {source}), goal AS ({_target_sql(metric, key, ' AS v')}) "
        f"SELECT '{metric}' AS metric, '{key}' AS period, actual.v AS actual, goal.v AS target, "
        f"CASE WHEN goal.v > 0 THEN ROUND(100.0 * actual.v / goal.v, 1) END AS attainment_pct, "
        f"CASE WHEN goal.v > actual.v THEN goal.v - actual.v ELSE 0 END AS remaining "
        f"FROM actual CROSS JOIN goal"
    )


def _summary_sql(query: ReportQuery, dialect: str) -> str:
    """One row per target metric for the period (default this quarter), each with its target."""
    period = _require_period(query)
    key = target_period_key(period)
    parts = []
    for metric in TARGET_METRICS:
        value, source, _ = _value_sql(metric, replace(query, period=period, filters={}), dialect, id_list=True)
        target = f"({_target_sql(metric, key)})" if key else "NULL"
        parts.append(f"SELECT '{metric}' AS metric, ({'SELECT ' + value + ' ' + source}) AS actual, {target} AS target")
    return " UNION ALL ".join(parts)


def _client_aum_sql(query: ReportQuery, columns: str = "") -> str:
    """Each of the RM's clients (of the segment asked) with their AUM, zero for a client with none."""
    aum = f"CASE WHEN a.status = 'active' AND a.kind IN ({_kinds(AUM_KINDS)}) THEN a.balance_vnd END"
    return (
        f"SELECT c.id AS client_id{columns}, c.segment, COALESCE(SUM({aum}), 0) AS aum FROM clients c "
        f"LEFT JOIN accounts a ON a.client_id = c.id WHERE c.rm_id = :rm_id{_segment_filter(query)} "
        f"GROUP BY c.id{columns}, c.segment"
    )


def _average_aum_sql(query: ReportQuery) -> str:
    """AUM per client (every client counts, one without assets as zero), and how many clients, per segment if asked."""
    per_client = _client_aum_sql(query)
    if query.group_by == "segment":
        return (
            f"WITH per_client AS ({per_client}) SELECT segment, ROUND(AVG(aum)) AS avg_aum, COUNT(*) AS clients "
            f"FROM per_client GROUP BY segment ORDER BY avg_aum DESC, segment"
        )
    return f"WITH per_client AS ({per_client}) SELECT ROUND(AVG(aum)) AS avg_aum, COUNT(*) AS clients FROM per_client"


def build_sql(query: ReportQuery, dialect: str) -> str:
    """The one read query that answers ``query``, with ``:rm_id``/``:today`` for the guard to bind."""
    dialect = _check_dialect(dialect)
    metric = query.metric
    segment = _segment_filter(query)
    count = query.filters.get("output") == "count"
    if metric == "aum" and query.filters.get("per") == "client":
        return _average_aum_sql(query)
    if metric in ("aum", "new_deposits", "new_loans", "client_contacts"):
        return _flow_sql(query, dialect)
    if metric == "client_list":
        return f"{_client_aum_sql(query, ', c.full_name')} ORDER BY aum DESC, c.id"
    if metric == "targets":
        return _targets_sql(query, dialect)
    if metric == "performance_summary":
        return _summary_sql(query, dialect)
    if metric == "client_count":
        if query.filters.get("onboarded") == "in_period":
            segment += f" AND {_between('c.onboarded_on', _require_period(query), dialect)}"
        if query.group_by == "segment":
            return (
                f"SELECT c.segment AS segment, COUNT(*) AS client_count FROM clients c WHERE c.rm_id = :rm_id{segment} "
                f"GROUP BY c.segment ORDER BY client_count DESC, c.segment"
            )
        return f"SELECT COUNT(*) AS client_count FROM clients c WHERE c.rm_id = :rm_id{segment}"
    if metric == "top_clients":
        limit = query.limit or DEFAULT_TOP
        if not 1 <= limit <= MAX_TOP:
            raise NotUnderstood(f"top N must be between 1 and {MAX_TOP}")
        if query.filters.get("rank_by") == "loan":
            return (
                f"SELECT c.id AS client_id, c.full_name, c.segment, SUM(a.balance_vnd) AS loan_balance FROM clients c "
                f"JOIN accounts a ON a.client_id = c.id WHERE c.rm_id = :rm_id{segment} AND a.status = 'active' "
                f"AND a.kind = 'loan' GROUP BY c.id, c.full_name, c.segment "
                f"ORDER BY loan_balance DESC, c.id LIMIT {limit}"
            )
        return (
            f"SELECT c.id AS client_id, c.full_name, c.segment, SUM(a.balance_vnd) AS aum FROM clients c "
            f"JOIN accounts a ON a.client_id = c.id WHERE c.rm_id = :rm_id{segment} AND a.status = 'active' "
            f"AND a.kind IN ({_kinds(AUM_KINDS)}) GROUP BY c.id, c.full_name, c.segment "
            f"ORDER BY aum DESC, c.id LIMIT {limit}"
        )
    if metric in ("open_tasks", "overdue_tasks"):
        where = f"c.rm_id = :rm_id{segment} AND k.status = 'open'"
        if metric == "overdue_tasks":
            where += f" AND k.due_on < {_today(dialect)}"
        source = f"FROM tasks k JOIN clients c ON c.id = k.client_id WHERE {where}"
        if count:
            return f"SELECT COUNT(*) AS {metric} {source}"
        return (
            f"SELECT k.id AS task_id, c.full_name AS client_name, k.title, k.kind, k.due_on {source} "
            f"ORDER BY k.due_on, k.id"
        )
    if metric == "complaints_open":
        source = (
            f"FROM complaints p JOIN clients c ON c.id = p.client_id "
            f"WHERE c.rm_id = :rm_id{segment} AND p.status = 'open'"
        )
        if count:
            return f"SELECT COUNT(*) AS complaints_open {source}"
        return (
            f"SELECT p.id AS complaint_id, c.full_name AS client_name, p.category, p.opened_on, p.summary {source} "
            f"ORDER BY p.opened_on, p.id"
        )
    if metric == "inactive_clients":
        days = _int_filter(query, "days", INACTIVE_DAYS)
        last = f"MAX({_local_date('i.occurred_at', dialect)})"
        listing = (
            f"SELECT c.id AS client_id, c.full_name, c.segment, {last} AS last_contacted FROM clients c "
            f"LEFT JOIN interactions i ON i.client_id = c.id WHERE c.rm_id = :rm_id{segment} "
            f"GROUP BY c.id, c.full_name, c.segment HAVING COUNT(i.id) = 0 OR {last} < {_today(dialect, -days)}"
        )
        if count:
            return f"WITH inactive AS ({listing}) SELECT COUNT(*) AS inactive_clients FROM inactive"
        return f"{listing} ORDER BY last_contacted NULLS FIRST, c.id"
    if metric == "upcoming_maturities":
        days = _int_filter(query, "days", MATURITY_WINDOW_DAYS)
        kind = query.filters.get("kind")
        kinds = f"'{kind}'" if kind in ("cd", "loan") else "'cd', 'loan'"
        source = (
            f"FROM accounts a JOIN clients c ON c.id = a.client_id WHERE c.rm_id = :rm_id{segment} "
            f"AND a.status = 'active' AND a.kind IN ({kinds}) "
            f"AND a.maturity_on BETWEEN {_today(dialect)} AND {_today(dialect, days)}"
        )
        if count:
            return f"SELECT COUNT(*) AS upcoming_maturities {source}"
        if query.filters.get("output") == "sum":
            return f"SELECT SUM(a.balance_vnd) AS amount_vnd, COUNT(*) AS accounts {source}"
        return (
            f"SELECT a.id AS account_id, c.id AS client_id, c.full_name AS client_name, a.kind, "
            f"a.balance_vnd AS amount_vnd, a.maturity_on {source} ORDER BY a.maturity_on, a.id"
        )
    raise NotUnderstood(f"unknown metric {metric!r}")
