"""The RM's morning inbox: the nightly drafts, ordered by urgency and value, and what the RM does with them.

The nightly graph saves one draft per client event (``save_drafts``, idempotent on
``event_key``). In the morning ``Inbox(database, rm_id)`` lists them for one RM and
approves, edits, sends or dismisses them. Another RM's draft looks exactly like a
draft that does not exist. Sending is idempotent: a retried send never queues a
second e-mail (the outbox is unique per draft) nor logs a second CRM interaction
(the CRM write log is keyed by the draft).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from stores.db import Database
from stores.drafts import DRAFT_STATUSES, Draft, OutboxMessage
from stores.schema import Client
from stores.settings import BANK_TIMEZONE
from tools.core.text import normalize_text
from tools.crm.api import MAX_AMOUNT_VND, CrmApi

logger = logging.getLogger(__name__)

URGENCIES = ("high", "medium", "low")
DRAFT_CHANNELS = ("email", "chat")
CLIENT_CHANNELS = ("email", "zalo", "whatsapp", "phone")
ENGINES = ("template", "model")
MAX_BODY_CHARS = 5000
MAX_SUBJECT_CHARS = 300
_IN_CHUNK = 500
_OPEN = ("new", "approved")
_DONE = ("sent", "copied")
_TOPICS = {
    "birthday": "Birthday greeting",
    "cd_maturity": "CD maturity",
    "loan_maturity": "Loan maturity",
    "large_deposit": "Large deposit",
    "inactive": "Reconnecting with the client",
    "reply": "Reply to the client's message",
}


class NewDraft(TypedDict):
    """A draft as the nightly graph hands it over (``save_drafts`` checks every value)."""

    event_key: str
    rm_id: str
    client_id: str
    kind: str
    scan_date: str
    urgency: str  # high / medium / low
    value_vnd: int
    facts: dict[str, Any]
    channel: str  # email / chat
    client_channel: str  # email / zalo / whatsapp / phone
    language: str
    subject: str | None
    body: str
    engine: str  # template / model
    compliance: dict[str, Any]
    run_id: str | None


class DraftNotFound(LookupError):
    """No such draft among the signed-in RM's drafts (another RM's draft looks the same)."""


class DraftActionRefused(ValueError):
    """The action does not fit the draft's state or content; nothing changed."""


class SendResult(BaseModel):
    """What sending did: the draft after it, the queued e-mail or the text to copy, and the CRM log entry.

    A chat or phone draft is only copied: ``awaiting_confirmation`` until the RM says it went out
    (``Inbox.confirm_sent``), and only then is the contact logged.
    """

    draft: dict[str, Any]
    channel: str
    outbox_id: str | None
    copy_text: str | None
    interaction_id: str | None
    awaiting_confirmation: bool = False


def _contact_channel(draft: dict[str, Any]) -> str:
    """How the CRM logs a sent draft: a phone client's talking points were a call."""
    if draft["channel"] == "email":
        return "email"
    return "call" if draft["client_channel"] == "phone" else "chat"


def draft_id_for(event_key: str) -> str:
    """The draft's id follows from its event, so re-drafting an event can only ever name the same row."""
    return "D" + hashlib.sha256(event_key.encode()).hexdigest()[:16]


def outbox_id_for(draft_id: str) -> str:
    return "O" + hashlib.sha256(f"outbox:{draft_id}".encode()).hexdigest()[:16]


def _now() -> dt.datetime:
    # Whole seconds: the send time is part of the CRM write's request, and must read back identically.
    return dt.datetime.now(BANK_TIMEZONE).replace(microsecond=0)


def _no_nul(value: Any) -> Any:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class _DraftIn(BaseModel):
    """The checks a draft passes before it is stored (strict: no silent coercion of wrong types)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    event_key: str = Field(min_length=1, max_length=256)
    rm_id: str = Field(min_length=1, max_length=64)
    client_id: str = Field(min_length=1, max_length=64)
    kind: str = Field(min_length=1, max_length=32)
    scan_date: str
    urgency: Literal["high", "medium", "low"]
    value_vnd: int = Field(ge=0, le=MAX_AMOUNT_VND)
    facts: dict[str, Any]
    channel: Literal["email", "chat"]
    client_channel: Literal["email", "zalo", "whatsapp", "phone"]
    language: str = Field(min_length=1, max_length=8)
    subject: str | None = Field(default=None, max_length=MAX_SUBJECT_CHARS)
    body: str = Field(max_length=MAX_BODY_CHARS)
    engine: Literal["template", "model"]
    compliance: dict[str, Any]
    run_id: str | None = Field(default=None, max_length=64)

    @field_validator("*", mode="before")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _no_nul(value)

    @field_validator("scan_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"must be an ISO date YYYY-MM-DD, got {value!r}") from None
        return value

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str | None) -> str | None:
        if value is not None and ("\n" in value or "\r" in value):
            raise ValueError("must be one line")
        return value

    @field_validator("compliance")
    @classmethod
    def _compliance(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in ("flags", "notes"):
            if not isinstance(value.get(key, []), list):
                raise ValueError(f"compliance.{key} must be a list")
        return {"flags": [], "notes": [], **value}

    def json_ready(self) -> None:
        """Facts and compliance are stored as JSON: refuse what cannot be written, rather than lose it."""
        for name in ("facts", "compliance"):
            try:
                json.dumps(getattr(self, name), ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{name}: is not JSON-serialisable ({error})") from None


def _validated_draft(raw: Any, index: int) -> _DraftIn:
    key = raw.get("event_key") if isinstance(raw, dict) else None
    label = f"draft {key!r}" if key else f"draft #{index}"
    if not isinstance(raw, dict):
        raise ValueError(f"{label}: expected a mapping, got {type(raw).__name__}")
    try:
        draft = _DraftIn.model_validate(raw)
        draft.json_ready()
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(draft)"
        raise ValueError(f"{label}: {field}: {first['msg']}") from None
    except ValueError as error:
        raise ValueError(f"{label}: {error}") from None
    if draft.channel == "email" and not (draft.subject or "").strip():
        raise ValueError(f"{label}: subject: an e-mail draft needs a subject")
    return draft


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[start : start + _IN_CHUNK] for start in range(0, len(items), _IN_CHUNK)]


def _client_owners(connection: Connection, client_ids: Collection[str]) -> dict[str, str]:
    owners: dict[str, str] = {}
    for chunk in _chunks(sorted(set(client_ids))):
        for client_id, rm_id in connection.execute(select(Client.id, Client.rm_id).where(Client.id.in_(chunk))):
            owners[client_id] = rm_id
    return owners


def save_drafts(database: Database, drafts: Sequence[NewDraft]) -> int:
    """Store the night's drafts in one transaction; an event already drafted is left as it is.

    Every draft is checked first: one bad draft (a wrong field, or a client that is not
    the named RM's) raises ``ValueError`` naming its event and field, and nothing is saved.
    Returns how many drafts were new.
    """
    checked = [_validated_draft(raw, index) for index, raw in enumerate(drafts)]
    unique: dict[str, _DraftIn] = {}
    for draft in checked:
        unique.setdefault(draft.event_key, draft)  # the first of twins in one batch wins, as a rerun would
    if not unique:
        return 0
    now = _now()
    rows = [
        {
            "id": draft_id_for(draft.event_key),
            "event_key": draft.event_key,
            "rm_id": draft.rm_id,
            "client_id": draft.client_id,
            "kind": draft.kind,
            "scan_date": dt.date.fromisoformat(draft.scan_date),
            "urgency": draft.urgency,
            "value_vnd": draft.value_vnd,
            "facts_json": json.dumps(draft.facts, ensure_ascii=False, sort_keys=True),
            "channel": draft.channel,
            "client_channel": draft.client_channel,
            "language": draft.language,
            "subject": draft.subject.strip() if draft.subject else None,
            "body": draft.body.strip(),
            "original_body": draft.body.strip(),
            "status": "new",
            "engine": draft.engine,
            "compliance_json": json.dumps(draft.compliance, ensure_ascii=False, sort_keys=True),
            "run_id": draft.run_id,
            "created_at": now,
            "updated_at": now,
        }
        for draft in unique.values()
    ]
    dialect_insert = postgresql.insert if database.dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(Draft).on_conflict_do_nothing(index_elements=["event_key"]).returning(Draft.id)
    with database.engine.begin() as connection:
        owners = _client_owners(connection, {draft.client_id for draft in unique.values()})
        for draft in unique.values():
            if owners.get(draft.client_id) != draft.rm_id:
                raise ValueError(
                    f"draft {draft.event_key!r}: client_id: {draft.client_id!r} is not a client of {draft.rm_id!r}"
                )
        inserted = connection.execute(statement, rows).scalars().all()
    logger.info("saved %d new drafts of %d given", len(inserted), len(drafts))
    return len(inserted)


def drafted_event_keys(database: Database, event_keys: Collection[str]) -> set[str]:
    """Which of these events already have a draft (so the nightly run skips them before drafting)."""
    found: set[str] = set()
    with database.engine.connect() as connection:
        for chunk in _chunks(sorted(set(event_keys))):
            found.update(connection.execute(select(Draft.event_key).where(Draft.event_key.in_(chunk))).scalars())
    return found


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _draft_dict(draft: Any) -> dict[str, Any]:
    """A draft row (with its client's name) as plain JSON-ready data."""
    return {
        "id": draft.id,
        "event_key": draft.event_key,
        "client_id": draft.client_id,
        "client_name": draft.client_name,
        "client_honorific": draft.client_honorific,
        "kind": draft.kind,
        "scan_date": _iso(draft.scan_date),
        "urgency": draft.urgency,
        "value_vnd": int(draft.value_vnd),
        "facts": json.loads(draft.facts_json),
        "channel": draft.channel,
        "client_channel": draft.client_channel,
        "language": draft.language,
        "subject": draft.subject,
        "body": draft.body,
        "original_body": draft.original_body,
        "edited": draft.body != draft.original_body,
        "status": draft.status,
        "engine": draft.engine,
        "compliance": json.loads(draft.compliance_json or "{}"),
        "run_id": draft.run_id,
        "created_at": _iso(draft.created_at),
        "updated_at": _iso(draft.updated_at),
    }


def _clean_body(body: str) -> str:
    if not isinstance(body, str):
        raise DraftActionRefused("the body must be text")
    cleaned = normalize_text(body).strip()
    if not cleaned:
        raise DraftActionRefused("the body must not be empty")
    if len(cleaned) > MAX_BODY_CHARS:
        raise DraftActionRefused(f"the body is {len(cleaned):,} characters; at most {MAX_BODY_CHARS:,} are allowed")
    if "\x00" in cleaned:
        raise DraftActionRefused("the body must not contain NUL characters")
    return cleaned


def _clean_subject(subject: str) -> str:
    cleaned = normalize_text(subject).strip()
    if not cleaned:
        raise DraftActionRefused("the subject must not be empty")
    if len(cleaned) > MAX_SUBJECT_CHARS:
        raise DraftActionRefused(f"the subject is {len(cleaned)} characters; at most {MAX_SUBJECT_CHARS} are allowed")
    if "\x00" in cleaned or "\n" in cleaned or "\r" in cleaned:
        raise DraftActionRefused("the subject must be one line of text")
    return cleaned


_SALUTATION = re.compile(
    r"^(?:dear|hi|hello|kính gửi|kinh gui|kính chào|chào|chao|thân gửi|gửi|talking points)\b.{0,80}[,:!]?$", re.I
)


def summary_of(body: str) -> str:
    """What a sent message said, for the CRM log: its first line past the salutation ("Dear Mr. Son," says
    nothing), at most 300 characters."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    content = [line for line in lines if not (_SALUTATION.match(line) and len(line) <= 80)]
    return (content or lines or [body.strip()])[0][:300]


@dataclass
class Inbox:
    """The drafts of one signed-in RM."""

    database: Database
    rm_id: str

    # ----- reads -------------------------------------------------------------------------------

    def _select(self) -> Any:
        return (
            select(Draft.__table__, Client.full_name.label("client_name"), Client.honorific.label("client_honorific"))
            .outerjoin(Client, Client.id == Draft.client_id)
            .where(Draft.rm_id == self.rm_id)
        )

    def notifications(
        self, *, statuses: Collection[str] = _OPEN, scan_date: dt.date | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        """The RM's drafts, most urgent first, then the largest amounts, then the oldest."""
        unknown = sorted(set(statuses) - set(DRAFT_STATUSES))
        if unknown:
            raise ValueError(f"unknown draft status {', '.join(unknown)}; use {', '.join(DRAFT_STATUSES)}")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        urgency_rank = case(
            {name: rank for rank, name in enumerate(URGENCIES)}, value=Draft.urgency, else_=len(URGENCIES)
        )
        query = self._select().where(Draft.status.in_(list(statuses)))
        if scan_date is not None:
            query = query.where(Draft.scan_date == scan_date)
        query = query.order_by(urgency_rank, Draft.value_vnd.desc(), Draft.created_at, Draft.id).limit(limit)
        with self.database.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [_draft_dict(row) for row in rows]

    def badge(self) -> int:
        """How many drafts the RM has not looked at yet."""
        with self.database.engine.connect() as connection:
            count = connection.execute(
                select(func.count()).where(Draft.rm_id == self.rm_id, Draft.status == "new")
            ).scalar_one()
        return int(count)

    def _row(self, connection: Connection, draft_id: str) -> Any:
        row = connection.execute(self._select().where(Draft.id == draft_id)).first()
        if row is None:
            raise DraftNotFound(f"no draft {draft_id!r} among your drafts")
        return row

    def get(self, draft_id: str) -> dict[str, Any]:
        with self.database.engine.connect() as connection:
            row = self._row(connection, draft_id)
        return _draft_dict(row)

    # ----- actions -----------------------------------------------------------------------------

    def _transition(self, draft_id: str, *, allowed: tuple[str, ...], values: dict[str, Any], action: str) -> None:
        """Change the draft only if it is still in an allowed state (a concurrent action cannot be overwritten)."""
        with self.database.engine.begin() as connection:
            current = self._row(connection, draft_id)
            if current.status not in allowed:
                raise DraftActionRefused(f"cannot {action} draft {draft_id!r}: it is already {current.status}")
            changed = connection.execute(
                update(Draft)
                .where(Draft.id == draft_id, Draft.rm_id == self.rm_id, Draft.status == current.status)
                .values(**values, updated_at=_now())
            ).rowcount
        if not changed:
            now_status = self.get(draft_id)["status"]
            raise DraftActionRefused(f"cannot {action} draft {draft_id!r}: it just became {now_status}")

    def approve(self, draft_id: str) -> dict[str, Any]:
        """Mark the draft as reviewed; approving twice is harmless."""
        if self.get(draft_id)["status"] == "approved":
            return self.get(draft_id)
        self._transition(draft_id, allowed=("new",), values={"status": "approved"}, action="approve")
        return self.get(draft_id)

    def dismiss(self, draft_id: str) -> dict[str, Any]:
        """Drop the draft; it will not come back for the same event. Dismissing twice is harmless."""
        if self.get(draft_id)["status"] == "dismissed":
            return self.get(draft_id)
        self._transition(draft_id, allowed=_OPEN, values={"status": "dismissed"}, action="dismiss")
        return self.get(draft_id)

    def edit(self, draft_id: str, *, body: str, subject: str | None = None) -> dict[str, Any]:
        """Rewrite the draft's text, then learn from the edit (a failed learning never loses the edit)."""
        before = self.get(draft_id)
        if before["status"] not in _OPEN:
            raise DraftActionRefused(f"cannot edit draft {draft_id!r}: it is already {before['status']}")
        new_body = _clean_body(body)
        values: dict[str, Any] = {"body": new_body}
        if subject is not None:
            if before["channel"] != "email":
                raise DraftActionRefused(
                    f"draft {draft_id!r} is a {before['client_channel']} message: it has no subject"
                )
            values["subject"] = _clean_subject(subject)
        if all(before[name] == value for name, value in values.items()):
            return before
        self._transition(draft_id, allowed=_OPEN, values=values, action="edit")
        if new_body != before["body"]:
            self._learn_from_edit(before, new_body)
        return self.get(draft_id)

    def _learn_from_edit(self, before: dict[str, Any], new_body: str) -> None:
        try:
            from tools.voice.personalization import Personalization

            Personalization(self.database, self.rm_id).learn_from_edit(
                client_id=before["client_id"], language=before["language"], original=before["body"], edited=new_body
            )
        except Exception:  # the RM's edit is saved; a learning failure only costs the lesson
            logger.warning("could not learn from the edit of draft %s", before["id"], exc_info=True)

    def send(self, draft_id: str) -> SendResult:
        """Send the draft: queue the e-mail and log the contact in the CRM; a chat or phone draft is handed back
        to copy and waits for ``confirm_sent`` before anything is logged.

        Safe to retry after any failure: the outbox row is unique per draft and the CRM
        write is keyed by the draft, with the send time stored on the draft.
        """
        draft = self.get(draft_id)
        if draft["status"] == "dismissed":
            raise DraftActionRefused(f"cannot send draft {draft_id!r}: it was dismissed")
        if draft["status"] in _OPEN:
            self._mark_sent(draft)
            draft = self.get(draft_id)
        if draft["channel"] != "email" and draft["status"] == "copied":
            # Copied is not sent: the RM pastes it into Zalo or makes the call, then confirms; only that is a contact.
            return SendResult(
                draft=draft, channel=draft["channel"], outbox_id=None, copy_text=draft["body"], interaction_id=None,
                awaiting_confirmation=True,
            )  # fmt: skip
        return self._sent_result(draft)

    def confirm_sent(self, draft_id: str) -> SendResult:
        """The RM sent the copied message (or made the call): log the contact, once, and mark the draft sent."""
        draft = self.get(draft_id)
        if draft["channel"] == "email":
            raise DraftActionRefused(f"draft {draft_id!r} is an e-mail: sending queues it, nothing to confirm")
        if draft["status"] == "copied":
            now = _now()
            with self.database.engine.begin() as connection:
                connection.execute(
                    update(Draft)
                    .where(Draft.id == draft_id, Draft.rm_id == self.rm_id, Draft.status == "copied")
                    .values(status="sent", updated_at=now)
                )
            draft = self.get(draft_id)
        if draft["status"] != "sent":
            raise DraftActionRefused(f"cannot confirm draft {draft_id!r}: it is {draft['status']}; copy it first")
        logger.info("draft %s confirmed sent by %s", draft_id, self.rm_id)
        return self._sent_result(draft)

    def _sent_result(self, draft: dict[str, Any]) -> SendResult:
        """The contact logged for a sent draft (idempotent by the draft) and what was sent."""
        draft_id = draft["id"]
        outbox_id = None
        if draft["channel"] == "email":
            with self.database.engine.connect() as connection:
                outbox_id = connection.execute(
                    select(OutboxMessage.id).where(OutboxMessage.draft_id == draft_id)
                ).scalar()
        crm = CrmApi(self.database, self.rm_id)
        message_id = (draft.get("facts") or {}).get("message_id") if draft["kind"] == "reply" else None
        if message_id:
            try:  # the reply is out: its message is answered (forward only, safe to repeat)
                crm.mark_messages([str(message_id)], "replied")
            except LookupError:
                logger.warning("reply draft %s answers message %s, which is no longer the RM's", draft_id, message_id)
        logged = crm.create_interaction(
            {
                "client_id": draft["client_id"],
                "occurred_at": draft["updated_at"],
                "channel": _contact_channel(draft),
                "topic": _TOPICS.get(draft["kind"], draft["kind"].replace("_", " ").capitalize()),
                "summary": draft["subject"] or summary_of(draft["body"]),
                "source": "agent",
                "source_text": draft["body"],
            },
            idempotency_key=f"draft-send:{draft_id}",
        )
        return SendResult(
            draft=draft,
            channel=draft["channel"],
            outbox_id=outbox_id,
            copy_text=draft["body"] if draft["channel"] == "chat" else None,
            interaction_id=(logged.interaction or {}).get("id"),
        )

    def _mark_sent(self, draft: dict[str, Any]) -> None:
        """Set the sent state and queue the e-mail in one transaction; a concurrent twin queues nothing more."""
        draft_id = draft["id"]
        _clean_body(draft["body"])
        email_to = None
        if draft["channel"] == "email":
            if not (draft["subject"] or "").strip():
                raise DraftActionRefused(f"cannot send draft {draft_id!r}: the e-mail has no subject")
            with self.database.engine.connect() as connection:
                email_to = connection.execute(
                    select(Client.email).where(Client.id == draft["client_id"], Client.rm_id == self.rm_id)
                ).scalar()
            if not (email_to or "").strip():
                raise DraftActionRefused(
                    f"cannot e-mail draft {draft_id!r}: {draft['client_name'] or draft['client_id']} has no e-mail "
                    "address on file; copy the text into another channel instead"
                )
        target = "sent" if draft["channel"] == "email" else "copied"
        now = _now()
        with self.database.engine.begin() as connection:
            changed = connection.execute(
                update(Draft)
                .where(Draft.id == draft_id, Draft.rm_id == self.rm_id, Draft.status.in_(_OPEN))
                .values(status=target, updated_at=now)
            ).rowcount
            if changed and email_to is not None:
                dialect_insert = postgresql.insert if self.database.dialect == "postgresql" else sqlite.insert
                connection.execute(
                    dialect_insert(OutboxMessage)
                    .values(
                        id=outbox_id_for(draft_id),
                        draft_id=draft_id,
                        rm_id=self.rm_id,
                        client_id=draft["client_id"],
                        to_address=email_to.strip(),
                        subject=draft["subject"].strip(),
                        body=draft["body"],
                        status="queued",
                        attempts=0,
                        created_at=dt.datetime.now(BANK_TIMEZONE),  # full precision: the relay goes oldest first
                    )
                    .on_conflict_do_nothing(index_elements=["draft_id"])
                )
        if not changed:
            status = self.get(draft_id)["status"]
            if status not in _DONE:
                raise DraftActionRefused(f"cannot send draft {draft_id!r}: it just became {status}")
        else:
            logger.info("draft %s %s by %s", draft_id, target, self.rm_id)
