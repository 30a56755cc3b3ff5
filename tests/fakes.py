"""Scripted chat models: every test that involves a model runs without network or weights.

``ScriptedChatModel(script=[...])`` answers each call with the next scripted item:

- an ``AIMessage``: returned as is (e.g. with ``tool_calls``);
- a ``str``: the message content (use it for drafts, raw JSON, or garbage);
- a ``dict`` or pydantic object: the structured answer, shaped the way the bound method expects
  it (a forced tool call for ``function_calling``, JSON content for ``json_schema``/``json_mode``);
- an exception instance: raised, as a timeout or a server error would be.

It records every prompt it received (``prompts``, ``prompt_texts()``) and the keyword arguments it
was bound with (``calls``), so tests can assert what reached the model.

Why not ``GenericFakeChatModel``: it cannot see what it was bound with, so it cannot shape a
structured answer for the requested method; it also lacks ``bind_tools``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel, Field, PrivateAttr

_EXHAUSTED = object()


class ScriptExhausted(AssertionError):
    """The code under test called the model more often than the test scripted."""


class ScriptedChatModel(BaseChatModel):
    """A chat model that plays back ``script`` in order and records what it was asked."""

    script: list[Any] = Field(default_factory=list)
    #: Answer given once the script is used up; unset means a ScriptExhausted error (which the
    #: model contract turns into a fallback, so a test that over-calls still fails loudly on ``calls``).
    default: Any = None
    #: Mimic a backend's preferred structured-output method (``"json_schema"`` like the local model);
    #: None leaves the choice to the caller, like a generic chat model.
    structured_output_method: str | None = None

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _cursor: int = PrivateAttr(default=0)
    _prompts: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _calls: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _structured_methods: list[str] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    # ----- what the test inspects -----

    @property
    def prompts(self) -> list[list[BaseMessage]]:
        """The messages of each call, in order."""
        return list(self._prompts)

    @property
    def calls(self) -> list[dict[str, Any]]:
        """The keyword arguments each call was bound with (``tools``, ``tool_choice``, ``response_format``…)."""
        return list(self._calls)

    @property
    def structured_methods(self) -> list[str]:
        """The ``method`` of each ``with_structured_output`` request."""
        return list(self._structured_methods)

    @property
    def remaining(self) -> int:
        return len(self.script) - self._cursor

    def prompt_texts(self) -> list[str]:
        """Each call's messages as one string, for ``assert "RM001" not in text`` style checks."""
        return ["\n".join(f"{m.type}: {m.text}" for m in messages) for messages in self._prompts]

    # ----- the chat model -----

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        with self._lock:
            self._prompts.append(list(messages))
            self._calls.append(dict(kwargs))
            if self._cursor < len(self.script):
                item = self.script[self._cursor]
                self._cursor += 1
            elif "default" in self.model_fields_set:
                item = self.default
            else:
                item = _EXHAUSTED
            call_number = len(self._calls)
        if item is _EXHAUSTED:
            raise ScriptExhausted(f"the model was called {call_number} times; the script has {len(self.script)}")
        if isinstance(item, BaseException):
            raise item
        return ChatResult(generations=[ChatGeneration(message=self._as_message(item, kwargs, call_number))])

    @staticmethod
    def _as_message(item: Any, bound: dict[str, Any], call_number: int) -> AIMessage:
        if isinstance(item, AIMessage):
            return item
        if isinstance(item, str):
            return AIMessage(content=item)
        if isinstance(item, BaseModel):
            item = item.model_dump(mode="json")
        if not isinstance(item, dict):
            raise TypeError(f"cannot script {type(item).__name__}: use AIMessage, str, dict, BaseModel or an exception")
        tools = bound.get("tools") or []
        if tools and "response_format" not in bound:
            name = _forced_tool_name(bound.get("tool_choice"), tools)
            return AIMessage(content="", tool_calls=[{"name": name, "args": item, "id": f"call_{call_number}"}])
        return AIMessage(content=json.dumps(item, ensure_ascii=False))

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Like the real wrappers: the tools (OpenAI format) and tool_choice reach ``_generate`` as kwargs."""
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        return self.bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        include_raw: bool = False,
        method: str = "function_calling",
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        """``function_calling`` as langchain-core builds it (forced tool + tools parser); ``json_schema`` and
        ``json_mode`` as ChatOpenAI and the local model build them (``response_format`` + JSON parser)."""
        with self._lock:
            self._structured_methods.append(method)
        if method == "function_calling":
            return super().with_structured_output(schema, include_raw=include_raw, **kwargs)  # type: ignore[arg-type]
        if method not in ("json_schema", "json_mode"):
            raise ValueError(f"unknown structured output method {method!r}")
        is_pydantic = isinstance(schema, type) and issubclass(schema, BaseModel)
        response_format: dict[str, Any] = {"type": "json_object"}
        if method == "json_schema" and schema is not None:
            response_format["schema"] = schema.model_json_schema() if is_pydantic else schema  # type: ignore[union-attr]
        llm = self.bind(response_format=response_format)
        parser: Any = PydanticOutputParser(pydantic_object=schema) if is_pydantic else JsonOutputParser()
        if not include_raw:
            return llm | parser
        parse = RunnablePassthrough.assign(parsed=itemgetter("raw") | parser, parsing_error=lambda _: None)
        none = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=llm) | parse.with_fallbacks([none], exception_key="parsing_error")


def _forced_tool_name(tool_choice: Any, tools: list[dict[str, Any]]) -> str:
    if isinstance(tool_choice, dict):
        return str(tool_choice["function"]["name"])
    if isinstance(tool_choice, str) and tool_choice not in ("any", "auto", "required", "none"):
        return tool_choice
    return str(tools[0]["function"]["name"])


def tool_call_message(name: str, args: dict[str, Any], call_id: str = "call_1") -> AIMessage:
    """A scripted assistant turn that calls one tool (for agent loops)."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])
