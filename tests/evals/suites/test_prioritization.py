"""The prioritization and next_best_action suites: scoring arithmetic and end-to-end runs of ``python -m evals``."""

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
from evals.suites import next_best_action as nba
from evals.suites import prioritization as prio
from tests.drivers import PROJECT_ROOT

ROOT = PROJECT_ROOT
PRIO = ROOT / "evals" / "datasets" / "prioritization"
NBA = ROOT / "evals" / "datasets" / "next_best_action"


def _case(expected: dict[str, Any], case_input: dict[str, Any] | None = None, case_id: str = "c") -> Case:
    return Case(id=case_id, line=1, input=case_input or {"request": "r"}, expected=expected, rm_id="RM001")


def _outcome(case: Case, output: dict[str, Any] | None, suite: Any) -> CaseOutcome:
    scored = suite.score(case, output)
    return CaseOutcome(case=case, output=output, checks=scored.checks, counts=scored.counts)


def _ranked(ids: list[str], top10: list[str] | None = None, justified: list[bool] | None = None) -> dict[str, Any]:
    return {
        "top": [{"client_id": cid, "reasons": ["x"]} for cid in ids[:3]],
        "top10": top10 if top10 is not None else ids,
        "justified": justified if justified is not None else [True] * len(ids[:3]),
        "foreign": [],
    }


# ----- prioritization arithmetic -------------------------------------------------------------


def test_precision_at_3_and_recall_at_10() -> None:
    assert prio.precision_at(["A", "B", "C"], ["A", "C", "D", "E"]) == pytest.approx(2 / 3)
    assert prio.precision_at(["A", "X", "Y"], ["A"]) == 1.0  # one relevant client: min(3, 1)
    assert prio.precision_at(["X", "A", "Y"], ["A", "B"]) == 0.5
    assert prio.precision_at([], ["A"]) == 0.0
    order = ["A", "X", "B", *[f"Z{i}" for i in range(8)], "C"]  # C is 12th
    assert prio.recall_at(order, ["A", "B", "C", "D"]) == 0.5


def test_score_and_metrics_prioritization() -> None:
    good = _case({"relevant": ["A", "B", "C"], "excluded": ["E"]}, case_id="good")
    bad = _case({"relevant": ["A", "B"], "excluded": ["E"]}, case_id="bad")
    failed = _case({"relevant": ["A"], "excluded": []}, case_id="failed")
    outcomes = [
        _outcome(good, _ranked(["A", "B", "C"]), prio),
        _outcome(bad, _ranked(["E", "A", "X"], top10=["E", "A", "X", "B"], justified=[True, False, True]), prio),
        _outcome(failed, None, prio),
    ]
    assert outcomes[0].checks == {"justified": True, "precision_at_3": True}
    assert outcomes[1].checks == {"justified": False, "precision_at_3": False}
    metrics = prio.metrics(outcomes)
    assert metrics["precision_at_3"] == pytest.approx(round((1 + 0.5 + 0) / 3, 4))
    assert metrics["recall_at_10"] == pytest.approx(round((1 + 1 + 0) / 3, 4))
    assert metrics["excluded_in_top3"] == 1 and metrics["cases_with_excluded_in_top3"] == 1
    assert metrics["justified_rate"] == pytest.approx(round(1 / 3, 4))
    assert metrics["justified_entry_rate"] == pytest.approx(round(5 / 9, 4))  # 3 + 2 of 3 + 3 + 0 of 3
    assert metrics["n"]["precision_at_3"] == 3


def test_an_empty_top_is_not_justified() -> None:
    case = _case({"relevant": ["A"]})
    assert prio.score(case, _ranked([])).checks["justified"] is False


def test_amounts_and_facts_in_reasons() -> None:
    assert prio.amounts_in("Idle cash: VND 3.2 billion") == [3.2e9]
    assert prio.amounts_in("Tiền nhàn rỗi 3,2 tỷ đồng; CD 850 triệu") == [3.2e9, 850e6]
    assert prio.amounts_in("holds 1.5B VND, received VND 1,200,000,000") == [1.5e9, 1.2e9]
    assert prio.amounts_in("12-month CD at 5.2%") == []
    facts = {"sentences": {prio.normalize("Birthday in 3 days.")}, "amounts": {3.2e9}, "dates": {"2025-11-25"}}
    assert prio.names_a_fact(["Has VND 3.2 billion idle"], facts)
    assert prio.names_a_fact(["3,2 tỷ đồng nhàn rỗi"], facts)
    assert prio.names_a_fact(["birthday in 3 days"], facts)
    assert prio.names_a_fact(["CD matures on 2025-11-25"], facts)
    assert prio.names_a_fact(["CD đáo hạn ngày 25/11/2025"], facts)
    assert not prio.names_a_fact(["CD đáo hạn ngày 26/11/2025"], facts)
    assert not prio.names_a_fact(["Has VND 5 billion idle"], facts)  # another client's figure
    assert not prio.names_a_fact(["", "   "], facts)
    assert not prio.names_a_fact(["Has VND 3.2 billion idle"], None)


def test_validate_prioritization_case() -> None:
    assert prio.validate_case(_case({"relevant": ["A"], "excluded": ["B"]})) == []
    assert prio.validate_case(_case({"excluded": ["B"]}))
    assert prio.validate_case(_case({"relevant": ["A"], "excluded": ["A"]}))
    assert prio.validate_case(_case({"relevant": "A"}))
    assert prio.validate_case(_case({"relevant": ["A"]}, {"request": ""}))
    assert prio.validate_case(_case({"relevant": ["A"]}, {"request": "r", "product_code": 3}))


# ----- next_best_action arithmetic -----------------------------------------------------------


def _nba_output(client: str | None, action: str | None = None, message: str = "", **extra: Any) -> dict[str, Any]:
    return {"client_id": client, "action": action, "message": message, "needs_clarification": False, **extra}


def test_score_and_metrics_next_best_action() -> None:
    right = _case({"client_id": "C1", "action": "cd_maturity", "must_mention": ["1.5", "12"]}, case_id="right")
    half = _case({"client_id": "C1", "action": "cd_maturity", "must_mention": ["1.5", "12"]}, case_id="half")
    wrong = _case({"client_id": "C1", "action": "idle_cash", "must_mention": ["3.2"]}, case_id="wrong")
    unclear = _case({"client_id": None, "needs_clarification": True}, case_id="unclear")
    guessed = _case({"needs_clarification": True}, case_id="guessed")
    outcomes = [
        _outcome(right, _nba_output("C1", "cd_maturity", "Your CD of 1.5B VND matures in 12 days."), nba),
        _outcome(half, _nba_output("C1", "idle_cash", "Your 1.5B VND CD matures soon."), nba),
        _outcome(wrong, _nba_output("C2", "idle_cash", "You hold 3.2B VND idle."), nba),
        _outcome(unclear, _nba_output(None, needs_clarification=True), nba),
        _outcome(guessed, _nba_output("C3", "birthday", "Happy birthday!"), nba),
    ]
    metrics = nba.metrics(outcomes)
    assert metrics["client_accuracy"] == pytest.approx(0.6)  # right, half, unclear
    assert metrics["action_accuracy"] == pytest.approx(round(1 / 3, 4))
    assert metrics["mention_rate"] == pytest.approx(0.6)  # 2 + 1 + 0 (wrong client) of 5
    assert metrics["clarification_accuracy"] == 0.5
    assert metrics["wrong_client_drafts"] == 2
    assert metrics["n"] == {
        "client_accuracy": 5,
        "action_accuracy": 3,
        "mention_rate": 5,
        "clarification_accuracy": 2,
    }


def test_no_client_without_asking_still_counts_for_client_accuracy() -> None:
    case = _case({"client_id": None})
    checks = nba.score(case, _nba_output(None)).checks
    assert checks == {"client_accuracy": True, "clarification_accuracy": False}


def test_a_failed_case_finds_no_mention() -> None:
    case = _case({"client_id": "C1", "action": "birthday", "must_mention": ["Trang"]})
    scored = nba.score(case, None)
    assert scored.counts["mentions_found"] == 0 and scored.counts["mentions_expected"] == 1
    assert not any(scored.checks.values())


def test_validate_next_best_action_case() -> None:
    assert nba.validate_case(_case({"client_id": "C1", "action": "birthday", "must_mention": ["x"]})) == []
    assert nba.validate_case(_case({"client_id": None, "needs_clarification": True})) == []
    assert nba.validate_case(_case({"needs_clarification": True, "client_id": "C1"}))
    assert nba.validate_case(_case({"client_id": None, "action": "birthday"}))
    assert nba.validate_case(_case({"client_id": "C1", "action": "party"}))
    assert nba.validate_case(_case({"client_id": "C1", "must_mention": "1.5"}))
    assert nba.validate_case(_case({"action": "birthday"}))


# ----- the dev sets --------------------------------------------------------------------------


def test_the_dev_sets_load() -> None:
    prio_cases = load_cases(PRIO / "cases.jsonl", get_suite("prioritization"), have_default_fixture=True)
    nba_cases = load_cases(NBA / "cases.jsonl", get_suite("next_best_action"), have_default_fixture=True)
    assert len(prio_cases) >= 10 and len(nba_cases) >= 20
    assert sum(nba.expects_no_client(case.expected) for case in nba_cases) >= 2
    assert (PRIO / "fixture.json").read_bytes() == (NBA / "fixture.json").read_bytes()


# ----- end to end ------------------------------------------------------------------------------


def _graph_missing(module: str) -> bool:
    package, _, _ = module.rpartition(".")
    return importlib.util.find_spec(package) is None or not (ROOT / (module.replace(".", "/") + ".py")).exists()


def _run(tmp_path: Path, suite: str, dataset: Path, wanted: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    lines = [line for line in (dataset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    chosen = [line for line in lines if json.loads(line)["id"] in wanted]
    cases = tmp_path / f"{suite}.jsonl"
    cases.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    out = tmp_path / f"{suite}.json"
    result = subprocess.run(
        [sys.executable, "-m", "evals", "run", suite, "--cases", str(cases),
         "--fixture", str(dataset / "fixture.json"), "--model", "none", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    document = json.loads(out.read_text(encoding="utf-8"))
    by_id = {entry["id"]: entry for entry in document["results"]}
    assert set(by_id) == wanted
    for entry in by_id.values():
        assert entry["error"] is None, entry["error"]
    return metrics, by_id


def test_run_prioritization_end_to_end(tmp_path: Path) -> None:
    if _graph_missing("graphs.prioritization.graph"):
        pytest.skip("graphs.prioritization.graph is not importable yet")
    metrics, by_id = _run(tmp_path, "prioritization", PRIO, {"premier-invest-en", "maturing-cd-vi"})
    assert metrics["suite"] == "prioritization" and metrics["cases"] == 2 and metrics["errors"] == 0
    assert metrics["excluded_in_top3"] == 0 and metrics["foreign_in_results"] == 0
    for entry in by_id.values():
        assert {"top", "top10", "justified", "answer"} <= set(entry["output"])
        assert entry["output"]["top"], "the graph ranked nobody"


def test_run_next_best_action_end_to_end(tmp_path: Path) -> None:
    if _graph_missing("graphs.next_best_action.graph"):
        pytest.skip("graphs.next_best_action.graph is not importable yet")
    wanted = {"son-name-en", "other-rm-en", "nam-name-vi"}
    metrics, by_id = _run(tmp_path, "next_best_action", NBA, wanted)
    assert metrics["suite"] == "next_best_action" and metrics["cases"] == 3 and metrics["errors"] == 0
    assert metrics["wrong_client_drafts"] == 0
    assert by_id["son-name-en"]["output"]["client_id"] == "C101"
    assert by_id["other-rm-en"]["output"]["client_id"] is None
