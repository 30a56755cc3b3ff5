"""The inquiry bot's steps. The engines decide (``tools.inquiry``: the classifier, the knowledge base, the one
door that hands a message on); the nodes only orchestrate; ``copy.py`` speaks to the customer.

Why a message is handed on: the classifier reads it as urgent (a card blocked, fraud, money needed today), the
knowledge base does not answer it, or the customer gives a phone number to reach their RM. A customer who passes the
one-time check gets their message into their RM's inbox; everyone else gets the contact centre's queue. Either way
the customer is told what happens next.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from langgraph.runtime import Runtime

from graphs.context import PublicContext
from graphs.inquiry import copy
from graphs.inquiry.state import InquiryState
from graphs.turn import read_text, turn
from tools.core.language import detect_language
from tools.inquiry.classifier import ClassifierNotReady
from tools.inquiry.classifier import classify as classify_message
from tools.inquiry.escalation import CheckRefused, code_in, phone_in, start_check, verify
from tools.inquiry.escalation import escalate as hand_on
from tools.inquiry.knowledge import KnowledgeBaseNotReady, knowledge_base

logger = logging.getLogger(__name__)


def read(state: InquiryState) -> dict[str, Any]:
    message = read_text(state["message"])
    return {"message": message, "language": detect_language(message), "escalation": None, "outcome": ""}


def route_after_read(state: InquiryState) -> Literal["check_code", "classify"]:
    return "check_code" if state.get("pending") and code_in(state["message"]) else "classify"


def check_code(state: InquiryState, runtime: Runtime[PublicContext]) -> dict[str, Any]:
    """The customer's one-time code: right, and the waiting message goes to their RM; wrong, they may try again."""
    context = runtime.context
    pending = state["pending"] or {}
    language = state.get("language") or "en"
    if not verify(context.database(), context.session, str(code_in(state["message"]))):
        return {"outcome": "wrong_code", **turn(copy.wrong_code(language), language=language,
                                                 result={"outcome": "wrong_code", "escalation": None})}  # fmt: skip
    handed = hand_on(context.database(), context.session, pending["message"], topic=pending["topic"],
                     urgency=pending["urgency"])  # fmt: skip
    text = copy.handed_to_rm(handed.id, language)
    return {"pending": None, "outcome": "verified", "escalation": handed.__dict__,
            **turn(text, language=language, result={"outcome": "verified", "escalation": handed.__dict__})}  # fmt: skip


def classify(state: InquiryState) -> dict[str, Any]:
    try:
        reading = classify_message([state["message"]])[0]
    except ClassifierNotReady as error:
        logger.warning("inquiry classifier not ready: %s", error)
        return {"reading": None}
    return {"reading": {"topic": reading.topic, "urgency": reading.urgency, "confidence": reading.confidence}}


def look_up(state: InquiryState, runtime: Runtime[PublicContext]) -> dict[str, Any]:
    try:
        found = knowledge_base(runtime.context.database()).answer(state["message"])
    except KnowledgeBaseNotReady as error:
        logger.warning("inquiry knowledge base not ready: %s", error)
        return {"found": {"answered": False, "text": "", "sources": []}}
    return {"found": {"answered": found.answered, "text": found.text, "sources": found.sources}}


def route_after_look_up(state: InquiryState) -> Literal["answer", "escalate"]:
    reading = state.get("reading") or {}
    urgent = reading.get("urgency") == "high"
    return "answer" if (state["found"]["answered"] and not urgent and not phone_in(state["message"])) else "escalate"


def _result(state: InquiryState, outcome: str, escalation: dict[str, Any] | None = None) -> dict[str, Any]:
    reading = state.get("reading") or {}
    found = state.get("found") or {}
    return {"topic": reading.get("topic"), "urgency": reading.get("urgency"), "confidence": reading.get("confidence"),
            "sources": found.get("sources", []), "outcome": outcome, "escalation": escalation}  # fmt: skip


def answer(state: InquiryState) -> dict[str, Any]:
    language = state.get("language") or "en"
    found = state["found"]
    return {"outcome": "answered",
            **turn(copy.answer(found["text"], found["sources"], language), language=language,
                   result=_result(state, "answered"), citations=list(found["sources"]))}  # fmt: skip


def escalate(state: InquiryState, runtime: Runtime[PublicContext]) -> dict[str, Any]:
    """The one write: the message to the contact centre's queue (a phone given: a one-time code first, and the
    message waits for it to reach the RM)."""
    context = runtime.context
    database = context.database()
    language = state.get("language") or "en"
    reading = state.get("reading") or {"topic": "other", "urgency": "normal"}
    found = state.get("found") or {"answered": False, "text": "", "sources": []}
    phone = phone_in(state["message"])
    if phone:
        waiting = state.get("pending") or {"message": state["message"], "topic": reading["topic"],
                                           "urgency": reading["urgency"]}  # fmt: skip
        try:
            start_check(database, context.session, phone)
        except CheckRefused:
            return {"outcome": "too_many_codes", **turn(copy.too_many_codes(language), language=language,
                                                        result=_result(state, "too_many_codes"))}  # fmt: skip
        return {"pending": waiting, "outcome": "code_sent",
                **turn(copy.code_sent(language), language=language, result=_result(state, "code_sent"))}  # fmt: skip
    handed = hand_on(database, context.session, state["message"], topic=reading["topic"], urgency=reading["urgency"])
    urgent = reading["urgency"] == "high"
    text = copy.handed_to_contact_centre(handed.id, urgent, reading["topic"], found, language)
    pending = {"message": state["message"], "topic": reading["topic"], "urgency": reading["urgency"]}
    return {"pending": pending, "outcome": "handed_on", "escalation": handed.__dict__,
            **turn(text, language=language, result=_result(state, "handed_on", handed.__dict__))}  # fmt: skip
