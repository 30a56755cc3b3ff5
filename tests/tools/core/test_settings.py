"""Every AGENTIFY_* setting is read in one place, at call time, with its documented default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.core import settings


def test_defaults_follow_the_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AGENTIFY_DATA_DIR", str(tmp_path))
    for name in (
        "AGENTIFY_MODEL",
        "AGENTIFY_MODEL_DIR",
        "AGENTIFY_INDEX_DIR",
        "AGENTIFY_EMBEDDINGS",
        "AGENTIFY_SMTP_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    assert settings.model_setting() == "none"
    assert settings.embeddings_setting() == "local"
    assert settings.openai_structured_method() == "function_calling"
    assert settings.model_dir() == tmp_path / "models"
    assert settings.index_dir() == tmp_path / "indexes"
    assert settings.smtp_url() is None


def test_values_are_read_when_asked_not_at_import(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AGENTIFY_MODEL", "  openai:qwen ")
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    assert settings.model_setting() == "openai:qwen"
    assert settings.index_dir() == tmp_path / "elsewhere"
    assert settings.openai_base_url() == "http://127.0.0.1:8080/v1"
    monkeypatch.setenv("AGENTIFY_MODEL", "local")
    assert settings.model_setting() == "local"
