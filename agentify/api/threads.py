"""Threads over HTTP: start a co-pilot or data-entry thread, run it, stream it, answer its confirmation card.

A thread belongs to the RM who created it (``agentify_threads``); another RM's thread
answers 404 exactly like an unknown one. Thread ids are random (uuid4). The graphs are
synchronous, so each run happens in a worker thread and its events reach the client
through a queue as server-sent events:

``update`` ``{"node"}`` per finished step · ``token`` ``{"text"}`` chunks of the answer
(the model's tokens when a model streams the answer, otherwise the final answer in word
chunks) · ``interrupt`` the confirmation card (``HumanInterrupt``) · ``end`` the result
``{"answer", "intent", "status", "chart_svg", "result", "interrupt"}`` · ``error``
``{"message"}``. The ``/wait`` twins return the ``end`` payload as JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Body, Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from langchain_core.messages import AIMessageChunk
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import insert, select
from sse_starlette import EventSourceResponse

from agentify.api.admission import RunSlots
from agentify.api.deps import CurrentRm, StoreDep, current_rm
from agentify.api.runtime import GraphRuntime, GraphUnavailable, ThreadBusy
from graphs import registry
from graphs.hitl import THREAD_DURABILITY, unfinished
from graphs.turn import MAX_NOTE_CHARS, paused_status
from stores.app_tables import AgentThread
from stores.db import Database
from stores.settings import BANK_TIMEZONE
from tools.core.encoding import to_json
from tools.core.text import normalize_text, normalize_texts

logger = logging.getLogger(__name__)

THREAD_NOT_FOUND = "no such thread among your threads"
NOT_WAITING = "this thread is not waiting for a decision: there is nothing to resume"
MAX_THREAD_ID = 64
MAX_INPUT_CHARS = MAX_NOTE_CHARS
#: Nodes whose streamed model tokens are the answer the RM reads (other model calls are classification/extraction).
ANSWER_NODES = frozenset({"respond"})
Emit = Callable[[str, Any], None]

router = APIRouter(prefix="/api/threads", tags=["threads"], dependencies=[Depends(current_rm)])


# ----- bodies ------------------------------------------------------------------------------


class ThreadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    graph: str = Field(
        max_length=64, description="a use case with HTTP threads (graphs.registry): copilot (the chat), data_entry, …"
    )

    @field_validator("graph")
    @classmethod
    def _a_thread_graph(cls, value: str) -> str:
        try:
            registry.use_case(value, surface="threads")
        except registry.UnknownUseCase as error:  # its message names the ones there are
            raise ValueError(str(error)) from None
        return value


class ThreadCreated(BaseModel):
    thread_id: str
    graph: str


class RunRequest(BaseModel):
    """``{"input": {<the graph's input key>: "..."}}``: copilot ``message``, data_entry ``note`` (the registry's)."""

    model_config = ConfigDict(extra="forbid")

    input: dict[str, Any]


class ResumeRequest(BaseModel):
    """The RM's answer to the confirmation card (Agent Inbox ``HumanResponse``)."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["accept", "edit", "response", "ignore"]
    args: dict[str, Any] | str | None = Field(
        default=None, description="edit: the corrected proposal (object); response: the correction (text)"
    )

    @model_validator(mode="after")
    def _args_fit_the_type(self) -> ResumeRequest:
        if self.type == "edit" and not isinstance(self.args, dict):
            raise ValueError("an 'edit' carries the corrected fields as an object in 'args'")
        if self.type == "response" and (not isinstance(self.args, str) or not self.args.strip()):
            raise ValueError("a 'response' carries the correction as text in 'args'")
        if isinstance(self.args, str) and len(self.args) > MAX_INPUT_CHARS:
            raise ValueError(f"'args' is at most {MAX_INPUT_CHARS:,} characters")
        self.args = normalize_texts(self.args)
        return self


class ThreadState(BaseModel):
    thread_id: str
    graph: str
    values: dict[str, Any]
    next: list[str]
    interrupt: dict[str, Any] | None


class RunResult(BaseModel):
    """The ``end`` event's payload."""

    answer: str
    intent: str | None
    status: str | None
    chart_svg: str | None
    result: Any
    #: One line: what the use case understood and computed.
    understood_as: str
    interrupt: dict[str, Any] | None
    #: True when this request finished the thread's run that a crash or restart cut short, instead of
    #: applying its own input (the card again, or the finished write): send the input again if it still applies.
    carried_on: bool = False


# ----- JSON of the state -------------------------------------------------------------------


def pending_interrupt(snapshot: Any) -> dict[str, Any] | None:
    """The confirmation card the thread waits on (the graphs interrupt with ``[HumanInterrupt]``)."""
    for pending in getattr(snapshot, "interrupts", ()) or ():
        value = pending.value
        if isinstance(value, list) and value:
            value = value[0]
        if isinstance(value, dict):
            card: dict[str, Any] = to_json(value)
            return card
    return None


def answers_the_question(snapshot: Any) -> bool:
    """Whether the thread waits on the "which client?" card, which a typed number or name answers."""
    card = pending_interrupt(snapshot)
    config = (card or {}).get("config") or {}
    return card is not None and paused_status(card) == "needs_clarification" and bool(config.get("allow_respond"))


def end_payload(graph_name: str, snapshot: Any, *, carried_on: bool = False) -> dict[str, Any]:
    """What the run ended with; while a card waits, the answer is the card's text (not the previous turn's)."""
    values: dict[str, Any] = dict(snapshot.values or {})
    card = pending_interrupt(snapshot)
    answer = values.get("answer") or ""
    status = values.get("status")
    if card is not None:
        answer, status = card.get("description") or "", paused_status(card)
    intent = values.get("intent") or (None if graph_name == "copilot" else graph_name)
    return {
        "answer": str(answer),
        "intent": intent,
        "status": status,
        "chart_svg": values.get("chart_svg"),
        "result": to_json(values.get("result")),
        "understood_as": values.get("understood_as") or "",
        "interrupt": card,
        "carried_on": carried_on,
    }


def word_chunks(text: str) -> list[str]:
    """The answer in word-sized chunks that join back to the text."""
    return re.findall(r"\s*\S+\s*", text)


# ----- running -----------------------------------------------------------------------------


def run_events(
    graph_name: str,
    graph: Any,
    payload: Any,
    config: dict[str, Any],
    context: Any,
    emit: Emit,
    *,
    carried_on: bool = False,
) -> None:
    """One run of the graph, its events handed to ``emit`` (runs in a worker thread).

    ``carried_on``: the payload is None and the run finishes one a crash or restart cut short.
    """
    streamed: list[str] = []
    for _namespace, mode, chunk in graph.stream(
        payload,
        config,
        context=context,
        stream_mode=["updates", "messages"],
        subgraphs=True,
        durability=THREAD_DURABILITY,
    ):
        if mode == "updates" and isinstance(chunk, dict):
            for node in chunk:
                if not str(node).startswith("__"):
                    emit("update", {"node": str(node)})
        elif mode == "messages":
            message, metadata = chunk
            if (
                isinstance(message, AIMessageChunk)
                and metadata.get("langgraph_node") in ANSWER_NODES
                and isinstance(message.content, str)
                and message.content
            ):
                streamed.append(message.content)
                emit("token", {"text": message.content})
    end = end_payload(graph_name, graph.get_state(config), carried_on=carried_on)
    if end["interrupt"] is not None:
        emit("interrupt", end["interrupt"])
    elif not streamed:
        for text in word_chunks(end["answer"]):
            emit("token", {"text": text})
    emit("end", end)


def _failure_message(error: BaseException) -> str:
    return f"the run failed ({type(error).__name__}); the thread keeps its last saved step and can be retried"


def _runtime(request: Request) -> GraphRuntime:
    runtime: GraphRuntime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(503, "the server is starting: threads are not ready yet")
    return runtime


@dataclass(frozen=True)
class OwnedThread:
    thread_id: str
    graph: str


def _owned_thread(database: Database, rm_id: str, thread_id: str) -> OwnedThread:
    """The signed-in RM's thread; another RM's answers exactly like an unknown id."""
    if len(thread_id) > MAX_THREAD_ID or "\x00" in thread_id:
        raise HTTPException(404, THREAD_NOT_FOUND)
    with database.engine.connect() as connection:
        graph = connection.execute(
            select(AgentThread.graph).where(AgentThread.thread_id == thread_id, AgentThread.rm_id == rm_id)
        ).scalar()
    if graph is None:
        raise HTTPException(404, THREAD_NOT_FOUND)
    return OwnedThread(thread_id=thread_id, graph=str(graph))


def _graph(runtime: GraphRuntime, name: str) -> Any:
    try:
        return runtime.graph(name)
    except GraphUnavailable as error:
        raise HTTPException(503, str(error)) from None


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}}


def _checked_input(graph_name: str, given: dict[str, Any]) -> dict[str, Any]:
    field = registry.use_case(graph_name).input_key
    problems: list[dict[str, Any]] = []
    for extra in sorted(set(given) - {field}):
        problems.append({"loc": ("body", "input", extra), "msg": f"not an input of the {graph_name} graph"})
    value = given.get(field)
    if not isinstance(value, str) or not value.strip():
        problems.append({"loc": ("body", "input", field), "msg": "required: non-empty text"})
    elif len(value) > MAX_INPUT_CHARS or "\x00" in value:
        problems.append({"loc": ("body", "input", field), "msg": f"at most {MAX_INPUT_CHARS:,} characters, no NUL"})
    if problems:
        raise RequestValidationError(problems)
    return {field: normalize_text(str(value))}


class _Prepared:
    """A run that passed every check and holds its thread until the worker ends."""

    def __init__(
        self,
        runtime: GraphRuntime,
        thread: OwnedThread,
        graph: Any,
        payload: Any,
        rm_id: str,
        release_slot: Callable[[], None],
    ) -> None:
        self.runtime = runtime
        self.thread_id = thread.thread_id
        self.graph_name = thread.graph
        self.graph = graph
        self.payload = payload
        self.context = runtime.context(rm_id)
        self.carried_on = payload is None
        self.release_slot = release_slot

    def work(self, emit: Emit) -> None:
        """Run in a worker thread; the thread and the run slot are given back however it ends."""
        try:
            run_events(
                self.graph_name,
                self.graph,
                self.payload,
                _config(self.thread_id),
                self.context,
                emit,
                carried_on=self.carried_on,
            )
        finally:
            self.runtime.release(self.thread_id)
            self.release_slot()


async def _prepare(
    request: Request,
    database: Database,
    rm_id: str,
    thread_id: str,
    *,
    run: RunRequest | None,
    resume: ResumeRequest | None,
) -> _Prepared:
    runtime = _runtime(request)
    thread = await anyio.to_thread.run_sync(_owned_thread, database, rm_id, thread_id)  # off the event loop
    graph = _graph(runtime, thread.graph)
    payload: Any
    if run is not None:
        payload = _checked_input(thread.graph, run.input)
    else:
        assert resume is not None
        payload = Command(resume={"type": resume.type, "args": resume.args})
    try:
        runtime.claim(thread_id)
    except ThreadBusy as error:
        raise HTTPException(409, str(error)) from None
    try:
        snapshot = await anyio.to_thread.run_sync(graph.get_state, _config(thread_id))
        if unfinished(snapshot):
            # A crash or restart cut the last run short (maybe after the RM's accept was recorded): finish it
            # first, whatever this request asks. Its writes are idempotent; the answer says it carried on.
            return _Prepared(runtime, thread, graph, None, rm_id, await _run_slots(request).acquire())
        waiting = pending_interrupt(snapshot) is not None
        if resume is not None and not waiting:
            raise HTTPException(409, NOT_WAITING)
        if run is not None and waiting and answers_the_question(snapshot):
            # The thread asks "which client?": what the RM types next (a number, a name) is the answer.
            payload = Command(resume={"type": "response", "args": next(iter(payload.values()))})
        elif run is not None and waiting:
            raise HTTPException(
                409,
                "this thread waits for a decision on its card: resume it (accept, edit, "
                "response or ignore) before sending new input",
            )
        if run is not None and not waiting and thread.graph == "data_entry" and snapshot.values:
            raise HTTPException(409, "a data-entry thread takes one note; start a new thread for the next one")
        release_slot = await _run_slots(request).acquire()  # 429 when too many runs work or wait
    except BaseException:
        runtime.release(thread_id)
        raise
    return _Prepared(runtime, thread, graph, payload, rm_id, release_slot)


def _run_slots(request: Request) -> RunSlots:
    slots: RunSlots = request.app.state.run_slots
    return slots


def _stream(prepared: _Prepared) -> EventSourceResponse:
    """Run in a worker thread; forward its events through a queue as they come."""

    async def events() -> AsyncIterator[dict[str, str]]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[str, Any] | None] = asyncio.Queue()

        def put(item: tuple[str, Any] | None) -> None:
            # If the client left and the loop is gone, the run still finishes and checkpoints.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, item)

        def worker() -> None:
            try:
                prepared.work(lambda event, data: put((event, data)))
            except Exception as error:
                logger.error("thread %s: the run failed", prepared.thread_id, exc_info=error)
                put(("error", {"message": _failure_message(error)}))
            finally:
                put(None)

        running = loop.run_in_executor(None, worker)
        while (item := await queue.get()) is not None:
            event, data = item
            yield {"event": event, "data": json.dumps(data, ensure_ascii=False)}
        await running

    return EventSourceResponse(events(), ping=15)


async def _wait(prepared: _Prepared) -> JSONResponse:
    ended: list[Any] = []

    def collect(event: str, data: Any) -> None:
        if event == "end":
            ended.append(data)

    try:
        await anyio.to_thread.run_sync(prepared.work, collect)
    except Exception as error:
        logger.error("thread %s: the run failed", prepared.thread_id, exc_info=error)
        return JSONResponse({"detail": _failure_message(error)}, status_code=500)
    return JSONResponse(ended[-1])


# ----- routes ------------------------------------------------------------------------------

STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/event-stream": {}}, "description": "update, token, interrupt, end / error events"},
    404: {"description": "Not one of your threads"},
    409: {"description": "The thread waits for a decision / is not waiting / is busy"},
    503: {"description": "The graph is not available on this server"},
}


class Suggestion(BaseModel):
    """One request the empty chat offers to click, in both languages, and what its use case does."""

    intent: str
    text: dict[str, str]
    does: dict[str, str]


#: The co-pilot's own small routes (beside the threads it runs on).
copilot_router = APIRouter(prefix="/api/copilot", tags=["threads"], dependencies=[Depends(current_rm)])


@copilot_router.get("/suggestions", summary="What the empty chat offers to click (from the registry, EN and VI)")
def suggestions() -> list[Suggestion]:
    return [Suggestion.model_validate(item) for item in registry.suggestions()]


@router.post("", status_code=201, summary="Start a thread (co-pilot chat or one data-entry note)")
def create_thread(rm_id: CurrentRm, database: StoreDep, request: Request, body: ThreadCreate) -> ThreadCreated:
    _graph(_runtime(request), body.graph)  # 503 now rather than on the first run
    thread_id = str(uuid.uuid4())
    with database.engine.begin() as connection:
        connection.execute(
            insert(AgentThread).values(
                thread_id=thread_id, rm_id=rm_id, graph=body.graph, created_at=dt.datetime.now(BANK_TIMEZONE)
            )
        )
    logger.info("rm %s: thread %s (%s) started", rm_id, thread_id, body.graph)
    return ThreadCreated(thread_id=thread_id, graph=body.graph)


@router.get("/{thread_id}/state", summary="The thread's state, next steps and pending card", responses={404: {}})
async def thread_state(rm_id: CurrentRm, database: StoreDep, request: Request, thread_id: str) -> ThreadState:
    runtime = _runtime(request)
    thread = await anyio.to_thread.run_sync(_owned_thread, database, rm_id, thread_id)  # off the event loop
    graph = _graph(runtime, thread.graph)
    snapshot = await anyio.to_thread.run_sync(graph.get_state, _config(thread_id))
    return ThreadState(
        thread_id=thread_id,
        graph=thread.graph,
        values=to_json(dict(snapshot.values or {})),
        next=[str(name) for name in snapshot.next],
        interrupt=pending_interrupt(snapshot),
    )


@router.post("/{thread_id}/runs/stream", summary="Send input; stream the run", responses=STREAM_RESPONSES)
async def run_stream(
    rm_id: CurrentRm, database: StoreDep, request: Request, thread_id: str, body: RunRequest
) -> EventSourceResponse:
    return _stream(await _prepare(request, database, rm_id, thread_id, run=body, resume=None))


@router.post(
    "/{thread_id}/runs/wait", summary="Send input; the run's result as JSON", responses={200: {"model": RunResult}}
)
async def run_wait(rm_id: CurrentRm, database: StoreDep, request: Request, thread_id: str, body: RunRequest) -> Any:
    return await _wait(await _prepare(request, database, rm_id, thread_id, run=body, resume=None))


@router.post(
    "/{thread_id}/resume/stream", summary="Answer the confirmation card; stream the rest", responses=STREAM_RESPONSES
)
async def resume_stream(
    rm_id: CurrentRm, database: StoreDep, request: Request, thread_id: str, body: Annotated[ResumeRequest, Body()]
) -> EventSourceResponse:
    return _stream(await _prepare(request, database, rm_id, thread_id, run=None, resume=body))


@router.post(
    "/{thread_id}/resume/wait",
    summary="Answer the confirmation card; the result as JSON",
    responses={200: {"model": RunResult}, 409: {"description": "Not waiting for a decision"}},
)
async def resume_wait(
    rm_id: CurrentRm, database: StoreDep, request: Request, thread_id: str, body: Annotated[ResumeRequest, Body()]
) -> Any:
    return await _wait(await _prepare(request, database, rm_id, thread_id, run=None, resume=body))
