"""The inbox triage graph: read_inbox → classify → draft_replies → review (interrupt) → save → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. Nothing is written
before the RM accepts the review card; then the reply drafts go to the RM's drafts (reviewed, edited and sent like
the morning drafts) and the messages are marked read.
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
builder.add_node("draft_replies", nodes.draft_replies)
builder.add_node("review", nodes.review)
builder.add_node("save", nodes.save)
builder.add_node("answer", nodes.answer)

builder.add_edge(START, "read_inbox")
builder.add_edge("read_inbox", "classify")
builder.add_conditional_edges("classify", nodes.route_after_classify, ["draft_replies", "answer"])
builder.add_edge("draft_replies", "review")
builder.add_conditional_edges("review", nodes.route_after_review, ["save", "answer"])
builder.add_edge("save", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "inbox_triage"
