"""The learned router: a softmax classifier over what a message means and how it is written.

The labelled corpus (``tools/routing/data/examples.jsonl``: ``{"text", "intent"}`` a line) was written by
helper sessions acting as teachers, in every style RMs write (English, Vietnamese with and without
diacritics, Zalo shorthand, typos, code-mixing, long pasted notes); it is kept apart from every set that
measures the router.

A message becomes one feature row (``features``):

- the multilingual-e5 vector (``query:`` form, weighted by ``E5_WEIGHT``) of the message, or of a longer
  message's first ``HEAD_WORDS`` and last ``TAIL_WORDS`` words joined: what it means, across languages. RMs
  paste a meeting recap or a client's message and put the request at the end, and the request decides the use
  case; one span of at most ``EMBED_WORDS`` words keeps the model's time (which grows with the text) near 15 ms;
- hashed counts of its folded words, word pairs and character 3- and 4-grams (``HASH_DIM`` buckets, log-scaled,
  unit length): how it is written, which carries Vietnamese without diacritics and shorthand ("ko", "dc",
  "hnay") that the embeddings read poorly.

A multinomial logistic regression (``train``: full-batch Adam with an L2 penalty, deterministic) maps the row
to a probability per intent. Trained on five teachers' corpora and tested on the sixth's (each in turn), it
read 0.95 of the messages right; on two corpora, nearest neighbours over the embeddings alone got 0.81-0.83
where this classifier got 0.92-0.94. The blind sets' first runs are in ``evals/datasets/intent/README.md``.

The weights ship beside the corpus (``weights.npz``) with a manifest naming the embeddings model, the corpus
hash and the settings; ``python -m tools.routing.learned build`` retrains them (about three minutes on two cores)
and a test fails when they disagree with the corpus.
"""

from __future__ import annotations

import hashlib
import json
import logging
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
    hashed_grams,
    softmax,
    train,
    write_manifest,
)
from tools.core.llm.embeddings import LocalE5Embeddings, normalize

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA / "examples.jsonl"
WEIGHTS = DATA / "weights.npz"
MANIFEST = DATA / "manifest.json"
REBUILD = "python -m tools.routing.learned build"

#: Feature settings and training settings, chosen by training on one teacher's corpus and testing on another's.
#: The words of a message the embeddings model reads: all of a short one; of a longer one, its start and its end.
#: Chosen on blind development sets and held-out "context, then the ask" messages: reading the end as well moved
#: wrong routes from 0.040 to 0.005-0.025; one joined span scores as two separate vectors did at half the time.
EMBED_WORDS = 16
HEAD_WORDS = 6
TAIL_WORDS = 10
E5_WEIGHT = 2.0


class RouterNotReady(RuntimeError):
    """The shipped weights do not match the corpus (retrain them) or are missing."""


@dataclass(frozen=True)
class Reading:
    """The intents a message reads as, most likely first, with their probabilities."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def best(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    @property
    def margin(self) -> float:
        """How far the best reading is ahead of the second."""
        return self.ranked[0][1] - (self.ranked[1][1] if len(self.ranked) > 1 else 0.0)

    def probability(self, intent: str) -> float:
        return next((p for label, p in self.ranked if label == intent), 0.0)


def corpus_hash(path: Path | None = None) -> str:
    return hashlib.sha256((path or EXAMPLES).read_bytes()).hexdigest()


def read_examples(path: Path | None = None) -> list[dict[str, str]]:
    text = (path or EXAMPLES).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _settings() -> dict[str, Any]:
    return {"hash_dim": HASH_DIM, "embed_words": EMBED_WORDS, "head_words": HEAD_WORDS, "tail_words": TAIL_WORDS,
            "e5_weight": E5_WEIGHT, "l2_penalty": L2_PENALTY, "iterations": ITERATIONS,
            "adam_epsilon": ADAM_EPSILON}  # fmt: skip


def surface_features(text: str) -> np.ndarray:
    """How the message is written (``tools.core.learning.hashed_grams``)."""
    return hashed_grams(text)


def embed(embeddings: LocalE5Embeddings, texts: list[str]) -> np.ndarray:
    """Messages as unit rows in the ``query:`` form."""
    with embeddings._lock:  # the model's C engine keeps per-model scratch state
        rows = np.asarray(embeddings._loaded().query(texts))
    return normalize(rows.reshape(len(texts), -1))


def span(text: str) -> str:
    """What the embeddings read: the whole message, or its first ``HEAD_WORDS`` and last ``TAIL_WORDS`` words."""
    words = text.split()
    return " ".join(words if len(words) <= EMBED_WORDS else words[:HEAD_WORDS] + words[-TAIL_WORDS:])


def features(embeddings: LocalE5Embeddings, texts: list[str], batch: int = 64) -> np.ndarray:
    """One row per text: the weighted e5 vector of its span, then the surface counts of all of it."""
    spans = [span(text) for text in texts]
    meaning = np.vstack([embed(embeddings, spans[i : i + batch]) for i in range(0, len(spans), batch)])
    surface = np.vstack([surface_features(text) for text in texts])
    return np.hstack([E5_WEIGHT * meaning.astype(np.float32), surface])


class LearnedRouter:
    """The trained weights and the embeddings model, loaded once per process."""

    def __init__(
        self, intents: list[str], weights: np.ndarray, bias: np.ndarray, embeddings: LocalE5Embeddings
    ) -> None:
        self.intents = list(intents)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.embeddings = embeddings

    def read_many(self, texts: list[str]) -> list[Reading]:
        probabilities = softmax(features(self.embeddings, texts) @ self.weights + self.bias)
        readings = []
        for row in probabilities:
            order = np.argsort(-row)
            readings.append(Reading(tuple((self.intents[i], float(row[i])) for i in order)))
        return readings

    def read(self, text: str) -> Reading:
        return self.read_many([text])[0]

    @classmethod
    def from_examples(cls, examples: list[dict[str, str]], embeddings: LocalE5Embeddings) -> LearnedRouter:
        """A router trained on ``examples`` now (``build`` for the shipped corpus; tests for a small one)."""
        intents = sorted({example["intent"] for example in examples})
        rows = features(embeddings, [example["text"] for example in examples])
        targets = np.array([intents.index(example["intent"]) for example in examples])
        weights, bias = train(rows, targets, len(intents))
        return cls(intents, weights, bias, embeddings)


_router: LearnedRouter | None = None
_router_lock = threading.Lock()


def shipped_router() -> LearnedRouter:
    """The router over the shipped weights (loaded on first use); ``RouterNotReady`` if they disagree."""
    global _router
    if _router is None:
        with _router_lock:
            if _router is None:
                if not (EXAMPLES.is_file() and WEIGHTS.is_file() and MANIFEST.is_file()):
                    raise RouterNotReady(f"the router's corpus or weights are missing: {REBUILD}")
                manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
                embeddings = LocalE5Embeddings()
                current = {"corpus_sha256": corpus_hash(), "model": embeddings.model_id, "settings": _settings()}
                if any(manifest.get(key) != value for key, value in current.items()):
                    raise RouterNotReady(f"the router's weights are out of date: {REBUILD}")
                with np.load(WEIGHTS) as shipped:
                    intents = [str(label) for label in shipped["intents"]]
                    _router = LearnedRouter(intents, shipped["weights"], shipped["bias"], embeddings)
    return _router


def build() -> dict[str, Any]:
    """Train on the corpus and write the weights and their manifest."""
    examples = read_examples()
    embeddings = LocalE5Embeddings()
    router = LearnedRouter.from_examples(examples, embeddings)
    np.savez_compressed(
        WEIGHTS, intents=np.array(router.intents), weights=router.weights.astype(np.float16), bias=router.bias
    )
    counts = {intent: sum(1 for e in examples if e["intent"] == intent) for intent in router.intents}
    return write_manifest(
        MANIFEST, embeddings.model_id, corpus_hash(), _settings(), examples=len(examples), per_intent=counts
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.routing.learned build``."""
    return build_command(argv, REBUILD, build, "router weights: {examples} examples, {model}")


if __name__ == "__main__":
    sys.exit(main())
