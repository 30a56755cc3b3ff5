"""Running one night on a compiled nightly graph: one thread per night and scope, resumed if it was cut off.

Every runtime (``agentify nightly``, the scheduler, the eval runner, tests) compiles
``graphs.nightly.graph.builder`` with its own checkpointer and calls ``run_night``.
A night whose last run stopped part-way (killed process, power cut) has a checkpoint
with steps still to do: ``run_night`` resumes it instead of starting over; a finished
night starts a fresh run on the same thread (drafts already stored are skipped).

One run per night and scope at a time (``tools.inbox.runs.claim_night``): a second start while the
first is alive is refused with its run id (``NightAlreadyRunning``); a killed run's lease goes stale,
the next start marks that run interrupted and resumes it, so its summary counts everything it made.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from graphs.context import NightlyContext
from tools.inbox.runs import LEASE_SECONDS, beat, claim_night, record_resumed, release_night

logger = logging.getLogger(__name__)

#: Drafts running at once within a wave (LangGraph's ``max_concurrency``).
DEFAULT_CONCURRENCY = 4

#: Called with each node's name and update as the run streams (progress bars, logs).
OnUpdate = Callable[[str, dict[str, Any]], None]


def night_thread_id(scan_date: dt.date, rm_id: str | None) -> str:
    return f"nightly:{scan_date.isoformat()}:{rm_id or 'bank'}"


def run_night(
    compiled: CompiledStateGraph[Any, Any, Any, Any],
    context: NightlyContext,
    scan_date: dt.date,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_update: OnUpdate | None = None,
) -> dict[str, Any]:
    """Run (or resume) the night ``scan_date`` and return its summary; ``NightAlreadyRunning`` while another
    process runs it."""
    thread_id = night_thread_id(scan_date, context.rm_id)
    config: Any = {
        "configurable": {"thread_id": thread_id},
        "max_concurrency": max(1, concurrency),
        "recursion_limit": 10_000,
    }
    database = context.database()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    claim_night(database, thread_id, holder)
    heartbeat = _Heartbeat(lambda run_id: beat(database, thread_id, holder, run_id))
    try:
        with heartbeat:
            return _run(compiled, context, scan_date, config, heartbeat, on_update)
    finally:
        release_night(database, thread_id, holder)


class _Heartbeat:
    """Beats every ``LEASE_SECONDS / 4`` in a thread of its own while the night runs (a long wave of model
    drafts is no sign of death), and at once when the run's id becomes known."""

    def __init__(self, beat_once: Callable[[str | None], None]) -> None:
        self._beat_once = beat_once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="night-heartbeat", daemon=True)
        self.run_id: str | None = None

    def known(self, run_id: str | None) -> None:
        if run_id and run_id != self.run_id:
            self.run_id = run_id
            self._beat_once(run_id)

    def _loop(self) -> None:
        while not self._stop.wait(LEASE_SECONDS / 4):
            try:
                self._beat_once(self.run_id)
            except Exception:
                logger.warning("the nightly heartbeat could not be written", exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def _run(
    compiled: CompiledStateGraph[Any, Any, Any, Any],
    context: NightlyContext,
    scan_date: dt.date,
    config: Any,
    heartbeat: _Heartbeat,
    on_update: OnUpdate | None,
) -> dict[str, Any]:
    state = compiled.get_state(config) if compiled.checkpointer is not None else None
    unfinished = state is not None and bool(state.next)
    payload: dict[str, Any] | None = None if unfinished else {"date": scan_date.isoformat()}
    run_id: str | None = None
    if unfinished and state is not None:
        run_id = state.values.get("run_id")
        logger.info("resuming the unfinished run %s of %s", run_id, config["configurable"]["thread_id"])
        if run_id:
            record_resumed(context.database(), run_id)
    heartbeat.known(run_id)
    summary: dict[str, Any] | None = None
    for chunk in compiled.stream(payload, config, context=context, stream_mode="updates"):
        for node, update in chunk.items():
            if not isinstance(update, dict):
                continue
            heartbeat.known(update.get("run_id"))
            if on_update is not None:
                on_update(node, update)
            if node == "finish":
                summary = update.get("summary")
    if summary is None:
        summary = compiled.get_state(config).values.get("summary") if compiled.checkpointer else None
    if summary is None:
        raise RuntimeError(f"the nightly run of {scan_date} ended without a summary")
    return dict(summary)
