"""The local model as a supervised server (``tools.core.llm.sidecar``): it answers through it, and when the server
dies — SIGILL, as a llama.cpp build for another CPU does — the call falls back and the app lives on."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from tests.drivers import PROJECT_ROOT
from tools.core.llm import sidecar as sidecar_module
from tools.core.llm.models import structured_call, text_call
from tools.core.llm.sidecar import Sidecar, SidecarChatModel, SidecarUnavailable

FAKE = PROJECT_ROOT / "tests" / "fixtures" / "fake_llama_server.py"


class Answer(BaseModel):
    answer: str


def _model(tmp_path: Path, mode: str) -> SidecarChatModel:
    model_file = tmp_path / "model.gguf"
    model_file.write_bytes(b"")
    command = f"{sys.executable} {FAKE} --port {{port}} --mode {mode} --marker {tmp_path / 'crashed'}"
    return SidecarChatModel(sidecar=Sidecar(model_file, command=command))


def test_text_and_structured_answers_come_through_the_server(tmp_path: Path) -> None:
    model = _model(tmp_path, "ok")
    try:
        assert text_call(model, "hi", fallback=lambda: "rules", task="t").value == "hello from the sidecar"
        outcome = structured_call(model, Answer, "hi", fallback=lambda: Answer(answer="rules"), task="t")
        assert outcome.from_model and outcome.value == Answer(answer="from the schema")  # the schema was sent
    finally:
        model.sidecar.stop()


def test_a_server_killed_by_an_illegal_instruction_is_a_fallback_then_restarted(tmp_path: Path) -> None:
    model = _model(tmp_path, "sigill-once")
    try:
        first = text_call(model, "hi", fallback=lambda: "rules", task="t")
        assert first.value == "rules" and not first.from_model  # the call failed; this process did not
        second = text_call(model, "hi", fallback=lambda: "rules", task="t")
        assert second.value == "hello from the sidecar"  # started again on the next call
        assert "SIGILL" in model.sidecar.last_death and "does not fit this CPU" in model.sidecar.last_death
    finally:
        model.sidecar.stop()


def test_a_server_that_keeps_dying_is_given_up_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sidecar_module, "MAX_STARTS", 2)
    model = _model(tmp_path, "sigill-at-start")
    for _ in range(3):
        assert text_call(model, "hi", fallback=lambda: "rules", task="t").value == "rules"
    with pytest.raises(SidecarUnavailable, match=r"died 2 times .*SIGILL"):
        model.sidecar.ensure_running()
