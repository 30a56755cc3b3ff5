"""The customer-message classifier and the seed's pipeline steps: masking, zero-shot labels, ambiguous labels
replaced, minorities upsampled to a mid-point; the shipped weights read, stale ones refused."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

from tools.inquiry import classifier
from tools.inquiry.classifier import (
    TOPICS,
    URGENCIES,
    ClassifierNotReady,
    ZeroShot,
    ambiguous,
    generated_examples,
    masked,
    policy_definitions,
    upsampled,
)


def test_personal_data_is_masked_before_a_message_is_read() -> None:
    text = masked("Hi Linh, call me on 0912345678 or an@example.com, card 4111 1111 1111 1111")
    assert "0912345678" not in text and "an@example.com" not in text and "4111" not in text
    assert "<phone>" in text and "<email>" in text


def test_the_definitions_come_from_the_inbox_policy() -> None:
    topics, urgencies = policy_definitions()
    assert tuple(topics) == TOPICS and tuple(urgencies) == URGENCIES
    assert "swallowed by an ATM" in topics["card_issue"] and "today/tomorrow" in urgencies["high"]


def test_the_generated_messages_carry_a_topic_and_no_urgency() -> None:
    examples = generated_examples()
    assert len(examples) >= 100 and {e["urgency"] for e in examples} == {None}
    assert {e["topic"] for e in examples} <= set(TOPICS) and "{" not in "".join(e["text"] for e in examples)


def test_minorities_are_upsampled_to_the_mid_point_not_to_the_top() -> None:
    labels = ["a"] * 10 + ["b"] * 8 + ["c"] * 2 + ["d"] * 4
    counts = Counter(labels[i] for i in upsampled(labels, random.Random(0)))
    assert counts == {"a": 10, "b": 8, "c": 6, "d": 6}  # (10 + 2) // 2 = 6; the two largest stay as they are


def test_a_label_the_other_folds_contradict_is_replaced() -> None:
    rng = np.random.default_rng(0)
    rows = np.vstack([rng.normal(-3, 0.3, (40, 4)), rng.normal(3, 0.3, (40, 4))]).astype(np.float32)
    labels = ["low"] * 40 + ["high"] * 40
    labels[5] = "high"  # a "low" message written down as high
    found = ambiguous(rows, labels, ["high", "low"], random.Random(0))
    assert [(index, old, new) for index, old, new, _ in found] == [(5, "high", "low")]


class _Fake:
    """Embeddings that put a text on the axis of the first keyword it holds."""

    model_id = "fake"
    words = ("card", "loan", "thanks")

    def _vector(self, text: str) -> list[float]:
        return [1.0 if word in text else 0.01 for word in self.words]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def test_zero_shot_reads_the_nearest_definition() -> None:
    reader = ZeroShot(_Fake(), {"card_issue": "a card blocked", "loan_request": "a new loan", "other": "thanks"})  # type: ignore[arg-type]
    assert [label for label, _ in reader.read(["my card is stuck", "thanks a lot"])] == ["card_issue", "other"]


def test_the_shipped_weights_read_and_stale_ones_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    (reading,) = classifier.classify(["Tôi bị mất thẻ ở Singapore, khóa giúp tôi ngay"])
    assert reading.topic == "card_issue" and reading.urgency == "high" and 0 < reading.confidence <= 1
    monkeypatch.setattr(classifier, "_shipped", None)
    monkeypatch.setattr(classifier, "_sources_hash", lambda: "another corpus")
    with pytest.raises(ClassifierNotReady, match="out of date"):
        classifier.shipped_classifier()
