"""The body gate (``agentify.api.limits``) and the bad-input corpus of ``bench/bad_input.py`` over every route."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest
from fastapi.testclient import TestClient

from agentify.api.limits import MAX_BATCH_INPUTS, MAX_BODY_BYTES, BodyRejected, parse_body
from bench.bad_input import checksum, corpus
from stores.db import Database


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"x" * (MAX_BODY_BYTES + 1), 413, "over 256 KB"),
        (b'{"input": ', 422, "(body): is not valid JSON"),
        (b'{"a": "\xff"}', 422, "(body): is not UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, 422, "nested more than 32 levels deep"),
        (b'{"input": {"top_n": NaN}}', 422, "NaN is not a number JSON allows"),
        (b'{"input": {"request": "\\ud800"}}', 422, "(body).input.request: is not valid Unicode"),
        (b'{"input": {"request": "a\\u0000b"}}', 422, "(body).input.request: contains a NUL character"),
        (json.dumps({"amount_vnd": 2**64}).encode(), 422, "(body).amount_vnd: 18446744073709551616 is out of range"),
        (json.dumps({"tags": ["a"] * 1001}).encode(), 422, "(body).tags: a list of 1,001 items"),
        (json.dumps({"note": "n" * 20_001}).encode(), 422, "(body).note: a text of 20,001 characters"),
    ],
)
def test_a_body_that_breaks_a_limit_is_refused_with_where_and_what(body: bytes, status: int, says: str) -> None:
    with pytest.raises(BodyRejected) as rejected:
        parse_body(body, "/api/crm/interactions")
    assert rejected.value.status == status
    assert says in json.dumps(rejected.value.detail, ensure_ascii=False)


def test_a_batch_is_bounded_only_on_batch_routes() -> None:
    batch = json.dumps({"inputs": [{"request": "x"}] * (MAX_BATCH_INPUTS + 1)}).encode()
    with pytest.raises(BodyRejected, match="a batch of 21"):
        parse_body(batch, "/langserve/prioritization/batch")
    parse_body(batch, "/langserve/prioritization/invoke")  # not a batch there: the route's schema decides
    parse_body(json.dumps({"inputs": [{"request": "x"}] * MAX_BATCH_INPUTS}).encode(), "/x/batch")


def test_a_good_body_reaches_the_route_unchanged(client: TestClient, rm1: dict[str, str]) -> None:
    answer = client.post("/langserve/performance/invoke", json={"input": {"question": "What is my AUM?"}}, headers=rm1)
    assert answer.status_code == 200
    assert answer.json()["output"]["answer"]


def test_a_declared_oversize_body_is_refused_before_it_is_read(client: TestClient, rm1: dict[str, str]) -> None:
    answer = client.post("/api/threads", content=b"{" + b" " * MAX_BODY_BYTES + b"}", headers=rm1)
    assert answer.status_code == 413
    assert answer.json() == {"detail": "the request body is over 256 KB"}


def test_langserve_answers_its_own_validation_errors_as_422(client: TestClient, rm1: dict[str, str]) -> None:
    too_many = client.post(
        "/langserve/prioritization/invoke", json={"input": {"request": "top clients", "top_n": 10**6}}, headers=rm1
    )
    assert too_many.status_code == 422
    assert any("top_n" in problem for problem in too_many.json()["detail"]["problems"])
    long_question = client.post(
        "/langserve/performance/invoke", json={"input": {"question": "AUM " * 1_001}}, headers=rm1
    )
    assert long_question.status_code == 422
    empty = client.post("/langserve/next_best_action/invoke", content=b"", headers=rm1)
    assert empty.status_code == 422
    assert empty.json() == {"detail": {"problems": ["(body): Invalid JSON body"]}}


def test_the_bad_input_corpus_gets_no_server_error_and_changes_no_data(
    bank_db: Database, client: TestClient, rm1: dict[str, str]
) -> None:
    spec = client.get("/openapi.json").json()
    requests = corpus(spec, "C0001")
    assert len(requests) >= 150
    before = checksum(bank_db)
    statuses: Counter[int] = Counter()
    server_errors = []
    for request in requests:
        headers = {**rm1, "Content-Type": request.content_type}
        headers["Idempotency-Key"] = hashlib.sha1(f"{request.path}{request.label}".encode()).hexdigest()
        url = request.path + (f"?{request.query}" if request.query else "")
        status = client.request(request.method, url, content=request.body, headers=headers).status_code
        statuses[status] += 1
        if status >= 500:
            server_errors.append((status, request.method, request.path[:80], request.label))
    assert server_errors == []
    assert checksum(bank_db) == before
    assert client.get("/health").status_code == 200
    assert statuses[413] > 0 and statuses[422] > 0
