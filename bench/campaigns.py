"""Campaign batch throughput: events in, a recommendation per event stored, with N Celery workers on Redis.

Usage:
  .venv/bin/python bench/campaigns.py                      # 2 workers, 2,000 events on a 1,000-client demo bank
  .venv/bin/python bench/campaigns.py --workers 1 --events 1000

Generates the demo bank into a temporary SQLite file, stores the events (``tools.campaigns.engine.receive``),
queues them in batches of 50 on ``redis://127.0.0.1:6379/12`` (flushed first), starts ``--workers`` worker
processes (``celery -A tools.campaigns.worker worker --concurrency 1``) and waits until every event is done.
Prints one line: ``campaigns workers=2 events=2000 seconds=… events_per_s=… p50_s=… p95_s=…`` where the
latencies are from an event received to its recommendation stored (the queue's wait included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stores.campaigns import CampaignEvent  # noqa: E402
from stores.db import Database  # noqa: E402
from stores.demo_bank import generate_demo_bank  # noqa: E402
from stores.schema import Client  # noqa: E402
from tools.campaigns.engine import CampaignEventIn, batches, receive  # noqa: E402

logger = logging.getLogger("bench.campaigns")
BROKER = "redis://127.0.0.1:6379/12"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    folder = Path(tempfile.mkdtemp(prefix="agentify-campaigns-"))
    database = Database(f"sqlite:///{folder / 'bank.db'}")
    database.create_schema()
    generate_demo_bank(database, clients=args.clients, seed=7, today=dt.date(2025, 10, 24))
    with database.engine.connect() as connection:
        clients = list(connection.execute(select(Client.id).order_by(Client.id)).scalars())
    events = [CampaignEventIn(event_id=f"b{index:06d}", client_id=clients[index % len(clients)])
              for index in range(args.events)]  # fmt: skip
    env = {**os.environ, "AGENTIFY_BROKER_URL": BROKER, "PYTHONPATH": str(ROOT)}
    os.environ["AGENTIFY_BROKER_URL"] = BROKER
    from tools.campaigns.worker import app, process_batch_task

    app.conf.broker_url = BROKER
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "tools.campaigns.worker",
        "worker",
        "--concurrency",
        "1",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "warning",
    ]
    workers = [
        subprocess.Popen(
            [*command, "-n", f"bench{n}@%h"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for n in range(args.workers)
    ]
    time.sleep(8)  # the workers start (imports, broker connection) before the clock starts
    started = time.perf_counter()
    accepted = receive(database, "BENCH", events).accepted
    for batch in batches(accepted):
        process_batch_task.delay(database.portable_url, "BENCH", batch)
    try:
        while True:
            with database.engine.connect() as connection:
                done = connection.execute(select(func.count()).where(
                    CampaignEvent.campaign_id == "BENCH", CampaignEvent.status != "queued")).scalar_one()  # fmt: skip
            if done >= len(accepted):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
    with database.engine.connect() as connection:
        rows = connection.execute(select(CampaignEvent.received_at, CampaignEvent.processed_at)
                                  .where(CampaignEvent.campaign_id == "BENCH")).all()  # fmt: skip
    latencies = np.array([(done_at - received).total_seconds() for received, done_at in rows])
    line = (
        f"campaigns workers={args.workers} events={len(accepted)} seconds={seconds:.1f} "
        f"events_per_s={len(accepted) / seconds:.0f} p50_s={np.percentile(latencies, 50):.1f} "
        f"p95_s={np.percentile(latencies, 95):.1f}"
    )
    print(line)  # noqa: T201  (a benchmark prints its figure)
    return 0


if __name__ == "__main__":
    sys.exit(main())
