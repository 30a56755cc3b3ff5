"""The attrition scan graph: read the request → scan the RM's clients → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. Nothing is
written: the answer is a ranked list with each client's signs of leaving and a retention step.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.attrition_scan import nodes
from graphs.attrition_scan.state import AttritionScanInput, AttritionScanState
from graphs.context import AgentContext
from graphs.turn import TurnOutput

builder = StateGraph(
    AttritionScanState, context_schema=AgentContext, input_schema=AttritionScanInput, output_schema=TurnOutput
)
builder.add_node("read_request", nodes.read_request)
builder.add_node("scan", nodes.scan)
builder.add_node("answer", nodes.answer)

builder.add_edge(START, "read_request")
builder.add_edge("read_request", "scan")
builder.add_edge("scan", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "attrition_scan"
