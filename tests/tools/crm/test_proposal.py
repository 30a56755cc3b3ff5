"""From a note's reading to the exact interaction the RM confirms, and an edit on top of it."""

from __future__ import annotations

import datetime as dt

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


def test_an_edit_changes_only_what_an_rm_may_change() -> None:
    proposal = propose_interaction(
        {"channel": "call", "topic": "CD", "tasks": []}, client_id="C0001", note="n", today=TODAY, products=[],
        default_topic="x",
    ).interaction  # fmt: skip
    changed, problems = apply_edit(proposal, {"interaction": {"amount_vnd": 5, "client_id": "C0101"}})
    assert problems == [] and changed["amount_vnd"] == 5 and changed["client_id"] == "C0001"
    same, problems = apply_edit(proposal, {"interaction": "not an object"})
    assert same == proposal and problems
