"""``agentify nightly`` (one night, now) and ``agentify scheduler`` (every night, by cron).

Both run the nightly catch-up graph compiled with the store's checkpointer, one thread
per night and scope, so a killed run resumes where it stopped when run again. The
summary (events by kind, drafts, failures) is stored with the run, printed as lines,
and printed as one JSON object on the last line.
Exit codes as in ``agentify.cli``: 0 done, 2 refused (bad date, rules, cron, unknown RM).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any

from agentify.console import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, err, iso_date, out, positive_int, require_rm
from stores.db import Database

logger = logging.getLogger(__name__)


def _read_rules(path: str | None) -> dict[str, Any] | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read the rules file {path}: {error}") from error
    if not isinstance(data, dict):
        raise ValueError(f"the rules file {path} must hold one JSON object")
    from tools.signals.events import EventRules

    EventRules.from_mapping(data)  # refuse a bad file before anything runs
    return data


class _Progress:
    """A progress bar on stderr: events drafted (or failed) out of the night's events."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, node: str, update: dict[str, Any]) -> None:
        if not self.enabled:
            return
        if node == "scan":
            from tqdm import tqdm

            self.bar = tqdm(total=len(update.get("pending") or []), unit="event", desc="drafting", file=sys.stderr)
        elif node == "draft_event" and self.bar is not None:
            self.bar.update(1)
        elif node == "gather_context" and self.bar is not None:
            self.bar.update(len(update.get("failures") or []))
        elif node == "finish" and self.bar is not None:
            self.bar.close()


def night(
    database: Database,
    scan_date: dt.date,
    *,
    rm_id: str | None,
    model: str,
    rules: dict[str, Any] | None,
    wave_size: int,
    concurrency: int,
    progress: bool,
) -> dict[str, Any]:
    """One night on the store's checkpointer; the summary."""
    from graphs.context import NightlyContext
    from graphs.nightly.graph import builder
    from graphs.nightly.runner import run_night
    from stores.checkpoints import open_checkpointer

    context = NightlyContext(
        rm_id=rm_id, model=model, database_url=database.url, today=scan_date, rules=rules, wave_size=wave_size
    )
    with open_checkpointer(database) as checkpointer:
        compiled = builder.compile(checkpointer=checkpointer)
        return run_night(compiled, context, scan_date, concurrency=concurrency, on_update=_Progress(progress))


def _print_summary(summary: dict[str, Any]) -> None:
    kinds = ", ".join(f"{kind}={count}" for kind, count in summary["events_by_kind"].items()) or "none"
    out(f"night {summary['scan_date']} ({summary.get('rm_id') or 'every RM'}): {summary['events']} events: {kinds}")
    out(
        f"drafts: {summary['drafts_created']} new, {summary['already_drafted']} already drafted; "
        f"failures: {summary['failures']}; flagged: {summary['flagged_drafts']}; {summary['seconds']} s"
    )
    out(json.dumps(summary, ensure_ascii=False))


def _default_date(database: Database) -> dt.date:
    from tools.knowledge.retrieval import default_today

    return default_today(database)


def _checked_options(database: Database, args: argparse.Namespace) -> tuple[dict[str, Any] | None, str]:
    """The rules file, the RM and the model, refused before anything runs; the rules and the model setting."""
    from tools.core.llm.models import default_model_setting, parse_model_setting

    rules = _read_rules(args.rules)
    if args.rm is not None:
        require_rm(database, args.rm)
    model = args.model or default_model_setting()
    parse_model_setting(model)
    return rules, model


def cmd_nightly(args: argparse.Namespace) -> int:
    from tools.inbox.runs import NightAlreadyRunning

    database = Database()
    database.create_schema()
    try:
        rules, model = _checked_options(database, args)
    except (LookupError, ValueError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    scan_date = args.date or _default_date(database)
    try:
        summary = night(
            database,
            scan_date,
            rm_id=args.rm,
            model=model,
            rules=rules,
            wave_size=args.wave_size,
            concurrency=args.concurrency,
            progress=not args.no_progress,
        )
    except (ValueError, NightAlreadyRunning) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    _print_summary(summary)
    return EXIT_OK


def cmd_scheduler(args: argparse.Namespace) -> int:
    from agentify.scheduler import InvalidSchedule, check_cron, run_schedule

    database = Database()
    database.create_schema()
    try:
        expression = check_cron(args.cron)
        rules, model = _checked_options(database, args)
    except (InvalidSchedule, LookupError, ValueError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED

    def job(day: dt.date) -> None:
        summary = night(
            database,
            day,
            rm_id=args.rm,
            model=model,
            rules=rules,
            wave_size=args.wave_size,
            concurrency=args.concurrency,
            progress=False,
        )
        _print_summary(summary)
        _update_index(database, day)

    try:
        run_schedule(expression, job, max_runs=args.max_runs)
    except KeyboardInterrupt:
        err("scheduler stopped")
        return EXIT_FAILED
    return EXIT_OK


def _update_index(database: Database, day: dt.date) -> None:
    """Keep the client search index in step with the night's data, when one was built."""
    from tools.knowledge.retrieval import IndexNotReady, update_client_index

    try:
        result = update_client_index(database, today=day)
    except IndexNotReady:
        logger.info("no client index to update (agentify index build makes one)")
        return
    logger.info("client index updated: %d re-embedded, %d removed", len(result.upserted), len(result.removed))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rm", help="only this RM's clients (default: every RM)")
    parser.add_argument("--model", help="none, local or openai:<model> (default: AGENTIFY_MODEL or none)")
    parser.add_argument("--rules", help='a JSON file of event rules, e.g. {"maturity_window_days": 14}')
    parser.add_argument("--wave-size", type=positive_int, default=500, help="events drafted per wave (default 500)")
    parser.add_argument("--concurrency", type=positive_int, default=4, help="drafts at once within a wave (default 4)")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``nightly`` and ``scheduler`` to the top-level ``agentify`` sub-commands."""
    from agentify.scheduler import DEFAULT_CRON

    nightly = subparsers.add_parser("nightly", help="scan one night for client events and draft a message per event")
    nightly.add_argument("--date", type=iso_date, help="the night to scan (default: the bank's today)")
    nightly.add_argument("--no-progress", action="store_true", help="no progress bar")
    _common(nightly)
    nightly.set_defaults(handler=cmd_nightly)

    scheduler = subparsers.add_parser("scheduler", help="run the nightly scan on a cron schedule (Asia/Ho_Chi_Minh)")
    scheduler.add_argument("--cron", default=DEFAULT_CRON, help=f"cron expression (default {DEFAULT_CRON!r})")
    scheduler.add_argument("--max-runs", type=positive_int, help="stop after this many runs (default: run forever)")
    _common(scheduler)
    scheduler.set_defaults(handler=cmd_scheduler)
