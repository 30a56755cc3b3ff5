"""The co-pilot steps: classify the message → run that use case's room as a subgraph → respond.

The co-pilot knows the rooms only through ``graphs.registry``: each chat use case becomes a ``RoomNode`` that hands
the message to its room (under the room's input key) and keeps the room's ``TurnOutput``. One adapter for
every room. Who is asking comes from the runtime context only. A room with ``memory="thread"``
(performance) keeps its state on the co-pilot thread so follow-ups ("and last month?") build on the
previous question; the other rooms start fresh each message, and their pauses (the data-entry card, the
"which client?" question) surface on the co-pilot thread, where ``Command(resume=...)`` resumes them.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.runtime import Runtime

from graphs import registry
from graphs.context import AgentContext
from graphs.copilot import copy
from graphs.copilot.state import OTHER, CopilotState, IntentChoice
from graphs.turn import read_text, turn, turn_of
from prompts import load_prompt
from tools.core.language import detect_language
from tools.core.llm.models import structured_call
from tools.routing.intent import classify_intent

logger = logging.getLogger(__name__)

_compiled: dict[str, Any] = {}
_compile_lock = threading.Lock()


def _room(entry: registry.UseCase) -> Any:
    """The room's graph compiled as a subgraph of the chat (once per process)."""
    compiled = _compiled.get(entry.name)
    if compiled is None:
        with _compile_lock:
            compiled = _compiled.get(entry.name)
            if compiled is None:
                # thread: its state stays on the chat thread; turn: each message starts fresh, pauses resume here.
                checkpointer = True if entry.memory == "thread" else None
                compiled = _compiled[entry.name] = entry.builder().compile(checkpointer=checkpointer, name=entry.name)
    return compiled


def _routes() -> str:
    return "\n".join(f"- {entry.intent}: {entry.routes}" for entry in registry.reachable("chat") if entry.intent)


# ----- classify ------------------------------------------------------------------------------


def classify(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The intent (the model when configured, the rules otherwise); the turn's outputs start empty."""
    message = read_text(state.get("message"))
    previous = state.get("intent")
    rules = classify_intent(message, previous_intent=previous)
    intent: str = rules.intent
    engine = "rules"
    model = runtime.context.chat_model()
    if model is not None and message:
        prompt = load_prompt("copilot/intent").format(
            labels=_routes(), previous=previous or "nothing yet", message=message
        )
        outcome = structured_call(
            model,
            IntentChoice,
            [HumanMessage(content=prompt)],
            fallback=lambda: IntentChoice(intent=rules.intent),
            task="copilot_intent",
        )
        if outcome.from_model:
            intent, engine = outcome.value.intent, "model"
    logger.debug("intent %s by %s (%s)", intent, engine, rules.reason)
    return {
        "message": message,
        "messages": [HumanMessage(content=message)],
        "intent": intent,
        "intent_engine": engine,
        **turn("", language=detect_language(message)),
    }


def route_after_classify(state: CopilotState) -> str:
    """The node of the use case the intent names (registry names are the node names), else ``other``."""
    entry = registry.by_intent(str(state.get("intent")))
    return entry.name if entry is not None and entry.reachable("chat") else OTHER


# ----- the use cases -------------------------------------------------------------------------


class RoomNode:
    """The co-pilot's one adapter, for any room: the message in under the room's input key, its turn out."""

    def __init__(self, entry: registry.UseCase) -> None:
        self.entry = entry
        self.__name__ = entry.name

    def __call__(self, state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
        output = _room(self.entry).invoke({self.entry.input_key: state["message"]}, context=runtime.context)
        return turn_of({"language": state.get("language") or "en", **output})


def other(state: CopilotState) -> dict[str, Any]:
    """Not a use case: say what the co-pilot can do, with examples, in the RM's language."""
    language = state.get("language") or "en"
    return turn(copy.help_text(language), language=language)


# ----- respond -------------------------------------------------------------------------------


def respond(state: CopilotState) -> dict[str, Any]:
    """The turn's answer joins the conversation."""
    return {"messages": [AIMessage(content=state.get("answer") or "")]}
