"""The product search graph: search (the need, refined by the thread's earlier needs) → answer (ranked, with why).

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio. It writes nothing.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.product_search import nodes
from graphs.product_search.state import ProductSearchInput, ProductSearchState
from graphs.turn import TurnOutput

builder = StateGraph(
    ProductSearchState, context_schema=AgentContext, input_schema=ProductSearchInput, output_schema=TurnOutput
)
builder.add_node("search", nodes.search)
builder.add_node("answer", nodes.answer)
builder.add_edge(START, "search")
builder.add_edge("search", "answer")
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "product_search"
