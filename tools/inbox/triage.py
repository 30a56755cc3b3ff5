"""Inbox triage: each inbound client message's topic and urgency, as the bank's POL-INBOX defines them.

The RM's inbox and the public chat read customer messages with one classifier, ``tools.inquiry.classifier``
(trained here on the multilingual-e5 encoder with seed 001's pipeline: masking, zero-shot labels, ambiguous labels
replaced, minorities upsampled). The teachers' messages to RMs it learns from are ``data/triage_examples.jsonl``.
Without weights that match its corpus and encoder the triage says it cannot read (``TriageNotReady``): a guess
would be a confident wrong answer in the RM's inbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.inquiry.classifier import INBOX_CORPUS as CORPUS
from tools.inquiry.classifier import REBUILD, TOPICS, URGENCIES, ClassifierNotReady, classify

__all__ = ["CORPUS", "REBUILD", "TOPICS", "URGENCIES", "Triage", "TriageNotReady", "triage"]


class TriageNotReady(RuntimeError):
    """The classifier's weights are missing or do not match its corpus and encoder."""


@dataclass(frozen=True)
class Triage:
    topic: str
    urgency: str
    #: The two probabilities the readings were given.
    topic_confidence: float
    urgency_confidence: float


def triage(texts: list[str]) -> list[Triage]:
    """Each message's topic and urgency (``TriageNotReady`` without usable weights)."""
    try:
        readings = classify(texts)
    except ClassifierNotReady as error:
        raise TriageNotReady(str(error)) from error
    return [Triage(r.topic, r.urgency, r.topic_confidence, r.urgency_confidence) for r in readings]
