"""The nightly catch-up steps: start → scan → (gather a wave → draft each event → store the wave)* → finish.

Bulk where the work is per bank (the scan, client cards, tones, rules, documents:
a few queries per wave), per event where the work is per client (the draft,
fanned out with ``Send``). A wave is ``NightlyContext.wave_size`` events: it
bounds memory and the checkpoint, and ``max_concurrency`` in the run's config
bounds how many drafts run at once. Drafts are stored once per event key
(``tools.inbox.drafts.save_drafts``), so a rerun of the night, a resumed run, or the next
night meeting the same event never drafts it twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from langgraph.runtime import Runtime
from langgraph.types import Send

from graphs.context import NightlyContext
from graphs.nightly.state import EventTask, NightlyState
from graphs.turn import turn
from stores.db import Database
from stores.settings import BANK_TIMEZONE
from tools.inbox.drafts import drafted_event_keys, save_drafts
from tools.inbox.nightly import draft_for, failure, wave_context
from tools.inbox.offers import OFFER_KIND, offer_events
from tools.inbox.runs import record_done, record_start, run_id_for, started_at
from tools.signals.events import EventRules, scan_events

logger = logging.getLogger(__name__)

MAX_LISTED_FAILURES = 20
_URGENCY_ORDER = {"high": 0, "medium": 1, "low": 2}


def _now() -> dt.datetime:
    return dt.datetime.now(BANK_TIMEZONE)


def _database(runtime: Runtime[NightlyContext]) -> Database:
    return runtime.context.database()


def _scan_date(state: NightlyState, runtime: Runtime[NightlyContext]) -> dt.date:
    text = state.get("date")
    if not text:
        return runtime.context.resolved_today()
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError as error:
        raise ValueError(f"the nightly run's date must be YYYY-MM-DD, got {text!r}") from error


# ----- start and scan ------------------------------------------------------------------------


def start_run(state: NightlyState, runtime: Runtime[NightlyContext]) -> dict[str, Any]:
    """Fix the night and record the run as started (the summary is written by ``finish``)."""
    scan_date = _scan_date(state, runtime)
    rm_id = runtime.context.rm_id
    started = _now()
    run_id = run_id_for(scan_date, rm_id, started)
    record_start(_database(runtime), run_id, scan_date, rm_id, started)
    logger.info("nightly run %s: scanning %s for %s", run_id, scan_date, rm_id or "every RM")
    return {
        "run_id": run_id,
        "scan_date": scan_date.isoformat(),
        "rm_id": rm_id,
        "wave": [],
        "wave_drafts": None,
        "failures": None,
        "drafted": 0,
        "engines": {},
        "flagged": 0,
    }


def scan(state: NightlyState, runtime: Runtime[NightlyContext]) -> dict[str, Any]:
    """Every event of the night by the configured rules; those drafted before are not drafted again."""
    database = _database(runtime)
    rules = EventRules.from_mapping(runtime.context.rules or {})
    scan_date = dt.date.fromisoformat(state["scan_date"])
    events = scan_events(database, scan_date, rm_id=state.get("rm_id"), rules=rules)
    if OFFER_KIND in rules.kinds:
        events += offer_events(database, scan_date, rm_id=state.get("rm_id"))
    existing = drafted_event_keys(database, [event["event_key"] for event in events])
    pending = [dict(event) for event in events if event["event_key"] not in existing]
    found = dict(sorted(Counter(event["kind"] for event in events).items()))
    logger.info("nightly run %s: %d events %s, %d already drafted", state["run_id"], len(events), found, len(existing))
    return {
        "found": found,
        "event_keys": [event["event_key"] for event in events],
        "already_drafted": len(existing),
        "pending": pending,
    }


def route_after_scan(state: NightlyState) -> Literal["gather_context", "finish"]:
    return "gather_context" if state.get("pending") else "finish"


# ----- one wave ------------------------------------------------------------------------------


def gather_context(state: NightlyState, runtime: Runtime[NightlyContext]) -> dict[str, Any]:
    """The next wave's events with their client cards, RM tones, RM rules and documents, in a few bulk reads."""
    size = max(1, runtime.context.wave_size)
    pending = state.get("pending") or []
    wave, failures = wave_context(_database(runtime), pending[:size])
    return {"pending": pending[size:], "wave": wave, "failures": failures}


def route_after_gather_context(state: NightlyState) -> list[Send] | Literal["store_drafts"]:
    """One ``draft_event`` per event of the wave; a wave left empty (all failed) goes straight on."""
    wave = state.get("wave") or []
    if not wave:
        return "store_drafts"
    return [Send("draft_event", task) for task in wave]


def draft_event(state: EventTask, runtime: Runtime[NightlyContext]) -> dict[str, Any]:
    """Draft one event in the RM's voice, check it against the communication rules; a failure fails this event only."""
    event = state["event"]
    try:
        return {"wave_drafts": [draft_for(state, runtime.context.chat_model())]}
    except Exception as error:  # one bad event must not stop the night
        logger.warning("nightly: drafting %s failed: %s", event["event_key"], type(error).__name__)
        logger.debug("nightly: drafting %s failed", event["event_key"], exc_info=True)
        return {"failures": [failure(event, str(error))]}


def store_drafts(state: NightlyState, runtime: Runtime[NightlyContext]) -> dict[str, Any]:
    """Save the wave's drafts in one transaction (one per event key), then empty the wave."""
    drafts = [dict(draft, run_id=state["run_id"]) for draft in state.get("wave_drafts") or []]
    drafts.sort(key=lambda draft: (_URGENCY_ORDER.get(draft["urgency"], 3), -int(draft["value_vnd"])))
    created = save_drafts(_database(runtime), drafts)  # type: ignore[arg-type]
    engines = Counter(state.get("engines") or {})
    engines.update(draft["engine"] for draft in drafts)
    flagged = sum(1 for draft in drafts if draft["compliance"].get("flags"))
    logger.info(
        "nightly run %s: %d drafts stored, %d events left", state["run_id"], created, len(state.get("pending") or [])
    )
    return {
        "wave": [],
        "wave_drafts": None,
        "drafted": int(state.get("drafted") or 0) + created,
        "engines": dict(engines),
        "flagged": int(state.get("flagged") or 0) + flagged,
    }


def route_after_store_drafts(state: NightlyState) -> Literal["gather_context", "finish"]:
    return "gather_context" if state.get("pending") else "finish"


# ----- the summary ---------------------------------------------------------------------------


def _failure_counts(failures: Sequence[dict[str, Any]]) -> dict[str, int]:
    return dict(sorted(Counter(failure["kind"] for failure in failures).items()))


def finish(state: NightlyState, runtime: Runtime[NightlyContext]) -> dict[str, Any]:
    """The run summary (events by kind, drafts, failures), stored with the run and returned."""
    database = _database(runtime)
    finished = _now()
    started = started_at(database, state["run_id"])
    failures = state.get("failures") or []
    found = state.get("found") or {}
    summary = {
        "run_id": state["run_id"],
        "scan_date": state["scan_date"],
        "rm_id": state.get("rm_id"),
        "events": sum(found.values()),
        "events_by_kind": found,
        "already_drafted": int(state.get("already_drafted") or 0),
        "drafts_created": int(state.get("drafted") or 0),
        "drafts_by_engine": state.get("engines") or {},
        "flagged_drafts": int(state.get("flagged") or 0),
        "failures": len(failures),
        "failures_by_kind": _failure_counts(failures),
        "failed_events": [failure["event_key"] for failure in failures[:MAX_LISTED_FAILURES]],
        "seconds": round((finished - started).total_seconds(), 3) if started else None,
    }
    record_done(database, state["run_id"], summary, finished)
    line = _summary_line(summary)
    logger.info("nightly run %s done: %s", state["run_id"], line)
    return {"summary": summary, **turn(line, result=summary)}


def _summary_line(summary: dict[str, Any]) -> str:
    kinds = ", ".join(f"{kind} {count}" for kind, count in summary["events_by_kind"].items()) or "none"
    return (
        f"{summary['events']} events ({kinds}); {summary['drafts_created']} new drafts, "
        f"{summary['already_drafted']} already drafted, {summary['failures']} failures"
    )
