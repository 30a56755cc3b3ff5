"""The co-pilot graph: classify → one use case (its own graph, run as a subgraph) → respond.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio /
``langgraph dev`` (which bring their own). Every other runtime compiles ``builder`` with a
checkpointer (``stores.checkpoints.open_checkpointer``): the thread is the conversation memory,
the performance follow-ups and the data-entry confirmation all live on it.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.copilot import nodes
from graphs.copilot.state import CopilotInput, CopilotState

builder = StateGraph(CopilotState, context_schema=AgentContext, input_schema=CopilotInput)
builder.add_node("classify", nodes.classify)
builder.add_node("prioritization", nodes.prioritization)
builder.add_node("next_best_action", nodes.next_best_action)
builder.add_node("performance_report", nodes.performance_report)
builder.add_node("data_entry", nodes.data_entry)
builder.add_node("drafting", nodes.drafting)
builder.add_node("other", nodes.other)
builder.add_node("respond", nodes.respond)

builder.add_edge(START, "classify")
builder.add_conditional_edges("classify", nodes.route_after_classify, list(nodes.USE_CASE_NODES.values()))
for use_case in nodes.USE_CASE_NODES.values():
    builder.add_edge(use_case, "respond")
builder.add_edge("respond", END)

graph = builder.compile()
graph.name = "copilot"
