"""The drafting graph: understand → which client (``graphs.clarify``) → load client → find facts → take tone →
compose → check → answer (or, for an occasion too far ahead, not near → end).

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. It writes
nothing: the draft is shown to the RM, who sends it (or not).
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.clarify import add_client_step
from graphs.context import AgentContext
from graphs.drafting import nodes
from graphs.drafting.state import DraftingInput, DraftingState
from graphs.turn import TurnOutput

builder = StateGraph(DraftingState, context_schema=AgentContext, input_schema=DraftingInput, output_schema=TurnOutput)
builder.add_node("understand", nodes.understand)
builder.add_node("load_client", nodes.load_client)
builder.add_node("find_facts", nodes.find_facts)
builder.add_node("not_near", nodes.not_near)
builder.add_node("take_tone", nodes.take_tone)
builder.add_node("compose", nodes.compose)
builder.add_node("check", nodes.check)
builder.add_node("answer", nodes.answer)
add_client_step(builder, then="load_client")

builder.add_edge(START, "understand")
builder.add_conditional_edges("understand", nodes.route_after_understand, ["load_client", "identify_client"])
builder.add_conditional_edges("load_client", nodes.route_after_load_client, ["find_facts", END])
builder.add_conditional_edges("find_facts", nodes.route_after_find_facts, ["take_tone", "not_near"])
builder.add_edge("not_near", END)
builder.add_edge("take_tone", "compose")
builder.add_edge("compose", "check")
builder.add_edge("check", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "drafting"
