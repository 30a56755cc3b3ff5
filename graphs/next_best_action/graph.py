"""The next-best-action graph: identify client → client 360 → detect → rank → retrieve → recommend → draft.

``builder`` is the graph; ``graph`` is compiled without a checkpointer (LangGraph Studio brings its own).
It never interrupts: a request that does not name one clear client of the signed-in RM ends with
``needs_clarification`` and the RM's own candidates. Works with or without a checkpointer.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.next_best_action import nodes
from graphs.next_best_action.state import NextBestActionInput, NextBestActionState

builder = StateGraph(NextBestActionState, context_schema=AgentContext, input_schema=NextBestActionInput)
builder.add_node("identify_client", nodes.identify_client)
builder.add_node("clarify", nodes.clarify)
builder.add_node("load_client", nodes.load_client)
builder.add_node("detect_triggers", nodes.detect)
builder.add_node("rank_triggers", nodes.rank)
builder.add_node("retrieve_context", nodes.retrieve_context)
builder.add_node("recommend", nodes.recommend)
builder.add_node("draft_message", nodes.draft_message)

builder.add_edge(START, "identify_client")
builder.add_conditional_edges("identify_client", nodes.route_after_identify_client, ["load_client", "clarify"])
builder.add_edge("clarify", END)
builder.add_edge("load_client", "detect_triggers")
builder.add_edge("detect_triggers", "rank_triggers")
builder.add_edge("rank_triggers", "retrieve_context")
builder.add_edge("retrieve_context", "recommend")
builder.add_edge("recommend", "draft_message")
builder.add_edge("draft_message", END)

graph = builder.compile()
graph.name = "next_best_action"
