"""The bot's one door: a one-time code to the phone on file, and a message handed on once — to the verified
client's RM inbox, else to the contact centre; nothing tells a stranger whether a phone banks here."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from stores.db import Database
from stores.inquiry import InquiryEscalation, SmsOutbox
from tools.crm.api import CrmApi
from tools.inquiry import escalation
from tools.inquiry.escalation import CheckRefused, code_in, escalate, phone_in, start_check, verify


def _code(database: Database) -> str:
    with database.engine.connect() as connection:
        text = connection.execute(select(SmsOutbox.text).order_by(SmsOutbox.created_at.desc())).scalars().first()
    match = re.search(r"\d{6}", str(text))
    assert match is not None
    return match.group(0)


def _count(database: Database, table: object) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_phones_and_codes_are_read_from_the_message() -> None:
    assert phone_in("I'm a client, my number is +84 912 345 678") == "0912345678"
    assert code_in("the code is 123456") == "123456" and code_in("call 0912345678") is None


def test_an_unverified_message_goes_to_the_contact_centre_once(bank_db: Database) -> None:
    first = escalate(bank_db, "session-a1", "My card was swallowed, I am Nguyen Van An 0912345678",
                     topic="card_issue", urgency="high")  # fmt: skip
    again = escalate(bank_db, "session-a1", "My card was swallowed, I am Nguyen Van An 0912345678",
                     topic="card_issue", urgency="high")  # fmt: skip
    assert (first.kind, first.new, again.new, again.id) == ("contact_centre", True, False, first.id)
    with bank_db.engine.connect() as connection:
        kept = connection.execute(select(InquiryEscalation.message)).scalars().all()
    assert len(kept) == 1 and "0912345678" not in kept[0]  # the queue keeps the message masked


def test_a_verified_client_reaches_their_rm_inbox(bank_db: Database) -> None:
    start_check(bank_db, "session-b2", "0912345678")  # C0003, RM001's client
    assert not verify(bank_db, "session-b2", "000000" if _code(bank_db) != "000000" else "111111")
    assert verify(bank_db, "session-b2", _code(bank_db))
    handed = escalate(bank_db, "session-b2", "Please call me about my loan today", topic="loan_request",
                      urgency="high")  # fmt: skip
    assert handed.kind == "rm_inbox"
    unread = CrmApi(bank_db, "RM001").unread_messages()
    assert any(m["client_id"] == "C0003" and m["body"] == "Please call me about my loan today" for m in unread)
    assert all(m["body"] != "Please call me about my loan today" for m in CrmApi(bank_db, "RM002").unread_messages())


def test_a_stranger_gets_no_code_and_cannot_verify(bank_db: Database) -> None:
    start_check(bank_db, "session-c3", "0999999999")  # nobody's phone: the same answer, no SMS
    assert _count(bank_db, SmsOutbox) == 0
    assert not verify(bank_db, "session-c3", "123456")


def test_codes_are_limited_per_session(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(escalation, "MAX_CHECKS_PER_HOUR", 2)
    start_check(bank_db, "session-d4", "0912345678")
    start_check(bank_db, "session-d4", "0912345678")
    with pytest.raises(CheckRefused):
        start_check(bank_db, "session-d4", "0912345678")


def test_three_wrong_codes_end_the_check(bank_db: Database) -> None:
    start_check(bank_db, "session-e5", "0912345678")
    right = _code(bank_db)
    wrong = "000000" if right != "000000" else "111111"
    assert not any(verify(bank_db, "session-e5", wrong) for _ in range(3))
    assert not verify(bank_db, "session-e5", right)
