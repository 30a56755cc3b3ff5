"""The one "which of your clients?" step: asked with the RM's own candidates, answered by button, number or
name, and the original request goes on; a run that cannot pause asks in its answer instead."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langgraph.types import Command

from agentify.app import create_app
from graphs.context import AgentContext
from graphs.hitl import CHOOSE_CLIENT_ACTION
from graphs.next_best_action.graph import builder as next_best_action
from graphs.turn import pending_card, status_of
from stores.checkpoints import open_checkpointer
from stores.db import Database
from tests.http import bearer
from tools.crm.auth import issue_token

TWO_MINHS = "Anh Nguyễn Văn Minh: hành động tiếp theo là gì?"  # C0002 and C0003, both RM001's
TWO_MINHS_EN = "What should I do next with Nguyen Van Minh?"


class Thread:
    def __init__(self, graph: Any, database: Database) -> None:
        self.graph = graph
        self.context = AgentContext(rm_id="RM001", model="none", database_url=database.portable_url)
        self.config: dict[str, Any] = {"configurable": {"thread_id": f"clarify-{uuid.uuid4().hex}"}}

    def start(self, request: str) -> dict[str, Any]:
        return dict(self.graph.invoke({"request": request}, self.config, context=self.context))

    def answer(self, kind: str, args: Any) -> dict[str, Any]:
        return dict(
            self.graph.invoke(Command(resume=[{"type": kind, "args": args}]), self.config, context=self.context)
        )


@pytest.fixture
def thread(bank_db: Database) -> Iterator[Thread]:
    with open_checkpointer(bank_db) as saver:
        yield Thread(next_best_action.compile(checkpointer=saver), bank_db)


def _question(output: dict[str, Any]) -> dict[str, Any]:
    card = pending_card(output)
    assert card is not None and card["action_request"]["action"] == CHOOSE_CLIENT_ACTION
    return card


def test_the_question_offers_only_the_rms_own_candidates_as_choices(thread: Thread) -> None:
    asked = thread.start(TWO_MINHS)
    card = _question(asked)
    assert status_of(asked) == "needs_clarification"
    choices = card["action_request"]["args"]["candidates"]
    assert [choice["client_id"] for choice in choices] == ["C0002", "C0003"]
    assert "1. Anh Nguyễn Văn Minh (…4567, Gold)" in card["description"]
    assert card["config"]["allow_accept"] is False and card["config"]["allow_respond"] is True


@pytest.mark.parametrize(
    ("kind", "args", "client_id"),
    [
        ("edit", {"client_id": "C0003"}, "C0003"),  # a button
        ("response", "2", "C0003"),  # a number
        ("response", "  1. ", "C0002"),
        ("response", "Ông Minh", "C0003"),  # a name that fits one choice
        ("response", "0901234567", "C0002"),  # a phone
    ],
)
def test_any_answer_continues_the_original_request(thread: Thread, kind: str, args: Any, client_id: str) -> None:
    thread.start(TWO_MINHS)
    done = thread.answer(kind, args)
    assert pending_card(done) is None and done["status"] == "answered"
    assert done["result"]["client_id"] == client_id and done["result"]["action"]  # the next best action, drafted


def test_a_wrong_number_or_another_rms_client_is_asked_again_with_the_reason(thread: Thread) -> None:
    thread.start(TWO_MINHS_EN)
    again = thread.answer("response", "7")
    assert "there is no choice 7: answer with a number from 1 to 2" in _question(again)["description"]
    again = thread.answer("edit", {"client_id": "C0101"})  # RM002's client
    card = _question(again)
    assert "'C0101' is not one of your clients" in card["description"]
    assert "Dung" not in json.dumps(card, ensure_ascii=False)
    assert thread.answer("response", "2")["result"]["client_id"] == "C0003"


def test_cancel_ends_the_request_with_nothing_done_in_the_rms_language(thread: Thread) -> None:
    thread.start(TWO_MINHS)
    cancelled = thread.answer("ignore", None)
    assert (cancelled["status"], cancelled["answer"]) == ("cancelled", "Đã huỷ: không có gì được thực hiện.")
    thread.start(TWO_MINHS_EN)
    assert thread.answer("ignore", None)["answer"] == "Cancelled: nothing was done."


def test_a_run_that_cannot_pause_asks_in_its_answer(bank_db: Database) -> None:
    context = AgentContext(rm_id="RM001", model="none", database_url=bank_db.portable_url)
    output = next_best_action.compile().invoke({"request": TWO_MINHS}, context=context)
    assert pending_card(output) is None
    assert output["status"] == "needs_clarification"
    assert [choice["client_id"] for choice in output["result"]["candidates"]] == ["C0002", "C0003"]
    assert output["answer"].startswith("Yêu cầu này có thể là về nhiều khách hàng")


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_in_the_chat_a_typed_number_answers_the_question(bank_db: Database) -> None:
    auth = bearer(issue_token(bank_db, "RM001"))
    with TestClient(create_app(bank_db)) as client:
        thread_id = client.post("/api/threads", json={"graph": "copilot"}, headers=auth).json()["thread_id"]
        url = f"/api/threads/{thread_id}/runs/wait"
        asked = client.post(url, json={"input": {"message": "What should I do next with anh Nguyễn Văn Minh?"}},
                            headers=auth).json()  # fmt: skip
        assert asked["status"] == "needs_clarification" and asked["interrupt"]["action_request"]["action"] == (
            CHOOSE_CLIENT_ACTION
        )
        done = client.post(url, json={"input": {"message": "2"}}, headers=auth).json()
    assert (done["intent"], done["status"]) == ("next_best_action", "answered")
    assert done["result"]["client_id"] == "C0003"
