"""Tables of the proactive catch-up agent: drafts, the e-mail outbox and nightly run summaries.

A draft belongs to one RM and one client event; ``event_key`` names the event
itself (e.g. one CD's maturity, one birthday in one year), so rerunning a night,
or the next night seeing the same event, never drafts it twice. The outbox holds
one row per sent e-mail draft (unique ``draft_id``): sending twice queues once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stores.schema import BankDateTime, Base

DRAFT_STATUSES = ("new", "approved", "sent", "copied", "dismissed")
#: What the morning inbox lists by default: drafts still to act on (a copied chat draft waits for "I sent it").
INBOX_STATUSES = ("new", "approved", "copied")
OUTBOX_STATUSES = ("queued", "sent", "failed")
RUN_STATUSES = ("running", "done", "failed")


class Draft(Base):
    """A ready-to-send message for one client event, waiting for the RM's review."""

    __tablename__ = "agentify_drafts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_key: Mapped[str] = mapped_column(String(256), unique=True)
    rm_id: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    #: The event kind: ``birthday``, ``cd_maturity``, ``loan_maturity``, ``large_deposit``, ``inactive``, …
    kind: Mapped[str] = mapped_column(String(32))
    #: The night (bank-local date) whose scan found the event.
    scan_date: Mapped[dt.date] = mapped_column(Date, index=True)
    urgency: Mapped[str] = mapped_column(String(8))
    value_vnd: Mapped[int] = mapped_column(BigInteger, default=0)
    facts_json: Mapped[str] = mapped_column(Text)
    #: ``email`` (with a subject) or ``chat`` (copy-ready text for zalo / whatsapp / phone).
    channel: Mapped[str] = mapped_column(String(16))
    #: The client's preferred channel (``email``/``zalo``/``whatsapp``/``phone``).
    client_channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: The body as drafted, kept so an RM's edit can be learned from.
    original_body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    #: ``template`` or ``model``.
    engine: Mapped[str] = mapped_column(String(16))
    #: The communication check: {"flags": [...], "notes": [...]}.
    compliance_json: Mapped[str] = mapped_column(Text, default="{}")
    run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(BankDateTime)


class OutboxMessage(Base):
    """An e-mail the RM sent from a draft, queued for the SMTP relay."""

    __tablename__ = "agentify_outbox"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(64), unique=True)
    rm_id: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)


class NightlyRun(Base):
    """One nightly catch-up run and its summary (events by kind, drafts, failures)."""

    __tablename__ = "agentify_nightly_runs"
    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scan_date: Mapped[dt.date] = mapped_column(Date, index=True)
    #: None for a bank-wide run.
    rm_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    summary_json: Mapped[str] = mapped_column(Text, default="{}")
    started_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)


class NightLease(Base):
    """Who is running a night now (one row per night and scope): a second run is refused while the holder's
    heartbeat is fresh; a stale one (a killed process) is taken over and its run marked interrupted."""

    __tablename__ = "agentify_night_leases"
    thread_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    run_id: Mapped[str | None] = mapped_column(String(64))
    holder: Mapped[str] = mapped_column(String(128))
    heartbeat_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
