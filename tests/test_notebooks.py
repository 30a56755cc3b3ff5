"""The walkthrough notebooks run top to bottom, offline, on their own demo bank, and show what they promise.

Each notebook ends with a cell of ``assert``s on what it just did and prints ``<name>: ok``; here every
notebook is executed in a real Jupyter kernel (the venv's ``python3``) and its outputs are checked for a
few things a reader must see (the written log's id, the chart, the drafted message, ...). Notebooks are
kept in git without outputs, so a diff shows only what changed in the walkthrough.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient

from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"

#: What each notebook's outputs must contain, besides its own final "ok" line.
EXPECTED_OUTPUTS: dict[str, tuple[str, ...]] = {
    "01_data_entry": ("allow_accept", "written", "INT-", "01 data entry: ok"),
    "02_performance": (
        "A (en, composer)",
        "A (en, rules)",
        "A (vi, composer)",
        ":rm_id",
        "image/svg+xml",
        "02 performance: ok",
    ),
    "03_prioritization": ("Who to call first for Premier Invest", "target_segment", "03 prioritization: ok"),
    "04_next_best_action": ("action: cd_maturity", "04 next best action: ok"),
    "05_nightly_and_personalization": ("badge:", "from_edit", "Thân mến,", "05 nightly and personalization: ok"),
    "06_copilot": (
        "performance_report",
        "prioritization",
        "next_best_action",
        "awaiting_confirmation",
        "06 copilot: ok",
    ),
    "07_inbox_triage": ("DOC-POL-INBOX", "card_issue high", "save_replies", "Saved", "07 inbox triage: ok"),
    "08_product_qa": ("| Aspect |", "DOC-P-GREEN_BIZ_LOAN", "not in our documents", "08 product qa: ok"),
    "09_inquiry_bot": ("held-out", "card_issue high", "handed_on", "09 inquiry bot: ok"),
    "10_recommendations": (
        "from the client's facts",
        "Rà soát bảo vệ tài chính",
        "duplicates on retry",
        "offers drafted:",
        "10 recommendations: ok",
    ),
    "11_briefing": ("Talking points:", "Gợi ý trao đổi:", "needs_clarification", "11 briefing: ok"),
}


def _notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def _output_text(notebook: Any) -> str:
    """Every output of every code cell as text, with the MIME types of rich outputs."""
    parts: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            for mime, value in (output.get("data") or {}).items():
                parts.extend([mime, str(value)])
    return "\n".join(parts)


@pytest.fixture(scope="module")
def kernel_name() -> str:
    """The venv's Python kernel, registered into the venv if this checkout never did."""
    try:
        KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        from ipykernel.kernelspec import install

        install(user=False, prefix=sys.prefix)
    return KERNEL


def test_there_are_notebooks_and_each_has_its_expected_outputs() -> None:
    names = {path.stem for path in _notebook_paths()}
    assert names, "no notebook in notebooks/"
    assert names <= set(EXPECTED_OUTPUTS), f"add the expected outputs of {sorted(names - set(EXPECTED_OUTPUTS))}"


@pytest.mark.parametrize("path", _notebook_paths(), ids=lambda path: path.stem)
def test_notebook_is_committed_without_outputs_and_listed_in_the_readme(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells and all(not cell.outputs and cell.execution_count is None for cell in code_cells)
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    assert path.name in (NOTEBOOKS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", _notebook_paths(), ids=lambda path: path.stem)
def test_notebook_runs_offline_and_shows_what_it_promises(
    path: Path, kernel_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kernel inherits this environment: its temporary bank lands in the test's folder, and no model is set.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, kernel_name=kernel_name, timeout=300, resources={"metadata": {"path": str(ROOT)}})
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError, with the cell and the traceback, on the first failing cell
    seconds = time.perf_counter() - started

    outputs = _output_text(notebook)
    errors = [output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors
    missing = [text for text in EXPECTED_OUTPUTS[path.stem] if text not in outputs]
    assert not missing, f"{path.name} ran in {seconds:.1f}s but its outputs lack {missing}"
    # The notebook's store was a temporary one (here, under the test's folder), never the developer's data.
    assert any(item.name.startswith("agentify-notebook-") for item in tmp_path.iterdir())
