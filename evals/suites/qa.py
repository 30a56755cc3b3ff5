"""The ``qa`` suite: a product or policy question in, an answer from the bank's documents with its citations out.

How a case runs: ``input.question`` goes through the product & policy Q&A room (``graphs.product_qa``) as the case's
RM, over the fixture's documents and the retrieval indexes built from them.

``expected``: ``{"must_mention": [...], "must_not_mention": [...], "sources": ["DOC-…"]}``, or
``{"answerable": false}``.

Metrics:
- ``mention_rate``: share of the must-mention strings the answer contains (over answerable cases; case- and
  accent-insensitive, and 6.8 matches 6,8: a Vietnamese answer writes the decimal comma);
- ``source_recall``: share of the expected document ids the answer cites;
- ``forbidden_mentions``: how many must-not-mention strings answers contain (must be 0);
- ``abstain_accuracy``: unanswerable questions answered "not in our documents" with no figure of its own (the
  question's numbers may be repeated), and answerable
  ones not (reported as ``abstain_accuracy`` over unanswerable cases and ``false_abstain_rate`` over answerable).
"""

from __future__ import annotations

import re
from typing import Any

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, rate, rounded
from evals.suites.prioritization import prepare, use_indexes
from graphs.context import AgentContext
from tools.core.text import fold

NAME = "qa"
GRAPH = "graphs.product_qa.graph"


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    question = case.input.get("question")
    if not isinstance(question, str) or not question.strip():
        problems.append("input.question must be a non-empty string")
    if case.expected.get("answerable") is False:
        return problems
    for key in ("must_mention", "must_not_mention", "sources"):
        value = case.expected.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            problems.append(f"expected.{key} must be a list of strings")
    if not case.expected.get("sources") and not case.expected.get("must_mention"):
        problems.append("an answerable case needs expected.sources or expected.must_mention")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    use_indexes(env.store)
    context = AgentContext(rm_id=env.rm_id or "", model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    state = env.store.compiled(GRAPH).invoke({"question": case.input["question"]}, config, context=context)
    result = state.get("result") or {}
    return {"answer": state.get("answer") or "", "sources": list(result.get("sources") or []),
            "abstained": result.get("status") == "not_in_documents"}  # fmt: skip


def _norm(text: str) -> str:
    """Folded, with a decimal comma read as a point and thousands separators dropped (1,500,000 = 1.500.000)."""
    folded = fold(text)
    folded = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", folded)
    return re.sub(r"(?<=\d),(?=\d)", ".", folded)


def mentions(answer: str, wanted: str) -> bool:
    return _norm(wanted) in _norm(answer)


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    if case.expected.get("answerable") is False:
        if output is None:
            return Scored({"abstain": False}, {"forbidden": 0})
        asked = set(re.findall(r"\d+", case.input["question"]))
        figures = set(re.findall(r"\d+", re.sub(r"DOC-[\w-]+", "", output["answer"])))
        no_figure = figures <= asked  # an abstention may repeat the question's numbers, never add one
        return Scored({"abstain": bool(output["abstained"]) and no_figure}, {"forbidden": 0})
    must = case.expected.get("must_mention", [])
    must_not = case.expected.get("must_not_mention", [])
    sources = case.expected.get("sources", [])
    if output is None:
        return Scored({"false_abstain": True}, {"mentioned": 0, "mentions": len(must), "cited": 0,
                                                "sources": len(sources), "forbidden": 0})  # fmt: skip
    answer = output["answer"]
    counts = {
        "mentioned": sum(mentions(answer, item) for item in must),
        "mentions": len(must),
        "cited": sum(source in output["sources"] for source in sources),
        "sources": len(sources),
        "forbidden": sum(mentions(answer, item) for item in must_not),
    }
    return Scored({"false_abstain": bool(output["abstained"])}, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    total = {key: sum(outcome.counts.get(key, 0) for outcome in outcomes)
             for key in ("mentioned", "mentions", "cited", "sources", "forbidden")}  # fmt: skip
    abstain, n_abstain = rate(outcomes, "abstain")
    false_abstain, n_answerable = rate(outcomes, "false_abstain")
    return {
        "mention_rate": rounded(total["mentioned"] / total["mentions"]) if total["mentions"] else None,
        "source_recall": rounded(total["cited"] / total["sources"]) if total["sources"] else None,
        "forbidden_mentions": total["forbidden"],
        "abstain_accuracy": rounded(abstain),
        "false_abstain_rate": rounded(false_abstain),
        "n": {"answerable": n_answerable, "unanswerable": n_abstain, "mentions": total["mentions"],
              "sources": total["sources"]},
    }  # fmt: skip


SUITE = Suite(
    name=NAME,
    needs_indexes=True,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    prepare=prepare,
    needs_rm=False,
)
