"""The run slots (``agentify.api.admission``): a bounded queue of graph runs, 429 beyond it."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fastapi.testclient import TestClient

from agentify.api.admission import RunSlots, ServerBusy


def test_runs_beyond_the_slots_and_the_queue_are_refused_at_once() -> None:
    async def scenario() -> None:
        slots = RunSlots(running=1, waiting=1, wait_seconds=5)
        first = await slots.acquire()
        queued = asyncio.create_task(slots.acquire())
        await asyncio.sleep(0.01)
        assert slots.admitted == 2 and not queued.done()
        with pytest.raises(ServerBusy, match="2 runs in progress or waiting"):
            await slots.acquire()
        worker = threading.Thread(target=first)  # a run's worker thread gives its slot back
        worker.start()
        worker.join()
        second = await asyncio.wait_for(queued, 1)
        first()  # given back once only
        await asyncio.sleep(0.01)
        assert slots.admitted == 1
        second()
        await asyncio.sleep(0.01)
        assert slots.admitted == 0

    asyncio.run(scenario())


def test_a_run_that_waits_too_long_for_a_slot_is_refused() -> None:
    async def scenario() -> None:
        slots = RunSlots(running=1, waiting=5, wait_seconds=0.05)
        await slots.acquire()
        with pytest.raises(ServerBusy, match="no run could start within 0 s"):
            await slots.acquire()
        assert slots.admitted == 1

    asyncio.run(scenario())


def test_a_busy_server_answers_429_with_retry_after_and_stays_light(client: TestClient, rm1: dict[str, str]) -> None:
    client.app.state.run_slots = RunSlots(running=0, waiting=0)  # type: ignore[attr-defined]
    langserve = client.post("/langserve/performance/invoke", json={"input": {"question": "AUM?"}}, headers=rm1)
    assert langserve.status_code == 429
    assert langserve.headers["Retry-After"] == "2"
    thread = client.post("/api/threads", json={"graph": "copilot"}, headers=rm1).json()["thread_id"]
    chat = client.post(f"/api/threads/{thread}/runs/wait", json={"input": {"message": "What is my AUM?"}}, headers=rm1)
    assert chat.status_code == 429
    assert "the server is busy" in chat.json()["detail"]
    assert client.get("/health").status_code == 200
    client.app.state.run_slots = RunSlots()  # type: ignore[attr-defined]
    again = client.post(f"/api/threads/{thread}/runs/wait", json={"input": {"message": "What is my AUM?"}}, headers=rm1)
    assert again.status_code == 200  # the refused run held neither the thread nor a slot
