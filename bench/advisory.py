"""Benchmark: latency of the prioritization, next-best-action and briefing graphs on demo banks.

Usage: .venv/bin/python bench/advisory.py [--sizes 5000 100000] [--nba-sizes 5000] [--runs 20] [--model none]
(the briefing is timed on the sizes that time next best action: by phone on even runs, by full name on odd ones)

For each size a demo bank is generated into a temporary SQLite file and its retrieval indexes are built
into a temporary folder (``AGENTIFY_INDEX_DIR`` points there), then each graph is invoked as the RM with
the most clients, warm (one untimed call first, so the embeddings model and indexes are loaded), each run
on a fresh thread. Prints one line per figure, e.g.
``setup clients=5000 generate_s=4.1 index_s=9.8``,
``latency graph=prioritization clients=5000 model=none runs=20 cold_ms=900.1 p50_ms=120.3 p95_ms=180.2 max_ms=…``;
``prioritization_book_read`` is the same with the RM's book read on every request (no cache), the figure for the
first request after a CRM write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from graphs.context import AgentContext
from stores.db import Database
from stores.demo_bank import generate_demo_bank
from tools.knowledge.retrieval import build_indexes

logger = logging.getLogger("bench.advisory")

TODAY = dt.date(2025, 10, 24)
SEED = 11
PRIORITIZATION_REQUESTS: tuple[tuple[str, str | None], ...] = (
    ("Find top clients for the new 'Premier Invest' account", "PREMIER_INVEST"),
    ("Which clients should I pitch the 12-month CD to?", "CD_12M"),
    ("Who should I call about idle cash?", None),
    ("khách hàng nào có tiền gửi sắp đáo hạn?", None),
    ("Gợi ý khách hàng cho Bond Fund", "BOND_FUND"),
    ("Who received a large deposit this week?", None),
)


def emit(line: str) -> None:
    print(line, flush=True)  # noqa: T201 - the bench prints its figures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def build_bank(folder: Path, clients: int) -> Database:
    database = Database(f"sqlite:///{folder / 'bank.db'}")
    started = time.perf_counter()
    generate_demo_bank(database, clients=clients, seed=SEED, today=TODAY)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index_dir = folder / "indexes"
    build_indexes(database, today=TODAY, root=index_dir)
    indexed = time.perf_counter() - started
    os.environ["AGENTIFY_INDEX_DIR"] = str(index_dir)
    emit(f"setup clients={clients} generate_s={generated:.1f} index_s={indexed:.1f}")
    return database


def busiest_rm(database: Database) -> tuple[str, list[tuple[str, str]]]:
    """The RM with the most clients, and (name, phone) of some of their clients."""
    with database.engine.connect() as connection:
        rm_id = connection.execute(
            text("SELECT rm_id FROM clients GROUP BY rm_id ORDER BY COUNT(*) DESC, rm_id LIMIT 1")
        ).scalar_one()
        rows = connection.execute(
            text("SELECT full_name, phone FROM clients WHERE rm_id = :rm ORDER BY id LIMIT 50"), {"rm": rm_id}
        ).all()
    return str(rm_id), [(str(name), str(phone)) for name, phone in rows]


def time_graph(name: str, clients: int, model: str, runs: int, call: Callable[[int], Any]) -> None:
    started = time.perf_counter()
    call(0)
    cold_ms = (time.perf_counter() - started) * 1000
    timings: list[float] = []
    for number in range(1, runs + 1):
        started = time.perf_counter()
        call(number)
        timings.append((time.perf_counter() - started) * 1000)
    emit(
        f"latency graph={name} clients={clients} model={model} runs={runs} cold_ms={cold_ms:.1f} "
        f"p50_ms={statistics.median(timings):.1f} p95_ms={percentile(timings, 0.95):.1f} max_ms={max(timings):.1f}"
    )


def bench_size(clients: int, *, model: str, runs: int, with_nba: bool) -> None:
    from graphs.prioritization.graph import builder as prioritization_builder

    with tempfile.TemporaryDirectory(prefix="agentify-bench-advisory-") as folder:
        database = build_bank(Path(folder), clients)
        rm_id, people = busiest_rm(database)
        context = AgentContext(rm_id=rm_id, model=model, database_url=database.url, today=TODAY)
        prioritization = prioritization_builder.compile()

        def prioritize(number: int) -> Any:
            request, code = PRIORITIZATION_REQUESTS[number % len(PRIORITIZATION_REQUESTS)]
            config: Any = {"configurable": {"thread_id": uuid.uuid4().hex}}
            state = prioritization.invoke({"request": request, "product_code": code}, config, context=context)
            if not (state.get("result") or {}).get("ranked"):
                logger.warning("prioritization ranked nobody for %r", request)
            return state

        # Each request reads the RM's whole book afresh (the first of the day, or right after a CRM write) ...
        os.environ["AGENTIFY_BOOK_CACHE_S"] = "0"
        time_graph("prioritization_book_read", clients, model, runs, prioritize)
        # ... and within the book's cache window (``tools.signals.features.BOOK_CACHE_S``), as an RM works.
        os.environ.pop("AGENTIFY_BOOK_CACHE_S", None)
        time_graph("prioritization", clients, model, runs, prioritize)
        if with_nba:
            from graphs.next_best_action.graph import builder as nba_builder

            nba = nba_builder.compile()

            def next_best_action(number: int) -> Any:
                name, phone = people[number % len(people)]
                config: Any = {"configurable": {"thread_id": uuid.uuid4().hex}}
                request = f"Client: {name}, {phone}. What's my next best action?"
                state = nba.invoke({"request": request}, config, context=context)
                if not (state.get("result") or {}).get("client_id"):
                    logger.warning("next best action resolved no client for %r", request)
                return state

            time_graph("next_best_action", clients, model, runs, next_best_action)
            from graphs.briefing.graph import builder as briefing_builder

            briefing = briefing_builder.compile()

            def brief(number: int) -> Any:
                name, phone = people[number % len(people)]
                request = f"Brief me on {phone}, calling in 2 minutes" if number % 2 == 0 else f"Tóm tắt giúp em {name}"
                state = briefing.invoke({"request": request}, {"configurable": {"thread_id": uuid.uuid4().hex}},
                                        context=context)  # fmt: skip
                if not (state.get("result") or {}).get("client_id"):
                    logger.warning("the briefing resolved no client for %r", request)
                return state

            time_graph("briefing", clients, model, runs, brief)
        database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 100_000], help="bank sizes for prioritization")
    parser.add_argument("--nba-sizes", type=int, nargs="*", default=[5_000], help="sizes that also time NBA")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per graph (after one untimed)")
    parser.add_argument("--model", default="none", help="none | local | openai:<model>")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for size in args.sizes:
        bench_size(size, model=args.model, runs=args.runs, with_nba=size in args.nba_sizes)


if __name__ == "__main__":
    main()
