"""The product search room keeps the thread's need: a follow-up ("cheaper?") refines it."""

from __future__ import annotations

import json
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from graphs.context import AgentContext
from graphs.product_search.graph import builder
from stores.db import Database
from stores.fixtures import load_fixture

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "qa" / "fixture.json"


def test_a_follow_up_on_the_thread_refines_the_need(sqlite_db: Database) -> None:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    graph = builder.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "search"}}
    context = AgentContext(rm_id="RM001", model="none", database_url=sqlite_db.portable_url)
    first = graph.invoke({"query": "a card with airport lounge access for a frequent flyer"}, config, context=context)
    assert first["result"]["products"][0]["code"] in ("CARD_PLATINUM", "CASA_PREMIER") and first["citations"]
    follow = graph.invoke({"query": "không phí thường niên?"}, config, context=context)
    assert follow["result"]["refines"] == ["a card with airport lounge access for a frequent flyer"]
    assert "không phí thường niên" in follow["understood_as"]
    assert graph.invoke({"query": "chỉ lấy loại không phí"}, config, context=context)["result"]["refines"]
    other = graph.invoke({"query": "chi Lan Diamond, profile conservative, co 3 toi, ko chiu mat dong nao, de 2 nam"},
                         config, context=context)  # fmt: skip
    assert other["result"]["refines"] == []  # chị Lan: a new client, not "chỉ …" (only …)
    assert other["result"]["products"][0]["code"] == "CD_24M"
