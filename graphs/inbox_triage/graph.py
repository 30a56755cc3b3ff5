"""The inbox triage graph: the RM's unread messages → each one's topic and urgency → the inbox grouped by urgency.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. Nothing is written:
the messages stay unread until the RM opens or answers them.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.inbox_triage import nodes
from graphs.inbox_triage.state import InboxTriageInput, InboxTriageState
from graphs.turn import TurnOutput

builder = StateGraph(
    InboxTriageState, context_schema=AgentContext, input_schema=InboxTriageInput, output_schema=TurnOutput
)
builder.add_node("read_inbox", nodes.read_inbox)
builder.add_node("classify", nodes.classify)
builder.add_node("answer", nodes.answer)

builder.add_edge(START, "read_inbox")
builder.add_edge("read_inbox", "classify")
builder.add_edge("classify", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "inbox_triage"
