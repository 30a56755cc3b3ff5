"""The co-pilot graph: classify → (which did you mean? →) one use case (its room, run as a subgraph) → respond.

The use cases are the registry's (``graphs.registry``, surface "chat"): one node each, named like the
use case, all with the same adapter (``nodes.RoomNode``); the announced ones not built yet share the
``coming_soon`` node. ``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph
Studio / ``langgraph dev`` (which bring their own). Every other runtime compiles ``builder`` with a
checkpointer (``stores.checkpoints.open_checkpointer``): the thread is the conversation memory, the
performance follow-ups and the rooms' pauses all live on it.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph

from graphs import registry
from graphs.context import AgentContext
from graphs.copilot import nodes
from graphs.copilot.state import OTHER, CopilotOutput, CopilotState
from graphs.turn import TurnInput


def build() -> StateGraph[Any, Any, Any, Any]:
    """The co-pilot over the registry's chat use cases as they are now (tests may register more)."""
    rooms = [entry.name for entry in registry.reachable("chat")]
    answers = [*rooms, nodes.COMING_SOON, OTHER]
    graph_builder = StateGraph(
        CopilotState, context_schema=AgentContext, input_schema=TurnInput, output_schema=CopilotOutput
    )
    graph_builder.add_node("classify", nodes.classify)
    graph_builder.add_node("ask_intent", nodes.ask_intent)
    graph_builder.add_node("apply_intent_choice", nodes.apply_intent_choice)
    for entry in registry.reachable("chat"):
        graph_builder.add_node(entry.name, nodes.RoomNode(entry))
    graph_builder.add_node(nodes.COMING_SOON, nodes.coming_soon)
    graph_builder.add_node(OTHER, nodes.other)
    graph_builder.add_node("respond", nodes.respond)

    graph_builder.add_edge(START, "classify")
    graph_builder.add_conditional_edges("classify", nodes.route_after_classify, [*answers, "ask_intent"])
    graph_builder.add_edge("ask_intent", "apply_intent_choice")
    graph_builder.add_conditional_edges("apply_intent_choice", nodes.route_after_apply_intent_choice, answers)
    for name in answers:
        graph_builder.add_edge(name, "respond")
    graph_builder.add_edge("respond", END)
    return graph_builder


builder = build()
graph = builder.compile()
graph.name = "copilot"
