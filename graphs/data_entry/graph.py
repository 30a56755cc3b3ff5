"""The data-entry graph: extract → resolve client → normalize → confirm (interrupt) → write → finish.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for
LangGraph Studio / ``langgraph dev`` (which bring their own). Every other
runtime compiles ``builder`` with its own checkpointer, e.g.
``builder.compile(checkpointer=saver)`` from ``stores.checkpoints``.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.data_entry import nodes
from graphs.data_entry.state import DataEntryInput, DataEntryState

builder = StateGraph(DataEntryState, context_schema=AgentContext, input_schema=DataEntryInput)
builder.add_node("extract", nodes.extract)
builder.add_node("resolve_client", nodes.resolve_client)
builder.add_node("ask_client", nodes.ask_client)
builder.add_node("apply_client_choice", nodes.apply_client_choice)
builder.add_node("normalize", nodes.normalize)
builder.add_node("confirm", nodes.confirm)
builder.add_node("apply_edit", nodes.apply_edit)
builder.add_node("take_correction", nodes.take_correction)
builder.add_node("write", nodes.write)
builder.add_node("finish", nodes.finish)
builder.add_node("cancelled", nodes.cancelled)

builder.add_edge(START, "extract")
builder.add_conditional_edges("extract", nodes.route_after_extract, ["resolve_client", "normalize"])
builder.add_conditional_edges("resolve_client", nodes.route_after_resolve_client, ["normalize", "ask_client"])
builder.add_edge("ask_client", "apply_client_choice")
builder.add_conditional_edges(
    "apply_client_choice",
    nodes.route_after_apply_client_choice,
    ["normalize", "ask_client", "resolve_client", "cancelled"],
)
builder.add_edge("normalize", "confirm")
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
