"""The one JSON encoding of values: query cells, CRM rows, graph state, cards, run results.

Everything that leaves the bank's store or a graph as JSON (the HTTP layer, the CLI, the query guard's
cells, the CRM API's rows, the nightly's client cards) goes through ``to_json``, so the same value reads
the same wherever it is shown:

- ``None``, booleans, integers and strings as they are;
- floats as they are, but NaN and ±infinity as text (``"nan"``, ``"inf"``): JSON has no such numbers;
- ``Decimal`` (PostgreSQL sums and averages) as an integer when whole, else a float; non-finite as text;
- dates, datetimes and times as ISO 8601 text; durations as seconds;
- bytes as hex;
- chat messages as ``{"role", "content"}``;
- pydantic models as their JSON dump;
- dicts as objects (keys as text), lists, tuples and sets as arrays, item by item;
- anything else (a UUID, …) as its ``str``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from langchain_core.messages import BaseMessage
from pydantic import BaseModel


def _message(message: BaseMessage) -> dict[str, Any]:
    content = message.content if isinstance(message.content, str) else message.text
    return {"role": message.type, "content": content}


def to_json(value: Any) -> Any:
    """``value`` as plain JSON (see the module's list of value kinds)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, BaseMessage):
        return _message(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(item) for item in value]
    return str(value)
