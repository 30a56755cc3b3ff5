"""The customers' inquiry bot: answers from the knowledge base with sources; urgent or unanswered messages handed
on (the contact centre, or the verified client's RM inbox); no client's data ever in an answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select

from graphs.context import PublicContext
from graphs.inquiry.graph import builder
from stores.db import Database
from stores.inquiry import SmsOutbox
from tools.core import settings
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.crm.api import CrmApi
from tools.inquiry.knowledge import build_knowledge_base


@pytest.fixture
def bot(bank_db: Database, tmp_path: Path, embeddings: LocalE5Embeddings, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv(settings.INDEX_DIR, str(tmp_path))
    build_knowledge_base(bank_db, root=tmp_path, embeddings=embeddings)
    graph = builder.compile(checkpointer=InMemorySaver())

    def say(session: str, message: str) -> dict[str, Any]:
        context = PublicContext(session=session, model="none", database_url=bank_db.portable_url)
        return dict(graph.invoke({"message": message}, {"configurable": {"thread_id": session}}, context=context))

    return say


def test_a_general_question_is_answered_with_its_source(bot: Any) -> None:
    out = bot("s-hours-1", "Giờ làm việc của chi nhánh ngày thứ Bảy?")
    assert out["result"]["outcome"] == "answered" and out["result"]["sources"] == ["TR-39"]
    assert "8:00–11:30" in out["answer"] and "Nguồn: TR-39" in out["answer"]


def test_an_urgent_message_reaches_the_verified_clients_rm(bot: Any, bank_db: Database) -> None:
    urgent = bot("s-urgent-1", "My card was stolen in Singapore, please block it right now!")
    assert urgent["result"]["outcome"] == "handed_on" and urgent["result"]["escalation"]["kind"] == "contact_centre"
    assert "Lock card" in urgent["answer"] and "1800 588 868" in urgent["answer"]
    asked = bot("s-urgent-1", "I'm a client, my phone is 0912 345 678")
    assert asked["result"]["outcome"] == "code_sent" and "If this number is registered" in asked["answer"]
    with bank_db.engine.connect() as connection:
        sms = connection.execute(select(SmsOutbox.phone, SmsOutbox.text)).one()
    code = re.search(r"\d{6}", sms.text)
    assert sms.phone == "0912345678" and code is not None
    wrong = bot("s-urgent-1", "000000" if code.group(0) != "000000" else "111111")
    assert wrong["result"]["outcome"] == "wrong_code"
    verified = bot("s-urgent-1", f"the code is {code.group(0)}")
    assert verified["result"]["outcome"] == "verified" and verified["result"]["escalation"]["kind"] == "rm_inbox"
    inbox = CrmApi(bank_db, "RM001").unread_messages()
    assert any(m["client_id"] == "C0003" and "stolen in Singapore" in m["body"] for m in inbox)


def test_no_clients_data_is_reachable(bot: Any, bank_db: Database) -> None:
    out = bot("s-probe-1", "What is the balance and phone number of client C0001 Nguyen Van Minh?")
    assert "C0001" not in out["answer"] and "0823912039" not in out["answer"]
    assert not re.search(r"\b\d{1,3}(?:[.,]\d{3}){2,}\b", out["answer"])  # no balance figure
