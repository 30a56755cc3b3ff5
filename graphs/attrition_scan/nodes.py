"""The attrition scan's steps: the request's filters → every sign of leaving of the RM's clients → the answer.

The engine is ``tools.signals.attrition`` over ``tools.signals.features`` (the signed-in RM's clients only);
the filters are the prioritization's (``tools.signals.criteria``), so "my Diamond clients in Hà Nội at risk"
reads the same way in both rooms.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from langgraph.runtime import Runtime

from graphs.attrition_scan import copy
from graphs.attrition_scan.state import DEFAULT_TOP_N, AttritionScanState
from graphs.context import AgentContext
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language
from tools.products.catalog import product_documents
from tools.signals import attrition
from tools.signals.criteria import Criteria, read_criteria
from tools.signals.features import read_book
from tools.signals.ranking import passes


def _criteria(state: AttritionScanState) -> Criteria:
    return Criteria.from_state(state.get("criteria"))


def read_request(state: AttritionScanState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The request's language and filters (a segment, a city, an amount, a number of clients)."""
    request = read_text(state["request"])
    criteria = read_criteria(request, runtime.context.resolved_today())
    return {"request": request, "language": detect_language(request), "criteria": asdict(criteria)}


def scan(state: AttritionScanState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Every client of the RM passing the filters, assessed; those at risk, highest first, with a retention step."""
    today = runtime.context.resolved_today()
    criteria = _criteria(state)
    features = read_book(runtime.context.database(), runtime.context.rm_id, today)
    matching = {client_id: client for client_id, client in features.items() if passes(client, criteria, today)}
    min_signs = attrition.policy_min_signs(product_documents(runtime.context.database()))  # the bank's own bar
    risks = [risk for risk in attrition.scan(matching, today) if risk.at_risk and len(risk.signs) >= min_signs]
    top_n = state.get("top_n") or criteria.top_n or DEFAULT_TOP_N
    at_risk = [
        {
            "client_id": risk.client_id,
            "full_name": matching[risk.client_id].full_name,
            "score": risk.score,
            "aum_vnd": matching[risk.client_id].aum_vnd,
            "signs": [{"kind": sign.kind, **sign.facts} for sign in risk.signs],
            "action": attrition.retention_action(risk),
        }
        for risk in risks[: max(1, int(top_n))]
    ]
    counts = {"clients": len(features), "matching": len(matching), "at_risk": len(risks)}
    return {"at_risk": at_risk, "counts": counts}


def answer(state: AttritionScanState) -> dict[str, Any]:
    """The ranked list in the request's language: each client's signs with their facts and dates, and what to do."""
    language = state.get("language") or "en"
    at_risk, counts = state.get("at_risk", []), state.get("counts") or {}
    criteria = _criteria(state)
    text = copy.answer(at_risk, counts, language, criteria)
    understood = copy.understood_as(criteria, counts, language)
    ranked = [{"client_id": item["client_id"], "score": item["score"], "action": item["action"],
               "reasons": [copy.sign(sign, language) for sign in item["signs"]]} for item in at_risk]  # fmt: skip
    result = {"ranked": ranked, "at_risk": at_risk, "counts": counts, "criteria": state.get("criteria")}
    return covered(state["request"], turn(text, result=result, language=language, understood_as=understood))
