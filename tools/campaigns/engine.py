"""Campaign events → a recommendation per client, in batches, exactly once per event.

``receive`` stores each event once by (campaign, event id) and says which were new; ``dispatch`` hands the new ones
in batches of ``BATCH_SIZE`` to the Celery workers on the broker (``AGENTIFY_BROKER_URL``), or — the embedded
default, no broker — to a thread of this process; ``process_batch`` is what either runs: for each event still
queued, the client's recommendation (``tools.products.recommend``, as the client's own RM would see it) is stored
in the same transaction that marks the event done, under the event's key. A worker killed mid-batch leaves its
task unacknowledged (late acknowledgement), the broker hands the batch to another worker, and the events already
done are skipped: nothing is lost and nothing is written twice. A batch reads its clients in bulk (``prefetch``:
a handful of queries for the whole batch) and scores without the e5 second signal (an embedding per event would
cost more than the rest of the event).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stores.campaigns import CampaignEvent, CampaignResult
from stores.db import Database
from stores.schema import Client
from stores.settings import BANK_TIMEZONE
from tools.crm.api import ClientNotFound, CrmApi, bank_today
from tools.products.recommend import Known, Shelf, prefetch, recommend, shelf

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
BROKER_SETTING = "AGENTIFY_BROKER_URL"
#: Test and benchmark knob: seconds of extra work per event (to kill a worker mid-batch on purpose).
DELAY_SETTING = "AGENTIFY_CAMPAIGN_DELAY_S"
MAX_EVENTS = 5_000
#: Results stored per transaction: one commit for ten events, not one each (a killed worker redoes at most these).
RESULT_GROUP = 10


class CampaignEventIn(BaseModel):
    """One event as the campaign system posts it."""

    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:-]+$")
    client_id: str = Field(min_length=1, max_length=64)


@dataclass(frozen=True)
class Received:
    accepted: list[str]
    duplicates: list[str]
    unknown_clients: list[str]


def _now() -> dt.datetime:
    return dt.datetime.now(BANK_TIMEZONE)


def receive(database: Database, campaign_id: str, events: Sequence[CampaignEventIn]) -> Received:
    """Store the events once each (a retried POST is a duplicate); events for clients the bank lacks are refused."""
    ids = [event.event_id for event in events]
    if len(set(ids)) != len(ids):
        raise ValueError("an event id appears twice in one request")
    with database.engine.begin() as connection:
        known = set(connection.execute(
            select(Client.id).where(Client.id.in_({event.client_id for event in events}))).scalars())  # fmt: skip
        seen = set(connection.execute(
            select(CampaignEvent.event_id).where(CampaignEvent.campaign_id == campaign_id,
                                                 CampaignEvent.event_id.in_(ids))).scalars())  # fmt: skip
        fresh = [event for event in events if event.event_id not in seen and event.client_id in known]
        now = _now()
        if fresh:
            connection.execute(insert(CampaignEvent), [
                {"campaign_id": campaign_id, "event_id": event.event_id, "client_id": event.client_id,
                 "status": "queued", "received_at": now, "processed_at": None, "attempts": 0} for event in fresh
            ])  # fmt: skip
    return Received(
        accepted=[event.event_id for event in fresh],
        duplicates=[event.event_id for event in events if event.event_id in seen],
        unknown_clients=[event.event_id for event in events if event.client_id not in known],
    )


def _recommendation(database: Database, client_id: str, rm_id: str | None, today: dt.date, catalog: Shelf | None,
                    known: Known | None) -> dict[str, Any]:  # fmt: skip
    if rm_id is None:
        raise ClientNotFound(f"unknown client {client_id!r}")
    found = recommend(database, rm_id, client_id, today=today, catalog=catalog, known=known, e5=False)
    return {"offers": [{"code": o.code, "reason": o.reason, "document_id": o.document_id} for o in found.offers],
            "blocked": found.blocked}  # fmt: skip


def process_batch(database: Database, campaign_id: str, event_ids: Sequence[str], *, today: dt.date | None = None
                  ) -> int:  # fmt: skip
    """Recommend for each event of the batch still queued; how many this call completed.

    The batch's queued events are claimed (``attempts`` + 1) in one transaction, their clients read in bulk, and the
    results stored ``RESULT_GROUP`` at a time, each group with its events' status in one transaction: a worker
    killed mid-batch leaves the unstored events queued for the next delivery, and a stored one is never stored
    again (the result's key is the event)."""
    today = today or bank_today()
    delay = float(os.environ.get(DELAY_SETTING) or 0)
    catalog: Shelf | None = None  # the catalog and its sheets' vectors, read once per batch
    wanted = list(dict.fromkeys(event_ids))
    with database.engine.begin() as connection:  # claim the batch's queued events, read their clients' RMs
        queued = connection.execute(
            select(CampaignEvent.event_id, CampaignEvent.client_id, Client.rm_id)
            .join(Client, Client.id == CampaignEvent.client_id)
            .where(CampaignEvent.campaign_id == campaign_id, CampaignEvent.event_id.in_(wanted),
                   CampaignEvent.status == "queued")).all()  # fmt: skip
        if queued:
            connection.execute(
                update(CampaignEvent)
                .where(CampaignEvent.campaign_id == campaign_id,
                       CampaignEvent.event_id.in_([row.event_id for row in queued]))
                .values(attempts=CampaignEvent.attempts + 1))  # fmt: skip
    order = {event_id: index for index, event_id in enumerate(wanted)}
    claimed = sorted(queued, key=lambda row: order[row.event_id])
    owners = {row.client_id: row.rm_id for row in claimed}
    known = prefetch(database, list(owners), today=today) if owners else {}
    completed = 0
    for start in range(0, len(claimed), RESULT_GROUP):
        group: list[tuple[str, str, dict[str, Any], str]] = []
        for row in claimed[start : start + RESULT_GROUP]:
            try:
                if catalog is None and row.rm_id:
                    catalog = shelf(database, CrmApi(database, str(row.rm_id)))
                result = _recommendation(database, row.client_id, row.rm_id, today, catalog, known.get(row.client_id))
                status = "done"
            except ClientNotFound as error:
                result, status = {"error": str(error)}, "failed"
            if delay:
                time.sleep(delay)
            group.append((row.event_id, row.client_id, result, status))
        completed += _store(database, campaign_id, group)
    return completed


def _store(database: Database, campaign_id: str, group: Sequence[tuple[str, str, dict[str, Any], str]]) -> int:
    """Store a group's results and statuses in one transaction; when another delivery stored one of them first,
    each is stored on its own and the stored ones are skipped. How many this call stored."""

    def write(connection: Any, items: Sequence[tuple[str, str, dict[str, Any], str]]) -> None:
        now = _now()
        connection.execute(insert(CampaignResult), [
            {"campaign_id": campaign_id, "event_id": event_id, "client_id": client_id,
             "result_json": json.dumps(result, ensure_ascii=False), "created_at": now}
            for event_id, client_id, result, _ in items])  # fmt: skip
        for status in {item[3] for item in items}:
            connection.execute(
                update(CampaignEvent)
                .where(CampaignEvent.campaign_id == campaign_id,
                       CampaignEvent.event_id.in_([item[0] for item in items if item[3] == status]))
                .values(status=status, processed_at=now))  # fmt: skip

    if not group:
        return 0
    try:
        with database.engine.begin() as connection:
            write(connection, group)
        return len(group)
    except IntegrityError:
        stored = 0
        for item in group:
            try:
                with database.engine.begin() as connection:
                    write(connection, [item])
                stored += 1
            except IntegrityError:
                logger.info("campaign %s event %s: already stored by another delivery", campaign_id, item[0])
        return stored


def batches(event_ids: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    return [list(event_ids[start : start + size]) for start in range(0, len(event_ids), size)]


def dispatch(database: Database, campaign_id: str, event_ids: Sequence[str]) -> str:
    """Queue the events' batches on the broker when one is configured; else process them in a thread here."""
    if not event_ids:
        return "none"
    broker = os.environ.get(BROKER_SETTING)
    if broker:
        from tools.campaigns.worker import process_batch_task

        for batch in batches(event_ids):
            process_batch_task.delay(database.portable_url, campaign_id, batch)
        return "broker"
    thread = threading.Thread(target=_in_process, args=(database, campaign_id, list(event_ids)),
                              name=f"campaign-{campaign_id}", daemon=True)  # fmt: skip
    thread.start()
    return "in_process"


def _in_process(database: Database, campaign_id: str, event_ids: list[str]) -> None:
    for batch in batches(event_ids):
        try:
            process_batch(database, campaign_id, batch)
        except Exception:  # one failed batch must not take the server down; its events stay queued
            logger.exception("campaign %s: a batch failed in process", campaign_id)


def status(database: Database, campaign_id: str, *, results: int = 100) -> dict[str, Any]:
    """Counts by status, the time from the first event received to the last processed, and the latest results."""
    with database.engine.connect() as connection:
        counts = dict(connection.execute(
            select(CampaignEvent.status, func.count()).where(CampaignEvent.campaign_id == campaign_id)
            .group_by(CampaignEvent.status)).all())  # fmt: skip
        rows = connection.execute(
            select(CampaignResult.event_id, CampaignResult.client_id, CampaignResult.result_json)
            .where(CampaignResult.campaign_id == campaign_id)
            .order_by(CampaignResult.created_at.desc(), CampaignResult.event_id).limit(results)
        ).all()  # fmt: skip
    if not counts:
        raise LookupError(f"no campaign {campaign_id!r}")
    return {"campaign_id": campaign_id, "events": {str(k): int(v) for k, v in counts.items()},
            "total": int(sum(counts.values())),
            "results": [{"event_id": r.event_id, "client_id": r.client_id, **json.loads(r.result_json)}
                        for r in rows]}  # fmt: skip
