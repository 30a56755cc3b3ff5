"""The briefing steps: read the request → which client (``graphs.clarify``) → the briefing (``tools.crm.briefing``)
→ one screen in the RM's language."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.briefing import copy
from graphs.briefing.state import BriefingState
from graphs.clarify import ClientQuery
from graphs.context import AgentContext
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language
from tools.crm.api import CrmApi
from tools.crm.briefing import build_briefing
from tools.crm.notes import extract_note


def understand(state: BriefingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The request's language, and what it says about the client (a phone, a name)."""
    request = read_text(state["request"])
    reading = extract_note(request, runtime.context.resolved_today())
    query = ClientQuery(text=request, phone=reading.phone, name=reading.client_name, about="request")
    return {"request": request, "language": detect_language(request), "client_query": query}


def brief(state: BriefingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The client 360 of the signed-in RM's client, read into a briefing."""
    crm = CrmApi(runtime.context.database(), runtime.context.rm_id)
    today = runtime.context.resolved_today()
    client = crm.client_360(str(state["client_id"]), today=today).model_dump(mode="json")
    return {"briefing": build_briefing(client, crm.products(), today).as_json()}


def answer(state: BriefingState) -> dict[str, Any]:
    """The screen, with what was understood; a word of the request it did not use is named, not dropped."""
    language = state.get("language") or "en"
    briefing = state["briefing"]
    reply = turn(copy.briefing(briefing, language), result={"client_id": briefing["client_id"], "briefing": briefing},
                 language=language, understood_as=copy.understood_as(briefing, language))  # fmt: skip
    return covered(state["request"], reply)  # a modifier the briefing does not use ("by product") is named
