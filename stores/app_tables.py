"""Tables Agentify owns beside the bank's: API tokens, the write log and who owns which graph thread.

They live in the same database so that a write and its idempotency record
commit in one transaction. They are never queryable through the CRM guard.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stores.schema import BankDateTime, Base


class ApiToken(Base):
    """A per-RM bearer token; only its SHA-256 is stored."""

    __tablename__ = "agentify_api_tokens"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    rm_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)


class WriteLog(Base):
    """One row per idempotency key: a replayed write returns the stored result."""

    __tablename__ = "agentify_write_log"
    idempotency_key: Mapped[str] = mapped_column(String(256), primary_key=True)  # "<rm_id>:<key>"
    rm_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    request_sha256: Mapped[str] = mapped_column(String(64))
    result_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)


class Meta(Base):
    """Facts about the loaded bank, e.g. the fixture's or demo bank's reference date."""

    __tablename__ = "agentify_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AgentThread(Base):
    """A conversation or data-entry thread served over HTTP: which RM owns it and which graph runs it.

    The graph's state lives in the checkpointer under the same ``thread_id``; this row is what
    lets only its owner read or resume it, across restarts.
    """

    __tablename__ = "agentify_threads"
    thread_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rm_id: Mapped[str] = mapped_column(String(64), index=True)
    graph: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)


class ModelCall(Base):
    """One call to a model outside the bank, for the audit (``agentify audit``): who, where, what was sent.

    The prompt itself is never stored, only the SHA-256 of the masked prompt and how many values were
    masked in it; ``outcome`` is ``ok`` or the error's type.
    """

    __tablename__ = "agentify_model_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    called_at: Mapped[dt.datetime] = mapped_column(BankDateTime, index=True)
    rm_id: Mapped[str | None] = mapped_column(String(64), index=True)
    room: Mapped[str] = mapped_column(String(64))
    task: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt_sha256: Mapped[str] = mapped_column(String(64))
    masked_values: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(128))


REFERENCE_DATE_KEY = "reference_date"


def _registered() -> tuple[str, ...]:
    # Imported here so that every Agentify table is on the metadata wherever ``stores.db`` is used.
    from stores import campaigns, drafts, inquiry, personalization

    return (
        ApiToken.__tablename__,
        WriteLog.__tablename__,
        Meta.__tablename__,
        AgentThread.__tablename__,
        ModelCall.__tablename__,
        personalization.ToneProfileVersion.__tablename__,
        personalization.RmRule.__tablename__,
        drafts.Draft.__tablename__,
        drafts.OutboxMessage.__tablename__,
        drafts.NightlyRun.__tablename__,
        drafts.NightLease.__tablename__,
        inquiry.InquiryCheck.__tablename__,
        inquiry.InquiryEscalation.__tablename__,
        inquiry.SmsOutbox.__tablename__,
        campaigns.CampaignEvent.__tablename__,
        campaigns.CampaignResult.__tablename__,
    )


APP_TABLES: tuple[str, ...] = _registered()
