"""LangServe endpoints for the stateless graphs: the RM comes from the token, never from the body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agentify.api.langserve_routes import RM_CONFIG_KEY
from graphs import registry
from stores.db import Database
from tests.http import bearer
from tools.crm.auth import issue_token

COUNT = {"question": "How many clients do I have?"}


def client_count(output: dict[str, Any]) -> int:
    assert output["status"] == "answered", output
    return int(output["result"]["rows"][0][0])


def test_invoke_answers_for_the_signed_in_rm_only(
    client: TestClient, rm1: dict[str, str], rm2: dict[str, str], small_bank: dict[str, Any]
) -> None:
    owned = {rm: sum(1 for c in small_bank["clients"] if c["rm_id"] == rm) for rm in ("RM001", "RM002")}
    first = client.post("/langserve/performance/invoke", json={"input": COUNT}, headers=rm1)
    assert first.status_code == 200, first.text
    assert client_count(first.json()["output"]) == owned["RM001"]
    second = client.post("/langserve/performance/invoke", json={"input": COUNT}, headers=rm2)
    assert client_count(second.json()["output"]) == owned["RM002"]
    assert owned["RM001"] != owned["RM002"]


def test_the_body_cannot_name_another_rm(client: TestClient, rm1: dict[str, str], small_bank: dict[str, Any]) -> None:
    owned = sum(1 for c in small_bank["clients"] if c["rm_id"] == "RM001")
    body = {"input": COUNT, "config": {"configurable": {RM_CONFIG_KEY: "RM002", "rm_id": "RM002"}}}
    response = client.post("/langserve/performance/invoke", json=body, headers=rm1)
    assert response.status_code == 200, response.text
    assert client_count(response.json()["output"]) == owned


def test_next_best_action_does_not_reach_another_rms_client(client: TestClient, rm1: dict[str, str]) -> None:
    request = {"input": {"request": "What should I offer Tran Thi Dung (C0101)?"}}
    output = client.post("/langserve/next_best_action/invoke", json=request, headers=rm1).json()["output"]
    assert output["status"] == "needs_clarification"  # no checkpointer behind LangServe: it asks, it cannot pause
    assert output["result"]["candidates"] == []
    shown = json.dumps(output, ensure_ascii=False)
    assert "C0101" not in shown.replace(request["input"]["request"], "")


def test_batch_and_stream(client: TestClient, rm1: dict[str, str], small_bank: dict[str, Any]) -> None:
    owned = sum(1 for c in small_bank["clients"] if c["rm_id"] == "RM001")
    batch = client.post("/langserve/performance/batch", json={"inputs": [COUNT, COUNT]}, headers=rm1)
    assert batch.status_code == 200, batch.text
    assert [client_count(output) for output in batch.json()["output"]] == [owned, owned]
    with client.stream("POST", "/langserve/performance/stream", json={"input": COUNT}, headers=rm1) as response:
        assert response.status_code == 200
        text = "".join(response.iter_text())
    assert "event: data" in text and "event: end" in text and '"rows"' in text


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
@pytest.mark.parametrize("name", [entry.name for entry in registry.reachable("langserve")])
def test_every_langserve_route_needs_a_token(client: TestClient, bank_db: Database, name: str) -> None:
    revoked = bearer("agt_not-a-real-token")
    for headers in ({}, revoked):
        for suffix, body in (("invoke", {"input": {}}), ("batch", {"inputs": []}), ("stream", {"input": {}})):
            response = client.post(f"/langserve/{name}/{suffix}", json=body, headers=headers)
            assert response.status_code == 401, (suffix, response.text)
        assert client.get(f"/langserve/{name}/input_schema", headers=headers).status_code == 401
    assert (
        client.get(f"/langserve/{name}/playground/", headers=bearer(issue_token(bank_db, "RM001"))).status_code == 404
    )


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_the_input_schema_is_published(client: TestClient, rm1: dict[str, str]) -> None:
    schema = client.get("/langserve/prioritization/input_schema", headers=rm1).json()
    if "$ref" in schema:
        schema = schema["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    assert "request" in schema["properties"] and "request" in schema["required"]
    assert client.get("/openapi.json").status_code == 200
    assert "/langserve/performance/invoke" in client.get("/docs").text
