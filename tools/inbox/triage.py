"""Inbox triage: each inbound client message's topic and urgency, as the bank's POL-INBOX defines them.

A message becomes one feature row — the multilingual-e5 vector of its first ``EMBED_WORDS`` words (what it is
about, across languages) and hashed counts of all its words and character n-grams (how it is written: shorthand,
Vietnamese without diacritics) — and two softmax regressions give the topic (8 labels) and the urgency (3).

The corpus (``data/triage_examples.jsonl``: ``{"text", "topic", "urgency"}`` a line) was written by helper
sessions acting as teachers from DOC-POL-INBOX's definitions, kept apart from every set that measures the triage.
``python -m tools.inbox.triage build`` retrains the shipped weights. Without weights that match the corpus and
the embeddings model the triage says it cannot read (``TriageNotReady``): a guess would be a confident wrong
answer in the RM's inbox.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tools.core.learning import (
    ADAM_EPSILON,
    HASH_DIM,
    ITERATIONS,
    L2_PENALTY,
    build_command,
    file_sha256,
    hashed_grams,
    read_jsonl,
    softmax,
    train,
    write_manifest,
)
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.routing.learned import E5_WEIGHT, embed

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "triage_examples.jsonl"
WEIGHTS = DATA / "triage.npz"
MANIFEST = DATA / "triage.json"
REBUILD = "python -m tools.inbox.triage build"

#: DOC-POL-INBOX's topics, in its order of precedence, and its urgencies.
TOPICS = (
    "card_issue", "transfer_issue", "complaint", "loan_request", "account_details", "product_inquiry",
    "appointment", "other",
)  # fmt: skip
URGENCIES = ("high", "normal", "low")
#: What the embeddings read of a message: its first words (a client says what is wrong first; the model's time
#: grows with the text).
EMBED_WORDS = 64


class TriageNotReady(RuntimeError):
    """The shipped weights are missing or do not match their corpus or the embeddings model."""


@dataclass(frozen=True)
class Triage:
    topic: str
    urgency: str
    #: The two probabilities the readings were given.
    topic_confidence: float
    urgency_confidence: float


def _settings() -> dict[str, Any]:
    return {"hash_dim": HASH_DIM, "embed_words": EMBED_WORDS, "e5_weight": E5_WEIGHT, "l2_penalty": L2_PENALTY,
            "iterations": ITERATIONS, "adam_epsilon": ADAM_EPSILON, "topics": list(TOPICS),
            "urgencies": list(URGENCIES)}  # fmt: skip


def corpus_hash(path: Path = CORPUS) -> str:
    return file_sha256(path)


def features(embeddings: LocalE5Embeddings, texts: list[str], batch: int = 32) -> np.ndarray:
    heads = [" ".join(text.split()[:EMBED_WORDS]) for text in texts]
    meaning = np.vstack([embed(embeddings, heads[i : i + batch]) for i in range(0, len(heads), batch)])
    surface = np.vstack([hashed_grams(text) for text in texts])
    return np.hstack([E5_WEIGHT * meaning.astype(np.float32), surface])


class TriageReader:
    """The two heads over one feature row per message."""

    def __init__(
        self,
        topic: tuple[np.ndarray, np.ndarray],
        urgency: tuple[np.ndarray, np.ndarray],
        embeddings: LocalE5Embeddings,
    ) -> None:
        self.topic = topic
        self.urgency = urgency
        self.embeddings = embeddings

    def read_many(self, texts: list[str]) -> list[Triage]:
        if not texts:
            return []
        rows = features(self.embeddings, texts)
        topics = softmax(rows @ self.topic[0].astype(np.float32) + self.topic[1])
        urgencies = softmax(rows @ self.urgency[0].astype(np.float32) + self.urgency[1])
        return [
            Triage(TOPICS[int(t.argmax())], URGENCIES[int(u.argmax())], float(t.max()), float(u.max()))
            for t, u in zip(topics, urgencies, strict=True)
        ]

    @classmethod
    def from_corpus(cls, examples: list[dict[str, Any]], embeddings: LocalE5Embeddings) -> TriageReader:
        rows = features(embeddings, [str(example["text"]) for example in examples])
        topic = train(rows, np.array([TOPICS.index(e["topic"]) for e in examples]), len(TOPICS))
        urgency = train(rows, np.array([URGENCIES.index(e["urgency"]) for e in examples]), len(URGENCIES))
        return cls(topic, urgency, embeddings)


_reader: TriageReader | None = None
_reader_lock = threading.Lock()


def shipped_reader() -> TriageReader:
    """The reader over the shipped weights (loaded on first use); ``TriageNotReady`` when they do not match."""
    global _reader
    with _reader_lock:
        if _reader is None:
            if not (CORPUS.is_file() and WEIGHTS.is_file() and MANIFEST.is_file()):
                raise TriageNotReady(f"the triage's corpus or weights are missing: {REBUILD}")
            embeddings = LocalE5Embeddings()
            manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
            current = {"corpus_sha256": corpus_hash(), "model": embeddings.model_id, "settings": _settings()}
            if any(manifest.get(key) != value for key, value in current.items()):
                raise TriageNotReady(f"the triage's weights are out of date: {REBUILD}")
            with np.load(WEIGHTS) as shipped:
                topic = (shipped["topic_w"], shipped["topic_b"])
                urgency = (shipped["urgency_w"], shipped["urgency_b"])
            _reader = TriageReader(topic, urgency, embeddings)
    return _reader


def triage(texts: list[str]) -> list[Triage]:
    """Each message's topic and urgency (``TriageNotReady`` without usable weights)."""
    return shipped_reader().read_many(texts)


def build() -> dict[str, Any]:
    """Train on the corpus and write the weights and their manifest."""
    examples = read_jsonl(CORPUS)
    embeddings = LocalE5Embeddings()
    reader = TriageReader.from_corpus(examples, embeddings)
    np.savez_compressed(
        WEIGHTS,
        topic_w=reader.topic[0].astype(np.float16), topic_b=reader.topic[1],
        urgency_w=reader.urgency[0].astype(np.float16), urgency_b=reader.urgency[1],
    )  # fmt: skip
    per_topic = {topic: sum(e["topic"] == topic for e in examples) for topic in TOPICS}
    per_urgency = {urgency: sum(e["urgency"] == urgency for e in examples) for urgency in URGENCIES}
    return write_manifest(
        MANIFEST, embeddings.model_id, corpus_hash(), _settings(),
        messages=len(examples), per_topic=per_topic, per_urgency=per_urgency,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return build_command(argv, REBUILD, build, "triage weights: {messages} messages, {per_topic}, {per_urgency}")


if __name__ == "__main__":
    sys.exit(main())
