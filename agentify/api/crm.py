"""The CRM over HTTP: ``/api/me`` and ``/api/crm/…`` (clients, client 360, the guarded query, writes).

Every route acts as the RM the bearer token signs in. Writes need an ``Idempotency-Key``
header; a retry with the same key and body answers the first result (200) instead of
writing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.types import DecoratedCallable
from pydantic import BaseModel, ConfigDict, Field

from agentify.api.deps import current_rm, get_database
from agentify.api.errors import CLIENT_NOT_FOUND
from stores.db import Database
from stores.fixtures import reference_date
from tools.core.encoding import to_json
from tools.crm.api import (
    MAX_IDEMPOTENCY_KEY,
    Client360,
    ClientMatch,
    ClientNotFound,
    CrmApi,
    InteractionCreate,
    TableInfo,
    TableSchema,
    TaskCreate,
    WriteResult,
)
from tools.reporting.guard import run_guarded_query

logger = logging.getLogger(__name__)

MAX_CLIENT_ID = 64

router = APIRouter()

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


def _default_today(database: Database, today: dt.date | None) -> dt.date | None:
    """The requested date, else the loaded bank's reference date (None lets the API use the bank's today)."""
    if today is not None:
        return today
    with database.engine.connect() as connection:
        return reference_date(connection)


def _replay_is_200(result: WriteResult, response: Response) -> WriteResult:
    """A replayed write answers 200 (nothing new was written) instead of the route's 201."""
    if result.replayed:
        response.status_code = 200
    return result


# ----- routes ------------------------------------------------------------------------------


@router.get("/api/me", tags=["auth"], summary="The signed-in RM")
def me(crm: Crm) -> RmProfile:
    try:
        return RmProfile.model_validate(crm.rm_profile())
    except LookupError:
        raise HTTPException(401, "the token's RM no longer exists", {"WWW-Authenticate": "Bearer"}) from None


@router.get(
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


@router.get(
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


@router.get("/api/crm/data/tables", tags=["data"], summary="The tables the guarded query may read")
def list_tables(crm: Crm) -> list[TableInfo]:
    return crm.list_tables()


@router.get(
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


@router.post(
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
    return QueryResponse(columns=list(result.columns), rows=to_json(result.rows), truncated=result.truncated)


WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "A replay: the same key and body were written before; nothing new was written"},
    400: {"description": "No Idempotency-Key header"},
    404: {"description": "Not one of your clients"},
    409: {"description": "The Idempotency-Key was used for a different request"},
    422: {"description": "Invalid input; nothing was written"},
}


def _write_route(path: str, summary: str) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A write route: 201 when written, 200 on a replay (see ``_replay_is_200``), its refusals documented."""
    return router.post(path, tags=["writes"], summary=summary, status_code=201, responses=WRITE_RESPONSES)


@_write_route("/api/crm/interactions", "Log an interaction and its follow-up tasks")
def create_interaction(
    crm: Crm, key: IdempotencyKey, interaction: InteractionCreate, response: Response
) -> WriteResult:
    return _replay_is_200(crm.create_interaction(interaction, idempotency_key=key), response)


@_write_route("/api/crm/tasks", "Create follow-up tasks")
def create_tasks(crm: Crm, key: IdempotencyKey, body: TasksRequest, response: Response) -> WriteResult:
    tasks: list[TaskCreate | dict[str, Any]] = list(body.tasks)
    return _replay_is_200(crm.create_tasks(tasks, idempotency_key=key), response)
