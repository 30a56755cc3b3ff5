"""The co-pilot steps: classify the message → run that use case's room as a subgraph → respond.

The co-pilot knows the rooms only through ``graphs.registry``: each chat use case becomes a ``RoomNode`` that hands
the message to its room (under the room's input key) and keeps the room's ``TurnOutput``. One adapter for
every room. A use case the registry announces but that is not built yet gets an honest "coming soon" answer,
never another use case's. When two readings of a message are too close to call, the co-pilot asks with buttons
(``ask_intent`` only interrupts; ``apply_intent_choice`` reads the answer) and the chosen room runs.

Who is asking comes from the runtime context only. A room with ``memory="thread"`` (performance) keeps its
state on the co-pilot thread so follow-ups ("and last month?") build on the previous question; the other rooms
start fresh each message, and their pauses (the data-entry card, the "which client?" question) surface on the
co-pilot thread, where ``Command(resume=...)`` resumes them.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.runtime import Runtime

from graphs import registry
from graphs.context import AgentContext
from graphs.copilot import copy
from graphs.copilot.state import OTHER, CopilotState, IntentChoice
from graphs.hitl import CHOOSE_INTENT_ACTION, ask_human, human_interrupt
from graphs.turn import read_text, turn, turn_of
from prompts import load_prompt
from tools.core.language import detect_language
from tools.core.llm.models import structured_call
from tools.core.text import fold_words
from tools.routing.router import route

logger = logging.getLogger(__name__)

#: The node that answers for every announced use case that is not built yet.
COMING_SOON = "coming_soon"
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")

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


def _routes(options: tuple[str, ...]) -> str:
    lines = [f"- {entry.intent}: {entry.routes}" for entry in registry.USE_CASES if entry.intent in options]
    return "\n".join(lines)


# ----- classify ------------------------------------------------------------------------------


def classify(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The use case the message asks for (``tools.routing.router``); a model, when configured, only chooses among
    readings too close to call (behind the trust layer when it is outside the bank). The turn's outputs start
    empty."""
    message = read_text(state.get("message"))
    model = runtime.context.chat_model()

    def choose(options: tuple[str, ...]) -> str | None:
        if model is None:
            return None
        # A model outside the bank gets the message masked by the trust layer (``tools.policy.trust``).
        prompt = load_prompt("copilot/intent").format(
            labels=_routes(options), previous=state.get("intent") or "nothing yet", message=message
        )
        outcome = structured_call(
            model, IntentChoice, [HumanMessage(content=prompt)], fallback=lambda: IntentChoice(intent=OTHER),
            task="copilot_intent",
        )  # fmt: skip
        return outcome.value.intent if outcome.from_model else None

    routing = route(message, previous=state.get("intent"), allowed={*registry.intents(), OTHER}, choose=choose)
    logger.debug("intent %s by %s (%s) in %.1f ms", routing.intent, routing.engine, routing.reason, routing.ms)
    return {
        "message": message,
        "messages": [HumanMessage(content=message)],
        "intent": routing.intent,
        "intent_engine": routing.engine,
        "intent_options": list(routing.options),
        "intent_decision": None,
        "routing_ms": routing.ms,
        **turn("", language=detect_language(message)),
    }


def _node_for(intent: str | None) -> str:
    entry = registry.by_intent(str(intent))
    if entry is None:
        return OTHER
    return entry.name if entry.reachable("chat") else COMING_SOON


def route_after_classify(state: CopilotState) -> str:
    """The node of the use case the intent names (registry names are the node names), ``coming_soon`` for one not
    built yet, ``ask_intent`` when undecided, else ``other``."""
    return "ask_intent" if state.get("intent") is None else _node_for(state.get("intent"))


# ----- which did you mean? -------------------------------------------------------------------


def ask_intent(state: CopilotState) -> dict[str, Any]:
    """Pause with the close readings as buttons; what the answer means is decided in ``apply_intent_choice``."""
    language = state.get("language") or "en"
    options = [*state.get("intent_options", []), OTHER]
    choices = [
        {"intent": intent, "label": copy.choice_label(intent, language),
         "labels": {lang: copy.choice_label(intent, lang) for lang in ("en", "vi")}}
        for intent in options
    ]  # fmt: skip
    lines = [f"{number}. {choice['label']}" for number, choice in enumerate(choices, start=1)]
    card = human_interrupt(
        CHOOSE_INTENT_ACTION, {"choices": choices, "message": state["message"]},
        "\n".join([copy.which_question(language), "", *lines]), accept=False, edit=True, respond=True, ignore=True,
    )  # fmt: skip
    return {"intent_decision": dict(ask_human(card))}


def apply_intent_choice(state: CopilotState) -> dict[str, Any]:
    """A button (``edit`` with the intent), a number or the words of a choice (``response``), or nothing."""
    decision = state.get("intent_decision") or {}
    options = [*state.get("intent_options", []), OTHER]
    language = state.get("language") or "en"
    chosen: str | None = None
    if decision.get("type") == "edit":
        chosen = str((decision.get("args") or {}).get("intent") or "")
    elif decision.get("type") == "response":
        text = str(decision.get("args") or "")
        number = _NUMBER.match(text)
        if number and 1 <= int(number.group(1)) <= len(options):
            chosen = options[int(number.group(1)) - 1]
        else:
            words = set(fold_words(text))
            fits = [option for option in options if words & set(fold_words(copy.choice_label(option, language)))]
            chosen = fits[0] if len(fits) == 1 else None
    if chosen not in options:
        chosen = OTHER
    return {"intent": chosen, "intent_engine": "rm"}


def route_after_apply_intent_choice(state: CopilotState) -> str:
    return _node_for(state.get("intent"))


# ----- the use cases -------------------------------------------------------------------------


class RoomNode:
    """The co-pilot's one adapter, for any room: the message in under the room's input key, its turn out."""

    def __init__(self, entry: registry.UseCase) -> None:
        self.entry = entry
        self.__name__ = entry.name

    def __call__(self, state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
        output = _room(self.entry).invoke({self.entry.input_key: state["message"]}, context=runtime.context)
        return turn_of({"language": state.get("language") or "en", **output})


def coming_soon(state: CopilotState) -> dict[str, Any]:
    """An announced use case not built yet: say so, and what the co-pilot can do now (never another's answer)."""
    language = state.get("language") or "en"
    entry = registry.by_intent(str(state.get("intent")))
    assert entry is not None  # route_after_classify sends only announced intents here
    return turn(
        copy.coming_soon(entry, language),
        language=language,
        result={"coming": entry.name},
        understood_as=copy.coming_understood(entry, language),
    )


def other(state: CopilotState) -> dict[str, Any]:
    """Not a use case: say what the co-pilot can do, with examples, in the RM's language."""
    language = state.get("language") or "en"
    return turn(copy.help_text(language), language=language)


# ----- respond -------------------------------------------------------------------------------


def respond(state: CopilotState) -> dict[str, Any]:
    """The turn's answer joins the conversation."""
    return {"messages": [AIMessage(content=state.get("answer") or "")]}
