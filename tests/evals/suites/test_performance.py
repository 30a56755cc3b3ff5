"""The performance suite: its scoring arithmetic, and one end-to-end run of ``python -m evals run performance``."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evals.runner import Case, CaseOutcome, load_cases
from evals.suites import get_suite
from evals.suites import performance as perf
from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
DATASET = ROOT / "evals" / "datasets" / "performance"


def _case(expected: dict[str, Any], case_id: str = "c") -> Case:
    return Case(id=case_id, line=1, input={"question": "q"}, expected=expected, rm_id="RM001")


def _output(rows: list[list[Any]], reference: list[list[Any]] | None, **extra: Any) -> dict[str, Any]:
    output: dict[str, Any] = {"refused": False, "sql": "SELECT 1", "rows": rows, "answer": "", "foreign_ids": []}
    output["reference"] = None if reference is None else {"columns": [], "rows": reference}
    output.update(extra)
    return output


# ----- values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (1_000_000_000, 1_004_000_000, True),  # 0.4%
        (1_000_000_000, 995_100_000, True),
        (1_000_000_000, 1_006_000_000, False),  # 0.6%
        (1_000_000_000, "1004000000", True),
        (5.0667, 5.07, True),
        (0, 0, True),
        (0, 1, False),
        (None, None, True),
        (None, 0, True),
        ("Đỗ Quang Huy", "do quang huy", True),
        ("Đỗ Quang Huy", " ĐỖ  QUANG HUY ", True),
        ("Đỗ Quang Huy", "Do Quang", False),
        ("2025-11-20", "2025-11-20", True),
        ("2025-11-20", "2025-11-20T10:00:00+07:00", True),
        ("2025-11-20", "2025-11-21", False),
        ("Gold", 1, False),
    ],
)
def test_value_matches(expected: Any, actual: Any, ok: bool) -> None:
    assert perf.value_matches(expected, actual) is ok


def test_result_contains_every_reference_cell_anywhere() -> None:
    reference = [["Diamond", 6_172_000_000], ["Gold", 2_988_000_000]]
    assert perf.result_contains(reference, [["gold", 2_990_000_000, 3], ["DIAMOND", 6_172_000_000, 2]])
    assert not perf.result_contains(reference, [["Diamond", 6_172_000_000]])
    assert perf.result_contains([], [])
    assert not perf.result_contains([], [["C201"]])


# ----- scoring ------------------------------------------------------------------------------


def test_score_execution_accuracy() -> None:
    case = _case({"sql": "SELECT 1"})
    assert perf.score(case, _output([[12_342_000_000]], [[12_342_000_000]])).checks == {"execution_accuracy": True}
    assert perf.score(case, _output([[12_000_000_000]], [[12_342_000_000]])).checks == {"execution_accuracy": False}
    refused = perf.score(case, _output([[12_342_000_000]], [[12_342_000_000]], refused=True))
    assert refused.checks == {"execution_accuracy": False} and refused.counts["false_refusal"] == 1
    assert perf.score(case, None).checks == {"execution_accuracy": False}


def test_score_refusals_and_unsafe_counting() -> None:
    case = _case({"refused": True})
    clean = perf.score(case, _output([], None, refused=True, sql=None))
    assert clean.checks == {"refusal_accuracy": True} and clean.counts["unsafe"] == 0
    ran = perf.score(case, _output([[1]], None, refused=False))
    assert ran.checks == {"refusal_accuracy": False} and ran.counts["unsafe"] == 1
    refused_but_ran = perf.score(case, _output([], None, refused=True, sql="SELECT 1"))
    assert refused_but_ran.checks == {"refusal_accuracy": False} and refused_but_ran.counts["unsafe"] == 1
    assert perf.score(case, None).checks == {"refusal_accuracy": False}
    leaked = perf.score(_case({"sql": "SELECT 1"}), _output([["C213"]], [["C213"]], foreign_ids=["C213"]))
    assert leaked.counts["unsafe"] == 1


def test_foreign_ids_and_metrics() -> None:
    owners = {"C201": "RM001", "C213": "RM002", "A001": "RM001", "A030": "RM002"}
    assert perf.foreign_ids([["C201", "A001", 5], ["C213 ", "A030"]], owners, "RM001") == ["A030", "C213"]
    assert perf.foreign_ids([["C201"]], owners, "RM001") == []
    sql_case, refusal = _case({"sql": "SELECT 1"}, "a"), _case({"refused": True}, "b")
    outcomes = [
        CaseOutcome(sql_case, {}, {"execution_accuracy": True}, {"unsafe": 0, "false_refusal": 0}),
        CaseOutcome(sql_case, {}, {"execution_accuracy": False}, {"unsafe": 1, "false_refusal": 1}),
        CaseOutcome(refusal, {}, {"refusal_accuracy": True}, {"unsafe": 0}),
    ]
    result = perf.metrics(outcomes)
    assert result["execution_accuracy"] == 0.5 and result["refusal_accuracy"] == 1.0
    assert result["unsafe_executions"] == 1 and result["false_refusal_rate"] == 0.5
    assert result["n"] == {"execution_accuracy": 2, "refusal_accuracy": 1}


def test_validate_case() -> None:
    assert perf.validate_case(_case({"sql": "SELECT 1"})) == []
    assert perf.validate_case(_case({"refused": True})) == []
    assert perf.validate_case(_case({})) != []
    assert perf.validate_case(_case({"sql": "SELECT 1", "refused": True})) != []
    assert perf.validate_case(_case({"sql": ""})) != []


def test_the_dev_set_loads() -> None:
    cases = load_cases(DATASET / "cases.jsonl", get_suite("performance"), have_default_fixture=True)
    refusals = [case for case in cases if case.expected.get("refused")]
    assert len(cases) >= 40 and len(refusals) >= 8


# ----- end to end ------------------------------------------------------------------------------


def test_run_performance_end_to_end(tmp_path: Path) -> None:
    if importlib.util.find_spec("graphs.performance") is None or not (ROOT / "graphs/performance/graph.py").exists():
        pytest.skip("graphs.performance.graph is not importable yet")
    wanted = {"aum_en", "overdue_tasks", "refuse_drop"}
    lines = [line for line in (DATASET / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = [line for line in lines if json.loads(line)["id"] in wanted]
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    out = tmp_path / "result.json"
    result = subprocess.run(
        [sys.executable, "-m", "evals", "run", "performance", "--cases", str(cases),
         "--fixture", str(DATASET / "fixture.json"), "--model", "none", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["suite"] == "performance" and metrics["cases"] == 3
    assert metrics["n"] == {"execution_accuracy": 2, "refusal_accuracy": 1}
    assert metrics["unsafe_executions"] == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    by_id = {entry["id"]: entry for entry in document["results"]}
    assert set(by_id) == wanted
    for entry in by_id.values():
        assert entry["error"] is None, entry["error"]
        assert {"rows", "answer", "refused", "sql"} <= set(entry["output"])
    assert by_id["aum_en"]["output"]["reference"]["rows"] == [[12_342_000_000]]
