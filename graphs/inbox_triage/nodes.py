"""The inbox triage's steps: the signed-in RM's unread messages → topic and urgency each → a reply draft each →
the RM confirms (interrupt) → the drafts saved and the messages marked read → the answer.

The engines are ``tools.inbox.triage`` (DOC-POL-INBOX's topics and urgencies, a learned reading) and
``tools.inbox.replies`` (the RM's voice, bank policy); the messages are the RM's own, read through the CRM door,
never another RM's. ``review`` only asks; ``save`` is the one write, idempotent by message.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.hitl import ask_human, human_interrupt
from graphs.inbox_triage import copy
from graphs.inbox_triage.state import InboxTriageState
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language
from tools.crm.api import CrmApi
from tools.inbox.drafts import save_drafts
from tools.inbox.replies import reply_drafts
from tools.inbox.triage import TriageNotReady, triage

logger = logging.getLogger(__name__)

SAVE_REPLIES_ACTION = "save_replies"
#: What the card shows of each reply (the rest stays in the state for ``save``).
_CARD_KEYS = ("client_id", "kind", "urgency", "language", "channel", "subject", "body")


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
         "confidence": round(min(reading.topic_confidence, reading.urgency_confidence), 3),
         "language": detect_language(f"{message['subject']} {message['body']}")}
        for message, reading in zip(messages, readings, strict=True)
    ]  # fmt: skip
    return {"messages": read}


def route_after_classify(state: InboxTriageState) -> Literal["draft_replies", "answer"]:
    return "draft_replies" if state.get("messages") and not state.get("failure") else "answer"


def draft_replies(state: InboxTriageState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """A reply per message in the RM's voice and the client's language, checked by bank policy; nothing saved."""
    context = runtime.context
    drafts = reply_drafts(context.database(), context.rm_id, state["messages"], today=context.resolved_today())
    return {"replies": [dict(draft) for draft in drafts]}


def review(state: InboxTriageState) -> dict[str, Any]:
    """Pause with the replies: save them as drafts and mark the messages read, or leave everything as it is."""
    language = state.get("language") or "en"
    replies = state.get("replies", [])
    names = {message["client_id"]: message["client"] for message in state.get("messages", [])}
    card = [{**{key: reply.get(key) for key in _CARD_KEYS}, "message_id": reply["facts"]["message_id"],
             "client": names.get(reply["client_id"], reply["client_id"]), "topic": reply["facts"].get("topic"),
             "flags": reply["compliance"]["flags"]} for reply in replies]  # fmt: skip
    description = f"{copy.inbox(state.get('messages', []), language)}\n\n{copy.review(len(replies), language)}"
    request = human_interrupt(SAVE_REPLIES_ACTION, {"replies": card}, description, edit=False, respond=False)
    return {"decision": dict(ask_human(request))}


def route_after_review(state: InboxTriageState) -> Literal["save", "answer"]:
    return "save" if (state.get("decision") or {}).get("type") == "accept" else "answer"


def save(state: InboxTriageState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The one write: the reply drafts (once per message, whatever retries) and the messages marked read."""
    context = runtime.context
    database = context.database()
    replies = state.get("replies", [])
    saved = save_drafts(database, replies)  # type: ignore[arg-type]  # NewDraft as plain JSON in the state
    marked = CrmApi(database, context.rm_id).mark_messages([m["id"] for m in state.get("messages", [])], "read")
    logger.info("inbox triage for %s: %d reply drafts saved, %d messages marked read", context.rm_id, saved, marked)
    return {"saved": {"drafts": saved, "marked_read": marked}}


def answer(state: InboxTriageState) -> dict[str, Any]:
    """The unread messages grouped by urgency, one line each, in the RM's language."""
    language = state.get("language") or "en"
    messages = state.get("messages", [])
    if state.get("failure"):
        return turn(copy.not_ready(language), status="failed", language=language, result={"failure": state["failure"]})
    text = copy.inbox(messages, language)
    saved = state.get("saved")
    replies = state.get("replies") or []
    if saved is not None:
        flagged = sum(1 for reply in replies if reply["compliance"]["flags"])
        text += "\n\n" + copy.saved(saved["drafts"], saved["marked_read"], flagged, language)
    elif replies:
        text += "\n\n" + copy.not_saved(language)
    understood = copy.understood_as(len(messages), language)
    result = {"messages": [{key: m[key] for key in ("id", "client_id", "client", "received_at", "channel", "topic",
                                                     "urgency", "confidence")} for m in messages],
              "replies": [{"message_id": r["facts"]["message_id"], "event_key": r["event_key"], "body": r["body"],
                           "language": r["language"], "flags": r["compliance"]["flags"]} for r in replies],
              "saved": saved}  # fmt: skip
    return covered(state["request"], turn(text, result=result, language=language, understood_as=understood))
