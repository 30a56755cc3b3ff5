"""A room written the way a newcomer writes one: the same doors as every room, nothing registered elsewhere.

It answers with the request it was given, in the words of its own ``WORDS`` (what a ``copy.py`` holds).
``tests/graphs/test_registry.py`` adds it to the registry with one line and checks that the chat, Studio,
the HTTP threads, LangServe and the eval runner all reach it.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

from graphs.context import AgentContext
from graphs.turn import TurnOutput, read_text, turn

WORDS = {"en": "You said: {text}", "vi": "Anh/chị vừa nói: {text}"}


class EchoInput(TypedDict):
    request: str


class EchoState(TurnOutput, total=False):
    request: str


def echo(state: EchoState) -> dict[str, Any]:
    text = read_text(state["request"])
    return turn(WORDS["en"].format(text=text), result={"echoed": text}, understood_as="An echo")


builder = StateGraph(EchoState, context_schema=AgentContext, input_schema=EchoInput, output_schema=TurnOutput)
builder.add_node("echo", echo)
builder.add_edge(START, "echo")
builder.add_edge("echo", END)

graph = builder.compile()
graph.name = "echo"
