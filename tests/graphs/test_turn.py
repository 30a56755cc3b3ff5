"""The one output of every room, and how a paused turn reads."""

from __future__ import annotations

from typing import Any

from graphs.turn import TURN_KEYS, pending_card, read_text, status_of, turn, turn_of


class _Pending:
    def __init__(self, value: Any) -> None:
        self.value = value


def test_a_turn_has_every_key_so_nothing_of_the_last_one_leaks() -> None:
    assert set(turn("hi")) == set(TURN_KEYS)
    assert turn_of({"answer": "x", "secret": "state", "status": "written"}) == turn("x", status="written")


def test_a_paused_turn_reads_as_what_it_waits_for() -> None:
    question = {"action_request": {"action": "choose_client", "args": {}}, "config": {}, "description": "Which?"}
    card = {"action_request": {"action": "log_interaction", "args": {}}, "config": {}, "description": "Confirm"}
    assert status_of({"status": "answered", "__interrupt__": [_Pending([question])]}) == "needs_clarification"
    assert status_of({"status": "answered", "__interrupt__": [_Pending([card])]}) == "awaiting_confirmation"
    assert pending_card({"__interrupt__": [{"value": [card]}]}) == card  # as the HTTP API serializes it
    assert status_of({"status": "written"}) == "written" and pending_card({}) is None


def test_text_inputs_are_read_in_one_form() -> None:
    assert read_text("  Gặp chị Oanh\u200b ") == "Gặp chị Oanh"
    assert read_text(None) == ""
