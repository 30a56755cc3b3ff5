"""The Q&A room: a question in, the cited answer and what was understood out; nothing written."""

from __future__ import annotations

import json
from pathlib import Path

from graphs.context import AgentContext
from graphs.product_qa.graph import builder
from stores.db import Database
from stores.fixtures import load_fixture

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "qa" / "fixture.json"


def test_the_room_answers_with_sources_and_says_what_it_understood(sqlite_db: Database) -> None:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    context = AgentContext(rm_id="RM001", model="none", database_url=sqlite_db.portable_url)
    out = builder.compile().invoke({"question": "min income for the platinum card?"}, context=context)
    assert out["status"] == "answered" and out["result"]["sources"] == ["DOC-P-CARD_PLATINUM"]
    assert "30 million" in out["answer"] and "CARD_PLATINUM" in out["understood_as"]
    nothing = builder.compile().invoke({"question": "Gold price today?"}, context=context)
    assert nothing["result"]["status"] == "not_in_documents" and nothing["result"]["sources"] == []
