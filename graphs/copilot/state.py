"""What the co-pilot carries per thread: the conversation and the latest turn (plain JSON + messages)."""

from __future__ import annotations

from typing import Annotated, Any

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel, Field, field_validator

from graphs import registry
from graphs.turn import TurnOutput

#: The answer for a message that is none of the use cases (small talk, thanks, out of scope).
OTHER = "other"


class CopilotOutput(TurnOutput, total=False):
    """A chat turn: the room's ``TurnOutput``, which use case answered, and the conversation so far."""

    intent: str
    messages: Annotated[list[AnyMessage], add_messages]


class CopilotState(CopilotOutput, total=False):
    #: The RM's latest message (the input); the conversation itself is ``messages``.
    message: str
    #: "rules", "learned", "model", "follow-up" or "rm" (the RM chose a button): who chose the intent.
    intent_engine: str
    #: When two readings were too close to call: the intents offered as buttons, best first.
    intent_options: list[str]
    #: The RM's answer to the "which did you mean?" card.
    intent_decision: dict[str, Any] | None
    #: How long the routing took.
    routing_ms: float


class IntentChoice(BaseModel):
    """The model's choice among the close readings: one label of the registry's (or ``other``)."""

    intent: str = Field(description="the use case the message asks for")

    @field_validator("intent")
    @classmethod
    def _known(cls, value: Any) -> str:
        label = str(value).strip()
        if label != OTHER and label not in registry.intents():
            raise ValueError(f"unknown intent {label!r}")
        return label
