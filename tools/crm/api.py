"""The CRM API: every read and write the agent makes, as one signed-in RM.

``CrmApi(database, rm_id)`` is the only door to the bank's data. ``rm_id``
comes from the runtime context (a token, the graph's context), never from chat
text. Another RM's client looks exactly like a client that does not exist, so
nothing leaks through error messages either.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from dateutil.rrule import rrulestr
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from rapidfuzz import fuzz
from sqlalchemy import Connection, and_, desc, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stores.app_tables import WriteLog
from stores.db import Database
from stores.schema import (
    CRM_TABLES,
    INTERACTION_CHANNELS,
    INTERACTION_SOURCES,
    PRODUCT_CATEGORIES,
    SENTIMENTS,
    TASK_KINDS,
    TASK_STATUSES,
    Account,
    Client,
    Complaint,
    DigitalActivity,
    InboundMessage,
    Interaction,
    Product,
    Relationship,
    Rm,
    Task,
    Transaction,
    crm_table,
    table_of,
)
from stores.settings import BANK_TIMEZONE
from tools.core.dates import completed_years
from tools.core.encoding import to_json
from tools.core.language import detect_language
from tools.core.text import (
    fold,
    fold_words,
    name_tokens,
    normalize_phone,
    normalize_text,
    quotes_lowercased,
    strip_accents,
)
from tools.policy.eligibility import ClientStanding, load_standings
from tools.signals.criteria import occupation_matches
from tools.signals.features import forget_book
from tools.signals.profiles import Essence, compute_essences
from tools.signals.thresholds import AUM_KINDS

logger = logging.getLogger(__name__)

#: An inbound message only moves forward: unread → read (opened or triaged) → replied.
MESSAGE_PROGRESS = ("unread", "read", "replied")

NAME_MATCH_THRESHOLD = 80.0
#: How close a typed given name must be to a client's to be a typo of it: "Nguyễn Thị Hồng" is not Nguyễn Thị Hương
#: (89), "Oahn" is not sure enough to be Oanh; "Sarah Johnston" is Sarah Johnson's surname, given name exact.
GIVEN_NAME_TYPO = 90.0
MAX_IDEMPOTENCY_KEY = 128
MAX_AMOUNT_VND = 10**15  # a thousand trillion VND: far above any real amount, far below BIGINT
#: The longest summary a log keeps (a page of notes); the note itself stays in ``source_text``.
MAX_SUMMARY = 4000

TABLE_DESCRIPTIONS: dict[str, str] = {
    "rms": "Relationship managers; every client belongs to one. You only see your own row.",
    "clients": "Your clients: profile, segment, risk profile, preferred channel and language.",
    "relationships": "Household links between your clients (one row per direction).",
    "products": "The bank's product catalog (bank-wide).",
    "documents": "Product sheets and internal policy / compliance rules, markdown (bank-wide).",
    "accounts": "Your clients' accounts; loans hold the outstanding amount as a positive balance.",
    "transactions": "Your clients' transactions; amount_vnd is positive, direction says in or out.",
    "interactions": "The meeting log of your clients; the latest one per client is 'last contacted'.",
    "tasks": "Follow-up tasks on your clients.",
    "complaints": "Service complaints of your clients.",
    "digital_activity": "App/web logins per client per week.",
    "inbound_messages": "Your client inbox.",
    "sent_messages": "Your past outgoing messages.",
    "targets": "Your performance goals per period (2025-Q3 or 2025-10) and metric.",
}


class ClientNotFound(LookupError):
    """No such client among the signed-in RM's clients (another RM's client looks the same)."""


class WriteRejected(ValueError):
    """A write that failed validation; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class IdempotencyConflict(WriteRejected):
    """The idempotency key was already used for a different request."""


def bank_today() -> dt.date:
    return dt.datetime.now(BANK_TIMEZONE).date()


class _Strict(BaseModel):
    """Input from outside: unknown fields refused, text in one form (NFC) and trimmed, no NUL characters
    (PostgreSQL rejects them)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return normalize_text(value) if isinstance(value, str) else value


def _one_of(allowed: tuple[str, ...], field: str) -> AfterValidator:
    """A validator naming the allowed values, so the RM sees what would have worked."""

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{field} must be one of {', '.join(allowed)}, got {value!r}")
        return value

    return AfterValidator(check)


TaskKind = Annotated[str, _one_of(TASK_KINDS, "kind")]
TaskStatus = Annotated[str, _one_of(TASK_STATUSES, "status")]
Channel = Annotated[str, _one_of(INTERACTION_CHANNELS, "channel")]
Sentiment = Annotated[str, _one_of(SENTIMENTS, "sentiment")]
Source = Annotated[str, _one_of(INTERACTION_SOURCES, "source")]
ProductCategory = Annotated[str, _one_of(PRODUCT_CATEGORIES, "product_category")]


class TaskCreate(_Strict):
    """A follow-up task. ``client_id`` defaults to the interaction's client when logged with one."""

    client_id: str | None = Field(default=None, min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=300)
    kind: TaskKind
    due_on: dt.date
    status: TaskStatus = "open"
    interaction_id: str | None = Field(default=None, min_length=1, max_length=64)
    recurrence: str | None = Field(default=None, max_length=300)
    until_condition: str | None = Field(default=None, max_length=300)

    @field_validator("recurrence")
    @classmethod
    def _recurrence(cls, value: str | None) -> str | None:
        if value is None:
            return None
        rule = value.removeprefix("RRULE:")
        try:
            rrulestr(rule, dtstart=dt.datetime(2000, 1, 3))
        except (ValueError, TypeError) as error:
            raise ValueError(f"recurrence is not a valid RFC 5545 RRULE: {error}") from error
        return rule


class InteractionCreate(_Strict):
    """An interaction log entry, optionally with the tasks it gave rise to."""

    client_id: str = Field(min_length=1, max_length=64)
    occurred_at: dt.datetime
    channel: Channel
    location: str | None = Field(default=None, max_length=300)
    topic: str = Field(min_length=1, max_length=300)
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY)
    product_code: str | None = Field(default=None, max_length=64)
    product_category: ProductCategory | None = None
    amount_vnd: int | None = Field(default=None, ge=0, le=MAX_AMOUNT_VND)
    sentiment: Sentiment = "neutral"
    source: Source = "agent"
    source_text: str | None = None
    tasks: list[TaskCreate] = Field(default_factory=list)

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        return value if value.tzinfo else value.replace(tzinfo=BANK_TIMEZONE)


class ClientMatch(BaseModel):
    id: str
    full_name: str
    honorific: str
    phone: str
    segment: str
    score: float
    matched_on: str
    #: For name mentions in free text: the word position of the mention (earlier = the note's subject).
    position: int | None = None


class ColumnInfo(BaseModel):
    name: str
    type: str
    nullable: bool
    primary_key: bool
    allowed_values: list[str] | None = None
    references: str | None = None


class TableInfo(BaseModel):
    name: str
    description: str


class TableSchema(TableInfo):
    columns: list[ColumnInfo]


class WriteResult(BaseModel):
    """What a write created; ``replayed`` is true when the key had been seen before."""

    interaction: dict[str, Any] | None = None
    tasks: list[dict[str, Any]] = Field(default_factory=list)
    replayed: bool = False


class Holdings(BaseModel):
    """A client's money and household, as an offer reads them."""

    totals: dict[str, int]
    holdings: list[dict[str, Any]]
    household: list[dict[str, Any]]


def _totals(accounts: Iterable[Any]) -> dict[str, int]:
    active = [row for row in accounts if row.status == "active"]
    return {
        "aum_vnd": sum(row.balance_vnd for row in active if row.kind in AUM_KINDS),
        "casa_vnd": sum(row.balance_vnd for row in active if row.kind == "casa"),
        "savings_and_cd_vnd": sum(row.balance_vnd for row in active if row.kind in ("savings", "cd")),
        "investments_vnd": sum(row.balance_vnd for row in active if row.kind == "investment"),
        "loans_outstanding_vnd": sum(row.balance_vnd for row in active if row.kind == "loan"),
    }


class Client360(BaseModel):
    """Everything about one client an RM needs before a call."""

    profile: dict[str, Any]
    last_contacted_at: str | None
    days_since_contact: int | None
    totals: dict[str, int]
    holdings: list[dict[str, Any]]
    recent_transactions: list[dict[str, Any]]
    interactions: list[dict[str, Any]]
    open_tasks: list[dict[str, Any]]
    complaints: list[dict[str, Any]]
    household: list[dict[str, Any]]
    digital_activity: list[dict[str, Any]]
    inbound_messages: list[dict[str, Any]]


def _row_dict(row: Any) -> dict[str, Any]:
    return {key: to_json(value) for key, value in row._mapping.items()}


def _model_dict(obj: Any, columns: list[str] | None = None) -> dict[str, Any]:
    table = obj.__table__
    names = columns or [column.name for column in table.columns]
    return {name: to_json(getattr(obj, name)) for name in names}


def _request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class CrmApi:
    """The bank as one signed-in RM sees it."""

    database: Database
    rm_id: str

    # ----- reads -------------------------------------------------------------------------

    def rm_profile(self) -> dict[str, Any]:
        with self.database.engine.connect() as connection:
            row = connection.execute(select(crm_table("rms")).where(Rm.id == self.rm_id)).first()
        if row is None:
            raise LookupError(f"no relationship manager {self.rm_id!r}")
        return _row_dict(row)

    def reporting_vocabulary(self) -> tuple[list[tuple[str, str]], list[str], list[str], list[str]]:
        """The catalog's products (code, name), discontinued ones included, the occupations of this RM's clients,
        their full names and their cities: the words a question about the book may name that no fixed lexicon knows
        (this RM's clients only, so a question can never reach another RM's client by name)."""
        with self.database.engine.connect() as connection:
            products = [(str(code), str(name)) for code, name in connection.execute(select(Product.code, Product.name))]
            book = connection.execute(
                select(Client.occupation, Client.full_name, Client.city).where(Client.rm_id == self.rm_id)
            ).all()  # one pass over the book: this runs for every question
        occupations = sorted({str(occupation) for occupation, _, _ in book if occupation is not None})
        names = sorted(str(name) for _, name, _ in book)  # twice when two clients share a name: then it picks no one
        cities = sorted({str(city) for _, _, city in book if city is not None and str(city).strip()})
        return products, occupations, names, cities

    def unread_messages(self, limit: int = 200) -> list[dict[str, Any]]:
        """This RM's unread inbound client messages, newest first, each with its client's name."""
        with self.database.engine.connect() as connection:
            rows = connection.execute(
                select(
                    InboundMessage.id,
                    InboundMessage.client_id,
                    InboundMessage.received_at,
                    InboundMessage.channel,
                    InboundMessage.subject,
                    InboundMessage.body,
                    Client.full_name,
                    Client.honorific,
                )
                .join(Client, Client.id == InboundMessage.client_id)
                .where(InboundMessage.rm_id == self.rm_id, Client.rm_id == self.rm_id)
                .where(InboundMessage.status == "unread")
                .order_by(desc(InboundMessage.received_at), InboundMessage.id)
                .limit(limit)
            ).all()
        return [
            {"id": row.id, "client_id": row.client_id, "client": f"{row.honorific or ''} {row.full_name}".strip(),
             "received_at": to_json(row.received_at), "channel": row.channel, "subject": row.subject or "",
             "body": row.body}
            for row in rows
        ]  # fmt: skip

    def mark_messages(self, message_ids: Iterable[str], status: str) -> int:
        """Move the RM's own inbound messages forward to ``read`` or ``replied`` (never back: a replied message
        stays replied); how many changed. Safe to repeat; an id that is not this RM's reads as unknown."""
        if status not in MESSAGE_PROGRESS[1:]:
            raise ValueError(f"a message can be marked {' or '.join(MESSAGE_PROGRESS[1:])}, not {status!r}")
        ids = sorted({str(message_id) for message_id in message_ids})
        if not ids:
            return 0
        earlier = list(MESSAGE_PROGRESS[: MESSAGE_PROGRESS.index(status)])
        with self.database.engine.begin() as connection:
            own = set(
                connection.execute(
                    select(InboundMessage.id)
                    .join(Client, Client.id == InboundMessage.client_id)
                    .where(InboundMessage.id.in_(ids), InboundMessage.rm_id == self.rm_id, Client.rm_id == self.rm_id)
                ).scalars()
            )
            unknown = [message_id for message_id in ids if message_id not in own]
            if unknown:
                raise LookupError(f"unknown message id {unknown[0]!r}")
            changed = connection.execute(
                update(InboundMessage)
                .where(InboundMessage.id.in_(ids), InboundMessage.status.in_(earlier))
                .values(status=status)
            ).rowcount
        logger.info("RM %s marked %d of %d messages %s", self.rm_id, changed, len(ids), status)
        return int(changed or 0)

    def colleague_named(self, text: str) -> str | None:
        """Another RM named as a person in ``text`` ("Vân's AUM", "aum của a Duy"), when no client of this RM has
        that given name: asking about a colleague's book is asking for another RM's data."""
        with self.database.engine.connect() as connection:
            names = [str(row[0]) for row in connection.execute(select(Rm.full_name).where(Rm.id != self.rm_id))]
        typed = fold(text)
        for full_name in names:
            folded_name = fold(full_name)
            given = folded_name.split()[-1] if full_name.strip() else ""
            if len(given) < 2:
                continue
            # a colleague's title or their full name says who they are whatever clients share the given name
            titled = re.search(
                rf"\b(?:rm|colleague|dong nghiep)\s+{re.escape(given)}\b|\b{re.escape(folded_name)}\b|"
                rf"\b(?:kh|khach hang|khach|clients?|customers?) (?:cua|of) (?:a|anh|c|chi|ms|mr|mrs|em|e)\s+"
                rf"{re.escape(given)}\b|\b{re.escape(given)}'s (?:\w+\s+){{0,3}}(?:clients?|cust\w*|customers?|book|"
                rf"portfolio|aum|targets?)\b",  # a client has no clients: "kh của chị Vân", "Vân's top 10 cust."
                typed,
            )
            if titled and (
                " cua " in titled.group(0)
                or " of " in titled.group(0)
                or "'s " in titled.group(0)
                or not any(fold(match.full_name) == folded_name for match in self.find_clients(name=full_name))
            ):
                return full_name
            named = re.search(
                rf"(?:\b(?:a|anh|eng|c|chi|e|em|ban|ms|mr|mrs|co|chu|sep)\s+(?:\w+\s+){{0,2}}{re.escape(given)}\b|"
                rf"\b{re.escape(given)}'s\b|\b{re.escape(given)} \(rm\d*\))",
                typed,
            )
            compared_with_me = re.search(
                r"\bso (?:voi|vs) (?:em|minh|toi|a|anh|chi|e)\b|compare (?:with|to) me|against me|\bvs me\b|stack up",
                typed,
            )  # "em muốn so với em": someone the RM measures themself against is a colleague
            if named and (
                compared_with_me
                or not any(fold(match.full_name).split()[-1] == given for match in self.find_clients(name=given))
            ):
                return full_name
        return None

    def _owned_client(self, connection: Connection, client_id: str) -> Client:
        with Session(bind=connection) as session:
            client = session.get(Client, client_id)
            if client is None or client.rm_id != self.rm_id:
                raise ClientNotFound(f"no client {client_id!r} among your clients")
            session.expunge(client)
            return client

    def find_clients(self, *, phone: str | None = None, name: str | None = None, limit: int = 5) -> list[ClientMatch]:
        """Clients of this RM by phone (exact, any common format) or name (accent-insensitive, fuzzy).

        With both, a phone match wins; the name only ranks when the phone finds nothing.
        """
        if not phone and not name:
            raise ValueError("give a phone number or a name to search for")
        columns = (Client.id, Client.full_name, Client.honorific, Client.phone, Client.segment)
        with self.database.engine.connect() as connection:
            if phone:
                normalized = normalize_phone(phone)
                if normalized:
                    rows = connection.execute(
                        select(*columns).where(Client.rm_id == self.rm_id, Client.phone == normalized)
                    ).all()
                    if rows:
                        return [ClientMatch(**row._mapping, score=100.0, matched_on="phone") for row in rows]
            if not name:
                return []
            # Titles go only from the front ("anh Minh" is Minh); "Ngọc Anh" keeps its given name Anh.
            wanted = name_tokens(name, drop_titles=False)
            while len(wanted) > 1 and wanted[0] in _HONORIFIC_WORDS:
                wanted.pop(0)
            if not wanted or wanted[0] in _HONORIFIC_WORDS:
                return []
            query_text = " ".join(wanted)
            candidates = connection.execute(select(*columns, Client.language).where(Client.rm_id == self.rm_id)).all()
        scored: list[ClientMatch] = []
        for row in candidates:
            tokens = name_tokens(row.full_name, drop_titles=False)
            full = " ".join(tokens)
            score = max(fuzz.token_sort_ratio(query_text, full), fuzz.token_set_ratio(query_text, full))
            if len(wanted) == 1:
                # One word ("Minh") must be the given name, not a fragment of one nor a middle name or surname
                # ("Minh" is not Phạm Minh Khôi); an English name's given name comes first.
                given = {tokens[-1], tokens[0]} if _western_order(tokens, row.language) else {tokens[-1]}
                score = 100.0 if wanted[0] in given else min(score, fuzz.ratio(wanted[0], tokens[-1]))
                if len(wanted[0]) >= 3 and tokens[-1] == wanted[0] + tokens[-1][-1] and tokens[-1][-2:] in _FINALS:
                    score = max(score, float(NAME_MATCH_THRESHOLD))  # "chị Oan", "ông Thắn": a dictated name cut short
            elif not any(
                _same_word(word, tokens[-1]) or fuzz.ratio(word, tokens[-1]) >= GIVEN_NAME_TYPO
                for word in (wanted if row.language == "en" else wanted[-1:])
            ):
                # "Trần Thị Ngọc" is not "Trần Thị Dung": the given name must be there, and in a Vietnamese name it
                # is the last word ("Hồng Nhung" is not Nguyễn Thị Hồng)
                continue
            if score >= NAME_MATCH_THRESHOLD:
                fields = {key: value for key, value in row._mapping.items() if key != "language"}
                scored.append(ClientMatch(**fields, score=round(float(score), 1), matched_on="name"))
        scored.sort(key=lambda match: (-match.score, match.full_name, match.id))
        return scored[:limit]

    def someone_else_named_before(self, text: str, position: int) -> str | None:
        """A person named with an honorific before word ``position`` who is none of this RM's clients, as typed.

        "a Quang bạn bà Dung giới thiệu qua": the note is about Quang (not a client), not about client Dung.
        Only a capitalized name counts ("a muốn vay" is "he wants", not someone called Muốn).
        """
        text = quotes_lowercased(text)  # "Hi Khoa, …" in a pasted message names the RM, not someone else
        normalized = normalize_text(text)
        words = name_tokens(text, drop_titles=False)
        typed = re.findall(r"[^\W_]+", normalized)
        if len(typed) != len(words):
            return None
        # A person met or called, written as a capitalized name ("Touched base w/ Long Vo - … Mr Binh introduced us").
        for person in _PERSON_AFTER_VERB.finditer(normalized):
            name = person.group("name")
            before_words = len(re.findall(r"[^\W_]+", normalized[: person.start("name")]))
            first = strip_accents(name.split()[0]).lower()
            if before_words >= position or first in _HONORIFIC_WORDS or first in _NOT_NAME_WORDS:
                continue
            if self._client_in_brackets(normalized[person.end("name") :]):
                continue  # "Kevin (Pham Minh Khoi)": the client's everyday name, the full one in brackets
            if not self.find_clients(name=name) and not any(self.find_clients(name=part) for part in name.split()):
                return name
        for index in _person_positions(text, words, typed):
            if index >= min(position, len(words)):
                break
            word = typed[index]
            run = [typed[i] for i in range(index, min(index + 3, len(typed))) if typed[i][:1].isupper()]
            while len(run) > 1 and " ".join(run) not in normalized:
                run.pop()  # "Ms Thao, Sarah Johnson's co-teacher": a comma ends a name
            if len(run) > 1 and self.find_clients(name=" ".join(run[: len(run)])):
                continue  # "Ms Ngoc Anh": a given name of two words
            after = _end_of(normalized, word)
            if _ROLE_AFTER.match(normalized, after):
                continue  # "anh Tú phòng tín dụng", "Hieu (Bancassurance)": a colleague, not the note's subject
            if self._client_in_brackets(normalized[after:], words_between=2):
                continue  # "Mr Sonn (Pham Van Son, …)": a name typed loosely, the client's full name in brackets
            written_as_name = word[:1].isupper() and not (len(word) > 1 and word.isupper())
            plain = strip_accents(word).lower()
            unknown = written_as_name and plain not in _NOT_NAME_WORDS and plain not in _HONORIFIC_WORDS
            if unknown and not self.find_clients(name=word):
                return word
        return None

    def _client_in_brackets(self, after: str, *, words_between: int = 0) -> bool:
        """Whether the text right after a name (up to ``words_between`` more words) brackets exactly one client's
        full name: the name before it is that client's, however it was typed."""
        alias = re.match(rf"(?:\s*[^\W\d_]+){{0,{words_between}}}\s*\((?P<full>[^),;]{{3,60}})", after)
        return alias is not None and len(self.find_clients(name=alias.group("full"))) == 1

    def someone_introduced(self, text: str) -> str | None:
        """A person a client introduced, who is none of this RM's clients: "Anh Bảo giới thiệu cho em anh Võ Thành
        Long…" is about Long; the referrer is only named."""
        normalized = normalize_text(text)
        for found in _INTRODUCED.finditer(normalized):
            name = found.group("name")
            first = strip_accents(name.split()[0]).lower()
            if first in _HONORIFIC_WORDS or first in _NOT_NAME_WORDS:
                continue
            if _RM_AS_SUBJECT.search(strip_accents(normalized[: found.start()]).lower()):
                continue  # "e giới thiệu Premier Invest": the RM presented something; no one was referred
            if _PRODUCT_NAME_WORD.search(strip_accents(name).lower()):
                continue  # "introduced Bond Fund": a product, not a person
            if not self.find_clients(name=name):
                return name
        for found in _INTRODUCED_BY.finditer(normalized):
            sentence = re.split(r"[.;!?\n]", normalized[: found.start()])[-1]
            for candidate in _CAPITALIZED_NAME.finditer(sentence):
                words = [w for w in candidate.group().split() if strip_accents(w).lower() not in _HONORIFIC_WORDS]
                if not words or strip_accents(words[0]).lower() in _NOT_NAME_WORDS:
                    continue
                name = " ".join(words)
                return None if self.find_clients(name=name) else name  # the sentence's first person was introduced
        return None

    def clients_described(self, text: str, *, among: Iterable[str] | None = None, limit: int = 5) -> list[ClientMatch]:
        """This RM's clients whose occupation or city the text describes ("chị Thu bán bánh pía dưới Sóc Trăng",
        "anh giám đốc bên Gạo Hạt Ngọc"), best first (``among``: only these).

        Two words in a row of the client's occupation or city, said in a row in the text, are the evidence (a long
        word alone half as much); a pair only this client has weighs 1, one that k clients share 1/k, so "giám
        đốc" or "Hồ Chí Minh" tells no one apart. The score is that weight summed (``matched_on="description"``).
        """
        said = _description(text)
        if not said:
            return []
        columns = (Client.id, Client.full_name, Client.honorific, Client.phone, Client.segment)
        with self.database.engine.connect() as connection:
            rows = connection.execute(
                select(*columns, Client.occupation, Client.city).where(Client.rm_id == self.rm_id)
            ).all()
        pairs = {row.id: _description(row.occupation) | _description(row.city) for row in rows}
        shared: dict[tuple[str, ...], int] = {}
        for found in pairs.values():
            for pair in found:
                shared[pair] = shared.get(pair, 0) + 1
        wanted = set(among) if among is not None else None
        scored = []
        for row in rows:
            if wanted is not None and row.id not in wanted:
                continue
            score = sum(_WORD_WEIGHT[len(pair)] / shared[pair] for pair in pairs[row.id] & said)
            if score > 0:
                who = {key: row._mapping[key] for key in ("id", "full_name", "honorific", "phone", "segment")}
                scored.append(ClientMatch(**who, score=round(score, 3), matched_on="description"))
        scored.sort(key=lambda match: (-match.score, match.id))
        return scored[:limit]

    def colleague_mention(self, text: str, match: ClientMatch) -> bool:
        """Whether ``match`` was read from a colleague's name, not a client's: "Hai (PO) và mình ghé…",
        "Ghi chú cho Dung (PO)", "thay Binh, junior RM", "em Phuc (CSO)". A full name is never a colleague."""
        if match.score >= 2 or match.position is None:
            return False
        typed = re.findall(r"[^\W_]+", normalize_text(text))
        if match.position >= len(typed):
            return False
        name = strip_accents(typed[match.position]).lower()
        found = [item for item in _COLLEAGUE.finditer(normalize_text(text))
                 if strip_accents(item.group("name") or item.group("name2")).lower() == name]  # fmt: skip
        if found and all(item.group(0).lower().startswith("thay ") for item in found) and self._teaches(match.id):
            return False  # "thay Thach" typed without accents is "thầy Thạch" when the client is a teacher
        return bool(found)

    def _teaches(self, client_id: str) -> bool:
        with self.database.engine.connect() as connection:
            occupation = connection.execute(
                select(Client.occupation).where(Client.id == client_id, Client.rm_id == self.rm_id)
            ).scalar()
        return occupation_matches(occupation or "", ("teacher",))

    def someone_else_in_focus(self, text: str, client: ClientMatch) -> str | None:
        """A person who is no client, named (with an honorific) at least twice and at least as often as ``client``,
        who wants the product: "Chị Hồng dẫn bạn là chị Thảo… Chị Thảo muốn gửi…" is about Thảo."""
        text = quotes_lowercased(text)
        words = name_tokens(text, drop_titles=False)
        typed = re.findall(r"[^\W_]+", normalize_text(text))
        if len(typed) != len(words):
            return None
        given = name_tokens(client.full_name, drop_titles=False)
        counts: dict[str, int] = {}
        for index in _person_positions(text, words, typed):
            if typed[index][:1].isupper():
                counts[typed[index]] = counts.get(typed[index], 0) + 1
        own = sum(count for name, count in counts.items() if any(_same_word(fold_name, part) for fold_name in
                  name_tokens(name, drop_titles=False) for part in given))  # fmt: skip
        # "anh Hải, Trương Văn Hải": named in full as well, the client is the subject unless someone else is more so
        named_in_full = len(given) > 1 and f" {' '.join(given)} " in f" {' '.join(words)} "
        own += int(named_in_full)
        for name, count in sorted(counts.items(), key=lambda item: -item[1]):
            wants = re.search(
                rf"\b{re.escape(name)}\b[^.!?\n]{{0,60}}?\b(?:muốn|muon|cần|can|tính|tinh|wants?|would like)\b",
                normalize_text(text),
            )
            ahead = count > own if named_in_full else count >= own
            family = re.search(rf"{_FAMILY_BEFORE}{re.escape(name)}\b", normalize_text(text), re.IGNORECASE)
            if family:
                continue  # "chồng chị là anh Khánh": the client's household, there with the client
            if count >= 2 and ahead and wants and not self.find_clients(name=name):
                return name  # the one who wants the product is someone else
        return None

    def clients_with_family_name(self, word: str) -> list[ClientMatch] | None:
        """This RM's clients whose family name is ``word`` ("Mrs. Tran": the first word of a Vietnamese name, the last
        of an English one), or None when ``word`` is also some client's given name ("Mr Son" names Son)."""
        wanted = fold(word)
        columns = (Client.id, Client.full_name, Client.honorific, Client.phone, Client.segment)
        with self.database.engine.connect() as connection:
            rows = connection.execute(select(*columns, Client.language).where(Client.rm_id == self.rm_id)).all()
        found = []
        for row in rows:
            tokens = name_tokens(row.full_name, drop_titles=False)
            if len(tokens) < 2:
                continue
            family, given = (tokens[-1], tokens[0]) if _western_order(tokens, row.language) else (tokens[0], tokens[-1])
            if given == wanted:
                return None
            if family == wanted:
                found.append(ClientMatch(id=row.id, full_name=row.full_name, honorific=row.honorific, phone=row.phone,
                                         segment=row.segment, score=100.0, matched_on="family_name"))  # fmt: skip
        return found

    def clients_mentioned(self, text: str, *, limit: int = 5) -> list[ClientMatch]:
        """This RM's clients whose names appear in free text, best first.

        A mention is two or more consecutive words of a client's name in any order ("Son Pham",
        "Nguyễn Văn Minh", "Oanh Le"), typo-tolerant for longer words, a given name right after
        an honorific or its shorthand ("anh Minh", "a Bảo", "ô Thắng", "Mr. Son"), or a capitalized given
        name alone ("Tuan emailed"). Scores: matched name words, +1 when the given name is
        among them; equal best scores mean the text is ambiguous.
        """
        words = name_tokens(text, drop_titles=False)
        if not words:
            return []
        columns = (Client.id, Client.full_name, Client.honorific, Client.phone, Client.segment)
        with self.database.engine.connect() as connection:
            clients = connection.execute(select(*columns, Client.language).where(Client.rm_id == self.rm_id)).all()
        honorific_positions = _honorific_positions(text, words)
        bare_positions = _bare_name_positions(text) - honorific_positions
        stripped = strip_accents(text)
        spans = list(_WORD_SPAN.finditer(stripped))
        # A capitalized word that follows the previous one with only spaces between: it may continue a name.
        capitalized_positions = {
            index
            for index, match in enumerate(spans)
            if match.group()[:1].isupper()
            and (index == 0 or not stripped[spans[index - 1].end() : match.start()].strip(" \t"))
        }
        # Where a capitalized word could carry a name on ("chị Hồng Nhung"): not an initial ("Sarah J."), an acronym
        # ("c Hồng SMS:") or a channel's name ("Ms Oanh WhatsApp").
        name_goes_on = {
            index
            for index in capitalized_positions
            if len(spans[index].group()) > 1
            and not spans[index].group().isupper()
            and spans[index].group().lower() not in _NOT_NAME_CONTINUATIONS
        }
        # Word i and word i + 1 have punctuation between them: a name does not go on across it.
        breaks = (
            {i for i in range(len(spans) - 1) if stripped[spans[i].end() : spans[i + 1].start()].strip(" \t")}
            if len(spans) == len(words)
            else None
        )
        typed = _typed_words(text, len(words))
        found: list[ClientMatch] = []
        for client in clients:
            name = name_tokens(client.full_name, drop_titles=False)
            typed_name = _typed_words(client.full_name, len(name))
            # A word of the note counts its accents only when it was typed with them ("Hai" in an accented note may
            # still be Hải); a client's name written with diacritics is exact in every word ("Minh" is not "mình").
            words_here = (
                [_accent_key(t, w) if t != w else w for t, w in zip(typed, words, strict=True)] if typed else words
            )
            name_here = [_accent_key(t, w) for t, w in zip(typed_name, name, strict=True)] if typed_name else name
            # A Vietnamese name ends with the given name; an English one ("Sarah Johnson") starts with it.
            given = {name_here[-1], name_here[0]} if _western_order(name, client.language) else {name_here[-1]}
            score, position = _mention_score(
                words_here,
                name_here,
                honorific_positions,
                bare_positions,
                given,
                capitalized_positions,
                breaks,
                name_goes_on,
            )
            if score:
                fields = {key: value for key, value in client._mapping.items() if key != "language"}
                found.append(ClientMatch(**fields, score=float(score), matched_on="mention", position=position))
        found.sort(key=lambda match: (-match.score, match.position or 0, match.full_name, match.id))
        return found[:limit]

    def client_360(self, client_id: str, *, today: dt.date | None = None) -> Client360:
        """Profile, holdings, recent activity, open work and household of one of this RM's clients."""
        today = today or bank_today()
        with self.database.engine.connect() as connection:
            client = self._owned_client(connection, client_id)
            accounts = connection.execute(
                select(crm_table("accounts"))
                .where(Account.client_id == client_id)
                .order_by(Account.status, Account.kind, Account.id)
            ).all()
            transactions = connection.execute(
                select(crm_table("transactions"))
                .where(Transaction.client_id == client_id)
                .order_by(desc(Transaction.posted_at), Transaction.id)
                .limit(20)
            ).all()
            interactions = connection.execute(
                select(crm_table("interactions"))
                .where(Interaction.client_id == client_id)
                .order_by(desc(Interaction.occurred_at), Interaction.id)
                .limit(10)
            ).all()
            tasks = connection.execute(
                select(crm_table("tasks"))
                .where(Task.client_id == client_id, Task.status == "open")
                .order_by(Task.due_on, Task.id)
            ).all()
            complaints = connection.execute(
                select(crm_table("complaints"))
                .where(Complaint.client_id == client_id)
                .order_by(Complaint.status, desc(Complaint.opened_on))
            ).all()
            activity = connection.execute(
                select(crm_table("digital_activity"))
                .where(DigitalActivity.client_id == client_id)
                .order_by(desc(DigitalActivity.week_start))
                .limit(8)
            ).all()
            inbox = connection.execute(
                select(crm_table("inbound_messages"))
                .where(InboundMessage.client_id == client_id)
                .order_by(desc(InboundMessage.received_at))
                .limit(5)
            ).all()
            household = self._household(connection, client_id)
        totals = _totals(accounts)
        last = interactions[0].occurred_at if interactions else None
        profile = _model_dict(client)
        profile["age"] = completed_years(client.date_of_birth, today)
        return Client360(
            profile=profile,
            last_contacted_at=last.isoformat() if last else None,
            days_since_contact=(today - last.astimezone(BANK_TIMEZONE).date()).days if last else None,
            totals=totals,
            holdings=[_row_dict(row) for row in accounts],
            recent_transactions=[_row_dict(row) for row in transactions],
            interactions=[_row_dict(row) for row in interactions],
            open_tasks=[_row_dict(row) for row in tasks],
            complaints=[_row_dict(row) for row in complaints],
            household=household,
            digital_activity=[_row_dict(row) for row in activity],
            inbound_messages=[_row_dict(row) for row in inbox],
        )

    def _household(self, connection: Connection, client_id: str) -> list[dict[str, Any]]:
        """The client's relatives who bank here: this RM's own by name, another RM's only as the link."""
        return _households(connection, {client_id: self.rm_id}).get(client_id, [])

    def holdings_view(self, client_id: str) -> Holdings:
        """What an offer needs of one of this RM's clients: totals, accounts and household (``holdings_of``)."""
        with self.database.engine.connect() as connection:
            self._owned_client(connection, client_id)
        return holdings_of(self.database, [client_id])[client_id]

    def behaviour(self, client_id: str, *, since: dt.date) -> list[dict[str, Any]]:
        """How one of this RM's clients spends and earns since ``since`` (``behaviour_of``)."""
        with self.database.engine.connect() as connection:
            self._owned_client(connection, client_id)
        return behaviour_of(self.database, [client_id], since=since).get(client_id, [])

    def interaction(self, interaction_id: str) -> dict[str, Any]:
        """One logged interaction of this RM's client, with the tasks that came from it."""
        with self.database.engine.connect() as connection:
            row = connection.execute(select(crm_table("interactions")).where(Interaction.id == interaction_id)).first()
            if row is None:
                raise LookupError(f"no interaction {interaction_id!r} among your clients'")
            self._owned_client(connection, row.client_id)
            tasks = connection.execute(
                select(crm_table("tasks")).where(Task.interaction_id == interaction_id).order_by(Task.due_on, Task.id)
            ).all()
        return {**_row_dict(row), "tasks": [_row_dict(task) for task in tasks]}

    def products(self, *, category: str | None = None) -> list[dict[str, Any]]:
        """The active catalog (bank-wide reference data), optionally one category."""
        query = select(crm_table("products")).where(Product.active.is_(True)).order_by(Product.code)
        if category is not None:
            query = query.where(Product.category == category)
        with self.database.engine.connect() as connection:
            return [_row_dict(row) for row in connection.execute(query)]

    @staticmethod
    def list_tables() -> list[TableInfo]:
        """The tables the guarded query may read."""
        return [TableInfo(name=name, description=TABLE_DESCRIPTIONS[name]) for name in CRM_TABLES]

    @staticmethod
    def table_schema(name: str) -> TableSchema:
        if name not in CRM_TABLES:
            raise LookupError(f"no queryable table {name!r}; queryable: {', '.join(CRM_TABLES)}")
        table = crm_table(name)
        columns = []
        for column in table.columns:
            enums = getattr(column.type, "enums", None)
            references = next(iter(column.foreign_keys), None)
            columns.append(
                ColumnInfo(
                    name=column.name,
                    type=_type_name(column.type),
                    nullable=bool(column.nullable),
                    primary_key=bool(column.primary_key),
                    allowed_values=list(enums) if enums else None,
                    references=references.target_fullname if references else None,
                )
            )
        return TableSchema(name=name, description=TABLE_DESCRIPTIONS[name], columns=columns)

    # ----- writes ------------------------------------------------------------------------

    def create_interaction(
        self, interaction: InteractionCreate | dict[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        """Log an interaction and its tasks in one transaction, exactly once per idempotency key."""
        payload = _validated(InteractionCreate, interaction)
        return self._idempotent_write(
            "create_interaction",
            payload.model_dump(mode="json"),
            idempotency_key,
            lambda connection: self._insert_interaction(connection, payload, idempotency_key),
        )

    def create_tasks(self, tasks: list[TaskCreate | dict[str, Any]], *, idempotency_key: str) -> WriteResult:
        """Create follow-up tasks (each naming its client), exactly once per idempotency key."""
        if not tasks:
            raise WriteRejected(["no tasks given"])
        validated = [_validated(TaskCreate, task) for task in tasks]
        problems = [
            f"tasks[{index}]: client_id is required" for index, task in enumerate(validated) if not task.client_id
        ]
        if problems:
            raise WriteRejected(problems)
        request = [task.model_dump(mode="json") for task in validated]
        return self._idempotent_write(
            "create_tasks",
            request,
            idempotency_key,
            lambda connection: self._insert_tasks(connection, validated, None, idempotency_key),
        )

    def _idempotent_write(self, operation: str, request: Any, key: str, write: Any) -> WriteResult:
        if not key or len(key) > MAX_IDEMPOTENCY_KEY or "\x00" in key:
            raise WriteRejected(
                [f"an idempotency key (1–{MAX_IDEMPOTENCY_KEY} characters) is required for every write"]
            )
        scoped_key = f"{self.rm_id}:{key}"
        request_hash = _request_hash({"operation": operation, "request": request})
        log = table_of(WriteLog)
        try:
            with self.database.engine.begin() as connection:
                # The log row goes in first: a concurrent twin blocks or fails here, before writing anything.
                connection.execute(
                    log.insert().values(
                        idempotency_key=scoped_key,
                        rm_id=self.rm_id,
                        operation=operation,
                        request_sha256=request_hash,
                        result_json="{}",
                        created_at=dt.datetime.now(BANK_TIMEZONE),
                    )
                )
                result: WriteResult = write(connection)
                connection.execute(
                    log.update().where(log.c.idempotency_key == scoped_key).values(result_json=result.model_dump_json())
                )
            forget_book(str(self.database.url), self.rm_id)  # the RM's book changed: rankings read it afresh
        except IntegrityError:
            with self.database.engine.connect() as connection:
                stored = connection.execute(select(log).where(log.c.idempotency_key == scoped_key)).first()
            if stored is None:
                raise  # an integrity error of the write itself, not a replay
            if stored.request_sha256 != request_hash:
                raise IdempotencyConflict(
                    [f"idempotency key {key!r} was already used for a different request"]
                ) from None
            logger.info("replayed write %s for key %s", operation, key)
            replay = WriteResult.model_validate_json(stored.result_json)
            replay.replayed = True
            return replay
        logger.info("wrote %s for rm %s (key %s)", operation, self.rm_id, key)
        return result

    def _product_category(self, connection: Connection, product_code: str | None) -> str | None:
        """The catalog category of a product code; an unknown code is refused."""
        if product_code is None:
            return None
        category = connection.execute(select(Product.category).where(Product.code == product_code)).scalar()
        if category is None:
            raise WriteRejected([f"product_code {product_code!r} is not in the catalog"])
        return str(category)

    def _insert_interaction(self, connection: Connection, payload: InteractionCreate, key: str) -> WriteResult:
        self._owned_client(connection, payload.client_id)
        catalog_category = self._product_category(connection, payload.product_code)
        interaction_id = _new_id("INT", self.rm_id, key, 0)
        values = payload.model_dump(exclude={"tasks"})
        values["product_category"] = payload.product_category or catalog_category
        values.update(id=interaction_id, rm_id=self.rm_id)
        connection.execute(crm_table("interactions").insert().values(**values))
        tasks = [
            task.model_copy(update={"client_id": task.client_id or payload.client_id, "interaction_id": interaction_id})
            for task in payload.tasks
        ]
        written = self._insert_tasks(connection, tasks, interaction_id, key)
        stored = connection.execute(select(crm_table("interactions")).where(Interaction.id == interaction_id)).one()
        return WriteResult(interaction=_row_dict(stored), tasks=written.tasks)

    def _insert_tasks(
        self, connection: Connection, tasks: list[TaskCreate], interaction_id: str | None, key: str
    ) -> WriteResult:
        created_at = dt.datetime.now(BANK_TIMEZONE)
        ids = []
        for index, task in enumerate(tasks, start=1):
            client_id = task.client_id or ""
            self._owned_client(connection, client_id)
            link = task.interaction_id or interaction_id
            if link is not None:
                owner = connection.execute(select(Interaction.client_id).where(Interaction.id == link)).scalar()
                if owner != client_id:
                    raise WriteRejected([f"tasks[{index - 1}]: interaction {link!r} is not about client {client_id!r}"])
            task_id = _new_id("TSK", self.rm_id, key, index)
            values = task.model_dump()
            values.update(
                id=task_id,
                rm_id=self.rm_id,
                client_id=client_id,
                interaction_id=link,
                created_at=created_at,
                completed_at=created_at if task.status == "done" else None,
            )
            connection.execute(crm_table("tasks").insert().values(**values))
            ids.append(task_id)
        stored = {row.id: row for row in connection.execute(select(crm_table("tasks")).where(Task.id.in_(ids)))}
        return WriteResult(tasks=[_row_dict(stored[task_id]) for task_id in ids])  # in the order given

    # ----- small helpers for callers -----------------------------------------------------

    def recent_interactions(self, client_id: str, *, since: dt.datetime) -> list[dict[str, Any]]:
        """This RM's client's interactions logged at or after ``since``, newest first (for the duplicate check)."""
        with self.database.engine.connect() as connection:
            self._owned_client(connection, client_id)
            rows = connection.execute(
                select(crm_table("interactions"))
                .where(Interaction.client_id == client_id, Interaction.occurred_at >= since)
                .order_by(desc(Interaction.occurred_at), Interaction.id)
                .limit(20)
            ).all()
        return [{key: to_json(value) for key, value in row._mapping.items()} for row in rows]

    def open_complaints(self, client_id: str) -> int:
        with self.database.engine.connect() as connection:
            self._owned_client(connection, client_id)
            count = connection.execute(
                select(func.count()).where(and_(Complaint.client_id == client_id, Complaint.status == "open"))
            ).scalar_one()
        return int(count)

    def last_contacts(self, client_ids: list[str]) -> dict[str, str | None]:
        """Latest interaction per client, for the given clients of this RM."""
        with self.database.engine.connect() as connection:
            rows = connection.execute(
                select(Interaction.client_id, func.max(Interaction.occurred_at))
                .join(Client, Client.id == Interaction.client_id)
                .where(Client.rm_id == self.rm_id, Interaction.client_id.in_(client_ids))
                .group_by(Interaction.client_id)
            ).all()
        found = {row[0]: to_json(row[1]) for row in rows}
        return {client_id: found.get(client_id) for client_id in client_ids}

    def own_client_ids(self, client_ids: Iterable[str]) -> list[str]:
        """The ids among ``client_ids`` that are this RM's clients, in the order given."""
        wanted = list(dict.fromkeys(client_ids))
        if not wanted:
            return []
        with self.database.engine.connect() as connection:
            owned = set(
                connection.execute(select(Client.id).where(Client.id.in_(wanted), Client.rm_id == self.rm_id)).scalars()
            )
        return [client_id for client_id in wanted if client_id in owned]

    def client_names(self, client_ids: Iterable[str]) -> dict[str, str]:
        """ "Mr Pham Van Son" for each of this RM's clients among ``client_ids`` (others are left out)."""
        ids = self.own_client_ids(client_ids)
        if not ids:
            return {}
        with self.database.engine.connect() as connection:
            rows = connection.execute(select(Client.id, Client.honorific, Client.full_name).where(Client.id.in_(ids)))
            return {row.id: f"{row.honorific or ''} {row.full_name}".strip() for row in rows}

    def standings(self, client_ids: Iterable[str], *, today: dt.date) -> dict[str, ClientStanding]:
        """What the bank's selling rules need about this RM's clients among ``client_ids``."""
        return load_standings(self.database, self.own_client_ids(client_ids), today=today)

    def essences(self, client_ids: Iterable[str], *, today: dt.date) -> dict[str, Essence]:
        """The profile facts of this RM's clients among ``client_ids``."""
        ids = self.own_client_ids(client_ids)
        return compute_essences(self.database, today=today, client_ids=ids) if ids else {}


def _western_order(tokens: list[str], language: str | None) -> bool:
    """An English-speaking client's name not led by a Vietnamese surname ("Michael Nguyen"): given name first."""
    return language == "en" and len(tokens) > 1 and tokens[0] not in _VIETNAMESE_SURNAMES


_HONORIFIC_WORDS = frozenset({
    "mr", "mrs", "ms", "miss", "dr", "anh", "chi", "ong", "ba", "co", "chu", "bac", "em",
    # what RMs type on a phone: a / c / e / ô / b for anh / chị / em / ông / bà; "kh" / "cx" / "client" for client
    "a", "c", "e", "o", "b", "kh", "cx", "client",
})  # fmt: skip
#: The one-letter shorthands, as typed: "ạ" (a polite particle) and "ở" (at) fold to the same letters but are not.
_SHORTHAND_FORMS = {"a": {"a"}, "c": {"c"}, "e": {"e"}, "o": {"o", "ô"}, "b": {"b"}}
#: Honorifics typed with their diacritics, or without any: "có" (has) is not "cô", "bá" not "bà", "chỉ" not "chị".
_ACCENTED_HONORIFICS = {"chi": "chị", "ong": "ông", "ba": "bà", "co": "cô", "chu": "chú", "bac": "bác"}
#: The commonest Vietnamese surnames: a name that starts with one is written surname first.
_VIETNAMESE_SURNAMES = frozenset({
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo", "duong",
    "ly", "truong", "dinh", "lam", "mai", "ha", "cao", "trinh", "luong", "ta", "quach", "tang", "doan", "luu", "kieu",
})  # fmt: skip


def _typed_words(text: str, expected: int) -> list[str] | None:
    """The words as typed (lower case, accents kept) when the text is written with diacritics and they line up one to
    one with the folded name tokens; None for accent-free text (its words are ambiguous: "hai" may be "Hải")."""
    if strip_accents(text) == text:
        return None
    typed = re.findall(r"[^\W_]+", normalize_text(text).lower())
    return typed if len(typed) == expected else None


def _accent_key(typed: str, folded: str) -> str:
    """A word for name matching: its folded form and, from a text written with diacritics, its accented form, so
    that "hài" is not "Hải", "thì" is not "Thị" and "mình" is not "Minh", while accent-free text still matches."""
    return f"{folded}\x00{typed}"


def _sound(word: str) -> str:
    """How a name word sounds when a voice app or an English speaker spells it: "Fam" = Phạm, "Twan" = Tuấn,
    "Bin" = Bình, "Oan" = Oanh, "Khoy" = Khôi."""
    key = _folded(word).lower().replace("ph", "f").replace("tw", "tu")
    key = re.sub(r"nh$", "n", key)
    return re.sub(r"y$", "i", key)


def _sounds_alike(a: str, b: str) -> bool:
    """Two name words of three letters or more that sound the same but are spelt otherwise."""
    if _folded(a).lower() == _folded(b).lower():
        return False  # the same letters with other diacritics are another name ("Bính"), not a spelling by ear
    return len(_folded(a)) >= 3 and len(_folded(b)) >= 3 and _sound(a) == _sound(b)


def _folded(word: str) -> str:
    """A name-matching word without the diacritics it was typed with."""
    return word.partition("\x00")[0]


#: Combining tone marks (grave, acute, tilde, hook, dot below); a vowel's own marks (ă, â, ơ, ư) are not tones.
_TONE_MARKS = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})


def _tone_slip(a: str, b: str) -> bool:
    """Two words typed with diacritics that differ only in a tone mark: "Thăng" for Thắng, a slip of the keyboard."""
    _, _, typed_a = a.partition("\x00")
    _, _, typed_b = b.partition("\x00")
    if not typed_a or not typed_b:
        return False

    def toneless(word: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if c not in _TONE_MARKS)

    return toneless(typed_a) == toneless(typed_b)


def _accents_agree(a: str, b: str) -> tuple[str, str] | None:
    """The folded forms of two name-matching words, or None when both were typed with different diacritics."""
    folded_a, _, typed_a = a.partition("\x00")
    folded_b, _, typed_b = b.partition("\x00")
    if typed_a and typed_b and typed_a != typed_b:
        return None
    return folded_a, folded_b


def _person_positions(text: str, words: list[str], typed: list[str]) -> list[int]:
    """Honorific positions that introduce a person: not "Bac Ninh" (a province: a capitalized "Bác" inside a
    sentence), and not a pronoun or another honorific after it ("a. Anh muốn…", "KH: Bà …")."""
    normalized = normalize_text(text)
    word_ends = [match.end() for match in re.finditer(r"[^\W_]+", normalized)]
    out = []
    for index in sorted(_honorific_positions(text, words)):
        if index >= len(typed):
            continue
        title = typed[index - 1]
        english = strip_accents(title).lower() in {"mr", "mrs", "ms", "miss", "dr", "mdm"}
        title_end = word_ends[index - 1] if index - 1 < len(word_ends) else len(normalized)
        mid_sentence = index >= 2 and not re.search(rf"[.!?:;\n\"“”]\s*{re.escape(title)}\s*$", normalized[:title_end])
        if title[:1].isupper() and not english and mid_sentence:
            continue
        if strip_accents(typed[index]).lower() in _HONORIFIC_WORDS:
            continue
        out.append(index)
    return out


def _honorific_positions(text: str, words: list[str]) -> set[int]:
    """Positions right after an honorific ("anh", "Mr") or its one-letter shorthand as typed ("a Bảo", "ô Thắng")."""
    typed = re.findall(r"[^\W_]+", normalize_text(text).lower())
    aligned = len(typed) == len(words)
    positions = set()
    for index, word in enumerate(words):
        if word not in _HONORIFIC_WORDS:
            continue
        if word in _SHORTHAND_FORMS and aligned and typed[index] not in _SHORTHAND_FORMS[word]:
            continue
        if word in _ACCENTED_HONORIFICS and aligned and typed[index] not in {word, _ACCENTED_HONORIFICS[word]}:
            continue  # typed with other diacritics: another word
        positions.add(index + 1)
    return positions


#: A colleague named in the note: a name with a role in brackets ("Hai (PO)", "Phuc (CSO)", "Khoi (intern)"), or the
#: one the note is written for or on behalf of ("ghi chú cho Dung", "note for …", "thay Binh, junior RM").
_COLLEAGUE = re.compile(
    r"\b(?P<name>[A-ZĐ][^\W\d_]+)\s*\((?:(?-i:[A-Z]{2,5})|intern|junior[^)]*|tts|thực tập|thuc tap|credit|"
    r"tín dụng|tin dung|"
    r"thẩm định|tham dinh|ops|sales|team[^)]*)\)"
    r"|\b(?:ghi chú cho|ghi chu cho|note for|notes for|thay|thay mặt|thay mat|on behalf of)\s+"
    r"(?:bạn\s+|ban\s+|em\s+)?"  # "ghi chú cho anh Bảo": a note about a client, named with respect
    r"(?P<name2>[A-ZĐ][^\W\d_]+)",
    re.IGNORECASE,
)
#: A bank department or role right after a name: the person is a colleague ("anh Tú phòng tín dụng", "c Linh
#: (Treasury)", "Quang from Investment Products").
_ROLE_AFTER = re.compile(
    r"\s*(?:\(\s*(?:[^)]*\b)?|,?\s*(?:phòng|phong|bên|ben|bộ phận|bo phan|bp|team|from|of)\s+)(?:tín dụng|tin dung|"
    r"thẩm định|tham dinh|thẻ|the|wealth|treasury|credit|bancassurance|banca|ops|operations|card|cards|IT|investment|"
    r"sản phẩm|san pham|hội sở|hoi so|HO|compliance|pháp chế|phap che|risk|rủi ro|rui ro|trade|thanh toán quốc tế|ttqt)"
    r"\b",
    re.IGNORECASE,
)


def _end_of(text: str, word: str) -> int:
    """Where the first whole-word ``word`` in ``text`` ends (the text's length when it is not there)."""
    found = re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", text)
    return found.end() if found else len(text)


#: A family word right before a person's name: "chồng chị là anh Khánh", "vợ anh là chị Hoa", "her husband Mark".
_FAMILY_BEFORE = (
    r"\b(?:chồng|chong|vợ|vo|ông xã|ong xa|bà xã|ba xa|con trai|con gái|con gai|con|bố|bo|mẹ|me|ba|má|ma|anh trai|"
    r"chị gái|chi gai|em trai|em gái|em gai|husband|wife|son|daughter|father|mother|fianc[ée]e?|hôn phu|hon phu|"
    r"vị hôn phu|vi hon phu)\s+(?:(?:của\s+)?(?:chị|chi|anh|em|ông|ong|bà|ba|cô|co|her|his|c|a)\s+)?(?:là\s+|la\s+)?"
    r"(?:(?:anh|chị|chi|em|ông|ong|bà|ba|cô|co|chú|chu|a|c|e|mr\.?|ms\.?|mrs\.?)\s+)?"
)
#: A person introduced to the RM: "giới thiệu cho em anh Võ Thành Long", "introduced me to Mr Tran Anh".
_INTRODUCED = re.compile(
    r"\b(?:giới thiệu|gioi thieu|introduced|referred)\s+"
    r"(?:(?:cho|cho em|cho mình|cho minh|me to|to me|em|mình|minh)\s+)?"
    r"(?:(?:anh|chị|chi|em|ông|ong|bà|ba|cô|co|a|c|e|ô|b|mr\.?|mrs\.?|ms\.?)\s+)?"
    r"(?P<name>[A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]+){0,3})"
)
#: A person introduced by someone, named before it: "Hoang Minh Tuan san called, introduced by Binh san".
_INTRODUCED_BY = re.compile(r"\b(?:introduced|referred|recommended)\s+(?:to (?:us|me) )?by\b", re.IGNORECASE)
_CAPITALIZED_NAME = re.compile(r"(?<![\w])[A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]+){0,3}")
#: The RM right before "giới thiệu" / "introduced": "e giới thiệu …", "I introduced …", "mình có giới thiệu …".
_RM_AS_SUBJECT = re.compile(
    r"(?:^|[\s,.;:])(?:e|em|minh|toi|tui|i|we|rm)\s+(?:(?:da|co|cung|also|then|had|have)\s+){0,2}$"
)
#: Words of a product's name: what an RM presents is not a person ("Premier Invest", "Bond Fund", "Life Shield").
_PRODUCT_NAME_WORD = re.compile(
    r"\b(?:fund|invest\w*|bond|card|visa|platinum|shield|loan|account|premier|quy|bao hiem|goi|package|plan|cd)\b"
)
#: A person the RM met or spoke to, named right after the verb: "w/ Long Vo", "met Tran Anh", "gặp Quang".
_PERSON_AFTER_VERB = re.compile(
    r"(?:\bw/|\bwith|\bmet|\bmeeting|\bcalled|\bcall with|\bfrom|\bbase w/|\bvới|\bvs|\bgặp|\bgọi cho|\bgọi|"
    r"\btên là|\btên|\bten la|\bmy name is|\bname is|\bthis is)\s+"
    r"(?P<name>[A-ZĐ][^\W\d_]+(?:\s+[A-ZĐ][^\W\d_]+){0,2})"
)
#: Final consonants that voice typing drops the last letter of ("Oanh" → "Oan", "Thắng" → "Thắn").
_FINALS = frozenset({"nh", "ng", "ch"})
#: Capitalized words that follow a name without carrying it on.
_NOT_NAME_CONTINUATIONS = frozenset(
    {"zalo", "whatsapp", "viber", "messenger", "telegram", "facebook", "email", "sms", "call", "gọi", "nhắn", "qua"}
)
#: A capitalized given name alone is the weakest mention: any honorific or full-name mention outranks it.
BARE_NAME_SCORE = 0.5
#: Vietnamese words that are also given names and often open a sentence ("Mai gọi lại" = call back tomorrow):
#: capitalized at a sentence's start in a Vietnamese note, they are not read as a bare name.
_SENTENCE_WORDS_VI = frozenset({
    "mai", "nay", "sau", "ba", "hai", "bon", "nam", "thu", "an", "bao", "hoa", "lan", "ha", "tam", "vui",
    "binh", "long", "hong", "phuc", "minh", "hung", "thanh", "trung", "hoang", "vinh", "duc", "dung",
})  # fmt: skip
_WORD_SPAN = re.compile(r"[0-9A-Za-z]+")
#: Lower-case words (accents stripped) after which a capitalized word names a day or a month.
_DATE_WORDS_VI = frozenset({"thu", "thang", "mung", "chu", "ngay"})
#: Capitalized words that are apps and channels, not a second name word: "Hong Zalo'd me" names Hong.
_NOT_NAME_WORDS = frozenset(
    {"zalo", "viber", "whatsapp", "messenger", "telegram", "email", "sms", "facebook", "fb"}
    # products and places written with a capital are not people: "get a Visa Platinum", "orders from Korea"
    | {"visa", "mastercard", "jcb", "amex", "platinum", "premier", "invest", "bond", "fund", "life", "shield", "cd"}
    | {"korea", "japan", "china", "singapore", "vietnam", "thailand", "taiwan", "australia", "europe", "us", "usa"}
    | {"uk", "hk", "dubai", "malaysia", "india", "france", "germany", "canada"}
)


def _bare_name_positions(text: str) -> set[int]:
    """Word positions where a capitalized word may be a bare given name ("Tuan emailed", "met Sarah at"): a
    capitalized word that is not an honorific and not part of a longer proper noun (a place such as "Vincom Đồng
    Khởi", "Phúc Long Lê Lợi", "Tu Son": its neighbour inside the sentence is capitalized too); at a sentence's start
    in a Vietnamese note, not a common Vietnamese word ("Mai gọi lại": call back tomorrow)."""
    stripped = strip_accents(text)
    vietnamese = detect_language(text) == "vi"
    matches = list(_WORD_SPAN.finditer(stripped))

    def starts_sentence(index: int) -> bool:
        before = stripped[: matches[index].start()].rstrip()
        return not before or before[-1] in ".!?:;\n-–•*>(\"“”'"

    def capitalized(index: int) -> bool:
        word = matches[index].group()
        return word[:1].isupper() and not (len(word) > 1 and word.isupper())  # "Mai", not "mai" nor "CASA"

    def joins(index: int) -> bool:
        return capitalized(index) and matches[index].group().lower() not in _NOT_NAME_WORDS

    positions = set()
    for index, match in enumerate(matches):
        word = match.group()
        if not capitalized(index) or word.lower() in _HONORIFIC_WORDS:
            continue
        if starts_sentence(index) and vietnamese and word.lower() in _SENTENCE_WORDS_VI:
            continue
        if index > 0 and matches[index - 1].group() in _DATE_WORDS_VI:
            continue  # "thứ Hai", "tháng Năm", "Chủ Nhật": a day or a month, not anh Hải or chị Năm
        previous_joined = index > 0 and capitalized(index - 1) and not starts_sentence(index - 1)
        previous_joined = previous_joined and not starts_sentence(index)
        next_joined = index + 1 < len(matches) and joins(index + 1) and not starts_sentence(index + 1)
        if previous_joined or next_joined:
            continue
        positions.add(index)
    return positions


def _same_exact(a: str, b: str) -> bool:
    """The same word, exactly (accents compared when both were typed with them)."""
    agreed = _accents_agree(a, b)
    return agreed is not None and agreed[0] == agreed[1]


def _southern_d(word: str) -> str:
    return "d" + word[2:] if word.startswith("dz") else word


def _same_word(a: str, b: str) -> bool:
    """Name words are short and differ by one letter ("Dung", "Dang"): exact, a swap of letters in a
    four-letter word ("Mihn"), a last letter dropped ("Sara"), or one slip in a longer one."""
    agreed = _accents_agree(a, b)
    if agreed is None:
        return False
    a, b = agreed
    if a == b:
        return True
    if min(len(a), len(b)) >= 4 and (a == b[:-1] or b == a[:-1]):
        return True  # a last letter dropped: "Sara" for Sarah
    if min(len(a), len(b)) >= 3 and ((a == b + b[-1]) or (b == a + a[-1])):
        return True  # a last letter doubled: "Maii", "Hann"
    if len(a) == len(b) == 3 and a[0] == b[0] and a[1:] == b[:0:-1]:
        return True  # the last two letters swapped: "Ahn" for Anh
    if min(len(a), len(b)) >= 3 and re.sub(r"(.)\1", r"\1", a) == re.sub(r"(.)\1", r"\1", b):
        return True  # a letter doubled: "Laan", "Maii"
    if a.replace("y", "i") == b.replace("y", "i"):
        return True  # y and i are spelled either way: "Khoy" for Khôi, "Thuy" / "Thui"
    if _southern_d(a) == _southern_d(b):
        return True  # the Southern "Dz" for D: "Dzung"
    if len(a) == len(b) == 4:
        return a[0] == b[0] and sorted(a) == sorted(b)
    return min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 80


def _mention_score(
    words: list[str],
    name: list[str],
    honorific_positions: set[int],
    bare_positions: frozenset[int] | set[int] = frozenset(),
    given_names: set[str] | None = None,
    capitalized_positions: set[int] | None = None,
    breaks: set[int] | None = None,
    name_goes_on: set[int] | None = None,
) -> tuple[float, int]:
    """How strongly a client's name words occur in the text (0: not at all), and where first: two or more name words
    together; a given name after an honorific ("anh Minh", "a Bảo", "Mr Son"); or a capitalized given name alone
    ("Tuan emailed"), which must be the exact word. ``given_names``: the name's last word unless told otherwise.
    Two name words that are also everyday words ("thì đúng" ~ Thị Dung, "văn minh") count only when one is
    capitalized, an honorific precedes them, or the surname is among them (with ``capitalized_positions`` given)."""
    given = given_names or {name[-1]}
    best, where = 0.0, len(words)
    for start in range(len(words)):
        used: set[int] = set()
        length = 0
        heard = 0  # words matched only by how they sound ("Son Fam" for Pham Van Son)
        while start + length < len(words):
            if length and breaks is not None and start + length - 1 in breaks:
                break  # "Thủ Đức, bình thường": a comma ends a name
            word = words[start + length]
            hit = next((i for i, part in enumerate(name) if i not in used and _same_word(word, part)), None)
            if hit is None:
                hit = next((i for i, part in enumerate(name) if i not in used and _sounds_alike(word, part)), None)
                heard += hit is not None
            if hit is None:
                break
            used.add(hit)
            length += 1
        if heard and length - heard < 1:
            length, used = 0, set()  # a name heard, not written: at least one of its words must be exact
        if length >= 2 and len(name) - len(used) == 1 and start + length < len(words):
            # "ông Đỗ Đức Thăng" for Đỗ Đức Thắng: the rest of the full name exact, one word's diacritics slipped
            (missing,) = set(range(len(name))) - used
            if _folded(words[start + length]) == _folded(name[missing]) and (
                breaks is None or start + length - 1 not in breaks
            ):
                used.add(missing)
                length += 1
        score: float = 0
        named = length >= 2 and any(name.index(g) in used for g in given if g in name)  # not "Tran Thi" alone
        goes_on = name_goes_on if name_goes_on is not None else capitalized_positions
        if named and goes_on is not None and start + length in goes_on:
            # the name goes on with another capitalized word: someone else ("Đinh Thị Hồng Nhung"); an app's name
            # after it does not ("e Ngọc Anh WhatsApp'd")
            named = False
        if named and capitalized_positions is not None and length == 2:
            written_as_name = bool(capitalized_positions & {start, start + 1}) or start in honorific_positions
            named = written_as_name or 0 in used
        if named:
            score = length + 1 - 0.5 * heard
        elif (
            length == 1
            and start in honorific_positions
            and any(_same_word(words[start], g) for g in given)
            and not (name_goes_on is not None and start + 1 in name_goes_on)
        ):
            score = 1  # "chị Hồng" — but "chị Hồng Nhung", a name that goes on, is someone else
        elif (
            length == 0
            and start in honorific_positions
            and capitalized_positions is not None
            and start in capitalized_positions
            and any(_tone_slip(words[start], g) for g in given)
            and not (name_goes_on is not None and start + 1 in name_goes_on)
        ):
            score = 1  # "ô Thăng" for ông Thắng: a capitalized name after a title, one tone mark slipped
        elif length == 1 and start in bare_positions and any(_same_exact(words[start], g) for g in given):
            score = BARE_NAME_SCORE
        if score > best:
            best, where = score, start
    return best, where


def _validated(model: Any, value: Any) -> Any:
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "(body)"
            problems.append(f"{where}: {item['msg']}")
        raise WriteRejected(problems) from None


def _new_id(prefix: str, rm_id: str, key: str, index: int) -> str:
    """Ids derived from the idempotency key: a replay can only ever name the same rows."""
    digest = uuid.uuid5(uuid.NAMESPACE_URL, f"agentify:{rm_id}:{key}:{index}").hex[:16].upper()
    return f"{prefix}-{digest}"


def _type_name(kind: Any) -> str:
    name = type(kind).__name__.lower()
    return {
        "bankdatetime": "datetime (ISO 8601, bank time Asia/Ho_Chi_Minh)",
        "biginteger": "integer",
        "enum": "text (enumeration)",
        "string": "text",
    }.get(name, name)


#: Words of an occupation that tell no client apart in a pair ("chủ cửa hàng", "công ty TNHH", "owner of").
_DESCRIPTION_FILLER = frozenset(
    fold_words("chủ công ty tnhh cổ phần co ltd jsc company owner of the and và tại ở bên của")
)


#: A pair of words in a row is the evidence; a long word alone ("architect") counts half.
_WORD_WEIGHT = {1: 0.5, 2: 1.0}


def _description(text: str | None) -> set[tuple[str, ...]]:
    """The pairs of consecutive words and the long words of a text, filler skipped (what a description is
    matched on)."""
    kept = [word for word in fold_words(text or "") if word not in _DESCRIPTION_FILLER and not word.isdigit()]
    return {*itertools.pairwise(kept), *((word,) for word in kept if len(word) >= 5)}


# ----- bulk reads for services (the campaign batches): many clients, each with its own RM ---------------------------


def _households(connection: Connection, owners: Mapping[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Each client's relatives who bank here, as the client's own RM (``owners``: client id → RM id) may see them."""
    rows = connection.execute(
        select(Relationship.client_id.label("of"), Relationship.relation, Client.id, Client.full_name,
               Client.honorific, Client.segment, Client.rm_id)
        .join(Client, Client.id == Relationship.related_client_id)
        .where(Relationship.client_id.in_(list(owners)))
        .order_by(Relationship.client_id, Relationship.relation, Client.id)
    ).all()  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {client_id: [] for client_id in owners}
    for row in rows:
        if row.rm_id == owners[row.of]:
            found[row.of].append({"relation": row.relation, "client_id": row.id, "full_name": row.full_name,
                                  "honorific": row.honorific, "segment": row.segment})  # fmt: skip
        else:  # another RM's client: the link exists, who it is stays with that RM
            found[row.of].append({"relation": row.relation, "managed_by_another_rm": True})
    return found


def holdings_of(database: Database, client_ids: Iterable[str]) -> dict[str, Holdings]:
    """Totals, accounts and household of each client (unknown ids are left out), in three queries."""
    ids = sorted(set(client_ids))
    with database.engine.connect() as connection:
        owners = dict(connection.execute(select(Client.id, Client.rm_id).where(Client.id.in_(ids))).all())
        accounts = connection.execute(
            select(crm_table("accounts")).where(Account.client_id.in_(list(owners))).order_by(Account.kind, Account.id)
        ).all()
        households = _households(connection, owners)
    by_client: dict[str, list[Any]] = {client_id: [] for client_id in owners}
    for row in accounts:
        by_client[row.client_id].append(row)
    return {client_id: Holdings(totals=_totals(rows), holdings=[_row_dict(row) for row in rows],
                                household=households[client_id]) for client_id, rows in by_client.items()}  # fmt: skip


def behaviour_of(database: Database, client_ids: Iterable[str], *, since: dt.date) -> dict[str, list[dict[str, Any]]]:
    """How each client spends and earns since ``since``: per direction, category and counterparty, the count, the
    total and a few descriptions (what a recommendation reads), largest first; then the RM's notes since then
    (direction ``note``, newest first: what the client said they want); in two queries."""
    ids = sorted(set(client_ids))
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(Transaction.client_id, Transaction.direction, Transaction.category, Transaction.counterparty,
                   Transaction.description, Transaction.amount_vnd)
            .where(Transaction.client_id.in_(ids), func.date(Transaction.posted_at) >= since)
            .order_by(Transaction.client_id, Transaction.posted_at)
        ).all()  # fmt: skip
        notes = connection.execute(
            select(Interaction.client_id, Interaction.occurred_at, Interaction.topic, Interaction.summary,
                   Interaction.amount_vnd)
            .where(Interaction.client_id.in_(ids), func.date(Interaction.occurred_at) >= since)
            .order_by(Interaction.client_id, Interaction.occurred_at.desc())
        ).all()  # fmt: skip
    grouped: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {client_id: {} for client_id in ids}
    for row in rows:
        key = (row.direction, row.category or "other", row.counterparty or "")
        entry = grouped[row.client_id].setdefault(key, {"direction": key[0], "category": key[1],
                                                        "counterparty": key[2] or None, "count": 0, "total_vnd": 0,
                                                        "descriptions": []})  # fmt: skip
        entry["count"] += 1
        entry["total_vnd"] += int(row.amount_vnd)
        if row.description and row.description not in entry["descriptions"] and len(entry["descriptions"]) < 3:
            entry["descriptions"].append(row.description)
    spending = {client_id: sorted(entries.values(), key=lambda entry: (-entry["total_vnd"], entry["category"]))
                for client_id, entries in grouped.items()}  # fmt: skip
    for note in notes:  # what the client told the RM: a need stated in words ("wants to borrow for a car")
        spending[note.client_id].append({
            "direction": "note", "category": "note", "counterparty": None, "count": 1,
            "total_vnd": int(note.amount_vnd or 0), "descriptions": [note.topic, note.summary],
            "on": note.occurred_at.date().isoformat(),
        })  # fmt: skip
    return spending
