"""LangServe endpoints for the stateless graphs: ``/langserve/{prioritization,next_best_action,performance}``.

LangServe cannot pass LangGraph's run ``context``, so each graph is wrapped in a Runnable
that builds ``AgentContext`` from the RM the bearer token signed in. The RM reaches the
wrapper only through ``per_req_config_modifier`` (after the auth dependency ran), which
replaces the body's ``configurable`` whole, so a client cannot name an RM.
Only invoke / batch / stream and the schemas are on: no playground (it is a web bundle
this server does not need), no feedback or trace links.
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any, NotRequired

from fastapi import Depends, FastAPI, HTTPException, Request
from langchain_core.runnables import RunnableConfig, RunnableLambda
from typing_extensions import TypedDict

from agentify.api.deps import current_rm
from graphs.context import AgentContext
from stores.db import Database

logger = logging.getLogger(__name__)

RM_CONFIG_KEY = "agentify_rm_id"
PREFIX = "/langserve"


# LangServe builds pydantic models from these: they must be typing_extensions TypedDicts on Python 3.11.
class PrioritizationRequest(TypedDict):
    request: str
    product_code: NotRequired[str | None]
    top_n: NotRequired[int | None]


class NextBestActionRequest(TypedDict):
    request: str


class PerformanceRequest(TypedDict):
    question: str


#: name → (graph module, input schema). Each module has a ``builder`` compiled once per app.
STATELESS_GRAPHS: dict[str, tuple[str, type]] = {
    "prioritization": ("graphs.prioritization.graph", PrioritizationRequest),
    "next_best_action": ("graphs.next_best_action.graph", NextBestActionRequest),
    "performance": ("graphs.performance.graph", PerformanceRequest),
}


def signed_in_config(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """Put the token's RM into the run's config (the body's config never reaches here)."""
    rm_id = getattr(request.state, "rm_id", None)
    if not rm_id:  # the auth dependency runs first; this is the belt to its braces
        raise HTTPException(401, "sign in: send Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    return {**config, "configurable": {RM_CONFIG_KEY: rm_id}}


class _GraphWithContext:
    """Calls the compiled graph with the signed-in RM's ``AgentContext`` (compiled on first call)."""

    def __init__(self, name: str, module: str, database: Database) -> None:
        self.name = name
        self.module = module
        self.database = database
        self._graph: Any = None
        self._compile_lock = threading.Lock()

    def __call__(self, graph_input: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        rm_id = (config.get("configurable") or {}).get(RM_CONFIG_KEY)
        if not rm_id:
            raise PermissionError("no signed-in RM on this run")
        if self._graph is None:
            with self._compile_lock:
                if self._graph is None:
                    self._graph = importlib.import_module(self.module).builder.compile(name=self.name)
        context = AgentContext(rm_id=str(rm_id), database_url=self.database.portable_url)
        inner: RunnableConfig = {  # nothing of the client's config reaches the graph
            "callbacks": config.get("callbacks"),
            "run_name": self.name,
        }
        result = self._graph.invoke(graph_input, inner, context=context)
        logger.info("rm %s: langserve %s answered", rm_id, self.name)
        return dict(result)


def register(app: FastAPI, database: Database) -> None:
    """Add the LangServe routes, each behind the bearer-token dependency."""
    from langserve import add_routes

    for name, (module, input_type) in STATELESS_GRAPHS.items():
        runnable = RunnableLambda(_GraphWithContext(name, module, database), name=name)
        add_routes(
            app,
            runnable.with_types(input_type=input_type, output_type=dict[str, Any]),
            path=f"{PREFIX}/{name}",
            config_keys=("configurable",),  # replaced whole by signed_in_config
            per_req_config_modifier=signed_in_config,
            enabled_endpoints=["invoke", "batch", "stream", "input_schema", "output_schema"],
            dependencies=[Depends(current_rm)],
        )
