"""The recommendation room: a client named in the request (or given), the offers with reasons and citations,
what was understood; a relative's offers say whose facts they use."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from graphs.context import AgentContext
from graphs.recommendation.graph import builder
from stores.db import Database
from stores.fixtures import load_fixture

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "recommendation" / "fixture.json"


def test_the_room_recommends_for_a_named_client_and_a_relative(sqlite_db: Database) -> None:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    context = AgentContext(rm_id="RM001", model="none", database_url=sqlite_db.portable_url,
                           today=dt.date(2025, 11, 3))  # fmt: skip
    out = builder.compile().invoke({"client_id": "C9019", "request": "What should I offer him?"}, context=context)
    assert out["status"] == "answered" and out["result"]["offers"] and out["citations"]
    assert out["answer"].startswith("What to offer, best first:") and "C9019" in out["understood_as"]
    relative = builder.compile().invoke({"client_id": "C9013", "for_relation": "parent", "request": ""},
                                        context=context)  # fmt: skip
    assert relative["result"]["whose"] == "relative" and relative["result"]["client_id"] == "C9014"
    blocked = builder.compile().invoke({"client_id": "C9006", "request": ""}, context=context)
    assert blocked["result"]["offers"] == [] and blocked["answer"].startswith("Nothing to offer now, because")


def test_a_request_about_health_and_insurance_is_a_protection_review(sqlite_db: Database) -> None:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    context = AgentContext(rm_id="RM001", model="none", database_url=sqlite_db.portable_url,
                           today=dt.date(2025, 11, 3))  # fmt: skip
    out = builder.compile().invoke(
        {"client_id": "C9008", "request": "Ông ấy nên mua bảo hiểm sức khỏe gì?"}, context=context
    )
    assert out["answer"].startswith("Rà soát bảo vệ tài chính cho") and "Chi y tế 6 tháng" in out["answer"]
    assert out["result"]["protection"]["health"][0]["places"] == ["Benh vien Gia dinh Da Nang"]
    assert all(offer["code"].split("_")[0] in ("LIFE", "SAV", "CD") for offer in out["result"]["offers"])
    assert "protection review" not in out["understood_as"]  # said in the request's language
    assert "Rà soát bảo vệ" in out["understood_as"]
