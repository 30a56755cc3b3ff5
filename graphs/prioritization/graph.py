"""The prioritization graph: read the request → (a day plan | documents → synthesize → ideal client → profile
similarity → filters, rules and evidence → justify).

A request with no product, no filter and no goal ("who should I call today?") is a day plan from the RM's own
events (``plan_day``); the others are ranked for the product or goal.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for
LangGraph Studio / ``langgraph dev``. No step interrupts: the result is a
ranked list for the RM to act on, nothing is written.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.prioritization import nodes
from graphs.prioritization.state import PrioritizationInput, PrioritizationState
from graphs.turn import TurnOutput

builder = StateGraph(
    PrioritizationState, context_schema=AgentContext, input_schema=PrioritizationInput, output_schema=TurnOutput
)
builder.add_node("read_request", nodes.read_request)
builder.add_node("plan_day", nodes.plan_day)
builder.add_node("retrieve_documents", nodes.retrieve_documents)
builder.add_node("synthesize", nodes.synthesize)
builder.add_node("pseudo_profile", nodes.pseudo_profile)
builder.add_node("score_similarity", nodes.score_similarity)
builder.add_node("rank", nodes.rank)
builder.add_node("justify", nodes.justify)

builder.add_edge(START, "read_request")
builder.add_conditional_edges("read_request", nodes.route_after_read_request, ["plan_day", "retrieve_documents"])
builder.add_edge("plan_day", END)
builder.add_edge("retrieve_documents", "synthesize")
builder.add_edge("synthesize", "pseudo_profile")
builder.add_edge("pseudo_profile", "score_similarity")
builder.add_edge("score_similarity", "rank")
builder.add_edge("rank", "justify")
builder.add_edge("justify", END)

graph = builder.compile()
graph.name = "prioritization"
