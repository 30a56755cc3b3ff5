"""From a note's reading to the exact interaction the RM confirms, and an edit on top of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tools.crm.proposal import apply_edit, product_for, propose_interaction

TODAY = dt.date(2025, 10, 24)
LOANS = [{"code": "HOME_LOAN", "name": "Home Loan"}, {"code": "RENO_LOAN", "name": "Renovation Loan"}]


def test_defaults_are_taken_and_said() -> None:
    reading = {"channel": None, "topic": None, "product_category": "loan", "summary": "",
               "tasks": [{"kind": "call", "title": "Call her", "due_on": None}]}  # fmt: skip
    proposal = propose_interaction(
        reading, client_id="C0001", note="the note", today=TODAY, products=LOANS, default_topic="Client conversation"
    )
    assert proposal.interaction["channel"] == "meeting" and proposal.interaction["topic"] == "Loan"
    assert proposal.interaction["tasks"][0]["due_on"] == "2025-10-25"
    assert [remark.code for remark in proposal.remarks] == ["no_channel", "no_due_date"]
    assert proposal.interaction["summary"] == "the note" and proposal.problems == []


def test_the_product_is_named_only_when_it_clearly_fits() -> None:
    assert product_for(LOANS, "loan", "a renovation loan for the flat") == "RENO_LOAN"
    assert product_for(LOANS, "loan", "a loan") is None
    assert product_for(LOANS[:1], "loan", None) == "HOME_LOAN"
    assert product_for([], "loan", "anything") is None


def _proposal() -> dict[str, Any]:
    return propose_interaction(
        {"channel": "call", "topic": "CD", "tasks": [], "amount_vnd": 800_000_000}, client_id="C0001", note="n",
        today=TODAY, products=[], default_topic="x",
    ).interaction  # fmt: skip


def test_a_task_title_names_the_client_when_it_does_not() -> None:
    reading = {"channel": "call", "topic": "CD", "tasks": [
        {"kind": "call", "title": "Call him", "due_on": "2025-10-29"},
        {"kind": "email", "title": "Email Son the term sheet", "due_on": "2025-10-28"}]}  # fmt: skip
    tasks = propose_interaction(
        reading, client_id="C0001", note="n", today=TODAY, products=[], default_topic="x",
        client_name="Mr Pham Van Son",
    ).interaction["tasks"]  # fmt: skip
    assert [task["title"] for task in tasks] == ["Call him – Mr Pham Van Son", "Email Son the term sheet"]


def test_an_edit_changes_only_what_an_rm_may_change() -> None:
    proposal = _proposal()
    edit = apply_edit(proposal, {"interaction": {"amount_vnd": 5, "client_id": "C0101"}}, today=TODAY)
    assert edit.problems == [] and edit.proposal["amount_vnd"] == 5 and edit.proposal["client_id"] == "C0001"
    assert not edit.show_back  # a number is written as typed


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("800m", 800_000_000), ("1,2 tỷ", 1_200_000_000), ("500tr", 500_000_000), ("1 tỷ 2", 1_200_000_000),
     ("800.000.000đ", 800_000_000), ("800,000,000", 800_000_000), ("VND 2bn", 2_000_000_000), ("", None)],
)  # fmt: skip
def test_an_amount_typed_as_the_rm_writes_it_is_read_and_shown_back(typed: str, amount: int | None) -> None:
    edit = apply_edit(_proposal(), {"interaction": {"amount_vnd": typed}}, today=TODAY)
    assert (edit.problems, edit.proposal["amount_vnd"], edit.show_back) == ([], amount, True)


EIGHT_HUNDRED = {"title": "Call", "kind": "call", "due_on": "2025-10-30"}


@pytest.mark.parametrize(
    ("edited", "problem"),
    [
        ("just text", "as an object"),
        ([1, 2], "as an object"),
        (None, "as an object"),
        ({"interaction": "oops"}, "as an object"),
        ({"interaction": None}, "as an object"),
        ({"interaction": [1]}, "as an object"),
        ({"tasks": "call him"}, "tasks as a list"),
        ({"interaction": {"amount_vnd": True}}, "amount in VND"),
        ({"interaction": {"amount_vnd": "a lot"}}, "could not read"),
        ({"interaction": {"amount_vnd": "800m or 900m"}}, "could not read"),
        ({"interaction": {"amount_vnd": -5}}, "between 0 and"),
        ({"interaction": {"amount_vnd": 12.5}}, "whole number"),
        ({"interaction": {"amount_vnd": 10**14}}, "between 0 and"),
        ({"interaction": {"amount_vnd": [1]}}, "amount in VND"),
        ({"tasks": [EIGHT_HUNDRED] * 21}, "at most 20 tasks"),
        ({"tasks": [{**EIGHT_HUNDRED, "due_on": "1900-01-01"}]}, "due_on must be between"),
        ({"tasks": [{**EIGHT_HUNDRED, "due_on": "2999-01-01"}]}, "due_on must be between"),
        ({"tasks": [{**EIGHT_HUNDRED, "due_on": "tomorrow"}]}, "due_on"),
        ({"tasks": [{**EIGHT_HUNDRED, "kind": "party"}]}, "kind must be one of"),
        ({"tasks": [{**EIGHT_HUNDRED, "title": "x" * 301}]}, "title"),
        ({"interaction": {"occurred_at": "2999-01-01T10:00:00+07:00"}}, "occurred_at must be within"),
        ({"interaction": {"occurred_at": "1900-01-01T10:00:00+07:00"}}, "occurred_at must be within"),
        ({"interaction": {"summary": "x" * 4001}}, "summary"),
        ({"interaction": {"location": "x" * 301}}, "location"),
        ({"interaction": {"sentiment": "thrilled"}}, "sentiment must be one of"),
        ({"interaction": {"channel": 5}}, "channel"),
    ],
)
def test_every_edit_is_validated_and_a_bad_one_changes_nothing(edited: Any, problem: str) -> None:
    proposal = _proposal()
    edit = apply_edit(proposal, edited, today=TODAY)
    assert edit.proposal == proposal and any(problem in text for text in edit.problems), edit.problems


def test_the_largest_amount_an_edit_may_set_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTIFY_MAX_CARD_AMOUNT_VND", "1000000000")
    assert apply_edit(_proposal(), {"interaction": {"amount_vnd": "2 tỷ"}}, today=TODAY).problems
    assert not apply_edit(_proposal(), {"interaction": {"amount_vnd": "1 tỷ"}}, today=TODAY).problems
