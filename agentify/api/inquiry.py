"""The public door for the bank's customers (seed 001): the chat page, the bot and the classifier, no RM token.

- ``GET /inquiry``: the chat page (EN/VI, local files only);
- ``POST /api/inquiry/classify`` ``{"text"}`` → ``{"topic", "urgency", "confidence"}``;
- ``POST /api/inquiry/chat`` ``{"message", "session"?}`` → ``{"answer", "topic", "urgency", "sources",
  "escalation", "session"}``; ``session`` (8–64 letters, digits, ``-`` or ``_``) keeps a conversation; a new one
  is issued when none is sent.

Each client address may send ``RATE_PER_MINUTE`` requests a minute (a token bucket; 429 with ``Retry-After``
beyond), so a script cannot flood the bot or the contact centre. Nothing here reads a client's data: the room
(``graphs/inquiry``) reaches the bank only through ``tools.inquiry`` (an import-linter contract says so).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from agentify.api.admission import RunSlots
from agentify.api.deps import get_database
from agentify.api.web import WEB_DIR
from graphs.context import PublicContext
from stores.db import Database
from tools.inquiry.classifier import ClassifierNotReady, classify

logger = logging.getLogger(__name__)

router = APIRouter(tags=["inquiry (public)"])

RATE_PER_MINUTE = 20
MAX_MESSAGE_CHARS = 2_000
SESSION_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
NOT_READY = "the inquiry bot is not ready on this server; please call our hotline"


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class ClassifyResponse(BaseModel):
    topic: str
    urgency: str
    confidence: float


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    session: str | None = Field(default=None, pattern=SESSION_PATTERN)


class ChatResponse(BaseModel):
    answer: str
    session: str
    topic: str | None
    urgency: str | None
    sources: list[str]
    #: {"id", "kind": "rm_inbox" | "contact_centre", "new"} when the message was handed on this turn.
    escalation: dict[str, Any] | None
    #: What the turn did: answered, handed_on, code_sent, verified, wrong_code, too_many_codes.
    outcome: str


class RateLimiter:
    """A token bucket per client address: ``per_minute`` requests a minute, refilled continuously."""

    def __init__(self, per_minute: int = RATE_PER_MINUTE) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, address: str) -> float:
        """0 when the request may go on; else the seconds until it may."""
        now = time.monotonic()
        rate = self.per_minute / 60.0
        with self._lock:
            tokens, seen = self._buckets.get(address, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - seen) * rate)
            if tokens < 1.0:
                self._buckets[address] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[address] = (tokens - 1.0, now)
            if len(self._buckets) > 100_000:  # forget the quiet addresses rather than grow without end
                self._buckets = {key: value for key, value in self._buckets.items() if now - value[1] < 60}
            return 0.0


def _limited(request: Request) -> None:
    limiter: RateLimiter = getattr(request.app.state, "inquiry_limiter", None) or RateLimiter()
    request.app.state.inquiry_limiter = limiter
    address = request.client.host if request.client else "unknown"
    wait = limiter.take(address)
    if wait > 0:
        raise HTTPException(429, "too many messages from your address; please wait a moment",
                            headers={"Retry-After": str(max(1, round(wait)))})  # fmt: skip


@router.get("/inquiry", include_in_schema=False)
def page() -> Response:
    path = WEB_DIR / "inquiry.html"
    if not path.is_file():
        return HTMLResponse("<!doctype html><title>An Khang Bank</title><p>The chat is not installed.</p>", 404)
    return FileResponse(path, media_type="text/html")


@router.post("/api/inquiry/classify", response_model=ClassifyResponse, dependencies=[Depends(_limited)])
async def classify_text(body: ClassifyRequest) -> ClassifyResponse:
    """The message's topic and urgency as DOC-POL-INBOX defines them (the classifier trained here)."""
    try:
        (reading,) = await anyio.to_thread.run_sync(classify, [body.text])
    except ClassifierNotReady as error:
        logger.error("inquiry classifier not ready: %s", error)
        raise HTTPException(503, NOT_READY) from None
    return ClassifyResponse(topic=reading.topic, urgency=reading.urgency, confidence=reading.confidence)


def _graph(request: Request) -> Any:
    compiled = getattr(request.app.state, "inquiry_graph", None)
    if compiled is None:
        runtime = getattr(request.app.state, "runtime", None)
        if runtime is None:
            raise HTTPException(503, NOT_READY)
        from graphs.inquiry.graph import builder

        compiled = request.app.state.inquiry_graph = builder.compile(checkpointer=runtime.checkpointer,
                                                                     name="inquiry")  # fmt: skip
    return compiled


@router.post("/api/inquiry/chat", response_model=ChatResponse, dependencies=[Depends(_limited)])
async def chat(
    body: ChatRequest, request: Request, database: Annotated[Database, Depends(get_database)]
) -> ChatResponse:
    """One message to the bot: an answer from the knowledge base with its sources, or the message handed on."""
    session = body.session or secrets.token_urlsafe(12)
    graph = _graph(request)
    slots: RunSlots = request.app.state.run_slots
    release = await slots.acquire()
    context = PublicContext(session=session, model="none", database_url=database.portable_url)
    config = {"configurable": {"thread_id": f"inquiry:{session}"}}
    try:
        state = await anyio.to_thread.run_sync(
            lambda: graph.invoke({"message": body.message}, config, context=context, durability="sync")
        )
    finally:
        release()
    result = state.get("result") or {}
    return ChatResponse(
        answer=str(state.get("answer") or ""), session=session, topic=result.get("topic"),
        urgency=result.get("urgency"), sources=list(result.get("sources") or []),
        escalation=result.get("escalation"), outcome=str(result.get("outcome") or ""),
    )  # fmt: skip
