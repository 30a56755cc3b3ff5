"""The ``tone`` suite: a draft for one client and one event, in the signed-in RM's own voice.

How a case runs: the real drafting graph (``graphs.drafting.graph.builder``, compiled
once per store with the store's checkpointer, a fresh thread per case) is invoked with
``{"client_id", "event"}`` as the case's RM, on the case's ``today``, with the chosen
model. The RM's voice is learned from the fixture's ``sent_messages`` of that RM only
(the personalization engine's first use in the store). The output read: the draft's
``salutation`` line, ``signoff`` line, ``language`` and the full ``text``.

``expected``: any of ``salutation``, ``signoff``, ``language``; only the keys present are
scored. Lines are compared after Unicode NFC, case folding and collapsing whitespace
(``"Dear  Mr. Son,"`` = ``"dear mr. son,"``); punctuation counts.

Metrics: ``salutation_match``, ``signoff_match``, ``language_match`` (each over the cases
that expect it), ``exact_case_rate`` (every expected key right).
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

from evals.runner import Case, CaseEnv, CaseFailed, CaseOutcome, Scored, Suite, rate, rounded
from graphs.context import AgentContext
from tools.voice.drafting import DRAFT_KINDS

logger = logging.getLogger(__name__)

NAME = "tone"
EVENTS = DRAFT_KINDS
SCORED = {"salutation": "salutation_match", "signoff": "signoff_match", "language": "language_match"}


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    if not isinstance(case.input.get("client_id"), str) or not case.input["client_id"]:
        problems.append("input.client_id must be a client id")
    if case.input.get("event") not in EVENTS:
        problems.append(f"input.event must be one of {', '.join(EVENTS)}, got {case.input.get('event')!r}")
    present = [key for key in SCORED if key in case.expected]
    if not present:
        problems.append("expected needs at least one of salutation, signoff, language")
    for key in present:
        if not isinstance(case.expected[key], str) or not case.expected[key].strip():
            problems.append(f"expected.{key} must be a non-empty string")
    if "language" in case.expected and case.expected["language"] not in ("vi", "en"):
        problems.append(f"expected.language must be vi or en, got {case.expected['language']!r}")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    if env.rm_id is None:
        raise CaseFailed("the drafting graph needs an rm_id")
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    state = env.store.compiled("graphs.drafting.graph").invoke(
        {"client_id": case.input["client_id"], "event": case.input["event"]}, config, context=context
    )
    if state.get("status") != "answered":
        raise CaseFailed(str(state.get("answer") or "no draft"))
    draft = state["result"]["draft"]
    return {
        "salutation": draft["salutation"],
        "signoff": draft["signoff"],
        "language": draft["language"],
        "kind": state["result"].get("event"),
        "engine": draft["engine"],
        "flags": draft.get("flags", []),
        "text": draft["text"],
    }


def same_line(expected: str, actual: Any) -> bool:
    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text).casefold().split())

    return isinstance(actual, str) and norm(expected) == norm(actual)


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    checks = {
        metric: output is not None and same_line(str(case.expected[key]), output.get(key))
        for key, metric in SCORED.items()
        if key in case.expected
    }
    return Scored(checks)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    counted: dict[str, int] = {}
    for metric in SCORED.values():
        value, n = rate(outcomes, metric)
        result[metric] = rounded(value)
        counted[metric] = n
    exact = [outcome.passed for outcome in outcomes]
    result["exact_case_rate"] = rounded(sum(exact) / len(exact)) if exact else None
    result["flagged_drafts"] = sum(1 for outcome in outcomes if (outcome.output or {}).get("flags"))
    result["n"] = counted
    return result


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
)
