"""The learned need reader of product search: which of the bank's products an RM's words ask for.

Teachers (helper sessions that never saw the blind sets) wrote labelled requests (``data/needs.jsonl``: ``{"text",
"relevant": [codes, best first]}``) in every style RMs write: English, Vietnamese with and without diacritics, Zalo
shorthand, code-mixing, dictation slips, constraints that change the answer. A softmax regression over the router's
features (``tools.routing.learned.features``: the multilingual-e5 vector of the request's span and the hashed
counts of its written form) maps a request to a probability per product; a request with two needs teaches both
(its row counted once for each). ``tools.products.search`` adds the probability to its TF-IDF and e5 signals; the
bank's rules (risk profile, segment, amount, age, no credit) still decide what may be shown.

The weights are for the catalog they were trained on: a product the bank does not have is ignored, one the model
never saw is scored by the other signals alone. ``python -m tools.products.need_model build`` retrains them; a test
fails when they disagree with the corpus.
"""

from __future__ import annotations

import logging
import sys
import threading
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
    read_jsonl,
    softmax,
    train,
    weights_problem,
    write_manifest,
)
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.routing.learned import E5_WEIGHT, EMBED_WORDS, features

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA / "needs.jsonl"
WEIGHTS = DATA / "needs_weights.npz"
MANIFEST = DATA / "needs_manifest.json"
REBUILD = "python -m tools.products.need_model build"


def _settings() -> dict[str, Any]:
    return {"hash_dim": HASH_DIM, "embed_words": EMBED_WORDS, "e5_weight": E5_WEIGHT, "l2_penalty": L2_PENALTY,
            "iterations": ITERATIONS, "adam_epsilon": ADAM_EPSILON}  # fmt: skip


class NeedModel:
    """Trained weights over the catalog's codes, and the embeddings model."""

    def __init__(self, codes: list[str], weights: np.ndarray, bias: np.ndarray, embeddings: LocalE5Embeddings) -> None:
        self.codes = list(codes)
        self.weights = weights.astype(np.float32)
        self.bias = bias.astype(np.float32)
        self.embeddings = embeddings

    def read(self, text: str) -> dict[str, float]:
        """Product code → how likely the request asks for it."""
        return self.read_many([text])[0]

    def read_many(self, texts: list[str]) -> list[dict[str, float]]:
        """``read`` of each text, embedded in one batch."""
        rows = softmax(features(self.embeddings, texts) @ self.weights + self.bias)
        return [{code: float(probability) for code, probability in zip(self.codes, row, strict=True)} for row in rows]

    @classmethod
    def from_examples(cls, examples: list[dict[str, Any]], embeddings: LocalE5Embeddings) -> NeedModel:
        codes = sorted({code for example in examples for code in example["relevant"]})
        texts = [example["text"] for example in examples for _ in example["relevant"]]
        targets = np.array([codes.index(code) for example in examples for code in example["relevant"]])
        weights, bias = train(features(embeddings, texts), targets, len(codes))
        return cls(codes, weights, bias, embeddings)


_model: NeedModel | None = None
_checked = False
_lock = threading.Lock()


def shipped_model() -> NeedModel | None:
    """The model over the shipped weights (loaded on first use), or None when they are missing or out of date
    (search goes on with its other signals; the test of the weights says so)."""
    global _model, _checked
    if not _checked:
        with _lock:
            if not _checked:
                problem = weights_problem(EXAMPLES, WEIGHTS, MANIFEST, _settings())
                if problem:
                    logger.warning("product search: the need model's weights are %s (%s)", problem, REBUILD)
                else:
                    with np.load(WEIGHTS) as shipped:
                        _model = NeedModel([str(code) for code in shipped["codes"]], shipped["weights"],
                                           shipped["bias"], LocalE5Embeddings())  # fmt: skip
                _checked = True
    return _model


def build() -> dict[str, Any]:
    """Train on the corpus and write the weights and their manifest."""
    examples = read_jsonl(EXAMPLES)
    embeddings = LocalE5Embeddings()
    model = NeedModel.from_examples(examples, embeddings)
    np.savez_compressed(WEIGHTS, codes=np.array(model.codes), weights=model.weights.astype(np.float16),
                        bias=model.bias)  # fmt: skip
    per_code = {code: sum(code in example["relevant"] for example in examples) for code in model.codes}
    return write_manifest(MANIFEST, embeddings.model_id, file_sha256(EXAMPLES), _settings(), examples=len(examples),
                          per_product=per_code)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.products.need_model build``."""
    return build_command(argv, REBUILD, build, "need model weights: {examples} examples, {model}")


if __name__ == "__main__":
    sys.exit(main())
