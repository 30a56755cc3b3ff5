"""The coverage check reads a request's modifiers and an understood-as line with one table, in EN and VI."""

from __future__ import annotations

import pytest

from tools.routing.coverage import concepts, uncovered


@pytest.mark.parametrize(
    ("request_text", "keys"),
    [
        ("average AUM of my Diamond clients", ["aggregate:average", "segment:Diamond"]),
        ("AUM by product type", ["by:product"]),
        ("big inflows last week", ["period:last_week"]),
        ("AUM trung binh cua khach hang kim cuong", ["aggregate:average", "segment:Diamond"]),
        ("danh sách khách hàng hạng vàng ở Hà Nội", ["list:clients", "segment:Gold", "city:Hanoi"]),
        ("tiền gửi mới tuần trước theo từng tháng", ["period:last_week", "by:month"]),
        ("what is my AUM", []),
    ],
)
def test_the_modifiers_of_a_request_are_found(request_text: str, keys: list[str]) -> None:
    assert sorted(concept.key for concept in concepts(request_text)) == sorted(keys)


def test_what_the_answer_did_not_carry_is_named_in_the_requests_own_words() -> None:
    missing = uncovered("Average AUM of my DIAMOND clients by product type", "AUM – Diamond")
    assert [(concept.key, concept.words) for concept in missing] == [
        ("aggregate:average", "Average"),
        ("by:product", "by product type"),
    ]
    assert uncovered("average AUM of my Diamond clients", "Average AUM per client – Diamond") == []
    assert uncovered("AUM tháng trước", "AUM · tháng trước (01/10/2025 – 31/10/2025)") == []
