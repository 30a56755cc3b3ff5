"""Benchmark: data-entry latency, from the RM's note to the first interrupt (the card or the client question).

Usage: .venv/bin/python bench/data_entry.py [--models none local] [--repeat 1] [--limit N]

Runs the real graph (``graphs.data_entry.graph.builder`` with a SQLite checkpointer) on the
dev-set notes (``evals/datasets/data_entry``), loaded into a temporary store, one fresh
thread per note; each note's RM and today come from its case. One untimed warm-up call per
model (loading the local model is not a note's latency). By default it measures ``none``
and, when ``tools.core.llm.local`` reports the embedded model available, ``local``. Prints one
line per model, e.g. ``data-entry model=none p50_ms=14.2 p95_ms=25.0 max_ms=31.7 n=54``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from evals.runner import Case, load_cases, store_pool
from evals.suites.data_entry import SUITE
from graphs.context import AgentContext
from graphs.data_entry.graph import builder
from tools.core.llm.local import status as local_model_status
from tools.core.llm.models import load_chat_model

logger = logging.getLogger("bench.data_entry")

DATASET = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "data_entry"


def percentile(values: list[float], pct: int) -> float:
    """The pct-th percentile, linear between closest ranks (the inclusive method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def measure(model: str, cases: list[Case], fixture: dict[str, Any], repeat: int) -> list[float]:
    """Milliseconds from invoke to the first interrupt, per note (and repeat)."""
    default_today = dt.date.fromisoformat(fixture["today"]) if fixture.get("today") else None
    timings: list[float] = []
    with store_pool(SUITE) as pool:
        store = pool.get(fixture, "bench")
        graph = builder.compile(checkpointer=store.checkpointer)

        def first_pause(case: Case, thread: str) -> float:
            context = AgentContext(
                rm_id=case.rm_id or "", model=model, database_url=store.database.url, today=case.today or default_today
            )
            config: Any = {"configurable": {"thread_id": thread}}
            started = time.perf_counter()
            state = graph.invoke({"note": case.input["note"]}, config, context=context)
            elapsed = (time.perf_counter() - started) * 1000
            if not state.get("__interrupt__"):
                logger.warning("%s: the graph did not pause (status %s)", case.id, state.get("status"))
            return elapsed

        load_chat_model(model)  # a model's load time is not a note's latency
        first_pause(cases[0], f"bench-{model}-warmup")
        for round_ in range(repeat):
            for case in cases:
                timings.append(first_pause(case, f"bench-{model}-{round_}-{case.id}"))
                logger.info("%s %s %.0fms", model, case.id, timings[-1])
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", help="model settings to measure (default: none, and local if available)")
    parser.add_argument("--cases", type=Path, default=DATASET / "cases.jsonl")
    parser.add_argument("--fixture", type=Path, default=DATASET / "fixture.json")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over the notes (default 1)")
    parser.add_argument("--limit", type=int, help="only the first N notes")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each note's time on stderr")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.verbose:
        logger.setLevel(logging.INFO)

    fixture = json.loads(args.fixture.read_text(encoding="utf-8"))
    cases = load_cases(args.cases, SUITE, have_default_fixture=True)[: args.limit]
    models = args.models
    if models is None:
        models = ["none"]
        local = local_model_status()
        if local.available:
            models.append("local")
        else:
            logger.warning(
                "local model not available (llama_cpp=%s, verified=%s): skipped", local.llama_cpp, local.verified
            )
    for model in models:
        timings = measure(model, cases, fixture, args.repeat)
        sys.stdout.write(
            f"data-entry model={model} p50_ms={percentile(timings, 50):.1f} p95_ms={percentile(timings, 95):.1f} "
            f"max_ms={max(timings):.1f} n={len(timings)}\n"
        )
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
