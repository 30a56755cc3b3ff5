"""The day plan reads what is due for one RM's own clients, most pressing first, every reason kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stores.db import Database
from stores.fixtures import load_fixture
from tools.signals.day_plan import day_plan, is_urgent, plan_window

FRIDAY = dt.date(2025, 10, 24)


@pytest.fixture
def busy_bank(any_db: Database, small_bank: dict[str, Any]) -> Database:
    """The small bank plus a plain unread message for RM001 and an urgent one for RM002's client."""
    small_bank["inbound_messages"] += [
        {"id": "M0002", "client_id": "C0003", "rm_id": "RM001", "received_at": "2025-10-27T09:00:00+07:00",
         "channel": "zalo", "body": "Em muốn hỏi lãi suất 12 tháng.", "status": "unread"},
        {"id": "M0102", "client_id": "C0101", "rm_id": "RM002", "received_at": "2025-10-27T09:00:00+07:00",
         "channel": "email", "subject": "URGENT", "body": "My card was stolen", "status": "unread"},
    ]  # fmt: skip
    load_fixture(any_db, small_bank)
    return any_db


def test_the_most_pressing_reason_orders_the_plan_and_every_reason_is_kept(busy_bank: Database) -> None:
    today = dt.date(2025, 10, 29)  # K0001 was due on 28/10; A0001's CD matures on 05/11
    plan = day_plan(busy_bank, "RM001", today, today, today)
    assert [entry["client_id"] for entry in plan] == ["C0004", "C0001", "C0003"]
    kinds = {entry["client_id"]: [reason["kind"] for reason in entry["reasons"]] for entry in plan}
    assert kinds == {
        "C0004": ["complaint", "urgent_message"],
        "C0001": ["task_overdue", "maturity"],
        "C0003": ["message"],
    }
    maturity = plan[1]["reasons"][1]
    assert (maturity["amount_vnd"], maturity["on"], maturity["days_left"]) == (1_500_000_000, "2025-11-05", 7)


def test_an_rm_sees_only_their_own_clients(busy_bank: Database) -> None:
    today = dt.date(2025, 10, 29)
    other = day_plan(busy_bank, "RM002", today, today, today)
    assert [entry["client_id"] for entry in other] == ["C0101"]
    assert other[0]["reasons"][0]["kind"] == "urgent_message"
    assert all(entry["client_id"] != "C0101" for entry in day_plan(busy_bank, "RM001", today, today, today))


def test_birthdays_and_tasks_follow_the_window(busy_bank: Database) -> None:
    wednesday = dt.date(2025, 10, 22)
    today_only = day_plan(busy_bank, "RM001", wednesday, wednesday, wednesday)
    assert "C0002" not in {entry["client_id"] for entry in today_only}
    week = day_plan(busy_bank, "RM001", wednesday, wednesday, dt.date(2025, 10, 26))
    birthday = next(entry for entry in week if entry["client_id"] == "C0002")["reasons"]
    assert birthday == [{"kind": "birthday", "on": "2025-10-24", "age": 35}]
    on_the_day = day_plan(busy_bank, "RM001", FRIDAY, FRIDAY, FRIDAY)
    assert (
        next(entry for entry in on_the_day if entry["client_id"] == "C0002")["reasons"][0]["kind"] == "birthday_today"
    )
    due = day_plan(busy_bank, "RM001", dt.date(2025, 10, 27), dt.date(2025, 10, 27), dt.date(2025, 10, 28))
    task = next(entry for entry in due if entry["client_id"] == "C0001")["reasons"]
    assert {"kind": "task_due", "title": "Send CD renewal options", "task_kind": "send_document",
            "due_on": "2025-10-28"} in task  # fmt: skip


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("who should I call today?", ("today", FRIDAY, FRIDAY)),
        ("Ai cần gọi tuần này?", ("this_week", FRIDAY, dt.date(2025, 10, 26))),
        ("call plan tmrw morning", ("tomorrow", dt.date(2025, 10, 25), dt.date(2025, 10, 25))),
        ("sáng mai gọi ai trước", ("tomorrow", dt.date(2025, 10, 25), dt.date(2025, 10, 25))),
        ("nên gọi chị Mai không", ("today", FRIDAY, FRIDAY)),  # a name, not "tomorrow"
    ],
)
def test_the_window_is_read_from_the_request(request_text: str, expected: tuple[str, dt.date, dt.date]) -> None:
    assert plan_window(request_text, FRIDAY) == expected


def test_urgent_messages_are_told_apart() -> None:
    assert is_urgent("Thẻ bị khóa", "giúp em với")
    assert is_urgent(None, "Cần gấp chị ơi")
    assert not is_urgent(None, "Em muốn gặp chị tuần sau")  # "gặp" (meet) folds like "gấp" (urgent)
    assert not is_urgent("Hỏi lãi suất", "Em muốn hỏi lãi suất tiết kiệm 12 tháng.")
