"""The bank's CRM data model, exactly as ``shared/crm-schema.md`` gives it.

Table and column names are the contract. Enumerations are enforced twice: by
CHECK constraints in the database and by the fixture loader, which names the
offending row. ``product_code`` columns are soft references on purpose: the
bank's catalog may be loaded separately from its accounts, so a fixture with an
account of an unlisted product still loads.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from stores.settings import BANK_TIMEZONE

LANGUAGES = ("vi", "en")
HONORIFICS = ("Mr", "Ms", "Mrs", "Anh", "Chị", "Ông", "Bà")
SEGMENTS = ("Diamond", "Platinum", "Gold", "Standard")
RISK_PROFILES = ("conservative", "balanced", "growth")
PREFERRED_CHANNELS = ("email", "zalo", "whatsapp", "phone")
RELATIONS = ("spouse", "parent", "child", "sibling")
PRODUCT_CATEGORIES = ("casa", "savings", "cd", "loan", "card", "investment", "insurance")
DOCUMENT_KINDS = ("product", "policy")
ACCOUNT_KINDS = ("casa", "savings", "cd", "loan", "card", "investment")
#: Derived meanings (crm-schema.md): the balances that make up AUM, and those that count as deposits.
AUM_KINDS = ("casa", "savings", "cd", "investment")
DEPOSIT_KINDS = ("casa", "savings", "cd")
ACCOUNT_STATUSES = ("active", "matured", "closed")
DIRECTIONS = ("in", "out")
TRANSACTION_CHANNELS = ("transfer", "card", "cash", "atm", "online")
INTERACTION_CHANNELS = ("meeting", "call", "email", "chat")
SENTIMENTS = ("positive", "neutral", "negative")
INTERACTION_SOURCES = ("manual", "agent")
TASK_KINDS = ("call", "email", "send_document", "meeting", "review", "other")
TASK_STATUSES = ("open", "done", "cancelled")
COMPLAINT_STATUSES = ("open", "resolved")
MESSAGE_STATUSES = ("unread", "read", "replied")
TARGET_METRICS = ("aum", "new_loans", "new_deposits", "client_contacts")

PHONE_PATTERN = r"^0[0-9]{9}$"
PERIOD_PATTERN = r"^[0-9]{4}-(Q[1-4]|0[1-9]|1[0-2])$"


class BankDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime held in the bank's local time.

    PostgreSQL keeps ``timestamptz`` (sessions run in Asia/Ho_Chi_Minh); SQLite
    has no timezone type, so the local wall time is stored and the offset is
    restored on read. Either way ``date(posted_at)`` in SQL is the bank's local date.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=BANK_TIMEZONE)
        local = value.astimezone(BANK_TIMEZONE)
        return local.replace(tzinfo=None) if dialect.name == "sqlite" else local

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=BANK_TIMEZONE)
        return value.astimezone(BANK_TIMEZONE)


def _enum(values: tuple[str, ...], name: str) -> Enum:
    return Enum(*values, name=name, native_enum=False, create_constraint=True, validate_strings=True)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Rm(Base):
    """A relationship manager; every client belongs to one."""

    __tablename__ = "rms"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200))
    branch: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(_enum(LANGUAGES, "rm_language"))


class Client(Base):
    __tablename__ = "clients"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rm_id: Mapped[str] = mapped_column(ForeignKey("rms.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    honorific: Mapped[str] = mapped_column(_enum(HONORIFICS, "honorific"))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(10), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    segment: Mapped[str] = mapped_column(_enum(SEGMENTS, "segment"))
    occupation: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(200))
    risk_profile: Mapped[str] = mapped_column(_enum(RISK_PROFILES, "risk_profile"))
    preferred_channel: Mapped[str] = mapped_column(_enum(PREFERRED_CHANNELS, "preferred_channel"))
    language: Mapped[str] = mapped_column(_enum(LANGUAGES, "client_language"))
    onboarded_on: Mapped[dt.date] = mapped_column(Date)


class Relationship(Base):
    """One row per direction of a household link."""

    __tablename__ = "relationships"
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    related_client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), primary_key=True, index=True)
    relation: Mapped[str] = mapped_column(_enum(RELATIONS, "relation"))


class Product(Base):
    __tablename__ = "products"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(_enum(PRODUCT_CATEGORIES, "product_category"))
    summary: Mapped[str] = mapped_column(Text)
    rate_pct: Mapped[float | None] = mapped_column(Float)
    min_amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    target_segments: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)


class Document(Base):
    """Product sheets and internal policy / compliance rules (markdown)."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(_enum(DOCUMENT_KINDS, "document_kind"))
    product_code: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    effective_on: Mapped[dt.date] = mapped_column(Date)


class Account(Base):
    """Loans hold the outstanding amount as a positive balance."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(_enum(ACCOUNT_KINDS, "account_kind"))
    balance_vnd: Mapped[int] = mapped_column(BigInteger)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    maturity_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    rate_pct: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(_enum(ACCOUNT_STATUSES, "account_status"))


class Transaction(Base):
    __tablename__ = "transactions"
    __table_args__ = (CheckConstraint("amount_vnd > 0", name="amount_positive"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    posted_at: Mapped[dt.datetime] = mapped_column(BankDateTime, index=True)
    amount_vnd: Mapped[int] = mapped_column(BigInteger)
    direction: Mapped[str] = mapped_column(_enum(DIRECTIONS, "direction"))
    channel: Mapped[str] = mapped_column(_enum(TRANSACTION_CHANNELS, "transaction_channel"))
    counterparty: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)


class Interaction(Base):
    """The meeting log; the latest one per client is "last contacted"."""

    __tablename__ = "interactions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    rm_id: Mapped[str] = mapped_column(ForeignKey("rms.id"), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    channel: Mapped[str] = mapped_column(_enum(INTERACTION_CHANNELS, "interaction_channel"))
    location: Mapped[str | None] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    product_code: Mapped[str | None] = mapped_column(String(64))
    #: An extra column (crm-schema allows them): what kind of product was discussed when no catalog code fits.
    product_category: Mapped[str | None] = mapped_column(_enum(PRODUCT_CATEGORIES, "interaction_product_category"))
    amount_vnd: Mapped[int | None] = mapped_column(BigInteger)
    sentiment: Mapped[str] = mapped_column(_enum(SENTIMENTS, "sentiment"))
    source: Mapped[str] = mapped_column(_enum(INTERACTION_SOURCES, "interaction_source"))
    source_text: Mapped[str | None] = mapped_column(Text)


class Task(Base):
    __tablename__ = "tasks"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    rm_id: Mapped[str] = mapped_column(ForeignKey("rms.id"), index=True)
    interaction_id: Mapped[str | None] = mapped_column(ForeignKey("interactions.id"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(_enum(TASK_KINDS, "task_kind"))
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(_enum(TASK_STATUSES, "task_status"))
    recurrence: Mapped[str | None] = mapped_column(String(300))
    until_condition: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    opened_on: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(_enum(COMPLAINT_STATUSES, "complaint_status"))
    summary: Mapped[str] = mapped_column(Text)


class DigitalActivity(Base):
    """App/web logins per client per week."""

    __tablename__ = "digital_activity"
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    logins: Mapped[int] = mapped_column(Integer)


class InboundMessage(Base):
    """The RM's client inbox."""

    __tablename__ = "inbound_messages"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    rm_id: Mapped[str] = mapped_column(ForeignKey("rms.id"), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    channel: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(_enum(MESSAGE_STATUSES, "message_status"))


class SentMessage(Base):
    """The RM's past outgoing messages: the source for learning the RM's voice."""

    __tablename__ = "sent_messages"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rm_id: Mapped[str] = mapped_column(ForeignKey("rms.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(ForeignKey("clients.id"), index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    channel: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)


class Target(Base):
    """Performance goals per RM, period (``2025-Q3`` or ``2025-10``) and metric."""

    __tablename__ = "targets"
    rm_id: Mapped[str] = mapped_column(ForeignKey("rms.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(_enum(TARGET_METRICS, "target_metric"), primary_key=True)
    target_value: Mapped[int] = mapped_column(BigInteger)


CRM_MODELS: tuple[type[Base], ...] = (
    Rm,
    Client,
    Relationship,
    Product,
    Document,
    Account,
    Transaction,
    Interaction,
    Task,
    Complaint,
    DigitalActivity,
    InboundMessage,
    SentMessage,
    Target,
)

# Tables in an order where every foreign key points backwards: safe for inserts.
CRM_TABLES: tuple[str, ...] = tuple(model.__tablename__ for model in CRM_MODELS)


def crm_table(name: str) -> Table:
    """The SQLAlchemy ``Table`` of a CRM table name."""
    return Base.metadata.tables[name]


def table_of(model: type[Base]) -> Table:
    """A mapped class's ``Table``, typed as one (``__table__`` is typed as a bare FromClause)."""
    return cast(Table, model.__table__)
