"""The trust layer: what stands between the bank's data and a model outside the bank.

Every prompt to a non-local model (``openai:<model>``) goes through ``MaskedChatModel``, which the run's
context puts around the model (``graphs.context``): each call's messages are masked with a fresh
``Masker`` whose dictionary is the bank's own people (every client and RM name) plus the lexicons, the
model answers on placeholders, and the placeholders in its answer — text, tool-call arguments or a
structured object — are put back before any node reads it. Each call is recorded in
``agentify_model_calls`` (who, which room and task, model, SHA-256 of the masked prompt, how many values
were masked, latency, outcome) for ``agentify audit``; the prompt itself is never stored. The masked
call runs without the run's callbacks, so no placeholder is streamed to the RM either.

The embedded local model runs inside the bank: it is not wrapped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, insert, select

from stores.app_tables import ModelCall
from stores.db import Database
from stores.schema import Client, Rm
from stores.settings import BANK_TIMEZONE
from tools.core.llm.models import TASK_METADATA_KEY
from tools.policy.masking import Masker, NameBook

logger = logging.getLogger(__name__)

#: How long the bank's name list is reused before it is read again (a new client is masked by the lexicons
#: meanwhile, and by the dictionary after this long).
PEOPLE_CACHE_SECONDS = 300.0

_people: dict[str, tuple[float, int, NameBook]] = {}
_people_lock = threading.Lock()


def bank_people(database: Database) -> NameBook:
    """Every client's and RM's name, folded for matching (read again when the client count changes or after
    ``PEOPLE_CACHE_SECONDS``)."""
    with database.engine.connect() as connection:
        count = int(connection.execute(select(func.count()).select_from(Client)).scalar_one())
        with _people_lock:
            cached = _people.get(database.url)
        if cached and cached[1] == count and time.monotonic() - cached[0] < PEOPLE_CACHE_SECONDS:
            return cached[2]
        names = [
            *connection.execute(select(Client.full_name)).scalars(),
            *connection.execute(select(Rm.full_name)).scalars(),
        ]
    book = NameBook.of(name for name in names if name)
    with _people_lock:
        _people[database.url] = (time.monotonic(), count, book)
    return book


def masker_for(database: Database) -> Masker:
    """A fresh masker for one request: placeholders shared across its prompts, restorable in its answers."""
    return Masker(bank_people(database))


# ----- the audit -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CallRecord:
    rm_id: str | None
    room: str
    task: str
    model: str
    prompt_sha256: str
    masked_values: int
    latency_ms: int
    outcome: str


def record_call(database: Database, record: CallRecord) -> None:
    """One audit row; a failure to write it is logged, never raised (the answer is not lost for it)."""
    try:
        with database.engine.begin() as connection:
            connection.execute(insert(ModelCall).values(called_at=dt.datetime.now(BANK_TIMEZONE), **record.__dict__))
    except Exception:
        logger.exception("the model call could not be audited")


def audit_rows(database: Database, *, rm_id: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The latest audited model calls, newest first (an admin's view: every RM, or one)."""
    query = select(ModelCall).order_by(ModelCall.id.desc()).limit(limit)
    if rm_id is not None:
        query = query.where(ModelCall.rm_id == rm_id)
    with database.engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [dict(row) for row in rows]


# ----- the masked model ----------------------------------------------------------------------


def _mask_messages(masker: Masker, messages: list[BaseMessage]) -> list[BaseMessage]:
    masked: list[BaseMessage] = []
    for message in messages:
        content = message.content
        if isinstance(content, str):
            content = masker.mask(content)
        else:
            content = [
                {**part, "text": masker.mask(part["text"])} if isinstance(part, dict) and "text" in part else part
                for part in content
            ]
        masked.append(message.model_copy(update={"content": content}))
    return masked


def restore_value(value: Any, masker: Masker) -> Any:
    """``value`` with every placeholder of ``masker`` put back, in strings at any depth (pydantic objects too)."""
    if isinstance(value, str):
        return masker.restore(value)
    if isinstance(value, BaseModel):
        return type(value).model_validate(restore_value(value.model_dump(), masker))
    if isinstance(value, dict):
        return {key: restore_value(item, masker) for key, item in value.items()}
    if isinstance(value, list):
        return [restore_value(item, masker) for item in value]
    if isinstance(value, tuple):
        return tuple(restore_value(item, masker) for item in value)
    return value


def _restore_message(message: AIMessage, masker: Masker) -> AIMessage:
    update: dict[str, Any] = {"content": restore_value(message.content, masker)}
    if message.tool_calls:
        update["tool_calls"] = [{**call, "args": restore_value(call["args"], masker)} for call in message.tool_calls]
    return message.model_copy(update=update)


def _where(config: RunnableConfig | None) -> tuple[str, str]:
    """(room, task) of a call: the chat's room (the run's top-level node: "data_entry", "prioritization"), or
    the node of a graph run alone ("draft_event" of the night), and the task the caller named."""
    metadata = dict((config or {}).get("metadata") or {})
    try:
        from langgraph.config import get_config

        metadata = {**dict(get_config().get("metadata") or {}), **metadata}
    except RuntimeError:  # not inside a graph run
        pass
    namespace = str(metadata.get("checkpoint_ns") or metadata.get("langgraph_checkpoint_ns") or "")
    room = namespace.split("|", 1)[0].split(":", 1)[0] or str(metadata.get("langgraph_node") or "-")
    return room, str(metadata.get(TASK_METADATA_KEY) or "-")


class MaskedChatModel(BaseChatModel):
    """``inner`` seen through the trust layer: masked prompts out, real values back, every call audited."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: BaseChatModel
    database: Database
    rm_id: str | None = None
    model_label: str = ""

    @property
    def _llm_type(self) -> str:
        return f"masked-{self.inner._llm_type}"

    @property
    def wrapped_model(self) -> BaseChatModel:
        """The model behind the layer (its backend decides the structured-output method)."""
        return self.inner

    @staticmethod
    def _quiet(config: RunnableConfig | None) -> RunnableConfig:
        # The run's callbacks stream tokens to the RM: masked tokens must not reach them.
        return {**(config or {}), "callbacks": []}

    def _call(self, config: RunnableConfig | None, messages: list[BaseMessage], send: Any) -> Any:
        masker = masker_for(self.database)
        masked = _mask_messages(masker, messages)
        digest = hashlib.sha256("\n".join(f"{m.type}: {m.content}" for m in masked).encode()).hexdigest()
        room, task = _where(config)
        started = time.perf_counter()
        outcome = "ok"
        try:
            answer = send(masked)
        except Exception as error:
            outcome = type(error).__name__
            raise
        finally:
            record_call(
                self.database,
                CallRecord(
                    rm_id=self.rm_id, room=room, task=task, model=self.model_label or self.inner._llm_type,
                    prompt_sha256=digest, masked_values=len(masker.placeholders),
                    latency_ms=round((time.perf_counter() - started) * 1000), outcome=outcome,
                ),
            )  # fmt: skip
        return answer, masker

    def invoke(
        self, input: LanguageModelInput, config: RunnableConfig | None = None, *, stop: list[str] | None = None,
        **kwargs: Any,
    ) -> AIMessage:  # fmt: skip
        def send(masked: list[BaseMessage]) -> AIMessage:
            message = self.inner.invoke(masked, self._quiet(config), stop=stop, **kwargs)
            assert isinstance(message, AIMessage)
            return message

        answer, masker = self._call(config, self._convert_input(input).to_messages(), send)
        return _restore_message(answer, masker)

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Runnable[LanguageModelInput, Any]:
        def structured(input: LanguageModelInput, config: RunnableConfig) -> Any:
            def send(masked: list[BaseMessage]) -> Any:
                return self.inner.with_structured_output(schema, **kwargs).invoke(masked, self._quiet(config))

            answer, masker = self._call(config, self._convert_input(input).to_messages(), send)
            return restore_value(answer, masker)

        return RunnableLambda(structured, name="masked_structured_output")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self.invoke(messages, stop=stop, **kwargs)
        return ChatResult(generations=[ChatGeneration(message=message)])


def masked(model: BaseChatModel, database: Database, *, rm_id: str | None, label: str) -> MaskedChatModel:
    """``model`` behind the trust layer, for one run."""
    return MaskedChatModel(inner=model, database=database, rm_id=rm_id, model_label=label)
