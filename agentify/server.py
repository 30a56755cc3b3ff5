"""The CRM API over HTTP (``agentify serve``): the seed's endpoints, one signed-in RM per bearer token.

Start it with ``uvicorn agentify.server:create_app --factory``. Nothing happens at
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
- 422 ``{"detail": {"problems": ["where: what", ...]}}`` for invalid input.

API docs: ``/openapi.json`` is the OpenAPI spec; ``/docs`` is a plain HTML page
rendered on the server from that spec, with no scripts or external assets (the
default Swagger UI loads from a CDN, which a bank's network may not reach).
``/redoc`` is off.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import math
import pathlib
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack, asynccontextmanager
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError

from agentify.api import drafts as drafts_api
from agentify.api import langserve_routes, threads
from agentify.api.deps import current_rm, get_database
from agentify.api.runtime import open_runtime
from stores.db import Database
from stores.fixtures import reference_date
from tools.crm.api import (
    MAX_IDEMPOTENCY_KEY,
    Client360,
    ClientMatch,
    ClientNotFound,
    CrmApi,
    IdempotencyConflict,
    InteractionCreate,
    TableInfo,
    TableSchema,
    TaskCreate,
    WriteRejected,
    WriteResult,
)
from tools.inbox.drafts import DraftActionRefused, DraftNotFound
from tools.reporting.guard import QueryRefused, QueryTimeout, run_guarded_query

logger = logging.getLogger(__name__)

CLIENT_NOT_FOUND = "no such client among your clients"
RM_ID_FROM_SIGN_IN = "rm_id comes from your sign-in (the bearer token); do not send it"
MAX_CLIENT_ID = 64
#: The RM web app's files (index.html and static/), served as they are.
WEB_DIR = pathlib.Path(__file__).resolve().parent / "web"

# ----- request and response bodies ---------------------------------------------------------


class QueryRequest(BaseModel):
    """A read-only SQL query over the signed-in RM's slice of the bank."""

    model_config = ConfigDict(extra="forbid")

    sql: str = Field(min_length=1, max_length=20_000, description="One SELECT statement.")
    today: dt.date | None = Field(default=None, description="The reference date; default: the loaded bank's date.")
    row_limit: int = Field(default=1000, ge=1, le=5000)


class QueryResponse(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool


class TasksRequest(BaseModel):
    """Follow-up tasks, each naming its client."""

    model_config = ConfigDict(extra="forbid")

    tasks: list[TaskCreate] = Field(min_length=1, max_length=100)


class RmProfile(BaseModel):
    id: str
    full_name: str
    email: str | None = None
    branch: str | None = None
    language: str


class Health(BaseModel):
    status: str


# ----- dependencies ------------------------------------------------------------------------


def get_crm(rm_id: Annotated[str, Depends(current_rm)], database: Annotated[Database, Depends(get_database)]) -> CrmApi:
    return CrmApi(database, rm_id)


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Required on every write (1–128 characters); a retry with the same key and body "
            "returns the first result instead of writing twice.",
        ),
    ] = None,
) -> str:
    key = (key or "").strip()
    if not key:
        raise HTTPException(400, "the Idempotency-Key header is required for writes (any unique string per write)")
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise HTTPException(400, f"the Idempotency-Key header must be at most {MAX_IDEMPOTENCY_KEY} characters")
    return key


Crm = Annotated[CrmApi, Depends(get_crm)]
IdempotencyKey = Annotated[str, Depends(idempotency_key)]


# ----- helpers -----------------------------------------------------------------------------


def _default_today(database: Database, today: dt.date | None) -> dt.date | None:
    """The requested date, else the loaded bank's reference date (None lets the API use the bank's today)."""
    if today is not None:
        return today
    with database.engine.connect() as connection:
        return reference_date(connection)


def _json_cell(value: Any) -> Any:
    """A query result cell as plain JSON (PostgreSQL sums are Decimals, dates are objects)."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def _problem(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "extra_forbidden" and location and location[-1] == "rm_id":
        return f"{'.'.join(location)}: {RM_ID_FROM_SIGN_IN}"
    where = ".".join(location) or "(request)"
    return f"{where}: {error.get('msg', 'invalid')}"


def _rm_of(request: Request) -> str:
    return str(getattr(request.state, "rm_id", "-"))


# ----- exception handlers ------------------------------------------------------------------


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_problem(item) for item in error.errors()]
    return JSONResponse({"detail": {"problems": problems}}, status_code=422)


async def _client_not_found(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": CLIENT_NOT_FOUND}, status_code=404)


async def _write_rejected(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, WriteRejected)
    logger.info("rm %s: write rejected (%d problem(s))", _rm_of(request), len(error.problems))
    return JSONResponse({"detail": {"problems": error.problems}}, status_code=422)


async def _idempotency_conflict(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, IdempotencyConflict)
    logger.info("rm %s: idempotency key reused for a different request", _rm_of(request))
    return JSONResponse({"detail": str(error)}, status_code=409)


async def _query_refused(request: Request, error: Exception) -> JSONResponse:
    timed_out = isinstance(error, QueryTimeout)
    logger.info("rm %s: query %s: %s", _rm_of(request), "timed out" if timed_out else "refused", error)
    detail: dict[str, Any] = {"refused": True, "reason": str(error)}
    if timed_out:
        detail["timeout"] = True
    return JSONResponse({"detail": detail}, status_code=408 if timed_out else 400)


async def _data_error(request: Request, error: Exception) -> JSONResponse:
    # e.g. a NUL character, which PostgreSQL text cannot hold: bad input, not a server fault.
    logger.info("rm %s: the database refused a value: %s", _rm_of(request), type(error).__name__)
    problem = "the database cannot store one of the values given (e.g. a NUL character or an out-of-range number)"
    return JSONResponse({"detail": {"problems": [problem]}}, status_code=422)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.error("rm %s: %s %s failed", _rm_of(request), request.method, request.url.path, exc_info=error)
    return JSONResponse({"detail": "internal error"}, status_code=500)


# ----- the offline docs page ---------------------------------------------------------------


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


# ----- the app -----------------------------------------------------------------------------


def create_app(database: Database | None = None) -> FastAPI:
    """The API app on ``database`` (default: ``AGENTIFY_DATABASE_URL`` or the SQLite file)."""
    owned = database is None
    store = database if database is not None else Database()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store.create_schema()
        with ExitStack() as resources:
            # The checkpointer lives as long as the app: paused threads are resumed from it, also after a restart.
            app.state.runtime = resources.enter_context(open_runtime(store))
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

    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ClientNotFound, _client_not_found)
    app.add_exception_handler(DraftNotFound, drafts_api.draft_not_found)
    app.add_exception_handler(DraftActionRefused, drafts_api.draft_action_refused)
    app.add_exception_handler(IdempotencyConflict, _idempotency_conflict)
    app.add_exception_handler(WriteRejected, _write_rejected)
    app.add_exception_handler(QueryRefused, _query_refused)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OverflowError, _data_error)  # SQLite: an integer beyond 64 bits
    app.add_exception_handler(Exception, _unexpected)

    @app.middleware("http")
    async def log_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # The path only: query strings carry phone numbers and names; tokens and bodies are never logged.
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            logger.info(
                "rm %s: %s %s -> %d (%.0f ms)", _rm_of(request), request.method, request.url.path, status, elapsed_ms
            )

    _add_routes(app)
    app.include_router(threads.router)
    app.include_router(drafts_api.router)
    langserve_routes.register(app, store)
    _add_web_app(app)
    return app


def _add_web_app(app: FastAPI) -> None:
    """The RM web app: ``/`` and ``/static`` from ``agentify/web`` (all local files, no CDN)."""
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


def _add_routes(app: FastAPI) -> None:
    @app.get(
        "/health",
        tags=["service"],
        summary="The server and its database answer",
        responses={200: {"model": Health}, 503: {"model": Health, "description": "The database does not answer"}},
    )
    def health(database: Annotated[Database, Depends(get_database)]) -> JSONResponse:
        try:
            with database.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:
            logger.exception("health check: the database does not answer")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()))

    @app.get("/api/me", tags=["auth"], summary="The signed-in RM")
    def me(crm: Crm) -> RmProfile:
        try:
            return RmProfile.model_validate(crm.rm_profile())
        except LookupError:
            raise HTTPException(401, "the token's RM no longer exists", {"WWW-Authenticate": "Bearer"}) from None

    @app.get(
        "/api/crm/clients",
        tags=["clients"],
        summary="Find your clients by phone or name",
        description="Phone: exact, any common format (0823912039, +84 823 912 039). Name: accent-insensitive, "
        "fuzzy. Only the signed-in RM's clients are searched; no match is an empty list.",
    )
    def find_clients(
        crm: Crm,
        phone: Annotated[str | None, Query(max_length=40)] = None,
        name: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 5,
    ) -> list[ClientMatch]:
        phone = (phone or "").strip() or None
        name = (name or "").strip() or None
        if phone is None and name is None:
            raise RequestValidationError(
                [{"loc": ("query",), "msg": "give ?phone=... or ?name=... (or both) to search your clients"}]
            )
        return crm.find_clients(phone=phone, name=name, limit=limit)

    @app.get(
        "/api/crm/clients/{client_id}",
        tags=["clients"],
        summary="Client 360",
        description="Profile, holdings, recent activity, open tasks, complaints and household of one of your "
        "clients. Another RM's client answers 404, exactly like an unknown id.",
        responses={404: {"description": "Not one of your clients"}},
    )
    def client_360(
        crm: Crm,
        client_id: Annotated[str, Path()],
        today: Annotated[dt.date | None, Query(description="YYYY-MM-DD; default: the loaded bank's date")] = None,
    ) -> Client360:
        if len(client_id) > MAX_CLIENT_ID or "\x00" in client_id:
            raise ClientNotFound(CLIENT_NOT_FOUND)
        return crm.client_360(client_id, today=_default_today(crm.database, today))

    @app.get("/api/crm/data/tables", tags=["data"], summary="The tables the guarded query may read")
    def list_tables(crm: Crm) -> list[TableInfo]:
        return crm.list_tables()

    @app.get(
        "/api/crm/data/tables/{name}/schema",
        tags=["data"],
        summary="The columns of one queryable table",
        responses={404: {"description": "Not a queryable table"}},
    )
    def table_schema(crm: Crm, name: str) -> TableSchema:
        try:
            return crm.table_schema(name)
        except LookupError as error:
            raise HTTPException(404, str(error)) from None

    @app.post(
        "/api/crm/data/query",
        tags=["data"],
        summary="Run one read-only SQL query over your clients' data",
        description="The query is checked and scoped to the signed-in RM before it runs on a read-only "
        'connection. Refused: 400 {"detail": {"refused": true, "reason": ...}}; too slow: 408.',
        responses={400: {"description": "Refused"}, 408: {"description": "Timed out"}},
    )
    def query(crm: Crm, body: QueryRequest) -> QueryResponse:
        result = run_guarded_query(
            crm.database,
            body.sql,
            rm_id=crm.rm_id,
            today=_default_today(crm.database, body.today),
            row_limit=body.row_limit,
        )
        logger.info("rm %s: query returned %d row(s), truncated=%s", crm.rm_id, len(result.rows), result.truncated)
        return QueryResponse(
            columns=list(result.columns),
            rows=[[_json_cell(value) for value in row] for row in result.rows],
            truncated=result.truncated,
        )

    write_responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "A replay: the same key and body were written before; nothing new was written"},
        400: {"description": "No Idempotency-Key header"},
        404: {"description": "Not one of your clients"},
        409: {"description": "The Idempotency-Key was used for a different request"},
        422: {"description": "Invalid input; nothing was written"},
    }

    @app.post(
        "/api/crm/interactions",
        tags=["writes"],
        summary="Log an interaction and its follow-up tasks",
        status_code=201,
        responses=write_responses,
    )
    def create_interaction(
        crm: Crm, key: IdempotencyKey, interaction: InteractionCreate, response: Response
    ) -> WriteResult:
        result = crm.create_interaction(interaction, idempotency_key=key)
        if result.replayed:
            response.status_code = 200
        return result

    @app.post(
        "/api/crm/tasks",
        tags=["writes"],
        summary="Create follow-up tasks",
        status_code=201,
        responses=write_responses,
    )
    def create_tasks(crm: Crm, key: IdempotencyKey, body: TasksRequest, response: Response) -> WriteResult:
        tasks: list[TaskCreate | dict[str, Any]] = list(body.tasks)
        result = crm.create_tasks(tasks, idempotency_key=key)
        if result.replayed:
            response.status_code = 200
        return result
