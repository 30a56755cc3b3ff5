"""The API's errors as JSON, always with a ``detail`` (the contract is in ``agentify.app``'s description).

``add_exception_handlers`` registers one handler per kind of failure: invalid input 422
``{"detail": {"problems": [...]}}``; a client or draft that is not the RM's 404; a draft
action its state forbids 409; a rejected write 422; a reused idempotency key 409; a
refused query 400 (408 when it ran too long); a value the database cannot hold 422; no run slot 429;
anything unexpected 500 (logged, never shown).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError

from agentify.api import drafts as drafts_api
from agentify.api.admission import ServerBusy
from tools.crm.api import ClientNotFound, IdempotencyConflict, WriteRejected
from tools.inbox.drafts import DraftActionRefused, DraftNotFound
from tools.reporting.guard import QueryRefused, QueryTimeout

logger = logging.getLogger(__name__)

CLIENT_NOT_FOUND = "no such client among your clients"
RM_ID_FROM_SIGN_IN = "rm_id comes from your sign-in (the bearer token); do not send it"


def rm_of(request: Request) -> str:
    """The signed-in RM of the request, for the logs ("-" before or without sign-in)."""
    return str(getattr(request.state, "rm_id", "-"))


def _problem(error: dict[str, Any] | str) -> str:
    """One validation error as ``where: what``; a body's ``rm_id`` says where the RM comes from."""
    if not isinstance(error, dict):  # LangServe raises its own with plain strings ("Invalid JSON body")
        return f"(body): {error}"
    location = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "extra_forbidden" and location and location[-1] == "rm_id":
        return f"{'.'.join(location)}: {RM_ID_FROM_SIGN_IN}"
    where = ".".join(location) or "(request)"
    return f"{where}: {error.get('msg', 'invalid')}"


async def _validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_problem(item) for item in error.errors()]
    return JSONResponse({"detail": {"problems": problems}}, status_code=422)


async def _client_not_found(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": CLIENT_NOT_FOUND}, status_code=404)


async def _write_rejected(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, WriteRejected)
    logger.info("rm %s: write rejected (%d problem(s))", rm_of(request), len(error.problems))
    return JSONResponse({"detail": {"problems": error.problems}}, status_code=422)


async def _idempotency_conflict(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, IdempotencyConflict)
    logger.info("rm %s: idempotency key reused for a different request", rm_of(request))
    return JSONResponse({"detail": str(error)}, status_code=409)


async def _query_refused(request: Request, error: Exception) -> JSONResponse:
    timed_out = isinstance(error, QueryTimeout)
    logger.info("rm %s: query %s: %s", rm_of(request), "timed out" if timed_out else "refused", error)
    detail: dict[str, Any] = {"refused": True, "reason": str(error)}
    if timed_out:
        detail["timeout"] = True
    return JSONResponse({"detail": detail}, status_code=408 if timed_out else 400)


async def _data_error(request: Request, error: Exception) -> JSONResponse:
    # e.g. a NUL character, which PostgreSQL text cannot hold: bad input, not a server fault.
    logger.info("rm %s: the database refused a value: %s", rm_of(request), type(error).__name__)
    message = "the database cannot store one of the values given (e.g. a NUL character or an out-of-range number)"
    return JSONResponse({"detail": {"problems": [message]}}, status_code=422)


async def _server_busy(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServerBusy)
    return JSONResponse({"detail": str(error)}, status_code=429, headers={"Retry-After": str(error.retry_after)})


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    logger.error("rm %s: %s %s failed", rm_of(request), request.method, request.url.path, exc_info=error)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def add_exception_handlers(app: FastAPI) -> None:
    """Every error handler of the API on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ClientNotFound, _client_not_found)
    app.add_exception_handler(DraftNotFound, drafts_api.draft_not_found)
    app.add_exception_handler(DraftActionRefused, drafts_api.draft_action_refused)
    app.add_exception_handler(IdempotencyConflict, _idempotency_conflict)
    app.add_exception_handler(WriteRejected, _write_rejected)
    app.add_exception_handler(QueryRefused, _query_refused)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OverflowError, _data_error)  # SQLite: an integer beyond 64 bits
    app.add_exception_handler(ServerBusy, _server_busy)
    app.add_exception_handler(Exception, _unexpected)
