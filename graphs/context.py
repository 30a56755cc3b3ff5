"""The runtime context every graph runs with (LangGraph ``context_schema``).

Who is signed in, which model to use, which bank and which day are facts of
the run, not of the conversation: they come from the caller (token, CLI flag,
eval runner), never from chat text, and the model never sees them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stores.db import Database, shared_database
from stores.fixtures import reference_date
from stores.settings import database_url
from tools.core.llm.models import (
    ModelUnavailableError,
    default_model_setting,
    load_chat_model,
    parse_model_setting,
)
from tools.crm.api import bank_today
from tools.policy.trust import masked

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)


class _RunFacts:
    """What every run's context shares: the store, the day and the model, read from the dataclass fields."""

    model: str
    database_url: str | None
    today: dt.date | None

    def __post_init__(self) -> None:
        # A context from JSON (LangGraph Studio, the HTTP API) carries ``today`` as text: a date, or refused.
        today: object = self.today
        if today is None or (isinstance(today, dt.date) and not isinstance(today, dt.datetime)):
            return
        try:
            parsed = dt.date.fromisoformat(str(today))
        except ValueError as error:
            raise ValueError(f"today must be a date YYYY-MM-DD, got {today!r}") from error
        object.__setattr__(self, "today", parsed)

    def database(self) -> Database:
        return shared_database(self.database_url or database_url())

    def resolved_today(self) -> dt.date:
        if self.today is not None:
            return self.today
        with self.database().engine.connect() as connection:
            return reference_date(connection) or bank_today()

    def chat_model(self) -> BaseChatModel | None:
        """The model for this run, or None: the deterministic engines.

        A model this machine cannot provide (the local model not pulled, no endpoint configured) is
        logged and the run goes on with the rules, as for any other model failure. A model outside the
        bank is given behind the trust layer (``tools.policy.trust``).
        """
        try:
            model = load_chat_model(self.model)
        except ModelUnavailableError as error:
            logger.warning("model %r unavailable, using the deterministic engines: %s", self.model, error)
            return None
        if model is None or parse_model_setting(self.model).kind == "local":
            return model  # the embedded model runs inside the bank
        # A model outside the bank sees placeholders, never a client's data; every call is audited.
        return masked(model, self.database(), rm_id=getattr(self, "rm_id", None), label=self.model)


@dataclass(frozen=True)
class AgentContext(_RunFacts):
    """The signed-in RM, the model setting, the bank and the RM's "today"."""

    rm_id: str
    #: ``none`` (deterministic engines only), ``local`` (the embedded model) or ``openai:<model>``.
    model: str = field(default_factory=default_model_setting)
    #: The bank's store; None means ``AGENTIFY_DATABASE_URL`` (or the default SQLite file).
    database_url: str | None = None
    #: The RM's today in Asia/Ho_Chi_Minh; None means the loaded bank's reference date, else the real date.
    today: dt.date | None = None


@dataclass(frozen=True)
class NightlyContext(_RunFacts):
    """The nightly catch-up run: no RM is signed in; ``rm_id`` narrows a run to one RM's clients.

    The scan date comes from the graph's input (default: the bank's today); the event
    rules and the wave size are facts of the run, set by the scheduler, CLI or eval runner.
    """

    #: None for the bank-wide run.
    rm_id: str | None = None
    model: str = field(default_factory=default_model_setting)
    database_url: str | None = None
    #: The default scan date when the input names none; None means the bank's reference date, else today.
    today: dt.date | None = None
    #: ``tools.signals.events.EventRules.from_mapping`` input; None means the default rules.
    rules: Mapping[str, Any] | None = None
    #: Events drafted per wave: bounds memory and what a killed run redoes.
    wave_size: int = 500


@dataclass(frozen=True)
class PublicContext(_RunFacts):
    """A customer on the bank's public chat: no RM, no client; the chat session the HTTP door gave them."""

    session: str
    model: str = field(default_factory=default_model_setting)
    database_url: str | None = None
    today: dt.date | None = None
