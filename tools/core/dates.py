"""The bank's calendar: every moment is read as a date in Asia/Ho_Chi_Minh, once, the same way everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any, overload

from stores.settings import BANK_TIMEZONE


@overload
def bank_date(value: dt.date) -> dt.date: ...
@overload
def bank_date(value: Any) -> dt.date | None: ...
def bank_date(value: Any) -> dt.date | None:
    """The bank-local date of a date, a datetime or ISO text (``2025-10-24T23:30:00Z``); None when it is none."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(BANK_TIMEZONE).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) > 10:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return moment.astimezone(BANK_TIMEZONE).date() if moment.tzinfo else moment.date()
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def completed_years(born: Any, today: dt.date) -> int | None:
    """A client's age on ``today`` in completed years (the bank's and its rules' meaning), None without a date."""
    day = bank_date(born)
    if day is None:
        return None
    return today.year - day.year - ((today.month, today.day) < (day.month, day.day))
