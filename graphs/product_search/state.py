"""What the product search carries on a thread: the needs said so far and the products found (plain JSON)."""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.turn import RequestText, TurnOutput


class ProductSearchInput(TypedDict):
    query: RequestText


class ProductSearchState(TurnOutput, total=False):
    query: Required[str]
    #: The earlier needs of this thread ("a card for travel", then "cheaper?"): a follow-up refines them.
    needs: list[str]
    found: dict[str, Any]
