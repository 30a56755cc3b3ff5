"""Real Celery workers on the machine's Redis: a worker killed with SIGKILL mid-batch loses nothing, and the batch
redelivered to a new worker writes nothing twice (every event processed exactly once)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stores.campaigns import CampaignEvent, CampaignResult
from stores.db import Database
from stores.fixtures import load_fixture
from tools.campaigns.engine import CampaignEventIn, batches, receive

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "recommendation" / "fixture.json"
BROKER = "redis://127.0.0.1:6379/13"
CELERY = Path(sys.executable).with_name("celery")


def _redis_up() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
        client.flushdb()
        return True
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379 (the machine's broker)")


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [str(CELERY), "-A", "tools.campaigns.worker", "worker", "--concurrency", "1", "--pool", "prefork",
               "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]  # fmt: skip
    return subprocess.Popen(command, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def _done(database: Database, campaign: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).where(
            CampaignEvent.campaign_id == campaign, CampaignEvent.status != "queued")).scalar_one())  # fmt: skip


def test_a_killed_worker_loses_nothing_and_writes_nothing_twice(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'bank.db'}")
    database.create_schema()
    load_fixture(database, json.loads(FIXTURE.read_text(encoding="utf-8")))
    clients = [client["id"] for client in json.loads(FIXTURE.read_text(encoding="utf-8"))["clients"]]
    events = [
        CampaignEventIn(event_id=f"ev{index:03d}", client_id=clients[index % len(clients)]) for index in range(40)
    ]
    received = receive(database, "KILL", events)
    env = {**os.environ, "AGENTIFY_BROKER_URL": BROKER, "AGENTIFY_CAMPAIGN_DELAY_S": "0.2",
           "AGENTIFY_BROKER_VISIBILITY_S": "4", "PYTHONPATH": str(Path(__file__).resolve().parents[3])}  # fmt: skip
    os.environ["AGENTIFY_BROKER_URL"] = BROKER
    from tools.campaigns.worker import app, process_batch_task

    app.conf.broker_url = BROKER
    for batch in batches(received.accepted, 10):
        process_batch_task.delay(database.portable_url, "KILL", batch)
    log = tmp_path / "workers.log"
    first = _worker(env, log)
    deadline = time.monotonic() + 60
    while _done(database, "KILL") < 5:
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGKILL)  # mid-batch: its task is not acknowledged
    first.wait(timeout=10)
    killed_at = _done(database, "KILL")
    second = _worker(env, log)
    try:
        deadline = time.monotonic() + 120
        while _done(database, "KILL") < 40:
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=20)
    with database.engine.connect() as connection:
        results = connection.execute(select(CampaignResult.event_id)).scalars().all()
        attempts = dict(connection.execute(select(CampaignEvent.event_id, CampaignEvent.attempts)).all())
    assert sorted(results) == sorted(received.accepted)  # every event once: none lost, none twice
    assert 5 <= killed_at < 40 and max(attempts.values()) <= 2
