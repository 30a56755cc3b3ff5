"""The pre-call briefing graph: understand → which client (``graphs.clarify``) → brief → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer (LangGraph Studio brings its own). A request
that does not name one clear client of the signed-in RM pauses on the shared "which client?" card on a thread;
without a checkpointer (LangServe) it ends with ``needs_clarification`` and the RM's own candidates.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.briefing import nodes
from graphs.briefing.state import BriefingInput, BriefingState
from graphs.clarify import add_client_step
from graphs.context import AgentContext
from graphs.turn import TurnOutput

builder = StateGraph(BriefingState, context_schema=AgentContext, input_schema=BriefingInput, output_schema=TurnOutput)
builder.add_node("understand", nodes.understand)
builder.add_node("brief", nodes.brief)
builder.add_node("answer", nodes.answer)
add_client_step(builder, then="brief")

builder.add_edge(START, "understand")
builder.add_edge("understand", "identify_client")
builder.add_edge("brief", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "briefing"
