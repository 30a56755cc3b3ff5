"""The campaign intake: the service token (an RM's is refused), events stored once, processed in process without a
broker, the campaign's status and results."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agentify.app import create_app
from stores.db import Database
from stores.fixtures import load_fixture
from tests.http import bearer
from tools.crm.auth import issue_token

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "recommendation" / "fixture.json"


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_events_in_recommendations_out(any_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    load_fixture(any_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    monkeypatch.delenv("AGENTIFY_BROKER_URL", raising=False)
    body = {"events": [{"event_id": "e1", "client_id": "C9019"}, {"event_id": "e2", "client_id": "C9006"}]}
    with TestClient(create_app(any_db)) as client:
        monkeypatch.delenv("AGENTIFY_SERVICE_TOKEN", raising=False)
        unconfigured = client.post("/api/campaigns/c1/events", json=body, headers=bearer("anything"))
        assert unconfigured.status_code == 401 and "not configured" in unconfigured.json()["detail"]
        monkeypatch.setenv("AGENTIFY_SERVICE_TOKEN", "svc-secret-token")
        assert client.post("/api/campaigns/c1/events", json=body).status_code == 401
        rm = issue_token(any_db, "RM001")
        assert client.post("/api/campaigns/c1/events", json=body, headers=bearer(rm)).status_code == 401
        service = bearer("svc-secret-token")
        first = client.post("/api/campaigns/c1/events", json=body, headers=service)
        assert first.status_code == 202 and first.json()["accepted"] == ["e1", "e2"]
        assert first.json()["queued_on"] == "in_process"
        again = client.post("/api/campaigns/c1/events", json=body, headers=service).json()
        assert again["accepted"] == [] and again["duplicates"] == ["e1", "e2"]
        bad = client.post("/api/campaigns/c1/events", json={"events": [{"event_id": "x y", "client_id": "C1"}]},
                          headers=service)  # fmt: skip
        assert bad.status_code == 422
        deadline = time.monotonic() + 30
        while (report := client.get("/api/campaigns/c1", headers=service).json())["events"].get("done", 0) < 2:
            assert time.monotonic() < deadline, report
            time.sleep(0.1)
        assert {item["event_id"] for item in report["results"]} == {"e1", "e2"}
        assert client.get("/api/campaigns/none", headers=service).status_code == 404
