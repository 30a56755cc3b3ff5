"""Running one night on a compiled nightly graph: one thread per night and scope, resumed if it was cut off.

Every runtime (``agentify nightly``, the scheduler, the eval runner, tests) compiles
``graphs.nightly.graph.builder`` with its own checkpointer and calls ``run_night``.
A night whose last run stopped part-way (killed process, power cut) has a checkpoint
with steps still to do: ``run_night`` resumes it instead of starting over; a finished
night starts a fresh run on the same thread (drafts already stored are skipped).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from graphs.context import NightlyContext

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
    """Run (or resume) the night ``scan_date`` and return its summary."""
    config: Any = {
        "configurable": {"thread_id": night_thread_id(scan_date, context.rm_id)},
        "max_concurrency": max(1, concurrency),
        "recursion_limit": 10_000,
    }
    unfinished = compiled.checkpointer is not None and bool(compiled.get_state(config).next)
    payload: dict[str, Any] | None = None if unfinished else {"date": scan_date.isoformat()}
    if unfinished:
        logger.info("resuming the unfinished run of %s", config["configurable"]["thread_id"])
    summary: dict[str, Any] | None = None
    for chunk in compiled.stream(payload, config, context=context, stream_mode="updates"):
        for node, update in chunk.items():
            if not isinstance(update, dict):
                continue
            if on_update is not None:
                on_update(node, update)
            if node == "finish":
                summary = update.get("summary")
    if summary is None:
        summary = compiled.get_state(config).values.get("summary") if compiled.checkpointer else None
    if summary is None:
        raise RuntimeError(f"the nightly run of {scan_date} ended without a summary")
    return dict(summary)
