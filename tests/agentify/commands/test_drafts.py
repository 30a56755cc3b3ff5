"""``agentify drafts …`` and ``agentify outbox deliver``: what they print and how they exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentify.cli import main
from stores.db import Database
from tests.drivers import chat_draft, new_draft
from tests.smtp_sink import smtp_sink
from tools.inbox.drafts import Inbox, draft_id_for, save_drafts


@pytest.fixture
def store(store: Database) -> Database:
    """The store the CLI opens (AGENTIFY_DATABASE_URL), with the small bank and three drafts of RM001."""
    save_drafts(
        store,
        [
            new_draft("cd", urgency="medium", value_vnd=1_500_000_000),
            chat_draft("birthday", urgency="high"),
            new_draft("deposit", urgency="low", value_vnd=5_000_000_000, client_id="C0004", language="vi"),
        ],
    )
    return store


def test_list_shows_the_table_by_urgency_and_the_badge(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drafts", "list", "--rm", "RM001"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["URGENCY", "KIND", "CLIENT", "VALUE", "CHANNEL", "STATUS", "ID"]
    assert [line.split()[0] for line in lines[1:4]] == ["high", "medium", "low"]
    assert "Anh Nguyễn Văn Minh" in lines[1] and "zalo" in lines[1] and draft_id_for("birthday") in lines[1]
    assert "1.5B VND" in lines[2]
    assert lines[-1] == "3 new"

    Inbox(store, "RM001").dismiss(draft_id_for("cd"))
    assert main(["drafts", "list", "--rm", "RM001"]) == 0
    out = capsys.readouterr().out
    assert draft_id_for("cd") not in out and out.splitlines()[-1] == "2 new"
    assert main(["drafts", "list", "--rm", "RM001", "--all"]) == 0
    assert "dismissed" in capsys.readouterr().out
    assert main(["drafts", "list", "--rm", "RM001", "--date", "2025-10-23"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # the header and the badge

    assert main(["drafts", "list", "--rm", "RM002"]) == 0
    assert draft_id_for("birthday") not in capsys.readouterr().out
    assert main(["drafts", "list", "--rm", "RM404"]) == 2
    assert "RM404" in capsys.readouterr().err


def test_show_approve_dismiss(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    cd = draft_id_for("cd")
    assert main(["drafts", "show", cd, "--rm", "RM001"]) == 0
    shown = capsys.readouterr().out
    assert "Your CD matures on 5 November" in shown and "Dear Mr Son," in shown
    assert "rate quoted from the catalog" in shown

    assert main(["drafts", "approve", cd, "--rm", "RM001"]) == 0
    assert capsys.readouterr().out.strip() == f"{cd} is approved"
    assert main(["drafts", "dismiss", cd, "--rm", "RM001"]) == 0
    assert main(["drafts", "approve", cd, "--rm", "RM001"]) == 2
    assert "dismissed" in capsys.readouterr().err

    for action in ("show", "approve", "dismiss", "send"):
        assert main(["drafts", action, cd, "--rm", "RM002"]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and "no draft" in captured.err
    assert Inbox(store, "RM001").get(cd)["status"] == "dismissed"


def test_edit_from_a_file(store: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cd = draft_id_for("cd")
    body = tmp_path / "body.txt"
    body.write_text("Dear Son,\nYour CD matures on 5 November.\nHa\n", encoding="utf-8")
    assert main(["drafts", "edit", cd, "--rm", "RM001", "--body-file", str(body), "--subject", "CD maturity"]) == 0
    assert "Dear Son," in capsys.readouterr().out
    stored = Inbox(store, "RM001").get(cd)
    assert (stored["body"], stored["subject"]) == ("Dear Son,\nYour CD matures on 5 November.\nHa", "CD maturity")

    assert main(["drafts", "edit", cd, "--rm", "RM001", "--body-file", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    assert main(["drafts", "edit", cd, "--rm", "RM001", "--body-file", str(tmp_path / "empty.txt")]) == 2
    assert "empty" in capsys.readouterr().err


def test_send_chat_prints_the_text_and_email_queues(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drafts", "send", draft_id_for("birthday"), "--rm", "RM001"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "Chúc mừng sinh nhật anh Minh!\nChúc anh một năm nhiều niềm vui.\n"
    assert "zalo" in captured.err

    assert main(["drafts", "send", draft_id_for("cd"), "--rm", "RM001"]) == 0
    assert captured_outbox_id(capsys.readouterr().out).startswith("O")
    assert Inbox(store, "RM001").get(draft_id_for("cd"))["status"] == "sent"


def captured_outbox_id(out: str) -> str:
    return out.split()[2]


def test_outbox_deliver(store: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    Inbox(store, "RM001").send(draft_id_for("cd"))
    assert main(["outbox", "deliver"]) == 2
    assert "AGENTIFY_SMTP_URL" in capsys.readouterr().err

    monkeypatch.setenv("AGENTIFY_SMTP_URL", "smtp://ha:hunter2@127.0.0.1:not-a-port")
    assert main(["outbox", "deliver"]) == 2
    assert "hunter2" not in capsys.readouterr().err

    with smtp_sink() as sink:
        monkeypatch.setenv("AGENTIFY_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
        monkeypatch.setenv("AGENTIFY_SMTP_FROM", "desk@bank.example")
        assert main(["outbox", "deliver"]) == 0
    assert capsys.readouterr().out.strip() == "sent=1 retried=0 failed=0 remaining=0"
    assert [message["To"] for message in sink.messages] == ["son.pham@mail.example"]
    assert sink.messages[0]["From"] == "desk@bank.example"

    monkeypatch.setenv("AGENTIFY_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")  # the sink is gone now
    Inbox(store, "RM001").send(draft_id_for("deposit"))
    assert main(["outbox", "deliver"]) == 1
    assert f"127.0.0.1:{sink.port}" in capsys.readouterr().err
