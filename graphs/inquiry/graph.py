"""The customer inquiry bot: read → (a code for a waiting message → check) | classify → look_up → answer |
escalate.

A public door: no RM, no client's data. The one write is ``escalate`` (``tools.inquiry.escalation``): the message
to the verified client's RM inbox or to the contact centre's queue, once per message. ``builder`` is the graph;
``graph`` is compiled without a checkpointer for LangGraph Studio; the HTTP door keeps one thread per session.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import PublicContext
from graphs.inquiry import nodes
from graphs.inquiry.state import InquiryInput, InquiryState
from graphs.turn import TurnOutput

builder = StateGraph(InquiryState, context_schema=PublicContext, input_schema=InquiryInput, output_schema=TurnOutput)
builder.add_node("read", nodes.read)
builder.add_node("check_code", nodes.check_code)
builder.add_node("classify", nodes.classify)
builder.add_node("look_up", nodes.look_up)
builder.add_node("answer", nodes.answer)
builder.add_node("escalate", nodes.escalate)

builder.add_edge(START, "read")
builder.add_conditional_edges("read", nodes.route_after_read, ["check_code", "classify"])
builder.add_edge("check_code", END)
builder.add_edge("classify", "look_up")
builder.add_conditional_edges("look_up", nodes.route_after_look_up, ["answer", "escalate"])
builder.add_edge("answer", END)
builder.add_edge("escalate", END)

graph = builder.compile()
graph.name = "inquiry"
