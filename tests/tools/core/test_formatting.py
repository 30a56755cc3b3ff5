"""Amounts, numbers, percentages and dates, as an RM reads them in each language: one style everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from tools.core.formatting import (
    format_amount,
    format_date,
    format_day,
    format_number,
    format_percent,
    format_short_date,
)


@pytest.mark.parametrize(
    ("vnd", "vi", "en"),
    [
        (450_000_000_000, "450 tỷ", "450B VND"),
        (1_500_000_000, "1,5 tỷ", "1.5B VND"),
        (120_000_000, "120 triệu", "120M VND"),
        (4_570_000_000, "4,57 tỷ", "4.57B VND"),
        (999_999_999, "1 tỷ", "1B VND"),
        (950_000, "950.000 đồng", "950,000 VND"),
        (0, "0 đồng", "0 VND"),
        (-2_500_000, "-2,5 triệu", "-2.5M VND"),
        (12_345_000_000_000, "12.345 tỷ", "12,345B VND"),
    ],
)
def test_amounts(vnd: int, vi: str, en: str) -> None:
    assert format_amount(vnd, "vi") == vi
    assert format_amount(vnd, "en") == en


def test_amount_without_unit_and_missing() -> None:
    assert format_amount(450_000_000_000, "en", unit=False) == "450B"
    assert format_amount(None, "en") == "—"


def test_numbers_and_percent() -> None:
    assert format_number(1_234_567, "en") == "1,234,567"
    assert format_number(1_234_567, "vi") == "1.234.567"
    assert format_number(2.5, "vi") == "2,5"
    assert format_number(3.0, "en") == "3"
    assert format_percent(91.4, "en") == "91.4%"
    assert format_percent(91.4, "vi") == "91,4%"
    assert format_percent(None, "en") == "—"


def test_dates_in_prose_lists_and_cards() -> None:
    day = dt.date(2025, 10, 25)
    assert format_date(day, "en") == "25 October 2025"
    assert format_date("2025-10-25T09:00:00+07:00", "vi") == "25/10/2025"
    assert format_short_date(day) == "25/10/2025"
    assert format_day(day, "en") == "Sat 25/10/2025"
    assert format_day("2025-10-26", "vi") == "CN 26/10/2025"
    assert format_date(None) == format_day("not a date") == format_short_date(None) == "—"
