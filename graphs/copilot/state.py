"""What the co-pilot carries per thread: the conversation and the latest turn's answer (plain JSON + messages)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

Intent = Literal["prioritization", "next_best_action", "performance_report", "data_entry", "drafting", "other"]
Status = Literal["answered", "awaiting_confirmation", "written", "cancelled", "needs_clarification"]


class CopilotInput(TypedDict):
    message: str


class CopilotState(TypedDict, total=False):
    #: The RM's latest message (the input); the conversation itself is ``messages``.
    message: str
    #: The conversation memory of the thread: HumanMessage / AIMessage.
    messages: Annotated[list[AnyMessage], add_messages]
    intent: Intent
    #: "rules" or "model": who chose the intent.
    intent_engine: str
    #: The language the RM wrote in (``en`` / ``vi``); the answer is in it.
    language: str
    #: The text shown to the RM for the latest turn.
    answer: str
    #: An inline SVG chart from a performance answer, else None.
    chart_svg: str | None
    #: The use case's structured output (top clients, the draft, the report rows, the logged interaction).
    result: dict[str, Any]
    status: Status


class IntentChoice(BaseModel):
    """The model's reading of what the RM asks for: one label from a fixed list."""

    intent: Intent = Field(description="the use case the message asks for")
