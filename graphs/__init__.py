"""The use cases as LangGraph graphs, one folder each (state.py, nodes.py, graph.py)."""
