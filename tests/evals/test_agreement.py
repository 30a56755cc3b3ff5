"""``python -m evals agree``: a second annotator's labels scored with the suite's own measure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evals.agreement import LabelsFileError, agreement, read_labels
from evals.runner import load_cases
from evals.suites import get_suite
from tests.drivers import PROJECT_ROOT

SON = {
    "id": "son",
    "rm_id": "RM001",
    "input": {"note": "Met Mr. Son Pham at a coffee house, 800m for renovation. Call him next Wednesday."},
    "expected": {
        "client_id": "C0001",
        "channel": "meeting",
        "amount_vnd": 800000000,
        "sentiment": "neutral",
        "tasks": [{"kind": "call", "due_on": "2025-10-29"}],
    },
}
AGREE = (sys.executable, "-m", "evals", "agree", "data_entry")
MINH = {
    "id": "minh",
    "rm_id": "RM001",
    "input": {"note": "Gặp anh Nguyễn Văn Minh, anh muốn vay 2 tỷ."},
    "expected": {"needs_clarification": True},
}


def _lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_identical_labels_agree_fully_and_a_different_reading_is_counted(tmp_path: Path) -> None:
    suite = get_suite("data_entry")
    cases = load_cases(_lines(tmp_path / "cases.jsonl", [SON, MINH]), suite, have_default_fixture=True)
    same = {"son": SON["expected"], "minh": MINH["expected"]}
    assert agreement(suite, cases, same).metrics["exact_case_rate"] == 1.0

    other_reading = {
        "son": {**SON["expected"], "amount_vnd": None, "tasks": [{"kind": "call"}]},
        "minh": {"client_id": "C0002", "channel": "meeting", "tasks": []},
    }
    result = agreement(suite, cases, other_reading)
    assert result.metrics["exact_case_rate"] == 0.0
    assert result.metrics["amount_accuracy"] == 0.0
    assert result.metrics["client_accuracy"] == 1.0  # the client both readers chose
    assert result.metrics["clarification_accuracy"] == 0.5
    assert result.metrics["misattributed_writes"] == 1  # a label that logs what the writer said must ask
    assert result.metrics["tasks_matched"] == 0  # a task without its day is not the task due on the 29th


def test_cases_without_a_second_label_are_left_out_not_failed(tmp_path: Path) -> None:
    suite = get_suite("data_entry")
    cases = load_cases(_lines(tmp_path / "cases.jsonl", [SON, MINH]), suite, have_default_fixture=True)
    result = agreement(suite, cases, {"minh": {"needs_clarification": True}})
    assert result.unlabelled == ["son"]
    assert result.metrics["exact_case_rate"] == 1.0
    assert result.metrics["n"]["exact_case_rate"] == 1


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not JSON"),
        ('{"expected": {}}', "string 'id'"),
        ('{"id": "son", "expected": []}', "'expected' must be an object"),
        ('{"id": "nobody", "expected": {}}', "no case with id"),
    ],
)
def test_a_bad_label_line_is_named(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(LabelsFileError, match=problem):
        read_labels(path, {"son"})


def test_a_second_label_for_the_same_case_is_refused(tmp_path: Path) -> None:
    path = _lines(tmp_path / "labels.jsonl", [{"id": "son", "expected": {}}, {"id": "son", "expected": {}}])
    with pytest.raises(LabelsFileError, match="second label"):
        read_labels(path, {"son"})


def test_the_command_prints_the_metrics_and_writes_the_disagreements(tmp_path: Path) -> None:
    cases = _lines(tmp_path / "cases.jsonl", [SON, MINH])
    labels = _lines(
        tmp_path / "labels.jsonl",
        [{"id": "son", "expected": SON["expected"]}, {"id": "minh", "expected": {"client_id": "C0002"}}],
    )
    out = tmp_path / "agree.json"
    done = subprocess.run(
        [*AGREE, "--cases", str(cases), "--labels", str(labels), "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout.strip().splitlines()[-1])
    assert metrics["exact_case_rate"] == 0.5
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [row["id"] for row in document["disagreements"]] == ["minh"]


def test_the_command_refuses_a_missing_labels_file(tmp_path: Path) -> None:
    cases = _lines(tmp_path / "cases.jsonl", [SON])
    done = subprocess.run(
        [*AGREE, "--cases", str(cases), "--labels", str(tmp_path / "missing.jsonl")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "missing.jsonl" in done.stderr
