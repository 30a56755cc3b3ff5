"""The ``compliance`` suite: an outgoing message in, the communication-rule flags it breaks out.

How a case runs: the message goes through the compliance room's graph (``graphs.compliance_check``, the one
the chat, Studio and LangServe serve) as the case's RM (a placeholder RM when the case names none: the check
reads no client data of its own when the case gives the client). A case may carry ``input.client``
(``risk_profile``, ``segment``) and ``input.products`` (catalog rows: ``code``, ``name``, ``category``,
``rate_pct``, ``target_segments``) for the suitability and catalog-rate rules, and ``input.language``.

``expected``: ``{"flags": [...]}`` with flags from ``tools.policy.compliance.FLAGS``; ``[]`` for a clean message.

Metrics:

- ``flag_f1`` (with ``flag_precision`` / ``flag_recall``): micro-averaged over every case, a flag matching
  when the case expects it; a failed case finds nothing.
- ``clean_accuracy``: the clean cases (``flags: []``) that came back with no flag: the false-alarm guard.
- ``exact_rate``: cases whose flag set is exactly the expected one.
"""

from __future__ import annotations

from typing import Any

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, micro_f1, rate, rounded
from graphs.context import AgentContext
from tools.policy.compliance import FLAGS

NAME = "compliance"
GRAPH = "graphs.compliance_check.graph"
#: The RM a case without ``rm_id`` runs as: it owns no client, so nothing of the bank's is read for it.
EVAL_RM = "EVAL"


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    message = case.input.get("message")
    if not isinstance(message, str) or not message.strip():
        problems.append("input.message must be a non-empty string")
    if "client" in case.input and not isinstance(case.input["client"], dict):
        problems.append("input.client must be an object (risk_profile, segment)")
    products = case.input.get("products", [])
    if not isinstance(products, list) or not all(isinstance(product, dict) for product in products):
        problems.append("input.products must be a list of product objects")
    language = case.input.get("language")
    if language is not None and language not in ("en", "vi"):
        problems.append(f"input.language must be 'en' or 'vi', got {language!r}")
    flags = case.expected.get("flags")
    if not isinstance(flags, list) or not all(isinstance(flag, str) for flag in flags):
        problems.append('expected needs "flags": a list of flag names ([] when the message is clean)')
    else:
        unknown = sorted(set(flags) - set(FLAGS))
        if unknown:
            problems.append(f"unknown flag(s) {', '.join(unknown)}; flags are {', '.join(FLAGS)}")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    context = AgentContext(rm_id=env.rm_id or EVAL_RM, model=env.model, database_url=env.database.url, today=env.today)
    graph_input: dict[str, Any] = {"message": case.input["message"]}
    if case.input.get("client"):
        graph_input["client"] = case.input["client"]
    if case.input.get("products"):
        graph_input["products"] = list(case.input["products"])
    state = env.store.compiled(GRAPH).invoke(
        graph_input, {"configurable": {"thread_id": env.thread_id}}, context=context
    )
    result = state.get("result") or {}
    return {"flags": sorted(result.get("flags") or []), "findings": result.get("findings") or []}


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    expected = set(case.expected["flags"])
    got = set((output or {}).get("flags") or []) if output is not None else set()
    checks = {"exact": output is not None and got == expected}
    if not expected:
        checks["clean_accuracy"] = output is not None and not got
    counts = {"tp": len(got & expected), "fp": len(got - expected), "fn": len(expected - got)}
    return Scored(checks, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    tp, fp, fn = (sum(outcome.counts.get(key, 0) for outcome in outcomes) for key in ("tp", "fp", "fn"))
    precision, recall, f1 = micro_f1(tp, fp, fn)
    clean, clean_count = rate(outcomes, "clean_accuracy")
    exact, exact_count = rate(outcomes, "exact")
    per_flag: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        expected = set(outcome.case.expected["flags"])
        got = set((outcome.output or {}).get("flags") or [])
        for flag in expected | got:
            tally = per_flag.setdefault(flag, {"tp": 0, "fp": 0, "fn": 0})
            tally["tp" if flag in expected and flag in got else "fp" if flag in got else "fn"] += 1
    return {
        "flag_f1": rounded(f1),
        "flag_precision": rounded(precision),
        "flag_recall": rounded(recall),
        "clean_accuracy": rounded(clean),
        "exact_rate": rounded(exact),
        "per_flag": dict(sorted(per_flag.items())),
        "n": {"flags_expected": tp + fn, "clean_accuracy": clean_count, "exact_rate": exact_count},
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
