"""The ``briefing`` suite: a request naming one client in, a one-screen pre-call briefing out.

How a case runs: the real graph (``graphs.briefing.graph.builder``, compiled once per store with the store's
checkpointer, a fresh thread per case) is invoked with ``{"request"}`` as the case's RM on the case's ``today``.
A pause on the shared "which client?" card counts as ``needs_clarification`` (the pause is then dismissed, so no
thread is left waiting).

``expected`` forms:

- ``{"client_id": "C0001", "must_mention": ["1.5", "Đà Nẵng"], "must_not_mention": ["C0002"]}`` (the lists optional);
- ``{"needs_clarification": true}`` (or ``"client_id": null``): the request does not name exactly one of the
  RM's clients (two match, only another RM's client matches, nobody does).

Metrics (``n`` gives the denominators):

- ``client_accuracy``: every case: the briefed client is the expected one (none for the cases above);
- ``mention_rate``: micro-averaged over the cases with ``must_mention``: the share of those strings in the answer
  (case-insensitive, exact otherwise); a wrong client or a failed case finds none;
- ``forbidden_mentions``: how many ``must_not_mention`` strings appeared in any answer (must be 0);
- ``clarification_accuracy``: the cases expecting no client: the graph asked which client.
"""

from __future__ import annotations

from typing import Any

from evals.runner import Case, CaseEnv, CaseFailed, CaseOutcome, Scored, Suite, rate, rounded
from evals.suites.next_best_action import dismiss_client_question, expects_no_client, mention_rate, mentions_found
from graphs.context import AgentContext

NAME = "briefing"
GRAPH = "graphs.briefing.graph"
SCORED_KEYS = frozenset({"client_id", "must_mention", "must_not_mention", "needs_clarification"})


def _strings_problem(expected: dict[str, Any], key: str) -> str | None:
    value = expected.get(key)
    if key in expected and (not isinstance(value, list) or not all(isinstance(item, str) and item.strip()
                                                                   for item in value)):  # fmt: skip
        return f"expected.{key} must be a list of non-empty strings"
    return None


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    request = case.input.get("request")
    if not isinstance(request, str) or not request.strip():
        problems.append("input.request must be a non-empty string")
    expected = case.expected
    if "needs_clarification" in expected and not isinstance(expected["needs_clarification"], bool):
        problems.append(f"expected.needs_clarification must be true or false, got {expected['needs_clarification']!r}")
    if expects_no_client(expected):
        if expected.get("client_id") is not None or expected.get("must_mention"):
            problems.append("a case expecting no client cannot expect a client_id or must_mention")
    elif not isinstance(expected.get("client_id"), str) or not expected["client_id"]:
        problems.append('expected needs "client_id" (a client id), or "needs_clarification": true')
    problems += [problem for key in ("must_mention", "must_not_mention")
                 if (problem := _strings_problem(expected, key))]  # fmt: skip
    unscored = sorted(set(expected) - SCORED_KEYS)
    if unscored:
        problems.append(f"expected keys this suite does not know: {', '.join(unscored)}")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    if env.rm_id is None:
        raise CaseFailed("the briefing graph needs an rm_id")
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    graph = env.store.compiled(GRAPH)
    state = graph.invoke({"request": case.input["request"]}, config, context=context)
    offered = dismiss_client_question(graph, state, config, context)
    if offered is not None:
        return {"client_id": None, "needs_clarification": True, "answer": "", "candidates": offered}
    result = state.get("result") or {}
    return {"client_id": result.get("client_id") or None, "answer": state.get("answer") or "",
            "needs_clarification": state.get("status") == "needs_clarification",
            "candidates": [choice.get("client_id") for choice in result.get("candidates") or []]}  # fmt: skip


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    expected, got = case.expected, output or {}
    client, answer = got.get("client_id"), str(got.get("answer") or "")
    counts = {"forbidden": mentions_found(answer, list(expected.get("must_not_mention") or []))}
    if expects_no_client(expected):
        checks = {"client_accuracy": output is not None and client is None,
                  "clarification_accuracy": output is not None and client is None
                  and bool(got.get("needs_clarification"))}  # fmt: skip
        return Scored(checks, counts)
    right = output is not None and client == expected["client_id"]
    mentions = list(expected.get("must_mention") or [])
    if mentions:
        counts["mentions_expected"] = len(mentions)
        counts["mentions_found"] = mentions_found(answer, mentions) if right else 0
    return Scored({"client_accuracy": right}, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    denominators: dict[str, int] = {}
    for metric in ("client_accuracy", "clarification_accuracy"):
        value, counted = rate(outcomes, metric)
        result[metric] = rounded(value)
        denominators[metric] = counted
    result["mention_rate"], denominators["mention_rate"] = mention_rate(outcomes)
    result["forbidden_mentions"] = sum(outcome.counts.get("forbidden", 0) for outcome in outcomes)
    result["n"] = denominators
    return result


SUITE = Suite(name=NAME, needs_indexes=False, run_case=run_case, score=score, metrics=metrics,
              validate_case=validate_case)  # fmt: skip
