"""The prioritization graph: read the request → (a day plan | documents → synthesize → ideal client → similar
clients → rules + re-rank → justify).

A request with no product and no selling goal ("who should I call today?") is a day plan from the RM's own
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
builder.add_node("search_candidates", nodes.search_candidates)
builder.add_node("apply_policy", nodes.apply_policy)
builder.add_node("justify", nodes.justify)
builder.add_node("finish", nodes.finish)

builder.add_edge(START, "read_request")
builder.add_conditional_edges("read_request", nodes.route_after_read_request, ["plan_day", "retrieve_documents"])
builder.add_edge("plan_day", END)
builder.add_conditional_edges("retrieve_documents", nodes.route_after_retrieve_documents, ["synthesize", "finish"])
builder.add_edge("synthesize", "pseudo_profile")
builder.add_edge("pseudo_profile", "search_candidates")
builder.add_conditional_edges("search_candidates", nodes.route_after_search_candidates, ["apply_policy", "finish"])
builder.add_edge("apply_policy", "justify")
builder.add_edge("justify", END)
builder.add_edge("finish", END)

graph = builder.compile()
graph.name = "prioritization"
