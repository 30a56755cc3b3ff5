"""The gate every request body passes before a route reads it: size, JSON, Unicode, depth and ranges.

LangServe's routes parse bodies themselves and answer a malformed one with an error shape the
app did not expect; a 10 MB body or JSON nested 100,000 deep cost memory and a stack before
any schema looked at them. So one ASGI middleware reads each body of a POST/PUT/PATCH first,
at most ``MAX_BODY_BYTES`` of it, and answers in the app's error contract:

- 413 ``{"detail": "..."}`` for a body over the limit (said by ``Content-Length`` or counted);
- 422 ``{"detail": {"problems": ["(body)...: what", ...]}}`` for a body that is not UTF-8 JSON, nests deeper
  than ``MAX_JSON_DEPTH``, carries NaN/Infinity, a number beyond ±2^53, a lone surrogate or a NUL, a text
  over ``MAX_TEXT_CHARS``, a list over ``MAX_LIST_ITEMS``, or a LangServe batch of over ``MAX_BATCH_INPUTS``.

A body that passes is handed on unchanged; the routes' own schemas then check their fields.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32
MAX_TEXT_CHARS = 20_000
MAX_LIST_ITEMS = 1_000
#: LangServe ``/batch``: each input is a whole graph run.
MAX_BATCH_INPUTS = 20
#: JavaScript's safe integers: an amount in VND or a count never needs more.
MAX_INTEGER = 2**53
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class BodyRejected(Exception):
    def __init__(self, status: int, detail: Any) -> None:
        super().__init__(str(detail))
        self.status = status
        self.detail = detail


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _where(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _problem(path: tuple[str | int, ...], what: str) -> BodyRejected:
    return BodyRejected(422, {"problems": [f"(body){_where(path)}: {what}"]})


def check_value(value: Any, path: tuple[str | int, ...] = ()) -> None:
    """Raise ``BodyRejected`` at the first part of a parsed body that breaks a limit (iteratively: no recursion)."""
    pending: list[tuple[Any, tuple[str | int, ...]]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if len(where) > MAX_JSON_DEPTH:
            raise _problem(where[:MAX_JSON_DEPTH], f"nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_INTEGER:
                raise _problem(where, f"{item} is out of range (at most ±2^53)")
        elif isinstance(item, list):
            if len(item) > MAX_LIST_ITEMS:
                raise _problem(where, f"a list of {len(item):,} items (at most {MAX_LIST_ITEMS:,})")
            pending.extend((element, (*where, index)) for index, element in enumerate(item))
        elif isinstance(item, dict):
            for key, element in item.items():
                _check_text(key, where)
                pending.append((element, (*where, key)))


def _check_text(text: str, where: tuple[str | int, ...]) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise _problem(where, f"a text of {len(text):,} characters (at most {MAX_TEXT_CHARS:,})")
    if "\x00" in text:
        raise _problem(where, "contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _problem(where, "is not valid Unicode (a lone surrogate)") from None


def parse_body(body: bytes, path: str) -> None:
    """Check ``body`` (the raw bytes of a request to ``path``); raise ``BodyRejected`` when it breaks a limit."""
    if len(body) > MAX_BODY_BYTES:
        raise BodyRejected(413, f"the request body is over {MAX_BODY_BYTES // 1024} KB")
    if not body.strip():
        return  # the route says whether it needs one
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _problem((), f"is not UTF-8 (byte {error.start})") from None
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise _problem((), f"nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as error:  # JSONDecodeError included
        raise _problem((), f"is not valid JSON ({error})") from None
    check_value(value)
    inputs = value.get("inputs") if path.endswith("/batch") and isinstance(value, dict) else None
    if isinstance(inputs, list) and len(inputs) > MAX_BATCH_INPUTS:
        raise _problem(("inputs",), f"a batch of {len(inputs):,} (at most {MAX_BATCH_INPUTS})")


class BodyGate:
    """ASGI middleware: reads and checks each request body once, then replays it to the app."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            declared = _content_length(scope)
            if declared is not None and declared > MAX_BODY_BYTES:
                raise BodyRejected(413, f"the request body is over {MAX_BODY_BYTES // 1024} KB")
            body = await _read_body(receive)
            parse_body(body, scope["path"])
        except BodyRejected as rejected:
            logger.info("%s %s: body rejected (%d)", scope["method"], scope["path"][:120], rejected.status)
            await _answer(send, rejected.status, {"detail": rejected.detail})
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # a disconnect, while the route runs

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                raise BodyRejected(400, "Content-Length is not a number") from None
    return None


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyRejected(413, f"the request body is over {MAX_BODY_BYTES // 1024} KB")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _answer(send: Send, status: int, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
