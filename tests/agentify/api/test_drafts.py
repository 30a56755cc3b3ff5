"""The morning inbox over HTTP: list, badge, approve, edit, send, dismiss; another RM's drafts look absent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stores.db import Database
from stores.drafts import OutboxMessage
from tests.drivers import chat_draft, count, new_draft
from tests.http import bearer
from tools.inbox.drafts import draft_id_for, save_drafts

CD = "cd:A1:2025-11-05"
BIRTHDAY = "birthday:C0002:2025-10-25"
THEIRS = "cd:A9:2025-11-07"


@pytest.fixture
def drafts(bank_db: Database) -> dict[str, str]:
    save_drafts(
        bank_db,
        [
            new_draft(CD),
            chat_draft(BIRTHDAY, body="Chúc mừng sinh nhật anh Minh!"),
            new_draft(THEIRS, rm_id="RM002", client_id="C0101"),
        ],
    )
    return {"cd": draft_id_for(CD), "birthday": draft_id_for(BIRTHDAY), "theirs": draft_id_for(THEIRS)}


def test_the_list_is_the_rms_own_most_urgent_first_with_the_badge(
    client: TestClient, drafts: dict[str, str], rm1: dict[str, str], rm2: dict[str, str]
) -> None:
    listed = client.get("/api/drafts", headers=rm1).json()
    assert [item["id"] for item in listed["items"]] == [drafts["birthday"], drafts["cd"]]
    assert listed["badge"] == 2
    assert client.get("/api/notifications", headers=rm1).json() == {"badge": 2}
    theirs = client.get("/api/drafts", headers=rm2).json()
    assert [item["id"] for item in theirs["items"]] == [drafts["theirs"]] and theirs["badge"] == 1


def test_approve_edit_send_and_dismiss(
    client: TestClient, bank_db: Database, drafts: dict[str, str], rm1: dict[str, str]
) -> None:
    cd, birthday = drafts["cd"], drafts["birthday"]
    approved = client.post(f"/api/drafts/{cd}/approve", headers=rm1)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client.get("/api/notifications", headers=rm1).json() == {"badge": 1}

    edited = client.put(f"/api/drafts/{cd}", json={"body": "Dear Mr Son,\nYour CD matures soon.\nHa"}, headers=rm1)
    assert edited.status_code == 200 and edited.json()["edited"] is True
    assert client.get(f"/api/drafts/{cd}", headers=rm1).json()["body"] == "Dear Mr Son,\nYour CD matures soon.\nHa"

    sent = client.post(f"/api/drafts/{cd}/send", headers=rm1).json()
    assert sent["channel"] == "email" and sent["outbox_id"] and sent["copy_text"] is None and sent["interaction_id"]
    assert client.post(f"/api/drafts/{cd}/send", headers=rm1).json()["outbox_id"] == sent["outbox_id"]
    assert count(bank_db, OutboxMessage) == 1  # a retried send queues nothing more

    copied = client.post(f"/api/drafts/{birthday}/send", headers=rm1).json()
    assert copied["copy_text"] == "Chúc mừng sinh nhật anh Minh!" and copied["outbox_id"] is None
    assert (
        copied["draft"]["status"] == "copied" and copied["awaiting_confirmation"] and copied["interaction_id"] is None
    )
    # Copied is not sent: it stays in the inbox until the RM says it went out, and only then is it logged.
    assert [item["id"] for item in client.get("/api/drafts", headers=rm1).json()["items"]] == [birthday]
    confirmed = client.post(f"/api/drafts/{birthday}/confirm-sent", headers=rm1).json()
    assert confirmed["draft"]["status"] == "sent" and confirmed["interaction_id"]
    assert (
        client.post(f"/api/drafts/{cd}/confirm-sent", headers=rm1).status_code == 409
    )  # an e-mail: nothing to confirm

    refused = client.post(f"/api/drafts/{cd}/dismiss", headers=rm1)
    assert refused.status_code == 409 and "already sent" in refused.json()["detail"]
    assert client.put(f"/api/drafts/{cd}", json={"body": "Too late"}, headers=rm1).status_code == 409
    listed = client.get("/api/drafts?all=true", headers=rm1).json()
    assert {item["status"] for item in listed["items"]} == {"sent"}
    assert client.get("/api/drafts", headers=rm1).json()["items"] == []


def test_dismiss_takes_the_draft_off_the_list(client: TestClient, drafts: dict[str, str], rm1: dict[str, str]) -> None:
    dismissed = client.post(f"/api/drafts/{drafts['cd']}/dismiss", headers=rm1)
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert [item["id"] for item in client.get("/api/drafts", headers=rm1).json()["items"]] == [drafts["birthday"]]
    assert client.post(f"/api/drafts/{drafts['cd']}/send", headers=rm1).status_code == 409


def test_another_rms_draft_answers_like_an_unknown_one(
    client: TestClient, bank_db: Database, drafts: dict[str, str], rm2: dict[str, str]
) -> None:
    mine = drafts["cd"]
    for method, suffix, body in [
        ("GET", "", None),
        ("POST", "/approve", None),
        ("POST", "/dismiss", None),
        ("POST", "/send", None),
        ("PUT", "", {"body": "Hijacked"}),
    ]:
        theirs = client.request(method, f"/api/drafts/{mine}{suffix}", json=body, headers=rm2)
        missing = client.request(method, f"/api/drafts/DUNKNOWN0000000{suffix}", json=body, headers=rm2)
        assert theirs.status_code == missing.status_code == 404, suffix
        assert theirs.json()["detail"].replace(mine, "?") == missing.json()["detail"].replace("DUNKNOWN0000000", "?")
    assert count(bank_db, OutboxMessage) == 0


def test_bad_edits_and_tokens_are_refused(client: TestClient, drafts: dict[str, str], rm1: dict[str, str]) -> None:
    cd, birthday = drafts["cd"], drafts["birthday"]
    assert client.put(f"/api/drafts/{cd}", json={"body": ""}, headers=rm1).status_code == 422
    assert client.put(f"/api/drafts/{cd}", json={"subject": "x"}, headers=rm1).status_code == 422
    assert client.put(f"/api/drafts/{cd}", json={"body": "x", "rm_id": "RM002"}, headers=rm1).status_code == 422
    no_subject = client.put(f"/api/drafts/{birthday}", json={"body": "Chúc mừng!", "subject": "Hi"}, headers=rm1)
    assert no_subject.status_code == 409  # a chat message has no subject
    for path in ("/api/drafts", "/api/notifications", f"/api/drafts/{cd}"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=bearer("agt_not-a-token")).status_code == 401
    assert client.post(f"/api/drafts/{cd}/send").status_code == 401
    assert client.get(f"/api/drafts/{cd}", headers=rm1).json()["status"] == "new"
