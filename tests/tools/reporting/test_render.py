"""Target phrases, lists and the SVG chart, as an RM reads them in each language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tools.core.formatting import format_amount
from tools.reporting.render import bar_chart_svg, bullet_list, target_phrase, target_status


def test_target_status() -> None:
    assert target_status(90, 100) == "below"
    assert target_status(100, 100) == "on_target"
    assert target_status(107, 100) == "on_target"
    assert target_status(110, 100) == "exceeding"
    assert target_status(5, None) is None
    assert target_status(5, 0) is None


def test_target_phrases() -> None:
    assert target_phrase(450e9, 420e9, "en") == "On target: 450B of 420B VND (107.1%)"
    assert target_phrase(450e9, 420e9, "vi") == "Đạt chỉ tiêu: 450 tỷ / 420 tỷ (107,1%)"
    assert target_phrase(4.57e9, 5e9, "en") == "Below target: 4.57B of 5B VND (91.4%)"
    assert target_phrase(4.57e9, 5e9, "vi") == "Chưa đạt chỉ tiêu: 4,57 tỷ / 5 tỷ (91,4%)"
    assert target_phrase(30, 20, "en", money=False) == "Exceeding target: 30 of 20 (150%)"
    assert target_phrase(30, 20, "vi", money=False) == "Vượt chỉ tiêu: 30 / 20 (150%)"
    assert target_phrase(120e6, None, "en") == "120M VND (no target set)"
    assert target_phrase(120e6, None, "vi") == "120 triệu (chưa có chỉ tiêu)"


def test_bullet_list_is_capped() -> None:
    assert bullet_list(["a", "b"], "en") == "- a\n- b"
    lines = bullet_list([str(i) for i in range(15)], "en").splitlines()
    assert len(lines) == 11 and lines[-1] == "- … and 5 more"
    assert bullet_list([str(i) for i in range(12)], "vi").splitlines()[-1] == "- … và 2 mục khác"


def test_chart_is_well_formed_svg_with_escaped_text() -> None:
    svg = bar_chart_svg(
        "AUM <by> segment & more",
        [("Diamond", 1.85e9), ("<script>alert(1)</script>", 0.0), ("Gold", 120e6)],
        value_label=lambda value: format_amount(value, "en"),
    )
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = [element.text for element in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "AUM <by> segment & more" in texts
    assert "1.85B VND" in texts and "120M VND" in texts
    assert "<script>" not in svg and not list(root.iter("{http://www.w3.org/2000/svg}script"))
    assert "href" not in svg  # no external assets
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 3


def test_empty_chart_is_still_valid() -> None:
    ET.fromstring(bar_chart_svg("nothing", []))


def test_pace_against_the_time_gone() -> None:
    import datetime as _dt

    from tools.reporting.render import elapsed_share, pace_phrase

    gone = elapsed_share(_dt.date(2025, 10, 1), _dt.date(2025, 12, 31), _dt.date(2025, 11, 30))
    assert gone is not None and round(gone, 3) == round(61 / 92, 3)
    assert pace_phrase(58, 100, gone) == "66.3% of the period gone, 58% of the target: behind pace"
    assert pace_phrase(70, 100, gone, "vi").endswith("đúng tiến độ")
    assert pace_phrase(1, 100, elapsed_share(_dt.date(2025, 1, 1), _dt.date(2025, 3, 31), _dt.date(2025, 6, 1))) == ""
