"""The ``product_search`` suite: a need described in words in, the bank's products that fit it out, best first.

How a case runs: ``input.query`` goes through the product search room (``graphs.product_search``) as the case's RM,
over the fixture's catalog, documents and the products index built from them.

``expected``: ``{"relevant": ["CARD_PLATINUM", ...]}`` (product codes, best first).

Metrics: ``hit_at_1`` (the first product listed is the first relevant one… or any relevant one: the share of cases
whose first product is in ``relevant``), ``recall_at_3`` (share of the relevant products among the first three,
over every case's relevant products).
"""

from __future__ import annotations

from typing import Any

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, rate, rounded
from evals.suites.prioritization import prepare, use_indexes
from graphs.context import AgentContext

NAME = "product_search"
GRAPH = "graphs.product_search.graph"


def validate_case(case: Case) -> list[str]:
    problems = []
    if not isinstance(case.input.get("query"), str) or not case.input["query"].strip():
        problems.append("input.query must be a non-empty string")
    relevant = case.expected.get("relevant")
    if not isinstance(relevant, list) or not relevant or not all(isinstance(code, str) for code in relevant):
        problems.append("expected.relevant must be a non-empty list of product codes")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    use_indexes(env.store)
    context = AgentContext(rm_id=env.rm_id or "", model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    state = env.store.compiled(GRAPH).invoke({"query": case.input["query"]}, config, context=context)
    result = state.get("result") or {}
    return {"ranked": [item["code"] for item in result.get("products", [])], "answer": state.get("answer") or ""}


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    relevant = list(case.expected["relevant"])
    ranked = list((output or {}).get("ranked") or [])
    found = len(set(ranked[:3]) & set(relevant))
    return Scored({"hit_at_1": bool(ranked) and ranked[0] in relevant}, {"found": found, "relevant": len(relevant)})


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    hit, n = rate(outcomes, "hit_at_1")
    found = sum(outcome.counts.get("found", 0) for outcome in outcomes)
    relevant = sum(outcome.counts.get("relevant", 0) for outcome in outcomes)
    return {"hit_at_1": rounded(hit), "recall_at_3": rounded(found / relevant) if relevant else None,
            "n": {"cases": n, "relevant": relevant}}  # fmt: skip


SUITE = Suite(name=NAME, needs_indexes=True, run_case=run_case, score=score, metrics=metrics,
              validate_case=validate_case, prepare=prepare, needs_rm=False)  # fmt: skip
