"""The ``recommendation`` suite: a client (or a relative of theirs) in, the top products to offer with reasons out.

How a case runs: ``input.client_id`` (and ``input.for_relation``) go through the recommendation room
(``graphs.recommendation``) as the case's RM, over the fixture's bank.

``expected``: ``{"relevant": [...], "excluded": [...]}`` (product codes); an empty ``relevant`` means nothing may be
offered now.

Metrics:
- ``precision_at_3``: over cases with a non-empty ``relevant``, the share of the top three that are relevant, out of
  as many as there can be (``min(3, len(relevant))``: a case with one right product scores 1 when it is listed);
- ``excluded_in_top3``: how many excluded products appear in a top three (must be 0);
- ``justified_rate``: cases whose every offer carries a reason naming at least one fact of the client or relative;
- ``abstain_accuracy``: cases with an empty ``relevant`` answered with no offer.
"""

from __future__ import annotations

from typing import Any

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, rate, rounded
from evals.suites.prioritization import prepare, use_indexes
from graphs.context import AgentContext

NAME = "recommendation"
GRAPH = "graphs.recommendation.graph"
RELATIONS = ("spouse", "parent", "child", "sibling")


def validate_case(case: Case) -> list[str]:
    problems = []
    if not isinstance(case.input.get("client_id"), str) or not case.input["client_id"]:
        problems.append("input.client_id must be a client id")
    if case.input.get("for_relation") not in (None, *RELATIONS):
        problems.append(f"input.for_relation must be one of {', '.join(RELATIONS)}")
    for key in ("relevant", "excluded"):
        value = case.expected.get(key, [])
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            problems.append(f"expected.{key} must be a list of product codes")
    if "relevant" not in case.expected:
        problems.append("expected.relevant is required (an empty list: nothing may be offered)")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    use_indexes(env.store)
    if env.rm_id is None:
        raise ValueError("a recommendation case needs the RM the client belongs to")
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    payload = {"client_id": case.input["client_id"], "request": ""}
    if case.input.get("for_relation"):
        payload["for_relation"] = case.input["for_relation"]
    state = env.store.compiled(GRAPH).invoke(payload, config, context=context)
    result = state.get("result") or {}
    offers = [{"code": o["code"], "reason": o["reason"], "facts": o["facts"]} for o in result.get("offers", [])]
    return {"offers": offers, "blocked": result.get("blocked"), "answer": state.get("answer")}


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    relevant = list(case.expected.get("relevant") or [])
    excluded = set(case.expected.get("excluded") or [])
    offers = list((output or {}).get("offers") or [])[:3]
    codes = [offer["code"] for offer in offers]
    checks: dict[str, bool] = {}
    counts = {"excluded": len(set(codes) & excluded), "hits": 0, "possible": 0}
    if relevant:
        counts["hits"] = len(set(codes) & set(relevant))
        counts["possible"] = min(3, len(relevant))
        checks["precision"] = counts["hits"] == counts["possible"]
    else:
        checks["abstain"] = output is not None and not codes
    if codes:
        checks["justified"] = all(offer["facts"] and any(fact in offer["reason"] for fact in offer["facts"])
                                  for offer in offers)  # fmt: skip
    return Scored(checks, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    hits = sum(outcome.counts.get("hits", 0) for outcome in outcomes)
    possible = sum(outcome.counts.get("possible", 0) for outcome in outcomes)
    justified, n_justified = rate(outcomes, "justified")
    abstain, n_abstain = rate(outcomes, "abstain")
    return {
        "precision_at_3": rounded(hits / possible) if possible else None,
        "excluded_in_top3": sum(outcome.counts.get("excluded", 0) for outcome in outcomes),
        "justified_rate": rounded(justified),
        "abstain_accuracy": rounded(abstain),
        "n": {"with_relevant": sum(1 for o in outcomes if o.counts.get("possible")), "justified": n_justified,
              "abstain": n_abstain},
    }  # fmt: skip


SUITE = Suite(name=NAME, needs_indexes=True, run_case=run_case, score=score, metrics=metrics,
              validate_case=validate_case, prepare=prepare)  # fmt: skip
