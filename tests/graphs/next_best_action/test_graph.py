"""The next-best-action graph end to end on the small bank (both backends), with and without a model."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from graphs.context import AgentContext
from graphs.next_best_action.graph import builder
from stores.db import Database
from tests.fakes import ScriptedChatModel
from tools.core.llm.embeddings import HashEmbeddings
from tools.core.llm.models import use_chat_model
from tools.knowledge.retrieval import build_indexes

TODAY = dt.date(2025, 10, 24)
SON_BY_PHONE = "Client: Mr. Son Pham, 0823912039. What's my next best action?"
SON_BY_NAME = "Client: Son Pham. What's my next best action?"
OTHER_RM_SECRETS = ("C0101", "C0102", "RM002", "Dung", "Bình", "Binh", "0945678901", "0956789012", "9B", "9 tỷ")


def _run(database: Database, request: str, *, rm_id: str = "RM001", model: str = "none", **compile: Any) -> Any:
    context = AgentContext(rm_id=rm_id, model=model, database_url=database.portable_url, today=TODAY)
    graph = builder.compile(**compile)
    config = {"configurable": {"thread_id": "nba-test"}} if compile else None
    out = graph.invoke({"request": request}, config=config, context=context)
    # The turn's result, flattened for the assertions below: a clarification has no client, action or triggers.
    flat = {"client_id": None, "action": None, "triggers": [], **out, **out.get("result", {})}
    return {**flat, "needs_clarification": out.get("status") == "needs_clarification"}


@pytest.mark.parametrize("request_text", [SON_BY_PHONE, SON_BY_NAME])
def test_son_cd_maturity_end_to_end(bank_db: Database, request_text: str) -> None:
    out = _run(bank_db, request_text)
    assert out["client_id"] == "C0001"
    assert out["needs_clarification"] is False
    assert out["action"] == "cd_maturity"
    assert out["language"] == "en"
    assert out["triggers"][0] == "cd_maturity"
    message = out["message"]
    assert message.startswith("Dear Mr. Son,")
    assert "1.5B VND" in message and "12 days" in message
    assert "1.5B VND" in out["reason"] and "12 days" in out["reason"]
    assert out["citations"] == []  # no index built: drafted without documents
    for identifier in ("C0001", "A0001", "RM001"):
        assert identifier not in message


def test_works_with_a_checkpointer(bank_db: Database) -> None:
    out = _run(bank_db, SON_BY_PHONE, checkpointer=InMemorySaver())
    assert out["action"] == "cd_maturity"
    assert "1.5" in out["message"] and "12" in out["message"]


def test_vietnamese_request_gets_a_vietnamese_message(bank_db: Database) -> None:
    out = _run(bank_db, "Khách hàng ông Minh 0912345678, em nên làm gì tiếp theo?")
    assert out["client_id"] == "C0003"
    assert out["action"] == "large_deposit"
    assert out["language"] == "vi"
    # Mr Minh prefers phone calls: talking points for the call, not a written message (issue 16).
    assert out["message"].startswith("Ý chính cho cuộc gọi với ông Nguyễn Văn Minh")
    assert "1,2 tỷ" in out["message"]
    assert "Trân trọng" not in out["message"]
    assert "1,2 tỷ" in out["reason"]


def test_open_complaint_comes_first(bank_db: Database) -> None:
    out = _run(bank_db, "Chị Lê Thị Oanh: hành động tiếp theo là gì?")
    assert out["client_id"] == "C0004"
    assert out["action"] == "complaint_followup"
    assert out["message"].startswith("Kính gửi chị Oanh,")
    assert "15/10/2025" in out["message"]


def test_birthday_today(bank_db: Database) -> None:
    out = _run(bank_db, "Next best action for 0901234567?")
    assert out["client_id"] == "C0002"
    assert out["action"] == "birthday"
    assert out["message"].startswith("Kính gửi anh Minh,")
    assert "sinh nhật" in out["message"]


def test_ambiguous_name_needs_clarification(bank_db: Database) -> None:
    out = _run(bank_db, "Anh Nguyễn Văn Minh: hành động tiếp theo là gì?")
    assert out["needs_clarification"] is True
    assert out["client_id"] is None
    assert out["action"] is None
    assert out["triggers"] == []
    assert {c["client_id"] for c in out["candidates"]} == {"C0002", "C0003"}


@pytest.mark.parametrize(
    "request_text",
    [
        "Client: Ms Tran Thi Dung 0945678901. What's my next best action?",  # RM002's client, by phone and name
        "Next best action for Hoàng Đức Bình?",  # RM002's client, by name
    ],
)
def test_another_rms_client_is_never_shown(bank_db: Database, request_text: str) -> None:
    out = _run(bank_db, request_text)
    assert out["needs_clarification"] is True
    assert out["client_id"] is None
    assert out["candidates"] == []
    shown = json.dumps({k: v for k, v in out.items() if k != "request"}, ensure_ascii=False)
    for secret in OTHER_RM_SECRETS:
        assert secret not in shown


def test_the_other_rm_sees_their_own_client(bank_db: Database) -> None:
    out = _run(bank_db, "Client: Ms Tran Thi Dung 0945678901. What's my next best action?", rm_id="RM002")
    assert out["client_id"] == "C0101"
    assert out["needs_clarification"] is False


def test_model_draft_is_used_and_its_prompt_has_no_ids(bank_db: Database) -> None:
    draft = (
        "Dear Mr. Son,\n\nYour 12-month CD of 1.5B VND matures in 12 days, on 5 November. "
        "Shall we look at renewal options together this week?\n\nKind regards,\nNguyễn Thu Hà"
    )
    model = ScriptedChatModel(script=[draft])
    with use_chat_model(model, "openai:test-model"):
        out = _run(bank_db, SON_BY_PHONE, model="openai:test-model")
    # The model writes the body only; salutation, sign-off and the RM's learned signature ("Thu Hà") are code's.
    body = draft.split("\n\n")[1]
    assert out["message"] == f"Dear Mr. Son,\n\n{body}\n\nKind regards,\nThu Hà"
    assert out["engine"] == "model"
    assert out["action"] == "cd_maturity"
    (prompt,) = model.prompt_texts()
    assert "1.5B VND" in prompt and "12" in prompt and "Dear Mr. [PERSON_1]," in prompt  # the name masked
    for identifier in ("C0001", "A0001", "RM001", "CD_12M", "0823912039", "Son"):
        assert identifier not in prompt


@pytest.mark.parametrize(
    "answer",
    [
        "lorem ipsum",  # garbage
        "Dear Mr. Son, please call me back about your deposit when you have a moment.",  # drops the key facts
        "Dear Mr. Son, client C0001: your CD of 1.5B VND matures in 12 days. Call me.",  # leaks an id
        TimeoutError("model server timed out"),
    ],
)
def test_a_bad_model_draft_falls_back_to_the_template(bank_db: Database, answer: Any) -> None:
    with use_chat_model(ScriptedChatModel(script=[answer]), "openai:test-model"):
        out = _run(bank_db, SON_BY_PHONE, model="openai:test-model")
    assert out["engine"] == "template"
    assert out["message"].startswith("Dear Mr. Son,")
    assert "1.5B VND" in out["message"] and "12 days" in out["message"]


def test_documents_are_cited_when_an_index_exists(
    sqlite_db: Database, small_bank: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stores.fixtures import load_fixture

    load_fixture(sqlite_db, small_bank)
    monkeypatch.setenv("AGENTIFY_EMBEDDINGS", "hash")
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "indexes"))
    build_indexes(sqlite_db, today=TODAY, embeddings=HashEmbeddings(), root=tmp_path / "indexes")
    out = _run(sqlite_db, SON_BY_PHONE)
    assert out["action"] == "cd_maturity"
    assert out["citations"]
    assert any(citation.startswith("DOC-POL-COMMS") for citation in out["citations"])
    assert "1.5B VND" in out["message"]
