"""The inquiry bot's knowledge base: product sheets and past resolutions, versioned; never the internal policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stores.db import Database
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.inquiry.knowledge import KnowledgeBase, KnowledgeBaseNotReady, build_knowledge_base


def test_a_service_question_gets_a_past_resolution(
    bank_db: Database, tmp_path: Path, embeddings: LocalE5Embeddings
) -> None:
    summary = build_knowledge_base(bank_db, root=tmp_path, embeddings=embeddings)
    assert summary["sheets"] == 1 and summary["resolutions"] >= 30  # the small bank's one product sheet
    base = KnowledgeBase(bank_db, root=tmp_path, embeddings=embeddings)
    found = base.answer("The ATM swallowed my card, how do I get it back?")
    assert found.answered and found.sources == ["TR-02"] and "1800 588 868" in found.text  # "swallowed": "nuốt"
    sheet = base.answer("What is the rate of the 12-month CD?")
    assert sheet.answered and sheet.sources == ["DOC-P-CD12"]


def test_internal_policies_are_not_public(bank_db: Database, tmp_path: Path, embeddings: LocalE5Embeddings) -> None:
    build_knowledge_base(bank_db, root=tmp_path, embeddings=embeddings)
    found = KnowledgeBase(bank_db, root=tmp_path, embeddings=embeddings).answer(
        "What are your rules for messages to clients about guaranteed returns?"
    )
    assert "DOC-POL-COMMS" not in found.sources


def test_a_base_built_from_other_sources_is_not_used(
    bank_db: Database, tmp_path: Path, embeddings: LocalE5Embeddings
) -> None:
    with pytest.raises(KnowledgeBaseNotReady, match="agentify inquiry build-kb"):
        KnowledgeBase(bank_db, root=tmp_path, embeddings=embeddings)
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "X-1", "language": "en", "topic": "other", "title": "t", "turns": [],
                                 "resolution": "r"}) + "\n", encoding="utf-8")  # fmt: skip
    build_knowledge_base(bank_db, root=tmp_path, embeddings=embeddings, transcripts=other)
    with pytest.raises(KnowledgeBaseNotReady, match="out of date"):
        KnowledgeBase(bank_db, root=tmp_path, embeddings=embeddings)
