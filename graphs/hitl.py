"""Human-in-the-loop payloads in the Agent Inbox shape (``HumanInterrupt`` / ``HumanResponse``).

LangGraph 1.x deprecated its prebuilt copies of these types and the module they
point to is not in this langchain release, so the shape is declared here, field
for field. A graph pauses with ``interrupt([HumanInterrupt])`` and is resumed
with ``Command(resume=[HumanResponse])`` (a bare dict is accepted too).
"""

from __future__ import annotations

from typing import Any, Final, Literal, cast

from langgraph.types import interrupt
from typing_extensions import TypedDict

ResponseType = Literal["accept", "ignore", "response", "edit"]

#: The cards that ask the RM a question (a button, a typed number or words answer it), not for a confirmation.
CHOOSE_CLIENT_ACTION = "choose_client"
CHOOSE_INTENT_ACTION = "choose_intent"
QUESTION_ACTIONS = frozenset({CHOOSE_CLIENT_ACTION, CHOOSE_INTENT_ACTION})


class ActionRequest(TypedDict):
    action: str
    args: dict[str, Any]


class HumanInterruptConfig(TypedDict):
    allow_ignore: bool
    allow_respond: bool
    allow_edit: bool
    allow_accept: bool


class HumanInterrupt(TypedDict):
    action_request: ActionRequest
    config: HumanInterruptConfig
    description: str | None


class HumanResponse(TypedDict):
    type: ResponseType
    args: str | ActionRequest | dict[str, Any] | None


class InvalidResponse(ValueError):
    """A resume value that is not a HumanResponse."""


def human_interrupt(
    action: str,
    args: dict[str, Any],
    description: str,
    *,
    accept: bool = True,
    edit: bool = True,
    respond: bool = True,
    ignore: bool = True,
) -> HumanInterrupt:
    return HumanInterrupt(
        action_request=ActionRequest(action=action, args=args),
        config=HumanInterruptConfig(allow_accept=accept, allow_edit=edit, allow_respond=respond, allow_ignore=ignore),
        description=description,
    )


def read_response(value: Any, request: HumanInterrupt) -> HumanResponse:
    """The human's answer, checked against what the request allowed."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict) or value.get("type") not in ("accept", "ignore", "response", "edit"):
        raise InvalidResponse("resume with {'type': 'accept'|'edit'|'response'|'ignore', 'args': ...}")
    kind = cast(ResponseType, value["type"])
    allowed = {
        "accept": request["config"]["allow_accept"],
        "edit": request["config"]["allow_edit"],
        "response": request["config"]["allow_respond"],
        "ignore": request["config"]["allow_ignore"],
    }
    if not allowed[kind]:
        raise InvalidResponse(f"'{kind}' is not allowed for {request['action_request']['action']}")
    args = value.get("args")
    if kind == "response" and (not isinstance(args, str) or not args.strip()):
        raise InvalidResponse("a 'response' carries the correction as text in 'args'")
    if kind == "edit":
        if isinstance(args, dict) and "args" in args and isinstance(args["args"], dict):
            args = args["args"]  # an ActionRequest
        if not isinstance(args, dict):
            raise InvalidResponse("an 'edit' carries the corrected fields as an object in 'args'")
    return HumanResponse(type=kind, args=args)


def ask_human(request: HumanInterrupt) -> HumanResponse:
    """Pause the graph with ``request`` until a valid answer comes back.

    An invalid answer does not crash the run: the same request comes back with the reason on top.
    (On resume LangGraph replays this function; each ``interrupt`` call takes the answer given to it.)
    """
    while True:
        answer = interrupt([request])
        try:
            return read_response(answer, request)
        except InvalidResponse as error:
            request = {**request, "description": f"⚠ {error}\n\n{request['description']}"}


#: Threads that pause for the RM are checkpointed before each next step starts (LangGraph's default
#: "async" saves while the next step runs, so a kill could lose the step that recorded the RM's accept).
THREAD_DURABILITY: Final = "sync"


def unfinished(snapshot: Any) -> bool:
    """A run a crash cut short: steps are due and none of them waits for the RM."""
    return bool(snapshot.next) and not snapshot.interrupts


def continue_unfinished(graph: Any, config: dict[str, Any], context: Any) -> bool:
    """Carry a cut-short run on to its next pause or its end (its finished steps are not redone).

    Every write of the graphs is idempotent by a key of the thread, so a step that wrote and died
    before its checkpoint writes nothing twice when it runs again. True when there was a run to carry on.
    """
    if not unfinished(graph.get_state(config)):
        return False
    graph.invoke(None, config, context=context, durability=THREAD_DURABILITY)
    return True
