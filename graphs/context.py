"""The runtime context every graph runs with (LangGraph ``context_schema``).

Who is signed in and which model to use are facts of the run, not of the
conversation: they come from the caller (token, CLI flag, eval runner), never
from chat text.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

MODEL_ENV = "AGENTIFY_MODEL"


def _default_model() -> str:
    return os.environ.get(MODEL_ENV, "none")


@dataclass(frozen=True)
class AgentContext:
    """The signed-in RM, the model setting and the RM's "today"."""

    rm_id: str
    #: ``none`` (deterministic engines only), ``local`` (the embedded model) or ``openai:<model>``.
    model: str = field(default_factory=_default_model)
    #: The RM's today in Asia/Ho_Chi_Minh; None means the real date (or the loaded bank's reference date).
    today: dt.date | None = None
