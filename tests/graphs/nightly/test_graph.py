"""The nightly catch-up graph: one draft per event, reruns and resumed runs never draft twice, failures are contained."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from sqlalchemy import func, insert, select, update

from graphs.context import NightlyContext
from graphs.nightly import nodes, runner
from graphs.nightly.graph import builder
from graphs.nightly.runner import night_thread_id, run_night
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.drafts import Draft, NightLease, NightlyRun
from stores.settings import BANK_TIMEZONE
from tests.drivers import count
from tests.fakes import ScriptedChatModel
from tools.core.llm.models import use_chat_model
from tools.inbox import nightly as nightly_engine
from tools.inbox.runs import NightAlreadyRunning
from tools.signals.events import scan_events

NIGHT = dt.date(2025, 10, 24)


@pytest.fixture
def compiled(bank_db: Database) -> Iterator[Any]:
    with open_checkpointer(bank_db) as checkpointer:
        yield builder.compile(checkpointer=checkpointer)


def _context(database: Database, **overrides: Any) -> NightlyContext:
    values: dict[str, Any] = {"database_url": database.portable_url, "model": "none", "today": NIGHT}
    values.update(overrides)
    return NightlyContext(**values)


def _drafts(database: Database) -> list[dict[str, Any]]:
    with database.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(Draft).order_by(Draft.event_key))]


def test_a_night_drafts_one_message_per_event_and_a_rerun_drafts_none(bank_db: Database, compiled: Any) -> None:
    events = scan_events(bank_db, NIGHT)
    assert {event["kind"] for event in events} >= {"birthday", "cd_maturity", "large_deposit", "inactive"}

    summary = run_night(compiled, _context(bank_db), NIGHT)

    drafts = _drafts(bank_db)
    assert sorted(draft["event_key"] for draft in drafts) == sorted(event["event_key"] for event in events)
    assert summary["events"] == len(events) == summary["drafts_created"]
    assert summary["failures"] == 0 and summary["flagged_drafts"] == 0
    assert summary["events_by_kind"]["inactive"] == sum(event["kind"] == "inactive" for event in events)

    again = run_night(compiled, _context(bank_db), NIGHT)
    assert again["drafts_created"] == 0 and again["already_drafted"] == len(events)
    assert len(_drafts(bank_db)) == len(events)


def test_drafts_are_in_the_clients_language_and_channel_in_the_rms_voice(bank_db: Database, compiled: Any) -> None:
    run_night(compiled, _context(bank_db), NIGHT)
    by_client = {draft["client_id"]: draft for draft in _drafts(bank_db) if draft["kind"] != "inactive"}

    maturity = by_client["C0001"]  # English, e-mail
    assert maturity["kind"] == "cd_maturity" and maturity["language"] == "en" and maturity["channel"] == "email"
    assert maturity["subject"] and "1.5" in maturity["body"] and "12 days" in maturity["body"]

    birthday = by_client["C0002"]  # Vietnamese, zalo: copy-ready chat text without a subject
    assert birthday["language"] == "vi" and birthday["channel"] == "chat" and birthday["subject"] is None
    assert birthday["client_channel"] == "zalo"
    # RM001 signs "Thu Hà" in their sent messages, never with a placeholder
    assert birthday["body"].rstrip().endswith("Thu Hà") and "[" not in birthday["body"]
    assert json.loads(birthday["compliance_json"])["flags"] == []


def test_a_run_for_one_rm_drafts_only_that_rms_clients(bank_db: Database, compiled: Any) -> None:
    summary = run_night(compiled, _context(bank_db, rm_id="RM002"), NIGHT)

    drafts = _drafts(bank_db)
    assert drafts and {draft["rm_id"] for draft in drafts} == {"RM002"}
    assert {draft["client_id"] for draft in drafts} <= {"C0101", "C0102"}
    assert summary["rm_id"] == "RM002"


def test_the_summary_is_stored_with_the_run(bank_db: Database, compiled: Any) -> None:
    summary = run_night(compiled, _context(bank_db), NIGHT)

    with bank_db.engine.connect() as connection:
        run = connection.execute(select(NightlyRun).where(NightlyRun.run_id == summary["run_id"])).one()
    assert run.status == "done" and run.scan_date == NIGHT and run.finished_at is not None
    assert json.loads(run.summary_json) == summary


def test_a_killed_run_resumes_where_it_stopped_and_drafts_each_event_once(
    bank_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = scan_events(bank_db, NIGHT)
    assert len(events) >= 3
    composed: list[str] = []
    real_compose = nightly_engine.compose_draft
    real_save = nodes.save_drafts
    saves = {"count": 0}

    def counting_compose(request: Any, *args: Any, **kwargs: Any) -> Any:
        composed.append(request.kind)
        return real_compose(request, *args, **kwargs)

    def crash_on_second_wave(database: Database, drafts: Any) -> int:
        saves["count"] += 1
        if saves["count"] == 2:
            raise SystemExit("killed")  # the process dies while storing the second wave
        return real_save(database, drafts)

    monkeypatch.setattr(nightly_engine, "compose_draft", counting_compose)
    monkeypatch.setattr(nodes, "save_drafts", crash_on_second_wave)
    context = _context(bank_db, wave_size=1)
    with open_checkpointer(bank_db) as checkpointer, pytest.raises(SystemExit):
        run_night(builder.compile(checkpointer=checkpointer), context, NIGHT, concurrency=1)
    assert len(_drafts(bank_db)) == 1
    first_run = _run_ids(bank_db)
    drafted_before_the_crash = len(composed)

    monkeypatch.setattr(nodes, "save_drafts", real_save)
    with open_checkpointer(bank_db) as checkpointer:  # a new process: a new saver over the same store
        compiled = builder.compile(checkpointer=checkpointer)
        config: Any = {"configurable": {"thread_id": night_thread_id(NIGHT, None)}}
        assert compiled.get_state(config).next  # the night is unfinished
        summary = run_night(compiled, context, NIGHT, concurrency=1)

    assert summary["run_id"] in first_run  # the same run, resumed, not a new one
    assert sorted(draft["event_key"] for draft in _drafts(bank_db)) == sorted(e["event_key"] for e in events)
    assert summary["drafts_created"] == len(events)
    # the crashed wave's draft was checkpointed before the crash: on resume only its saving is redone
    assert drafted_before_the_crash == 2
    assert len(composed) == len(events)


def _run_ids(database: Database) -> set[str]:
    with database.engine.connect() as connection:
        return set(connection.execute(select(NightlyRun.run_id)).scalars())


def test_one_failing_draft_is_counted_and_the_night_goes_on(
    bank_db: Database, compiled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_compose = nightly_engine.compose_draft

    def failing_birthdays(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.kind == "birthday":
            raise RuntimeError("template missing")
        return real_compose(request, *args, **kwargs)

    monkeypatch.setattr(nightly_engine, "compose_draft", failing_birthdays)
    events = scan_events(bank_db, NIGHT)

    summary = run_night(compiled, _context(bank_db), NIGHT)

    birthdays = sum(event["kind"] == "birthday" for event in events)
    assert summary["failures"] == birthdays == summary["failures_by_kind"]["birthday"]
    assert summary["drafts_created"] == len(events) - birthdays
    assert all(key.startswith("birthday:") for key in summary["failed_events"])
    # the next run drafts what failed, and only that
    monkeypatch.setattr(nightly_engine, "compose_draft", real_compose)
    again = run_night(compiled, _context(bank_db), NIGHT)
    assert again["drafts_created"] == birthdays and again["failures"] == 0


def test_changed_rules_take_effect(bank_db: Database, compiled: Any) -> None:
    summary = run_night(compiled, _context(bank_db, rules={"kinds": ["birthday"]}), NIGHT)
    assert summary["events_by_kind"] == {"birthday": 1}
    assert {draft["kind"] for draft in _drafts(bank_db)} == {"birthday"}


def test_an_invalid_date_is_refused_with_the_value(bank_db: Database, compiled: Any) -> None:
    with pytest.raises(ValueError, match="2025-13-01"):
        compiled.invoke({"date": "2025-13-01"}, {"configurable": {"thread_id": "bad-date"}}, context=_context(bank_db))


def test_with_a_model_the_drafts_are_the_models_when_they_keep_the_facts(bank_db: Database, compiled: Any) -> None:
    body = (
        "I wanted to let you know that your certificate of deposit of 1.5B VND matures on 5 November 2025, "
        "in 12 days. I'd be glad to go through renewal options with you."
    )
    model = ScriptedChatModel(script=[AIMessage(content=body)] * 20)
    with use_chat_model(model, "openai:test-model"):
        summary = run_night(compiled, _context(bank_db, model="openai:test-model", rules={"kinds": ["cd_maturity"]}),
                            NIGHT)  # fmt: skip
    assert summary["drafts_by_engine"] == {"model": 1}
    (draft,) = _drafts(bank_db)
    assert "renewal options with you" in draft["body"] and draft["engine"] == "model"


def test_drafts_table_counts_stay_unique_per_event_key(bank_db: Database, compiled: Any) -> None:
    run_night(compiled, _context(bank_db), NIGHT)
    run_night(compiled, _context(bank_db), NIGHT + dt.timedelta(days=1))  # the maturity is still ahead: same event
    with bank_db.engine.connect() as connection:
        duplicates = connection.execute(
            select(Draft.event_key).group_by(Draft.event_key).having(func.count() > 1)
        ).all()
        maturities = connection.execute(select(func.count()).where(Draft.kind == "cd_maturity")).scalar_one()
    assert duplicates == [] and maturities == 1


def test_a_context_from_json_reads_today_as_a_date_or_refuses_it() -> None:
    from graphs.context import AgentContext

    assert AgentContext(rm_id="RM001", today="2025-10-24").today == NIGHT  # type: ignore[arg-type]
    assert NightlyContext(today="2025-10-24").resolved_today() == NIGHT  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="24/10/2025"):
        AgentContext(rm_id="RM001", today="24/10/2025")  # type: ignore[arg-type]


# ----- one run per night at a time (issue 17) -------------------------------------------------------------------


def _lease(database: Database, *, run_id: str | None, age_seconds: float) -> None:
    """Another process's lease on the bank-wide night, last beating ``age_seconds`` ago."""
    beat_at = dt.datetime.now(BANK_TIMEZONE) - dt.timedelta(seconds=age_seconds)
    with database.engine.begin() as connection:
        connection.execute(
            insert(NightLease).values(
                thread_id=night_thread_id(NIGHT, None), run_id=run_id, holder="other:1", heartbeat_at=beat_at
            )
        )


def _statuses(database: Database) -> dict[str, str]:
    with database.engine.connect() as connection:
        return dict(connection.execute(select(NightlyRun.run_id, NightlyRun.status)).all())


def test_a_second_start_while_a_run_is_alive_is_refused_with_its_run_id(bank_db: Database, compiled: Any) -> None:
    _lease(bank_db, run_id="2025-10-24.bank.000000000001", age_seconds=5)
    with pytest.raises(NightAlreadyRunning, match=r"already running \(run 2025-10-24\.bank\.000000000001\)"):
        run_night(compiled, _context(bank_db), NIGHT)
    assert _drafts(bank_db) == []  # nothing drafted by the refused start
    assert run_night(compiled, _context(bank_db, rm_id="RM002"), NIGHT)["drafts_created"] >= 0  # another scope runs


def test_the_lease_is_given_back_when_the_run_ends(bank_db: Database, compiled: Any) -> None:
    run_night(compiled, _context(bank_db), NIGHT)
    assert count(bank_db, NightLease) == 0
    run_night(compiled, _context(bank_db), NIGHT)  # so the next start is not refused


def test_a_killed_run_is_marked_interrupted_then_resumed_and_its_summary_counts_everything(
    bank_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = scan_events(bank_db, NIGHT)
    real_save = nodes.save_drafts
    saves = {"count": 0}

    def killed_on_second_wave(database: Database, drafts: Any) -> int:
        saves["count"] += 1
        if saves["count"] == 2:
            raise SystemExit("killed")
        return real_save(database, drafts)

    monkeypatch.setattr(nodes, "save_drafts", killed_on_second_wave)
    monkeypatch.setattr(runner, "release_night", lambda *args: None)  # a SIGKILL gives nothing back
    context = _context(bank_db, wave_size=1)
    with open_checkpointer(bank_db) as checkpointer, pytest.raises(SystemExit):
        run_night(builder.compile(checkpointer=checkpointer), context, NIGHT, concurrency=1)
    (killed,) = _statuses(bank_db)
    assert _statuses(bank_db)[killed] == "running"
    monkeypatch.setattr(nodes, "save_drafts", real_save)
    with open_checkpointer(bank_db) as checkpointer:
        compiled = builder.compile(checkpointer=checkpointer)
        with pytest.raises(NightAlreadyRunning, match=killed):  # its heartbeat is still fresh
            run_night(compiled, context, NIGHT, concurrency=1)
        with bank_db.engine.begin() as connection:  # ...until it has not beaten for the lease time
            connection.execute(update(NightLease).values(heartbeat_at=dt.datetime(2025, 1, 1, tzinfo=BANK_TIMEZONE)))
        taken_over = []
        monkeypatch.setattr(runner, "record_resumed", lambda db, run_id: taken_over.append(_statuses(db)[run_id]))
        summary = run_night(compiled, context, NIGHT, concurrency=1)
    assert taken_over == ["interrupted"]  # marked when its lease was taken over, then resumed
    assert summary["run_id"] == killed and _statuses(bank_db) == {killed: "done"}
    assert summary["drafts_created"] == len(events) == len(_drafts(bank_db))
