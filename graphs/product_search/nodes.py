"""The product search's steps: the need (refined by the thread's earlier ones) → ``tools.products.search`` → answer."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.product_search import copy
from graphs.product_search.state import ProductSearchState
from graphs.turn import covered, read_text, turn
from tools.core.text import fold
from tools.products.search import search_products

#: A follow-up refines the last need ("cheaper?", "không phí thường niên?"); a new need starts over.
_FOLLOW_UP = re.compile(r"^(?:and |what about |how about |con |the |vay |or )?(?:cheaper|lower|no |without|khong |"
                        r"it |re |mien |chi |only |just |but |nhung )")  # fmt: skip
MAX_NEEDS = 3


def _addresses_someone(query: str) -> bool:
    """ "chị Lan …", "chi Lan Diamond …": a new client's need, not "chỉ …" (only …) refining the last one."""
    words = query.split()
    return bool(words) and (words[0].lower() in ("chị", "anh", "em", "cô", "chú", "ông", "bà", "mr", "ms", "mrs")
                            or (fold(words[0]) in ("chi", "anh", "co", "chu", "ong", "ba") and len(words) > 1
                                and words[1][:1].isupper()))  # fmt: skip


def search(state: ProductSearchState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    query = read_text(state["query"])
    earlier = list(state.get("needs") or [])
    refining = bool(earlier) and not _addresses_someone(query) and (
        len(query.split()) <= 6 or bool(_FOLLOW_UP.search(fold(query))))  # fmt: skip
    previous = earlier[-MAX_NEEDS:] if refining else []
    found = search_products(runtime.context.database(), query, previous=previous)
    return {"query": query, "language": found.language, "found": {**found.as_json(), "refines": previous},
            "needs": [*previous, query]}  # fmt: skip


def answer(state: ProductSearchState) -> dict[str, Any]:
    found = state["found"]
    language = found["language"]
    result = {"products": found["products"], "applied": found["applied"], "refines": found["refines"]}
    reply = turn(copy.ranked(found, language), result=result, language=language,
                 citations=[item["document_id"] for item in found["products"] if item.get("document_id")],
                 understood_as=copy.understood_as(found, language))  # fmt: skip
    return covered(state["query"], reply)
