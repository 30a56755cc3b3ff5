"""Tables of the campaign batches (seed 002's batch server): the events received and the recommendation per event.

An event is stored once by (campaign, event id): a retried POST is a duplicate, not a second event. A result is
stored once by the same key, in the transaction that marks its event done: a worker killed mid-batch and its batch
redelivered write nothing twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stores.schema import BankDateTime, Base


class CampaignEvent(Base):
    __tablename__ = "agentify_campaign_events"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64))
    #: ``queued`` → ``done`` (a recommendation stored) or ``failed`` (the reason stored).
    status: Mapped[str] = mapped_column(String(16), index=True)
    received_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
    processed_at: Mapped[dt.datetime | None] = mapped_column(BankDateTime)
    #: How many times a worker started on it (more than one: a batch redelivered after a worker died).
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class CampaignResult(Base):
    __tablename__ = "agentify_campaign_results"
    campaign_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    #: The recommendation as JSON (``tools.products.recommend.Recommendation.as_json``), or the failure.
    result_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(BankDateTime)
