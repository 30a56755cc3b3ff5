"""The product & policy Q&A graph: look_up (the bank's documents only) → answer (cited, or "not in our documents").

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. It reads documents
and writes nothing.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.product_qa import nodes
from graphs.product_qa.state import ProductQaInput, ProductQaState
from graphs.turn import TurnOutput

builder = StateGraph(ProductQaState, context_schema=AgentContext, input_schema=ProductQaInput, output_schema=TurnOutput)
builder.add_node("look_up", nodes.look_up)
builder.add_node("answer", nodes.answer)

builder.add_edge(START, "look_up")
builder.add_edge("look_up", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "product_qa"
