"""The performance graph: understand → list tables → fetch schemas → select columns → generate SQL → validate
→ execute → answer.

``builder`` is the graph; ``graph`` is compiled without a checkpointer for LangGraph Studio /
``langgraph dev``. Compile ``builder`` with a checkpointer to hold a conversation: on the same thread a
follow-up ("and last month?") builds on the previous question.
"""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from graphs.context import AgentContext
from graphs.performance import nodes
from graphs.performance.state import PerformanceInput, PerformanceState
from graphs.turn import TurnOutput

builder = StateGraph(
    PerformanceState, context_schema=AgentContext, input_schema=PerformanceInput, output_schema=TurnOutput
)
builder.add_node("understand", nodes.understand)
builder.add_node("list_tables", nodes.list_tables)
builder.add_node("fetch_schemas", nodes.fetch_schemas)
builder.add_node("select_columns", nodes.select_columns)
builder.add_node("generate_sql", nodes.generate_sql)
builder.add_node("validate", nodes.validate)
builder.add_node("execute", nodes.execute)
builder.add_node("answer", nodes.answer)

builder.add_edge(START, "understand")
builder.add_conditional_edges("understand", nodes.route_after_understand, ["list_tables", END])
builder.add_edge("list_tables", "fetch_schemas")
builder.add_edge("fetch_schemas", "select_columns")
builder.add_edge("select_columns", "generate_sql")
builder.add_edge("generate_sql", "validate")
builder.add_conditional_edges("validate", nodes.route_after_validate, ["execute", "generate_sql", "answer"])
builder.add_conditional_edges("execute", nodes.route_after_execute, ["generate_sql", "answer"])
builder.add_edge("answer", END)

graph = builder.compile()
graph.name = "performance"
