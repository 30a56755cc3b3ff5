"""Benchmark: performance reporting, latency and execution accuracy, against LangChain's stock SQL chain.

Usage: .venv/bin/python bench/performance.py [--models none local] [--no-stock] [--limit N] [-v]
       .venv/bin/python bench/performance.py --bank-clients 5000   # rules latency on a demo bank of that size

Over the dev cases (``evals/datasets/performance``):

- for each model (default ``none``, and ``local`` when ``tools.core.llm.local`` reports the embedded
  model available) the suite is run exactly as ``python -m evals run performance`` runs it (the
  real graph, a fresh thread per case); latency is the graph's ``invoke`` time per case, execution
  accuracy the suite's metric;
- side by side, on the same cases with a reference SQL and the same local model, LangChain's stock
  ``langchain_classic.chains.create_sql_query_chain`` over ``langchain_community``'s ``SQLDatabase``
  on the same temporary SQLite store. The question is prefixed with who is asking and the date (the
  chain has no other way to know them); its SQL is run through ``tools.reporting.guard`` as the case's
  RM (so it is scoped and safe) and scored the same way as the graph's rows.

Prints one line per measurement, e.g.
``performance model=none p50_ms=12.1 p95_ms=30.4 execution_accuracy=0.93 refusal_accuracy=1.0 unsafe_executions=0 n=52``
and ``performance stock_sql_chain model=local execution_accuracy=0.41 guard_refused=3 n=43``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from evals.runner import Case, load_cases, run_suite, store_pool
from evals.suites.performance import SUITE, result_contains
from stores.schema import CRM_TABLES
from tools.core.llm.local import status as local_model_status
from tools.core.llm.models import load_chat_model
from tools.reporting.guard import QueryRefused, run_guarded_query

logger = logging.getLogger("bench.performance")

DATASET = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "performance"
_FENCE = re.compile(r"```(?:sql)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def percentile(values: list[float], pct: int) -> float:
    """The pct-th percentile, linear between closest ranks (the inclusive method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def measure_graph(model: str, cases: list[Case], fixture: dict[str, Any]) -> str:
    """The suite over the cases with ``model``: one summary line."""
    load_chat_model(model)  # a model's load time is not a question's latency
    result = run_suite(SUITE, cases, default_fixture=fixture, model=model)
    timings = [float(o.output["graph_ms"]) for o in result.outcomes if o.output and "graph_ms" in o.output]
    for outcome in result.outcomes:
        if not outcome.passed:
            logger.info("%s FAIL %s %s", model, outcome.case.id, outcome.error or "")
    metrics = result.metrics
    latency = (
        f"p50_ms={percentile(timings, 50):.1f} p95_ms={percentile(timings, 95):.1f}" if timings else "p50_ms=- p95_ms=-"
    )
    return (
        f"performance model={model} {latency} execution_accuracy={metrics['execution_accuracy']} "
        f"wrong_answer_rate={metrics['wrong_answer_rate']} answered_rate={metrics['answered_rate']} "
        f"refusal_accuracy={metrics['refusal_accuracy']} unsafe_executions={metrics['unsafe_executions']} "
        f"errors={metrics['errors']} n={len(result.outcomes)}"
    )


def clean_sql(text: str) -> str:
    """The SQL in a model's reply: fenced code, or what follows ``SQLQuery:``, up to ``SQLResult:``."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    if "SQLQuery:" in text:
        text = text.split("SQLQuery:", 1)[1]
    text = text.split("SQLResult:", 1)[0]
    return text.strip().rstrip(";").strip()


def measure_stock_chain(model: str, cases: list[Case], fixture: dict[str, Any]) -> str:
    """LangChain's stock text-to-SQL chain on the same cases and store; its SQL run through the guard."""
    from langchain_classic.chains import create_sql_query_chain
    from langchain_community.utilities import SQLDatabase

    llm = load_chat_model(model)
    if llm is None:
        return f"performance stock_sql_chain model={model} skipped (no chat model)"
    default_today = dt.date.fromisoformat(fixture["today"]) if fixture.get("today") else None
    sql_cases = [case for case in cases if "sql" in case.expected]
    passed = refused = wrong = 0
    timings: list[float] = []
    with store_pool(SUITE) as pool:
        store = pool.get(fixture, "bench")
        database = store.database
        sql_database = SQLDatabase.from_uri(database.url, include_tables=list(CRM_TABLES), sample_rows_in_table_info=2)
        chain = create_sql_query_chain(llm, sql_database)
        for case in sql_cases:
            rm_id = case.rm_id or ""
            today = case.today or default_today
            question = f"(I am the relationship manager with rm_id '{rm_id}'; today is {today}.) " + str(
                case.input["question"]
            )
            started = time.perf_counter()
            try:
                sql = clean_sql(chain.invoke({"question": question}))
            except Exception as error:  # a model failure fails the case, the run goes on
                logger.info("stock %s: the chain failed: %s", case.id, error)
                continue
            finally:
                timings.append((time.perf_counter() - started) * 1000)
            try:
                reference = run_guarded_query(database, case.expected["sql"], rm_id=rm_id, today=today)
                got = run_guarded_query(database, sql, rm_id=rm_id, today=today)
            except QueryRefused as error:
                refused += 1
                logger.info("stock %s: %s | %s", case.id, error, sql)
                continue
            ok = result_contains(reference.rows, got.rows)
            passed += ok
            wrong += not ok  # the stock chain always answers: a result that is not the reference is a wrong answer
            logger.info("stock %s %s | %s", case.id, "PASS" if ok else "FAIL", sql)
    accuracy = round(passed / len(sql_cases), 4) if sql_cases else None
    latency = f" p50_ms={percentile(timings, 50):.1f}" if timings else ""
    return (
        f"performance stock_sql_chain model={model} execution_accuracy={accuracy}{latency} "
        f"wrong_answer_rate={round(wrong / len(sql_cases), 4) if sql_cases else None} "
        f"guard_refused_or_failed={refused} n={len(sql_cases)}"
    )


def measure_bank_latency(clients: int, cases: list[Case], runs: int) -> str:
    """The rules' latency (composer and fixed metrics, no model) on a demo bank of ``clients``: each question of
    ``cases`` asked by the RM with the most clients, on a fresh thread; one summary line."""
    import tempfile
    import uuid

    from graphs.context import AgentContext
    from graphs.performance.graph import builder
    from stores.db import Database
    from stores.demo_bank import generate_demo_bank

    today = dt.date(2025, 11, 13)
    with tempfile.TemporaryDirectory(prefix="agentify-bench-performance-") as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bank.db'}")
        generate_demo_bank(database, clients=clients, seed=7, today=today)
        with database.engine.connect() as connection:
            from sqlalchemy import text

            rm_id, owned = connection.execute(
                text("SELECT rm_id, COUNT(*) FROM clients GROUP BY rm_id ORDER BY COUNT(*) DESC, rm_id LIMIT 1")
            ).one()
        graph = builder.compile()
        context = AgentContext(rm_id=str(rm_id), model="none", database_url=database.url, today=today)
        questions = [str(case.input["question"]) for case in cases if "sql" in case.expected]
        timings: dict[str, list[float]] = {}
        for _ in range(runs):
            for question in questions:
                config: Any = {"configurable": {"thread_id": uuid.uuid4().hex}}
                started = time.perf_counter()
                state = graph.invoke({"question": question}, config, context=context)
                elapsed = (time.perf_counter() - started) * 1000
                engine = str((state.get("result") or {}).get("engine") or "none")
                answered = "answered" if (state.get("result") or {}).get("sql") else "not_understood"
                timings.setdefault(f"{engine}_{answered}", []).append(elapsed)
                timings.setdefault("all", []).append(elapsed)
        parts = [
            f"{name}:n={len(values)},p50_ms={percentile(values, 50):.1f},p95_ms={percentile(values, 95):.1f}"
            for name, values in sorted(timings.items())
            if len(values) > 1
        ]
        return f"performance latency clients={clients} rm_clients={owned} " + " ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", help="model settings for the graph (default: none, and local if available)"
    )
    parser.add_argument("--cases", type=Path, default=DATASET / "cases.jsonl")
    parser.add_argument("--fixture", type=Path, default=DATASET / "fixture.json")
    parser.add_argument("--no-stock", action="store_true", help="skip LangChain's stock SQL chain")
    parser.add_argument("--limit", type=int, help="only the first N cases")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each case on stderr")
    parser.add_argument("--bank-clients", type=int, help="only the rules' latency, on a demo bank of this size")
    parser.add_argument("--runs", type=int, default=1, help="with --bank-clients: passes over the questions")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.verbose:
        logger.setLevel(logging.INFO)

    fixture = json.loads(args.fixture.read_text(encoding="utf-8"))
    cases = load_cases(args.cases, SUITE, have_default_fixture=True)[: args.limit]
    if args.bank_clients:
        sys.stdout.write(measure_bank_latency(args.bank_clients, cases, args.runs) + "\n")
        return 0
    local = local_model_status()
    models = args.models
    if models is None:
        models = ["none"]
        if local.available:
            models.append("local")
        else:
            logger.warning("local model not available (llama_cpp=%s, verified=%s)", local.llama_cpp, local.verified)
    for model in models:
        sys.stdout.write(measure_graph(model, cases, fixture) + "\n")
        sys.stdout.flush()
    if not args.no_stock:
        if local.available:
            sys.stdout.write(measure_stock_chain("local", cases, fixture) + "\n")
        else:
            sys.stdout.write("performance stock_sql_chain model=local skipped (local model not available)\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
