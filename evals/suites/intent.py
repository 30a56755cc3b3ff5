"""The ``intent`` suite: one chat message in, the use case the co-pilot routed it to out.

How a case runs: the real co-pilot (``graphs.copilot.graph.builder``, compiled with the store's
checkpointer, as the HTTP threads run it) gets the message as the case's RM, on a fresh thread, with the
chosen model. What it routed to is the turn's ``intent``. It answers no card, so nothing is written: a
room that pauses (the data-entry card, the "which client?" question) is left paused. When the co-pilot
itself asks which use case was meant (two readings too close to call, shown as buttons), the case routed
to none: it fails ``intent_accuracy`` and counts in ``asked_rate``, and ``asked_right_option_rate`` says
whether the right use case was among the buttons.

``expected``: ``{"intent": <label>}``, one of ``shared/eval-format.md``'s 18 labels.

Metrics:

- ``intent_accuracy``: share of cases routed to the expected use case (an ask is not a route).
- ``wrong_route_rate``: share routed, confidently, to another use case: the costly mistake.
- ``asked_rate`` and ``asked_right_option_rate`` (over the asked cases).
- ``per_intent``: accuracy and count per expected label; ``confusions``: (expected → routed) pairs with counts,
  most frequent first.
- ``routing_ms_p50`` / ``routing_ms_p95``: the co-pilot's own classification time (not the room's work).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from typing import Any

from evals.runner import Case, CaseEnv, CaseFailed, CaseOutcome, Scored, Suite, rate, rounded
from graphs import registry
from graphs.context import AgentContext
from graphs.hitl import CHOOSE_INTENT_ACTION
from graphs.turn import pending_card

NAME = "intent"


def intents() -> list[str]:
    """The labels a case may name: every intent the registry knows, and ``other``."""
    return [*registry.intents(), "other"]


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    message = case.input.get("message")
    if not isinstance(message, str) or not message.strip():
        problems.append("input.message must be a non-empty string")
    if case.expected.get("intent") not in intents():
        problems.append(f"expected.intent must be one of {', '.join(intents())}, got {case.expected.get('intent')!r}")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    if env.rm_id is None:
        raise CaseFailed("the co-pilot needs an rm_id")
    graph = env.store.compiled("graphs.copilot.graph")
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    started = time.perf_counter()
    output = graph.invoke({"message": case.input["message"]}, config, context=context)
    total_ms = (time.perf_counter() - started) * 1000
    values = graph.get_state(config).values
    card = pending_card(output) or {}
    request = card.get("action_request") or {}
    asked = request.get("action") == CHOOSE_INTENT_ACTION
    options = [choice.get("intent") for choice in (request.get("args") or {}).get("choices", [])] if asked else []
    return {
        "routed": None if asked else values.get("intent"),
        "asked": asked,
        "options": options,
        "engine": values.get("intent_engine"),
        "routing_ms": values.get("routing_ms"),
        "total_ms": round(total_ms, 1),
    }


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    expected = case.expected["intent"]
    got = output or {}
    routed, asked = got.get("routed"), bool(got.get("asked"))
    checks = {"intent_accuracy": output is not None and routed == expected}
    counts = {"asked": int(asked), "wrong_route": int(output is not None and not asked and routed != expected)}
    if asked:
        checks["asked_right_option"] = expected in (got.get("options") or [])
    return Scored(checks, counts)


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    accuracy, counted = rate(outcomes, "intent_accuracy")
    asked_right, asked_count = rate(outcomes, "asked_right_option")
    per_intent: dict[str, dict[str, Any]] = {}
    confusions: Counter[str] = Counter()
    for outcome in outcomes:
        expected = outcome.case.expected["intent"]
        entry = per_intent.setdefault(expected, {"n": 0, "right": 0})
        entry["n"] += 1
        entry["right"] += int(outcome.checks.get("intent_accuracy", False))
        routed = (outcome.output or {}).get("routed")
        if not outcome.checks.get("intent_accuracy"):
            confusions[f"{expected} -> {routed or ('asked' if (outcome.output or {}).get('asked') else 'error')}"] += 1
    timings = [float(o.output["routing_ms"]) for o in outcomes if o.output and o.output.get("routing_ms") is not None]
    total = max(len(outcomes), 1)
    return {
        "intent_accuracy": rounded(accuracy),
        "wrong_route_rate": rounded(sum(o.counts.get("wrong_route", 0) for o in outcomes) / total),
        "asked_rate": rounded(sum(o.counts.get("asked", 0) for o in outcomes) / total),
        "asked_right_option_rate": rounded(asked_right),
        "per_intent": {
            label: {"accuracy": rounded(entry["right"] / entry["n"]), "n": entry["n"]}
            for label, entry in sorted(per_intent.items())
        },
        "confusions": dict(confusions.most_common()),
        "routing_ms_p50": round(statistics.median(timings), 1) if timings else None,
        "routing_ms_p95": _percentile(timings, 0.95),
        "n": {"intent_accuracy": counted, "asked": asked_count},
    }


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
)
