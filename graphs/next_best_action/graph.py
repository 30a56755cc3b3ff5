"""The next-best-action graph: understand → which client (``graphs.clarify``) → client 360 → detect → rank →
retrieve → recommend → draft → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer (LangGraph Studio brings its own).
On a thread, a request that does not name one clear client of the signed-in RM pauses on the shared
"which client?" card and continues with the RM's answer; a run without a checkpointer (LangServe) ends
with ``needs_clarification`` and the RM's own candidates.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.clarify import add_client_step
from graphs.context import AgentContext
from graphs.next_best_action import nodes
from graphs.next_best_action.state import NextBestActionInput, NextBestActionState
from graphs.turn import TurnOutput

builder = StateGraph(
    NextBestActionState, context_schema=AgentContext, input_schema=NextBestActionInput, output_schema=TurnOutput
)
builder.add_node("understand", nodes.understand)
builder.add_node("load_client", nodes.load_client)
builder.add_node("detect_triggers", nodes.detect)
builder.add_node("rank_triggers", nodes.rank)
builder.add_node("retrieve_context", nodes.retrieve_context)
builder.add_node("recommend", nodes.recommend)
builder.add_node("draft_message", nodes.draft_message)
builder.add_node("answer", nodes.answer)
add_client_step(builder, then="load_client")

builder.add_edge(START, "understand")
builder.add_edge("understand", "identify_client")
builder.add_edge("load_client", "detect_triggers")
builder.add_edge("detect_triggers", "rank_triggers")
builder.add_edge("rank_triggers", "retrieve_context")
builder.add_edge("retrieve_context", "recommend")
builder.add_edge("recommend", "draft_message")
builder.add_edge("draft_message", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "next_best_action"
