"""The dependency direction and "no work at import time" hold for the whole codebase."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
PACKAGES = ("agentify", "graphs", "tools", "prompts", "stores", "evals")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contract_holds() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_import_contract_catches_a_lower_layer_importing_upwards(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "stores" / "upward.py").write_text("import tools.crm.api  # stores must not know tools\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "stores.upward -> tools.crm.api" in result.stdout


def test_importing_every_module_does_no_work(tmp_path: Path) -> None:
    """Importing creates no data folder, database file or connection."""
    data_dir = tmp_path / "never-created"
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.name not in ("__main__.py",)
    )
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    result = subprocess.run(
        [sys.executable, "-c", code, *modules],
        cwd=ROOT,
        env={"AGENTIFY_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()
