"""The one JSON encoding (``tools.core.encoding.to_json``): each kind of value, pinned."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from pydantic import BaseModel

from tools.core.encoding import to_json

HANOI = dt.timezone(dt.timedelta(hours=7))


class Proposal(BaseModel):
    amount: Decimal
    due_on: dt.date


GOLDEN: list[tuple[str, Any, Any]] = [
    ("none", None, None),
    ("true", True, True),
    ("int", 42, 42),
    ("big int", 10**20, 10**20),
    ("text", "Chúc mừng", "Chúc mừng"),
    ("float", 1.5, 1.5),
    ("nan", float("nan"), "nan"),
    ("infinity", float("inf"), "inf"),
    ("minus infinity", float("-inf"), "-inf"),
    ("whole decimal", Decimal("7370000000.00"), 7370000000),
    ("decimal", Decimal("12.50"), 12.5),
    ("decimal nan", Decimal("NaN"), "NaN"),
    ("decimal infinity", Decimal("-Infinity"), "-Infinity"),
    ("date", dt.date(2025, 10, 24), "2025-10-24"),
    ("datetime", dt.datetime(2025, 10, 24, 10, 0, tzinfo=HANOI), "2025-10-24T10:00:00+07:00"),
    ("time", dt.time(9, 30), "09:30:00"),
    ("duration", dt.timedelta(days=1, seconds=30), 86430.0),
    ("bytes", b"\x00\xff", "00ff"),
    ("memoryview", memoryview(b"ab"), "6162"),
    ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678-1234-5678-1234-567812345678"),
    ("human message", HumanMessage("hello"), {"role": "human", "content": "hello"}),
    ("ai message", AIMessage("hi, Ha"), {"role": "ai", "content": "hi, Ha"}),
    ("system message", SystemMessage("be brief"), {"role": "system", "content": "be brief"}),
    (
        "message with content blocks",
        AIMessage(content=[{"type": "text", "text": "two "}, {"type": "text", "text": "parts"}]),
        {"role": "ai", "content": "two parts"},
    ),
    ("tool message", ToolMessage("42 rows", tool_call_id="t1"), {"role": "tool", "content": "42 rows"}),
    (
        "pydantic model",
        Proposal(amount=Decimal("800000000"), due_on=dt.date(2025, 10, 29)),
        {"amount": "800000000", "due_on": "2025-10-29"},
    ),
    ("dict with other keys", {1: Decimal("2"), "at": dt.date(2025, 1, 2)}, {"1": 2, "at": "2025-01-02"}),
    ("tuple", (1, Decimal("0.5"), None), [1, 0.5, None]),
    ("set", {"only"}, ["only"]),
    (
        "nested",
        {"messages": [HumanMessage("x")], "result": {"rows": [(Decimal("1"), b"\x01")]}},
        {"messages": [{"role": "human", "content": "x"}], "result": {"rows": [[1, "01"]]}},
    ),
    ("anything else", Exception("odd"), "odd"),
]


@pytest.mark.parametrize(("value", "expected"), [(v, e) for _, v, e in GOLDEN], ids=[name for name, _, _ in GOLDEN])
def test_each_kind_of_value(value: Any, expected: Any) -> None:
    encoded = to_json(value)
    assert encoded == expected
    assert type(encoded) is type(expected)


def test_the_result_is_strict_json() -> None:
    encoded = to_json([value for _, value, _ in GOLDEN])
    assert json.loads(json.dumps(encoded, allow_nan=False)) == encoded
