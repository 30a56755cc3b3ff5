"""Load test: concurrent co-pilot chats against the real HTTP server on loopback.

Usage:
  .venv/bin/python bench/load.py                               # 50 concurrent chats, 2,000-client demo bank
  .venv/bin/python bench/load.py --concurrency 100 --rounds 3  # more at once, several rounds
  .venv/bin/python bench/load.py --stream                      # also runs/stream: time to first token and to end

Generates the demo bank into a temporary SQLite file, issues a token for up to five RMs, starts
``uvicorn agentify.app:create_app --factory`` on 127.0.0.1 and a free port with ``AGENTIFY_MODEL=none``,
sends ``--warmup`` chats one by one (not timed), then fires all requests of a round at once. Each request
is what the web app does for a new chat: ``POST /api/threads {"graph": "copilot"}`` then
``POST /api/threads/{id}/runs/wait`` with a message drawn from performance questions, next-best-action
requests and small talk, in English and Vietnamese; its latency covers both calls. Prints one line per
round, e.g. ``load concurrency=50 requests=50 errors=0 misrouted=0 p50_ms=6274 p95_ms=6387 max_ms=6393 rps=7.8``
(a 2-core machine shared with other work). An error is a non-2xx answer, a transport failure, an ``error``
event or an answer without text (``busy_429`` of them were the run slots' "come back", ``server_errors`` 5xx);
``misrouted`` counts answers whose intent is not the expected one; ``health_p50_ms``/``health_p95_ms`` are
``GET /health`` probed every 100 ms from a process of its own while the round ran; ``server_cpu_ms_per_request``
is the CPU time the server's processes spent in the round over its requests (from ``/proc``, Linux only), the
figure that stays put when the machine is noisy. With
``--stream`` each round runs again on ``runs/stream``; without a model the answer's tokens only come once
the run has ended, so the time to the first token is about the time to the end. Exits 1 on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from stores.db import Database
from stores.demo_bank import generate_demo_bank
from stores.schema import Client, Rm
from tools.crm.auth import issue_token

#: Messages that need no client: (intent the co-pilot should pick, text).
FIXED_MESSAGES: tuple[tuple[str, str], ...] = (
    ("performance_report", "What is my AUM?"),
    ("performance_report", "tài sản quản lý của tôi là bao nhiêu?"),
    ("performance_report", "What's my new deposits this month?"),
    ("performance_report", "AUM by segment"),
    ("performance_report", "Am I on track for my AUM target this quarter?"),
    ("other", "hello, what can you do?"),
    ("other", "cảm ơn nhé"),
)
#: Next-best-action requests, filled with one of the RM's own clients.
CLIENT_MESSAGES: tuple[str, ...] = (
    "What should I do next with {name}, {phone}?",
    "Khách hàng {name} {phone}, em nên làm gì tiếp theo?",
)


@dataclass(frozen=True)
class Chat:
    rm_id: str
    token: str
    intent: str
    message: str


@dataclass
class Outcome:
    seconds: float
    error: str | None = None
    intent: str | None = None
    expected_intent: str = ""
    first_token_seconds: float | None = None


@dataclass
class Round:
    label: str
    concurrency: int
    outcomes: list[Outcome] = field(default_factory=list)
    wall_seconds: float = 0.0
    #: ``GET /health`` latencies measured every 100 ms while the round ran (None: it failed or timed out).
    health_seconds: list[float | None] = field(default_factory=list)
    #: CPU seconds the server's processes spent during the round (None off Linux): a figure noise cannot move.
    server_cpu_seconds: float | None = None


# ----- the bank and the server ---------------------------------------------------------------------


def prepare_bank(database: Database, args: argparse.Namespace) -> dict[str, str]:
    """The demo bank and one token per RM (up to ``--rms``)."""
    generate_demo_bank(database, clients=args.clients, seed=args.seed, today=args.today)
    with database.engine.connect() as connection:
        rm_ids = list(connection.execute(select(Rm.id).order_by(Rm.id).limit(args.rms)).scalars())
    return {rm_id: issue_token(database, rm_id) for rm_id in rm_ids}


def clients_of(database: Database, rm_ids: Sequence[str], per_rm: int = 10) -> dict[str, list[tuple[str, str]]]:
    """A few (name, phone) pairs of each RM's own clients, for the next-best-action requests."""
    found: dict[str, list[tuple[str, str]]] = {}
    with database.engine.connect() as connection:
        for rm_id in rm_ids:
            rows = connection.execute(
                select(Client.full_name, Client.phone).where(Client.rm_id == rm_id).order_by(Client.id).limit(per_rm)
            ).all()
            found[rm_id] = [(row.full_name, row.phone) for row in rows]
    return found


def chats(tokens: dict[str, str], clients: dict[str, list[tuple[str, str]]], count: int, offset: int) -> list[Chat]:
    """``count`` chats spread over the RMs: about 4 in 10 performance, 3 next best action, the rest small talk."""
    rm_ids = sorted(tokens)
    made: list[Chat] = []
    for number in range(offset, offset + count):
        rm_id = rm_ids[number % len(rm_ids)]
        kind = number % 10
        if kind in (0, 3, 6) and clients[rm_id]:
            name, phone = clients[rm_id][(number // 10) % len(clients[rm_id])]
            template = CLIENT_MESSAGES[(number // 3) % len(CLIENT_MESSAGES)]
            made.append(Chat(rm_id, tokens[rm_id], "next_best_action", template.format(name=name, phone=phone)))
        else:
            intent, message = FIXED_MESSAGES[number % len(FIXED_MESSAGES)]
            made.append(Chat(rm_id, tokens[rm_id], intent, message))
    return made


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(database_url: str, folder: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AGENTIFY_DATABASE_URL": database_url,
        "AGENTIFY_DATA_DIR": str(folder),
        "AGENTIFY_INDEX_DIR": str(folder / "indexes"),
        "AGENTIFY_MODEL": "none",
    }
    command = [sys.executable, "-m", "uvicorn", "agentify.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--workers", str(workers)]
    log = (folder / "server.log").open("wb")
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_until_up(base_url: str, server: subprocess.Popen[bytes], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with code {server.returncode} before answering")
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the server did not answer /health within {seconds:.0f}s")


def process_cpu_seconds(root_pid: int) -> float | None:
    """User + system CPU seconds of a process and its children (uvicorn workers), from ``/proc``; None off Linux."""
    proc = Path("/proc")
    if not (proc / str(root_pid) / "stat").exists():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        pid, parent = int(stat.parent.name), int(fields[1])
        if root_pid in (pid, parent):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


# ----- one chat ------------------------------------------------------------------------------------


def _headers(chat: Chat) -> dict[str, str]:
    return {"Authorization": f"Bearer {chat.token}"}


async def _new_thread(client: httpx.AsyncClient, chat: Chat) -> str:
    created = await client.post("/api/threads", json={"graph": "copilot"}, headers=_headers(chat))
    if created.status_code != 201:
        raise _Failed(f"POST /api/threads -> {created.status_code} {created.text[:200]}")
    thread_id: str = created.json()["thread_id"]
    return thread_id


class _Failed(Exception):
    """A request that answered, but not with what a chat needs."""


def _check_end(payload: Any) -> str | None:
    if not isinstance(payload, dict) or not str(payload.get("answer") or "").strip():
        raise _Failed(f"no answer in {str(payload)[:200]}")
    intent = payload.get("intent")
    return intent if isinstance(intent, str) else None


def _failure(began: float, chat: Chat, error: Exception) -> Outcome:
    return Outcome(time.perf_counter() - began, error=f"{type(error).__name__}: {error}", expected_intent=chat.intent)


async def chat_wait(client: httpx.AsyncClient, chat: Chat, start: asyncio.Event) -> Outcome:
    """New thread + ``runs/wait``: the latency of a non-streaming client."""
    await start.wait()
    began = time.perf_counter()
    try:
        thread_id = await _new_thread(client, chat)
        answer = await client.post(
            f"/api/threads/{thread_id}/runs/wait", json={"input": {"message": chat.message}}, headers=_headers(chat)
        )
        if answer.status_code != 200:
            raise _Failed(f"runs/wait -> {answer.status_code} {answer.text[:200]}")
        intent = _check_end(answer.json())
    except (httpx.HTTPError, _Failed, ValueError) as error:
        return _failure(began, chat, error)
    return Outcome(time.perf_counter() - began, intent=intent, expected_intent=chat.intent)


async def chat_stream(client: httpx.AsyncClient, chat: Chat, start: asyncio.Event) -> Outcome:
    """New thread + ``runs/stream``: time to the first ``token`` event and to ``end``."""
    await start.wait()
    began = time.perf_counter()
    first_token: float | None = None
    end: Any = None
    event = ""
    try:
        thread_id = await _new_thread(client, chat)
        async with client.stream(
            "POST",
            f"/api/threads/{thread_id}/runs/stream",
            json={"input": {"message": chat.message}},
            headers=_headers(chat),
        ) as response:
            if response.status_code != 200:
                raise _Failed(f"runs/stream -> {response.status_code} {(await response.aread())[:200]!r}")
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line.removeprefix("event:").strip()
                elif line.startswith("data:"):
                    if event == "token" and first_token is None:
                        first_token = time.perf_counter() - began
                    elif event == "error":
                        raise _Failed(f"error event {line[:200]}")
                    elif event == "end":
                        end = json.loads(line.removeprefix("data:").strip())
        if end is None:
            raise _Failed("the stream closed without an end event")
        intent = _check_end(end)
    except (httpx.HTTPError, _Failed, ValueError) as error:
        return _failure(began, chat, error)
    return Outcome(
        time.perf_counter() - began, intent=intent, expected_intent=chat.intent, first_token_seconds=first_token
    )


async def run_round(base_url: str, batch: list[Chat], label: str, stream: bool, server_pid: int = 0) -> Round:
    """Every chat of the batch at once (they wait on one start signal)."""
    limits = httpx.Limits(max_connections=len(batch) + 5, max_keepalive_connections=len(batch) + 5)
    async with httpx.AsyncClient(base_url=base_url, timeout=300.0, limits=limits) as client:
        start = asyncio.Event()
        one = chat_stream if stream else chat_wait
        tasks = [asyncio.create_task(one(client, chat, start)) for chat in batch]
        await asyncio.sleep(0.05)  # every task is parked on the start signal
        cpu_before = process_cpu_seconds(server_pid) if server_pid else None
        began = time.perf_counter()
        start.set()
        probing = asyncio.create_task(_probe_health(base_url, tasks))
        outcomes = await asyncio.gather(*tasks)
        health = await probing
        wall = time.perf_counter() - began
        cpu_after = process_cpu_seconds(server_pid) if server_pid else None
        cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        return Round(label, len(batch), list(outcomes), wall, health, cpu)


#: The ``/health`` prober, in a process of its own: probed from the load generator's event loop, a probe waited
#: behind the generator's own 200 connections and measured the client, not the server.
_PROBE = """
import sys, threading, time, json, httpx
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
seconds = []
with httpx.Client(base_url=sys.argv[1], timeout=10.0) as client:
    while not stop.is_set():
        began = time.perf_counter()
        try:
            ok = client.get("/health").status_code == 200
            seconds.append(time.perf_counter() - began if ok else None)
        except httpx.HTTPError:
            seconds.append(None)
        stop.wait(0.1)
print(json.dumps(seconds))
"""


async def _probe_health(base_url: str, running: list[asyncio.Task[Outcome]]) -> list[float | None]:
    """``/health`` every 100 ms from another process while the chats run: does the server stay light?"""
    prober = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _PROBE, base_url, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    await asyncio.gather(*running, return_exceptions=True)
    output, _ = await prober.communicate(b"")
    seconds: list[float | None] = json.loads(output or b"[]")
    return seconds


# ----- figures -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was measured."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _ms(seconds: float) -> str:
    return "nan" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def summary_line(result: Round) -> str:
    outcomes = result.outcomes
    errors = [outcome for outcome in outcomes if outcome.error]
    ok = [outcome for outcome in outcomes if not outcome.error]
    misrouted = sum(outcome.intent != outcome.expected_intent for outcome in ok)
    seconds = [outcome.seconds for outcome in outcomes]
    line = (
        f"{result.label} concurrency={result.concurrency} requests={len(outcomes)} errors={len(errors)} "
        f"misrouted={misrouted} p50_ms={_ms(percentile(seconds, 0.50))} p95_ms={_ms(percentile(seconds, 0.95))} "
        f"max_ms={_ms(max(seconds, default=math.nan))} rps={len(outcomes) / result.wall_seconds:.1f}"
    )
    busy = sum(bool(outcome.error and "-> 429" in outcome.error) for outcome in errors)
    server = sum(bool(outcome.error and re.search(r"-> 5\d\d", outcome.error)) for outcome in errors)
    line += f" busy_429={busy} server_errors={server}"
    health = [value for value in result.health_seconds if value is not None]
    if result.health_seconds:
        failed = len(result.health_seconds) - len(health)
        line += (
            f" health_p50_ms={_ms(percentile(health, 0.50))} health_p95_ms={_ms(percentile(health, 0.95))}"
            f" health_failed={failed}"
        )
    if result.server_cpu_seconds is not None and outcomes:
        line += f" server_cpu_ms_per_request={result.server_cpu_seconds * 1000 / len(outcomes):.0f}"
    first = [outcome.first_token_seconds for outcome in ok if outcome.first_token_seconds is not None]
    if first:
        line += f" first_token_p50_ms={_ms(percentile(first, 0.50))} first_token_p95_ms={_ms(percentile(first, 0.95))}"
    return line


async def run(args: argparse.Namespace, folder: Path) -> int:
    database_url = f"sqlite:///{folder / 'bank.db'}"
    database = Database(database_url)
    started = time.perf_counter()
    tokens = prepare_bank(database, args)
    clients = clients_of(database, list(tokens))
    database.dispose()
    print(f"bank clients={args.clients} rms={len(tokens)} seconds={time.perf_counter() - started:.1f}", flush=True)  # noqa: T201

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = start_server(database_url, folder, port, args.workers)
    failed = 0
    try:
        await wait_until_up(base_url, server)
        for chat in chats(tokens, clients, args.warmup, offset=10_000):  # first-call costs are not what we measure
            await run_round(base_url, [chat], "warmup", stream=False)
        variants = [False, True] if args.stream else [False]
        for number in range(args.rounds):
            for stream in variants:
                batch = chats(tokens, clients, args.concurrency, offset=number * args.concurrency)
                label = "load-stream" if stream else "load"
                result = await run_round(base_url, batch, label, stream, server_pid=server.pid)
                print(summary_line(result), flush=True)  # noqa: T201 - the bench prints its figures
                for outcome in result.outcomes:
                    if outcome.error:
                        failed += 1
                        print(f"  error: {outcome.error}", flush=True)  # noqa: T201
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if failed or server.returncode not in (0, -15):
        log = (folder / "server.log").read_text(encoding="utf-8", errors="replace")
        print(f"server log (last lines):\n{log[-3000:]}", flush=True)  # noqa: T201
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2_000, help="demo bank size")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2025, 10, 24))
    parser.add_argument("--rms", type=int, default=5, help="how many RMs chat (one token each)")
    parser.add_argument("--concurrency", type=int, default=50, help="requests fired at once per round")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--stream", action="store_true", help="also run each round on runs/stream")
    parser.add_argument("--warmup", type=int, default=10, help="chats sent one by one before the timed rounds")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    if args.concurrency < 1 or args.rounds < 1 or args.rms < 1 or args.warmup < 0:
        parser.error("--concurrency, --rounds and --rms must be at least 1, --warmup at least 0")
    with tempfile.TemporaryDirectory(prefix="agentify-load-") as folder:
        code = asyncio.run(run(args, Path(folder)))
    sys.exit(code)


if __name__ == "__main__":
    main()
