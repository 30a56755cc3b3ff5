"""The drafting graph: one client, one event, the signed-in RM's voice; another RM's client is not found."""

from __future__ import annotations

from typing import Any

import pytest

from graphs.context import AgentContext
from graphs.drafting.graph import builder
from stores.db import Database


def _draft(database: Database, rm_id: str, client_id: str, event: str) -> dict[str, Any]:
    context = AgentContext(rm_id=rm_id, model="none", database_url=database.portable_url)
    out: dict[str, Any] = builder.compile().invoke({"client_id": client_id, "event": event}, context=context)
    return {**out, **out["result"], "kind": out["result"].get("event")}


def test_a_birthday_draft_follows_the_rms_learned_voice(bank_db: Database) -> None:
    state = _draft(bank_db, "RM001", "C0002", "birthday")  # RM001 writes "Kính gửi chị Oanh," … "Trân trọng, Thu Hà"
    draft = state["draft"]
    assert state["status"] == "answered" and state["kind"] == "birthday"
    assert draft["language"] == "vi" and draft["salutation"].startswith("Kính gửi")
    assert draft["signoff"] == "Trân trọng," and draft["signature"] == "Thu Hà"
    assert draft["flags"] == [] and "C0002" not in draft["text"]


def test_an_event_the_client_has_no_trigger_for_today_is_still_drafted_from_its_data(bank_db: Database) -> None:
    state = _draft(bank_db, "RM001", "C0001", "loan_maturity")  # the loan matures in March, far from today
    assert state["kind"] == "loan_maturity"
    assert state["facts"]["maturity_on"] == "2026-03-01"
    assert "2026" in state["draft"]["text"] or "March" in state["draft"]["text"]


def test_an_event_without_data_becomes_a_check_in(bank_db: Database) -> None:
    state = _draft(bank_db, "RM001", "C0002", "cd_maturity")  # C0002 holds no CD
    assert state["kind"] == "check_in" and state["status"] == "answered"


def test_another_rms_client_is_not_found_and_nothing_about_them_is_read(bank_db: Database) -> None:
    state = _draft(bank_db, "RM001", "C0101", "birthday")
    assert state["status"] == "failed" and state["result"] == {} and "C0101" not in state["answer"]


def test_an_unknown_event_is_refused_naming_it(bank_db: Database) -> None:
    with pytest.raises(ValueError, match="anniversary"):
        _draft(bank_db, "RM001", "C0001", "anniversary")


def test_a_birthday_months_away_is_not_drafted_and_says_when_it_is(bank_db: Database) -> None:
    state = _draft(bank_db, "RM001", "C0001", "birthday")  # born 2 March: 129 days after 24 October
    assert state["status"] == "answered" and "draft" not in state["result"]
    assert "129 days" in state["answer"] and "2 March 2026" in state["answer"] and "too far ahead" in state["answer"]


def test_a_large_deposit_draft_suggests_a_product_the_policy_allows(bank_db: Database) -> None:
    state = _draft(bank_db, "RM001", "C0003", "large_deposit")  # conservative Platinum, 1.2 billion in, by phone
    assert state["facts"]["suggested_product_code"] == "CD_12M"  # a deposit, never Premier Invest
    draft = state["draft"]
    assert draft["form"] == "talking_points" and state["facts"]["suggested_product_name"] in draft["text"]
