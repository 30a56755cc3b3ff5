"""The RM web app's mount (``agentify.api.web``): ``/`` and ``/static`` from local files, 404 without them."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from agentify.api import web
from agentify.app import create_app
from stores.db import Database


@pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)
def test_the_web_app_is_served_from_local_files(
    bank_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>RM app</title>", encoding="utf-8")
    (tmp_path / "static" / "app.js").write_text("console.log('hi')", encoding="utf-8")
    monkeypatch.setattr(web, "WEB_DIR", tmp_path)
    with TestClient(create_app(bank_db)) as client:
        page = client.get("/")
        assert (
            page.status_code == 200 and "RM app" in page.text and page.headers["content-type"].startswith("text/html")
        )
        assert client.get("/static/app.js").text == "console.log('hi')"
        assert client.get("/static/missing.js").status_code == 404
    monkeypatch.setattr(web, "WEB_DIR", tmp_path / "absent")
    with TestClient(create_app(bank_db)) as client:
        assert client.get("/").status_code == 404
        assert client.get("/static/app.js").status_code == 404
        assert client.get("/health").status_code == 200


def test_the_installed_web_app_is_found() -> None:
    assert (web.WEB_DIR / "index.html").is_file() and (web.WEB_DIR / "static").is_dir()
