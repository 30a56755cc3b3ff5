"""The e-mail outbox: relay settings from the environment, and delivery to a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from stores.db import Database
from stores.drafts import OutboxMessage
from tests.drivers import chat_draft, new_draft
from tests.smtp_sink import smtp_sink
from tools.inbox.drafts import Inbox, draft_id_for, save_drafts
from tools.inbox.outbox import MAX_ATTEMPTS, SmtpSettings, SmtpUnavailable, deliver_outbox


def _settings(port: int, **changes: Any) -> SmtpSettings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "username": None,
        "password": None,
        "security": "none",
        "sender": "agentify@bank.example",
    }
    values.update(changes)
    return SmtpSettings(**values)


def _outbox(database: Database) -> list[Any]:
    with database.engine.connect() as connection:
        return list(connection.execute(select(OutboxMessage).order_by(OutboxMessage.created_at)).all())


def _queue_two(database: Database) -> tuple[str, str]:
    save_drafts(
        database,
        [
            new_draft("to-son"),
            new_draft(
                "to-oanh", client_id="C0004", language="vi", subject="Sổ tiết kiệm đáo hạn", body="Chào chị Oanh"
            ),
            chat_draft("chat"),
        ],
    )
    inbox = Inbox(database, "RM001")
    for key in ("to-son", "to-oanh", "chat"):
        inbox.send(draft_id_for(key))
    return draft_id_for("to-son"), draft_id_for("to-oanh")


# ----- settings -------------------------------------------------------------------------------


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert SmtpSettings.from_env() is None
    monkeypatch.setenv("AGENTIFY_SMTP_URL", "smtp://relay.bank.example")
    plain = SmtpSettings.from_env()
    assert plain == SmtpSettings("relay.bank.example", 25, None, None, "none", "agentify@localhost")

    monkeypatch.setenv("AGENTIFY_SMTP_URL", "smtp://ha%40bank:s%3Acret@relay.bank.example:2525?starttls=1")
    monkeypatch.setenv("AGENTIFY_SMTP_FROM", "rm-desk@bank.example")
    tls = SmtpSettings.from_env()
    assert tls == SmtpSettings("relay.bank.example", 2525, "ha@bank", "s:cret", "starttls", "rm-desk@bank.example")
    assert "s:cret" not in repr(tls)

    monkeypatch.setenv("AGENTIFY_SMTP_URL", "smtps://u:p@relay.bank.example")
    secure = SmtpSettings.from_env()
    assert secure is not None and (secure.security, secure.port) == ("ssl", 465)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:hunter2@relay.example", "scheme"),
        ("smtp://user:hunter2@relay.example:notaport", "port"),
        ("smtp://user:hunter2@:25", "host"),
        ("smtp://user:hunter2@relay.example?tls=1", "unknown option"),
        ("smtp://user:hunter2@relay.example?starttls=maybe", "starttls"),
        ("smtps://user:hunter2@relay.example?starttls=1", "smtps"),
        ("smtp://user:hunter2@relay.example/path", "path"),
    ],
)
def test_a_malformed_url_is_refused_without_the_password(
    monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    monkeypatch.setenv("AGENTIFY_SMTP_URL", url)
    with pytest.raises(ValueError, match=reason) as refused:
        SmtpSettings.from_env()
    assert "hunter2" not in str(refused.value)
    assert "AGENTIFY_SMTP_URL" in str(refused.value)


# ----- delivery -------------------------------------------------------------------------------


def test_queued_emails_reach_the_relay_once(bank_db: Database) -> None:
    son, oanh = _queue_two(bank_db)
    with smtp_sink() as sink:
        report = deliver_outbox(bank_db, _settings(sink.port))
        assert report.model_dump() == {"sent": 2, "failed": 0, "retried": 0, "remaining": 0}
        again = deliver_outbox(bank_db, _settings(sink.port))
        assert again.model_dump() == {"sent": 0, "failed": 0, "retried": 0, "remaining": 0}
    assert sink.connections == 1  # one connection for the batch, none when nothing is queued
    assert [message["To"] for message in sink.messages] == ["son.pham@mail.example", "oanh.le@mail.example"]
    first, second = sink.messages
    assert first["From"] == "agentify@bank.example"
    assert first["Reply-To"] == "ha.nguyen@bank.example"
    assert first["Subject"] == "Your CD matures on 5 November"
    assert first["Message-ID"] == f"<agentify.{son}@bank.example>"
    assert second["Message-ID"] == f"<agentify.{oanh}@bank.example>"
    assert second["Subject"] == "Sổ tiết kiệm đáo hạn"
    assert second.get_content().strip() == "Chào chị Oanh"
    assert "1.5B VND matures" in first.get_content()
    assert sink.envelopes[0] == ("agentify@bank.example", ["son.pham@mail.example"])
    rows = _outbox(bank_db)
    assert [(row.status, row.attempts) for row in rows] == [("sent", 1), ("sent", 1)]
    assert all(row.sent_at is not None and row.sent_at.tzinfo is not None for row in rows)


def test_delivery_takes_the_oldest_first_up_to_the_limit(bank_db: Database) -> None:
    _queue_two(bank_db)
    with smtp_sink() as sink:
        report = deliver_outbox(bank_db, _settings(sink.port), limit=1)
    assert (report.sent, report.remaining) == (1, 1)
    assert [message["To"] for message in sink.messages] == ["son.pham@mail.example"]


def test_a_refusing_relay_is_retried_then_given_up(bank_db: Database) -> None:
    _queue_two(bank_db)
    with smtp_sink(refuse_data=True) as sink:
        for attempt in range(1, MAX_ATTEMPTS):
            report = deliver_outbox(bank_db, _settings(sink.port))
            assert report.model_dump() == {"sent": 0, "failed": 0, "retried": 2, "remaining": 2}
            assert {row.attempts for row in _outbox(bank_db)} == {attempt}
        last = deliver_outbox(bank_db, _settings(sink.port))
        assert last.model_dump() == {"sent": 0, "failed": 2, "retried": 0, "remaining": 0}
        after = deliver_outbox(bank_db, _settings(sink.port))
        assert after.model_dump() == {"sent": 0, "failed": 0, "retried": 0, "remaining": 0}
    rows = _outbox(bank_db)
    assert [(row.status, row.attempts) for row in rows] == [("failed", MAX_ATTEMPTS)] * 2
    assert all("451" in (row.last_error or "") for row in rows)
    assert sink.messages == []


def test_a_message_that_failed_before_goes_out_when_the_relay_recovers(bank_db: Database) -> None:
    _queue_two(bank_db)
    with smtp_sink(refuse_data=True) as sink:
        deliver_outbox(bank_db, _settings(sink.port))
    with smtp_sink() as sink:
        report = deliver_outbox(bank_db, _settings(sink.port))
    assert report.sent == 2
    assert [(row.status, row.attempts) for row in _outbox(bank_db)] == [("sent", 2), ("sent", 2)]


def test_the_relay_sign_in_uses_the_credentials_and_never_leaks_the_password(bank_db: Database) -> None:
    _queue_two(bank_db)
    with smtp_sink(require_auth=("ha", "s3cret-pass")) as sink:
        with pytest.raises(SmtpUnavailable) as refused:
            deliver_outbox(bank_db, _settings(sink.port, username="ha", password="wrong-pass"))
        assert "wrong-pass" not in str(refused.value) and "535" in str(refused.value)
        assert [(row.status, row.attempts) for row in _outbox(bank_db)] == [("queued", 0)] * 2  # an outage, not theirs
        report = deliver_outbox(bank_db, _settings(sink.port, username="ha", password="s3cret-pass"))
    assert report.sent == 2
    assert sink.logins == [("ha", "wrong-pass"), ("ha", "s3cret-pass")]


def test_an_unreachable_relay_leaves_the_queue_alone(bank_db: Database) -> None:
    _queue_two(bank_db)
    with smtp_sink() as sink:
        port = sink.port
    with pytest.raises(SmtpUnavailable, match=f"127.0.0.1:{port}"):
        deliver_outbox(bank_db, _settings(port))
    assert [(row.status, row.attempts) for row in _outbox(bank_db)] == [("queued", 0)] * 2


def test_a_row_another_run_already_sent_is_skipped(bank_db: Database) -> None:
    son, _ = _queue_two(bank_db)
    with bank_db.engine.begin() as connection:
        connection.execute(update(OutboxMessage).where(OutboxMessage.draft_id == son).values(status="sent"))
    with smtp_sink() as sink:
        report = deliver_outbox(bank_db, _settings(sink.port))
    assert report.sent == 1
    assert [message["To"] for message in sink.messages] == ["oanh.le@mail.example"]
