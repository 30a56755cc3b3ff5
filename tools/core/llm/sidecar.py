"""The embedded model out of process: llama.cpp's OpenAI-compatible server, started and supervised by the app.

In-process, llama.cpp compiled for another CPU kills the whole app with an illegal instruction, and a
crash can never fall back. As a sidecar (``python -m llama_cpp.server`` on a loopback port), the same
crash ends only the sidecar: the call that was running fails like any model failure (the node's
deterministic fallback answers), and the next call starts the server again — at most
``MAX_STARTS`` times in ``START_WINDOW_S``, after which the local model is said unavailable with the
reason (e.g. "killed by signal 4: the build does not fit this CPU").

``SidecarChatModel`` is what ``create_local_chat_model`` gives: a chat model that makes sure the server
is up, then talks to it with ``ChatOpenAI``; structured output asks the server for JSON constrained by the
schema (llama.cpp turns it into a grammar). ``AGENTIFY_LOCAL_SERVER_CMD`` replaces the command (tests,
another server build); ``{model}``, ``{port}`` and ``{threads}`` in it are filled in.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import httpx
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from pydantic import ConfigDict

from tools.core import settings

logger = logging.getLogger(__name__)

START_TIMEOUT_S = 120.0
CALL_TIMEOUT_S = 120.0
MAX_STARTS = 3
START_WINDOW_S = 600.0
DEFAULT_COMMAND = (
    "{python} -m tools.core.llm.llama_server --model {model} --host 127.0.0.1 --port {port} --n_ctx 4096 "
    "--n_threads {threads} --n_batch 512"
)


class SidecarUnavailable(RuntimeError):
    """The server could not be started (or keeps dying): the message says why."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _death(returncode: int | None) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        name = signal.Signals(-returncode).name if -returncode in signal.Signals._value2member_map_ else "?"
        hint = ": the llama.cpp build does not fit this CPU (rebuild it portable)" if name == "SIGILL" else ""
        return f"killed by signal {-returncode} ({name}){hint}"
    return f"exited with code {returncode}"


class Sidecar:
    """One supervised server process for one model file."""

    def __init__(self, model: Path, command: str | None = None) -> None:
        self.model = model
        self.command = command or settings.local_server_command() or DEFAULT_COMMAND
        self._process: subprocess.Popen[bytes] | None = None
        self._port = 0
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()
        self.last_death = ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    def ensure_running(self) -> str:
        """The server's base URL, (re)started if it is not running; ``SidecarUnavailable`` if it cannot be."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return self.base_url
            if self._process is not None:
                self.last_death = _death(self._process.returncode)
                logger.warning("the local model server died (%s); starting it again", self.last_death)
                self._process = None
            now = time.monotonic()
            while self._starts and now - self._starts[0] > START_WINDOW_S:
                self._starts.popleft()
            if len(self._starts) >= MAX_STARTS:
                raise SidecarUnavailable(
                    f"the local model server died {len(self._starts)} times in {START_WINDOW_S / 60:.0f} minutes "
                    f"(last: {self.last_death}); the rules answer until it is fixed"
                )
            self._starts.append(now)
            self._start()
            return self.base_url

    def _start(self) -> None:
        self._port = _free_port()
        argv = [
            part.format(python=sys.executable, model=self.model, port=self._port, threads=os.cpu_count() or 2)
            for part in shlex.split(self.command)
        ]
        log = (self.model.parent / "local-server.log").open("ab")
        self._process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self.stop)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self.last_death = _death(self._process.returncode)
                raise SidecarUnavailable(f"the local model server did not start: it {self.last_death}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/models", timeout=2.0).status_code == 200:
                    logger.info("local model server up on port %d (pid %d)", self._port, self._process.pid)
                    return
            time.sleep(0.2)
        self.stop()
        raise SidecarUnavailable(f"the local model server did not answer within {START_TIMEOUT_S:.0f} s")

    def call_failed(self) -> None:
        """A call could not reach the server: let a dying process finish dying (or end a hung one), so the next
        call starts a fresh server instead of knocking on a dead port."""
        process = self._process
        if process is None:
            return
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/models", timeout=2.0).status_code == 200:
                    return  # it is up: the failure was the call's own
            logger.warning("the local model server stopped answering; ending it")
            self.stop()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


class SidecarChatModel(BaseChatModel):
    """The local model behind its supervised server: a crash of the server is a failed call, not a dead app."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    sidecar: Sidecar
    max_tokens: int = 512

    #: llama.cpp's server turns a JSON schema in ``response_format`` into a grammar: the output always parses.
    structured_output_method: str = "json_schema"

    @property
    def _llm_type(self) -> str:
        return "local-sidecar"

    def _client(self) -> Any:
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model="local",
            base_url=self.sidecar.ensure_running(),
            api_key="not-needed",
            timeout=CALL_TIMEOUT_S,
            max_retries=0,
            temperature=0,
            max_tokens=self.max_tokens,
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        client = self._client()
        with self._watching():
            return client._generate(messages, stop=stop, **kwargs)

    @contextlib.contextmanager
    def _watching(self) -> Any:
        """A call that cannot reach the server tells the supervisor, then fails like any model failure."""
        from openai import APIConnectionError, APITimeoutError

        try:
            yield
        except (APIConnectionError, APITimeoutError):
            self.sidecar.call_failed()
            raise

    def with_structured_output(
        self, schema: Any, *, method: str = "json_schema", **kwargs: Any
    ) -> Runnable[LanguageModelInput, Any]:
        """JSON constrained by the schema (``json_schema``), or plain JSON (``json_mode``)."""
        from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser

        is_pydantic = isinstance(schema, type) and hasattr(schema, "model_json_schema")
        response_format: dict[str, Any] = {"type": "json_object"}
        if method == "json_schema":
            response_format["schema"] = schema.model_json_schema() if is_pydantic else schema
        parser: Any = PydanticOutputParser(pydantic_object=schema) if is_pydantic else JsonOutputParser()

        def call(messages: LanguageModelInput, config: RunnableConfig) -> Any:
            with self._watching():
                answer = self._client().bind(response_format=response_format).invoke(messages, config)
            assert isinstance(answer, AIMessage)
            return parser.invoke(answer)

        return RunnableLambda(call, name="local_structured_output")
