"""The ``events`` suite: the nightly scan for one date, bank-wide or for one RM, and its drafts.

How a case runs: the real nightly graph (``graphs.nightly.graph.builder``, compiled once
per store with the store's checkpointer) runs the night ``input.date`` through
``graphs.nightly.runner.run_night`` with the default event rules and the chosen model;
a case with ``rm_id`` runs for that RM's clients only, one without it bank-wide. The
output read: the events the scan found (every event key of the night, from the graph's
state) as ``(client_id, kind)`` pairs, and for each whether the drafts store holds its
draft. Cases on one fixture share the store in file order, as in every suite: a
maturity drafted on an earlier case's night is found again (and not drafted twice).

``expected``: ``{"events": [{"client_id": "C0001", "kind": "cd_maturity"}, ...]}``
(``[]`` for a quiet night).

Metrics:

- ``precision`` / ``recall``: micro-averaged over every case's (client_id, kind) pairs;
- ``drafts_created``: share of the found events that have exactly one stored draft
  (one draft per event);
- ``exact_case_rate``: cases whose found events are exactly the expected ones.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import func, select

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, micro_f1, rate, rounded
from graphs.context import NightlyContext
from stores.drafts import Draft
from tools.signals.triggers import KINDS

logger = logging.getLogger(__name__)

NAME = "events"


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    date = case.input.get("date")
    try:
        dt.date.fromisoformat(str(date))
    except ValueError:
        problems.append(f"input.date must be a date YYYY-MM-DD, got {date!r}")
    events = case.expected.get("events")
    if not isinstance(events, list):
        return [*problems, 'expected needs "events": a list of {"client_id", "kind"}']
    for index, event in enumerate(events):
        if not isinstance(event, dict) or not isinstance(event.get("client_id"), str) or not event["client_id"]:
            problems.append(f"expected.events[{index}] needs a client_id")
        elif event.get("kind") not in KINDS:
            problems.append(
                f"expected.events[{index}].kind must be one of {', '.join(KINDS)}, got {event.get('kind')!r}"
            )
    return problems


def _split_key(event_key: str) -> tuple[str, str]:
    kind, _, rest = event_key.partition(":")
    return rest.partition(":")[0], kind


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    from graphs.nightly.runner import night_thread_id, run_night

    scan_date = dt.date.fromisoformat(str(case.input["date"]))
    context = NightlyContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=scan_date)
    graph = env.store.compiled("graphs.nightly.graph")
    summary = run_night(graph, context, scan_date)
    config: Any = {"configurable": {"thread_id": night_thread_id(scan_date, env.rm_id)}}
    keys: list[str] = list(graph.get_state(config).values.get("event_keys") or [])
    with env.database.engine.connect() as connection:
        rows = connection.execute(
            select(Draft.event_key, Draft.client_id, Draft.kind, func.count())
            .where(Draft.event_key.in_(keys))
            .group_by(Draft.event_key, Draft.client_id, Draft.kind)
        ).all()
    drafted = {row.event_key: (row.client_id, row.kind, int(row[3])) for row in rows}
    events = []
    for key in keys:
        client_id, kind = drafted[key][:2] if key in drafted else _split_key(key)
        events.append({"client_id": client_id, "kind": kind, "drafts": drafted[key][2] if key in drafted else 0})
    return {"events": events, "summary": summary}


def _pairs(events: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(str(event["client_id"]), str(event["kind"])) for event in events}


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    expected = _pairs(case.expected["events"])
    if output is None:
        return Scored(
            {"exact_case": False, "drafts_all": False},
            {"tp": 0, "fp": 0, "fn": len(expected), "found": 0, "drafted_once": 0},
        )
    found_events = output["events"]
    found = _pairs(found_events)
    drafted_once = sum(1 for event in found_events if event.get("drafts") == 1)
    counts = {
        "tp": len(found & expected),
        "fp": len(found - expected),
        "fn": len(expected - found),
        "found": len(found_events),
        "drafted_once": drafted_once,
    }
    return Scored({"exact_case": found == expected, "drafts_all": drafted_once == len(found_events)}, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    tp = sum(outcome.counts.get("tp", 0) for outcome in outcomes)
    fp = sum(outcome.counts.get("fp", 0) for outcome in outcomes)
    fn = sum(outcome.counts.get("fn", 0) for outcome in outcomes)
    precision, recall, f1 = micro_f1(tp, fp, fn)
    found = sum(outcome.counts.get("found", 0) for outcome in outcomes)
    drafted = sum(outcome.counts.get("drafted_once", 0) for outcome in outcomes)
    exact, counted = rate(outcomes, "exact_case")
    return {
        "precision": rounded(precision),
        "recall": rounded(recall),
        "f1": rounded(f1),
        "drafts_created": rounded(drafted / found) if found else None,
        "exact_case_rate": rounded(exact),
        "n": {
            "true_positives": tp,
            "false_positives": fp,
            "false_negatives": fn,
            "events_found": found,
            "cases": counted,
        },
    }


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    needs_rm=False,
)
