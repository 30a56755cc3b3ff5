"""Threads over HTTP: human-in-the-loop data entry, streaming events, ownership, restarts."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import unicodedata
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

from agentify.api.threads import run_events
from agentify.app import create_app
from stores.db import Database
from tests.drivers import PROJECT_ROOT, count, two_way_router
from tools.crm.api import CrmApi

SON_NOTE = (
    "Met Mr. Son Pham 0823912039 at a coffee house, talked about a renovation loan for his apartment, which needs "
    "about 800m vnd. He seemed keen. I need to send him the info pack by tomorrow and call him next Wednesday."
)


def interactions(database: Database) -> int:
    return count(database, "interactions", client_id="C0001")


def read_events(response: Any) -> list[tuple[str, Any]]:
    """The server-sent events of a streamed response, in order."""
    events: list[tuple[str, Any]] = []
    event, data = "message", ""
    for line in response.iter_lines():
        if line.startswith("event:"):
            event = line[len("event:") :].strip()
        elif line.startswith("data:"):
            data += line[len("data:") :].strip()
        elif not line.strip() and data:
            events.append((event, json.loads(data)))
            event, data = "message", ""
    if data:
        events.append((event, json.loads(data)))
    return events


def new_thread(client: TestClient, auth: dict[str, str], graph: str = "data_entry") -> str:
    response = client.post("/api/threads", json={"graph": graph}, headers=auth)
    assert response.status_code == 201, response.text
    assert response.json()["graph"] == graph
    thread_id: str = response.json()["thread_id"]
    return thread_id


def stream(client: TestClient, path: str, body: dict[str, Any], auth: dict[str, str]) -> list[tuple[str, Any]]:
    with client.stream("POST", path, json=body, headers=auth) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        return read_events(response)


def pause_on_the_card(client: TestClient, auth: dict[str, str], note: str = SON_NOTE) -> tuple[str, dict[str, Any]]:
    thread_id = new_thread(client, auth)
    events = stream(client, f"/api/threads/{thread_id}/runs/stream", {"input": {"note": note}}, auth)
    card = next(data for event, data in events if event == "interrupt")
    return thread_id, card


# ----- the confirmation card over HTTP -------------------------------------------------------


def test_a_streamed_note_pauses_on_the_card_and_one_accept_writes_once(
    client: TestClient, bank_db: Database, rm1: dict[str, str]
) -> None:
    before = interactions(bank_db)
    thread_id = new_thread(client, rm1)
    events = stream(client, f"/api/threads/{thread_id}/runs/stream", {"input": {"note": SON_NOTE}}, rm1)
    names = [event for event, _ in events]
    # Progress first, then the card, then the end; nothing after the end.
    assert names[0] == "update" and names[-2:] == ["interrupt", "end"]
    assert {"extract", "identify_client", "propose"} <= {data["node"] for event, data in events if event == "update"}
    card = events[-2][1]
    assert card["action_request"]["action"] == "log_interaction"
    assert card["action_request"]["args"]["interaction"]["amount_vnd"] == 800_000_000
    assert card["config"] == {"allow_accept": True, "allow_edit": True, "allow_respond": True, "allow_ignore": True}
    end = events[-1][1]
    assert end["interrupt"] == card and end["status"] == "awaiting_confirmation"
    assert end["answer"] == card["description"] and "800M VND" in end["answer"]
    assert interactions(bank_db) == before  # nothing written before the RM accepts

    state = client.get(f"/api/threads/{thread_id}/state", headers=rm1).json()
    assert state["graph"] == "data_entry" and state["interrupt"] == card
    assert state["values"]["note"] == SON_NOTE and state["next"] == ["confirm"]

    events = stream(client, f"/api/threads/{thread_id}/resume/stream", {"type": "accept", "args": None}, rm1)
    names = [event for event, _ in events]
    assert names[0] == "update" and names[-1] == "end" and "interrupt" not in names
    first_token = names.index("token")
    assert all(name == "update" for name in names[:first_token])
    assert all(name == "token" for name in names[first_token:-1])  # update…, token…, end
    end = events[-1][1]
    assert end["status"] == "written" and end["intent"] == "data_entry" and end["interrupt"] is None
    assert "".join(data["text"] for event, data in events if event == "token") == end["answer"]
    written = CrmApi(bank_db, "RM001").interaction(end["result"]["interaction"]["id"])
    assert written["client_id"] == "C0001" and written["source_text"] == SON_NOTE
    assert interactions(bank_db) == before + 1

    again = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1)
    assert again.status_code == 409 and "not waiting" in again.json()["detail"]
    assert interactions(bank_db) == before + 1
    state = client.get(f"/api/threads/{thread_id}/state", headers=rm1).json()
    assert state["interrupt"] is None and state["values"]["status"] == "written" and state["next"] == []


def test_an_edit_changes_what_is_written(client: TestClient, bank_db: Database, rm1: dict[str, str]) -> None:
    thread_id, card = pause_on_the_card(client, rm1)
    proposal = card["action_request"]["args"]
    proposal["interaction"]["amount_vnd"] = 900_000_000
    proposal["interaction"]["location"] = "Highlands Coffee"
    response = client.post(
        f"/api/threads/{thread_id}/resume/wait", json={"type": "edit", "args": proposal}, headers=rm1
    )
    assert response.status_code == 200, response.text
    end = response.json()
    assert end["status"] == "written"
    written = CrmApi(bank_db, "RM001").interaction(end["result"]["interaction"]["id"])
    assert (written["amount_vnd"], written["location"]) == (900_000_000, "Highlands Coffee")


def test_a_response_reads_the_correction_and_shows_a_new_card(client: TestClient, rm1: dict[str, str]) -> None:
    thread_id, _ = pause_on_the_card(client, rm1)
    response = client.post(
        f"/api/threads/{thread_id}/resume/wait", json={"type": "response", "args": "Actually it's 1,2 tỷ"}, headers=rm1
    )
    end = response.json()
    assert end["status"] == "awaiting_confirmation"
    assert end["interrupt"]["action_request"]["args"]["interaction"]["amount_vnd"] == 1_200_000_000


def test_ignore_writes_nothing(client: TestClient, bank_db: Database, rm1: dict[str, str]) -> None:
    before = interactions(bank_db)
    thread_id, _ = pause_on_the_card(client, rm1)
    events = stream(client, f"/api/threads/{thread_id}/resume/stream", {"type": "ignore"}, rm1)
    assert events[-1][0] == "end" and events[-1][1]["status"] == "cancelled"
    assert interactions(bank_db) == before


def test_a_paused_thread_survives_a_server_restart(bank_db: Database, rm1: dict[str, str]) -> None:
    before = interactions(bank_db)
    with TestClient(create_app(bank_db)) as first:
        thread_id, card = pause_on_the_card(first, rm1)
    # A new app (new checkpointer, new compiled graphs) on the same store.
    with TestClient(create_app(bank_db)) as second:
        state = second.get(f"/api/threads/{thread_id}/state", headers=rm1).json()
        assert state["interrupt"] == card
        response = second.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "written"
        assert (
            second.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1).status_code
            == 409
        )
    assert interactions(bank_db) == before + 1


# ----- ownership and refusals ----------------------------------------------------------------


def test_another_rms_thread_answers_like_an_unknown_one(
    client: TestClient, bank_db: Database, rm1: dict[str, str], rm2: dict[str, str]
) -> None:
    before = interactions(bank_db)
    thread_id, _ = pause_on_the_card(client, rm1)
    unknown = str(uuid.uuid4())
    calls = [
        ("GET", "/state", None),
        ("POST", "/resume/wait", {"type": "accept"}),
        ("POST", "/resume/stream", {"type": "accept"}),
        ("POST", "/runs/wait", {"input": {"note": SON_NOTE}}),
        ("POST", "/runs/stream", {"input": {"note": SON_NOTE}}),
    ]
    for method, suffix, body in calls:
        theirs = client.request(method, f"/api/threads/{thread_id}{suffix}", json=body, headers=rm2)
        missing = client.request(method, f"/api/threads/{unknown}{suffix}", json=body, headers=rm2)
        assert theirs.status_code == missing.status_code == 404, suffix
        assert theirs.json() == missing.json()
    assert interactions(bank_db) == before
    assert client.get(f"/api/threads/{thread_id}/state", headers=rm1).json()["interrupt"] is not None


def test_thread_ids_are_random_uuids(client: TestClient, rm1: dict[str, str]) -> None:
    ids = {new_thread(client, rm1) for _ in range(3)}
    assert len(ids) == 3
    assert all(uuid.UUID(thread_id).version == 4 for thread_id in ids)


def test_bad_bodies_are_refused_with_problems(client: TestClient, rm1: dict[str, str]) -> None:
    assert client.post("/api/threads", json={"graph": "nightly"}, headers=rm1).status_code == 422
    thread_id = new_thread(client, rm1)
    bad_runs: list[dict[str, Any]] = [
        {"input": {}},
        {"input": {"note": "  "}},
        {"input": {"note": "x", "rm_id": "X"}},
        {},
    ]
    for body in bad_runs:
        response = client.post(f"/api/threads/{thread_id}/runs/wait", json=body, headers=rm1)
        assert response.status_code == 422, body
        assert response.json()["detail"]["problems"]
    paused, _ = pause_on_the_card(client, rm1)
    bad_answers: list[dict[str, Any]] = [
        {"type": "maybe"},
        {"type": "edit", "args": "900m"},
        {"type": "response", "args": None},
    ]
    for answer in bad_answers:
        response = client.post(f"/api/threads/{paused}/resume/wait", json=answer, headers=rm1)
        assert response.status_code == 422, answer
    # New input while the card waits is refused: the card must be answered first.
    response = client.post(f"/api/threads/{paused}/runs/wait", json={"input": {"note": SON_NOTE}}, headers=rm1)
    assert response.status_code == 409
    # Nothing to resume on a thread that never ran.
    assert client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1).status_code == 409


def test_runs_wait_returns_the_end_payload(client: TestClient, bank_db: Database, rm1: dict[str, str]) -> None:
    thread_id = new_thread(client, rm1)
    response = client.post(f"/api/threads/{thread_id}/runs/wait", json={"input": {"note": SON_NOTE}}, headers=rm1)
    assert response.status_code == 200
    end = response.json()
    assert set(end) == {"answer", "intent", "status", "chart_svg", "result", "understood_as", "interrupt", "carried_on"}
    assert end["carried_on"] is False
    assert end["interrupt"]["action_request"]["action"] == "log_interaction"


# ----- the co-pilot ----------------------------------------------------------------------------

COPILOT_INSTALLED = importlib.util.find_spec("graphs.copilot") is not None


@pytest.mark.skipif(not COPILOT_INSTALLED, reason="graphs/copilot is not in this checkout")
def test_a_copilot_thread_answers_and_remembers(client: TestClient, rm1: dict[str, str], rm2: dict[str, str]) -> None:
    thread_id = new_thread(client, rm1, graph="copilot")
    events = stream(client, f"/api/threads/{thread_id}/runs/stream", {"input": {"message": "hello"}}, rm1)
    assert events[-1][0] == "end"
    end = events[-1][1]
    assert end["answer"] and end["intent"] == "other"
    assert "".join(data["text"] for event, data in events if event == "token") == end["answer"]
    state = client.get(f"/api/threads/{thread_id}/state", headers=rm1).json()
    assert [message["role"] for message in state["values"]["messages"]][:2] == ["human", "ai"]
    assert state["values"]["messages"][0]["content"] == "hello"
    assert client.get(f"/api/threads/{thread_id}/state", headers=rm2).status_code == 404


@pytest.mark.skipif(not COPILOT_INSTALLED, reason="graphs/copilot is not in this checkout")
def test_a_copilot_data_entry_pauses_and_resumes_on_the_copilot_thread(
    client: TestClient, bank_db: Database, rm1: dict[str, str]
) -> None:
    before = interactions(bank_db)
    thread_id = new_thread(client, rm1, graph="copilot")
    end = client.post(f"/api/threads/{thread_id}/runs/wait", json={"input": {"message": SON_NOTE}}, headers=rm1).json()
    assert end["interrupt"]["action_request"]["action"] == "log_interaction", end
    assert interactions(bank_db) == before
    end = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1).json()
    assert end["status"] == "written" and end["interrupt"] is None
    assert interactions(bank_db) == before + 1


def test_a_streaming_models_tokens_are_forwarded_once() -> None:
    """When the answer node's model streams, its tokens are the ``token`` events (not re-sent as word chunks)."""

    class State(TypedDict, total=False):
        message: str
        answer: str

    model = GenericFakeChatModel(messages=iter([AIMessage(content="Call Mr Son first today")]))

    def respond(state: State) -> State:
        return {"answer": model.invoke(state["message"]).text}

    builder = StateGraph(State)
    builder.add_node("respond", respond)
    builder.add_edge(START, "respond")
    builder.add_edge("respond", END)
    graph = builder.compile(checkpointer=InMemorySaver())
    events: list[tuple[str, Any]] = []
    config = {"configurable": {"thread_id": "t"}}
    run_events(
        "copilot", graph, {"message": "who first?"}, config, None, lambda event, data: events.append((event, data))
    )
    tokens = [data["text"] for event, data in events if event == "token"]
    assert len(tokens) > 1 and "".join(tokens) == "Call Mr Son first today"
    # The model's tokens arrive while the node runs, so before its update; nothing is sent twice.
    assert [event for event, _ in events] == [*["token"] * len(tokens), "update", "end"]
    assert events[-1][1]["answer"] == "Call Mr Son first today"


VI_NOTE = "Gặp chị Oanh 0934567890 ở văn phòng, chị muốn gửi tiết kiệm 1,2 tỷ. Hẹn gọi lại thứ Sáu."


def test_a_decomposed_note_is_read_and_written_like_the_composed_one(
    client: TestClient, bank_db: Database, rm1: dict[str, str]
) -> None:
    """A phone keyboard that sends NFD accents: the card, and what is written, are the NFC note's."""
    cards = []
    for note in (VI_NOTE, unicodedata.normalize("NFD", VI_NOTE)):
        thread_id = new_thread(client, rm1)
        end = client.post(f"/api/threads/{thread_id}/runs/wait", json={"input": {"note": note}}, headers=rm1).json()
        cards.append(end["interrupt"])
        done = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1).json()
        written = CrmApi(bank_db, "RM001").interaction(done["result"]["interaction"]["id"])
        assert written["source_text"] == VI_NOTE and written["location"] == "văn phòng"
    composed, decomposed = (dict(card["action_request"]["args"]["interaction"]) for card in cards)
    for card in (composed, decomposed):
        card.pop("occurred_at")
    assert decomposed == composed
    # The second card also says the first logged the same note today: proof the two read alike.
    flagged = cards[1]["description"].split("\n")
    warning = [line for line in flagged if "đã có một ghi nhận tương tự" in line or "already has a log at" in line]
    assert len(warning) == 1
    kept = [line for line in flagged if line not in warning and line.strip()]
    assert kept == [line for line in cards[0]["description"].split("\n") if line.strip()]


TIE = "look into Pham Van Son for me"


@pytest.mark.skipif(not COPILOT_INSTALLED, reason="graphs/copilot is not in this checkout")
def test_two_close_readings_pause_on_a_question_that_a_typed_number_answers(
    client: TestClient, rm1: dict[str, str], embeddings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.routing import router

    tie = two_way_router(embeddings, "recommendation", "next_best_action")
    monkeypatch.setattr(router, "shipped_router", lambda: tie)
    thread_id = new_thread(client, rm1, graph="copilot")
    end = client.post(f"/api/threads/{thread_id}/runs/wait", json={"input": {"message": TIE}}, headers=rm1).json()
    assert end["status"] == "needs_clarification" and end["understood_as"] == ""
    choices = [choice["intent"] for choice in end["interrupt"]["action_request"]["args"]["choices"]]
    assert end["answer"].startswith("Did you mean one of these?") and "Something else" in end["answer"]
    number = choices.index("next_best_action") + 1
    # The typed number goes in as an ordinary message: the thread waits on a question, so it is the answer.
    answered = client.post(
        f"/api/threads/{thread_id}/runs/wait", json={"input": {"message": f" {number} "}}, headers=rm1
    ).json()
    assert answered["intent"] == "next_best_action" and answered["interrupt"] is None
    assert "Suggested message:" in answered["answer"]


@pytest.mark.parametrize(
    "args",
    ["oops", None, [1, 2], {"interaction": "oops"}, {"interaction": None}, {"interaction": {"amount_vnd": True}},
     {"tasks": [{"title": "x", "kind": "call", "due_on": "2025-10-30"}] * 10_000}],
)  # fmt: skip
def test_a_malformed_edit_never_sticks_the_thread(
    client: TestClient, bank_db: Database, rm1: dict[str, str], args: Any
) -> None:
    """The card comes back (or the body is refused); the thread still takes an accept and writes once."""
    thread_id, _ = pause_on_the_card(client, rm1)
    before = interactions(bank_db)
    edited = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "edit", "args": args}, headers=rm1)
    assert edited.status_code in (200, 413, 422), edited.text
    if edited.status_code == 200:
        assert edited.json()["status"] == "awaiting_confirmation"
    assert interactions(bank_db) == before
    done = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1)
    assert done.status_code == 200 and done.json()["status"] == "written", done.text
    assert interactions(bank_db) == before + 1


def test_an_amount_edited_as_text_comes_back_on_the_card_first(
    client: TestClient, bank_db: Database, rm1: dict[str, str]
) -> None:
    thread_id, _ = pause_on_the_card(client, rm1)
    body = {"type": "edit", "args": {"interaction": {"amount_vnd": "800m"}}}
    shown = client.post(f"/api/threads/{thread_id}/resume/wait", json=body, headers=rm1).json()
    assert shown["status"] == "awaiting_confirmation" and "800M VND" in shown["interrupt"]["description"]
    done = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1).json()
    assert done["result"]["interaction"]["amount_vnd"] == 800_000_000


# ----- a thread a crash cut short ------------------------------------------------------------


def _cut_short(database: Database, thread_id: str, point: str) -> None:
    """The thread's note run as an RM would (pick client 1, accept) in a process SIGKILLed at ``point``."""
    killed = subprocess.run(
        [sys.executable, "-m", "tests.graphs.data_entry.journey", database.portable_url, thread_id, point],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert killed.returncode == -9, (killed.stdout, killed.stderr)


def test_an_accept_cut_short_by_a_kill_is_finished_by_the_next_click(bank_db: Database, rm1: dict[str, str]) -> None:
    before = count(bank_db, "interactions")
    with TestClient(create_app(bank_db)) as client:
        client.app.state.carrying_on.join(timeout=60)  # the restart's own sweep found nothing to finish
        thread_id = new_thread(client, rm1)
        _cut_short(bank_db, thread_id, "write:committed")  # written, but the step that says so is lost
        assert client.get(f"/api/threads/{thread_id}/state", headers=rm1).json()["next"] == ["write"]
        # The RM clicks Confirm again on the card still on the page: the cut-short run is finished, once.
        done = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1)
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["carried_on"]) == ("written", True)
        again = client.post(f"/api/threads/{thread_id}/resume/wait", json={"type": "accept"}, headers=rm1)
        assert again.status_code == 409
    assert count(bank_db, "interactions") == before + 1


def test_a_restart_finishes_the_write_an_accept_was_waiting_for(bank_db: Database, rm1: dict[str, str]) -> None:
    before = count(bank_db, "interactions")
    with TestClient(create_app(bank_db)) as client:
        client.app.state.carrying_on.join(timeout=60)
        accepted = new_thread(client, rm1)
        _cut_short(bank_db, accepted, "before:write#1")  # the accept is recorded, the write has not run
        asked = new_thread(client, rm1)
        _cut_short(bank_db, asked, "after:extract#1")  # the note was read, the "which client?" card never shown
    with TestClient(create_app(bank_db)) as restarted:
        restarted.app.state.carrying_on.join(timeout=60)
        written = restarted.get(f"/api/threads/{accepted}/state", headers=rm1).json()
        assert written["values"]["status"] == "written" and written["next"] == []
        card = restarted.get(f"/api/threads/{asked}/state", headers=rm1).json()["interrupt"]
        assert card["action_request"]["action"] == "choose_client"
    assert count(bank_db, "interactions") == before + 1
