"""The deterministic demo bank: a realistic, bilingual bank of any size from one seed.

Why it is built this way:

* **Deterministic.** Every random draw comes from a ``random.Random`` seeded by
  (seed, what is being drawn): the RMs and the catalog from one stream, each
  chunk of clients from its own. Nothing depends on the clock, on set order or
  on the hash seed, so the same (clients, seed, today) gives the same rows.
* **Streaming.** Clients are made in chunks of ``CHUNK_CLIENTS``; each chunk is
  yielded table by table (clients before their accounts before their
  transactions) and forgotten, so 100,000 clients take bounded memory.
* **Planted signals.** The use cases (next best action, the nightly event scan,
  prioritization, tone) need something to find. Each chunk plants, for every
  RM, clients with idle cash, CDs and loans maturing within 30 days, birthdays,
  large recent inflows, money leaving the bank, inactivity and open complaints;
  the first chunk guarantees at least one of each per RM and a same-name pair.
  Clients without a planted signal are kept clear of the thresholds
  (casa + savings under 2 billion, recent contact, small outflows).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import math
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from random import Random
from typing import Any

from tqdm import tqdm

from stores.db import Database
from stores.demo_bank import content as txt
from stores.demo_bank.catalog import PRODUCTS, document_rows, product_rows
from stores.fixtures import StoreNotEmptyError, clear_bank, insert_rows, set_reference_date, store_holds_bank_data
from stores.schema import AUM_KINDS, CRM_TABLES, DEPOSIT_KINDS
from stores.settings import BANK_TIMEZONE

logger = logging.getLogger(__name__)

_CATEGORY_OF = {product.code: product.category for product in PRODUCTS}

MIN_CLIENTS = 200
MAX_CLIENTS = 100_000
CHUNK_CLIENTS = 2_000

BILLION = 1_000_000_000
MILLION = 1_000_000
#: Planted signals, drawn from these ranges: well inside what the bank's rules (tools/signals/thresholds.py, a
#: layer above) call idle cash and a large inflow, so a planted client is one whatever rounding a rule does.
PLANTED_IDLE_CASH_VND = (1.1 * (2 * BILLION), 6 * (2 * BILLION))
PLANTED_INFLOW_VND = (1.05 * BILLION, 15 * BILLION)
HISTORY_DAYS = 182  # transactions cover about six months
DIGITAL_WEEKS = 8

SEGMENTS = ("Diamond", "Platinum", "Gold", "Standard")
_SEGMENT_RANK = {name: rank for rank, name in enumerate(SEGMENTS)}
_SEGMENT_AUM = {
    "Diamond": (10 * BILLION, 60 * BILLION),
    "Platinum": (3 * BILLION, 10 * BILLION),
    "Gold": (800 * MILLION, 3 * BILLION),
    "Standard": (10 * MILLION, 800 * MILLION),
}
_SEGMENT_INCOME = {
    "Diamond": (150 * MILLION, 600 * MILLION),
    "Platinum": (60 * MILLION, 200 * MILLION),
    "Gold": (25 * MILLION, 80 * MILLION),
    "Standard": (8 * MILLION, 30 * MILLION),
}
# Normal clients keep casa + savings below the idle-cash threshold.
_CASA_CAP = 1_200 * MILLION
_SAVINGS_CAP = 700 * MILLION

# Planted signals: (kind, share of each RM's clients). Disjoint: a client carries at most one.
SIGNALS: tuple[tuple[str, float], ...] = (
    ("idle_cash", 0.03),
    ("cd_maturity", 0.04),
    ("loan_maturity", 0.02),
    ("large_inflow", 0.02),
    ("attrition", 0.025),
    ("inactive", 0.04),
    ("complaint", 0.02),
)
_BIRTHDAY_TODAY_SHARE = 0.006
_BIRTHDAY_SOON_SHARE = 0.01
_SPOUSE_SHARE = 0.02
_PARENT_CHILD_SHARE = 0.012
_SIBLING_SHARE = 0.008
_FAMILY_OF_THREE_SHARE = 0.006

_PHONE_PREFIXES = (
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
    "089", "090", "093", "070", "076", "077", "078", "079",
    "088", "091", "094", "081", "082", "083", "084", "085",
    "092", "056", "058", "099", "059",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_INVERSE = {"spouse": "spouse", "parent": "child", "child": "parent", "sibling": "sibling"}
_EN_TITLE = {"Mr": "Mr.", "Ms": "Ms.", "Mrs": "Mrs."}

# --- public API -------------------------------------------------------------------------------------------------


@dataclass
class DemoBankSummary:
    """What ``generate_demo_bank`` wrote: enough for the CLI to report and a test to check."""

    seed: int
    today: dt.date
    counts: dict[str, int]


def build_demo_bank(
    *, clients: int, seed: int, today: dt.date, progress: bool = False
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Yields (table_name, chunk_of_typed_rows) in CRM_TABLES order (FK-safe), rows as typed Python values.

    First rms, products and documents; then, per chunk of clients, the chunk's
    tables in CRM_TABLES order (clients before their accounts before their
    transactions); targets last, since they follow what the RMs' books hold.
    Values are what ``parse_fixture`` produces (date, tz-aware datetime in
    Asia/Ho_Chi_Minh, int, float, bool, str, every column present). The
    arguments are checked here, before the first row, not lazily.
    """
    _check_arguments(clients, seed, today)
    return _stream(clients, seed, today, progress)


def generate_demo_bank(
    database: Database,
    *,
    clients: int,
    seed: int,
    today: dt.date,
    replace: bool = False,
    progress: bool = False,
) -> DemoBankSummary:
    """Write the demo bank into ``database`` in one transaction.

    Refuses a store that already holds bank data (``StoreNotEmptyError``)
    unless ``replace``, in which case the old bank is cleared in the same
    transaction, so a failure leaves the store as it was.
    """
    stream = build_demo_bank(clients=clients, seed=seed, today=today, progress=progress)
    database.create_schema()
    counts = {name: 0 for name in CRM_TABLES}
    with database.engine.begin() as connection:
        if store_holds_bank_data(connection):
            if not replace:
                raise StoreNotEmptyError(
                    "the store already holds bank data; pass --replace to delete it and generate the demo bank"
                )
            clear_bank(connection)
        for name, rows in stream:
            insert_rows(connection, name, rows)
            counts[name] += len(rows)
        set_reference_date(connection, today)
    database.refresh_statistics()
    logger.info(
        "demo bank generated: %s clients, seed %s, today %s, %s rows", clients, seed, today, sum(counts.values())
    )
    return DemoBankSummary(seed=seed, today=today, counts=counts)


def demo_bank_fixture(*, clients: int, seed: int, today: dt.date) -> dict[str, Any]:
    """The same bank in the JSON fixture form of crm-schema.md (ISO strings, NULLs left out), with "today"."""
    fixture: dict[str, Any] = {"today": today.isoformat()}
    for name in CRM_TABLES:
        fixture[name] = []
    for name, rows in build_demo_bank(clients=clients, seed=seed, today=today):
        fixture[name].extend(
            {key: _json_value(value) for key, value in row.items() if value is not None} for row in rows
        )
    return fixture


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _check_arguments(clients: Any, seed: Any, today: Any) -> None:
    if isinstance(clients, bool) or not isinstance(clients, int):
        raise ValueError(f"clients must be a whole number between {MIN_CLIENTS:,} and {MAX_CLIENTS:,}, got {clients!r}")
    if not MIN_CLIENTS <= clients <= MAX_CLIENTS:
        raise ValueError(f"clients must be between {MIN_CLIENTS:,} and {MAX_CLIENTS:,}, got {clients:,}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"seed must be an integer, got {seed!r}")
    if isinstance(today, dt.datetime) or not isinstance(today, dt.date):
        raise ValueError(f"today must be a date, got {today!r}")
    if not dt.date(1990, 1, 1) <= today <= dt.date(2200, 12, 31):
        raise ValueError(f"today must be a date between 1990 and 2200, got {today.isoformat()}")


def _stream(clients: int, seed: int, today: dt.date, progress: bool) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    ctx = _Context.create(clients=clients, seed=seed, today=today)
    yield "rms", ctx.rm_rows()
    yield "products", product_rows()
    yield "documents", document_rows(today)
    bar = tqdm(total=clients, unit="client", desc="demo bank", file=sys.stderr, disable=not progress)
    try:
        for chunk_index, start in enumerate(range(0, clients, CHUNK_CLIENTS)):
            end = min(start + CHUNK_CLIENTS, clients)
            tables = _Chunk(ctx, chunk_index, start, end).build()
            for name in CRM_TABLES:
                rows = tables.get(name)
                if rows:
                    yield name, rows
            bar.update(end - start)
    finally:
        bar.close()
    yield "targets", ctx.target_rows()


# --- small helpers ----------------------------------------------------------------------------------------------


class _Pick:
    """A weighted choice that costs one random number and a bisect."""

    def __init__(self, weighted: Sequence[tuple[Any, float]]):
        self.items = [item for item, _ in weighted]
        self.cumulative: list[float] = []
        total = 0.0
        for _, weight in weighted:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def __call__(self, rng: Random) -> Any:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.items[min(index, len(self.items) - 1)]  # guard against rounding up to the total


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if unicodedata.category(char) != "Mn")


def _log_uniform(rng: Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _money(value: float, unit: int = 1_000) -> int:
    return max(unit, round(value / unit) * unit)


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def _month_key(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _quarter_key(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BANK_TIMEZONE)


def _vnd_vi(amount: int) -> str:
    if amount >= BILLION:
        return f"{amount / BILLION:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " tỷ đồng"
    if amount >= MILLION:
        return f"{round(amount / MILLION)} triệu đồng"
    return f"{amount:,}".replace(",", ".") + " đồng"


def _vnd_en(amount: int) -> str:
    if amount >= BILLION:
        return "VND " + f"{amount / BILLION:.1f}".rstrip("0").rstrip(".") + " billion"
    if amount >= MILLION:
        return f"VND {round(amount / MILLION)} million"
    return f"VND {amount:,}"


def _date_vi(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _date_en(day: dt.date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _sentence_case(text: str) -> str:
    """Capitalise the first letter of each sentence: Vietnamese templates start sentences with pronouns."""
    chars = list(text)
    capitalise = True
    for index, char in enumerate(chars):
        if char.isalpha():
            if capitalise:
                chars[index] = char.upper()
            capitalise = False
        elif char in ".!?\n":
            capitalise = True
        elif char.isdigit():
            capitalise = False
    return "".join(chars)


# --- the people ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rm:
    id: str
    full_name: str
    family: str
    middle: str
    given: str
    gender: str
    age: int
    branch: str
    language: str
    email: str
    voice: txt.Voice
    weight: float
    en_share: float

    def signature(self, language: str) -> str:
        style = self.voice.signature
        if style == "given":
            return self.given
        if style == "short":  # "Thu Hà"; nobody signs with the generic "Thị" or "Văn"
            return self.given if self.middle in ("Thị", "Văn") else f"{self.middle} {self.given}"
        if style == "full":
            return self.full_name
        if language == "vi":
            return f"{self.full_name}\nChuyên viên Quan hệ Khách hàng | {txt.BANK_NAME_VI}"
        return f"{self.full_name}\nRelationship Manager | {txt.BANK_NAME_EN}"


@dataclass(slots=True)
class _Person:
    index: int
    id: str
    rm: int
    family: str
    middle: str
    given: str
    gender: str
    age: int
    dob: dt.date
    language: str
    honorific: str
    phone: str
    email: str | None
    segment: str
    occupation: str | None
    income_kind: str
    income: int
    city: str | None
    risk: str
    channel: str
    onboarded: dt.date
    signal: str | None
    married: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.middle} {self.given}"

    def name_parts(self) -> tuple[str, str]:
        """(family, given) as stored: en clients sometimes keep their name without accents."""
        parts = self.display_name().split(" ")
        return parts[0], parts[-1]

    def display_name(self) -> str:
        return self.full_name if not self.ascii_name else _ascii(self.full_name)

    @property
    def ascii_name(self) -> bool:
        return self.language == "en" and self.index % 5 < 2

    def hon_vi(self) -> str:
        return self.honorific.lower()


@dataclass(slots=True)
class _Plan:
    """What a client must be, decided before the client is made (signals, households, birthdays)."""

    rm: int
    signal: str | None = None
    birthday_in: int | None = None  # days from today to the next birthday
    gender: str | None = None
    age_range: tuple[int, int] | None = None
    derive_from: int | None = None  # position of the client this one is derived from
    derive_as: str | None = None  # spouse / child / sibling / twin
    language: str | None = None
    married: bool = False
    links: list[tuple[int, str]] = field(default_factory=list)  # (other position, what this client is to them)


# --- the context shared by all chunks -----------------------------------------------------------------------------


@dataclass
class _RmStats:
    aum: int = 0
    new_deposits: dict[str, int] = field(default_factory=dict)
    new_loans: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Context:
    clients: int
    seed: int
    today: dt.date
    rms: list[_Rm]
    phone_prefixes: list[str]
    phone_offset: int
    stats: list[_RmStats]
    counters: dict[str, int]
    emails: set[str]  # membership only, never iterated
    rm_pick: _Pick
    family_pick: _Pick
    middle_pick: dict[str, _Pick]
    city_pick: _Pick
    occupation_pick: dict[str, _Pick]
    spending_pick: _Pick
    inbound_pick: _Pick

    @classmethod
    def create(cls, *, clients: int, seed: int, today: dt.date) -> _Context:
        rng = Random(f"agentify-demo-bank:{seed}:bank")
        count = max(3, min(50, clients // 400))
        family_pick = _Pick(txt.FAMILY_NAMES)
        middle_pick = {"m": _Pick(txt.MIDDLE_MALE), "f": _Pick(txt.MIDDLE_FEMALE)}
        rms = _make_rms(rng, count, family_pick, middle_pick)
        prefixes = list(_PHONE_PREFIXES)
        rng.shuffle(prefixes)
        occupation_pick = {
            segment: _Pick([((occupation, kind), weights[rank]) for occupation, kind, weights in txt.OCCUPATIONS])
            for rank, segment in enumerate(SEGMENTS)
        }
        return cls(
            clients=clients,
            seed=seed,
            today=today,
            rms=rms,
            phone_prefixes=prefixes,
            phone_offset=rng.randrange(10_000_000),
            stats=[_RmStats() for _ in rms],
            counters={},
            emails=set(),
            rm_pick=_Pick([(index, rm.weight) for index, rm in enumerate(rms)]),
            family_pick=family_pick,
            middle_pick=middle_pick,
            city_pick=_Pick(txt.CITIES),
            occupation_pick=occupation_pick,
            spending_pick=_Pick(list(zip(txt.SPENDING, txt.SPENDING_WEIGHTS, strict=True))),
            inbound_pick=_Pick(list(txt.INBOUND_WEIGHTS.items())),
        )

    def next_id(self, prefix: str, width: int) -> str:
        number = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = number
        return f"{prefix}{number:0{width}d}"

    def phone(self, index: int) -> str:
        """Unique by construction: the 7-digit number alone is a bijection of the client index (< 10 million)."""
        number = (index * 7_654_321 + self.phone_offset) % 10_000_000
        prefix = self.phone_prefixes[(index * 40_503 + number) % len(self.phone_prefixes)]
        return f"{prefix}{number:07d}"

    def rm_rows(self) -> list[dict[str, Any]]:
        return [
            {"id": rm.id, "full_name": rm.full_name, "email": rm.email, "branch": rm.branch, "language": rm.language}
            for rm in self.rms
        ]

    def target_rows(self) -> list[dict[str, Any]]:
        """Targets near what each RM actually does, some within reach and some not."""
        rng = Random(f"agentify-demo-bank:{self.seed}:targets")
        today = self.today
        this_month = today.replace(day=1)
        past_months = [_month_key(_add_months(this_month, -offset)) for offset in (1, 2, 3)]
        quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        periods = [
            (_quarter_key(_add_months(quarter_start, -3)), 3, 1.0),
            (_quarter_key(quarter_start), 3, 1.1),
            (_month_key(_add_months(this_month, -1)), 1, 1.0),
            (_month_key(this_month), 1, 1.1),
            (_month_key(_add_months(this_month, 1)), 1, 1.15),
        ]
        rows: list[dict[str, Any]] = []
        for rm, stats in zip(self.rms, self.stats, strict=True):
            monthly = {
                "new_deposits": max(sum(stats.new_deposits.get(m, 0) for m in past_months) / 3, 1 * BILLION),
                "new_loans": max(sum(stats.new_loans.get(m, 0) for m in past_months) / 3, 500 * MILLION),
                "client_contacts": max(sum(stats.contacts.get(m, 0) for m in past_months) / 3, 10),
            }
            for period, months, ambition in periods:
                aum_factor = ambition * rng.uniform(0.95, 1.12)
                rows.append(
                    {
                        "rm_id": rm.id,
                        "period": period,
                        "metric": "aum",
                        "target_value": _money(stats.aum * aum_factor, 100 * MILLION),
                    }
                )
                for metric in ("new_loans", "new_deposits", "client_contacts"):
                    value = monthly[metric] * months * ambition * rng.uniform(0.85, 1.3)
                    unit = 1 if metric == "client_contacts" else 10 * MILLION
                    rows.append(
                        {"rm_id": rm.id, "period": period, "metric": metric, "target_value": _money(value, unit)}
                    )
        return rows


def _make_rms(rng: Random, count: int, family_pick: _Pick, middle_pick: dict[str, _Pick]) -> list[_Rm]:
    rms: list[_Rm] = []
    names: list[str] = []
    emails: list[str] = []
    vi_free = [(s, o) for s in range(len(txt.VI_SALUTATIONS)) for o in range(len(txt.VI_SIGNOFFS))]
    en_free = [(s, o) for s in range(len(txt.EN_SALUTATIONS)) for o in range(len(txt.EN_SIGNOFFS))]
    for persona in txt.PERSONAS:
        for free, pair in (
            (vi_free, (txt.VI_SALUTATIONS.index(persona.vi_salutation), txt.VI_SIGNOFFS.index(persona.vi_signoff))),
            (en_free, (txt.EN_SALUTATIONS.index(persona.en_salutation), txt.EN_SIGNOFFS.index(persona.en_signoff))),
        ):
            if pair in free:
                free.remove(pair)
    for number in range(1, count + 1):
        while True:
            gender = "f" if rng.random() < 0.6 else "m"
            family = family_pick(rng)
            middle = middle_pick[gender](rng)
            given = rng.choice(txt.GIVEN_FEMALE if gender == "f" else txt.GIVEN_MALE)
            full_name = f"{family} {middle} {given}"
            if given not in (middle, family) and full_name not in names:
                break
        names.append(full_name)
        local = f"{_ascii(given)}.{_ascii(family)}".lower()
        email = f"{local}@{txt.BANK_EMAIL_DOMAIN}"
        suffix = 2
        while email in emails:
            email = f"{local}{suffix}@{txt.BANK_EMAIL_DOMAIN}"
            suffix += 1
        emails.append(email)
        language = "en" if number % 4 == 2 else "vi"
        if number <= len(txt.PERSONAS):
            voice = txt.PERSONAS[number - 1]
        else:
            vi_pair = vi_free.pop(rng.randrange(len(vi_free))) if vi_free else (rng.randrange(7), rng.randrange(8))
            en_pair = en_free.pop(rng.randrange(len(en_free))) if en_free else (rng.randrange(7), rng.randrange(8))
            voice = txt.Voice(
                vi_salutation=txt.VI_SALUTATIONS[vi_pair[0]],
                vi_signoff=txt.VI_SIGNOFFS[vi_pair[1]],
                en_salutation=txt.EN_SALUTATIONS[en_pair[0]],
                en_signoff=txt.EN_SIGNOFFS[en_pair[1]],
                self_vi=rng.choice(("em", "em", "tôi")),
                signature=rng.choice(("given", "short", "full", "full_title")),
                phrases_vi=tuple(rng.sample(txt.PHRASES_VI, 2)),  # type: ignore[arg-type]
                phrases_en=tuple(rng.sample(txt.PHRASES_EN, 2)),  # type: ignore[arg-type]
                length=rng.choice((1, 2, 3)),
                emoji=rng.random() < 0.25,
            )
        rms.append(
            _Rm(
                id=f"RM{number:03d}",
                full_name=full_name,
                family=family,
                middle=middle,
                given=given,
                gender=gender,
                age=rng.randint(27, 48),
                branch=txt.BRANCH_ROTATION[(number - 1) % len(txt.BRANCH_ROTATION)],
                language=language,
                email=email,
                voice=voice,
                weight=rng.uniform(0.7, 1.3),
                en_share=0.35 if language == "en" else 0.1,
            )
        )
    return rms


# --- one chunk of clients -----------------------------------------------------------------------------------------

_AGE_BANDS = ((22, 29, 18.0), (30, 39, 27.0), (40, 49, 22.0), (50, 59, 16.0), (60, 69, 12.0), (70, 82, 5.0))
_SEGMENT_BY_AGE = {  # (upper age bound, weights Diamond, Platinum, Gold, Standard)
    30: (0.5, 3.0, 20.0, 76.5),
    45: (2.0, 8.0, 28.0, 62.0),
    60: (4.0, 13.0, 30.0, 53.0),
    200: (4.0, 12.0, 28.0, 56.0),
}
_RISK_BY_AGE = {35: (20.0, 45.0, 35.0), 55: (30.0, 45.0, 25.0), 200: (60.0, 32.0, 8.0)}
_CHANNELS = {
    "vi": (("zalo", 50.0), ("phone", 22.0), ("email", 22.0), ("whatsapp", 6.0)),
    "en": (("email", 50.0), ("whatsapp", 30.0), ("phone", 10.0), ("zalo", 10.0)),
}
_SAVINGS_SHARE = {"Diamond": 0.35, "Platinum": 0.4, "Gold": 0.45, "Standard": 0.3}
_BOND_SHARE = {"Diamond": 0.35, "Platinum": 0.3, "Gold": 0.2, "Standard": 0.04}
_LOAN_SHARE = {"Diamond": 0.18, "Platinum": 0.25, "Gold": 0.25, "Standard": 0.15}
_CARD_SHARE = {"Diamond": 0.7, "Platinum": 0.65, "Gold": 0.5, "Standard": 0.3}
_CD_TENORS = (("CD_3M", 3, 15.0), ("CD_6M", 6, 25.0), ("CD_12M", 12, 40.0), ("CD_24M", 24, 20.0))
_SPENDING_SCALE = {
    "shopping": (0.01, 0.1),
    "bills": (0.01, 0.05),
    "dining": (0.005, 0.03),
    "travel": (0.1, 0.6),
    "healthcare": (0.02, 0.2),
    "education": (0.1, 0.5),
    "transfer_external": (0.05, 0.25),
    "cash_withdrawal": (0.02, 0.1),
}
_TOPIC_SENTIMENTS = {"review": ("positive",), "birthday": ("positive",), "checkin": ("neutral",)}
_INTERACTION_HOURS = {"meeting": (9, 17), "call": (8, 19), "email": (7, 21), "chat": (7, 22)}
_PRODUCT_NAMES = {
    "cd": ("tiền gửi có kỳ hạn 12 tháng", "the 12-month certificate of deposit"),
    "home_loan": ("vay mua nhà", "a home loan"),
    "invest": ("Premier Invest", "Premier Invest"),
    "card": ("thẻ tín dụng Platinum", "the Platinum credit card"),
    "insurance": ("bảo hiểm Life Protect", "Life Protect insurance"),
    "savings": ("tiết kiệm linh hoạt", "Flexible Savings"),
}
_SENT_TOPICS = (
    ("birthday", 25.0),
    ("cd_maturity", 18.0),
    ("follow_up", 20.0),
    ("offer_deposit", 10.0),
    ("offer_invest", 7.0),
    ("loan_followup", 8.0),
    ("document", 12.0),
)
_RATES = {spec.code: spec.rate_pct for spec in PRODUCTS}


_Complaint = tuple[int, str, str]  # an open complaint: (days ago, summary in Vietnamese, in English)


@dataclass(slots=True)
class _Holdings:
    """What the activity generators need to know about a client's accounts."""

    casa_id: str = ""
    casa_balance: int = 0
    card_id: str | None = None
    savings_id: str | None = None
    loans: list[tuple[str, int]] = field(default_factory=list)  # (account id, monthly instalment)
    cd_maturing: tuple[int, dt.date] | None = None
    cd_matured: tuple[int, dt.date] | None = None
    has_cd: bool = False
    inflow: int = 0
    outflows: list[int] = field(default_factory=list)


class _Chunk:
    """Clients ``start`` to ``end`` (0-based indexes) and everything about them."""

    def __init__(self, ctx: _Context, chunk_index: int, start: int, end: int):
        self.ctx = ctx
        self.index = chunk_index
        self.start = start
        self.end = end
        self.today = ctx.today
        self.rng = Random(f"agentify-demo-bank:{ctx.seed}:chunk:{chunk_index}")
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in CRM_TABLES}
        self.holdings: dict[int, _Holdings] = {}
        self.open_complaint: set[int] = set()
        self.age_pick = _Pick([((low, high), weight) for low, high, weight in _AGE_BANDS])
        self.segment_pick = {bound: _Pick(list(zip(SEGMENTS, w, strict=True))) for bound, w in _SEGMENT_BY_AGE.items()}
        self.risk_pick = {
            bound: _Pick(list(zip(("conservative", "balanced", "growth"), w, strict=True)))
            for bound, w in _RISK_BY_AGE.items()
        }
        self.channel_pick = {language: _Pick(weights) for language, weights in _CHANNELS.items()}
        self.cd_pick = _Pick([((code, months), weight) for code, months, weight in _CD_TENORS])
        self.sent_pick = _Pick(_SENT_TOPICS)
        self.topics = {row[0]: row for row in txt.INTERACTION_TOPICS}
        # The first chunk guarantees a few of the rarer rows, so even the smallest bank has them.
        self.must = {"recurring": 3, "resolved_complaint": 2} if chunk_index == 0 else {}
        self.inbound_cycle = [topic for topic in txt.INBOUND if topic != "complaint"] if chunk_index == 0 else []

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    # -- planning --

    def _quota(self, share: float, size: int) -> int:
        expected = share * size
        count = int(expected)
        if self.rng.random() < expected - count:
            count += 1
        if self.index == 0:
            count = max(count, 1)
        return min(count, size)

    def _plan(self) -> list[_Plan]:
        rng = self.rng
        size = self.end - self.start
        plans = [_Plan(rm=self.ctx.rm_pick(rng)) for _ in range(size)]
        groups: list[list[int]] = [[] for _ in self.ctx.rms]
        for position, plan in enumerate(plans):
            groups[plan.rm].append(position)
        used = bytearray(size)

        # Clients with the same full name under one RM: the first chunk's pair is RM001's.
        pairs = 1 + size // 1000 if (self.index == 0 or size >= 500) else 0
        for number in range(pairs):
            rm_index = 0 if self.index == 0 and number == 0 else rng.randrange(len(groups))
            free = [position for position in groups[rm_index] if not used[position]]
            if len(free) < 2:
                continue
            first, second = sorted(rng.sample(free, 2))
            used[first] = used[second] = 1
            plans[first].language = plans[second].language = "vi"
            plans[second].derive_from, plans[second].derive_as = first, "twin"

        # Households, mostly within one RM's book.
        order = list(range(size))
        rng.shuffle(order)
        queues = [rng.sample(members, len(members)) for members in groups]

        def take(queue: list[int]) -> int | None:
            while queue:
                position = queue.pop()
                if not used[position]:
                    used[position] = 1
                    return position
            return None

        def partner_of(anchor: int) -> int | None:
            same_rm = rng.random() < 0.85
            found = take(queues[plans[anchor].rm]) if same_rm else None
            return found if found is not None else take(order)

        def link(a: int, b: int, a_is: str) -> None:
            plans[a].links.append((b, a_is))
            plans[b].links.append((a, _INVERSE[a_is]))

        for kind, share, household_size in (
            ("three", _FAMILY_OF_THREE_SHARE, 3),
            ("spouse", _SPOUSE_SHARE, 2),
            ("parent", _PARENT_CHILD_SHARE, 2),
            ("sibling", _SIBLING_SHARE, 2),
        ):
            expected = share * size / household_size
            count = int(expected) + (1 if rng.random() < expected - int(expected) else 0)
            for _ in range(count):
                anchor = take(order)
                partner = partner_of(anchor) if anchor is not None else None
                if anchor is None or partner is None:
                    break
                head = plans[anchor]
                if kind in ("three", "spouse"):
                    head.gender, head.married = "m", True
                    head.age_range = (50, 72) if kind == "three" else (28, 75)
                    plans[partner].derive_from, plans[partner].derive_as = anchor, "spouse"
                    plans[partner].married = True
                    link(anchor, partner, "spouse")
                    if kind == "three":
                        child = partner_of(anchor)
                        if child is not None:
                            plans[child].derive_from, plans[child].derive_as = anchor, "child"
                            link(anchor, child, "parent")
                            link(partner, child, "parent")
                elif kind == "parent":
                    head.age_range = (50, 80)
                    plans[partner].derive_from, plans[partner].derive_as = anchor, "child"
                    link(anchor, partner, "parent")
                else:
                    head.age_range = (24, 65)
                    plans[partner].derive_from, plans[partner].derive_as = anchor, "sibling"
                    link(anchor, partner, "sibling")

        # A few English-speaking clients in every RM's first book, so every RM has written in both languages.
        if self.index == 0:
            for members in groups:
                free = [p for p in members if plans[p].language is None and plans[p].derive_from is None]
                for position in rng.sample(free, min(3, len(free))):
                    plans[position].language = "en"

        # Signals and birthdays, per RM so that every RM has some of each.
        for members in groups:
            if not members:
                continue
            shuffled = rng.sample(members, len(members))
            cursor = 0
            for kind, share in SIGNALS:
                for _ in range(self._quota(share, len(members))):
                    if cursor < len(shuffled):
                        plans[shuffled[cursor]].signal = kind
                        cursor += 1
            for soon, share in ((False, _BIRTHDAY_TODAY_SHARE), (True, _BIRTHDAY_SOON_SHARE)):
                free = [position for position in members if plans[position].birthday_in is None]
                for position in rng.sample(free, min(len(free), self._quota(share, len(members)))):
                    plans[position].birthday_in = rng.randint(1, 7) if soon else 0
        return plans

    # -- people --

    def build(self) -> dict[str, list[dict[str, Any]]]:
        plans = self._plan()
        persons: list[_Person | None] = [None] * len(plans)
        for position, plan in enumerate(plans):
            if plan.derive_from is None:
                persons[position] = self._person(position, plan, None)
        for position, plan in enumerate(plans):
            if plan.derive_from is not None:
                persons[position] = self._person(position, plan, persons[plan.derive_from])
        people = [person for person in persons if person is not None]
        for person in people:
            self._client_row(person)
        for position, plan in enumerate(plans):
            for other, relation in plan.links:
                self.rows["relationships"].append(
                    {"client_id": people[position].id, "related_client_id": people[other].id, "relation": relation}
                )
        for person in people:
            self._activity(person)
        if self.index == 0:
            self._sent_messages(people)
        return self.rows

    def _age(self) -> int:
        low, high = self.age_pick(self.rng)
        return int(self.rng.randint(low, high))

    def _dob(self, age: int, birthday_in: int | None) -> dt.date:
        today = self.today
        if birthday_in is None:
            try:
                anniversary = today.replace(year=today.year - age)
            except ValueError:  # 29 February
                anniversary = dt.date(today.year - age, 2, 28)
            return anniversary - dt.timedelta(days=self.rng.randint(1, 364))
        target = today + dt.timedelta(days=birthday_in)
        year = target.year - age
        if target.month == 2 and target.day == 29:
            while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
                year -= 1
        return dt.date(year, target.month, target.day)

    def _person(self, position: int, plan: _Plan, anchor: _Person | None) -> _Person:
        rng = self.rng
        ctx = self.ctx
        today = self.today
        index = self.start + position
        rm = ctx.rms[plan.rm]
        relation = plan.derive_as

        if relation == "twin" and anchor is not None:
            gender, family, middle, given = anchor.gender, anchor.family, anchor.middle, anchor.given
        else:
            if relation == "spouse" and anchor is not None:
                gender = "f" if anchor.gender == "m" else "m"
            else:
                gender = plan.gender or ("m" if rng.random() < 0.5 else "f")
            if anchor is not None and (relation == "sibling" or (relation == "child" and anchor.gender == "m")):
                family = anchor.family
            else:
                family = ctx.family_pick(rng)
                if relation == "spouse" and anchor is not None and family == anchor.family:
                    family = ctx.family_pick(rng)
            middle = ctx.middle_pick[gender](rng)
            names = txt.GIVEN_MALE if gender == "m" else txt.GIVEN_FEMALE
            given = rng.choice(names)
            while given in (middle, family):
                given = rng.choice(names)

        if anchor is not None and relation == "twin":
            gap = rng.randint(18, 28)
            age = min(85, anchor.age + gap) if anchor.age <= 45 else max(22, anchor.age - gap)
        elif anchor is not None and relation == "spouse":
            age = anchor.age + (rng.randint(-6, 2) if gender == "f" else rng.randint(-2, 6))
        elif anchor is not None and relation == "child":
            age = anchor.age - rng.randint(22, 32)
        elif anchor is not None and relation == "sibling":
            age = anchor.age + rng.choice((-1, 1)) * rng.randint(1, 9)
        elif plan.age_range is not None:
            age = rng.randint(*plan.age_range)
        else:
            age = self._age()
        age = min(85, max(20, age))
        dob = self._dob(age, plan.birthday_in)
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))

        if plan.language is not None:
            language = plan.language
        elif anchor is not None and rng.random() < 0.9:
            language = anchor.language
        else:
            language = "en" if rng.random() < rm.en_share else "vi"
        married = plan.married
        if language == "vi":
            young = age < 50
            honorific = ("Anh" if young else "Ông") if gender == "m" else ("Chị" if young else "Bà")
        elif gender == "m":
            honorific = "Mr"
        else:
            honorific = "Mrs" if married or (age >= 40 and rng.random() < 0.5) else "Ms"

        bound = next(limit for limit in _SEGMENT_BY_AGE if age < limit)
        segment = self.segment_pick[bound](rng)
        if plan.signal == "idle_cash" and _SEGMENT_RANK[segment] > 1:
            segment = "Diamond" if rng.random() < 0.25 else "Platinum"
        elif plan.signal == "attrition" and segment == "Standard":
            segment = "Gold"

        if age >= 62 and rng.random() < 0.7:
            occupation: str | None = txt.RETIREE
            income_kind = txt.INCOME_PENSION
        else:
            occupation, income_kind = ctx.occupation_pick[segment](rng)
        income = _money(_log_uniform(rng, *_SEGMENT_INCOME[segment]), 100_000)
        if income_kind == txt.INCOME_PENSION:
            income = _money(max(4 * MILLION, income * 0.3), 100_000)
        if rng.random() < 0.05:
            occupation = None

        if anchor is not None and rng.random() < 0.9:
            city = anchor.city
        else:
            city = rm.branch if rng.random() < 0.8 else ctx.city_pick(rng)
        if rng.random() < 0.03:
            city = None

        risk_bound = next(limit for limit in _RISK_BY_AGE if age < limit)
        risk = self.risk_pick[risk_bound](rng)
        channel = self.channel_pick[language](rng)

        email: str | None = None
        wants_email = 0.97 if language == "en" else (0.55 if age > 65 else 0.85)
        if channel == "email" or rng.random() < wants_email:
            email = self._email(index, family, middle, given, dob)

        latest = 500 if plan.signal is not None else 30
        earliest = min(age - 18, 22) * 365
        days_ago = int(rng.uniform(0.0, 1.0) ** 1.6 * (earliest - latest)) + latest if earliest > latest else latest
        if segment in ("Diamond", "Platinum"):
            days_ago = max(days_ago, min(earliest, 700))
        onboarded = self.day(days_ago)

        person = _Person(
            index=index,
            id=f"C{index + 1:06d}",
            rm=plan.rm,
            family=family,
            middle=middle,
            given=given,
            gender=gender,
            age=age,
            dob=dob,
            language=language,
            honorific=honorific,
            phone=ctx.phone(index),
            email=email,
            segment=segment,
            occupation=occupation,
            income_kind=income_kind,
            income=income,
            city=city,
            risk=risk,
            channel=channel,
            onboarded=onboarded,
            signal=plan.signal,
            married=married,
        )
        return person

    def _email(self, index: int, family: str, middle: str, given: str, dob: dt.date) -> str:
        rng = self.rng
        first, last, mid = _ascii(given).lower(), _ascii(family).lower(), _ascii(middle).lower()
        style = rng.randrange(4)
        year = f"{dob.year % 100:02d}"
        if style == 0:
            local = f"{first}.{last}{year}"
        elif style == 1:
            local = f"{last}{mid[0]}{first}{year}"
        elif style == 2:
            local = f"{first}{last}.{dob.year}"
        else:
            local = f"{first}.{mid}.{last}"
        local = local.replace(" ", "")
        address = f"{local}@{rng.choice(txt.CLIENT_EMAIL_DOMAINS)}"
        if address in self.ctx.emails:
            address = f"{local}{index % 1000}@{rng.choice(txt.CLIENT_EMAIL_DOMAINS)}"
            if address in self.ctx.emails:
                address = f"{local}.c{index + 1}@{txt.CLIENT_EMAIL_DOMAINS[0]}"
        self.ctx.emails.add(address)
        return address

    def _client_row(self, p: _Person) -> None:
        self.rows["clients"].append(
            {
                "id": p.id,
                "rm_id": self.ctx.rms[p.rm].id,
                "full_name": p.display_name(),
                "honorific": p.honorific,
                "date_of_birth": p.dob,
                "phone": p.phone,
                "email": p.email,
                "segment": p.segment,
                "occupation": p.occupation,
                "city": p.city,
                "risk_profile": p.risk,
                "preferred_channel": p.channel,
                "language": p.language,
                "onboarded_on": p.onboarded,
            }
        )

    # -- activity --

    def _activity(self, p: _Person) -> None:
        holdings = self._accounts(p)
        self._transactions(p, holdings)
        complaint = self._complaints(p)
        interactions = self._interactions(p, holdings, complaint)
        self._tasks(p, holdings, interactions, complaint)
        self._digital(p)
        self._inbound(p, holdings, complaint)
        if self.index == 0:
            self.holdings[p.index] = holdings

    def _account(
        self,
        p: _Person,
        product: str,
        kind: str,
        balance: float,
        opened: dt.date,
        maturity: dt.date | None,
        status: str = "active",
    ) -> str:
        account_id = self.ctx.next_id("A", 8)
        amount = max(0, int(balance))
        self.rows["accounts"].append(
            {
                "id": account_id,
                "client_id": p.id,
                "product_code": product,
                "kind": kind,
                "balance_vnd": amount,
                "opened_on": opened,
                "maturity_on": maturity,
                "rate_pct": _RATES.get(product),
                "status": status,
            }
        )
        stats = self.ctx.stats[p.rm]
        if status == "active" and kind in AUM_KINDS:
            stats.aum += amount
        key = _month_key(opened)
        if kind in DEPOSIT_KINDS:
            stats.new_deposits[key] = stats.new_deposits.get(key, 0) + amount
        elif kind == "loan":
            stats.new_loans[key] = stats.new_loans.get(key, 0) + amount
        return account_id

    def _cd_amount(self, segment: str) -> int:
        low, high = {
            "Diamond": (2 * BILLION, 15 * BILLION),
            "Platinum": (BILLION, 5 * BILLION),
            "Gold": (200 * MILLION, 2 * BILLION),
            "Standard": (50 * MILLION, 500 * MILLION),
        }[segment]
        return _money(_log_uniform(self.rng, low, high), 10 * MILLION)

    def _accounts(self, p: _Person) -> _Holdings:
        rng = self.rng
        today = self.today
        segment = p.segment
        since = (today - p.onboarded).days
        holdings = _Holdings()

        aum = _log_uniform(rng, *_SEGMENT_AUM[segment])
        if segment in ("Diamond", "Platinum"):
            casa_share = rng.uniform(0.04, 0.12)
        elif segment == "Gold":
            casa_share = rng.uniform(0.1, 0.35)
        else:
            casa_share = rng.uniform(0.25, 0.8)
        casa = min(aum * casa_share, _CASA_CAP)
        rest = aum - casa
        savings = 0.0
        if rng.random() < _SAVINGS_SHARE[segment] and rest > 20 * MILLION:
            savings = min(rest * rng.uniform(0.1, 0.3), _SAVINGS_CAP)
            rest -= savings

        if p.signal == "idle_cash":
            big = _log_uniform(rng, *PLANTED_IDLE_CASH_VND)
            if rng.random() < 0.6:
                casa = big
            else:
                savings = big
        elif p.signal == "large_inflow":
            holdings.inflow = _money(_log_uniform(rng, *PLANTED_INFLOW_VND), MILLION)
        elif p.signal == "attrition":
            before = max(casa + savings, _log_uniform(rng, 400 * MILLION, 3 * BILLION))
            moved = before * rng.uniform(0.62, 0.9)
            first = moved * rng.uniform(0.67, 0.8)  # one transfer alone is over 40% of the old balance
            holdings.outflows = [_money(first, MILLION)]
            if rng.random() < 0.7:
                holdings.outflows.append(_money(moved - first, MILLION))
            casa = max(before - sum(holdings.outflows), 2 * MILLION)
            savings = 0.0

        casa_product = "CASA_PREMIER" if segment in ("Diamond", "Platinum") else "CASA_STD"
        holdings.casa_balance = int(casa) + holdings.inflow
        holdings.casa_id = self._account(p, casa_product, "casa", holdings.casa_balance, p.onboarded, None)
        if savings > 0:
            opened = self.day(rng.randint(min(since, 120 if p.signal == "idle_cash" else 30), since))
            holdings.savings_id = self._account(p, "SAV_FLEX", "savings", savings, opened, None)
        if since > 200 and rng.random() < 0.05:
            self._account(p, "SAV_FLEX", "savings", 0, self.day(rng.randint(200, since)), None, "closed")

        if p.risk == "growth" and segment in ("Diamond", "Platinum") and rest >= 1.5 * BILLION and rng.random() < 0.55:
            amount = max(BILLION, rest * rng.uniform(0.2, 0.45))
            rest -= amount
            self._account(p, "PREMIER_INVEST", "investment", amount, self.day(rng.randint(30, since)), None)
        if p.risk != "conservative" and rest > 30 * MILLION and rng.random() < _BOND_SHARE[segment]:
            amount = max(10 * MILLION, rest * rng.uniform(0.1, 0.3))
            rest -= amount
            self._account(p, "BOND_FUND", "investment", amount, self.day(rng.randint(30, since)), None)

        if segment == "Diamond":
            count = rng.randint(2, 4)
        elif segment == "Platinum":
            count = rng.randint(1, 3)
        elif segment == "Gold":
            count = rng.randint(1, 2)
        else:
            count = 1 if rng.random() < 0.35 else 0
        if rest < 20 * MILLION:
            count = 0
        weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
        horizon = today + dt.timedelta(days=31)  # normal CDs never mature in the next 30 days
        for weight in weights:
            amount = rest * weight / sum(weights)
            code, months = self.cd_pick(rng)
            if amount < 100 * MILLION and months >= 12:
                code, months = "CD_6M", 6
            low = max(horizon, _add_months(p.onboarded, months))
            high = _add_months(today, months) - dt.timedelta(days=1)
            maturity = low if low >= high else low + dt.timedelta(days=rng.randint(0, (high - low).days))
            self._account(p, code, "cd", _money(amount, 100_000), _add_months(maturity, -months), maturity)
            holdings.has_cd = True

        if since > 450 and rng.random() < (0.12 if segment == "Standard" else 0.3):
            code, months = (
                ("CD_TET_PROMO", 13)
                if segment in ("Diamond", "Platinum") and rng.random() < 0.3
                else (("CD_12M", 12) if rng.random() < 0.5 else ("CD_6M", 6))
            )
            maturity = self.day(rng.randint(15, min(400, since - months * 31)))
            amount = self._cd_amount(segment)
            self._account(p, code, "cd", amount, _add_months(maturity, -months), maturity, "matured")
            holdings.cd_matured = (amount, maturity)

        if p.signal == "cd_maturity":
            amount = self._cd_amount(segment)
            maturity = today + dt.timedelta(days=rng.randint(0, 30))
            code, months = self.cd_pick(rng)
            if (amount < 100 * MILLION and months >= 12) or _add_months(maturity, -months) < p.onboarded:
                code, months = ("CD_12M", 12) if amount >= 100 * MILLION else ("CD_6M", 6)
            self._account(p, code, "cd", amount, _add_months(maturity, -months), maturity)
            holdings.cd_maturing = (amount, maturity)
            holdings.has_cd = True

        self._loans(p, holdings, since)

        if rng.random() < _CARD_SHARE[segment]:
            code = "CARD_PLATINUM" if segment in ("Diamond", "Platinum") else "CARD_CASHBACK"
            balance = _money(p.income * rng.uniform(0.0, 0.6))
            holdings.card_id = self._account(p, code, "card", balance, self.day(rng.randint(30, since)), None)
        return holdings

    def _loans(self, p: _Person, holdings: _Holdings, since: int) -> None:
        rng = self.rng
        today = self.today
        segment = p.segment
        business = p.income_kind == txt.INCOME_BUSINESS
        if p.signal == "loan_maturity":
            maturity = today + dt.timedelta(days=rng.randint(1, 30))
            if segment != "Standard" and (business or rng.random() < 0.5):
                code, months = "BIZ_LOAN", 12
                balance = _money(_log_uniform(rng, 500 * MILLION, 5 * BILLION), 10 * MILLION)
                instalment = _money(balance * 0.01, 100_000)  # interest only, principal at maturity
            else:
                code = "AUTO_LOAN" if rng.random() < 0.5 else "RENO_LOAN"
                months = next((m for m in (60, 48, 36, 24) if _add_months(maturity, -m) >= p.onboarded), 12)
                principal = _log_uniform(rng, 100 * MILLION, 1.2 * BILLION)
                instalment = _money(principal / months * 1.25, 100_000)
                balance = _money(instalment * rng.uniform(0.6, 1.0), 100_000)  # the last instalment is left
            account = self._account(p, code, "loan", balance, _add_months(maturity, -months), maturity)
            holdings.loans.append((account, instalment))
            return
        if rng.random() >= _LOAN_SHARE[segment]:
            return
        if business and segment != "Standard" and rng.random() < 0.5:
            code, months = "BIZ_LOAN", 12
            principal = _log_uniform(rng, 500 * MILLION, 8 * BILLION)
        else:
            roll = rng.random()
            if roll < 0.45:
                code, months = "HOME_LOAN", rng.choice((180, 240, 300))
                low, high = {
                    "Diamond": (3 * BILLION, 12 * BILLION),
                    "Platinum": (1.5 * BILLION, 6 * BILLION),
                    "Gold": (800 * MILLION, 3 * BILLION),
                    "Standard": (300 * MILLION, 1.5 * BILLION),
                }[segment]
                principal = _log_uniform(rng, low, high)
            elif roll < 0.7:
                code, months = "RENO_LOAN", rng.choice((36, 60, 84))
                principal = _log_uniform(rng, 50 * MILLION, BILLION)
            else:
                code, months = "AUTO_LOAN", rng.choice((36, 60, 84))
                principal = _log_uniform(rng, 200 * MILLION, 1.5 * BILLION)
        latest = today - dt.timedelta(days=30)
        earliest = max(p.onboarded, _add_months(today, -months) + dt.timedelta(days=60))
        if earliest > latest:
            earliest = latest
        opened = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
        maturity = _add_months(opened, months)
        if code == "BIZ_LOAN":
            outstanding = principal
            instalment = _money(principal * 0.01, 100_000)
        else:
            elapsed = (today - opened).days / max(1, (maturity - opened).days)
            outstanding = principal * (1 - elapsed)
            instalment = _money(principal / months * 1.3, 100_000)
        account = self._account(p, code, "loan", _money(outstanding, 100_000), opened, maturity)
        holdings.loans.append((account, instalment))

    def _transactions(self, p: _Person, h: _Holdings) -> None:
        rng = self.rng
        today = self.today
        vi = p.language == "vi"
        found: list[tuple[dt.datetime, str, int, str, str, str, str, str]] = []

        def add(
            account: str,
            days: int,
            hour: int,
            amount: int,
            direction: str,
            channel: str,
            party: str,
            category: str,
            text: str,
        ) -> None:
            when = _at(self.day(days), hour, rng.randint(0, 59))
            found.append((when, account, amount, direction, channel, party, category, text))

        if p.signal == "idle_cash":
            # Money that has sat untouched for months: nothing in the last 100 days.
            source = h.savings_id or h.casa_id
            amount = _money(_log_uniform(rng, 200 * MILLION, 2 * BILLION), MILLION)
            text = "TAT TOAN TIEN GUI CO KY HAN" if vi else "Term deposit proceeds"
            add(
                source, rng.randint(130, 180), 10, amount, "in", "transfer", txt.BANK_NAME_EN, "transfer_internal", text
            )
            for _ in range(rng.randint(1, 2)):
                party = rng.choice(("EVN", "VNPT", "Sawaco"))
                bill = _money(rng.uniform(300_000, 3 * MILLION))
                text = f"THANH TOAN HOA DON {_ascii(party).upper()}" if vi else f"Monthly bill - {party}"
                add(h.casa_id, rng.randint(100, 175), rng.randint(8, 21), bill, "out", "online", party, "bills", text)
        else:
            window = max(1, min(HISTORY_DAYS, (today - p.onboarded).days))
            first_of_month = today.replace(day=1)
            if p.income_kind in (txt.INCOME_SALARY, txt.INCOME_PENSION):
                salary = p.income_kind == txt.INCOME_SALARY
                employer = rng.choice(txt.EMPLOYERS) if salary else "BAO HIEM XA HOI VIET NAM"
                pay_day = rng.choice((5, 10, 25)) if salary else 10
                for back in range(7):
                    pay = _add_months(first_of_month, -back).replace(day=pay_day)
                    days = (today - pay).days
                    if days < 1 or days > window or (p.signal == "attrition" and days < 45):
                        continue  # an attrition client's salary now lands at another bank
                    amount = _money(p.income * rng.uniform(0.97, 1.03))
                    if salary:
                        month = _MONTHS_EN[pay.month - 1]
                        text = f"LUONG THANG {pay.month}/{pay.year} {employer}" if vi else f"Salary {month} {pay.year}"
                        add(h.casa_id, days, rng.randint(8, 11), amount, "in", "transfer", employer, "salary", text)
                    else:
                        text = f"LUONG HUU THANG {pay.month}/{pay.year}" if vi else f"Pension {pay.month}/{pay.year}"
                        add(h.casa_id, days, 9, amount, "in", "transfer", employer, "pension", text)
            else:
                for _ in range(rng.randint(2, 4)):
                    amount = _money(p.income * rng.uniform(0.5, 2.5), 100_000)
                    party = rng.choice(txt.EMPLOYERS)
                    text = "THANH TOAN HOP DONG" if vi else "Invoice payment"
                    add(
                        h.casa_id,
                        rng.randint(1, window),
                        rng.randint(8, 17),
                        amount,
                        "in",
                        "transfer",
                        party,
                        "business_income",
                        text,
                    )
            for _ in range(rng.randint(3, 6)):
                category, channel, parties, text_en, text_vi = self.ctx.spending_pick(rng)
                low, high = _SPENDING_SCALE[category]
                value = p.income * rng.uniform(low, high)
                if category == "transfer_external":
                    amount = _money(min(value, max(h.casa_balance * 0.15, 200_000)), 100_000)
                elif category == "cash_withdrawal":
                    amount = _money(value, 500_000)
                else:
                    amount = _money(value)
                account = h.card_id if channel == "card" and h.card_id and rng.random() < 0.7 else h.casa_id
                party = rng.choice(parties)
                days = rng.randint(1, window)
                if category == "bills" and vi:
                    text = f"{text_vi} {self.day(days).month} {_ascii(party).upper()}"
                else:
                    text = f"{text_vi} {_ascii(party).upper()}" if vi else f"{text_en} - {party}"
                add(account, days, rng.randint(7, 22), amount, "out", channel, party, category, text)
            for account, instalment in h.loans:
                for back in (1, 2):
                    days = back * 30 - rng.randint(0, 5)
                    if days <= window:
                        text = f"TRA NO KHOAN VAY {account}" if vi else f"Loan repayment {account}"
                        add(h.casa_id, days, 8, instalment, "out", "transfer", txt.BANK_NAME_EN, "loan_repayment", text)
            if h.inflow:
                buyer = f"{self.ctx.family_pick(rng)} {self.ctx.middle_pick['m'](rng)} {rng.choice(txt.GIVEN_MALE)}"
                if p.income_kind == txt.INCOME_BUSINESS and rng.random() < 0.3:
                    party, category = rng.choice(txt.EMPLOYERS), "business_income"
                    text = "THANH TOAN HOP DONG CHUYEN NHUONG" if vi else "Payment for sale of business stake"
                else:
                    party, category = _ascii(buyer).upper(), "property_sale"
                    text = "CHUYEN TIEN MUA NHA THEO HOP DONG CONG CHUNG" if vi else "Proceeds from apartment sale"
                add(h.casa_id, rng.randint(1, 5), rng.randint(9, 16), h.inflow, "in", "transfer", party, category, text)
            for amount in h.outflows:
                bank = rng.choice(txt.OTHER_BANKS)
                party = f"{bank} - {_ascii(p.display_name()).upper()}"
                text = f"CHUYEN TIEN SANG TK {bank.upper()}" if vi else f"Transfer to own account at {bank}"
                channel = "online" if rng.random() < 0.5 else "transfer"
                add(
                    h.casa_id,
                    rng.randint(2, 27),
                    rng.randint(8, 21),
                    amount,
                    "out",
                    channel,
                    party,
                    "transfer_external",
                    text,
                )

        found.sort(key=lambda item: (item[0], item[1]))
        rows = self.rows["transactions"]
        for when, account, amount, direction, channel, party, category, text in found:
            rows.append(
                {
                    "id": self.ctx.next_id("T", 9),
                    "account_id": account,
                    "client_id": p.id,
                    "posted_at": when,
                    "amount_vnd": amount,
                    "direction": direction,
                    "channel": channel,
                    "counterparty": party,
                    "category": category,
                    "description": text,
                }
            )

    def _must(self, what: str) -> bool:
        """Use up one of the first chunk's guaranteed rows of a kind; False when none are left."""
        left = self.must.get(what, 0)
        if left > 0:
            self.must[what] = left - 1
        return left > 0

    def _complaints(self, p: _Person) -> _Complaint | None:
        """An open complaint (planted) or, rarely, a resolved one; returns the open one."""
        rng = self.rng
        since = (self.today - p.onboarded).days
        if p.signal == "complaint":
            days = rng.randint(2, 25)
            status = "open"
        elif since > 60 and (rng.random() < 0.03 or self._must("resolved_complaint")):
            days = rng.randint(30, min(400, since))
            status = "resolved"
        else:
            return None
        category, summary_vi, summary_en = rng.choice(txt.COMPLAINTS)
        summary = summary_vi if p.language == "vi" else summary_en
        self.rows["complaints"].append(
            {
                "id": self.ctx.next_id("CP", 7),
                "client_id": p.id,
                "opened_on": self.day(days),
                "category": category,
                "status": status,
                "summary": summary,
            }
        )
        if status == "open":
            self.open_complaint.add(p.index)
            return days, summary_vi, summary_en
        return None

    def _names(self, p: _Person, language: str) -> dict[str, str]:
        """How an RM's text refers to the client, in Vietnamese or English."""
        family, given = p.name_parts()
        if language == "vi":
            hon = p.hon_vi() if p.language == "vi" else "khách"
            name = f"{hon} {given}" if p.language == "vi" else p.display_name()
        else:
            hon = _EN_TITLE.get(p.honorific, "")
            name = f"{hon} {p.display_name()}" if hon else p.display_name()
        return {"hon": hon, "Hon": hon[:1].upper() + hon[1:], "given": given, "family": family, "name": name}

    def _interactions(
        self, p: _Person, h: _Holdings, complaint: _Complaint | None
    ) -> list[tuple[str, dt.datetime, str, str]]:
        """The meeting log; returns (id, occurred_at, topic key, language) oldest first."""
        rng = self.rng
        today = self.today
        since = (today - p.onboarded).days
        planned: list[tuple[int, str, str | None]] = []  # (days ago, topic key, special note)
        if p.signal == "inactive":
            count = rng.choice((0, 1, 1, 2, 3))
            days = rng.randint(100, 400)
        else:
            count = rng.randint(2, 4) + (1 if p.segment == "Diamond" else 0)
            days = rng.randint(3, min(80, since))
        for _ in range(count):
            if days > since:
                break
            planned.append((days, self._topic(p, h), None))
            days += rng.randint(20, 120)
        if p.signal != "inactive":
            ago = (today - _last_birthday(p.dob, today)).days
            if 3 <= ago <= 80 and ago <= since and rng.random() < 0.3:
                planned.append((ago, "birthday", None))
        if p.signal == "attrition" and rng.random() < 0.5:
            planned.append((rng.randint(5, 30), "review", "attrition"))
        if complaint is not None:
            planned.append((max(1, complaint[0] - rng.randint(0, 1)), "checkin", "complaint"))
        planned.sort(key=lambda item: -item[0])

        rm = self.ctx.rms[p.rm]
        stats = self.ctx.stats[p.rm]
        made: list[tuple[str, dt.datetime, str, str]] = []
        for days, key, special in planned:
            language = "en" if rm.language == "en" or rng.random() < 0.12 else "vi"
            names = self._names(p, language)
            _, _category, topic_vi, topic_en, summary_vi, summary_en = self.topics[key]
            product, amount = self._topic_product(p, key)
            amount_text = (_vnd_vi(amount) if language == "vi" else _vnd_en(amount)) if amount else ""
            fill = {**names, "amount": amount_text}
            topic = topic_vi if language == "vi" else topic_en
            summary = (summary_vi if language == "vi" else summary_en).format(**fill)
            sentiment = rng.choice(_TOPIC_SENTIMENTS.get(key, ("positive", "positive", "neutral")))
            channel = rng.choice(("call", "call", "meeting", "meeting", "email", "chat"))
            if key == "birthday":
                channel, sentiment = "call", "positive"
            source, source_text = "manual", None
            if special == "attrition":
                note = txt.ATTRITION_NOTES[0 if language == "vi" else 1]
                summary = note.format(**names, other_bank=rng.choice(txt.OTHER_BANKS))
                topic = "Giữ chân khách hàng" if language == "vi" else "Retention"
                sentiment, channel, product, amount = "negative", "call", None, None
            elif special == "complaint" and complaint is not None:
                note = txt.COMPLAINT_NOTES[0 if language == "vi" else 1]
                summary = note.format(**names, summary=complaint[1 if language == "vi" else 2])
                topic = "Khiếu nại" if language == "vi" else "Complaint"
                sentiment, channel, product, amount = "negative", "call", None, None
            elif key in txt.NEEDS and amount and rng.random() < 0.15:
                source = "agent"
                channel = "meeting" if rng.random() < 0.5 else "call"
                templates = txt.NOTE_TEMPLATES_VI if language == "vi" else txt.NOTE_TEMPLATES_EN
                place = rng.choice(txt.MEETING_PLACES.get(rm.branch, txt.DEFAULT_MEETING_PLACES))
                need = txt.NEEDS[key][0 if language == "vi" else 1]
                title = _EN_TITLE.get(p.honorific, names["hon"])
                source_text = templates[0 if channel == "meeting" else 1].format(
                    **names, title=title, phone=p.phone, place=place, need=need, amount=amount_text
                )
            location = None
            if channel == "meeting":
                location = rng.choice(txt.MEETING_PLACES.get(rm.branch, txt.DEFAULT_MEETING_PLACES))
            low, high = _INTERACTION_HOURS[channel]
            day = self.day(days)
            when = _at(day, rng.randint(low, high), rng.choice((0, 15, 30, 45)))
            interaction_id = self.ctx.next_id("I", 8)
            self.rows["interactions"].append(
                {
                    "id": interaction_id,
                    "client_id": p.id,
                    "rm_id": rm.id,
                    "occurred_at": when,
                    "channel": channel,
                    "location": location,
                    "topic": topic,
                    "summary": summary,
                    "product_code": product,
                    "product_category": _CATEGORY_OF[product] if product else None,
                    "amount_vnd": amount,
                    "sentiment": sentiment,
                    "source": source,
                    "source_text": source_text,
                }
            )
            month = _month_key(day)
            stats.contacts[month] = stats.contacts.get(month, 0) + 1
            made.append((interaction_id, when, special or key, language))
        return made

    def _topic(self, p: _Person, h: _Holdings) -> str:
        options = ["review", "checkin", "checkin", "insurance", "card", "savings", "home_loan", "reno_loan", "cd"]
        if h.has_cd:
            options += ["cd", "cd"]
        if p.risk != "conservative":
            options.append("invest")
            if p.segment in ("Diamond", "Platinum"):
                options.append("invest")
        if p.segment in ("Diamond", "Platinum"):
            options.append("review")
        return str(self.rng.choice(options))

    def _topic_product(self, p: _Person, key: str) -> tuple[str | None, int | None]:
        rng = self.rng
        if key == "cd":
            return "CD_12M", self._cd_amount(p.segment)
        if key == "home_loan":
            return "HOME_LOAN", _money(_log_uniform(rng, 500 * MILLION, 5 * BILLION), 10 * MILLION)
        if key == "reno_loan":
            return "RENO_LOAN", _money(_log_uniform(rng, 100 * MILLION, BILLION), 10 * MILLION)
        if key == "invest":
            if p.risk == "growth" and p.segment in ("Diamond", "Platinum"):
                return "PREMIER_INVEST", _money(_log_uniform(rng, BILLION, 5 * BILLION), 100 * MILLION)
            return "BOND_FUND", _money(_log_uniform(rng, 50 * MILLION, BILLION), 10 * MILLION)
        if key == "savings":
            return "SAV_FLEX", _money(_log_uniform(rng, 50 * MILLION, 500 * MILLION), 10 * MILLION)
        if key == "card":
            return ("CARD_PLATINUM" if p.segment in ("Diamond", "Platinum") else "CARD_CASHBACK"), None
        if key == "insurance":
            return "LIFE_PROTECT", None
        return None, None

    def _tasks(
        self,
        p: _Person,
        h: _Holdings,
        interactions: list[tuple[str, dt.datetime, str, str]],
        complaint: _Complaint | None,
    ) -> None:
        rng = self.rng
        today = self.today
        rm = self.ctx.rms[p.rm]

        def add(
            title: str,
            kind: str,
            due: dt.date,
            status: str,
            created: dt.datetime,
            interaction: str | None = None,
            recurrence: str | None = None,
            until: str | None = None,
        ) -> None:
            completed = None
            if status == "done":
                last = min(due + dt.timedelta(days=2), today - dt.timedelta(days=1))
                span = max(0, (last - created.date()).days)
                completed = max(
                    created + dt.timedelta(hours=1),
                    _at(created.date() + dt.timedelta(days=rng.randint(0, span)), rng.randint(9, 18), 0),
                )
            self.rows["tasks"].append(
                {
                    "id": self.ctx.next_id("K", 8),
                    "client_id": p.id,
                    "rm_id": rm.id,
                    "interaction_id": interaction,
                    "title": title,
                    "kind": kind,
                    "due_on": due,
                    "status": status,
                    "recurrence": recurrence,
                    "until_condition": until,
                    "created_at": created,
                    "completed_at": completed,
                }
            )

        for interaction_id, when, key, language in interactions:
            if key == "complaint":
                names = self._names(p, language)
                title = (
                    f"Gọi lại {names['name']} về khiếu nại"
                    if language == "vi"
                    else f"Call {names['name']} back about the complaint"
                )
                add(
                    title,
                    "call",
                    today + dt.timedelta(days=rng.randint(0, 3)),
                    "open",
                    when + dt.timedelta(minutes=30),
                    interaction_id,
                )
                continue
            if key not in txt.FOLLOW_UP_TASKS or key == "checkin" or rng.random() >= 0.25:
                continue
            kind, title_vi, title_en = txt.FOLLOW_UP_TASKS[key]
            names = self._names(p, language)
            title = (title_vi if language == "vi" else title_en).format(name=names["name"])
            due = when.date() + dt.timedelta(days=rng.randint(1, 10))
            if due >= today:
                status = "open"
            else:
                roll = rng.random()
                status = "done" if roll < 0.88 else ("cancelled" if roll < 0.93 else "open")
            add(title, kind, due, status, when + dt.timedelta(minutes=rng.randint(30, 180)), interaction_id)

        language = "en" if rm.language == "en" else "vi"
        names = self._names(p, language)
        if h.cd_maturing is not None and rng.random() < 0.5:
            maturity = h.cd_maturing[1]
            if language == "vi":
                title = f"Gọi {names['name']} về khoản tiền gửi đến hạn {_date_vi(maturity)}"
            else:
                title = f"Call {names['name']} about the deposit maturing on {_date_en(maturity)}"
            due = max(today, maturity - dt.timedelta(days=7))
            add(title, "call", due, "open", _at(self.day(rng.randint(3, 20)), 9, 0))
        wants = rng.random() < 0.015 + (0.3 if complaint else 0.0) or self.must.get("recurring", 0) > 0
        if p.signal != "inactive" and wants:
            rules = [rule for rule in txt.RECURRING_TASKS if self._rule_fits(rule[0], p, h, complaint)]
            if rules:
                self._must("recurring")
                rule, title_vi, title_en, until_vi, until_en = rng.choice(rules)
                title = (title_vi if language == "vi" else title_en).format(name=names["name"])
                until = until_vi if language == "vi" else until_en
                created = _at(self.day(rng.randint(10, 60)), 10, 0)
                add(title, "call", _next_occurrence(rule, today), "open", created, None, rule, until)

    def _rule_fits(self, rule: str, p: _Person, h: _Holdings, complaint: _Complaint | None) -> bool:
        if rule == "FREQ=WEEKLY;BYDAY=TU":
            return complaint is not None
        if rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE":
            return p.risk == "growth"
        return bool(h.loans) and complaint is None

    def _digital(self, p: _Person) -> None:
        rng = self.rng
        monday = self.today - dt.timedelta(days=self.today.weekday())
        if p.signal == "attrition":
            peak = rng.randint(7, 14)
            logins = [
                max(0, round(peak * (1 - week / (DIGITAL_WEEKS - 2)) ** 1.2)) for week in range(DIGITAL_WEEKS - 2)
            ]
            logins += [0, rng.choice((0, 0, 1))]
        else:
            if (p.age >= 70 and rng.random() < 0.6) or rng.random() < 0.12:
                return
            base = rng.uniform(0.5, 9.0 if p.age < 45 else 5.0)
            logins = [max(0, int(rng.gauss(base, base * 0.35 + 0.5))) for _ in range(DIGITAL_WEEKS)]
        rows = self.rows["digital_activity"]
        for week, count in enumerate(logins):
            start = monday - dt.timedelta(days=7 * (DIGITAL_WEEKS - 1 - week))
            if start >= p.onboarded:
                rows.append({"client_id": p.id, "week_start": start, "logins": count})

    def _inbound(self, p: _Person, h: _Holdings, complaint: _Complaint | None) -> None:
        rng = self.rng
        messages: list[tuple[int, str, int | None]] = []  # (days ago, topic, body index)
        if complaint is not None:
            messages.append((max(1, complaint[0] - rng.randint(0, 1)), "complaint", 0))
            if rng.random() < 0.5:
                messages.append((rng.randint(1, 2), "complaint", 1))
        if h.cd_maturing is not None and rng.random() < 0.3:
            messages.append((rng.randint(1, 6), "appointment", 0))
        if h.inflow and rng.random() < 0.25:
            messages.append((rng.randint(1, 4), "product_inquiry", 2))
        if rng.random() < 0.15 and p.signal != "inactive":  # an inactive client has not been in touch either
            messages.append((rng.randint(1, 20), self.ctx.inbound_pick(rng), None))
        if not messages and self.inbound_cycle and p.signal is None:
            messages.append((rng.randint(1, 3), self.inbound_cycle.pop(0), None))
        if not messages:
            return
        rm = self.ctx.rms[p.rm]
        vi = p.language == "vi"
        if vi and p.age >= rm.age + 12:
            rm_word = "em"
            me = "tôi" if p.age >= 60 else ("anh" if p.gender == "m" else "chị")
        elif vi:
            rm_word = f"{'anh' if rm.gender == 'm' else 'chị'} {rm.given}"
            me = "em"
        else:
            rm_word, me = rm.given, "I"
        channel = {"email": "email", "zalo": "zalo", "whatsapp": "whatsapp", "phone": "sms"}[p.channel]
        messages.sort(key=lambda item: -item[0])
        for days, topic, body_index in messages:
            subject_vi, subject_en, bodies_vi, bodies_en = txt.INBOUND[topic]
            bodies = bodies_vi if vi else bodies_en
            body = bodies[body_index if body_index is not None else rng.randrange(len(bodies))]
            amount = _money(_log_uniform(rng, 200 * MILLION, 3 * BILLION), 10 * MILLION)
            if topic == "transfer_issue":
                amount = _money(_log_uniform(rng, 5 * MILLION, 200 * MILLION), MILLION)
            text = body.format(rm=rm_word, me=me, amount=_vnd_vi(amount) if vi else _vnd_en(amount))
            if vi:
                text = _sentence_case(text)
            if days <= 2:
                status = "unread" if rng.random() < 0.8 else "read"
            else:
                status = "replied" if rng.random() < 0.6 else "read"
            self.rows["inbound_messages"].append(
                {
                    "id": self.ctx.next_id("M", 7),
                    "client_id": p.id,
                    "rm_id": rm.id,
                    "received_at": _at(self.day(days), rng.randint(6, 22), rng.randint(0, 59)),
                    "channel": channel,
                    "subject": (subject_vi if vi else subject_en) if channel == "email" else None,
                    "body": text,
                    "status": status,
                }
            )

    # -- the RMs' past messages (their voice) --

    def _sent_messages(self, people: list[_Person]) -> None:
        """10-40 messages per RM, in the RM's fixed voice, Vietnamese to vi clients and English to en clients."""
        rng = self.rng
        found: list[tuple[dt.datetime, str, str, str, str | None, str]] = []
        for rm_index, rm in enumerate(self.ctx.rms):
            book = [p for p in people if p.rm == rm_index and p.signal != "inactive"]
            english = [p for p in book if p.language == "en"]
            vietnamese = [p for p in book if p.language == "vi"]
            count = rng.randint(12, 36)
            english_count = min(len(english) * 3, max(3, round(count * 0.3))) if english else 0
            recipients = [rng.choice(english) for _ in range(english_count)]
            if vietnamese:
                recipients += [rng.choice(vietnamese) for _ in range(count - english_count)]
            for person in recipients:
                when, channel, subject, body = self._sent_message(rm, person)
                found.append((when, rm.id, person.id, channel, subject, body))
        found.sort(key=lambda item: (item[0], item[1], item[2]))
        for when, rm_id, client_id, channel, subject, body in found:
            self.rows["sent_messages"].append(
                {
                    "id": self.ctx.next_id("S", 6),
                    "rm_id": rm_id,
                    "client_id": client_id,
                    "sent_at": when,
                    "channel": channel,
                    "subject": subject,
                    "body": body,
                }
            )

    def _sent_message(self, rm: _Rm, p: _Person) -> tuple[dt.datetime, str, str | None, str]:
        rng = self.rng
        today = self.today
        h = self.holdings.get(p.index, _Holdings())
        since = (today - p.onboarded).days
        topic = str(self.sent_pick(rng))
        if topic == "offer_invest" and (p.risk != "growth" or p.segment not in ("Diamond", "Platinum")):
            topic = "offer_deposit"
        if topic.startswith("offer") and p.index in self.open_complaint:
            topic = "follow_up"
        if topic == "cd_maturity" and h.cd_matured is None and h.cd_maturing is None:
            topic = "follow_up"
        vi = p.language == "vi"
        amount = 0
        maturity = today
        birthday = _last_birthday(p.dob, today)
        if topic == "birthday" and birthday <= p.onboarded:
            topic = "follow_up"
        if topic == "birthday":
            when = _at(birthday, 8, rng.randint(0, 45))
        elif topic == "cd_maturity":
            if h.cd_maturing is not None:
                amount, maturity = h.cd_maturing
                day = self.day(rng.randint(1, 5))
            else:
                assert h.cd_matured is not None
                amount, maturity = h.cd_matured
                day = maturity - dt.timedelta(days=rng.randint(3, 7))
            when = _at(day, rng.randint(8, 17), rng.randint(0, 59))
        else:
            when = _at(self.day(rng.randint(3, max(3, min(300, since)))), rng.randint(8, 20), rng.randint(0, 59))
            amount = _money(_log_uniform(rng, 500 * MILLION, 5 * BILLION), 10 * MILLION)
        if topic in ("follow_up", "document"):
            choices = ["cd", "home_loan", "card", "insurance", "savings"]
            if p.risk == "growth" and p.segment in ("Diamond", "Platinum"):
                choices.append("invest")
            product_vi, product_en = _PRODUCT_NAMES[rng.choice(choices)]
        else:
            product_vi, product_en = _PRODUCT_NAMES["cd"]
        rate = _RATES["HOME_LOAN" if topic == "loan_followup" else "CD_12M"] or 0.0
        voice = rm.voice
        family, given = p.name_parts()
        if vi:
            self_word = voice.self_vi
            fill = {
                "hon": p.hon_vi(),
                "Hon": p.honorific,
                "self": self_word,
                "Self": self_word.capitalize(),
                "given": given,
                "family": family,
                "bank": txt.BANK_NAME_VI,
                "amount": _vnd_vi(amount) if amount else "",
                "date": _date_vi(maturity),
                "rate": f"{rate}".replace(".", ","),
                "product": product_vi,
            }
            salutation, signoff = voice.vi_salutation, voice.vi_signoff
            cores, extras, phrases = txt.SENT_CORE_VI[topic], txt.SENT_EXTRA_VI, voice.phrases_vi
            subject_template = txt.SENT_SUBJECTS[topic][0]
        else:
            fill = {
                "title": _EN_TITLE.get(p.honorific, ""),
                "given": given,
                "family": family,
                "bank": txt.BANK_NAME_EN,
                "amount": _vnd_en(amount) if amount else "",
                "date": _date_en(maturity),
                "rate": f"{rate}",
                "product": product_en,
                "hon": "",
                "Hon": "",
                "self": "I",
                "Self": "I",
            }
            salutation, signoff = voice.en_salutation, voice.en_signoff
            cores, extras, phrases = txt.SENT_CORE_EN[topic], txt.SENT_EXTRA_EN, voice.phrases_en
            subject_template = txt.SENT_SUBJECTS[topic][1]
        core = rng.choice(cores).format(**fill)
        if voice.emoji and topic == "birthday":
            core += " 🎉"
        closing = [phrases[0].format(**fill)]
        if rng.random() < 0.5:
            closing.append(phrases[1].format(**fill))
        paragraphs = [salutation.format(**fill)]
        if voice.length == 1:
            paragraphs.append(f"{core} {closing[0]}")
        else:
            paragraphs.append(core)
            if voice.length >= 3:
                paragraphs.append(rng.choice(extras).format(**fill))
            paragraphs.append(" ".join(closing))
        paragraphs.append(f"{signoff}\n{rm.signature('vi' if vi else 'en')}")
        body = "\n\n".join(paragraphs)
        channel = {"email": "email", "zalo": "zalo", "whatsapp": "whatsapp", "phone": "sms"}[p.channel]
        subject = subject_template.format(**fill) if channel == "email" else None
        return when, channel, subject, body


def _last_birthday(born: dt.date, today: dt.date) -> dt.date:
    """The most recent birthday strictly before ``today`` (29 February counts on the 28th in other years)."""
    for year in (today.year, today.year - 1):
        try:
            day = born.replace(year=year)
        except ValueError:
            day = dt.date(year, 2, 28)
        if day < today:
            return day
    return dt.date(today.year - 1, born.month, min(born.day, 28))  # not reached: last year's is always earlier


def _next_occurrence(rule: str, today: dt.date) -> dt.date:
    """The first day on or after ``today`` that a (simple) weekly or monthly RRULE falls on."""
    parts = dict(item.split("=", 1) for item in rule.split(";"))
    if "BYMONTHDAY" in parts:
        day = int(parts["BYMONTHDAY"])
        candidate = today.replace(day=min(day, 28))
        return candidate if candidate >= today else _add_months(candidate, 1)
    weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    wanted = [weekdays.index(code) for code in parts.get("BYDAY", "MO").split(",")]
    return today + dt.timedelta(days=min((weekday - today.weekday()) % 7 for weekday in wanted))
