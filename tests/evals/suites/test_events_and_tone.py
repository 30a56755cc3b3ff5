"""The ``events`` and ``tone`` suites run their real graphs on the dev sets and score what the graphs did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.runner import Case, load_cases, main
from evals.suites import events, get_suite, tone
from tests.drivers import PROJECT_ROOT

DATASETS = PROJECT_ROOT / "evals" / "datasets"


def _run(tmp_path: Path, suite: str, lines: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "result.json"
    argv = ["run", suite, "--cases", str(cases), "--fixture", str(DATASETS / suite / "fixture.json"), "--out", str(out)]
    assert main([*argv, "--model", "none"]) == 0
    metrics: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    metrics["_result"] = json.loads(out.read_text(encoding="utf-8"))
    return metrics


def _dev_cases(suite: str) -> list[dict[str, Any]]:
    text = (DATASETS / suite / "cases.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_events_bank_wide_and_per_rm_cases_score_the_nights_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = _dev_cases("events")
    bank_wide = next(case for case in dev if "rm_id" not in case and case["expected"]["events"])
    per_rm = next(case for case in dev if "rm_id" in case and case["expected"]["events"])
    wrong = dict(per_rm, id="wrong", expected={"events": [{"client_id": "NOPE", "kind": "birthday"}]})
    metrics = _run(tmp_path, "events", [bank_wide, per_rm, wrong], capsys)

    assert metrics["cases"] == 3 and metrics["errors"] == 0
    found = metrics["n"]["true_positives"]
    assert found == len(bank_wide["expected"]["events"]) + len(per_rm["expected"]["events"])
    assert metrics["n"]["false_negatives"] == 1  # the made-up event of the last case
    assert metrics["drafts_created"] == 1.0  # every event found has its one draft (the rerun made none)
    assert metrics["exact_case_rate"] == pytest.approx(2 / 3, abs=1e-3)


def test_tone_scores_only_the_expected_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(line for line in _dev_cases("tone") if {"salutation", "signoff"} <= set(line["expected"]))
    flipped = "vi" if case["expected"]["language"] == "en" else "en"
    wrong_language = dict(case, id="wrong-language", expected={"language": flipped})
    metrics = _run(tmp_path, "tone", [case, wrong_language], capsys)

    assert metrics["salutation_match"] == 1.0 and metrics["signoff_match"] == 1.0
    assert metrics["language_match"] == 0.5
    assert metrics["n"] == {"salutation_match": 1, "signoff_match": 1, "language_match": 2}
    assert metrics["exact_case_rate"] == 0.5


def test_tone_another_rms_client_fails_the_case_without_drafting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = _dev_cases("tone")
    case = dev[0]
    other = next(line for line in dev if line["rm_id"] != case["rm_id"])
    stolen = dict(case, id="stolen", input={"client_id": other["input"]["client_id"], "event": "birthday"})
    metrics = _run(tmp_path, "tone", [stolen], capsys)
    assert metrics["errors"] == 1
    assert "None of your clients" in metrics["_result"]["results"][0]["error"]


@pytest.mark.parametrize("suite", ["events", "tone"])
def test_the_dev_sets_are_valid(suite: str) -> None:
    cases = load_cases(DATASETS / suite / "cases.jsonl", get_suite(suite), have_default_fixture=True)
    assert len(cases) >= 15


def test_case_validation_names_the_problem() -> None:
    bad_event = Case(id="x", line=1, input={"date": "2025-02-30"}, expected={"events": [{"client_id": "C1"}]},
                     today=None, rm_id=None, fixture=None)  # fmt: skip
    problems = events.validate_case(bad_event)
    assert any("input.date" in p for p in problems) and any("kind" in p for p in problems)
    bad_tone = Case(id="y", line=1, input={"client_id": "C1", "event": "party"}, expected={},
                    today=None, rm_id="RM1", fixture=None)  # fmt: skip
    problems = tone.validate_case(bad_tone)
    assert any("input.event" in p for p in problems) and any("at least one" in p for p in problems)
