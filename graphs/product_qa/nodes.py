"""The Q&A's steps: the question → the documents' own lines, cited (``tools.knowledge.qa``) → the answer.

The engine decides what the documents say; the optional model only rewrites their lines as prose and is kept only
when every figure it writes is in them.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.product_qa import copy
from graphs.product_qa.state import ProductQaState
from graphs.turn import covered, read_text, turn
from tools.knowledge.qa import answer_question


def look_up(state: ProductQaState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """What the bank's documents say, with the ids they are cited by."""
    question = read_text(state["question"])
    found = answer_question(runtime.context.database(), question, model=runtime.context.chat_model())
    return {"question": question, "language": found.language, "found": found.as_json()}


def answer(state: ProductQaState) -> dict[str, Any]:
    """The cited answer, or "not in our documents" naming what is missing; what was understood, always."""
    found = state["found"]
    language = found["language"]
    understood = copy.understood_as(found, language)
    result = {key: found[key] for key in ("status", "sources", "products", "aspects", "missing", "table", "engine")}
    reply = turn(found["answer"], result=result, language=language, citations=list(found["sources"]),
                 understood_as=understood)  # fmt: skip
    return covered(state["question"], reply)
