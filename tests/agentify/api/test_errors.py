"""The API's errors (``agentify.api.errors``): each failure's status and JSON body, pinned on a bare app."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError

from agentify.api.errors import CLIENT_NOT_FOUND, add_exception_handlers
from tools.crm.api import ClientNotFound, IdempotencyConflict, WriteRejected
from tools.inbox.drafts import DraftActionRefused, DraftNotFound
from tools.reporting.guard import QueryRefused, QueryTimeout

NUL_OR_RANGE = "the database cannot store one of the values given (e.g. a NUL character or an out-of-range number)"

RAISED: dict[str, Exception] = {
    "client": ClientNotFound("C0001 belongs to RM002"),
    "draft": DraftNotFound("no draft 'D1' among your drafts"),
    "refused-action": DraftActionRefused("the draft was already sent"),
    "conflict": IdempotencyConflict(["idempotency key 'k1' was already used for a different request"]),
    "rejected": WriteRejected(["channel: not one of meeting, call", "due_on: not a date"]),
    "refused-query": QueryRefused("refused: only SELECT statements are allowed (got DELETE)"),
    "timeout": QueryTimeout("the query ran longer than 5 s"),
    "nul": DataError("INSERT ...", {}, Exception("NUL")),
    "overflow": OverflowError("Python int too large to convert to SQLite INTEGER"),
    "bug": RuntimeError("secret internals"),
}

EXPECTED: list[tuple[str, int, Any]] = [
    ("client", 404, {"detail": CLIENT_NOT_FOUND}),
    ("draft", 404, {"detail": "no draft 'D1' among your drafts"}),
    ("refused-action", 409, {"detail": "the draft was already sent"}),
    ("conflict", 409, {"detail": "idempotency key 'k1' was already used for a different request"}),
    ("rejected", 422, {"detail": {"problems": ["channel: not one of meeting, call", "due_on: not a date"]}}),
    (
        "refused-query",
        400,
        {"detail": {"refused": True, "reason": "refused: only SELECT statements are allowed (got DELETE)"}},
    ),
    ("timeout", 408, {"detail": {"refused": True, "reason": "the query ran longer than 5 s", "timeout": True}}),
    ("nul", 422, {"detail": {"problems": [NUL_OR_RANGE]}}),
    ("overflow", 422, {"detail": {"problems": [NUL_OR_RANGE]}}),
    ("bug", 500, {"detail": "internal error"}),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int


@pytest.fixture
def bare() -> TestClient:
    app = FastAPI()
    add_exception_handlers(app)

    @app.get("/raise/{name}")
    def fail(name: str, request: Request) -> None:
        request.state.rm_id = "RM001"
        raise RAISED[name]

    @app.post("/body")
    def take(body: Body) -> None:
        return None

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize(("name", "status", "body"), EXPECTED, ids=[name for name, _, _ in EXPECTED])
def test_each_failure_answers_its_status_and_body(bare: TestClient, name: str, status: int, body: Any) -> None:
    response = bare.get(f"/raise/{name}")
    assert (response.status_code, response.json()) == (status, body)


def test_an_unexpected_failure_is_logged_with_the_rm_and_never_shown(
    bare: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="agentify.api.errors"):
        response = bare.get("/raise/bug")
    assert "secret internals" not in response.text
    assert "rm RM001: GET /raise/bug failed" in caplog.text


def test_invalid_input_lists_where_and_what(bare: TestClient) -> None:
    response = bare.post("/body", json={"amount": "many", "rm_id": "RM002"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": {
            "problems": [
                "body.amount: Input should be a valid integer, unable to parse string as an integer",
                "body.rm_id: rm_id comes from your sign-in (the bearer token); do not send it",
            ]
        }
    }
    assert bare.post("/body", content=b"{not json").json()["detail"]["problems"]
