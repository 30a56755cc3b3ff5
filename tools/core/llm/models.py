"""One model setting, one loader, and the contract every LLM node keeps.

The setting is a string (``AGENTIFY_MODEL``, ``AgentContext.model``):

- ``none``: deterministic engines only (the default; no model is loaded);
- ``local``: the embedded Qwen2.5-Coder-1.5B run in-process by llama.cpp (``tools.core.llm.local``);
- ``openai:<model>``: any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, OpenAI)
  at ``OPENAI_BASE_URL`` with ``OPENAI_API_KEY`` (a placeholder key for keyless local servers).

``load_chat_model`` is the only place a provider class is constructed; instances are cached
per setting. Tests and evals inject a scripted model with ``use_chat_model``.

LLM nodes call ``structured_call`` / ``text_call``: with no model, or when the model fails
in any way (error, timeout, unparseable or schema-violating output, empty text), they get
the deterministic fallback and a warning naming the task, never an exception. Warnings
never carry prompt or output text (client data); DEBUG has the details.

Verbatim spans: a small model converts badly ("800m vnd" became 800, "next Wednesday" a
Saturday), but copies well. Schemas therefore ask for spans copied verbatim from the RM's
text (``amount_text``, ``due_text``, ``client_name``…) and code converts them; ``span_in``
checks that a span really occurs in the source, so a hallucinated one is dropped.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from tools.core import settings
from tools.core.llm.local import LocalModelUnavailable, create_local_chat_model
from tools.core.text import fold

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

logger = logging.getLogger(__name__)

#: How ``openai:`` models are asked for structured output: ``function_calling`` (default; a forced tool),
#: ``json_mode`` (for servers that cannot force a tool, e.g. Ollama) or ``json_schema`` (vLLM, OpenAI).
OPENAI_TIMEOUT_S = 60.0
OPENAI_MAX_RETRIES = 1
#: Sent when OPENAI_API_KEY is unset: keyless local servers accept anything, the client insists on a key.
PLACEHOLDER_API_KEY = "not-needed"

StructuredMethod = Literal["function_calling", "json_mode", "json_schema"]
_STRUCTURED_METHODS = ("function_calling", "json_mode", "json_schema")
_OPENAI_MODEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/@+-]*")

#: The run metadata key that names a call's task (the trust layer's audit reads it).
TASK_METADATA_KEY = "agentify_task"

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class ModelUnavailableError(RuntimeError):
    """The setting names a model this machine cannot provide; the message says how to fix it."""


@dataclass(frozen=True)
class ModelSetting:
    """A parsed model setting: ``kind`` is none/local/openai; ``name`` the server's model name for openai."""

    kind: Literal["none", "local", "openai"]
    name: str | None = None

    def __str__(self) -> str:
        return f"openai:{self.name}" if self.kind == "openai" else self.kind


def default_model_setting() -> str:
    """``AGENTIFY_MODEL`` or ``none``, read on each call."""
    return settings.model_setting()


def parse_model_setting(text: str) -> ModelSetting:
    """Parse ``none`` | ``local`` | ``openai:<model>``; anything else is a ValueError that lists the choices."""
    value = text.strip()
    if value.lower() in ("none", "local"):
        return ModelSetting(kind=value.lower())  # type: ignore[arg-type]
    prefix, colon, name = value.partition(":")
    if colon and prefix.lower() == "openai":
        name = name.strip()
        if not name:
            raise ValueError(f"model setting {text!r} names no model: write openai:<model>, e.g. openai:qwen2.5")
        if not _OPENAI_MODEL_NAME.fullmatch(name):
            raise ValueError(f"model setting {text!r}: {name!r} is not a model name")
        return ModelSetting(kind="openai", name=name)
    raise ValueError(
        f"unknown model setting {text!r}: expected 'none' (deterministic engines only), "
        "'local' (the embedded model) or 'openai:<model>' (an OpenAI-compatible server at OPENAI_BASE_URL)"
    )


# ----- the loader ----------------------------------------------------------------------------

_lock = threading.RLock()
_cache: dict[ModelSetting, BaseChatModel] = {}
_overrides: list[tuple[ModelSetting | None, BaseChatModel]] = []


def load_chat_model(setting: str) -> BaseChatModel | None:
    """The chat model for a setting (None for ``none``), built once per setting and shared.

    Raises ValueError for a malformed setting and ModelUnavailableError when this machine
    cannot provide it (local model not installed or pulled; no OpenAI endpoint configured).
    """
    parsed = parse_model_setting(setting)
    if parsed.kind == "none":
        return None
    with _lock:
        for scope, model in reversed(_overrides):
            if scope is None or scope == parsed:
                return model
        cached = _cache.get(parsed)
        if cached is None:
            cached = _cache[parsed] = _construct(parsed)
        return cached


def _construct(setting: ModelSetting) -> BaseChatModel:
    if setting.kind == "local":
        try:
            return create_local_chat_model()
        except LocalModelUnavailable as error:
            raise ModelUnavailableError(str(error)) from error
    base_url = settings.openai_base_url()
    api_key = settings.openai_api_key()
    if base_url is None and api_key is None:
        raise ModelUnavailableError(
            f"model setting {setting}: set OPENAI_BASE_URL to an OpenAI-compatible server "
            "(vLLM, Ollama, llama.cpp server), or OPENAI_API_KEY for OpenAI itself"
        )
    from langchain_openai import ChatOpenAI

    logger.info("chat model %s at %s", setting, base_url or "the OpenAI API")
    return ChatOpenAI(
        model=setting.name or "",
        base_url=base_url,
        api_key=api_key or PLACEHOLDER_API_KEY,
        timeout=OPENAI_TIMEOUT_S,
        max_retries=OPENAI_MAX_RETRIES,
        temperature=0,
    )


def clear_model_cache() -> None:
    """Forget the constructed models (tests; a changed environment)."""
    with _lock:
        _cache.clear()


@contextlib.contextmanager
def use_chat_model(model: BaseChatModel, setting: str | None = None) -> Iterator[BaseChatModel]:
    """Within the block, ``load_chat_model`` returns ``model`` for ``setting`` (any setting but ``none`` if None).

    Process-wide, so graph nodes running in worker threads see it too; blocks nest.
    """
    entry = (parse_model_setting(setting) if setting is not None else None, model)
    if entry[0] is not None and entry[0].kind == "none":
        raise ValueError("the 'none' setting has no model to replace")
    with _lock:
        _overrides.append(entry)
    try:
        yield model
    finally:
        with _lock:
            index = next(i for i, item in enumerate(_overrides) if item is entry)
            del _overrides[index]


# ----- the contract for LLM nodes ------------------------------------------------------------


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a model-backed step produced and where it came from (``error`` says why a fallback was used)."""

    value: T
    source: Literal["model", "fallback"]
    error: str | None = None

    @property
    def from_model(self) -> bool:
        return self.source == "model"


StructuredOutcome = Outcome


def _structured_output_kwargs(model: BaseChatModel) -> dict[str, Any]:
    """Per backend: a forced tool for OpenAI-compatible servers (json_schema gets HTTP 500 from llama.cpp
    server), the model's own preference otherwise (the local model: a grammar from the JSON schema)."""
    model = getattr(model, "wrapped_model", model)  # behind the trust layer, the backend still decides
    preferred = getattr(model, "structured_output_method", None)
    if isinstance(preferred, str):
        return {"method": preferred}
    from langchain_openai.chat_models.base import BaseChatOpenAI

    if isinstance(model, BaseChatOpenAI):
        method = settings.openai_structured_method()
        if method not in _STRUCTURED_METHODS:
            raise ValueError(f"{settings.OPENAI_STRUCTURED_METHOD}={method!r}: expected one of {_STRUCTURED_METHODS}")
        return {"method": method}
    return {}


def _reason(error: BaseException) -> str:
    """A one-line reason safe to log at WARNING: no prompt or output text (it may hold client data)."""
    if isinstance(error, ValidationError):
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}" for e in error.errors())
        return f"output does not fit the schema ({fields})"
    from langchain_core.exceptions import OutputParserException

    if isinstance(error, OutputParserException):
        cause = error.__cause__
        return _reason(cause) if isinstance(cause, ValidationError) else "output could not be parsed"
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _fail(task: str, error: BaseException) -> str:
    reason = _reason(error)
    logger.warning("model step %r failed, using the deterministic fallback: %s", task, reason)
    logger.debug("model step %r failure detail", task, exc_info=error)
    return reason


def structured_call(
    model: BaseChatModel | None,
    schema: type[M],
    messages: list[BaseMessage] | str,
    *,
    fallback: Callable[[], M],
    task: str,
    method: StructuredMethod | None = None,
) -> Outcome[M]:
    """Ask ``model`` for a ``schema`` object; any failure (or no model) gives ``fallback()`` instead. Never raises
    for a model failure. ``method`` overrides the backend's structured-output method (benchmarks, experiments)."""
    if model is None:
        return Outcome(fallback(), "fallback")
    try:
        kwargs = {"method": method} if method else _structured_output_kwargs(model)
        runnable = model.with_structured_output(schema, **kwargs)
        raw = runnable.invoke(messages, {"metadata": {TASK_METADATA_KEY: task}})
        if raw is None:
            raise ValueError("the model returned no structured output")
        value = raw if isinstance(raw, schema) else schema.model_validate(raw)
    except Exception as error:
        return Outcome(fallback(), "fallback", _fail(task, error))
    return Outcome(value, "model")


def text_call(
    model: BaseChatModel | None,
    messages: list[BaseMessage] | str,
    *,
    fallback: Callable[[], str],
    task: str,
) -> Outcome[str]:
    """Free text (drafts) from ``model``; an error or an empty answer gives ``fallback()``. Never raises for a
    model failure."""
    if model is None:
        return Outcome(fallback(), "fallback")
    try:
        text = model.invoke(messages, {"metadata": {TASK_METADATA_KEY: task}}).text.strip()
        if not text:
            raise ValueError("the model returned empty text")
    except Exception as error:
        return Outcome(fallback(), "fallback", _fail(task, error))
    return Outcome(text, "model")


def span_in(text: str, span: str | None) -> bool:
    """Whether ``span`` really occurs in ``text`` (accent-, case- and whitespace-insensitive); empty spans do not."""
    if not span or not span.strip():
        return False
    return fold(span) in fold(text)
