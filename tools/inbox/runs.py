"""The nightly runs' records: one row per run, started, then done with its summary; and who runs a night now.

A run id names the night, the scope and the moment it started (``2025-10-24.RM001.235900123456``); the
summary is what the run made (events by kind, drafts, failures), kept as JSON for the morning view and
for whoever asks how last night went.

One run per night and scope at a time: ``claim_night`` takes the night's lease (``NightAlreadyRunning`` with
the holder's run id while its heartbeat is fresh); a holder that stopped beating for ``LEASE_SECONDS`` was
killed: its lease is taken over and its run marked ``interrupted`` until the new holder resumes it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from stores.db import Database
from stores.drafts import NightLease, NightlyRun
from stores.schema import table_of
from stores.settings import BANK_TIMEZONE

#: A holder that has not beaten for this long is taken to be dead (a killed process, a lost machine).
LEASE_SECONDS = 120.0


class NightAlreadyRunning(RuntimeError):
    """Another process runs this night now: the message names its run."""

    def __init__(self, thread_id: str, run_id: str | None) -> None:
        super().__init__(f"the night {thread_id} is already running (run {run_id or 'starting'}); wait for it to end")
        self.run_id = run_id


def _now() -> dt.datetime:
    return dt.datetime.now(BANK_TIMEZONE)


def claim_night(database: Database, thread_id: str, holder: str) -> bool:
    """Take the night's lease for ``holder``; True when a dead holder's lease was taken over (its run is then
    marked interrupted). Raises ``NightAlreadyRunning`` while a live holder has it."""
    now = _now()
    insert = pg_insert if database.dialect == "postgresql" else sqlite_insert
    lease = table_of(NightLease)
    with database.engine.begin() as connection:
        taken = connection.execute(
            insert(lease).values(thread_id=thread_id, run_id=None, holder=holder, heartbeat_at=now)
            .on_conflict_do_nothing()
            .returning(lease.c.thread_id)  # rowcount is -1 here on PostgreSQL: ask for the row instead
        ).first()  # fmt: skip
        if taken is not None:
            return False
        stale = now - dt.timedelta(seconds=LEASE_SECONDS)
        row = connection.execute(select(NightLease.run_id, NightLease.heartbeat_at).where(
            NightLease.thread_id == thread_id)).one()  # fmt: skip
        if row.heartbeat_at >= stale:
            raise NightAlreadyRunning(thread_id, row.run_id)
        changed = connection.execute(
            update(lease)
            .where(NightLease.thread_id == thread_id, NightLease.heartbeat_at < stale)
            .values(holder=holder, heartbeat_at=now)
        ).rowcount
        if not changed:  # another process took it over a moment ago
            raise NightAlreadyRunning(thread_id, row.run_id)
        if row.run_id:
            connection.execute(
                update(table_of(NightlyRun))
                .where(NightlyRun.run_id == row.run_id, NightlyRun.status == "running")
                .values(status="interrupted", finished_at=now)
            )
    return True


def beat(database: Database, thread_id: str, holder: str, run_id: str | None = None) -> None:
    """The holder is alive (and, once known, which run it runs)."""
    values: dict[str, Any] = {"heartbeat_at": _now()}
    if run_id is not None:
        values["run_id"] = run_id
    with database.engine.begin() as connection:
        connection.execute(
            update(table_of(NightLease))
            .where(NightLease.thread_id == thread_id, NightLease.holder == holder)
            .values(**values)
        )


def release_night(database: Database, thread_id: str, holder: str) -> None:
    with database.engine.begin() as connection:
        connection.execute(
            delete(table_of(NightLease)).where(NightLease.thread_id == thread_id, NightLease.holder == holder)
        )


def record_resumed(database: Database, run_id: str) -> None:
    """An interrupted run taken up again is running again."""
    with database.engine.begin() as connection:
        connection.execute(
            update(table_of(NightlyRun))
            .where(NightlyRun.run_id == run_id, NightlyRun.status == "interrupted")
            .values(status="running", finished_at=None)
        )


def run_id_for(scan_date: dt.date, rm_id: str | None, started: dt.datetime) -> str:
    return f"{scan_date.isoformat()}.{rm_id or 'bank'}.{started.strftime('%H%M%S%f')}"


def record_start(database: Database, run_id: str, scan_date: dt.date, rm_id: str | None, started: dt.datetime) -> None:
    """The run's row, marked running (a replayed start of the same run changes nothing)."""
    insert = pg_insert if database.dialect == "postgresql" else sqlite_insert
    values = {"run_id": run_id, "scan_date": scan_date, "rm_id": rm_id, "status": "running", "summary_json": "{}",
              "started_at": started}  # fmt: skip
    with database.engine.begin() as connection:
        connection.execute(insert(table_of(NightlyRun)).values(**values).on_conflict_do_nothing())


def started_at(database: Database, run_id: str) -> dt.datetime | None:
    with database.engine.connect() as connection:
        return connection.execute(select(NightlyRun.started_at).where(NightlyRun.run_id == run_id)).scalar_one_or_none()


def record_done(database: Database, run_id: str, summary: dict[str, Any], finished: dt.datetime) -> None:
    """The run done, with its summary."""
    with database.engine.begin() as connection:
        connection.execute(
            update(table_of(NightlyRun))
            .where(NightlyRun.run_id == run_id)
            .values(status="done", finished_at=finished, summary_json=json.dumps(summary, ensure_ascii=False))
        )
