"""The nightly runs' records: one row per run, started, then done with its summary.

A run id names the night, the scope and the moment it started (``2025-10-24.RM001.235900123456``); the
summary is what the run made (events by kind, drafts, failures), kept as JSON for the morning view and
for whoever asks how last night went.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from stores.db import Database
from stores.drafts import NightlyRun
from stores.schema import table_of


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
