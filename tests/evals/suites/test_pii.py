"""The ``pii`` suite: recall is the expected strings gone from the masked text, over-masking the other words lost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.runner import main
from tests.drivers import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "small_bank.json"


def _run(tmp_path: Path, lines: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    argv = ["run", "pii", "--cases", str(cases), "--fixture", str(FIXTURE), "--out", str(tmp_path / "out.json")]
    assert main([*argv, "--model", "none"]) == 0
    metrics: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return metrics


def test_recall_counts_strings_gone_and_over_masking_counts_other_words_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"id": "a", "input": {"text": "Call Pham Van Son on 0823912039 about the CD"},
         "expected": {"pii": [{"type": "person", "text": "Pham Van Son"}, {"type": "phone", "text": "0823912039"}]}},
        # "Quang" is a real person here, but the writer forgot it: masking it is over-masking by the contract.
        {"id": "b", "input": {"text": "anh Quang asked for the 12-month CD rate"}, "expected": {"pii": []}},
        # An e-mail the writer expected that the masker keeps would lower recall (here it is masked).
        {"id": "c", "input": {"text": "mail son.pham@example.com today"},
         "expected": {"pii": [{"type": "email", "text": "son.pham@example.com"}]}},
    ]  # fmt: skip
    metrics = _run(tmp_path, lines, capsys)
    assert metrics["pii_recall"] == 1.0
    assert metrics["n"] == {"pii_expected": 3, "outside_words": 5 + 9 + 2, "cases": 3}
    assert metrics["over_mask_rate"] == round(1 / 16, 4)
    assert metrics["exact_rate"] == round(2 / 3, 4)
    assert metrics["recall_by_type"] == {"person": 1.0, "phone": 1.0, "email": 1.0}


def test_a_case_whose_string_is_not_in_its_text_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    line = {"id": "x", "input": {"text": "hello"}, "expected": {"pii": [{"type": "person", "text": "Lan"}]}}
    cases.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main(["run", "pii", "--cases", str(cases), "--fixture", str(FIXTURE)]) != 0
    assert "does not occur in input.text" in capsys.readouterr().err
