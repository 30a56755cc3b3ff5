"""The attrition scan room on a bank of its own: who is leaving, why (facts and dates), what to do; RM-scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphs.attrition_scan.graph import builder
from graphs.context import AgentContext
from stores.db import Database
from stores.fixtures import load_fixture

TODAY = dt.date(2026, 6, 17)


def _client(client_id: str, rm_id: str, segment: str = "Gold") -> dict[str, Any]:
    return {"id": client_id, "rm_id": rm_id, "full_name": f"Nguyễn Văn {client_id}", "honorific": "Anh",
            "date_of_birth": "1980-05-05", "phone": f"090000000{client_id[-1]}", "segment": segment,
            "risk_profile": "balanced", "preferred_channel": "zalo", "language": "vi", "onboarded_on": "2020-01-01"}  # fmt: skip


def _bank() -> dict[str, Any]:
    clients = [_client("C1", "RM1", "Diamond"), _client("C2", "RM1"), _client("C3", "RM1"), _client("C9", "RM2")]
    accounts = [{"id": f"A{c['id']}", "client_id": c["id"], "product_code": "CASA", "kind": "casa",
                 "balance_vnd": 1_000_000_000, "opened_on": "2020-01-01", "status": "active"} for c in clients]  # fmt: skip
    out = {"direction": "out", "channel": "transfer", "category": "transfer_external", "amount_vnd": 2_500_000_000}
    transactions = [
        {"id": "T1", "account_id": "AC1", "client_id": "C1", "posted_at": "2026-06-10T09:00:00+07:00",
         "counterparty": "NGUYEN VAN C1 - VIETCOMBANK", **out},
        {"id": "T2", "account_id": "AC9", "client_id": "C9", "posted_at": "2026-06-10T09:00:00+07:00", **out},
        # A windfall is not a flight risk.
        {"id": "T3", "account_id": "AC2", "client_id": "C2", "posted_at": "2026-06-12T09:00:00+07:00",
         "amount_vnd": 4_000_000_000, "direction": "in", "channel": "transfer", "category": "property_sale"},
    ]  # fmt: skip
    complaints = [{"id": "P1", "client_id": "C3", "opened_on": "2026-05-20", "category": "fees", "status": "open",
                   "summary": "Phí thường niên bị thu hai lần"}]  # fmt: skip
    return {"today": TODAY.isoformat(), "rms": [
        {"id": "RM1", "full_name": "Trần Thu Hà", "email": "ha@bank.example", "branch": "HN", "language": "vi"},
        {"id": "RM2", "full_name": "Lê Minh", "email": "minh@bank.example", "branch": "HN", "language": "vi"}],
        "clients": clients, "accounts": accounts, "transactions": transactions, "complaints": complaints}  # fmt: skip


def run(database: Database, request: str, rm_id: str = "RM1") -> dict[str, Any]:
    context = AgentContext(rm_id=rm_id, model="none", database_url=database.portable_url, today=TODAY)
    return dict(builder.compile().invoke({"request": request}, context=context))


def test_the_scan_ranks_the_signs_with_their_facts_and_a_retention_step(any_db: Database) -> None:
    load_fixture(any_db, _bank())
    output = run(any_db, "Which of my clients are at risk of leaving?")
    ranked = output["result"]["ranked"]
    assert [item["client_id"] for item in ranked] == ["C1", "C3"]  # C2's windfall is no sign; C9 is RM2's
    assert ranked[0]["action"] == "call_about_outflow" and ranked[1]["action"] == "resolve_complaint"
    assert any("2.5B VND" in reason and "VIETCOMBANK" in reason for reason in ranked[0]["reasons"])
    assert "Nguyễn Văn C9" not in output["answer"] and output["result"]["counts"]["clients"] == 3


def test_filters_and_language_follow_the_request(any_db: Database) -> None:
    load_fixture(any_db, _bank())
    output = run(any_db, "Khách Diamond nào có nguy cơ rời bỏ?")
    assert output["language"] == "vi" and [item["client_id"] for item in output["result"]["ranked"]] == ["C1"]
    assert "hạng Diamond" in output["understood_as"] and output["answer"].startswith("1 trên 1 khách hàng")
