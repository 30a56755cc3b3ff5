"""LangServe endpoints for the stateless use cases (the registry's "langserve" surface): ``/langserve/<name>``.

LangServe cannot pass LangGraph's run ``context``, so each graph is wrapped in a Runnable
that builds ``AgentContext`` from the RM the bearer token signed in. The RM reaches the
wrapper only through ``per_req_config_modifier`` (after the auth dependency ran), which
replaces the body's ``configurable`` whole, so a client cannot name an RM.
Only invoke / batch / stream and the schemas are on: no playground (it is a web bundle
this server does not need), no feedback or trace links.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from langchain_core.runnables import RunnableConfig, RunnableLambda

from agentify.api.admission import RunSlots
from agentify.api.deps import current_rm
from graphs import registry
from graphs.context import AgentContext
from graphs.turn import TurnOutput
from stores.db import Database
from tools.core.text import normalize_texts

logger = logging.getLogger(__name__)

RM_CONFIG_KEY = "agentify_rm_id"
PREFIX = "/langserve"


def signed_in_config(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """Put the token's RM into the run's config (the body's config never reaches here)."""
    rm_id = getattr(request.state, "rm_id", None)
    if not rm_id:  # the auth dependency runs first; this is the belt to its braces
        raise HTTPException(401, "sign in: send Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    return {**config, "configurable": {RM_CONFIG_KEY: rm_id}}


class _GraphWithContext:
    """Calls the compiled graph with the signed-in RM's ``AgentContext`` (compiled on first call)."""

    def __init__(self, entry: registry.UseCase, database: Database, slots: Callable[[], RunSlots]) -> None:
        self.name = entry.name
        self.entry = entry
        self.database = database
        self.slots = slots
        self._graph: Any = None
        self._compile_lock = threading.Lock()

    def __call__(self, graph_input: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        rm_id = (config.get("configurable") or {}).get(RM_CONFIG_KEY)
        if not rm_id:
            raise PermissionError("no signed-in RM on this run")
        if self._graph is None:
            with self._compile_lock:
                if self._graph is None:
                    self._graph = self.entry.builder().compile(name=self.name)
        context = AgentContext(rm_id=str(rm_id), database_url=self.database.portable_url)
        inner: RunnableConfig = {  # nothing of the client's config reaches the graph
            "callbacks": config.get("callbacks"),
            "run_name": self.name,
        }
        result = self._graph.invoke(normalize_texts(graph_input), inner, context=context)
        logger.info("rm %s: langserve %s answered", rm_id, self.name)
        return dict(result)

    async def in_a_slot(self, graph_input: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        """The run in a worker thread once a run slot is free (429 when none is); the slot outlives a disconnect."""
        release = await self.slots().acquire()

        def work() -> dict[str, Any]:
            try:
                return self(graph_input, config)
            finally:
                release()

        return await asyncio.to_thread(work)


def register(app: FastAPI, database: Database) -> None:
    """Add the LangServe routes, each behind the bearer-token dependency, their runs in the app's run slots."""
    from langserve import add_routes

    for entry in registry.reachable("langserve"):
        graph = _GraphWithContext(entry, database, lambda: app.state.run_slots)
        runnable = RunnableLambda(graph, afunc=graph.in_a_slot, name=entry.name)
        # The room's own input schema (typing_extensions TypedDicts: LangServe builds pydantic models from them).
        input_type = entry.builder().input_schema
        add_routes(
            app,
            runnable.with_types(input_type=input_type, output_type=TurnOutput),  # type: ignore[arg-type]
            path=f"{PREFIX}/{entry.name}",
            config_keys=("configurable",),  # replaced whole by signed_in_config
            per_req_config_modifier=signed_in_config,
            enabled_endpoints=["invoke", "batch", "stream", "input_schema", "output_schema"],
            dependencies=[Depends(current_rm)],
        )
