"""The inbox triage's steps: the signed-in RM's unread messages → topic and urgency each → the answer.

The engine is ``tools.inbox.triage`` (DOC-POL-INBOX's topics and urgencies, a learned reading); the messages are
the RM's own, read through the CRM door, never another RM's.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.inbox_triage import copy
from graphs.inbox_triage.state import InboxTriageState
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language
from tools.crm.api import CrmApi
from tools.inbox.triage import TriageNotReady, triage


def read_inbox(state: InboxTriageState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The request's language and the RM's unread messages, newest first."""
    request = read_text(state["request"])
    messages = CrmApi(runtime.context.database(), runtime.context.rm_id).unread_messages()
    return {"request": request, "language": detect_language(request), "messages": messages, "failure": None}


def classify(state: InboxTriageState) -> dict[str, Any]:
    """Each message's topic and urgency; the reason when the triage cannot read."""
    messages = state.get("messages", [])
    try:
        readings = triage([f"{message['subject']}\n{message['body']}".strip() for message in messages])
    except TriageNotReady as error:
        return {"failure": str(error)}
    read = [
        {**message, "topic": reading.topic, "urgency": reading.urgency,
         "confidence": round(min(reading.topic_confidence, reading.urgency_confidence), 3)}
        for message, reading in zip(messages, readings, strict=True)
    ]  # fmt: skip
    return {"messages": read}


def answer(state: InboxTriageState) -> dict[str, Any]:
    """The unread messages grouped by urgency, one line each, in the RM's language."""
    language = state.get("language") or "en"
    messages = state.get("messages", [])
    if state.get("failure"):
        return turn(copy.not_ready(language), status="failed", language=language, result={"failure": state["failure"]})
    text = copy.inbox(messages, language)
    understood = copy.understood_as(len(messages), language)
    result = {"messages": [{key: m[key] for key in ("id", "client_id", "client", "received_at", "channel", "topic",
                                                     "urgency", "confidence")} for m in messages]}  # fmt: skip
    return covered(state["request"], turn(text, result=result, language=language, understood_as=understood))
