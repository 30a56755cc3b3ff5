"""The data-entry graph: extract → which client (``graphs.clarify``) → propose → confirm (interrupt) → write → finish.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio /
``langgraph dev`` (which bring their own). Every other runtime compiles ``builder`` with its own
checkpointer, e.g. ``builder.compile(checkpointer=saver)`` from ``stores.checkpoints``.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.clarify import add_client_step
from graphs.context import AgentContext
from graphs.data_entry import nodes
from graphs.data_entry.state import DataEntryInput, DataEntryState
from graphs.turn import TurnOutput

builder = StateGraph(DataEntryState, context_schema=AgentContext, input_schema=DataEntryInput, output_schema=TurnOutput)
builder.add_node("extract", nodes.extract)
builder.add_node("propose", nodes.propose)
builder.add_node("confirm", nodes.confirm)
builder.add_node("apply_edit", nodes.apply_edit)
builder.add_node("take_correction", nodes.take_correction)
builder.add_node("write", nodes.write)
builder.add_node("finish", nodes.finish)
builder.add_node("cancelled", nodes.cancelled)
add_client_step(builder, then="propose")

builder.add_edge(START, "extract")
builder.add_conditional_edges("extract", nodes.route_after_extract, ["propose", "identify_client"])
builder.add_edge("propose", "confirm")
builder.add_conditional_edges(
    "confirm", nodes.route_after_confirm, ["write", "apply_edit", "take_correction", "cancelled"]
)
builder.add_conditional_edges("apply_edit", nodes.route_after_apply_edit, ["confirm", "write"])
builder.add_edge("take_correction", "extract")
builder.add_conditional_edges("write", nodes.route_after_write, ["finish", "confirm"])
builder.add_edge("finish", END)
builder.add_edge("cancelled", END)

graph = builder.compile()
graph.name = "data_entry"
