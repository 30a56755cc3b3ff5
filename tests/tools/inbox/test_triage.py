"""The triage engine: the shipped weights match their corpus, the same corpus trains the same heads, and stale
weights are refused rather than guessed with."""

from __future__ import annotations

import numpy as np
import pytest

from tools.core.llm.embeddings import LocalE5Embeddings
from tools.inbox import triage
from tools.inbox.triage import TOPICS, URGENCIES, TriageNotReady, TriageReader


def test_the_same_corpus_trains_the_same_reader() -> None:
    corpus = [
        {"text": "Thẻ của tôi bị khóa ở nước ngoài, giúp tôi gấp", "topic": "card_issue", "urgency": "high"},
        {"text": "Em muốn hỏi lãi suất gửi 12 tháng", "topic": "product_inquiry", "urgency": "normal"},
        {"text": "Cảm ơn em nhiều nhé", "topic": "other", "urgency": "low"},
    ]
    embeddings = LocalE5Embeddings()
    first, second = TriageReader.from_corpus(corpus, embeddings), TriageReader.from_corpus(corpus, embeddings)
    assert all(
        np.array_equal(a, b) for a, b in zip(first.topic + first.urgency, second.topic + second.urgency, strict=True)
    )
    reading = first.read_many(["Cảm ơn em nhé"])[0]
    assert reading.topic in TOPICS and reading.urgency in URGENCIES


def test_stale_weights_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(triage, "_reader", None)
    monkeypatch.setattr(triage, "corpus_hash", lambda path=None: "another corpus")
    with pytest.raises(TriageNotReady, match="out of date"):
        triage.shipped_reader()


def test_the_shipped_weights_load() -> None:
    assert isinstance(triage.shipped_reader(), TriageReader)
