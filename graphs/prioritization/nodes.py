"""The prioritization steps: request → criteria and product rules → ideal-client profile → evidence → top N.

The engines are ``tools.signals.criteria`` (what the request asks), ``tools.signals.features`` (what the RM's
clients do) and ``tools.signals.ranking`` (filters, rules, evidence); this module reads the state, calls them,
and keeps what they say. Only the signed-in RM's clients are ever read or named. Without the document or
profile index the ranking still runs (no citations, no similarity signal), and says so in the log.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Literal

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.prioritization import copy
from graphs.prioritization.state import DEFAULT_TOP_N, POLICY_K, SIMILARITY_K, PrioritizationState
from graphs.signal_words import filters_text
from graphs.turn import covered, read_text, turn
from prompts import load_prompt
from tools.core.language import detect_language
from tools.core.llm.models import structured_call, text_call
from tools.core.text import fold
from tools.crm.api import CrmApi
from tools.knowledge.retrieval import IndexNotReady, product_entry, search_clients, search_documents
from tools.products.catalog import (
    ProductTerms,
    find_product,
    load_product,
    product_documents,
    product_names,
    with_document_rules,
)
from tools.reporting.composer import Vocabulary
from tools.signals import attrition
from tools.signals.criteria import NOTE_GOALS, Criteria, read_criteria
from tools.signals.day_plan import asks_for_a_plan, day_plan, plan_window
from tools.signals.features import read_book, read_features
from tools.signals.ranking import (
    IdealClient,
    checked_model_ideal,
    explain,
    goals_for,
    passes,
    product_context,
    profile_text,
    rank_clients,
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
    tuples = {key: tuple(tuple(item) if isinstance(item, list) else item for item in data.get(key) or ())
              for key in ("target_segments", "risk_profiles", "sources")}  # fmt: skip
    return ProductTerms(**{**data, **tuples})


def _criteria(state: PrioritizationState) -> Criteria:
    return Criteria.from_state(state.get("criteria"))


def _resolve_product(
    request: str, code: str, runtime: Runtime[AgentContext], catalog: dict[str, str]
) -> ProductTerms | None:
    """The product by its code, else by its name in the request, with the rules its documents state."""
    database = runtime.context.database()
    if code:
        product = load_product(database, code)
        if product is None:
            logger.warning("unknown or inactive product code %r: treating the request as a free goal", code)
    else:
        product = find_product(database, request)
    if product is None:
        return None
    return with_document_rules(product, product_documents(database), catalog.values())


def read_request(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The product (by code, else by name in the request), the request's filters and goals, and whether it is a
    day plan: no product, no filter and no goal ("who should I call today?") is answered from the RM's events."""
    request = read_text(state["request"])
    catalog = product_names(runtime.context.database())  # read once: the product, its rules and the filters use it
    product = _resolve_product(request, (state.get("product_code") or "").strip(), runtime, catalog)
    products, occupations, _names, cities = _crm(runtime).reporting_vocabulary()
    vocabulary = Vocabulary(products=tuple(products), occupations=tuple(occupations), cities=tuple(cities))
    criteria = read_criteria(
        request, runtime.context.resolved_today(), vocabulary, catalog, product.code if product else None
    )
    goals, named = goals_for(criteria, product)
    return {
        "request": request,
        "language": detect_language(request),
        "product": asdict(product) if product else None,
        "criteria": asdict(criteria),
        "signals": goals,
        "named_goals": named,
        "day_plan": product is None and not criteria.goals and not criteria.order_by and asks_for_a_plan(request),
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
    criteria = _criteria(state)
    if criteria.filters:  # "today, among my Diamond clients": the plan of the clients the request keeps
        ids = [entry["client_id"] for entry in plan]
        clients = read_features(runtime.context.database(), runtime.context.rm_id, today, notes=False, client_ids=ids)
        plan = [entry for entry in plan if entry["client_id"] in clients and passes(clients[entry["client_id"]],
                                                                                     criteria, today)]  # fmt: skip
    names = _crm(runtime).client_names([entry["client_id"] for entry in plan])
    days = (last - today).days + CALL_PLAN_MATURITY_DAYS
    answer = copy.day_plan(plan, names, window, first.isoformat(), last.isoformat(), days, language)
    understood = copy.day_plan_understood(window, first.isoformat(), last.isoformat(), days, language)
    if criteria.filters:
        understood += f" · {filters_text(criteria, language)}"
    result = {"plan": plan, "window": window, "from": first.isoformat(), "to": last.isoformat(), "ranked": []}
    return covered(state["request"], turn(answer, result=result, language=language, understood_as=understood))


def retrieve_documents(state: PrioritizationState) -> dict[str, Any]:
    """The documents the answer cites: for a product, its own index entry and the bank documents its rules were
    read from (no search: the rules say which); for a goal, the policy chunks nearest the request."""
    request, product = state["request"], _product(state)
    try:
        if product is not None:
            entry = product_entry(product.code)
            documents = [{"kind": "product", **asdict(entry)}] if entry is not None else []
            ruled = list(dict.fromkeys(document_id for _rule, document_id in product.sources))
            documents += [{"kind": "policy", "id": document_id, "document_id": document_id, "title": document_id,
                           "section": None, "text": "", "score": 1.0} for document_id in ruled]  # fmt: skip
            return {"documents": documents}
        # The goals, not the request's own words, make the query: a few distinct queries, each embedded once.
        hits = search_documents("policy", " ".join(copy.SIGNALS["en"].get(goal, goal) for goal in state["signals"])
                                or request, POLICY_K)  # fmt: skip
        return {"documents": [{"kind": "policy", **asdict(hit)} for hit in hits]}
    except IndexNotReady as error:
        logger.warning("prioritization ranks without document citations: %s", error)
        return {"documents": []}


def synthesize(state: PrioritizationState) -> dict[str, Any]:
    """The product context and the rules that apply (the model's prompt)."""
    product = _product(state)
    context, notes = product_context(product, state.get("documents", []))
    return {"product_context": context, "policy_notes": notes}


def pseudo_profile(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The ideal client: the model's choice from fixed lists when it gives one, else the rules'; code writes it."""
    product = _product(state)
    ideal, engine = rules_ideal(product, state["signals"], _criteria(state)), "rules"
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
            checked = checked_model_ideal(outcome.value, product, state["signals"])
            if checked.signals or checked.segments:
                ideal, engine = checked, "model"
    return {"pseudo_profile": profile_text(product, ideal), "engine": engine}


def score_similarity(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Each of the signed-in RM's clients' similarity to the ideal client (one signal of the ranking); without the
    profile index the ranking stands on the evidence alone."""
    database, rm_id = runtime.context.database(), runtime.context.rm_id
    text = state.get("pseudo_profile") or ""
    if not text:
        return {"similarity": {}}
    try:
        hits = search_clients(database, rm_id, text, SIMILARITY_K)
    except (IndexNotReady, LookupError) as error:
        logger.warning("prioritization ranks without profile similarity: %s", error)
        return {"similarity": {}}
    return {"similarity": {client_id: round(score, 4) for client_id, score in hits}}


def rank(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The RM's clients read in bulk, filtered by the request, checked against the product's rules (who is left
    out, with why), ranked by the evidence for each goal; the top N with the facts that put them there."""
    today = runtime.context.resolved_today()
    criteria, product = _criteria(state), _product(state)
    # A product offered reads the notes too: a client who asked about it is its first prospect.
    wants_notes = product is not None or bool(set(state.get("signals", [])) & (NOTE_GOALS | {"business", "attrition"}))
    features = read_book(runtime.context.database(), runtime.context.rm_id, today, notes=wants_notes)
    top_n = state.get("top_n") or criteria.top_n or DEFAULT_TOP_N
    min_signs = (attrition.policy_min_signs(product_documents(runtime.context.database()))
                 if "attrition" in state.get("signals", []) else 1)  # fmt: skip
    ranking = rank_clients(features, criteria, product, state.get("signals", []), bool(state.get("named_goals")),
                           state.get("similarity") or {}, today, top_n, min_signs)  # fmt: skip
    counts = {"clients": ranking.clients, "matching": ranking.matching, "with_evidence": ranking.with_evidence,
              "top_n": top_n}  # fmt: skip
    return {"ranked": explain(ranking.ranked, features, product), "excluded": ranking.excluded, "counts": counts,
            "runners_up": ranking.runners_up}  # fmt: skip


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
    """Each top client's facts in words, the chunk ids used, and the answer in the request's language."""
    product = _product(state)
    language = state.get("language") or "en"
    citations = [document["id"] for document in state.get("documents", [])]
    explained = state.get("ranked", [])
    ranked = [{"client_id": item["client_id"], "score": item["score"], "citations": list(citations),
               "reasons": [copy.reason(fact, language) for fact in item["facts"]]} for item in explained]  # fmt: skip
    full_names = {item["client_id"]: item["full_name"] for item in explained}
    names = _crm(runtime).client_names([*full_names, *(item["client_id"] for item in state.get("excluded", []))])
    criteria = _criteria(state)
    top_n = state.get("top_n") or criteria.top_n or DEFAULT_TOP_N
    subject = copy.subject(product.name if product else None, language)
    counts = state.get("counts") or {}
    fallback = copy.answer(subject, ranked, state.get("excluded", []), names, citations, counts, language, criteria,
                           state.get("signals", []))  # fmt: skip
    result = {"ranked": ranked, "excluded": state.get("excluded", []), "citations": citations,
              "product": state.get("product"), "signals": state.get("signals", []), "engine": state.get("engine"),
              "criteria": state.get("criteria"), "counts": counts, "candidates": state.get("runners_up", []),
              "pseudo_profile": state.get("pseudo_profile", "")}  # fmt: skip
    answer = _model_answer(state, runtime, ranked, names, full_names, fallback)
    understood = copy.understood_as(subject, criteria, state.get("signals", []), bool(state.get("named_goals")),
                                    top_n, counts, language)  # fmt: skip
    output = turn(answer, result=result, language=language, citations=citations, understood_as=understood)
    return {"ranked": ranked, **covered(state["request"], output)}
