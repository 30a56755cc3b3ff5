"""The briefing room on the small two-RM bank: one screen about one of the RM's own clients, asked back when the
request names no single one, nothing of another RM's client shown."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from langgraph.types import Command

from graphs.briefing.graph import builder
from graphs.context import AgentContext
from stores.checkpoints import open_checkpointer
from stores.db import Database

TODAY = dt.date(2025, 10, 24)


def run(database: Database, request: str, rm_id: str = "RM001") -> dict[str, Any]:
    context = AgentContext(rm_id=rm_id, model="none", database_url=database.portable_url, today=TODAY)
    return dict(builder.compile().invoke({"request": request}, context=context))


def test_a_briefing_names_the_clients_facts_and_talking_points(bank_db: Database) -> None:
    output = run(bank_db, "Brief me on Mr Son, I'm calling him in 2 minutes")
    answer = output["answer"]
    assert output["result"]["client_id"] == "C0001" and output["language"] == "en"
    assert "Mr Pham Van Son" in output["understood_as"]
    assert "matures 05/11/2025 (in 12 days)" in answer and "1.5B VND" in answer  # the CD, with its date and days
    assert 'task "Send CD renewal options" due 28/10/2025' in answer
    assert "matures 01/03/2026" in answer.split("Coming up:")[0]  # the loan's maturity, beyond the weeks ahead
    assert "09/10/2025" not in answer and "10/09/2025 meeting about Portfolio review (positive)" in answer
    points = answer.split("Talking points:")[1]
    assert points.lstrip().startswith("1. 12-month") and "05/11/2025, in 12 days" in points  # maturity, not opening


def test_a_vietnamese_request_is_briefed_in_vietnamese_complaint_first_relative_kept_private(bank_db: Database) -> None:
    output = run(bank_db, "Tóm tắt giúp em về chị Oanh, em sắp gọi chị")
    answer = output["answer"]
    assert output["result"]["client_id"] == "C0004" and output["language"] == "vi"
    assert "Gợi ý trao đổi:\n1. Mở đầu bằng khiếu nại đang mở (thẻ, từ 15/10/2025)" in answer
    assert "một người nhà là khách của RM khác (anh chị em)" in answer  # C0101 is RM002's: the link only
    assert "Dung" not in answer and "C0101" not in answer and "9 tỷ" not in answer


def test_a_request_naming_no_single_own_client_asks_and_shows_nothing(bank_db: Database) -> None:
    ambiguous = run(bank_db, "brief me on Minh before my call")
    assert ambiguous["status"] == "needs_clarification"
    assert {choice["client_id"] for choice in ambiguous["result"]["candidates"]} == {"C0002", "C0003"}
    others = run(bank_db, "Brief me on Bà Trần Thị Dung 0945678901")
    assert others["status"] == "needs_clarification" and "9B" not in others["answer"]
    assert not {choice["client_id"] for choice in others["result"].get("candidates") or []} & {"C0101", "C0102"}


def test_on_a_thread_the_client_question_pauses_and_the_choice_briefs(bank_db: Database) -> None:
    with open_checkpointer(bank_db) as saver:
        graph = builder.compile(checkpointer=saver)
        context = AgentContext(rm_id="RM001", model="none", database_url=bank_db.portable_url, today=TODAY)
        config: Any = {"configurable": {"thread_id": f"t-{uuid.uuid4().hex}"}}
        paused = graph.invoke({"request": "brief anh Minh 5p nua goi"}, config, context=context)
        assert paused.get("__interrupt__")
        done = graph.invoke(Command(resume=[{"type": "edit", "args": {"client_id": "C0003"}}]), config, context=context)
        assert done["result"]["client_id"] == "C0003" and "2.6" in done["answer"]


def test_a_modifier_the_briefing_does_not_use_is_named(bank_db: Database) -> None:
    output = run(bank_db, "Brief me on Mr Son by product for last week")
    assert output["result"]["client_id"] == "C0001"
    assert "Not applied: “by product”, “last week”" in output["answer"]
    assert "not_applied" not in run(bank_db, "Brief me on Mr Son, I'm calling him in 2 minutes")["result"]
