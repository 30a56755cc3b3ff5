"""The morning inbox: saving the nightly drafts, ordering them, and the RM's actions on them."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest
from sqlalchemy import func, select

from stores.app_tables import WriteLog
from stores.db import Database
from stores.drafts import Draft, OutboxMessage
from stores.schema import Interaction
from tests.drivers import chat_draft, count, new_draft
from tools.inbox import drafts as inbox_module
from tools.inbox.drafts import (
    DraftActionRefused,
    DraftNotFound,
    Inbox,
    draft_id_for,
    drafted_event_keys,
    save_drafts,
)

# ----- saving ---------------------------------------------------------------------------------


def test_saving_the_same_event_twice_keeps_one_draft(bank_db: Database) -> None:
    assert save_drafts(bank_db, [new_draft("cd:A1:2025-11-05")]) == 1
    assert save_drafts(bank_db, [new_draft("cd:A1:2025-11-05", body="A rewrite the next night.")]) == 0
    assert save_drafts(bank_db, [new_draft("cd:A2:2025-11-09"), new_draft("cd:A2:2025-11-09")]) == 1
    assert count(bank_db, Draft) == 2
    stored = Inbox(bank_db, "RM001").get(draft_id_for("cd:A1:2025-11-05"))
    assert stored["body"].startswith("Dear Mr Son")  # the first draft of an event stays
    assert stored["original_body"] == stored["body"]
    assert stored["status"] == "new"
    assert stored["facts"] == {"account_id": "A1", "maturity_on": "2025-11-05"}
    assert stored["compliance"]["notes"] == ["rate quoted from the catalog"]
    assert drafted_event_keys(bank_db, ["cd:A1:2025-11-05", "cd:A9:2025-12-01"]) == {"cd:A1:2025-11-05"}


def test_draft_ids_follow_from_the_event() -> None:
    assert draft_id_for("birthday:C0002:2025") == draft_id_for("birthday:C0002:2025")
    assert draft_id_for("birthday:C0002:2025") != draft_id_for("birthday:C0002:2026")
    assert len(draft_id_for("x")) == 17 and draft_id_for("x").startswith("D")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("urgency", "urgent"),
        ("value_vnd", "1000"),
        ("value_vnd", -5),
        ("channel", "sms"),
        ("client_channel", "telegram"),
        ("scan_date", "24/10/2025"),
        ("body", "   "),
        ("body", "x\x00y"),
        ("engine", "gpt"),
        ("facts", ["not", "a", "dict"]),
        ("subject", None),  # an e-mail needs one
        ("client_id", "C0101"),  # another RM's client
        ("client_id", "C9999"),
    ],
)
def test_one_bad_draft_saves_nothing_and_names_event_and_field(bank_db: Database, field: str, value: Any) -> None:
    batch = [new_draft("good:1"), new_draft("bad:2", **{field: value}), new_draft("good:3")]
    with pytest.raises(ValueError) as refused:
        save_drafts(bank_db, batch)
    assert "'bad:2'" in str(refused.value)
    assert field in str(refused.value)
    assert count(bank_db, Draft) == 0


def test_a_missing_field_is_named(bank_db: Database) -> None:
    draft = dict(new_draft("bad:1"))
    del draft["urgency"]
    with pytest.raises(ValueError, match=r"'bad:1'.*urgency"):
        save_drafts(bank_db, [draft])  # type: ignore[list-item]


def test_many_keys_are_looked_up_in_chunks(bank_db: Database) -> None:
    keys = [f"birthday:C0001:{year}" for year in range(1200)]
    save_drafts(bank_db, [new_draft(key) for key in keys[::100]])
    assert drafted_event_keys(bank_db, keys) == set(keys[::100])


# ----- reading --------------------------------------------------------------------------------


def test_notifications_come_by_urgency_then_value(bank_db: Database) -> None:
    save_drafts(
        bank_db,
        [
            new_draft("low:big", urgency="low", value_vnd=9_000_000_000),
            new_draft("medium:small", urgency="medium", value_vnd=100_000_000),
            chat_draft("high:zero", urgency="high", value_vnd=0),
            new_draft("medium:big", urgency="medium", value_vnd=2_000_000_000, client_id="C0004", language="vi"),
            new_draft("other-night", urgency="high", scan_date="2025-10-23"),
        ],
    )
    inbox = Inbox(bank_db, "RM001")
    order = [item["event_key"] for item in inbox.notifications()]
    assert order == ["other-night", "high:zero", "medium:big", "medium:small", "low:big"]
    assert [item["event_key"] for item in inbox.notifications(scan_date=dt.date(2025, 10, 23))] == ["other-night"]
    first = inbox.notifications()[1]
    assert first["client_name"] == "Nguyễn Văn Minh" and first["client_honorific"] == "Anh"
    assert inbox.badge() == 5
    inbox.approve(draft_id_for("low:big"))
    assert inbox.badge() == 4
    inbox.dismiss(draft_id_for("medium:small"))
    assert "medium:small" not in [item["event_key"] for item in inbox.notifications()]
    everything = inbox.notifications(statuses=("new", "approved", "dismissed"))
    assert len(everything) == 5
    with pytest.raises(ValueError, match="unknown draft status"):
        inbox.notifications(statuses=("archived",))


def test_another_rms_draft_is_never_found(bank_db: Database) -> None:
    save_drafts(bank_db, [new_draft("cd:A1")])
    draft_id = draft_id_for("cd:A1")
    other = Inbox(bank_db, "RM002")
    assert other.notifications() == [] and other.badge() == 0
    actions = [
        lambda: other.get(draft_id),
        lambda: other.approve(draft_id),
        lambda: other.dismiss(draft_id),
        lambda: other.edit(draft_id, body="Hello"),
        lambda: other.send(draft_id),
    ]
    for action in actions:
        with pytest.raises(DraftNotFound) as missing:
            action()
        assert str(missing.value) == f"no draft {draft_id!r} among your drafts"
    with pytest.raises(DraftNotFound) as unknown:
        other.get("D0000000000000000")
    assert str(unknown.value) == "no draft 'D0000000000000000' among your drafts"
    assert Inbox(bank_db, "RM001").get(draft_id)["status"] == "new"


# ----- actions --------------------------------------------------------------------------------


def test_status_transitions_and_refusals(bank_db: Database) -> None:
    save_drafts(bank_db, [new_draft("a"), new_draft("b"), chat_draft("c")])
    inbox = Inbox(bank_db, "RM001")
    a, b, c = (draft_id_for(key) for key in "abc")

    assert inbox.approve(a)["status"] == "approved"
    assert inbox.approve(a)["status"] == "approved"  # twice is harmless
    assert inbox.edit(a, body="  Dear Mr Son, see you soon.  ")["status"] == "approved"
    assert inbox.get(a)["body"] == "Dear Mr Son, see you soon."
    assert inbox.get(a)["edited"] is True

    assert inbox.dismiss(b)["status"] == "dismissed"
    assert inbox.dismiss(b)["status"] == "dismissed"
    for action in (lambda: inbox.approve(b), lambda: inbox.edit(b, body="x"), lambda: inbox.send(b)):
        with pytest.raises(DraftActionRefused, match="dismiss"):
            action()

    inbox.send(c)
    assert inbox.get(c)["status"] == "copied"
    for action in (lambda: inbox.edit(c, body="late"), lambda: inbox.dismiss(c), lambda: inbox.approve(c)):
        with pytest.raises(DraftActionRefused, match="copied"):
            action()


@pytest.mark.parametrize(
    ("body", "subject", "reason"),
    [
        ("   ", None, "empty"),
        ("x" * 5001, None, "5,000"),
        ("a\x00b", None, "NUL"),
        ("fine", "Two\nlines", "one line"),
        ("fine", "   ", "empty"),
    ],
)
def test_edits_are_checked(bank_db: Database, body: str, subject: str | None, reason: str) -> None:
    save_drafts(bank_db, [new_draft("a")])
    inbox = Inbox(bank_db, "RM001")
    with pytest.raises(DraftActionRefused, match=reason):
        inbox.edit(draft_id_for("a"), body=body, subject=subject)
    assert inbox.get(draft_id_for("a"))["body"].startswith("Dear Mr Son")


def test_a_chat_draft_has_no_subject(bank_db: Database) -> None:
    save_drafts(bank_db, [chat_draft("c")])
    with pytest.raises(DraftActionRefused, match="no subject"):
        Inbox(bank_db, "RM001").edit(draft_id_for("c"), body="Chào anh", subject="Hi")


def test_an_edit_changes_body_and_subject(bank_db: Database) -> None:
    save_drafts(bank_db, [new_draft("a")])
    edited = Inbox(bank_db, "RM001").edit(draft_id_for("a"), body="Dear Son,\nShort and sweet.", subject=" New ")
    assert edited["subject"] == "New"
    assert edited["body"] == "Dear Son,\nShort and sweet."
    assert edited["original_body"].startswith("Dear Mr Son")


class _SpyPersonalization:
    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []
    fail: ClassVar[bool] = False

    def __init__(self, database: Database, rm_id: str) -> None:
        self.rm_id = rm_id

    def learn_from_edit(self, **kwargs: Any) -> None:
        type(self).calls.append((self.rm_id, kwargs))
        if type(self).fail:
            raise RuntimeError("the tone store is down")


@pytest.fixture
def spy_personalization(monkeypatch: pytest.MonkeyPatch) -> type[_SpyPersonalization]:
    import sys
    import types

    _SpyPersonalization.calls = []
    _SpyPersonalization.fail = False
    module = types.ModuleType("tools.voice.personalization")
    module.Personalization = _SpyPersonalization  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tools.voice.personalization", module)
    return _SpyPersonalization


def test_an_edit_is_learned_from(bank_db: Database, spy_personalization: type[_SpyPersonalization]) -> None:
    save_drafts(bank_db, [new_draft("a")])
    inbox = Inbox(bank_db, "RM001")
    original = inbox.get(draft_id_for("a"))["body"]
    inbox.edit(draft_id_for("a"), body="Hi Son,\nYour CD matures soon.\nCheers, Ha")
    assert spy_personalization.calls == [
        (
            "RM001",
            {
                "client_id": "C0001",
                "language": "en",
                "original": original,
                "edited": "Hi Son,\nYour CD matures soon.\nCheers, Ha",
            },
        )
    ]
    inbox.edit(draft_id_for("a"), body="Hi Son,\nYour CD matures soon.\nCheers, Ha", subject="New subject")
    assert len(spy_personalization.calls) == 1  # the body did not change: nothing new to learn


def test_a_failed_learning_keeps_the_edit(
    bank_db: Database, spy_personalization: type[_SpyPersonalization], caplog: pytest.LogCaptureFixture
) -> None:
    spy_personalization.fail = True
    save_drafts(bank_db, [new_draft("a")])
    edited = Inbox(bank_db, "RM001").edit(draft_id_for("a"), body="Hi Son")
    assert edited["body"] == "Hi Son"
    assert any(record.levelname == "WARNING" and "learn" in record.getMessage() for record in caplog.records)


# ----- sending --------------------------------------------------------------------------------


def _interactions(database: Database, client_id: str) -> list[Any]:
    with database.engine.connect() as connection:
        return list(connection.execute(select(Interaction).where(Interaction.client_id == client_id)).all())


def test_sending_an_email_twice_queues_once_and_logs_once(bank_db: Database) -> None:
    save_drafts(bank_db, [new_draft("a")])
    inbox = Inbox(bank_db, "RM001")
    before = len(_interactions(bank_db, "C0001"))
    first = inbox.send(draft_id_for("a"))
    second = inbox.send(draft_id_for("a"))
    assert first.channel == "email" and first.copy_text is None
    assert first.outbox_id is not None and first.outbox_id == second.outbox_id
    assert first.interaction_id is not None and first.interaction_id == second.interaction_id
    assert first.draft["status"] == "sent"
    assert count(bank_db, OutboxMessage) == 1
    with bank_db.engine.connect() as connection:
        queued = connection.execute(select(OutboxMessage)).one()
    assert (queued.to_address, queued.status, queued.attempts) == ("son.pham@mail.example", "queued", 0)
    assert queued.subject == "Your CD matures on 5 November" and queued.body.startswith("Dear Mr Son")
    logged = _interactions(bank_db, "C0001")
    assert len(logged) == before + 1
    entry = next(row for row in logged if row.id == first.interaction_id)
    assert (entry.channel, entry.source, entry.topic) == ("email", "agent", "CD maturity")
    assert entry.summary == "Your CD matures on 5 November"


def test_a_send_interrupted_before_the_crm_log_logs_once_on_retry(
    bank_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_drafts(bank_db, [new_draft("a")])
    inbox = Inbox(bank_db, "RM001")
    before = len(_interactions(bank_db, "C0001"))

    def crash(*_args: Any, **_kwargs: Any) -> Any:
        raise ConnectionError("the process died here")

    with monkeypatch.context() as patch:
        patch.setattr(inbox_module.CrmApi, "create_interaction", crash)
        with pytest.raises(ConnectionError):
            inbox.send(draft_id_for("a"))
    assert inbox.get(draft_id_for("a"))["status"] == "sent"
    retried = inbox.send(draft_id_for("a"))
    inbox.send(draft_id_for("a"))
    assert retried.interaction_id is not None
    assert len(_interactions(bank_db, "C0001")) == before + 1
    assert count(bank_db, OutboxMessage) == 1
    assert count(bank_db, WriteLog, WriteLog.idempotency_key == f"RM001:draft-send:{draft_id_for('a')}") == 1


def test_a_chat_draft_is_copied_and_logged_only_once_the_rm_confirms_it_was_sent(bank_db: Database) -> None:
    save_drafts(bank_db, [chat_draft("c")])
    inbox = Inbox(bank_db, "RM001")
    before = len(_interactions(bank_db, "C0002"))
    result = inbox.send(draft_id_for("c"))
    assert result.channel == "chat" and result.outbox_id is None and result.awaiting_confirmation
    assert result.copy_text == "Chúc mừng sinh nhật anh Minh!\nChúc anh một năm nhiều niềm vui."
    assert result.draft["status"] == "copied" and result.interaction_id is None
    assert inbox.send(draft_id_for("c")).awaiting_confirmation  # copying again logs nothing either
    assert len(_interactions(bank_db, "C0002")) == before  # copied is not sent: no contact yet
    confirmed = inbox.confirm_sent(draft_id_for("c"))
    again = inbox.confirm_sent(draft_id_for("c"))
    assert confirmed.draft["status"] == "sent" and not confirmed.awaiting_confirmation
    assert again.interaction_id == confirmed.interaction_id
    logged = _interactions(bank_db, "C0002")
    assert len(logged) == before + 1
    entry = next(row for row in logged if row.id == confirmed.interaction_id)
    assert (entry.channel, entry.source) == ("chat", "agent")
    assert entry.summary == "Chúc mừng sinh nhật anh Minh!"
    assert count(bank_db, OutboxMessage) == 0


def test_confirming_needs_a_copied_chat_draft(bank_db: Database) -> None:
    save_drafts(bank_db, [chat_draft("c"), new_draft("e")])
    inbox = Inbox(bank_db, "RM001")
    with pytest.raises(DraftActionRefused, match="it is new; copy it first"):
        inbox.confirm_sent(draft_id_for("c"))
    with pytest.raises(DraftActionRefused, match="is an e-mail"):
        inbox.confirm_sent(draft_id_for("e"))
    with pytest.raises(DraftNotFound):
        Inbox(bank_db, "RM002").confirm_sent(draft_id_for("c"))


def test_the_logged_summary_is_the_message_not_its_salutation(bank_db: Database) -> None:
    body = "Chào anh Minh,\n\nKhoản tiền gửi 1,5 tỷ của anh đến hạn ngày 5/11.\n\nThân mến,\nHà"
    save_drafts(bank_db, [chat_draft("s", body=body)])
    inbox = Inbox(bank_db, "RM001")
    inbox.send(draft_id_for("s"))
    logged = inbox.confirm_sent(draft_id_for("s"))
    entry = next(row for row in _interactions(bank_db, "C0002") if row.id == logged.interaction_id)
    assert entry.summary == "Khoản tiền gửi 1,5 tỷ của anh đến hạn ngày 5/11."


def test_a_phone_clients_talking_points_are_logged_as_a_call_once_made(bank_db: Database) -> None:
    points = "Talking points for your call with chị Oanh (prefers phone):\n- Happy birthday!"
    save_drafts(bank_db, [chat_draft("p", client_channel="phone", body=points)])
    inbox = Inbox(bank_db, "RM001")
    result = inbox.send(draft_id_for("p"))
    assert result.copy_text == points and result.draft["status"] == "copied" and result.interaction_id is None
    made = inbox.confirm_sent(draft_id_for("p"))
    entry = next(row for row in _interactions(bank_db, "C0002") if row.id == made.interaction_id)
    assert entry.channel == "call" and entry.summary == "- Happy birthday!"


def test_an_email_to_a_client_without_an_address_is_refused(bank_db: Database) -> None:
    save_drafts(bank_db, [new_draft("no-email", client_id="C0002", language="vi")])  # C0002 has no e-mail
    inbox = Inbox(bank_db, "RM001")
    before = len(_interactions(bank_db, "C0002"))
    with pytest.raises(DraftActionRefused, match="no e-mail address"):
        inbox.send(draft_id_for("no-email"))
    assert inbox.get(draft_id_for("no-email"))["status"] == "new"
    assert count(bank_db, OutboxMessage) == 0
    assert len(_interactions(bank_db, "C0002")) == before


# ----- the real personalization engine ------------------------------------------------------------


def test_an_edited_salutation_changes_the_tone_version(bank_db: Database) -> None:
    from stores.personalization import ToneProfileVersion

    def latest_version() -> int:
        with bank_db.engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.coalesce(func.max(ToneProfileVersion.version), 0)).where(
                        ToneProfileVersion.rm_id == "RM001"
                    )
                ).scalar_one()
            )

    save_drafts(bank_db, [new_draft("a", body="Dear Mr Son,\n\nYour CD matures on 5 November.\n\nBest regards,\nHa")])
    before = latest_version()
    Inbox(bank_db, "RM001").edit(
        draft_id_for("a"), body="Hi Son,\n\nYour CD matures on 5 November.\n\nBest regards,\nHa"
    )
    assert latest_version() > before
