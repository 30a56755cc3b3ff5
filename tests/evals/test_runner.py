"""The eval runner (``python -m evals run``) and the data_entry suite's scoring."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from evals.runner import Case, CaseEnv, CaseFailed, CaseFileError, Scored, Suite, load_cases, micro_f1, run_suite
from evals.suites import UnknownSuite, get_suite
from evals.suites import data_entry as de
from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
SMALL_BANK = ROOT / "tests" / "fixtures" / "small_bank.json"
DEV_SET = ROOT / "evals" / "datasets" / "data_entry"
METRICS = (
    "client_accuracy",
    "clarification_accuracy",
    "amount_accuracy",
    "sentiment_accuracy",
    "task_f1",
    "exact_case_rate",
)

SON = {
    "id": "son",
    "rm_id": "RM001",
    "input": {
        "note": "Met Mr. Son Pham 0823912039 at a coffee house, he needs about 800m vnd for renovation. Call him next Wednesday."
    },
    "expected": {
        "client_id": "C0001",
        "channel": "meeting",
        "amount_vnd": 800000000,
        "tasks": [{"kind": "call", "due_on": "2025-10-29"}],
    },
}
MINH = {
    "id": "minh",
    "rm_id": "RM001",
    "input": {"note": "Gặp anh Nguyễn Văn Minh, anh muốn vay 2 tỷ."},
    "expected": {"needs_clarification": True},
}


def _write_cases(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "".join((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows),
        encoding="utf-8",
    )
    return path


def _evals(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evals", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def _metrics_line(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    metrics: dict[str, Any] = json.loads(lines[-1])
    return metrics


# ----- the command line, end to end -----------------------------------------------------------


def test_run_prints_metrics_last_and_writes_per_case_results(tmp_path: Path) -> None:
    cases = _write_cases(tmp_path / "cases.jsonl", [SON, MINH])
    out = tmp_path / "result.json"
    result = _evals("run", "data_entry", "--cases", cases, "--fixture", SMALL_BANK, "--model", "none", "--out", out)
    assert result.returncode == 0, result.stderr
    metrics = _metrics_line(result)
    assert metrics["suite"] == "data_entry" and metrics["cases"] == 2 and metrics["errors"] == 0
    for name in METRICS:
        assert name in metrics and (metrics[name] is None or 0.0 <= metrics[name] <= 1.0)
    assert metrics["n"]["clarification_accuracy"] == 2 and metrics["n"]["client_accuracy"] == 1

    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["metrics"] == metrics
    son, minh = document["results"]
    assert (son["id"], minh["id"]) == ("son", "minh")
    assert son["input"] == SON["input"] and son["expected"] == SON["expected"]
    assert son["today"] == "2025-10-24" and son["rm_id"] == "RM001" and son["error"] is None
    assert set(son["checks"]) >= {"client_accuracy", "clarification_accuracy", "amount_accuracy", "exact_case_rate"}
    assert set(minh["checks"]) == {"clarification_accuracy", "exact_case_rate"}
    for entry in (son, minh):
        assert isinstance(entry["output"], dict) and isinstance(entry["passed"], bool)
        if not entry["output"]["needs_clarification"]:  # written, then read back through the CRM layer
            assert {"client_id", "channel", "location", "amount_vnd", "sentiment", "product_category", "tasks"} <= set(
                entry["output"]
            )


def test_a_case_with_its_own_fixture_runs_on_it(tmp_path: Path, small_bank: dict[str, Any]) -> None:
    own = copy.deepcopy(small_bank)
    own["today"] = "2025-12-01"
    own["rms"].append(
        {"id": "RM777", "full_name": "Own Fixture", "email": "own@bank.example", "branch": "Huế", "language": "en"}
    )
    own["clients"].append({**small_bank["clients"][0], "id": "C9001", "rm_id": "RM777", "phone": "0999888777"})
    case = {
        "id": "own",
        "rm_id": "RM777",
        "fixture": own,
        "input": {"note": "Met Mr. Son Pham 0999888777 at his office. Call him tomorrow."},
        "expected": {"client_id": "C9001"},
    }
    out = tmp_path / "result.json"
    result = _evals("run", "data_entry", "--cases", _write_cases(tmp_path / "c.jsonl", [case, SON]), "--fixture", SMALL_BANK,
                    "--model", "none", "--out", out)  # fmt: skip
    assert result.returncode == 0, result.stderr
    own_result, son_result = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert own_result["error"] is None, own_result["error"]  # RM777 exists only in the case's fixture
    assert own_result["today"] == "2025-12-01" and own_result["own_fixture"] is True
    if not own_result["output"]["needs_clarification"]:
        assert own_result["output"]["client_id"] == "C9001"
    assert son_result["today"] == "2025-10-24" and son_result["own_fixture"] is False


def test_a_failing_case_fails_every_metric_and_the_run_goes_on(tmp_path: Path) -> None:
    ghost = {**SON, "id": "ghost", "rm_id": "RM999"}
    out = tmp_path / "result.json"
    result = _evals("run", "data_entry", "--cases", _write_cases(tmp_path / "c.jsonl", [ghost, MINH]), "--fixture",
                    SMALL_BANK, "--model", "none", "--out", out)  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = _metrics_line(result)
    assert metrics["cases"] == 2 and metrics["errors"] == 1
    assert metrics["client_accuracy"] == 0.0 and metrics["amount_accuracy"] == 0.0 and metrics["task_f1"] == 0.0
    ghost_result, minh_result = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert "RM999" in ghost_result["error"] and ghost_result["output"] is None and ghost_result["passed"] is False
    assert ghost_result["checks"] and not any(ghost_result["checks"].values())
    assert ghost_result["counts"]["task_fn"] == 1
    assert minh_result["error"] is None and minh_result["output"] is not None


def test_a_bad_cases_file_exits_2_naming_the_lines(tmp_path: Path) -> None:
    cases = _write_cases(tmp_path / "bad.jsonl", [SON, "{not json", {"id": "x", "input": {"note": "hi"}}, "",
                                                  {**MINH, "expected": {"tasks": [{"kind": "lunch"}]}}])  # fmt: skip
    result = _evals("run", "data_entry", "--cases", cases, "--fixture", SMALL_BANK, "--model", "none")
    assert result.returncode == 2
    assert "line 2: not valid JSON" in result.stderr
    assert "line 3: missing required key 'expected'" in result.stderr
    assert "line 5" in result.stderr and "lunch" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "data_entry", "--cases", "missing.jsonl", "--fixture", SMALL_BANK], "no such file"),
        (
            ["run", "no_such_suite", "--cases", "x.jsonl"],
            "unknown suite 'no_such_suite' (known: attrition_scan, briefing, compliance, data_entry",
        ),
        (["run", "data_entry", "--cases", "CASES"], "no fixture: pass --fixture"),
        (["run", "data_entry", "--cases", "CASES", "--fixture", "BAD_FIXTURE"], "clients[0]"),
        (["run", "data_entry", "--cases", "CASES", "--fixture", SMALL_BANK, "--model", "gpt"], "unknown model setting"),
    ],
)
def test_cannot_run_exits_2_saying_why(
    tmp_path: Path, small_bank: dict[str, Any], args: list[Any], message: str
) -> None:
    cases = _write_cases(tmp_path / "cases.jsonl", [SON])
    bad = copy.deepcopy(small_bank)
    bad["clients"][0]["segment"] = "Bronze"
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    args = [{"CASES": cases, "BAD_FIXTURE": tmp_path / "bad.json"}.get(arg, arg) for arg in args]
    result = _evals(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_the_whole_dev_set_runs_with_the_rules_engine(tmp_path: Path) -> None:
    lines = [line for line in (DEV_SET / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    out = tmp_path / "result.json"
    result = _evals("run", "data_entry", "--cases", DEV_SET / "cases.jsonl", "--fixture", DEV_SET / "fixture.json",
                    "--model", "none", "--out", out)  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = _metrics_line(result)
    assert metrics["cases"] == len(lines) >= 40
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert len(results) == len(lines)
    assert [entry["error"] for entry in results if entry["error"]] == []
    assert all(entry["output"] is not None for entry in results)


# ----- the runner in process ------------------------------------------------------------------


def _recording_suite(seen: list[tuple[str, int, dt.date | None]], *, fail: str | None = None) -> Suite:
    def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
        seen.append((case.id, id(env.store), env.today))
        if case.id == fail:
            raise CaseFailed("boom")
        return {"ok": True}

    def score(case: Case, output: dict[str, Any] | None) -> Scored:
        ok = output is not None
        return Scored({"a": ok, "b": ok}, {"hits": int(ok)})

    return Suite(
        "recording", False, run_case, score, lambda outcomes: {"hits": sum(o.counts["hits"] for o in outcomes)}
    )


def test_identical_case_fixtures_share_one_store_and_today_comes_from_the_case(
    tmp_path: Path, small_bank: dict[str, Any]
) -> None:
    own = copy.deepcopy(small_bank)
    own["today"] = "2025-01-02"
    rows = [
        {"id": "a", "rm_id": "RM001", "fixture": own, "input": {}, "expected": {}},
        {"id": "b", "rm_id": "RM001", "fixture": copy.deepcopy(own), "input": {}, "expected": {}},
        {"id": "c", "rm_id": "RM001", "today": "2025-06-30", "input": {}, "expected": {}},
        {"id": "d", "rm_id": "RM001", "input": {}, "expected": {}},
    ]
    seen: list[tuple[str, int, dt.date | None]] = []
    suite = _recording_suite(seen, fail="d")
    cases = load_cases(_write_cases(tmp_path / "c.jsonl", rows), suite, have_default_fixture=True)
    result = run_suite(suite, cases, default_fixture=small_bank, model="none")
    stores = {case_id: store for case_id, store, _ in seen}
    assert stores["a"] == stores["b"] != stores["c"] == stores["d"]
    assert [today for _, _, today in seen] == [
        dt.date(2025, 1, 2),
        dt.date(2025, 1, 2),
        dt.date(2025, 6, 30),
        dt.date(2025, 10, 24),
    ]
    assert result.metrics == {"suite": "recording", "cases": 4, "errors": 1, "hits": 3, "model": "none"}
    failed = result.outcomes[3]
    assert failed.error == "CaseFailed: boom" and failed.checks == {"a": False, "b": False} and not failed.passed


def test_a_missing_rm_id_uses_the_only_rm_else_fails_the_case(tmp_path: Path, small_bank: dict[str, Any]) -> None:
    one_rm = {"rms": small_bank["rms"][:1]}
    rows = [
        {"id": "single", "fixture": one_rm, "input": {}, "expected": {}},
        {"id": "several", "input": {}, "expected": {}},
    ]
    seen: list[tuple[str, int, dt.date | None]] = []
    suite = _recording_suite(seen)
    cases = load_cases(_write_cases(tmp_path / "c.jsonl", rows), suite, have_default_fixture=True)
    outcomes = run_suite(suite, cases, default_fixture=small_bank, model="none").outcomes
    assert outcomes[0].rm_id == "RM001" and outcomes[0].error is None
    assert outcomes[1].error is not None and "no rm_id" in outcomes[1].error


def test_load_cases_reports_every_bad_line() -> None:
    suite = get_suite("data_entry")
    with pytest.raises(CaseFileError) as caught:
        load_cases(DEV_SET / "nope.jsonl", suite, have_default_fixture=True)
    assert "no such file" in str(caught.value)
    with pytest.raises(UnknownSuite):
        get_suite("nope")


def test_the_dev_set_is_valid_and_large_enough() -> None:
    suite = get_suite("data_entry")
    cases = load_cases(DEV_SET / "cases.jsonl", suite, have_default_fixture=True)
    assert len(cases) >= 40
    clarifications = [case for case in cases if case.expected.get("needs_clarification")]
    assert 8 <= len(clarifications) <= 12
    kinds = {task["kind"] for case in cases for task in case.expected.get("tasks", [])}
    assert kinds == set(de.TASK_KINDS)
    assert {case.expected.get("channel") for case in cases} >= set(de.CHANNELS)


# ----- data_entry scoring ---------------------------------------------------------------------


def _case(expected: dict[str, Any], case_id: str = "x") -> Case:
    return Case(id=case_id, line=1, input={"note": "n"}, expected=expected, rm_id="RM001")


def _written(**fields: Any) -> dict[str, Any]:
    base = {"needs_clarification": False, "client_id": "C1", "channel": "meeting", "location": None, "amount_vnd": None,
            "sentiment": "neutral", "product_category": None, "product_code": None, "tasks": []}  # fmt: skip
    return {**base, **fields}


def test_tasks_match_as_multisets_of_kind_and_due_date() -> None:
    call = {"kind": "call", "due_on": "2025-10-29"}
    send = {"kind": "send_document", "due_on": "2025-10-25"}
    assert de.match_tasks([call, send], [send, call]) == (2, 0, 0)
    assert de.match_tasks([call, send], [{"kind": "call", "due_on": "2025-10-30"}, send]) == (1, 1, 1)
    assert de.match_tasks([call, call], [call]) == (1, 0, 1)
    assert de.match_tasks([call], [call, call, send]) == (1, 2, 0)
    assert de.match_tasks([], []) == (0, 0, 0)
    # A task expected without a date matches any task of its kind, after the exact matches.
    assert de.match_tasks([{"kind": "call"}, call], [call, {"kind": "call", "due_on": "2025-11-01"}]) == (2, 0, 0)


def test_task_f1_is_micro_averaged_over_cases_that_give_tasks() -> None:
    call = {"kind": "call", "due_on": "2025-10-29"}
    send = {"kind": "send_document", "due_on": "2025-10-25"}
    review = {"kind": "review", "due_on": "2025-10-31"}
    cases = [
        (_case({"tasks": [call, send]}, "a"), _written(tasks=[call])),  # tp 1, fn 1
        (_case({"tasks": []}, "b"), _written(tasks=[review])),  # fp 1
        (_case({"tasks": [review]}, "c"), {"needs_clarification": True}),  # asked instead: fn 1
        (_case({"client_id": "C1"}, "d"), _written(tasks=[call, send])),  # no tasks key: not counted
        (_case({"needs_clarification": True}, "e"), _written(tasks=[call])),  # not counted either
    ]
    outcomes = [_outcome(case, output) for case, output in cases]
    metrics = de.metrics(outcomes)
    assert (metrics["tasks_matched"], metrics["tasks_spurious"], metrics["tasks_expected"]) == (1, 1, 3)
    assert metrics["task_f1"] == round(2 * 1 / (2 * 1 + 1 + 2), 4)
    assert metrics["task_precision"] == 0.5 and metrics["task_recall"] == round(1 / 3, 4)
    assert metrics["n"]["task_f1"] == 3
    assert metrics["task_case_accuracy"] == 0.0


def test_exact_case_rate_needs_every_expected_field() -> None:
    expected = {"client_id": "C1", "channel": "meeting", "location": "Coffee House", "amount_vnd": 800000000,
                "tasks": [{"kind": "call", "due_on": "2025-10-29"}]}  # fmt: skip
    right = _written(
        location="  the coffee house ", amount_vnd=800000000, tasks=[{"kind": "call", "due_on": "2025-10-29"}]
    )
    wrong_amount = {**right, "amount_vnd": 800}
    outcomes = [
        _outcome(_case(expected, "right"), right),
        _outcome(_case(expected, "amount"), wrong_amount),
        _outcome(_case({"needs_clarification": True}, "asked"), {"needs_clarification": True}),
        _outcome(_case({"needs_clarification": True}, "wrote"), right),
        _outcome(_case(expected, "raised"), None, error="boom"),
    ]
    assert [o.checks["exact_case_rate"] for o in outcomes] == [True, False, True, False, False]
    metrics = de.metrics(outcomes)
    assert metrics["exact_case_rate"] == 0.4 and metrics["n"]["exact_case_rate"] == 5
    assert metrics["client_accuracy"] == round(2 / 3, 4) and metrics["n"]["client_accuracy"] == 3
    assert metrics["amount_accuracy"] == round(1 / 3, 4)
    assert metrics["clarification_accuracy"] == 0.6
    assert metrics["misattributed_writes"] == 1 and metrics["clarifications_missed"] == 1
    assert metrics["location_accuracy"] == round(2 / 3, 4)


def test_null_means_nothing_logged_and_accents_do_not_matter() -> None:
    scored = de.score(_case({"amount_vnd": None, "location": "Quán cà phê Cộng", "product_category": None}),
                      _written(location="quan ca phe cong", product_category=None))  # fmt: skip
    assert scored.checks == {"amount_accuracy": True, "location_accuracy": True, "product_category_accuracy": True,
                             "clarification_accuracy": True, "exact_case_rate": True}  # fmt: skip
    assert not de.score(_case({"amount_vnd": None}), _written(amount_vnd=5)).checks["amount_accuracy"]


def test_a_case_that_raised_fails_every_metric_it_counts_towards() -> None:
    scored = de.score(
        _case({"client_id": "C1", "sentiment": "positive", "tasks": [{"kind": "call", "due_on": "2025-10-29"}]}), None
    )
    assert scored.checks and not any(scored.checks.values())
    assert scored.counts == {"task_tp": 0, "task_fp": 0, "task_fn": 1}


def test_micro_f1_edges() -> None:
    assert micro_f1(0, 0, 0) == (1.0, 1.0, 1.0)
    assert micro_f1(0, 2, 0) == (0.0, 0.0, 0.0)
    assert micro_f1(0, 0, 2) == (0.0, 0.0, 0.0)
    assert micro_f1(3, 1, 0) == (0.75, 1.0, 6 / 7)


def test_case_validation_of_expected_values() -> None:
    bad = _case(
        {"channel": "fax", "amount_vnd": "800m", "tasks": [{"kind": "call", "due_on": "29/10"}], "sentiment": None}
    )
    problems = de.validate_case(bad)
    assert len(problems) == 4
    assert de.validate_case(Case(id="x", line=1, input={}, expected={})) == ["input.note must be a non-empty string"]


def _outcome(case: Case, output: dict[str, Any] | None, error: str | None = None) -> Any:
    from evals.runner import CaseOutcome

    scored = de.score(case, output)
    checks = {metric: False for metric in scored.checks} if error else scored.checks
    return CaseOutcome(case=case, output=output, checks=checks, counts=scored.counts, error=error)


def test_a_graph_that_raises_fails_its_case_on_every_metric(
    tmp_path: Path, small_bank: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Exploding:
        def invoke(self, state: Any, config: Any, context: Any) -> Any:
            if "explode" in str(state):
                raise RuntimeError("the graph fell over")
            return real.invoke(state, config, context=context)

    import graphs.data_entry.graph as data_entry_graph

    real_builder = data_entry_graph.builder
    real: Any = None

    class Builder:
        def compile(self, checkpointer: Any) -> Exploding:
            nonlocal real
            real = real_builder.compile(checkpointer=checkpointer)
            return Exploding()

    monkeypatch.setattr(data_entry_graph, "builder", Builder())  # the runner compiles the module's builder
    boom = {**SON, "id": "boom", "input": {"note": "explode"}}
    cases = load_cases(_write_cases(tmp_path / "c.jsonl", [boom, MINH]), de.SUITE, have_default_fixture=True)
    result = run_suite(de.SUITE, cases, default_fixture=small_bank, model="none")
    failed, other = result.outcomes
    assert failed.error == "RuntimeError: the graph fell over" and failed.output is None
    assert set(failed.checks) >= {"client_accuracy", "amount_accuracy", "task_case_accuracy", "exact_case_rate"}
    assert not any(failed.checks.values())
    assert other.error is None and other.output is not None
    assert result.metrics["errors"] == 1 and result.metrics["client_accuracy"] == 0.0


def test_a_decomposed_case_is_run_as_the_composed_one(tmp_path: Path) -> None:
    """The runner reads every case's input in one form (NFC): an NFD note scores and writes like the NFC one."""
    note = "Gặp chị Oanh 0934567890 ở văn phòng, chị muốn gửi tiết kiệm 1,2 tỷ. Hẹn gọi lại thứ Sáu."
    expected = {"client_id": "C0004", "location": "văn phòng", "amount_vnd": 1_200_000_000,
                "tasks": [{"kind": "call", "due_on": "2025-10-31"}]}  # fmt: skip
    rows = [
        {"id": "nfc", "rm_id": "RM001", "input": {"note": note}, "expected": expected},
        {"id": "nfd", "rm_id": "RM001", "input": {"note": unicodedata.normalize("NFD", note)}, "expected": expected},
    ]
    cases = _write_cases(tmp_path / "cases.jsonl", rows)
    out = tmp_path / "result.json"
    result = _evals("run", "data_entry", "--cases", cases, "--fixture", SMALL_BANK, "--model", "none", "--out", out)
    assert _metrics_line(result)["exact_case_rate"] == 1.0
    nfc, nfd = json.loads(out.read_text(encoding="utf-8"))["results"]
    assert nfd["input"]["note"] == note
    # The second run also says the first logged the same note today (the same store): proof they read alike.
    assert [remark["code"] for remark in nfd["output"]["remarks"]] == ["possible_duplicate"]
    assert {k: v for k, v in nfd["output"].items() if k not in ("interaction_id", "remarks")} == {
        k: v for k, v in nfc["output"].items() if k not in ("interaction_id", "remarks")
    }
