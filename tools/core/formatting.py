"""How amounts, numbers, percentages and dates read, per language: one style for every RM-visible text.

Vietnamese writes amounts the way RMs say them ("450 tỷ", "1,5 tỷ", "120 triệu") with a decimal comma;
English uses "450B VND", "1.5B VND", "120M VND". Dates in prose: "5 November 2025" / "05/11/2025";
on a card, with the weekday: "Sat 25/10/2025" / "Thứ 7 25/10/2025". Pure functions, no I/O.
"""

from __future__ import annotations

import math
from typing import Any

from tools.core.dates import bank_date

_BILLION = 1_000_000_000
_MILLION = 1_000_000


def _group(integer: int, separator: str) -> str:
    return f"{integer:,}".replace(",", separator)


def format_number(value: float, language: str = "en", *, decimals: int = 2) -> str:
    """``1234567`` → ``1,234,567`` (en) / ``1.234.567`` (vi); fractions keep at most ``decimals`` digits."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    thousands, point = (".", ",") if language == "vi" else (",", ".")
    text = f"{abs(float(value)):.{max(decimals, 0)}f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    sign = "-" if float(value) < 0 and (int(whole) or fraction) else ""
    return f"{sign}{_group(int(whole), thousands)}{point + fraction if fraction else ''}"


def format_amount(vnd: float | None, language: str = "en", *, unit: bool = True) -> str:
    """A VND amount as an RM says it: ``450 tỷ`` / ``450B VND``, ``120 triệu`` / ``120M VND``.

    ``unit=False`` drops the trailing " VND" in English (for "450B of 420B VND").
    """
    if vnd is None:
        return "—"
    value = float(vnd)
    size = abs(value)
    if round(size / _MILLION, 2) >= 1000:  # 999,999,999 reads "1 tỷ", not "1.000 triệu"
        size = max(size, _BILLION)
    if round(size, 0) >= _MILLION:
        size = max(size, _MILLION)
    if language == "vi":
        if size >= _BILLION:
            return f"{format_number(value / _BILLION, 'vi')} tỷ"
        if size >= _MILLION:
            return f"{format_number(value / _MILLION, 'vi')} triệu"
        return f"{format_number(value, 'vi', decimals=0)} đồng"
    suffix = " VND" if unit else ""
    if size >= _BILLION:
        return f"{format_number(value / _BILLION, 'en')}B{suffix}"
    if size >= _MILLION:
        return f"{format_number(value / _MILLION, 'en')}M{suffix}"
    return f"{format_number(value, 'en', decimals=0)}{suffix}"


def format_percent(value: float | None, language: str = "en") -> str:
    """``91.4`` → ``91.4%`` (en) / ``91,4%`` (vi)."""
    if value is None:
        return "—"
    return f"{format_number(value, language, decimals=1)}%"


_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "vi": ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "CN"),
}


def format_date(value: Any, language: str = "en") -> str:
    """A date in prose: ``5 November 2025`` (en) / ``05/11/2025`` (vi); "—" when unknown."""
    day = bank_date(value)
    if day is None:
        return "—"
    return format_short_date(day) if language == "vi" else f"{day.day} {day.strftime('%B %Y')}"


def format_short_date(value: Any) -> str:
    """``05/11/2025``, the same in both languages (lists and reasons); "—" when unknown."""
    day = bank_date(value)
    return day.strftime("%d/%m/%Y") if day is not None else "—"


def format_day(value: Any, language: str = "en") -> str:
    """A due date on a card, with its weekday: ``Sat 25/10/2025`` / ``Thứ 7 25/10/2025``."""
    day = bank_date(value)
    if day is None:
        return "—"
    return f"{_WEEKDAYS['vi' if language == 'vi' else 'en'][day.weekday()]} {format_short_date(day)}"
