"""What the rooms' tests share: the small bank with its search indexes built (hashed embeddings, fast)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stores.db import Database
from tools.core.llm.embeddings import load_embeddings
from tools.knowledge.retrieval import build_indexes

#: The small bank's today (tests/fixtures/small_bank.json), a Friday.
SMALL_BANK_TODAY = dt.date(2025, 10, 24)


@pytest.fixture
def indexed(bank_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The small bank on each backend, its indexes in a folder of the test's own."""
    monkeypatch.setenv("AGENTIFY_EMBEDDINGS", "hash")
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "indexes"))
    build_indexes(bank_db, today=SMALL_BANK_TODAY, embeddings=load_embeddings())
    return bank_db
