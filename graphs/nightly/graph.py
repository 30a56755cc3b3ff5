"""The nightly catch-up graph: start → scan → (gather a wave → draft each event (Send) → store)* → finish.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph
Studio. The scheduler and ``agentify nightly`` compile ``builder`` with the store's
checkpointer on a thread per night (``nightly:<date>:<rm or bank>``), so a killed run
resumes at its last finished step; drafts are saved once per event key whatever happens.
Run it with ``{"date": "YYYY-MM-DD"}`` (default: the bank's today) and a ``NightlyContext``;
``max_concurrency`` in the config bounds the drafts running at once.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import NightlyContext
from graphs.nightly import nodes
from graphs.nightly.state import EventTask, NightlyInput, NightlyState
from graphs.turn import TurnOutput

builder = StateGraph(NightlyState, context_schema=NightlyContext, input_schema=NightlyInput, output_schema=TurnOutput)
builder.add_node("start_run", nodes.start_run)
builder.add_node("scan", nodes.scan)
builder.add_node("gather_context", nodes.gather_context)
builder.add_node("draft_event", nodes.draft_event, input_schema=EventTask)
builder.add_node("store_drafts", nodes.store_drafts)
builder.add_node("finish", nodes.finish)

builder.add_edge(START, "start_run")
builder.add_edge("start_run", "scan")
builder.add_conditional_edges("scan", nodes.route_after_scan, ["gather_context", "finish"])
builder.add_conditional_edges("gather_context", nodes.route_after_gather_context, ["draft_event", "store_drafts"])
builder.add_edge("draft_event", "store_drafts")
builder.add_conditional_edges("store_drafts", nodes.route_after_store_drafts, ["gather_context", "finish"])
builder.add_edge("finish", END)

graph = builder.compile()
graph.name = "nightly"
