"""The inquiry bot's one door to the bank: a one-time check of a customer who says they are a client, and the
hand-over of a message to that client's RM inbox or to the contact centre's queue.

What never leaves this module: whether a phone belongs to a client, which client, which RM. The bot hears the same
"if this number is on file, a code is on its way" whatever the answer, so the public chat cannot be used to find
out who banks here. Writes are idempotent: the same message in the same session is handed on once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import os
import re
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, insert, select, update

from stores.db import Database
from stores.inquiry import InquiryCheck, InquiryEscalation, SmsOutbox
from stores.schema import Client, InboundMessage
from stores.settings import BANK_TIMEZONE
from tools.core.text import normalize_phone
from tools.inquiry.classifier import masked

logger = logging.getLogger(__name__)

#: The contact centre's number customers are given (the demo bank's; ``AGENTIFY_BANK_HOTLINE`` for another bank).
HOTLINE = os.environ.get("AGENTIFY_BANK_HOTLINE", "1800 588 868")
CODE_DIGITS = 6
#: A code is good for this long, for this many tries; a session may ask for this many codes an hour.
CODE_MINUTES = 10
MAX_ATTEMPTS = 3
MAX_CHECKS_PER_HOUR = 3
MAX_MESSAGE_CHARS = 4000
_PHONE = re.compile(r"(?:\+?84|0)[\s.-]?\d(?:[\s.-]?\d){7,9}")
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")

Kind = Literal["rm_inbox", "contact_centre"]


class CheckRefused(ValueError):
    """Too many codes asked for in this session (the customer is told to call the hotline)."""


@dataclass(frozen=True)
class Escalation:
    id: str
    kind: Kind
    #: False when the same message had already been handed on (nothing written twice).
    new: bool


def _now() -> dt.datetime:
    return dt.datetime.now(BANK_TIMEZONE)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def phone_in(text: str) -> str | None:
    """The Vietnamese phone number a message gives, in its stored form."""
    match = _PHONE.search(text)
    return normalize_phone(match.group(0)) if match else None


def code_in(text: str) -> str | None:
    match = _CODE.search(text)
    return match.group(1) if match else None


def start_check(database: Database, session: str, phone: str) -> str:
    """Send a one-time code to ``phone`` if a client has it on file; the check's id either way."""
    normalized = normalize_phone(phone)
    if normalized is None:
        raise ValueError("not a Vietnamese phone number")
    now = _now()
    with database.engine.begin() as connection:
        recent = connection.execute(
            select(func.count()).where(InquiryCheck.session == session,
                                       InquiryCheck.created_at >= now - dt.timedelta(hours=1))
        ).scalar_one()  # fmt: skip
        if recent >= MAX_CHECKS_PER_HOUR:
            raise CheckRefused("too many codes asked for in this conversation")
        client_id = connection.execute(select(Client.id).where(Client.phone == normalized)).scalar()
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        check_id = f"IC{secrets.token_hex(8).upper()}"
        connection.execute(
            insert(InquiryCheck).values(
                id=check_id, session=session, phone_sha256=_sha(normalized), code_sha256=_sha(f"{check_id}:{code}"),
                client_id=client_id, created_at=now, attempts=0, verified_at=None,
            )
        )  # fmt: skip
        if client_id is not None:
            connection.execute(
                insert(SmsOutbox).values(
                    id=f"SMS{secrets.token_hex(8).upper()}", phone=normalized,
                    text=f"An Khang Bank: your code is {code}. It is valid for {CODE_MINUTES} minutes. "
                    "We will never ask you for it by phone.",
                    created_at=now, sent_at=None,
                )
            )  # fmt: skip
    logger.info("inquiry check %s started for session %s", check_id, session)
    return check_id


def verify(database: Database, session: str, code: str) -> bool:
    """Whether ``code`` is the code of the session's latest check (a client's, still fresh, tries left)."""
    now = _now()
    with database.engine.begin() as connection:
        check = connection.execute(
            select(InquiryCheck.__table__)
            .where(InquiryCheck.session == session)
            .order_by(InquiryCheck.created_at.desc(), InquiryCheck.id)
        ).first()
        if check is None or check.verified_at is not None or check.attempts >= MAX_ATTEMPTS:
            return False
        connection.execute(update(InquiryCheck).where(InquiryCheck.id == check.id).values(attempts=check.attempts + 1))
        fresh = now - check.created_at <= dt.timedelta(minutes=CODE_MINUTES)
        good = hmac.compare_digest(check.code_sha256, _sha(f"{check.id}:{code}"))
        if not (fresh and good and check.client_id is not None):
            return False
        connection.execute(update(InquiryCheck).where(InquiryCheck.id == check.id).values(verified_at=now))
    return True


def _verified_client(connection: object, session: str) -> tuple[str, str] | None:
    row = connection.execute(  # type: ignore[attr-defined]
        select(Client.id, Client.rm_id)
        .join(InquiryCheck, InquiryCheck.client_id == Client.id)
        .where(InquiryCheck.session == session, InquiryCheck.verified_at.is_not(None))
        .order_by(InquiryCheck.verified_at.desc())
    ).first()
    return (row.id, row.rm_id) if row else None


def escalate(database: Database, session: str, text: str, *, topic: str, urgency: str) -> Escalation:
    """Hand the message on: to the RM's inbox when the session's customer passed the check, else to the contact
    centre's queue; once per session, destination and message."""
    text = " ".join(str(text).split())[:MAX_MESSAGE_CHARS]
    if not text:
        raise ValueError("an escalation needs the customer's message")
    now = _now()
    with database.engine.begin() as connection:
        client = _verified_client(connection, session)
        kind: Kind = "rm_inbox" if client is not None else "contact_centre"
        escalation_id = f"IE{_sha(f'{session}:{kind}:{text}')[:20].upper()}"
        if connection.execute(select(InquiryEscalation.id).where(InquiryEscalation.id == escalation_id)).first():
            return Escalation(escalation_id, kind, new=False)
        inbound_id = None
        if client is not None:
            inbound_id = f"MW{escalation_id[2:18]}"
            connection.execute(
                insert(InboundMessage).values(
                    id=inbound_id, client_id=client[0], rm_id=client[1], received_at=now, channel="web_chat",
                    subject="Website chat (verified client)", body=text, status="unread",
                )
            )  # fmt: skip
        connection.execute(
            insert(InquiryEscalation).values(
                id=escalation_id, session=session, kind=kind, topic=topic, urgency=urgency, message=masked(text),
                inbound_message_id=inbound_id, status="open", created_at=now,
            )
        )  # fmt: skip
    logger.info("inquiry %s handed to %s (%s, %s)", escalation_id, kind, topic, urgency)
    return Escalation(escalation_id, kind, new=True)
