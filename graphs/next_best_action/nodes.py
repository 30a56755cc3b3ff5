"""The next-best-action steps: read the request → which client (``graphs.clarify``) → client 360 → triggers →
retrieve → recommend → draft → answer.

Everything that decides is deterministic (``tools.signals.triggers``); the model only words the message,
from a short prompt of facts (no ids), and a draft that drops the key facts is replaced by the template.
The reason is written in the language the RM asked in; the message in the client's.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from graphs.clarify import ClientQuery
from graphs.context import AgentContext
from graphs.next_best_action import copy
from graphs.next_best_action.state import NextBestActionState
from graphs.turn import read_text, turn
from tools.core.language import detect_language
from tools.crm.api import CrmApi
from tools.crm.notes import extract_note
from tools.knowledge.retrieval import documents_or_none
from tools.products.catalog import ProductTerms, product_documents, with_document_rules
from tools.signals.features import read_features
from tools.signals.ranking import best_offer, fitting_product
from tools.signals.triggers import CONTEXT_QUERIES, NO_PRODUCT_KINDS, detect_triggers, rank_triggers
from tools.voice.drafting import DraftRequest, compose_draft
from tools.voice.personalization import Personalization

logger = logging.getLogger(__name__)

DOCUMENTS_PER_KIND = 2


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def understand(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The request's language, and what it says about the client (a phone, a name)."""
    request = read_text(state["request"])
    reading = extract_note(request, runtime.context.resolved_today())
    query = ClientQuery(text=request, phone=reading.phone, name=reading.client_name, about="request")
    return {"request": request, "language": detect_language(request), "client_query": query}


def load_client(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The client 360 with household; the message goes out in the client's language."""
    crm = _crm(runtime)
    client = crm.client_360(str(state["client_id"]), today=runtime.context.resolved_today())
    language = client.profile.get("language")
    return {
        "client": client.model_dump(mode="json"),
        "draft_language": language if language in ("vi", "en") else state.get("language") or "en",
        "rm_name": str(crm.rm_profile().get("full_name") or ""),
    }


def detect(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Every trigger relative to today, products named: the client's events, the signs of leaving read together,
    and a fresh lead the RM logged with the tasks due on it."""
    database = runtime.context.database()
    products = _crm(runtime).products()
    today, client_id = runtime.context.resolved_today(), str(state["client_id"])
    client = read_features(database, runtime.context.rm_id, today, client_ids=[client_id]).get(client_id)
    offer = None
    documents = product_documents(database)
    if client is not None:
        names = [str(product["name"]) for product in products]
        terms = [with_document_rules(ProductTerms.from_row(product), documents, names) for product in products]
        offer = best_offer(client, terms, today) or fitting_product(client, terms)
    triggers = detect_triggers(state["client"], today, products, features=client, offer=offer, documents=documents)
    return {"triggers": triggers}


def rank(state: NextBestActionState) -> dict[str, Any]:
    """Policy precedence (an open complaint first), then urgency, then the money at stake."""
    return {"triggers": [dict(t) for t in rank_triggers(state.get("triggers", []))]}  # type: ignore[arg-type]


def retrieve_context(state: NextBestActionState) -> dict[str, Any]:
    """Product and policy chunks for the leading trigger; their ids are the citations."""
    triggers = state.get("triggers", [])
    if not triggers:
        return {"documents": [], "citations": []}
    lead = triggers[0]
    query = CONTEXT_QUERIES.get(lead["kind"], lead["kind"])
    documents = documents_or_none("policy", f"client communication rules {query}", DOCUMENTS_PER_KIND)
    if lead["kind"] not in NO_PRODUCT_KINDS:
        product_name = lead["facts"].get("product_name") or ""
        documents += documents_or_none("product", f"{product_name} {query}".strip(), DOCUMENTS_PER_KIND)
    return {"documents": documents, "citations": list(dict.fromkeys(document["id"] for document in documents))}


def _client_name(state: NextBestActionState) -> str:
    profile = state["client"]["profile"]
    return f"{profile.get('honorific') or ''} {profile.get('full_name') or ''}".strip()


def recommend(state: NextBestActionState) -> dict[str, Any]:
    """The leading trigger is the action; the reason names its facts, in the RM's language."""
    triggers = state.get("triggers", [])
    reason = copy.reason(_client_name(state), triggers, state.get("language") or "en")
    return {"action": triggers[0]["kind"] if triggers else None, "reason": reason}


def draft_message(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The message in the RM's own voice and rules (``tools.voice.drafting``); bank policy enforced last."""
    triggers = state.get("triggers", [])
    lead = triggers[0] if triggers else None
    profile = state["client"]["profile"]
    personalization = Personalization(runtime.context.database(), runtime.context.rm_id)
    request = DraftRequest(
        kind=lead["kind"] if lead else "check_in",
        facts=dict(lead["facts"]) if lead else {},
        client=dict(profile),
        rm_name=state.get("rm_name") or "",
        documents=[d for d in state.get("documents", []) if d.get("kind") == "policy"],
        # The client's own language unless the CRM has none: then the one the graph settled on.
        language=None if profile.get("language") in ("vi", "en") else state.get("draft_language"),
    )
    draft = compose_draft(
        request, personalization.tone(), personalization.rules_for(profile), runtime.context.chat_model()
    )
    return {"message": draft.text, "engine": draft.engine}


def answer(state: NextBestActionState) -> dict[str, Any]:
    """The reason, then the message ready to send."""
    language = state.get("language") or "en"
    result = {key: state.get(key) for key in ("client_id", "action", "reason", "message", "engine")}
    result["citations"] = state.get("citations", [])
    result["triggers"] = [trigger["kind"] for trigger in state.get("triggers", [])]
    return turn(
        copy.answer(state["reason"], state["message"], language),
        result=result,
        language=language,
        citations=state.get("citations", []),
        understood_as=copy.understood_as(_client_name(state), state.get("action"), language),
    )
