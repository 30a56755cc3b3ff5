"""Tables of the customer inquiry bot: one-time checks, escalations (the contact-centre queue) and SMS to send.

A customer is never shown a client's data: a check stores hashes of the phone and the code, and the client it
matched stays here (the bot only ever says "a code was sent to the phone on file").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stores.schema import BankDateTime, Base


class InquiryCheck(Base):
    """A one-time check of a customer who says they are a client: a code sent to the phone on file."""

    __tablename__ = "agentify_inquiry_checks"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session: Mapped[str] = mapped_column(String(128), index=True)
    phone_sha256: Mapped[str] = mapped_column(String(64))
    code_sha256: Mapped[str] = mapped_column(String(64))
    #: The client the phone belongs to (None: no client has it; the customer is told the same either way).
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)


class InquiryEscalation(Base):
    """A message the bot handed on: to the client's RM inbox, or to the contact centre's queue."""

    __tablename__ = "agentify_inquiry_escalations"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    session: Mapped[str] = mapped_column(String(128), index=True)
    #: ``rm_inbox`` or ``contact_centre``.
    kind: Mapped[str] = mapped_column(String(32), index=True)
    topic: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16))
    #: The customer's message with personal data masked (the RM inbox message holds the words as written).
    message: Mapped[str] = mapped_column(Text)
    inbound_message_id: Mapped[str | None] = mapped_column(String(64))
    #: ``open`` until the contact centre or the RM takes it.
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)


class SmsOutbox(Base):
    """Text messages waiting for the bank's SMS gateway (the one-time codes)."""

    __tablename__ = "agentify_sms_outbox"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    phone: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)
