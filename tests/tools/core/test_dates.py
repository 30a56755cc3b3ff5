"""One bank-local date for every moment."""

from __future__ import annotations

import datetime as dt

from tools.core.dates import bank_date


def test_moments_are_read_in_the_banks_timezone() -> None:
    assert bank_date("2025-10-24T23:30:00Z") == dt.date(2025, 10, 25)  # 06:30 in Hanoi
    assert bank_date(dt.datetime(2025, 10, 24, 23, 30, tzinfo=dt.UTC)) == dt.date(2025, 10, 25)
    assert bank_date("2025-10-24") == dt.date(2025, 10, 24)
    assert bank_date(dt.date(2025, 10, 24)) == dt.date(2025, 10, 24)
    assert bank_date(None) is None and bank_date("not a date") is None
