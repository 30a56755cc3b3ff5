"""A client's features built by hand: the engines' tests state exactly the facts they reason about."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tools.signals.features import ClientFeatures

TODAY = dt.date(2026, 6, 17)


def client(client_id: str = "C1", **changes: Any) -> ClientFeatures:
    base: dict[str, Any] = {
        "client_id": client_id, "rm_id": "RM1", "full_name": f"Client {client_id}", "honorific": "Anh",
        "segment": "Gold", "risk_profile": "balanced", "city": "Hà Nội", "age": 40, "born": dt.date(1986, 1, 10),
        "occupation": "", "language": "vi", "preferred_channel": "zalo",
    }  # fmt: skip
    base.update(changes)
    return ClientFeatures(**base)


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def weekly(logins_before: int, logins_recent: int, weeks_before: int = 8, weeks_recent: int = 4) -> list[Any]:
    """Weekly logins, oldest first: ``weeks_before`` weeks at one level, then the last ``weeks_recent`` at another."""
    total = weeks_before + weeks_recent
    return [(TODAY - dt.timedelta(days=7 * (total - i)), logins_before if i < weeks_before else logins_recent)
            for i in range(total)]  # fmt: skip
