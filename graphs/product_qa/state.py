"""What the product & policy Q&A carries from the RM's question to the cited answer (plain JSON)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.turn import RequestText, TurnOutput


class ProductQaInput(TypedDict):
    question: RequestText


class ProductQaState(TurnOutput, total=False):
    question: Required[str]
    #: ``tools.knowledge.qa.QaAnswer.as_json()``: the answer, its sources, the products and aspects read.
    found: dict[str, Any]
