"""The compliance check room: a pasted message checked against the bank's rules, its client from the CRM, in the
RM's language, with a suggested version; reached from the chat."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from graphs.compliance_check.graph import builder
from graphs.context import AgentContext
from graphs.copilot.graph import builder as copilot_builder
from stores.checkpoints import open_checkpointer
from stores.db import Database

TODAY = dt.date(2025, 10, 24)


def _check(database: Database, message: str, **extra: Any) -> dict[str, Any]:
    context = AgentContext(rm_id="RM001", model="none", database_url=database.portable_url, today=TODAY)
    return dict(builder.compile().invoke({"message": message, **extra}, context=context))


def test_a_message_with_a_promise_and_no_disclaimer_gets_both_flags_and_a_repair(bank_db: Database) -> None:
    message = ("Check this message:\nDear Mr Son,\nPremier Invest is guaranteed to return 12% a year! "
               "Premier Invest suits your long-term goals.\nBest regards,\nHa")  # fmt: skip
    out = _check(bank_db, message)
    result = out["result"]
    assert set(result["flags"]) >= {"guaranteed_return", "missing_risk_disclaimer"}
    assert "guaranteed to return" in out["answer"] and "Suggested version" in out["answer"]
    assert "guaranteed" not in result["suggested"] and "may lose value" in result["suggested"]
    assert out["understood_as"].startswith("A compliance check of the message")


DISCLAIMER_VI = "Sản phẩm đầu tư không phải là tiền gửi, không được bảo hiểm tiền gửi và có thể mất vốn."


def test_the_client_named_is_read_from_the_crm_for_suitability(bank_db: Database) -> None:
    message = f"Kiểm tra giúp em tin nhắn này: Chào anh Phạm Văn Sơn, em mời anh đầu tư Premier Invest. {DISCLAIMER_VI}"
    out = _check(bank_db, message)
    assert out["language"] == "vi"
    client = out["result"]["client"]
    assert (client["client_id"], client["risk_profile"]) == ("C0001", "balanced")
    assert out["result"]["flags"] == ["unsuitable_product"]  # a growth product for a balanced client
    assert "Không thể tự sửa" in out["answer"]  # a product choice needs the RM, not a rewrite


def test_two_clients_of_one_name_are_not_guessed(bank_db: Database) -> None:
    out = _check(bank_db, f"Kiểm tra: Chào anh Nguyễn Văn Minh, em mời anh đầu tư Premier Invest. {DISCLAIMER_VI}")
    assert out["result"]["client"] is None and out["result"]["flags"] == []
    assert "Chưa kiểm tra tính phù hợp" in out["answer"]


def test_a_clean_message_passes_and_says_suitability_was_not_checked_without_a_client(bank_db: Database) -> None:
    out = _check(bank_db, "Check: Dear client, your 12-month CD matures on 5 November. Shall we talk renewal?")
    assert out["result"]["flags"] == [] and out["result"]["suggested"] is None
    assert "You can send it" in out["answer"] and "Suitability was not checked" in out["answer"]


def test_a_wrong_catalog_rate_is_flagged(bank_db: Database) -> None:
    out = _check(bank_db, "Check this: your 12-month CD renews at 9.9% p.a. for 12 months, from VND 100 million.")
    assert "misleading_rate" in out["result"]["flags"]


def test_the_chat_reaches_the_room(bank_db: Database) -> None:
    with open_checkpointer(bank_db) as checkpointer:
        chat = copilot_builder.compile(checkpointer=checkpointer)
        context = AgentContext(rm_id="RM001", model="none", database_url=bank_db.portable_url, today=TODAY)
        config = {"configurable": {"thread_id": f"t-{uuid.uuid4().hex}"}}
        message = "Check this message for compliance: This fund is risk-free, act now before it's too late!"
        out = chat.invoke({"message": message}, config, context=context)
    assert out["intent"] == "compliance_check"
    assert set(out["result"]["flags"]) >= {"guaranteed_return", "pressure_tactic"}
