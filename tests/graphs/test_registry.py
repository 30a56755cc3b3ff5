"""The registry is the one list of use cases: Studio, the chat, HTTP threads, LangServe and the eval runner
derive from it, and a new room needs one registry line to be reachable everywhere."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agentify.app import create_app
from evals.suites import get_suite, suite_names
from graphs import registry
from graphs.context import AgentContext
from graphs.copilot import graph as copilot_graph
from graphs.turn import TURN_KEYS, TurnOutput
from stores.checkpoints import open_checkpointer
from stores.db import Database
from tests.drivers import PROJECT_ROOT
from tests.http import bearer
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.crm.auth import issue_token
from tools.routing import router
from tools.routing.learned import LearnedRouter

ECHO = registry.UseCase(
    "echo", "tests.graphs.echo_room.graph", "request", frozenset({"chat", "studio", "threads", "langserve"}),
    intent="echo", suites=("echo",), routes="repeat what the manager said",
    does={"en": "repeat what you say", "vi": "nhắc lại lời anh/chị"}, example={"en": "echo hello", "vi": "echo xin chào"},
)  # fmt: skip
#: What the teachers would add to the router's corpus beside the registry line (a few here; hundreds shipped).
ECHO_EXAMPLES = [
    {"text": "repeat after me: hello", "intent": "echo"},
    {"text": "say back what I typed", "intent": "echo"},
    {"text": "nhắc lại câu này giúp em", "intent": "echo"},
    {"text": "My AUM this month", "intent": "performance_report"},
    {"text": "how many deposits matured last week", "intent": "performance_report"},
    {"text": "top clients for Premier Invest", "intent": "prioritization"},
    {"text": "who should I call for the new bond", "intent": "prioritization"},
]


@pytest.fixture
def with_echo(monkeypatch: pytest.MonkeyPatch) -> Iterator[registry.UseCase]:
    """The registry with one more line, as a newcomer would add it."""
    monkeypatch.setattr(registry, "USE_CASES", (*registry.USE_CASES, ECHO))
    yield ECHO


def test_langgraph_json_is_the_registry() -> None:
    on_disk = json.loads((PROJECT_ROOT / "langgraph.json").read_text(encoding="utf-8"))
    assert on_disk == registry.langgraph_config(), "regenerate it: python -m graphs.registry > langgraph.json"


def test_every_built_room_answers_with_the_turn_and_is_measured() -> None:
    for entry in registry.USE_CASES:
        if not entry.built:
            continue
        builder = entry.builder()
        assert builder.output_schema is TurnOutput or set(TURN_KEYS) <= set(builder.output_schema.__annotations__)
        assert entry.input_key in builder.input_schema.__annotations__, entry.name
        if entry.name != "copilot":
            assert entry.suites, f"{entry.name} has no eval suite"
    assert set(suite_names()) == {suite for entry in registry.USE_CASES for suite in entry.suites}
    for name in suite_names():
        assert get_suite(name).name == name


def test_unknown_use_cases_are_named_with_the_ones_there_are() -> None:
    with pytest.raises(registry.UnknownUseCase, match="copilot, data_entry"):
        registry.use_case("nightly", surface="threads")
    assert registry.by_intent("small talk") is None
    assert not registry.use_case("gap_analysis").reachable("chat")  # announced, not built


def test_a_new_room_is_reachable_everywhere_with_one_registry_line(
    with_echo: registry.UseCase, bank_db: Database, embeddings: LocalE5Embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Studio and the eval runner.
    assert registry.langgraph_config()["graphs"]["echo"] == "./tests/graphs/echo_room/graph.py:graph"
    assert registry.suites()["echo"] == "evals.suites.echo"
    # The chat: a node of its own, in the help, routed to once the corpus has examples of it.
    builder = copilot_graph.build()
    assert "echo" in builder.nodes
    monkeypatch.setattr(router, "shipped_router", lambda: LearnedRouter.from_examples(ECHO_EXAMPLES, embeddings))
    context = AgentContext(rm_id="RM001", database_url=bank_db.portable_url)
    with open_checkpointer(bank_db) as saver:
        chat = builder.compile(checkpointer=saver)
        config: dict[str, Any] = {"configurable": {"thread_id": f"echo-{uuid.uuid4().hex}"}}
        output = chat.invoke({"message": "repeat after me: xin chào"}, config, context=context)
    assert (output["intent"], output["answer"]) == ("echo", "You said: repeat after me: xin chào")
    help_output = copilot_graph.nodes.other({"language": "en"})
    assert '- repeat what you say — "echo hello"' in help_output["answer"]
    # HTTP threads and LangServe, on a server started after the line was added.
    auth = bearer(issue_token(bank_db, "RM001"))
    with TestClient(create_app(bank_db)) as client:
        thread = client.post("/api/threads", json={"graph": "echo"}, headers=auth)
        assert thread.status_code == 201, thread.text
        run = client.post(
            f"/api/threads/{thread.json()['thread_id']}/runs/wait", json={"input": {"request": "hi"}}, headers=auth
        )
        assert run.json()["answer"] == "You said: hi" and run.json()["understood_as"] == "An echo"
        served = client.post("/langserve/echo/invoke", json={"input": {"request": "hello"}}, headers=auth)
        assert served.status_code == 200, served.text
        assert served.json()["output"]["result"] == {"echoed": "hello"}


def test_without_the_line_the_room_is_nowhere(bank_db: Database) -> None:
    assert "echo" not in registry.names()
    assert "echo" not in copilot_graph.build().nodes
    auth = bearer(issue_token(bank_db, "RM001"))
    with TestClient(create_app(bank_db)) as client:
        refused = client.post("/api/threads", json={"graph": "echo"}, headers=auth)
        assert refused.status_code == 422 and "copilot, data_entry" in refused.text
        assert client.post("/langserve/echo/invoke", json={"input": {"request": "x"}}, headers=auth).status_code == 404
