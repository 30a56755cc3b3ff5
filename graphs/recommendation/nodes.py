"""The recommendation's steps: the client (and the relative) from the request → ``tools.products.recommend`` →
the top offers with their reasons, or why nothing may be offered now."""

from __future__ import annotations

import re
from typing import Any, Literal

from langgraph.runtime import Runtime

from graphs.clarify import ClientQuery
from graphs.context import AgentContext
from graphs.recommendation import copy
from graphs.recommendation.state import RecommendationState
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language
from tools.core.text import fold
from tools.crm.api import ClientNotFound
from tools.crm.notes import extract_note
from tools.products.recommend import protection_review
from tools.products.recommend import recommend as recommend_products

RELATIONS = ("spouse", "parent", "child", "sibling")
FOCUSES = ("protection",)
#: A request about health, insurance or protecting the family: the protection review (seed 002 §3).
_PROTECTION = re.compile(r"\b(?:insur\w*|protect\w*|health\w*|medical|hospital|cover for|bao hiem|bao ve|suc khoe|"
                         r"y te|benh vien|phong than|chi phi (?:chua|kham) benh)\b")  # fmt: skip
#: The relative a request names ("for her mother", "cho bố anh ấy").
_RELATION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("spouse", re.compile(r"\b(spouse|wife|husband|vo|chong|vo chong)\b")),
    ("parent", re.compile(r"\b(parents?|mother|father|mom|dad|me|bo|ba|cha|ma)\b")),
    ("child", re.compile(r"\b(child|children|son|daughter|kids?|con|con trai|con gai)\b")),
    ("sibling", re.compile(r"\b(sibling|brother|sister|anh trai|chi gai|em trai|em gai)\b")),
)


def _relation_in(request: str) -> str | None:
    folded = fold(request)
    if not re.search(r"\b(for|cho|of|cua)\b", folded):
        return None
    return next((relation for relation, pattern in _RELATION_WORDS if pattern.search(folded)), None)


def understand(state: RecommendationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    request = read_text(state.get("request"))
    relation = state.get("for_relation") or (_relation_in(request) if request else None)
    if relation is not None and relation not in RELATIONS:
        raise ValueError(f"for_relation must be one of {', '.join(RELATIONS)}")
    focus = state.get("focus") or ("protection" if request and _PROTECTION.search(fold(request)) else None)
    if focus is not None and focus not in FOCUSES:
        raise ValueError(f"focus must be one of {', '.join(FOCUSES)}")
    update: dict[str, Any] = {"request": request, "for_relation": relation, "focus": focus,
                              "language": detect_language(request) if request else "en"}  # fmt: skip
    if not state.get("client_id"):
        reading = extract_note(request, runtime.context.resolved_today())
        update["client_query"] = ClientQuery(text=request, phone=reading.phone, name=reading.client_name,
                                             about="request")  # fmt: skip
    return update


def route_after_understand(state: RecommendationState) -> Literal["recommend", "identify_client"]:
    return "recommend" if state.get("client_id") else "identify_client"


def recommend(state: RecommendationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    context = runtime.context
    language = state.get("language") or "en"
    try:
        if state.get("focus") == "protection":
            review = protection_review(context.database(), context.rm_id, str(state["client_id"]),
                                       today=context.resolved_today(), for_relation=state.get("for_relation"),
                                       language=language)  # fmt: skip
            return {"found": {**review.recommendation.as_json(), "protection": review.as_json()}}
        found = recommend_products(context.database(), context.rm_id, str(state["client_id"]),
                                   today=context.resolved_today(), for_relation=state.get("for_relation"),
                                   language=language)  # fmt: skip
    except ClientNotFound:
        return {"found": {"unknown_client": True}}
    return {"found": found.as_json()}


def answer(state: RecommendationState) -> dict[str, Any]:
    language = state.get("language") or "en"
    found = state["found"]
    if found.get("unknown_client"):
        return turn(copy.not_found(language), status="failed", language=language)
    label = state.get("client_label") or found["client_id"]
    text = copy.offers(found, label, language)
    if found.get("protection") and not found.get("other_rms_relative"):
        text = copy.protection(found["protection"], label, language) + "\n" + text
    citations = [offer["document_id"] for offer in found["offers"] if offer.get("document_id")]
    result = {"offers": found["offers"], "excluded": found["excluded"], "blocked": found["blocked"],
              "client_id": found["client_id"], "whose": found["whose"], "relation": found["relation"]}  # fmt: skip
    if found.get("protection"):
        result["protection"] = {key: found["protection"][key]
                                for key in ("health", "dependants", "insured", "buffer_months")}  # fmt: skip
    reply = turn(text, result=result, language=language, citations=citations,
                 understood_as=copy.understood_as(found, label, language))  # fmt: skip
    return covered(state.get("request") or "", reply)
