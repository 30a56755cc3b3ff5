"""Shared test drivers: where the project is, and the helpers several test modules use."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.core.text import fold, normalize_text

if TYPE_CHECKING:
    from stores.db import Database
    from stores.schema import Base
    from tools.inbox.drafts import NewDraft

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The night the draft builders' drafts were written (the small bank's today).
DRAFT_SCAN_DATE = "2025-10-24"


def count(database: Database, table: str | type[Base], *where: Any, **equal: Any) -> int:
    """How many rows of ``table`` (a table name or a mapped class) match ``where`` and every ``column=value``."""
    from sqlalchemy import func, select

    from stores.schema import crm_table, table_of

    source = crm_table(table) if isinstance(table, str) else table_of(table)
    query = select(func.count()).select_from(source).where(*where)
    for column, value in equal.items():
        query = query.where(source.c[column] == value)
    with database.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def new_draft(event_key: str, **changes: Any) -> NewDraft:
    """An e-mail draft of RM001 to C0001 about a maturing CD; ``changes`` replace its fields."""
    draft: dict[str, Any] = {
        "event_key": event_key,
        "rm_id": "RM001",
        "client_id": "C0001",
        "kind": "cd_maturity",
        "scan_date": DRAFT_SCAN_DATE,
        "urgency": "medium",
        "value_vnd": 1_500_000_000,
        "facts": {"account_id": "A1", "maturity_on": "2025-11-05"},
        "channel": "email",
        "client_channel": "email",
        "language": "en",
        "subject": "Your CD matures on 5 November",
        "body": "Dear Mr Son,\n\nYour CD of 1.5B VND matures on 5 November.\n\nBest regards,\nHa",
        "engine": "template",
        "compliance": {"flags": [], "notes": ["rate quoted from the catalog"]},
        "run_id": "RUN1",
    }
    draft.update(changes)
    return draft  # type: ignore[return-value]


def chat_draft(event_key: str, **changes: Any) -> NewDraft:
    """A Zalo birthday message of RM001 to C0002 (no subject); ``changes`` replace its fields."""
    values: dict[str, Any] = {
        "client_id": "C0002",
        "kind": "birthday",
        "channel": "chat",
        "client_channel": "zalo",
        "language": "vi",
        "subject": None,
        "body": "Chúc mừng sinh nhật anh Minh!\nChúc anh một năm nhiều niềm vui.",
        "urgency": "high",
        "value_vnd": 0,
    }
    values.update(changes)
    return new_draft(event_key, **values)


def two_way_router(embeddings: Any, first: str, second: str, third: str = "performance_report") -> Any:
    """A router that reads every message as ``first`` or ``second``, half and half (``first`` by a hair; ``third``
    almost never): the weights are zero and the biases fix the odds, whatever the message."""
    import numpy as np

    from tools.routing.learned import LearnedRouter, features

    intents = sorted([first, second, third])
    odds = {first: 0.0, second: -0.001}
    bias = np.array([odds.get(intent, -20.0) for intent in intents], dtype=np.float32)
    columns = features(embeddings, ["any message"]).shape[1]
    return LearnedRouter(intents, np.zeros((columns, len(intents)), dtype=np.float32), bias, embeddings)


def note_key(text: str) -> str:
    """A note's words, accents and case aside: the same note re-accented or re-spaced has the same key."""
    return " ".join(re.findall(r"\w+", fold(normalize_text(text))))


def data_entry_eval_notes() -> set[str]:
    """The keys of every note of every data-entry eval set: a teachers' corpus must hold none of them."""
    return {
        note_key(json.loads(line)["input"]["note"])
        for path in (PROJECT_ROOT / "evals" / "datasets").glob("data_entry*/*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and "note" in json.loads(line).get("input", {})
    }
