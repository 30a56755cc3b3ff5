"""The inbox triage room: the signed-in RM's unread messages, each read for topic and urgency, grouped by urgency;
another RM's never; an honest answer when the triage cannot read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graphs.context import AgentContext
from graphs.inbox_triage.graph import builder
from stores.db import Database
from tools.inbox import triage as triage_engine
from tools.inbox.triage import Triage, TriageNotReady

TODAY = dt.date(2025, 10, 24)


def _run(
    database: Database, rm_id: str = "RM001", request: str = "Summarize my unread client messages"
) -> dict[str, Any]:
    context = AgentContext(rm_id=rm_id, model="none", database_url=database.portable_url, today=TODAY)
    return dict(builder.compile().invoke({"request": request}, context=context))


def test_the_unread_messages_are_grouped_by_urgency(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[str] = []

    def fake_triage(texts: list[str]) -> list[Triage]:
        read.extend(texts)
        return [Triage("card_issue", "high", 0.97, 0.91) for _ in texts]

    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", fake_triage)
    out = _run(bank_db)
    assert read == ["Thẻ bị khóa\nChị ơi thẻ của em lại bị khóa khi đi Singapore, giúp em với."]
    assert "Urgent (today) (1)" in out["answer"] and "card: Chị ơi thẻ của em lại bị khóa" in out["answer"]
    assert out["result"]["messages"][0] | {"confidence": 0} == {
        "id": "M0001", "client_id": "C0004", "client": out["result"]["messages"][0]["client"],
        "received_at": out["result"]["messages"][0]["received_at"], "channel": "email", "topic": "card_issue",
        "urgency": "high", "confidence": 0,
    }  # fmt: skip
    assert out["understood_as"].startswith("Your 1 unread client messages")


def test_another_rms_messages_are_never_read(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", lambda texts: [Triage("other", "low", 1, 1) for _ in texts])
    out = _run(bank_db, rm_id="RM002")  # RM002's only message is read already
    assert out["result"]["messages"] == [] and "no unread client messages" in out["answer"]


def test_without_the_triage_the_answer_says_so(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def not_ready(texts: list[str]) -> list[Triage]:
        raise TriageNotReady("the triage's corpus or weights are missing")

    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", not_ready)
    out = _run(bank_db, request="Tóm tắt tin nhắn khách chưa đọc giúp em")
    assert out["status"] == "failed" and "chưa đọc được hộp thư" in out["answer"]


def test_the_shipped_triage_reads_a_blocked_card_abroad_as_urgent() -> None:
    reading = triage_engine.triage(["Chị ơi thẻ của em lại bị khóa khi đi Singapore, giúp em với gấp!"])[0]
    assert (reading.topic, reading.urgency) == ("card_issue", "high")
