"""Delivering the e-mail outbox through an SMTP relay.

An RM's send only queues the e-mail (``tools.inbox.drafts``); ``deliver_outbox`` hands the
queue to the relay, oldest first, over one connection. Each message's Message-ID
follows from its draft, so if a crash falls between the relay accepting a message
and the row being marked sent, the resend carries the same Message-ID and a
receiving server can drop it. A message the relay refuses is retried on later
runs, up to ``MAX_ATTEMPTS`` tries, then marked failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import BaseModel
from sqlalchemy import func, select, update

from stores.db import Database
from stores.drafts import OutboxMessage
from stores.schema import Rm
from stores.settings import BANK_TIMEZONE
from tools.core import settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SMTP_TIMEOUT_S = 30.0
DEFAULT_SENDER = "agentify@localhost"
_URL_FORM = "smtp://[user:pass@]host[:port][?starttls=1] or smtps://[user:pass@]host[:port]"
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SmtpUnavailable(ConnectionError):
    """The relay could not be reached or refused the sign-in; no message was touched."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the relay; the password never shows in a repr or a message."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    security: Literal["none", "starttls", "ssl"]
    sender: str

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        """``AGENTIFY_SMTP_URL`` (None when unset) and ``AGENTIFY_SMTP_FROM``; a malformed URL is a ValueError."""
        url = settings.smtp_url()
        if not url:
            return None
        sender = settings.smtp_from() or DEFAULT_SENDER
        if "@" not in sender or any(character in sender for character in "\r\n\x00"):
            raise ValueError(f"AGENTIFY_SMTP_FROM must be an e-mail address, got {sender!r}")
        return cls.parse(url, sender=sender)

    @classmethod
    def parse(cls, url: str, *, sender: str = DEFAULT_SENDER) -> SmtpSettings:
        def bad(problem: str) -> ValueError:
            return ValueError(f"AGENTIFY_SMTP_URL is malformed ({problem}); expected {_URL_FORM}")

        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise bad("the port must be a number from 1 to 65535") from None
        scheme = parts.scheme.lower()
        if scheme not in ("smtp", "smtps"):
            raise bad(f"the scheme must be smtp or smtps, not {scheme or 'missing'!r}")
        if not parts.hostname:
            raise bad("no host")
        if parts.path not in ("", "/") or parts.fragment:
            raise bad("a path or fragment is not allowed")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(query) - {"starttls"})
        if unknown:
            raise bad(f"unknown option {', '.join(unknown)}")
        starttls_value = query.get("starttls", ["0"])[-1].lower()
        if starttls_value not in _TRUE + _FALSE:
            raise bad(f"starttls must be 1 or 0, got {starttls_value!r}")
        starttls = starttls_value in _TRUE
        if scheme == "smtps" and starttls:
            raise bad("smtps already encrypts the connection; drop ?starttls=1 or use smtp://")
        security: Literal["none", "starttls", "ssl"] = (
            "ssl" if scheme == "smtps" else "starttls" if starttls else "none"
        )
        username = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password is not None else None
        if password is not None and username is None:
            raise bad("a password needs a user name")
        return cls(
            host=parts.hostname,
            port=port or (465 if security == "ssl" else 587 if security == "starttls" else 25),
            username=username,
            password=password,
            security=security,
            sender=sender,
        )


class DeliveryReport(BaseModel):
    """One delivery run: sent now, failed for good now, refused but to be retried, and still queued after."""

    sent: int
    failed: int
    retried: int
    remaining: int


def _message_id(draft_id: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "agentify.local"
    return f"<agentify.{draft_id}@{domain}>"


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    try:
        client: smtplib.SMTP
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S)
        try:
            client.ehlo()
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if settings.username is not None:
                client.login(settings.username, settings.password or "")
        except BaseException:
            client.close()
            raise
    except (OSError, smtplib.SMTPException) as error:
        where = f"{settings.host}:{settings.port} ({settings.security})"
        raise SmtpUnavailable(f"the SMTP relay {where} failed: {_safe_error(error, settings)}") from None
    return client


def _safe_error(error: BaseException, settings: SmtpSettings) -> str:
    text = f"{type(error).__name__}: {error}"
    if settings.password:
        text = text.replace(settings.password, "***")
    return text[:1000]


def _queued_count(database: Database) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).where(OutboxMessage.status == "queued")).scalar_one())


def deliver_outbox(database: Database, settings: SmtpSettings, *, limit: int = 100) -> DeliveryReport:
    """Hand up to ``limit`` queued e-mails to the relay, oldest first, over one connection.

    Raises ``SmtpUnavailable`` when the relay cannot be reached or refuses the sign-in
    (the queue is left untouched: an outage is not the messages' fault).
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    with database.engine.connect() as connection:
        batch = (
            connection.execute(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "queued")
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    if not batch:
        return DeliveryReport(sent=0, failed=0, retried=0, remaining=_queued_count(database))
    sent = failed = retried = 0
    client = _connect(settings)
    try:
        for outbox_id in batch:
            # One transaction per message; on PostgreSQL the row lock keeps a concurrent run off it.
            with database.engine.begin() as connection:
                row = connection.execute(
                    select(OutboxMessage.__table__, Rm.email.label("rm_email"))
                    .outerjoin(Rm, Rm.id == OutboxMessage.rm_id)
                    .where(OutboxMessage.id == outbox_id, OutboxMessage.status == "queued")
                    .with_for_update(skip_locked=True, of=OutboxMessage.__table__)
                ).first()
                if row is None:
                    continue
                message, rm_email = row, row.rm_email
                now = dt.datetime.now(BANK_TIMEZONE)
                try:
                    client.send_message(_email(message, rm_email, settings, now))
                except (OSError, smtplib.SMTPException) as error:
                    attempts = message.attempts + 1
                    gave_up = attempts >= MAX_ATTEMPTS
                    connection.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id == outbox_id)
                        .values(
                            attempts=attempts,
                            last_error=_safe_error(error, settings),
                            status="failed" if gave_up else "queued",
                        )
                    )
                    failed += gave_up
                    retried += not gave_up
                    logger.warning(
                        "e-mail %s to the relay failed (attempt %d of %d): %s",
                        outbox_id,
                        attempts,
                        MAX_ATTEMPTS,
                        _safe_error(error, settings),
                    )
                    connection_lost = isinstance(error, smtplib.SMTPServerDisconnected) or not isinstance(
                        error,
                        smtplib.SMTPException,  # (an SMTPException is an OSError too)
                    )
                    if connection_lost:
                        break  # the connection is gone; the rest waits for the next run
                    continue
                connection.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == outbox_id)
                    .values(status="sent", sent_at=now, attempts=message.attempts + 1)
                )
                sent += 1
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    report = DeliveryReport(sent=sent, failed=failed, retried=retried, remaining=_queued_count(database))
    logger.info("outbox delivery: %s", report.model_dump())
    return report


def _email(message: Any, rm_email: str | None, settings: SmtpSettings, now: dt.datetime) -> EmailMessage:
    email = EmailMessage()
    email["Message-ID"] = _message_id(message.draft_id, settings.sender)
    email["Date"] = format_datetime(now)
    email["From"] = settings.sender
    if rm_email:
        email["Reply-To"] = rm_email
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email
