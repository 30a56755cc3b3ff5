"""The documents a whole night of drafts needs, read in bulk without an index: policy sections per event
kind (by the words they share) and the first section of each product's sheet."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from stores.db import Database
from stores.schema import Document
from tools.core.text import fold
from tools.knowledge.retrieval import chunk_markdown

MAX_SNIPPETS = 2
#: Words that make a policy section relevant to an event kind's message (folded).
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "birthday": ("birthday", "sinh nhat", "greeting", "contact", "lien he", "communication"),
    "cd_maturity": ("deposit", "tien gui", "maturity", "dao han", "rate", "lai suat", "renew"),
    "loan_maturity": ("loan", "khoan vay", "maturity", "dao han", "repay"),
    "large_deposit": ("investment", "dau tu", "suitab", "phu hop", "risk", "rui ro", "deposit"),
    "inactive": ("contact", "lien he", "communication", "frequency", "privacy"),
}
_COMMON_WORDS = ("guarantee", "dam bao", "cam ket", "pressure", "disclaimer", "personal data", "du lieu ca nhan")


def policy_snippets(database: Database, kinds: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The policy sections most relevant to each kind's message, by the words they share (folded)."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(Document.id, Document.title, Document.body).where(Document.kind == "policy").order_by(Document.id)
        ).all()
    chunks = [chunk for row in rows for chunk in chunk_markdown(row.id, row.title, row.body)]
    folded = [fold(f"{chunk.title} {chunk.section or ''} {chunk.text}") for chunk in chunks]
    found: dict[str, list[dict[str, Any]]] = {}
    for kind in kinds:
        words = (*_KIND_WORDS.get(kind, ()), *_COMMON_WORDS)
        scored = sorted(
            ((sum(text.count(word) for word in words), index) for index, text in enumerate(folded)),
            key=lambda pair: (-pair[0], pair[1]),
        )
        found[kind] = [
            {"id": chunks[index].id, "kind": "policy", "title": chunks[index].title, "text": chunks[index].text}
            for score, index in scored[:MAX_SNIPPETS]
            if score > 0
        ]
    return found


def product_sheets(database: Database, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The first section of each product's latest sheet, by product code."""
    wanted = sorted({code for code in codes if code})
    if not wanted:
        return {}
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(Document.id, Document.title, Document.body, Document.product_code)
            .where(Document.kind == "product", Document.product_code.in_(wanted))
            .order_by(Document.effective_on.desc(), Document.id)
        ).all()
    sheets: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row.product_code in sheets:
            continue  # the latest sheet of the product
        chunks = chunk_markdown(row.id, row.title, row.body)
        if chunks:
            sheets[row.product_code] = {"id": chunks[0].id, "kind": "product", "title": row.title,
                                        "text": chunks[0].text}  # fmt: skip
    return sheets
