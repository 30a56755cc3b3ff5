"""LangGraph Studio: every graph folder is registered in langgraph.json and ``langgraph dev`` serves them all."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.graph.state import CompiledStateGraph

from stores.db import Database
from stores.fixtures import load_fixture
from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
CONFIG = json.loads((ROOT / "langgraph.json").read_text(encoding="utf-8"))
LANGGRAPH = Path(sys.executable).with_name("langgraph")
STARTUP_SECONDS = 45


def _module_name(spec: str) -> tuple[str, str]:
    path, _, variable = spec.partition(":")
    return Path(path).with_suffix("").as_posix().removeprefix("./").replace("/", "."), variable


@pytest.mark.parametrize("graph_id", sorted(CONFIG["graphs"]))
def test_each_registered_graph_imports_compiled_with_a_context_schema(graph_id: str) -> None:
    module, variable = _module_name(CONFIG["graphs"][graph_id])
    graph = getattr(importlib.import_module(module), variable)
    assert isinstance(graph, CompiledStateGraph)
    assert graph.builder.context_schema is not None
    assert graph.name == graph_id


def test_every_graph_folder_is_registered() -> None:
    folders = {path.parent.name for path in (ROOT / "graphs").glob("*/graph.py")}
    assert folders == set(CONFIG["graphs"])
    assert all(spec == f"./graphs/{name}/graph.py:graph" for name, spec in CONFIG["graphs"].items())


# ----- langgraph dev -------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _call(base: str, path: str, body: dict[str, Any] | None = None, timeout: float = 30) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")


def _wait_until_served(process: subprocess.Popen[str], log: Path, requested_port: int) -> str:
    """The API's base URL once it answers; the CLI may pick another port than the one asked, so read its banner."""
    deadline = time.monotonic() + STARTUP_SECONDS
    base = f"http://127.0.0.1:{requested_port}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"langgraph dev exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        announced = re.search(r"API: \S*?(http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if announced:
            base = announced.group(1)
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
                _call(base, "/ok", timeout=2)
                return base
        time.sleep(0.5)
    pytest.fail(f"langgraph dev did not answer within {STARTUP_SECONDS}s:\n{log.read_text()[-4000:]}")


@pytest.fixture
def studio(tmp_path: Path, small_bank: dict[str, Any]) -> Iterator[str]:
    database = Database(f"sqlite:///{tmp_path / 'bank.db'}")
    database.create_schema()
    load_fixture(database, small_bank)
    database.dispose()
    env = {
        **os.environ,
        "LANGSMITH_TRACING": "false",
        "LANGGRAPH_CLI_NO_ANALYTICS": "1",
        "AGENTIFY_DATABASE_URL": database.url,
        "AGENTIFY_DATA_DIR": str(tmp_path),
        "AGENTIFY_MODEL": "none",
    }
    port = _free_port()
    runtime_dir = ROOT / ".langgraph_api"
    created_runtime_dir = not runtime_dir.exists()
    log = tmp_path / "langgraph-dev.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(LANGGRAPH), "dev", "--no-browser", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        try:
            yield _wait_until_served(process, log, port)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            if created_runtime_dir:
                shutil.rmtree(runtime_dir, ignore_errors=True)


@pytest.mark.slow
def test_langgraph_dev_serves_every_graph_and_runs_the_copilot(studio: str) -> None:
    assistants = _call(studio, "/assistants/search", {"limit": 100})
    assert {assistant["graph_id"] for assistant in assistants} >= set(CONFIG["graphs"])

    context = {"rm_id": "RM001", "model": "none"}
    thread = _call(studio, "/threads", {})["thread_id"]
    answer = _call(studio, f"/threads/{thread}/runs/wait",
                   {"assistant_id": "copilot", "input": {"message": "What is my AUM?"}, "context": context})  # fmt: skip
    assert (answer["intent"], answer["status"], answer["answer"]) == (
        "performance_report",
        "answered",
        "Total AUM: 4.57B VND",
    )
    assert [message["type"] for message in answer["messages"]] == ["human", "ai"]

    note = "Met Mr. Son Pham 0823912039 at a coffee house, he wants a loan of 800m vnd. Call him next Wednesday."
    paused = _call(studio, f"/threads/{thread}/runs/wait",
                   {"assistant_id": "copilot", "input": {"message": note}, "context": context})  # fmt: skip
    card = paused["__interrupt__"][0]["value"][0]
    assert card["action_request"]["args"]["interaction"]["client_id"] == "C0001"
    done = _call(studio, f"/threads/{thread}/runs/wait",
                 {"assistant_id": "copilot", "command": {"resume": [{"type": "ignore", "args": None}]},
                  "context": context})  # fmt: skip
    assert (done["intent"], done["status"]) == ("data_entry", "cancelled")
