"""The nightly schedule: cron in Asia/Ho_Chi_Minh, one run per firing, a failing run does not stop it."""

from __future__ import annotations

import datetime as dt

import pytest

from agentify.scheduler import DEFAULT_CRON, InvalidSchedule, check_cron, next_firing, run_schedule
from stores.settings import BANK_TIMEZONE

UTC = dt.UTC


class FakeClock:
    """A clock that moves only when the scheduler sleeps."""

    def __init__(self, start: dt.datetime):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)


def test_default_cron_fires_at_local_midnight_not_utc_midnight() -> None:
    # 2025-10-23 18:30 UTC is 01:30 on the 24th in Ho Chi Minh City: the next local midnight is the 25th.
    fired = next_firing(DEFAULT_CRON, dt.datetime(2025, 10, 23, 18, 30, tzinfo=UTC))
    assert fired == dt.datetime(2025, 10, 25, 0, 0, tzinfo=BANK_TIMEZONE)
    assert fired.astimezone(UTC) == dt.datetime(2025, 10, 24, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("expression", ["", "61 0 * * *", "every night", "0 0 * *"])
def test_a_bad_cron_expression_is_refused_with_the_expression(expression: str) -> None:
    with pytest.raises(InvalidSchedule, match="cron"):
        check_cron(expression)


def test_each_firing_runs_the_job_for_its_local_date() -> None:
    clock = FakeClock(dt.datetime(2025, 10, 23, 23, 59, 30, tzinfo=BANK_TIMEZONE))
    days: list[dt.date] = []
    runs = run_schedule(DEFAULT_CRON, days.append, clock=clock, sleep=clock.sleep, max_runs=3)
    assert runs == 3
    assert days == [dt.date(2025, 10, 24), dt.date(2025, 10, 25), dt.date(2025, 10, 26)]
    assert max(clock.slept) <= 60  # short sleeps, so a stop request is noticed


def test_a_failing_run_is_logged_and_the_schedule_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(dt.datetime(2025, 10, 23, 23, 59, tzinfo=BANK_TIMEZONE))
    days: list[dt.date] = []

    def job(day: dt.date) -> None:
        days.append(day)
        if len(days) == 1:
            raise RuntimeError("store unreachable")

    assert run_schedule("0 0 * * *", job, clock=clock, sleep=clock.sleep, max_runs=2) == 2
    assert days == [dt.date(2025, 10, 24), dt.date(2025, 10, 25)]
    assert "failed" in caplog.text


def test_a_run_longer_than_the_interval_skips_missed_firings_instead_of_piling_up() -> None:
    clock = FakeClock(dt.datetime(2025, 10, 24, 0, 59, 59, tzinfo=BANK_TIMEZONE))
    days: list[dt.datetime] = []

    def slow_job(day: dt.date) -> None:
        days.append(clock())
        clock.now += dt.timedelta(hours=3)  # the run takes three hourly firings

    run_schedule("0 * * * *", slow_job, clock=clock, sleep=clock.sleep, max_runs=2)
    assert [moment.hour for moment in days] == [1, 5]
