"""Tables of the personalization engine: each RM's tone profile (versioned) and the RM's own rules.

A tone profile is learned from the RM's ``sent_messages``, then edited by the RM or
updated from the RM's edits of drafts; every change is a new version, so the RM can
see what changed and when. Rules are the RM's instructions in plain words, global,
per segment or per client. Both belong to one RM; nothing here is a CRM table.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stores.schema import BankDateTime, Base

TONE_SOURCES = ("learned", "edited", "from_edit")
RULE_SCOPES = ("global", "segment", "client")


class ToneProfileVersion(Base):
    """One version of an RM's tone profile; the highest version is the one in use."""

    __tablename__ = "agentify_tone_profiles"
    rm_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: ``learned`` (from sent messages), ``edited`` (by the RM) or ``from_edit`` (learned from a draft edit).
    source: Mapped[str] = mapped_column(String(16))
    #: The profile as JSON (``tools.voice.tone.ToneProfile``).
    profile_json: Mapped[str] = mapped_column(Text)
    #: How many sent messages the learning read (0 for RM edits).
    learned_from: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)


class RmRule(Base):
    """An RM's own drafting rule in plain words; bank policy always wins over it."""

    __tablename__ = "agentify_rm_rules"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rm_id: Mapped[str] = mapped_column(String(64), index=True)
    #: ``global``, ``segment`` (scope_value = the segment) or ``client`` (scope_value = the client id).
    scope: Mapped[str] = mapped_column(String(16))
    scope_value: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
