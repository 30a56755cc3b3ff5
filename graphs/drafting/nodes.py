"""Drafting steps: read the request → which client (``graphs.clarify``) → load → the event's facts → the RM's
tone and rules → compose → check → answer.

The facts come from the client's own data (``tools.signals.triggers.event_facts``); an event the client has
no data for (a tone check, a loan far from maturity) is drafted from what the profile says, else as a
check-in. Only the signed-in RM's clients can be drafted for.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from langgraph.runtime import Runtime

from graphs.clarify import ClientQuery
from graphs.context import AgentContext
from graphs.drafting import copy
from graphs.drafting.state import DraftingState
from graphs.turn import read_text, turn
from tools.core.language import detect_language
from tools.crm.api import ClientNotFound, CrmApi
from tools.crm.notes import extract_note
from tools.policy.compliance import check_message
from tools.products.suggestions import PLACEMENT_KINDS, placement_facts
from tools.signals.triggers import event_facts
from tools.voice.drafting import DRAFT_KINDS, DraftRequest, compose_draft, event_in, too_far_ahead
from tools.voice.personalization import Personalization
from tools.voice.tone import ToneProfile

logger = logging.getLogger(__name__)

_PROFILE_KEYS = ("full_name", "honorific", "language", "preferred_channel", "segment", "risk_profile", "occupation",
                 "city", "email", "phone", "date_of_birth")  # fmt: skip


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def understand(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The event (given, or read from the request) and what the request says about the client."""
    request = read_text(state.get("request"))
    event = str(state.get("event") or event_in(request))
    if event not in DRAFT_KINDS:
        raise ValueError(f"unknown event {event!r}; one of: {', '.join(DRAFT_KINDS)}")
    update: dict[str, Any] = {"request": request, "event": event, "language": detect_language(request or event)}
    if not state.get("client_id"):
        reading = extract_note(request, runtime.context.resolved_today())
        update["client_query"] = ClientQuery(text=request, phone=reading.phone, name=reading.client_name)
    return update


def route_after_understand(state: DraftingState) -> Literal["load_client", "identify_client"]:
    return "load_client" if state.get("client_id") else "identify_client"


def load_client(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The client 360, only if the client is the signed-in RM's."""
    crm = _crm(runtime)
    try:
        c360 = crm.client_360(str(state["client_id"]), today=runtime.context.resolved_today())
    except ClientNotFound:
        language = state.get("language") or "en"
        return turn(copy.not_found(language), status="failed", language=language)
    profile = {key: c360.profile.get(key) for key in _PROFILE_KEYS}
    return {"profile": profile, "rm_name": str(crm.rm_profile().get("full_name") or ""),
            "c360": c360.model_dump(mode="json")}  # fmt: skip


def route_after_load_client(state: DraftingState) -> Literal["find_facts", "__end__"]:
    return "find_facts" if state.get("c360") else "__end__"


def find_facts(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The event's facts from today's triggers, else from the client's data, else a check-in."""
    event, today, catalog = state["event"], runtime.context.resolved_today(), _crm(runtime).products()
    facts = event_facts(event, state["c360"], today, catalog)
    if facts is None:
        logger.info("drafting: the client has no data for %s; drafting a check-in", event)
        return {"kind": "check_in", "facts": {}}
    if event in PLACEMENT_KINDS:
        facts = placement_facts(runtime.context.database(), catalog, str(state["client_id"]), facts, today=today)
    return {"kind": event, "facts": facts}


def route_after_find_facts(state: DraftingState) -> Literal["take_tone", "not_near"]:
    return "not_near" if too_far_ahead(state["kind"], state["facts"]) else "take_tone"


def not_near(state: DraftingState) -> dict[str, Any]:
    """No draft for an occasion weeks or months away: say when it is instead."""
    language = state.get("language") or "en"
    name = str(state["profile"].get("full_name") or "")
    facts = state["facts"]
    answer = copy.not_near(name, str(facts.get("date")), int(facts["days_until"]), language)
    return turn(answer, result={"client_id": state["client_id"], "event": state["kind"], "facts": facts},
                language=language, understood_as=copy.understood_as(state["kind"], name, language))  # fmt: skip


def take_tone(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The signed-in RM's voice (learned on first use) and the rules that apply to this client."""
    personalization = Personalization(runtime.context.database(), runtime.context.rm_id)
    return {
        "tone": personalization.tone().model_dump(mode="json"),
        "rules": personalization.rules_for({**state["profile"], "id": state["client_id"]}),
    }


def compose(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The template engine, or the model conditioned on the voice (checked, with the template as fallback)."""
    draft = compose_draft(
        DraftRequest(kind=state["kind"], facts=state["facts"], client=state["profile"], rm_name=state["rm_name"]),
        ToneProfile.model_validate(state["tone"]),
        state.get("rules", []),
        model=runtime.context.chat_model(),
    )
    return {"draft": draft.model_dump(mode="json")}


def check(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The communication rules once more on the final text, with the catalog's rates and target segments; what is
    left is shown to the RM as flags."""
    draft = dict(state["draft"])
    products = _crm(runtime).products()
    findings = check_message(draft["text"], language=draft["language"], client=state["profile"], products=products)
    draft["flags"] = sorted({*draft.get("flags", []), *(finding.flag for finding in findings)})
    return {"draft": draft}


def answer(state: DraftingState) -> dict[str, Any]:
    """The draft, ready to copy, in the client's language; the line around it in the RM's."""
    language = state.get("language") or "en"
    name = str(state["profile"].get("full_name") or "")
    result = {"client_id": state["client_id"], "event": state["kind"], "facts": state["facts"], "draft": state["draft"]}
    return turn(
        copy.answer(name, state["draft"]["text"], language),
        result=result,
        language=language,
        understood_as=copy.understood_as(state["kind"], name, language),
    )
