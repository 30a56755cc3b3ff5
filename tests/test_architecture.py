"""The dependency direction and "no work at import time" hold for the whole codebase."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from graphs import registry
from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
PACKAGES = ("agentify", "graphs", "tools", "prompts", "stores", "evals")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def import_contracts(root: Path) -> str:
    """pyproject's import-linter contracts, plus "rooms are independent of each other" over the registry's rooms,
    as an import-linter INI file (the rooms are listed once, in graphs/registry.py)."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    rooms = sorted({entry.module.rsplit(".", 1)[0] for entry in registry.USE_CASES if entry.module})
    contracts = [
        *config["contracts"],
        {"id": "rooms-independent", "name": "Rooms are independent of each other (the co-pilot uses the registry)",
         "type": "independence", "modules": rooms},
    ]  # fmt: skip

    def value(item: object) -> str:
        return "".join(f"\n    {part}" for part in item) if isinstance(item, list) else str(item)

    lines = ["[importlinter]", f"root_packages ={value(config['root_packages'])}"]
    for number, contract in enumerate(contracts):
        lines.append(f"[importlinter:contract:{contract.get('id', number)}]")
        lines += [f"{key} = {value(item)}" for key, item in contract.items() if key != "id"]
    return "\n".join(lines) + "\n"


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    config = cwd / ".importlinter-from-registry"
    config.write_text(import_contracts(cwd), encoding="utf-8")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(config)],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_import_contracts_hold(tmp_path: Path) -> None:
    result = _lint_imports(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout
    assert "The customers' inquiry bot reaches the bank only through tools.inquiry" in " ".join(result.stdout.split())
    assert "graphs.data_entry" in import_contracts(tmp_path)  # the rooms come from the registry


def test_import_contract_catches_a_lower_layer_importing_upwards(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "stores" / "upward.py").write_text("import tools.crm.api  # stores must not know tools\n")
    result = _lint_imports(root)
    assert result.returncode != 0
    assert "stores.upward -> tools.crm.api" in result.stdout


def test_a_room_reading_the_tables_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "graphs" / "drafting" / "leak.py").write_text("import stores.schema  # a room must use a tools/ door\n")
    result = _lint_imports(root)
    assert result.returncode != 0
    assert "graphs.drafting.leak -> stores.schema" in result.stdout


def test_a_room_importing_another_room_is_caught(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "graphs" / "drafting" / "leak.py").write_text("import graphs.performance.copy  # rooms are independent\n")
    result = _lint_imports(root)
    assert result.returncode != 0
    assert "graphs.drafting.leak -> graphs.performance.copy" in result.stdout


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


def test_the_public_door_contract_catches_a_reach_for_client_data(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    nodes = copy / "graphs" / "inquiry" / "nodes.py"
    nodes.write_text(
        nodes.read_text(encoding="utf-8") + "\nfrom tools.crm.api import CrmApi  # noqa\n", encoding="utf-8"
    )
    result = _lint_imports(copy)
    assert result.returncode != 0 and "graphs.inquiry.nodes -> tools.crm.api" in result.stdout
