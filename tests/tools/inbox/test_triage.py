"""The inbox reads messages with the customer-message classifier: its labels, and an honest refusal without it."""

from __future__ import annotations

import pytest

from tools.inbox import triage
from tools.inquiry.classifier import ClassifierNotReady


def test_a_blocked_card_abroad_is_an_urgent_card_issue() -> None:
    (reading,) = triage.triage(["Chị ơi thẻ của em lại bị khóa khi đi Singapore, giúp em với gấp!"])
    assert (reading.topic, reading.urgency) == ("card_issue", "high") and 0 < reading.topic_confidence <= 1


def test_without_the_classifier_the_triage_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(texts: list[str]) -> list[object]:
        raise ClassifierNotReady("the inquiry classifier's weights are missing")

    monkeypatch.setattr(triage, "classify", missing)
    with pytest.raises(triage.TriageNotReady, match="weights are missing"):
        triage.triage(["hello"])
