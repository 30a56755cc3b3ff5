"""Service endpoints without sign-in: ``/health`` and the offline ``/docs`` page.

``/docs`` is a plain HTML page rendered on the server from the app's OpenAPI spec, with no
scripts or external assets (the default Swagger UI loads from a CDN, which a bank's network
may not reach).
"""

from __future__ import annotations

import html
import logging
import re
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from agentify.api.deps import get_database
from stores.db import Database

logger = logging.getLogger(__name__)

router = APIRouter()


class Health(BaseModel):
    status: str


_OFFSITE = re.compile(r"\s*https?://\S+")


def render_docs(spec: dict[str, Any]) -> str:
    """The endpoint list of an OpenAPI spec as one self-contained HTML page."""
    info = spec.get("info", {})
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(str(info.get('title', 'API')))} – endpoints</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "code{background:#f3f3f3;padding:0 .2rem}.m{font-weight:bold;display:inline-block;width:4rem}"
        "section{border-top:1px solid #ddd;padding:.5rem 0}</style></head><body>",
        f"<h1>{html.escape(str(info.get('title', 'API')))} <small>{html.escape(str(info.get('version', '')))}</small>"
        "</h1>",
        '<p>The full machine-readable spec: <a href="/openapi.json">/openapi.json</a>. '
        "Endpoints marked <em>auth</em> need <code>Authorization: Bearer &lt;token&gt;</code>.</p>",
    ]
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            summary = html.escape(str(operation.get("summary", "")))
            auth = " <em>auth</em>" if operation.get("security") else ""
            parts.append(
                f'<section><span class="m">{html.escape(method.upper())}</span> <code>{html.escape(path)}</code>'
                f"{auth} — {summary}"
            )
            # Off-site addresses (e.g. in LangServe's own descriptions) are dropped: the page is for offline readers.
            description = _OFFSITE.sub("", str(operation.get("description", ""))).strip()
            if description:
                parts.append(f"<p>{html.escape(description)}</p>")
            parameters = [
                f"<code>{html.escape(str(p.get('name')))}</code> ({html.escape(str(p.get('in')))}"
                f"{', required' if p.get('required') else ''})"
                for p in operation.get("parameters", [])
            ]
            if parameters:
                parts.append(f"<p>Parameters: {', '.join(parameters)}</p>")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in body:
                parts.append(f"<p>Body: <code>{html.escape(str(body['$ref']).rsplit('/', 1)[-1])}</code></p>")
            codes = ", ".join(html.escape(str(code)) for code in operation.get("responses", {}))
            parts.append(f"<p>Responses: {codes}</p></section>")
    parts.append("</body></html>")
    return "\n".join(parts)


@router.get(
    "/health",
    tags=["service"],
    summary="The server and its database answer",
    responses={200: {"model": Health}, 503: {"model": Health, "description": "The database does not answer"}},
)
async def health(request: Request, database: Annotated[Database, Depends(get_database)]) -> JSONResponse:
    # Its own thread: the shared worker threads may all be busy with a burst of runs, and "is it up" must not
    # wait behind them (at 200 chats at once it waited ~350 ms).
    threads: anyio.CapacityLimiter | None = getattr(request.app.state, "health_threads", None)
    if not await anyio.to_thread.run_sync(_database_answers, database, limiter=threads):
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def _database_answers(database: Database) -> bool:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        logger.exception("health check: the database does not answer")
        return False
    return True


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(render_docs(request.app.openapi()))
