"""The ``next_best_action`` suite: one client named in a request, their leading action and a drafted message out.

How a case runs: as ``prioritization``, the store's retrieval indexes are built once per store
(the graph retrieves product and policy text for the leading trigger) and ``AGENTIFY_INDEX_DIR``
points at them while a case runs. The real graph (``graphs.next_best_action.graph.builder``,
compiled once per store with the store's checkpointer, a fresh thread per case) is invoked with
``{"request"}`` as the case's RM, on the case's ``today``, with the chosen model. The output
read: ``client_id``, ``needs_clarification``, ``action``, ``reason``, ``message``, ``triggers``.

``expected`` forms:

- ``{"client_id": "C0001", "action": "cd_maturity", "must_mention": ["1.5", "12"]}``
  (``action`` and ``must_mention`` optional);
- a request the graph must not resolve to a client — an ambiguous name, another RM's client, an
  unknown phone — is written ``{"client_id": null, "needs_clarification": true}``; either key alone
  means the same. Such a case passes ``client_accuracy`` when the graph resolved no client
  (``client_id`` empty) and drafted nothing for one; whether it says ``needs_clarification`` or
  simply names no client is not told apart (eval-format allows ``client_id: null``; the graph may
  ask, or answer that it cannot find the client). ``clarification_accuracy`` is the stricter
  share of those cases where the graph said ``needs_clarification: true``.

Metrics (each over the cases it counts; ``n`` gives the denominators):

- ``client_accuracy``: every case: the resolved client is the expected one (null for the cases above).
- ``action_accuracy``: cases with ``expected.action``: the right client and that action.
- ``mention_rate``: micro-averaged over the cases with a non-empty ``must_mention``: the share
  of those strings found in the drafted ``message`` (case-insensitive, exact otherwise: ``1.5`` is
  not ``1,5``, so a case names the form of the client's language). A wrong client, no message or a
  failed case finds none.
- ``clarification_accuracy``: the cases expecting no client: the graph set ``needs_clarification``.
- ``wrong_client_drafts``: cases where a message was drafted for a client other than the expected
  one (or for any client where none was expected): the costly mistake, must be 0.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from langgraph.types import Command

from evals.runner import Case, CaseEnv, CaseFailed, CaseOutcome, Scored, Suite, rate, rounded
from evals.suites.prioritization import prepare, use_indexes
from graphs.context import AgentContext
from graphs.hitl import CHOOSE_CLIENT_ACTION

logger = logging.getLogger(__name__)

NAME = "next_best_action"
ACTIONS = (
    "cd_maturity",
    "loan_maturity",
    "birthday",
    "large_deposit",
    "idle_cash",
    "inactive",
    "complaint_followup",
    "cross_sell",
    "attrition_risk",
)
SCORED_KEYS = frozenset({"client_id", "action", "must_mention", "needs_clarification"})


# ----- checking a case line ------------------------------------------------------------------


def expects_no_client(expected: dict[str, Any]) -> bool:
    return expected.get("needs_clarification") is True or ("client_id" in expected and expected["client_id"] is None)


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    request = case.input.get("request")
    if not isinstance(request, str) or not request.strip():
        problems.append("input.request must be a non-empty string")
    expected = case.expected
    client = expected.get("client_id")
    if "needs_clarification" in expected and not isinstance(expected["needs_clarification"], bool):
        problems.append(f"expected.needs_clarification must be true or false, got {expected['needs_clarification']!r}")
    if expects_no_client(expected):
        if client is not None:
            problems.append("expected.client_id must be null when needs_clarification is true")
        if expected.get("action") is not None or expected.get("must_mention"):
            problems.append("a case expecting no client cannot expect an action or must_mention")
    elif not isinstance(client, str) or not client:
        problems.append('expected needs "client_id" (a client id), or "client_id": null / "needs_clarification": true')
    if "action" in expected and expected["action"] is not None and expected["action"] not in ACTIONS:
        problems.append(f"expected.action must be one of {', '.join(ACTIONS)}, got {expected['action']!r}")
    if "must_mention" in expected:
        mentions = expected["must_mention"]
        if not isinstance(mentions, list) or not all(isinstance(item, str) and item.strip() for item in mentions):
            problems.append("expected.must_mention must be a list of non-empty strings")
    unscored = sorted(set(expected) - SCORED_KEYS)
    if unscored:
        logger.warning("case %s (line %d): expected keys not scored: %s", case.id, case.line, ", ".join(unscored))
    return problems


# ----- running a case ------------------------------------------------------------------------


def dismiss_client_question(graph: Any, state: dict[str, Any], config: Any, context: AgentContext) -> list[str] | None:
    """The candidates of the "which client?" pause the run stopped on (then dismissed: no thread is left waiting), or
    None when it did not pause; a pause on anything else fails the case."""
    interrupts = state.get("__interrupt__") or []
    if not interrupts:
        return None
    value = interrupts[0].value
    request = value[0] if isinstance(value, list) and value else value
    if not isinstance(request, dict) or request.get("action_request", {}).get("action") != CHOOSE_CLIENT_ACTION:
        raise CaseFailed(f"the graph paused with something other than the client question: {value!r}")
    offered = request["action_request"].get("args", {}).get("candidates") or []
    graph.invoke(Command(resume=[{"type": "ignore", "args": None}]), config, context=context)
    return [choice.get("client_id") for choice in offered]


def mention_rate(outcomes: list[CaseOutcome]) -> tuple[float | None, int]:
    """Found ``must_mention`` strings over expected ones, summed over the cases (a failed case found none)."""
    expected = sum(outcome.counts.get("mentions_expected", 0) for outcome in outcomes)
    found = sum(outcome.counts.get("mentions_found", 0) for outcome in outcomes)
    return (rounded(found / expected) if expected else None), expected


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    if env.rm_id is None:
        raise CaseFailed("the next-best-action graph needs an rm_id")
    use_indexes(env.store)
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    started = time.perf_counter()
    graph = env.store.compiled("graphs.next_best_action.graph")
    state = graph.invoke({"request": case.input["request"]}, config, context=context)
    graph_ms = (time.perf_counter() - started) * 1000
    offered = dismiss_client_question(graph, state, config, context)
    if offered is not None:
        return {"client_id": None, "needs_clarification": True, "action": None, "reason": "", "message": "",
                "triggers": [], "candidates": offered, "engine": None, "graph_ms": round(graph_ms, 2)}  # fmt: skip
    result = state.get("result") or {}
    return {
        "client_id": result.get("client_id") or None,
        "needs_clarification": state.get("status") == "needs_clarification",
        "action": result.get("action") or None,
        "reason": result.get("reason") or "",
        "message": result.get("message") or "",
        "triggers": result.get("triggers") or [],
        "candidates": [choice.get("client_id") for choice in result.get("candidates") or []],
        "engine": result.get("engine"),
        "graph_ms": round(graph_ms, 2),
    }


# ----- scoring -------------------------------------------------------------------------------


def mentions_found(message: str, mentions: list[str]) -> int:
    folded = message.casefold()
    return sum(mention.casefold() in folded for mention in mentions)


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    expected = case.expected
    got = output or {}
    client = got.get("client_id")
    drafted = bool(got.get("message")) and client is not None
    counts: dict[str, int] = {}
    if expects_no_client(expected):
        checks = {
            "client_accuracy": output is not None and client is None,
            "clarification_accuracy": output is not None and client is None and bool(got.get("needs_clarification")),
        }
        counts["wrong_client_draft"] = int(drafted)
        return Scored(checks, counts)
    right_client = output is not None and client == expected["client_id"]
    checks = {"client_accuracy": right_client}
    if expected.get("action") is not None:
        checks["action_accuracy"] = right_client and got.get("action") == expected["action"]
    mentions = list(expected.get("must_mention") or [])
    if mentions:
        found = mentions_found(str(got.get("message") or ""), mentions) if right_client else 0
        counts["mentions_expected"] = len(mentions)
        counts["mentions_found"] = found
        checks["mentions_all"] = found == len(mentions)
    counts["wrong_client_draft"] = int(drafted and client != expected["client_id"])
    return Scored(checks, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    denominators: dict[str, int] = {}
    for metric in ("client_accuracy", "action_accuracy"):
        value, counted = rate(outcomes, metric)
        result[metric] = rounded(value)
        denominators[metric] = counted
    result["mention_rate"], denominators["mention_rate"] = mention_rate(outcomes)
    value, counted = rate(outcomes, "clarification_accuracy")
    result["clarification_accuracy"] = rounded(value)
    denominators["clarification_accuracy"] = counted
    result["wrong_client_drafts"] = sum(outcome.counts.get("wrong_client_draft", 0) for outcome in outcomes)
    actions: dict[str, int] = {}
    for outcome in outcomes:
        action = str((outcome.output or {}).get("action") or ("error" if outcome.error else "none"))
        actions[action] = actions.get(action, 0) + 1
    result["actions"] = dict(sorted(actions.items()))
    result["n"] = denominators
    return result


SUITE = Suite(
    name=NAME,
    needs_indexes=True,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    prepare=prepare,
)
