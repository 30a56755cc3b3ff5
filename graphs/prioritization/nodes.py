"""The prioritization steps: documents → product context → ideal-client profile → similar clients → rules → top N.

The engine is ``tools.signals.ranking``; this module reads the state, calls it, and keeps what it says.
Only the signed-in RM's clients are ever searched, read or named (``CrmApi`` doors). A missing index is an
error the RM is told about ("run agentify index build"), never a silent build.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Literal

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.prioritization import copy
from graphs.prioritization.state import CANDIDATES_K, DEFAULT_TOP_N, POLICY_K, PrioritizationState
from graphs.turn import covered, read_text, turn
from prompts import load_prompt
from tools.core.language import detect_language
from tools.core.llm.models import structured_call, text_call
from tools.core.text import fold
from tools.crm.api import CrmApi
from tools.knowledge.retrieval import IndexNotReady, search_clients, search_documents
from tools.products.catalog import ProductTerms, find_product, load_product
from tools.signals.day_plan import day_plan, plan_window
from tools.signals.ranking import (
    IdealClient,
    checked_model_ideal,
    explain,
    goal_signals,
    named_signals,
    product_context,
    profile_text,
    rank_candidates,
    rules_ideal,
)
from tools.signals.thresholds import CALL_PLAN_MATURITY_DAYS

logger = logging.getLogger(__name__)


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _product(state: PrioritizationState) -> ProductTerms | None:
    data = state.get("product")
    if not data:
        return None
    return ProductTerms(**{**data, "target_segments": tuple(data.get("target_segments") or ())})


def _resolve_product(request: str, code: str, runtime: Runtime[AgentContext]) -> ProductTerms | None:
    database = runtime.context.database()
    if code:
        product = load_product(database, code)
        if product is None:
            logger.warning("unknown or inactive product code %r: treating the request as a free goal", code)
        return product
    return find_product(database, request)


def read_request(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The product (by code, else by name in the request) and whether the request is a day plan: no product
    and no selling goal ("who should I call today?") is answered from the RM's events, not by a ranking."""
    request = read_text(state["request"])
    product = _resolve_product(request, (state.get("product_code") or "").strip(), runtime)
    return {
        "request": request,
        "language": detect_language(request),
        "product": asdict(product) if product else None,
        "day_plan": product is None and not named_signals(request),
        "error": None,
    }


def route_after_read_request(state: PrioritizationState) -> Literal["plan_day", "retrieve_documents"]:
    return "plan_day" if state.get("day_plan") else "retrieve_documents"


def plan_day(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Whom to call today (tomorrow, this week): the RM's complaints, unread messages, tasks, maturities and
    birthdays (``tools.signals.day_plan``), one line per client."""
    language = state.get("language") or "en"
    today = runtime.context.resolved_today()
    window, first, last = plan_window(state["request"], today)
    plan = day_plan(runtime.context.database(), runtime.context.rm_id, today, first, last)
    names = _crm(runtime).client_names([entry["client_id"] for entry in plan])
    days = (last - today).days + CALL_PLAN_MATURITY_DAYS
    answer = copy.day_plan(plan, names, window, first.isoformat(), last.isoformat(), days, language)
    understood = copy.day_plan_understood(window, first.isoformat(), last.isoformat(), days, language)
    result = {"plan": plan, "window": window, "from": first.isoformat(), "to": last.isoformat(), "ranked": []}
    return covered(state["request"], turn(answer, result=result, language=language, understood_as=understood))


def retrieve_documents(state: PrioritizationState) -> dict[str, Any]:
    """The product's index entry and the policy chunks that apply."""
    request, product = state["request"], _product(state)
    try:
        documents = []
        if product is not None:  # its own entry only
            hits = search_documents("product", f"{product.name}. {product.summary}", 10)
            documents += [{"kind": "product", **asdict(hit)} for hit in hits if hit.id == product.code]
        query = f"{request} {product.name} {product.category}" if product else request
        documents += [{"kind": "policy", **asdict(hit)} for hit in search_documents("policy", query, POLICY_K)]
    except IndexNotReady as error:
        logger.warning("prioritization cannot search: %s", error)
        return {"documents": [], "error": str(error)}
    return {"documents": documents}


def route_after_retrieve_documents(state: PrioritizationState) -> Literal["synthesize", "finish"]:
    return "finish" if state.get("error") else "synthesize"


def synthesize(state: PrioritizationState) -> dict[str, Any]:
    """The product context and the rules that apply, and the signals the goal asks for."""
    product = _product(state)
    context, notes = product_context(product, state.get("documents", []))
    return {"product_context": context, "policy_notes": notes, "signals": goal_signals(state["request"], product)}


def pseudo_profile(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The ideal client: the model's choice from fixed lists when it gives one, else the rules'; code writes it."""
    product = _product(state)
    ideal, engine = rules_ideal(product, state["signals"]), "rules"
    model = runtime.context.chat_model()
    if model is not None:
        prompt = load_prompt("prioritization/profile").format(
            request=state["request"],
            product_context=state.get("product_context") or "(none)",
            policy_notes="\n".join(f"- {note}" for note in state.get("policy_notes", [])) or "(none)",
        )
        rules = ideal
        outcome = structured_call(
            model, IdealClient, [HumanMessage(content=prompt)], fallback=lambda: rules, task="prioritization.profile"
        )
        if outcome.from_model:
            checked = checked_model_ideal(outcome.value, product, state["request"])
            if checked.signals or checked.segments:
                ideal, engine = checked, "model"
    return {"pseudo_profile": profile_text(product, ideal), "engine": engine, "signals": list(ideal.signals)}


def search_candidates(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The signed-in RM's 20 clients nearest the ideal client (never another RM's)."""
    try:
        hits = search_clients(runtime.context.database(), runtime.context.rm_id, state["pseudo_profile"], CANDIDATES_K)
    except (IndexNotReady, LookupError) as error:
        logger.warning("prioritization cannot search clients: %s", error)
        return {"candidates": [], "error": str(error)}
    return {"candidates": [{"client_id": client_id, "score": round(score, 4)} for client_id, score in hits]}


def route_after_search_candidates(state: PrioritizationState) -> Literal["apply_policy", "finish"]:
    return "finish" if state.get("error") else "apply_policy"


def apply_policy(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Exclude whoever fails a rule (with the rule and its reason), re-rank the rest, keep the top N."""
    crm, today = _crm(runtime), runtime.context.resolved_today()
    candidates = state.get("candidates", [])
    ids = [candidate["client_id"] for candidate in candidates]
    ranked, excluded = rank_candidates(
        candidates,
        crm.standings(ids, today=today),
        crm.essences(ids, today=today),
        _product(state),
        state.get("signals", []),
        state.get("top_n") or DEFAULT_TOP_N,
    )
    return {"ranked": ranked, "excluded": excluded}


def _model_answer(
    state: PrioritizationState,
    runtime: Runtime[AgentContext],
    ranked: list[dict[str, Any]],
    names: dict[str, str],
    full_names: dict[str, str],
    fallback: str,
) -> str:
    """The model's short prose when it names every ranked client in the right language; else ``fallback``."""
    model = runtime.context.chat_model()
    language = state.get("language") or "en"
    if model is None or not ranked:
        return fallback
    prompt = load_prompt("prioritization/justify").format(
        request=state["request"],
        language_name=copy.language_name(language),
        product_line=f"Product: {state.get('product_context')}" if state.get("product") else "No specific product.",
        clients="\n".join(f"- {names[item['client_id']]}: {'; '.join(item['reasons'])}" for item in ranked),
        excluded="\n".join(f"- {item['reason']}" for item in state.get("excluded", [])) or "(none)",
    )
    outcome = text_call(model, [HumanMessage(content=prompt)], fallback=lambda: fallback, task="prioritization")
    named_all = all(fold(full_names[item["client_id"]]) in fold(outcome.value) for item in ranked)
    usable = outcome.from_model and named_all and detect_language(outcome.value) == language
    return outcome.value if usable else fallback


def justify(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Reasons from each top client's 360 view, the chunk ids used, and the answer in the request's language."""
    product = _product(state)
    language = state.get("language") or "en"
    crm = _crm(runtime)
    citations = [document["id"] for document in state.get("documents", [])]
    explained = explain(crm, state.get("ranked", []), runtime.context.resolved_today(), state.get("signals", []),
                        product)  # fmt: skip
    ranked = [{"client_id": item["client_id"], "score": item["score"], "citations": list(citations),
               "reasons": [copy.reason(fact, language) for fact in item["facts"]]} for item in explained]  # fmt: skip
    full_names = {item["client_id"]: item["full_name"] for item in explained}
    names = crm.client_names([*full_names, *(item["client_id"] for item in state.get("excluded", []))])
    subject = copy.subject(product.name if product else None, language)
    fallback = copy.answer(subject, ranked, state.get("excluded", []), names, citations, language)
    result = {"ranked": ranked, "excluded": state.get("excluded", []), "citations": citations,
              "product": state.get("product"), "signals": state.get("signals", []), "engine": state.get("engine"),
              "pseudo_profile": state.get("pseudo_profile", ""), "candidates": state.get("candidates", [])}  # fmt: skip
    answer = _model_answer(state, runtime, ranked, names, full_names, fallback)
    top_n = state.get("top_n") or DEFAULT_TOP_N
    understood = copy.understood_as(subject, state.get("signals", []), top_n, language)
    output = turn(answer, result=result, language=language, citations=citations, understood_as=understood)
    return {"ranked": ranked, **covered(state["request"], output)}


def finish(state: PrioritizationState) -> dict[str, Any]:
    """An error the RM can act on (build the index), with every output key present."""
    language = state.get("language") or "en"
    error = state.get("error") or "unknown error"
    result = {"ranked": [], "excluded": [], "citations": [], "product": state.get("product"), "error": error,
              "candidates": state.get("candidates", []), "pseudo_profile": state.get("pseudo_profile", "")}  # fmt: skip
    return turn(copy.cannot_rank(error, language), status="failed", result=result, language=language)
