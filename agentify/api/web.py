"""The RM web app: ``/`` and ``/static`` from ``agentify/web`` (all local files, no CDN).

A mount cannot travel through ``include_router``, so the app factory calls ``add_web_app``.
"""

from __future__ import annotations

import pathlib

from fastapi import FastAPI, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

#: The RM web app's files (index.html and static/), served as they are.
WEB_DIR = pathlib.Path(__file__).resolve().parent.parent / "web"


def add_web_app(app: FastAPI) -> None:
    """Serve ``WEB_DIR`` on ``app``: ``/`` is its index.html (404 without one), ``/static`` its static/ folder."""
    web = WEB_DIR

    @app.get("/", include_in_schema=False)
    def index() -> Response:
        page = web / "index.html"
        if not page.is_file():
            return HTMLResponse(
                '<!doctype html><meta charset="utf-8"><title>Agentify</title>'
                '<p>The web app is not installed on this server. API docs: <a href="/docs">/docs</a>.</p>',
                status_code=404,
            )
        return FileResponse(page, media_type="text/html")

    if (web / "static").is_dir():
        app.mount("/static", StaticFiles(directory=web / "static"), name="static")
