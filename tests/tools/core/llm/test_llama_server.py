"""The portable server's launcher finds the CPU kernel libraries wherever pip put them, and loads nothing when a
build has its kernels inside (``tools.core.llm.llama_server``)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from tools.core.llm import llama_server


def _fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    package = tmp_path / "site" / "llama_cpp"
    (package / "lib").mkdir(parents=True)
    module = types.ModuleType("llama_cpp")
    module.__file__ = str(package / "__init__.py")
    monkeypatch.setitem(sys.modules, "llama_cpp", module)
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "venv"))
    return package


def test_the_variants_are_found_beside_the_package_or_in_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = _fake_package(tmp_path, monkeypatch)
    assert llama_server.variant_folders() == []
    assert llama_server.load_cpu_variants() == 0  # a non-portable build: nothing to load, nothing touched
    (package.parent / "bin").mkdir()
    (package.parent / "bin" / "libggml-cpu-haswell.so").write_bytes(b"")
    assert llama_server.variant_folders() == [package.parent / "bin"]
