"""The compliance check graph: read the message → check it against the bank's rules → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. Nothing is
written: the answer lists what the message breaks, with the words and the rule, and a suggested version.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.compliance_check import nodes
from graphs.compliance_check.state import ComplianceCheckInput, ComplianceCheckState
from graphs.context import AgentContext
from graphs.turn import TurnOutput

builder = StateGraph(
    ComplianceCheckState, context_schema=AgentContext, input_schema=ComplianceCheckInput, output_schema=TurnOutput
)
builder.add_node("read_message", nodes.read_message)
builder.add_node("check", nodes.check)
builder.add_node("answer", nodes.answer)

builder.add_edge(START, "read_message")
builder.add_edge("read_message", "check")
builder.add_edge("check", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "compliance_check"
