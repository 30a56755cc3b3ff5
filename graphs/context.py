"""The runtime context every graph runs with (LangGraph ``context_schema``).

Who is signed in, which model to use, which bank and which day are facts of
the run, not of the conversation: they come from the caller (token, CLI flag,
eval runner), never from chat text, and the model never sees them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from stores.db import Database, shared_database
from stores.fixtures import reference_date
from stores.settings import database_url
from tools.crm import bank_today
from tools.models import default_model_setting


@dataclass(frozen=True)
class AgentContext:
    """The signed-in RM, the model setting, the bank and the RM's "today"."""

    rm_id: str
    #: ``none`` (deterministic engines only), ``local`` (the embedded model) or ``openai:<model>``.
    model: str = field(default_factory=default_model_setting)
    #: The bank's store; None means ``AGENTIFY_DATABASE_URL`` (or the default SQLite file).
    database_url: str | None = None
    #: The RM's today in Asia/Ho_Chi_Minh; None means the loaded bank's reference date, else the real date.
    today: dt.date | None = None

    def database(self) -> Database:
        return shared_database(self.database_url or database_url())

    def resolved_today(self) -> dt.date:
        if self.today is not None:
            return self.today
        with self.database().engine.connect() as connection:
            return reference_date(connection) or bank_today()
