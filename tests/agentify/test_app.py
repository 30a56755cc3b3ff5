"""The app factory (``agentify.app``): every router behind one app, sign-in on all but the public routes, request logs."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from stores.db import Database
from tests.http import bearer
from tools.crm.auth import issue_token

#: No token: the RM app's page, health, docs, and the customers' door (``agentify.api.inquiry``: no client's data).
PUBLIC = {"/", "/health", "/docs", "/openapi.json", "/inquiry", "/api/inquiry/classify", "/api/inquiry/chat"}


def _example_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_every_route_but_the_public_ones_needs_a_token(client: TestClient) -> None:
    checked: set[str] = set()
    # Included routers (threads, drafts, the CRM, the service routes) are walked too.
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path in PUBLIC or context.path.startswith("/api/campaigns"):
            continue  # the campaign intake takes the service token instead (tests/agentify/api/test_campaigns.py)
        for method in route.methods or ():
            response = client.request(method, _example_path(str(context.path)), json={})
            assert response.status_code == 401, (method, context.path, response.status_code)
            checked.add(str(context.path))
    for prefix in ("/api/threads", "/api/drafts", "/api/crm/", "/api/me", "/langserve/"):
        assert any(path.startswith(prefix) for path in checked), prefix
    assert len(checked) > 30


def test_the_openapi_spec_lists_the_endpoints_and_the_bearer_scheme(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path, method in [
        ("/api/crm/clients", "get"),
        ("/api/crm/clients/{client_id}", "get"),
        ("/api/crm/data/tables", "get"),
        ("/api/crm/data/tables/{name}/schema", "get"),
        ("/api/crm/data/query", "post"),
        ("/api/crm/interactions", "post"),
        ("/api/crm/tasks", "post"),
        ("/api/me", "get"),
        ("/health", "get"),
    ]:
        assert method in paths[path], path
    schemes = spec["components"]["securitySchemes"]
    assert any(scheme == {**scheme, "type": "http", "scheme": "bearer"} for scheme in schemes.values())
    assert paths["/api/crm/interactions"]["post"]["security"]
    assert "security" not in paths["/health"]["get"]
    assert any(p["name"] == "Idempotency-Key" for p in paths["/api/crm/tasks"]["post"]["parameters"])


def test_requests_are_logged_with_the_rm_but_never_the_token(
    client: TestClient, bank_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    token = issue_token(bank_db, "RM001")
    with caplog.at_level(logging.INFO, logger="agentify.app"):
        client.get("/api/crm/clients?phone=0823912039", headers=bearer(token))
    assert any("RM001" in record.getMessage() and "200" in record.getMessage() for record in caplog.records)
    assert token not in caplog.text
    assert "0823912039" not in caplog.text


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_a_started_app_keeps_its_long_lived_objects_out_of_the_collector(client: TestClient) -> None:
    """A full collection scanned the imported libraries each time: ~170 ms with every thread stopped."""
    import gc

    assert client.get("/health").status_code == 200
    assert gc.get_freeze_count() > 10_000
