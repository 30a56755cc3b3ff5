"""Benchmark: the nightly catch-up run on demo banks, with the template engine or a model.

Usage:
  .venv/bin/python bench/nightly.py --clients 5000 100000            # generate each bank, run the night
  .venv/bin/python bench/nightly.py --bank /tmp/bank100k.db          # a copy of an existing SQLite bank
  .venv/bin/python bench/nightly.py --clients 5000 --model local --rm RM001   # drafts per minute with a model

Prints one line per bank, e.g.
``nightly clients=100000 model=none events=12727 drafts=12727 seconds=61.2 drafts_per_s=208 rerun_s=1.9``,
with the scan time and the events by kind. The run is the real graph (``graphs.nightly``) on the
store's checkpointer, exactly as ``agentify nightly`` runs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from graphs.context import NightlyContext
from graphs.nightly.graph import builder
from graphs.nightly.runner import run_night
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.demo_bank import generate_demo_bank
from tools.knowledge.retrieval import default_today
from tools.signals.events import scan_events


def _night(database: Database, day: dt.date, args: argparse.Namespace) -> dict[str, Any]:
    context = NightlyContext(
        rm_id=args.rm, model=args.model, database_url=database.url, today=day, wave_size=args.wave_size
    )
    with open_checkpointer(database) as checkpointer:
        return run_night(builder.compile(checkpointer=checkpointer), context, day, concurrency=args.concurrency)


def run(database: Database, label: str, args: argparse.Namespace) -> str:
    day = args.date or default_today(database)
    started = time.perf_counter()
    scan_events(database, day, rm_id=args.rm)
    scan_s = time.perf_counter() - started
    started = time.perf_counter()
    summary = _night(database, day, args)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    rerun = _night(database, day, args)
    rerun_s = time.perf_counter() - started
    assert rerun["drafts_created"] == 0, "a rerun drafted again"
    drafts = summary["drafts_created"]
    kinds = ",".join(f"{kind}={count}" for kind, count in summary["events_by_kind"].items())
    return (
        f"nightly {label} model={args.model} scope={args.rm or 'bank'} date={day} events={summary['events']} "
        f"drafts={drafts} failures={summary['failures']} flagged={summary['flagged_drafts']} "
        f"engines={summary['drafts_by_engine']} scan_s={scan_s:.2f} seconds={seconds:.1f} "
        f"drafts_per_s={drafts / seconds:.1f} drafts_per_min={60 * drafts / seconds:.0f} rerun_s={rerun_s:.2f} "
        f"kinds[{kinds}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="*", default=[], help="demo bank sizes to generate")
    parser.add_argument("--bank", nargs="*", default=[], help="existing SQLite bank files (copied, never changed)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2025, 10, 24))
    parser.add_argument("--date", type=dt.date.fromisoformat, help="the night (default: the bank's date)")
    parser.add_argument("--model", default="none")
    parser.add_argument("--rm", help="one RM's clients only")
    parser.add_argument("--wave-size", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if not args.clients and not args.bank:
        args.clients = [5_000]
    for clients in args.clients:
        with tempfile.TemporaryDirectory(prefix="agentify-bench-") as folder:
            database = Database(f"sqlite:///{Path(folder) / 'bank.db'}")
            generate_demo_bank(database, clients=clients, seed=args.seed, today=args.today)
            print(run(database, f"clients={clients}", args), flush=True)  # noqa: T201 - the bench prints its figures
            database.dispose()
    for bank in args.bank:
        with tempfile.TemporaryDirectory(prefix="agentify-bench-") as folder:
            copy = Path(folder) / "bank.db"
            shutil.copyfile(bank, copy)
            database = Database(f"sqlite:///{copy}")
            database.create_schema()
            print(run(database, f"bank={Path(bank).name}", args), flush=True)  # noqa: T201
            database.dispose()


if __name__ == "__main__":
    main()
