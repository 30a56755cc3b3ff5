"""One RM's whole data-entry journey on a thread, and a process that is killed at a chosen point of it.

``python -m tests.graphs.data_entry.journey <database url> <thread> <kill point>`` runs the
journey (note → "which client?" → pick → card → accept → write) and SIGKILLs itself at the kill point:
``before:<node>#<n>`` / ``after:<node>#<n>`` (the n-th run of the node: an interrupting node runs once
to ask and once more with the answer), ``write:uncommitted`` (inside the write's transaction, after the
interaction row is inserted) or ``write:committed`` (after the commit, before the node returns).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import os
import signal
import sys
from collections import Counter
from typing import Any

from langgraph.types import Command

from graphs.context import AgentContext
from graphs.hitl import THREAD_DURABILITY, continue_unfinished
from stores.db import Database

TODAY = dt.date(2025, 10, 24)
#: Two of RM001's clients are called Nguyễn Văn Minh: the journey passes through every node of the graph.
NOTE = "Gặp anh Minh ở Highlands Coffee Tràng Tiền, anh muốn gửi tiết kiệm 500 triệu, rất vui. Mai gọi lại anh."
PICK = "1"
NODES = (
    "extract", "identify_client", "ask_client", "apply_client_choice", "propose", "confirm", "write", "finish",
)  # fmt: skip
#: Nodes that interrupt: their first run asks, their second runs with the RM's answer.
ASKING = frozenset({"ask_client", "confirm"})


def kill_points() -> list[str]:
    points: list[str] = []
    for node in NODES:
        runs = (1, 2) if node in ASKING else (1,)
        for run in runs:
            points.append(f"before:{node}#{run}")
            if node not in ASKING or run == 2:  # a first asking run never returns: it interrupts
                points.append(f"after:{node}#{run}")
    return [*points, "write:uncommitted", "write:committed"]


def context(database: Database) -> AgentContext:
    return AgentContext(rm_id="RM001", model="none", database_url=database.portable_url, today=TODAY)


def drive(graph: Any, config: dict[str, Any], ctx: AgentContext, *, steps: int = 10) -> dict[str, Any]:
    """Take the thread from wherever it is to its end, as the RM would: pick client 1, accept the card.

    A thread that a crash cut mid-run is first carried on to its next pause (``continue_unfinished``).
    """
    snapshot = graph.get_state(config)
    if not snapshot.values and not snapshot.next:
        graph.invoke({"note": NOTE}, config, context=ctx, durability=THREAD_DURABILITY)
    for _ in range(steps):
        continue_unfinished(graph, config, ctx)
        snapshot = graph.get_state(config)
        if not snapshot.interrupts:
            return dict(snapshot.values)
        card = snapshot.interrupts[0].value[0]
        action = card["action_request"]["action"]
        answer = {"type": "response", "args": PICK} if action != "log_interaction" else {"type": "accept", "args": None}
        graph.invoke(Command(resume=[answer]), config, context=ctx, durability=THREAD_DURABILITY)
    raise AssertionError(f"the thread did not end in {steps} steps")


def _arm(point: str) -> None:
    """Patch the nodes (before the graph module builds its builder) and the write to die at ``point``."""
    from graphs import clarify
    from graphs.data_entry import nodes
    from tools.crm.api import CrmApi

    def die() -> None:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    runs: Counter[str] = Counter()

    def wrapped(name: str, fn: Any) -> Any:
        @functools.wraps(fn)
        def node(*args: Any, **kwargs: Any) -> Any:
            runs[name] += 1
            if point == f"before:{name}#{runs[name]}":
                die()
            out = fn(*args, **kwargs)
            if point == f"after:{name}#{runs[name]}":
                die()
            return out

        return node

    for name in NODES:
        module = clarify if hasattr(clarify, name) and not hasattr(nodes, name) else nodes
        setattr(module, name, wrapped(name, getattr(module, name)))

    insert = CrmApi._insert_interaction
    create = CrmApi.create_interaction

    def insert_then_die(self: CrmApi, *args: Any, **kwargs: Any) -> Any:
        out = insert(self, *args, **kwargs)
        if point == "write:uncommitted":
            die()
        return out

    def create_then_die(self: CrmApi, *args: Any, **kwargs: Any) -> Any:
        out = create(self, *args, **kwargs)
        if point == "write:committed":
            die()
        return out

    CrmApi._insert_interaction = insert_then_die  # type: ignore[method-assign]
    CrmApi.create_interaction = create_then_die  # type: ignore[method-assign]


def main(url: str, thread: str, point: str) -> None:
    _arm(point)
    from stores.checkpoints import open_checkpointer

    module = importlib.import_module("graphs.data_entry.graph")
    database = Database(url)
    with open_checkpointer(database) as saver:
        graph = module.builder.compile(checkpointer=saver)
        drive(graph, {"configurable": {"thread_id": thread}}, context(database))
    print("not killed", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
