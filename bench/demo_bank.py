"""Benchmark: generate the demo bank into a fresh temporary SQLite file for each size.

Usage: .venv/bin/python bench/demo_bank.py --clients 5000 100000

Prints one line per size, e.g.
``demo-bank clients=5000 seconds=4.1 rows=123456 rows_per_s=30000``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from stores.db import Database
from stores.demo_bank import MAX_CLIENTS, MIN_CLIENTS, generate_demo_bank


def run(clients: int, seed: int, today: dt.date, progress: bool) -> str:
    """Time one generation into an empty SQLite file (schema creation included)."""
    with tempfile.TemporaryDirectory(prefix="agentify-bench-") as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bank.db'}")
        try:
            started = time.perf_counter()
            summary = generate_demo_bank(database, clients=clients, seed=seed, today=today, progress=progress)
            seconds = time.perf_counter() - started
        finally:
            database.dispose()
    rows = sum(summary.counts.values())
    return f"demo-bank clients={clients} seconds={seconds:.1f} rows={rows} rows_per_s={rows / seconds:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[5_000], help=f"sizes, {MIN_CLIENTS:,} to {MAX_CLIENTS:,}"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2025, 10, 24))
    parser.add_argument("--progress", action="store_true", help="show the progress bar on stderr")
    args = parser.parse_args()
    for clients in args.clients:
        print(run(clients, args.seed, args.today, args.progress), flush=True)  # noqa: T201 - the bench prints its figures


if __name__ == "__main__":
    main()
