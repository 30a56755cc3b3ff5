"""Bad input against the real HTTP server: no answer ≥ 500, the data unchanged, the server still up.

Usage:
  .venv/bin/python -m bench.bad_input            # the whole corpus against a fresh 200-client demo bank

Generates the demo bank into a temporary SQLite file, issues a token, starts
``uvicorn agentify.app:create_app --factory`` on loopback (``AGENTIFY_MODEL=none``), takes a checksum of every
table, sends every request of ``corpus`` (malformed, oversized, deeply nested, badly encoded and out-of-range
bodies for every route of the OpenAPI spec, LangServe's included, and odd path and query values), then
checksums again and asks ``/health``. Prints one line, e.g.
``bad_input requests=412 status_5xx=0 by_status={400: 12, 413: 40, 422: 350, ...} data_unchanged=True up=True``
and the requests that got a 5xx, if any. Exits 1 when one did, the data changed or the server went down.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import json
import logging
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from bench.load import free_port, start_server, wait_until_up
from stores.db import Database
from stores.demo_bank import generate_demo_bank
from stores.schema import Base
from tools.crm.auth import issue_token

logger = logging.getLogger("bench.bad_input")

MEGABYTE = 1024 * 1024
#: A value for each path parameter: one that exists for the RM (filled in) and odd ones.
ODD_IDS = ("does-not-exist", "%00", "..%2F..%2Fetc%2Fpasswd", "a" * 5000, "%F0%9F%92%A9", "1 OR 1=1")


@dataclass(frozen=True)
class BadRequest:
    """One request of the corpus: what is wrong with it is its ``label``."""

    method: str
    path: str
    label: str
    body: bytes | None = None
    content_type: str = "application/json"
    query: str = ""


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _nested(depth: int) -> bytes:
    return b'{"input": ' + b"[" * depth + b"]" * depth + b"}"


def bodies(example: dict[str, Any]) -> Iterator[tuple[str, bytes, str]]:
    """Malformed bodies for a route whose well-formed body looks like ``example``: (label, body, content type)."""
    yield "empty body", b"", "application/json"
    yield "invalid JSON", b'{"input": ', "application/json"
    yield "JSON null", b"null", "application/json"
    yield "JSON array", b"[1, 2, 3]", "application/json"
    yield "JSON string", b'"hello"', "application/json"
    yield "binary", bytes(range(256)) * 8, "application/octet-stream"
    yield "bad UTF-8", b'{"input": {"request": "\xff\xfe\xfd"}}', "application/json"
    yield (
        "lone surrogate",
        b'{"input": {"request": "\\ud800"}, "message": "\\udfff", "summary": "\\ud83d"}',
        ("application/json"),
    )
    yield (
        "NUL character",
        _json({key: "a\u0000b" for key in example} | {"input": {"request": "a\u0000b"}}),
        ("application/json"),
    )
    yield "deep nesting", _nested(100_000), "application/json"
    yield (
        "1 MB string",
        _json({key: "x" * MEGABYTE for key in example} | {"input": {"request": "x" * MEGABYTE}}),
        ("application/json"),
    )
    yield "10 MB body", b'{"input": {"request": "' + b"y" * (10 * MEGABYTE) + b'"}}', "application/json"
    yield "wrong types", _json({key: [1, {"a": None}] for key in example} | {"input": 12345}), "application/json"
    yield (
        "huge numbers",
        _json({key: 2**64 for key in example} | {"input": {"top_n": 2**64, "request": "x"}}),
        ("application/json"),
    )
    yield "negative top_n", _json({"input": {"request": "top clients", "top_n": -5}}), "application/json"
    yield "NaN", b'{"input": {"request": "x", "top_n": NaN}, "amount_vnd": NaN}', "application/json"
    yield "form body", b"a=1&b=2", "application/x-www-form-urlencoded"
    yield "batch of 1,000", _json({"inputs": [{"request": "top clients"}] * 1000}), "application/json"


def corpus(spec: dict[str, Any], client_id: str) -> list[BadRequest]:
    """Every route of the OpenAPI ``spec`` with every bad body (POST/PUT) or odd path and query (GET)."""
    requests: list[BadRequest] = []
    for template, operations in spec["paths"].items():
        for method, operation in operations.items():
            params = [part[1:-1] for part in template.split("/") if part.startswith("{")]
            paths = [template.replace("{client_id}", client_id)]
            for odd in ODD_IDS[:3] if params else ():
                filled = template
                for param in params:
                    filled = filled.replace("{" + param + "}", odd)
                paths.append(filled)
            example = _example_fields(spec, operation)
            for path in paths:
                if method.upper() in {"POST", "PUT"}:
                    for label, body, content_type in bodies(example):
                        requests.append(BadRequest(method.upper(), path, label, body, content_type))
                else:
                    for label, query in (
                        ("odd query", "limit=-1&offset=99999999999999999999&q=%00%ff"),
                        ("long query", "q=" + "z" * 20_000),
                    ):
                        requests.append(BadRequest(method.upper(), path, label, query=query))
    return requests


def _example_fields(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The top-level fields of the operation's JSON body (names only), to aim the bad values at."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = content.get("schema", {})
    reference = schema.get("$ref", "")
    if reference:
        schema = spec["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    return {name: None for name in schema.get("properties", {})}


def checksum(database: Database) -> str:
    """One digest over every row of every table, in a fixed order: did the corpus change any data?"""
    digest = hashlib.sha256()
    with database.engine.connect() as connection:
        for table in sorted(Base.metadata.sorted_tables, key=lambda table: table.name):
            for row in connection.execute(select(table).order_by(*table.primary_key.columns or table.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


async def send_all(base_url: str, token: str, requests: list[BadRequest]) -> list[tuple[BadRequest, int]]:
    """Each request once, four at a time; a transport failure counts as status 599."""
    results: list[tuple[BadRequest, int]] = []
    gate = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=base_url, timeout=120.0) as client:

        async def one(request: BadRequest) -> None:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": request.content_type}
            headers["Idempotency-Key"] = hashlib.sha1(f"{request.path}{request.label}".encode()).hexdigest()
            url = request.path + (f"?{request.query}" if request.query else "")
            async with gate:
                try:
                    response = await client.request(request.method, url, content=request.body, headers=headers)
                    results.append((request, response.status_code))
                except httpx.HTTPError as error:
                    logger.warning("%s %s (%s): %s", request.method, request.path[:80], request.label, error)
                    results.append((request, 599))

        await asyncio.gather(*(one(request) for request in requests))
    return results


async def run(folder: Path) -> int:
    database = Database(f"sqlite:///{folder / 'bank.db'}")
    database.create_schema()
    generate_demo_bank(database, clients=200, seed=11, today=dt.date(2025, 10, 24))
    with database.engine.connect() as connection:
        rm_id, client_id = connection.execute(text("SELECT rm_id, id FROM clients ORDER BY id LIMIT 1")).one()
    token = issue_token(database, rm_id)
    port = free_port()
    server = start_server(database.url, folder, port, workers=1)
    base_url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(base_url, server)
        async with httpx.AsyncClient(base_url=base_url) as client:
            spec = (await client.get("/openapi.json")).json()
        before = checksum(database)
        results = await send_all(base_url, token, corpus(spec, client_id))
        after = checksum(database)
        async with httpx.AsyncClient(base_url=base_url, timeout=10.0) as client:
            try:
                up = (await client.get("/health")).status_code == 200
            except httpx.HTTPError:
                up = False
    finally:
        server.terminate()
        server.wait(timeout=30)
    by_status = Counter(status for _, status in results)
    failures = [(request, status) for request, status in results if status >= 500]
    line = (
        f"bad_input requests={len(results)} status_5xx={len(failures)} by_status={dict(sorted(by_status.items()))} "
        f"data_unchanged={before == after} up={up}"
    )
    sys.stdout.write(line + "\n")
    for request, status in failures[:40]:
        sys.stdout.write(f"  {status} {request.method} {request.path[:80]} ({request.label})\n")
    return 0 if not failures and before == after and up else 1


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="agentify-bad-input-") as folder:
        raise SystemExit(asyncio.run(run(Path(folder))))


if __name__ == "__main__":
    main()
