"""The nightly runs' records: started once, done with the summary."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from stores.db import Database
from stores.drafts import NightlyRun
from stores.settings import BANK_TIMEZONE
from tools.inbox.runs import record_done, record_start, run_id_for, started_at


def test_a_run_is_recorded_once_and_closed_with_its_summary(any_db: Database) -> None:
    started = dt.datetime(2025, 10, 24, 23, 59, 0, 123456, tzinfo=BANK_TIMEZONE)
    run_id = run_id_for(dt.date(2025, 10, 24), None, started)
    assert run_id == "2025-10-24.bank.235900123456"
    record_start(any_db, run_id, dt.date(2025, 10, 24), None, started)
    record_start(any_db, run_id, dt.date(2025, 10, 24), None, started)  # a replayed start changes nothing
    assert started_at(any_db, run_id) == started
    record_done(any_db, run_id, {"events": 3}, started + dt.timedelta(seconds=2))
    with any_db.engine.connect() as connection:
        rows = connection.execute(select(NightlyRun)).all()
    assert len(rows) == 1 and rows[0].status == "done" and json.loads(rows[0].summary_json) == {"events": 3}
