"""``agentify nightly``: the summary it prints, idempotent reruns, and refusals with exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from agentify.cli import main
from stores.db import Database
from stores.drafts import Draft
from tests.drivers import count


def test_nightly_prints_the_summary_and_a_rerun_drafts_nothing(
    store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["nightly", "--date", "2025-10-24", "--no-progress"]) == 0
    out = capsys.readouterr().out.splitlines()
    summary = json.loads(out[-1])
    assert out[0].startswith("night 2025-10-24 (every RM):")
    assert summary["drafts_created"] == summary["events"] == count(store, Draft) > 0
    assert summary["events_by_kind"]["birthday"] == 1

    assert main(["nightly", "--date", "2025-10-24", "--no-progress"]) == 0
    again = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert again["drafts_created"] == 0 and again["already_drafted"] == summary["events"]
    assert count(store, Draft) == summary["events"]


def test_the_default_date_is_the_banks_today(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nightly", "--rm", "RM002", "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["scan_date"] == "2025-10-24" and summary["rm_id"] == "RM002"


def test_a_rules_file_changes_what_is_scanned(
    store: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"kinds": ["cd_maturity"], "maturity_window_days": 5}), encoding="utf-8")
    assert main(["nightly", "--date", "2025-10-24", "--rules", str(rules), "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["events"] == 0  # the CD matures in 12 days
    rules.write_text(json.dumps({"kinds": ["cd_maturity"], "maturity_window_days": 14}), encoding="utf-8")
    assert main(["nightly", "--date", "2025-10-24", "--rules", str(rules), "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["events_by_kind"] == {"cd_maturity": 1}


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["--rm", "RM404"], "RM404"),
        (["--rules", "{missing}"], "rules file"),
        (["--rules", "{bad}"], "maturity_window"),
        (["--model", "gpt-9"], "gpt-9"),
    ],
)
def test_bad_input_is_refused_with_exit_2_and_nothing_is_drafted(
    store: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], reason: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"maturity_window_days": -3}), encoding="utf-8")
    arguments = [a.replace("{missing}", str(tmp_path / "nope.json")).replace("{bad}", str(bad)) for a in arguments]
    assert main(["nightly", "--date", "2025-10-24", "--no-progress", *arguments]) == 2
    assert reason in capsys.readouterr().err
    assert count(store, Draft) == 0


def test_a_bad_date_is_refused_by_the_parser(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["nightly", "--date", "24/10/2025"])
    assert stopped.value.code == 2
    assert "24/10/2025" in capsys.readouterr().err


def test_scheduler_refuses_a_bad_cron(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scheduler", "--cron", "every night"]) == 2
    assert "cron" in capsys.readouterr().err


def test_a_night_already_running_is_refused_with_its_run_id(
    store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from graphs.nightly.runner import night_thread_id
    from tools.inbox.runs import claim_night

    claim_night(store, night_thread_id(dt.date(2025, 10, 24), None), "another-process")
    assert main(["nightly", "--date", "2025-10-24", "--no-progress"]) == 2
    assert "is already running" in capsys.readouterr().err
