"""Service endpoints (``agentify.api.service``): ``/health`` without a token, the offline ``/docs`` page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from agentify.api.deps import get_database
from agentify.api.service import render_docs
from stores.db import Database


def test_health_needs_no_token(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_is_503_when_the_database_does_not_answer(client: TestClient, tmp_path: Path) -> None:
    unreachable = Database(f"sqlite:///{tmp_path}")  # a folder, not a database file
    client.app.dependency_overrides[get_database] = lambda: unreachable  # type: ignore[attr-defined]
    try:
        response = client.get("/health")
    finally:
        client.app.dependency_overrides.clear()  # type: ignore[attr-defined]
        unreachable.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_the_docs_page_works_offline(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/api/crm/data/query" in response.text and "/openapi.json" in response.text
    assert "<script" not in response.text and "http://" not in response.text and "https://" not in response.text
    assert client.get("/redoc").status_code == 404


def test_render_docs_escapes_and_drops_offsite_links() -> None:
    spec: dict[str, Any] = {
        "info": {"title": "A <b>API</b>", "version": "1"},
        "paths": {
            "/things/{id}": {
                "parameters": [{"name": "shared"}],  # not an operation: skipped
                "post": {
                    "summary": "Make <things>",
                    "description": "See https://example.com/help for more.",
                    "security": [{"BearerToken": []}],
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/Thing"}}}},
                    "responses": {"201": {}, "422": {}},
                },
            }
        },
    }
    page = render_docs(spec)
    assert "<title>A &lt;b&gt;API&lt;/b&gt; – endpoints</title>" in page
    assert '<span class="m">POST</span> <code>/things/{id}</code> <em>auth</em> — Make &lt;things&gt;' in page
    assert "<p>See for more.</p>" in page and "example.com" not in page
    assert "<p>Parameters: <code>id</code> (path, required)</p>" in page
    assert "<p>Body: <code>Thing</code></p>" in page and "<p>Responses: 201, 422</p>" in page
    assert page.count("<section>") == 1
