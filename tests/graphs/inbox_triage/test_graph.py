"""The inbox triage room: the signed-in RM's unread messages, each read for topic and urgency, grouped by urgency,
a reply drafted for each and saved only when the RM accepts; another RM's never; an honest answer when the triage
cannot read."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from sqlalchemy import func, select

from graphs.context import AgentContext
from graphs.inbox_triage import nodes
from graphs.inbox_triage.graph import builder
from stores.db import Database
from stores.drafts import Draft
from stores.schema import InboundMessage
from tools.inbox import triage as triage_engine
from tools.inbox.drafts import Inbox
from tools.inbox.triage import Triage, TriageNotReady

TODAY = dt.date(2025, 10, 24)


def _context(database: Database, rm_id: str = "RM001") -> AgentContext:
    return AgentContext(rm_id=rm_id, model="none", database_url=database.portable_url, today=TODAY)


def _run(
    database: Database, rm_id: str = "RM001", request: str = "Summarize my unread client messages",
    decision: str = "ignore",
) -> dict[str, Any]:  # fmt: skip
    """One turn: the RM asks, the review card comes (when there is something to save), the RM answers it."""
    graph = builder.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": f"{rm_id}-{request}-{decision}"}}
    context = _context(database, rm_id)
    out = dict(graph.invoke({"request": request}, config, context=context))
    if "__interrupt__" in out:
        out = dict(graph.invoke(Command(resume=[{"type": decision, "args": None}]), config, context=context))
    return out


def _status(database: Database, message_id: str) -> str:
    with database.engine.connect() as connection:
        return str(connection.execute(select(InboundMessage.status).where(InboundMessage.id == message_id)).scalar())


def _reply_drafts(database: Database) -> list[Any]:
    with database.engine.connect() as connection:
        return list(connection.execute(select(Draft).where(Draft.kind == "reply")).all())


def _card_triage(texts: list[str]) -> list[Triage]:
    return [Triage("card_issue", "high", 0.97, 0.91) for _ in texts]


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


def test_nothing_is_written_before_the_rm_accepts(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", _card_triage)
    graph = builder.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "review"}}
    paused = graph.invoke({"request": "Summarize my unread client messages"}, config, context=_context(bank_db))
    card = paused["__interrupt__"][0].value[0]
    assert card["action_request"]["action"] == nodes.SAVE_REPLIES_ACTION
    (reply,) = card["action_request"]["args"]["replies"]
    # A Vietnamese client wrote in Vietnamese about a blocked card: the reply is Vietnamese, says when, no flag.
    assert reply["message_id"] == "M0001" and reply["language"] == "vi" and reply["flags"] == []
    assert "thẻ" in reply["body"] and "ngay trong ngày" in reply["body"]
    assert _status(bank_db, "M0001") == "unread" and _reply_drafts(bank_db) == []


def test_accepting_saves_one_reply_per_message_and_marks_them_read(
    bank_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", _card_triage)
    graph = builder.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "accept"}}
    graph.invoke({"request": "Summarize my unread client messages"}, config, context=_context(bank_db))
    out = graph.invoke(Command(resume=[{"type": "accept", "args": None}]), config, context=_context(bank_db))
    assert out["result"]["saved"] == {"drafts": 1, "marked_read": 1}
    assert "Saved 1 reply draft(s)" in out["answer"]
    (draft,) = _reply_drafts(bank_db)
    assert (draft.event_key, draft.client_id, draft.urgency, draft.status) == ("reply:M0001", "C0004", "high", "new")
    assert _status(bank_db, "M0001") == "read"
    # The save step run again on the same state (a retry after a crash) writes nothing twice.
    runtime = type("Runtime", (), {"context": _context(bank_db)})()
    again = nodes.save(graph.get_state(config).values, runtime)  # type: ignore[arg-type]
    assert again["saved"] == {"drafts": 0, "marked_read": 0} and len(_reply_drafts(bank_db)) == 1


def test_declining_leaves_the_messages_unread(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", _card_triage)
    out = _run(bank_db, decision="ignore")
    assert out["result"]["saved"] is None and "Nothing was saved" in out["answer"]
    assert _status(bank_db, "M0001") == "unread" and _reply_drafts(bank_db) == []


def test_sending_the_reply_marks_its_message_replied(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("graphs.inbox_triage.nodes.triage", _card_triage)
    _run(bank_db, decision="accept")
    (draft,) = _reply_drafts(bank_db)
    inbox = Inbox(bank_db, "RM001")
    sent = inbox.send(draft.id)
    if sent.awaiting_confirmation:  # a chat reply is copied first; only the RM's "sent" makes it a reply
        assert _status(bank_db, "M0001") == "read"
        inbox.confirm_sent(draft.id)
    assert _status(bank_db, "M0001") == "replied"
    inbox.confirm_sent(draft.id) if sent.awaiting_confirmation else inbox.send(draft.id)  # a retry changes nothing
    assert _status(bank_db, "M0001") == "replied"
    with bank_db.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Draft)).scalar() >= 1
