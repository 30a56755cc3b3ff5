"""The nightly schedule: a cron expression read in the bank's timezone, one job per firing.

The clock and the sleep are parameters so the loop can be tested without waiting
for midnight. A firing the process slept through (a suspended laptop, a long
previous run) is run once when the process wakes, not once per missed firing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from croniter import croniter

from stores.settings import BANK_TIMEZONE

logger = logging.getLogger(__name__)

DEFAULT_CRON = "0 0 * * *"
#: The longest single sleep, so a stop request or a clock change is noticed within a minute.
MAX_SLEEP_S = 60.0

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], None]
#: The job gets the bank-local date of the firing.
Job = Callable[[dt.date], None]


class InvalidSchedule(ValueError):
    """The cron expression cannot be read; the message shows it."""


def check_cron(expression: str) -> str:
    expression = expression.strip()
    if not croniter.is_valid(expression):
        raise InvalidSchedule(f"not a cron expression: {expression!r} (e.g. {DEFAULT_CRON!r}: every day at 00:00)")
    return expression


def bank_now() -> dt.datetime:
    return dt.datetime.now(BANK_TIMEZONE)


def next_firing(expression: str, after: dt.datetime) -> dt.datetime:
    """The first firing strictly after ``after``, in the bank's timezone."""
    local = after.astimezone(BANK_TIMEZONE)
    fired: dt.datetime = croniter(check_cron(expression), local).get_next(dt.datetime)
    return fired.astimezone(BANK_TIMEZONE)


def run_schedule(
    expression: str,
    job: Job,
    *,
    clock: Clock = bank_now,
    sleep: Sleep | None = None,
    max_runs: int | None = None,
) -> int:
    """Wait for each firing and run the job for its local date; returns how many runs happened.

    A job that raises is logged and the schedule goes on to the next firing.
    """
    import time

    wait = sleep or time.sleep
    check_cron(expression)
    runs = 0
    upcoming = next_firing(expression, clock())
    logger.info("scheduler: %r in %s, next run at %s", expression, BANK_TIMEZONE.key, upcoming.isoformat())
    while max_runs is None or runs < max_runs:
        remaining = (upcoming - clock()).total_seconds()
        if remaining > 0:
            wait(min(remaining, MAX_SLEEP_S))
            continue
        day = upcoming.date()
        try:
            job(day)
        except Exception:
            logger.exception("scheduler: the run for %s failed; waiting for the next firing", day)
        runs += 1
        upcoming = next_firing(expression, max(clock(), upcoming))
        logger.info("scheduler: next run at %s", upcoming.isoformat())
    return runs
