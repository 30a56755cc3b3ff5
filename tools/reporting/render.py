"""How a performance answer reads: target phrases, short bullet lists and a hand-written SVG bar chart.

Pure functions, no I/O. Amounts, counts and percentages are written by ``tools.core.formatting``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from tools.core.formatting import format_amount, format_number, format_percent

__all__ = [
    "MAX_LIST_LINES",
    "bar_chart_svg",
    "bullet_list",
    "target_phrase",
    "target_status",
]

#: Lists in an answer stop after this many lines and say how many more there are.
MAX_LIST_LINES = 10
#: At or above this share of the target an RM is "exceeding" it (below it, from 100 %, "on target").
EXCEEDING_RATIO = 1.10


def target_status(actual: float, target: float | None) -> str | None:
    """``below`` / ``on_target`` / ``exceeding``, or None when no (positive) target is set."""
    if target is None or target <= 0:
        return None
    ratio = actual / target
    if ratio >= EXCEEDING_RATIO:
        return "exceeding"
    return "on_target" if ratio >= 1 else "below"


_STATUS_WORDS = {
    "en": {"on_target": "On target", "exceeding": "Exceeding target", "below": "Below target"},
    "vi": {"on_target": "Đạt chỉ tiêu", "exceeding": "Vượt chỉ tiêu", "below": "Chưa đạt chỉ tiêu"},
}


def target_phrase(actual: float | None, target: float | None, language: str = "en", *, money: bool = True) -> str:
    """``On target: 450B of 420B VND (107.1%)`` / ``Đạt chỉ tiêu: 450 tỷ / 420 tỷ (107,1%)``.

    Without a target: the actual value and "no target set" / "chưa có chỉ tiêu".
    """
    vi = language == "vi"
    value = float(actual or 0)

    def show(amount: float, *, unit: bool = True) -> str:
        if money:
            return format_amount(amount, language, unit=unit)
        return format_number(amount, language)

    status = target_status(value, None if target is None else float(target))
    if status is None or target is None:
        return f"{show(value)} ({'chưa có chỉ tiêu' if vi else 'no target set'})"
    percent = format_percent(100.0 * value / float(target), language)
    words = _STATUS_WORDS["vi" if vi else "en"][status]
    if vi:
        return f"{words}: {show(value)} / {show(float(target))} ({percent})"
    return f"{words}: {show(value, unit=False)} of {show(float(target))} ({percent})"


def elapsed_share(start: dt.date, end: dt.date, today: dt.date) -> float | None:
    """How much of a period has gone by today (0–1), or None when today is outside it."""
    if not start <= today <= end:
        return None
    return ((today - start).days + 1) / ((end - start).days + 1)


def pace_phrase(actual: float | None, target: float | None, elapsed: float | None, language: str = "en") -> str:
    """ "67% of the period gone, 58% of the target: behind pace" — an RM judges a target against the time left."""
    if elapsed is None or not target or target <= 0:
        return ""
    done = float(actual or 0) / float(target)
    gone, reached = format_percent(100.0 * elapsed, language), format_percent(100.0 * done, language)
    if language == "vi":
        verdict = "đúng tiến độ" if done >= elapsed else "chậm so với tiến độ"
        return f"đã qua {gone} thời gian, đạt {reached} chỉ tiêu: {verdict}"
    verdict = "on pace" if done >= elapsed else "behind pace"
    return f"{gone} of the period gone, {reached} of the target: {verdict}"


def bullet_list(lines: Sequence[str], language: str = "en", *, cap: int = MAX_LIST_LINES) -> str:
    """``- line`` per item, at most ``cap`` of them, then "… and N more" / "… và N mục khác"."""
    shown = [f"- {line}" for line in lines[:cap]]
    hidden = len(lines) - len(shown)
    if hidden > 0:
        shown.append(f"- … và {hidden} mục khác" if language == "vi" else f"- … and {hidden} more")
    return "\n".join(shown)


def bar_chart_svg(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    value_label: Callable[[float], str] | None = None,
    width: int = 480,
) -> str:
    """A horizontal bar chart as a standalone SVG document: no scripts, no external assets, text escaped."""
    label_of = value_label or (lambda value: format_number(value))
    bar_height, gap, top, left, right = 22, 8, 36, 130, 110
    height = top + len(items) * (bar_height + gap) + 8
    largest = max((abs(float(value)) for _, value in items), default=0.0) or 1.0
    span = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * (bar_height + gap)
        length = max(1.0, span * abs(float(value)) / largest) if value else 0.0
        text_y = y + bar_height / 2 + 4
        parts.append(f'<text x="{left - 6}" y="{text_y:.0f}" text-anchor="end">{escape(str(label)[:24])}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#2f6fb0" rx="2"/>')
        parts.append(f'<text x="{left + length + 6:.1f}" y="{text_y:.0f}">{escape(label_of(float(value)))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
