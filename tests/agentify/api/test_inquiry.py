"""The public door (``agentify.api.inquiry``): the page, the classifier API and the bot, with no RM token, bad
input refused, and each client address rate-limited."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agentify.api import inquiry
from agentify.app import create_app
from stores.db import Database
from tools.core import settings
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.inquiry.knowledge import build_knowledge_base


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_the_classifier_api_reads_topic_and_urgency(bank_db: Database) -> None:
    with TestClient(create_app(bank_db)) as client:
        reply = client.post("/api/inquiry/classify", json={"text": "My card was blocked abroad, I need it today!"})
        assert reply.status_code == 200
        body = reply.json()
        assert body["topic"] == "card_issue" and body["urgency"] == "high" and 0 < body["confidence"] <= 1
        assert client.post("/api/inquiry/classify", json={"text": ""}).status_code == 422
        assert client.post("/api/inquiry/classify", json={"text": "hi", "rm_id": "RM001"}).status_code == 422
        assert client.post("/api/inquiry/classify", json={"text": "x" * 2001}).status_code == 422


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_the_bot_answers_without_a_token_and_keeps_the_session(
    bank_db: Database, tmp_path: Path, embeddings: LocalE5Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.INDEX_DIR, str(tmp_path))
    build_knowledge_base(bank_db, root=tmp_path, embeddings=embeddings)
    with TestClient(create_app(bank_db)) as client:
        assert "How can we help?" in client.get("/inquiry").text
        first = client.post("/api/inquiry/chat", json={"message": "I did not receive the OTP"}).json()
        assert first["outcome"] == "answered" and first["sources"] == ["TR-11"] and len(first["session"]) >= 8
        urgent = client.post("/api/inquiry/chat", json={"message": "Someone used my card, I see charges I did not "
                                                                  "make!", "session": first["session"]}).json()  # fmt: skip
        assert urgent["session"] == first["session"] and urgent["escalation"]["kind"] == "contact_centre"
        assert client.post("/api/inquiry/chat", json={"message": "hi", "session": "bad session!"}).status_code == 422


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_each_address_is_rate_limited(bank_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inquiry, "RATE_PER_MINUTE", 3)
    with TestClient(create_app(bank_db)) as client:
        client.app.state.inquiry_limiter = inquiry.RateLimiter(per_minute=3)  # type: ignore[attr-defined]
        codes = [client.post("/api/inquiry/classify", json={"text": "hello"}).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.post("/api/inquiry/classify", json={"text": "hello"})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_the_limiter_refills_over_time(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(inquiry.time, "monotonic", lambda: clock[0])
    limiter = inquiry.RateLimiter(per_minute=2)
    assert [limiter.take("a"), limiter.take("a")] == [0.0, 0.0] and limiter.take("a") > 0
    assert limiter.take("b") == 0.0  # another address has its own bucket
    clock[0] += 30
    assert limiter.take("a") == 0.0
