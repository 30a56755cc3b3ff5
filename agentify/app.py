"""The CRM API over HTTP (``agentify serve``): the seed's endpoints, one signed-in RM per bearer token.

Start it with ``uvicorn agentify.app:create_app --factory``. Nothing happens at
import time: ``create_app`` builds the app, the lifespan creates missing tables.

Who is signed in comes only from the ``Authorization: Bearer <token>`` header
(tokens from ``tools.crm.auth.issue_token``); a body that names an ``rm_id`` is
rejected. Another RM's client answers exactly like a client that does not exist.

Errors are JSON, always with a ``detail``:

- 400 ``{"detail": "..."}`` for a write without an ``Idempotency-Key``;
  ``{"detail": {"refused": true, "reason": "..."}}`` for a refused query
  (408 with ``"timeout": true`` when it ran too long);
- 401 with ``WWW-Authenticate: Bearer`` for a missing, unknown or revoked token;
- 404 ``{"detail": "..."}`` for an unknown (or another RM's) client or table;
- 409 for an idempotency key reused with a different request;
- 413 ``{"detail": "..."}`` for a body over 256 KB; 422 ``{"detail": {"problems": ["where: what", ...]}}``
  for invalid input — a body that is not UTF-8 JSON, nests too deep, or carries a text, list, number or
  batch over its limit included (``agentify.api.limits``);
- 429 with ``Retry-After`` when too many graph runs work or wait (``agentify.api.admission``).

API docs: ``/openapi.json`` is the OpenAPI spec; ``/docs`` is a plain HTML page
rendered on the server from that spec, with no scripts or external assets (the
default Swagger UI loads from a CDN, which a bank's network may not reach).
``/redoc`` is off.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack, asynccontextmanager

import anyio
from fastapi import FastAPI
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agentify.api import campaigns as campaigns_api
from agentify.api import crm, langserve_routes, service, threads
from agentify.api import drafts as drafts_api
from agentify.api import inquiry as inquiry_api
from agentify.api.admission import RunSlots
from agentify.api.errors import add_exception_handlers
from agentify.api.limits import BodyGate
from agentify.api.runtime import open_runtime
from agentify.api.web import add_web_app
from stores.db import Database

logger = logging.getLogger(__name__)


class RequestLog:
    """ASGI middleware: one log line per request: the RM, the method, the path, the status and the time taken.

    Plain ASGI, not ``BaseHTTPMiddleware``: that one costs every request a task and a body stream on the event loop,
    which ``/health`` waits behind when hundreds of chats arrive at once.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            # The path only: query strings carry phone numbers and names; tokens and bodies are never logged.
            rm_id = (scope.get("state") or {}).get("rm_id", "-")
            logger.info("rm %s: %s %s -> %d (%.0f ms)", rm_id, scope["method"], scope["path"], status, elapsed_ms)


def create_app(database: Database | None = None) -> FastAPI:
    """The API app on ``database`` (default: ``AGENTIFY_DATABASE_URL`` or the SQLite file)."""
    owned = database is None
    store = database if database is not None else Database()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store.create_schema()
        # Everything imported and opened so far lives as long as the process: out of the collector's reach, a full
        # collection under load pauses every thread for ~20 ms instead of ~170 ms.
        gc.collect()
        gc.freeze()
        with ExitStack() as resources:
            # The checkpointer lives as long as the app: paused threads are resumed from it, also after a restart.
            app.state.runtime = resources.enter_context(open_runtime(store))
            app.state.health_threads = anyio.CapacityLimiter(2)  # /health never waits behind the runs' threads
            # Runs a crash cut short (an accept recorded, its write not yet done) are finished in the background.
            app.state.carrying_on = threading.Thread(
                target=app.state.runtime.carry_on_cut_short, name="carry-on-cut-short", daemon=True
            )
            app.state.carrying_on.start()
            logger.info("API ready on %s", make_url(store.url).render_as_string(hide_password=True))
            try:
                yield
            finally:
                app.state.runtime = None
                if owned:
                    resources.callback(store.dispose)

    app = FastAPI(
        title="Agentify CRM API",
        version="0.1.0",
        description=__doc__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.database = store
    app.state.runtime = None
    app.state.run_slots = RunSlots()

    add_exception_handlers(app)
    app.add_middleware(RequestLog)
    app.add_middleware(BodyGate)  # outermost: no route or log line sees a body before its limits are checked

    # The order is the order of the OpenAPI spec and of the /docs page.
    app.include_router(service.router)
    app.include_router(crm.router)
    app.include_router(threads.router)
    app.include_router(threads.copilot_router)
    app.include_router(drafts_api.router)
    app.include_router(inquiry_api.router)
    app.include_router(campaigns_api.router)
    langserve_routes.register(app, store)
    add_web_app(app)
    return app
