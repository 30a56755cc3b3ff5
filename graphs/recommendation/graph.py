"""The recommendation graph: understand → which client (``graphs.clarify``) → recommend → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. It writes nothing.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.clarify import add_client_step
from graphs.context import AgentContext
from graphs.recommendation import nodes
from graphs.recommendation.state import RecommendationInput, RecommendationState
from graphs.turn import TurnOutput

builder = StateGraph(
    RecommendationState, context_schema=AgentContext, input_schema=RecommendationInput, output_schema=TurnOutput
)
builder.add_node("understand", nodes.understand)
builder.add_node("recommend", nodes.recommend)
builder.add_node("answer", nodes.answer)
add_client_step(builder, then="recommend")

builder.add_edge(START, "understand")
builder.add_conditional_edges("understand", nodes.route_after_understand, ["recommend", "identify_client"])
builder.add_edge("recommend", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "recommendation"
