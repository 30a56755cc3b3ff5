"""The graphs the server runs on threads: compiled once per app with the app's checkpointer.

The checkpointer is opened in the app's lifespan and closed on shutdown; because it
writes to the bank's own store (or the checkpoint file beside it), a thread paused on a
confirmation card resumes in a later server process. Graph modules are imported on first
use, so a graph that is not installed yet (the co-pilot while it is being written) makes
only its own routes answer 503, and becomes available without a restart once it imports.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy import select

from graphs import registry
from graphs.context import AgentContext
from graphs.hitl import continue_unfinished
from stores.app_tables import AgentThread
from stores.db import Database
from stores.settings import BANK_TIMEZONE

logger = logging.getLogger(__name__)


#: How far back a restart looks for threads whose last run it cut short.
RECOVERY_WINDOW = dt.timedelta(days=7)


class GraphUnavailable(RuntimeError):
    """The graph's module cannot be imported on this server (not installed, or broken)."""


class ThreadBusy(RuntimeError):
    """Another run is in progress on the thread."""


class GraphRuntime:
    """The app's checkpointer, its compiled thread graphs and one run at a time per thread."""

    def __init__(self, database: Database, checkpointer: BaseCheckpointSaver[Any]) -> None:
        self.database = database
        self.checkpointer = checkpointer
        self._compiled: dict[str, Any] = {}
        self._compile_lock = threading.Lock()
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()

    def graph(self, name: str) -> Any:
        """The compiled graph ``name`` (compiled on first use, then reused)."""
        compiled = self._compiled.get(name)
        if compiled is not None:
            return compiled
        try:
            entry = registry.use_case(name, surface="threads")
        except registry.UnknownUseCase as error:
            raise GraphUnavailable(str(error)) from None
        with self._compile_lock:
            compiled = self._compiled.get(name)
            if compiled is None:
                try:
                    builder = entry.builder()
                except Exception as error:  # not written yet, or broken: only this graph is off
                    logger.warning("graph %s is unavailable: %s", name, error)
                    raise GraphUnavailable(f"the {name} graph is not available on this server") from error
                compiled = builder.compile(checkpointer=self.checkpointer, name=name)
                self._compiled[name] = compiled
        return compiled

    def context(self, rm_id: str) -> AgentContext:
        """The run's context: the signed-in RM on this app's store (model and today: the defaults)."""
        return AgentContext(rm_id=rm_id, database_url=self.database.portable_url)

    def claim(self, thread_id: str) -> None:
        """Hold the thread for one run (until ``release``); a second concurrent run is refused, not interleaved."""
        with self._busy_lock:
            if thread_id in self._busy:
                raise ThreadBusy("a run is already in progress on this thread; wait for it to end")
            self._busy.add(thread_id)

    def release(self, thread_id: str) -> None:
        with self._busy_lock:
            self._busy.discard(thread_id)

    def carry_on_cut_short(self, *, within: dt.timedelta = RECOVERY_WINDOW) -> int:
        """Finish the runs a crash or restart cut short (threads created within ``within``); how many.

        A data-entry thread killed after the RM's accept writes its interaction now, exactly once
        (the write is idempotent by the thread); one killed before its card pauses on the card again.
        A thread some request is running is left to that request; one that fails is logged and left.
        """
        since = dt.datetime.now(BANK_TIMEZONE) - within
        with self.database.engine.connect() as connection:
            rows = connection.execute(
                select(AgentThread.thread_id, AgentThread.rm_id, AgentThread.graph).where(
                    AgentThread.created_at >= since
                )
            ).all()
        finished = 0
        for thread_id, rm_id, name in rows:
            try:
                self.claim(thread_id)
            except ThreadBusy:
                continue
            try:
                config = {"configurable": {"thread_id": thread_id}}
                if continue_unfinished(self.graph(name), config, self.context(rm_id)):
                    finished += 1
                    logger.info("thread %s: finished the run a restart had cut short", thread_id)
            except Exception:
                logger.exception("thread %s: the cut-short run could not be finished; it stays as it was", thread_id)
            finally:
                self.release(thread_id)
        return finished


@contextmanager
def open_runtime(database: Database) -> Iterator[GraphRuntime]:
    """The runtime for an app's lifespan: the checkpointer is closed when it ends."""
    from stores.checkpoints import open_checkpointer

    with open_checkpointer(database) as checkpointer:
        yield GraphRuntime(database, checkpointer)
