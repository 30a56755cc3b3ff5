"""The small learned pieces' shared parts: hashed surface features and a deterministic softmax regression.

Rows are hashed, log-scaled counts of folded words, word pairs and character 3-/4-grams (unit length):
how a text is written, which carries Vietnamese without diacritics and shorthand ("ko", "dc", "hnay") that
embeddings read poorly. ``train`` is full-batch Adam from zero weights with an L2 penalty, so the same corpus
always gives the same weights (the shipped weights are checked against their corpus by hash).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import re
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tools.core.text import fold, normalize_text

HASH_DIM = 1 << 14
L2_PENALTY = 1e-6
ITERATIONS = 400
LEARNING_RATE = 0.05
#: Adam's floor under the step's denominator, well above float32 rounding noise: a gradient that should be zero
#: (two labels on the same text) moves its weights a little instead of being scaled up to full steps.
ADAM_EPSILON = 1e-6
_WORD = re.compile(r"\w+")


def hashed_grams(text: str, *, salt: str = "", extra: tuple[str, ...] = (), dim: int = HASH_DIM) -> np.ndarray:
    """Hashed counts of the folded words, word pairs, character 3-/4-grams (and ``extra`` tokens); unit length.

    ``salt`` puts the same text in other buckets (a neighbour's words are not the text's own words).
    """
    words = _WORD.findall(fold(normalize_text(text)))
    padded = f" {' '.join(words)} "
    grams = [*words, *(f"{first} {second}" for first, second in itertools.pairwise(words))]
    grams += [f"#{padded[i : i + n]}" for n in (3, 4) for i in range(len(padded) - n + 1)]
    grams += list(extra)
    row = np.zeros(dim, dtype=np.float32)
    for gram in grams:
        row[zlib.crc32(f"{salt}{gram}".encode()) % dim] += 1.0
    row = np.log1p(row)
    length = float(np.linalg.norm(row))
    return row / length if length else row


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    probabilities: np.ndarray = shifted / shifted.sum(axis=-1, keepdims=True)
    return probabilities


def train(
    rows: np.ndarray, targets: np.ndarray, classes: int, *, iterations: int = ITERATIONS
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by full-batch Adam from zero weights (deterministic): weights and biases."""
    weights = np.zeros((rows.shape[1], classes), dtype=np.float32)
    bias = np.zeros(classes, dtype=np.float32)
    onehot = np.eye(classes, dtype=np.float32)[targets]
    moments = [np.zeros_like(weights), np.zeros_like(weights), np.zeros_like(bias), np.zeros_like(bias)]
    for step in range(1, iterations + 1):
        error = softmax(rows @ weights + bias) - onehot
        gradients = (rows.T @ error / len(rows) + L2_PENALTY * weights, error.mean(axis=0))
        for index, (parameter, gradient) in enumerate(zip((weights, bias), gradients, strict=True)):
            first, second = moments[2 * index], moments[2 * index + 1]
            first *= 0.9
            first += 0.1 * gradient
            second *= 0.999
            second += 0.001 * gradient * gradient
            corrected = (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + ADAM_EPSILON)
            parameter -= LEARNING_RATE * corrected
    return weights, bias


def train_choice(
    rows: np.ndarray,
    groups: np.ndarray,
    chosen: np.ndarray,
    none_rows: np.ndarray,
    *,
    iterations: int = ITERATIONS,
) -> tuple[np.ndarray, np.ndarray, float]:
    """A choice among each group's candidates, or none of them (a conditional logit), by full-batch Adam from zero.

    ``rows``: one per candidate; ``groups``: each row's group (0, 1, … in order); ``chosen``: 1 for the right
    candidates (several equal ones share the credit), none in a group means "none of them"; ``none_rows``: one per
    group, what the "none" option reads. Returns the candidates' weights, the "none" option's weights and its bias.
    """
    count = len(none_rows)
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    right_per_group = np.bincount(groups, chosen, minlength=count)
    target = np.where(right_per_group[groups] > 0, chosen / np.maximum(right_per_group[groups], 1), 0.0)
    none_target = (right_per_group == 0).astype(np.float32)
    weights = np.zeros(rows.shape[1], dtype=np.float32)
    none_weights = np.zeros(none_rows.shape[1], dtype=np.float32)
    none_bias = np.zeros(1, dtype=np.float32)
    parameters = (weights, none_weights, none_bias)
    moments = [(np.zeros_like(p), np.zeros_like(p)) for p in parameters]
    for step in range(1, iterations + 1):
        scores, none_scores = rows @ weights, none_rows @ none_weights + none_bias[0]
        top = np.maximum(np.maximum.reduceat(scores, starts), none_scores)
        exp_scores, exp_none = np.exp(scores - top[groups]), np.exp(none_scores - top)
        total = np.bincount(groups, exp_scores, minlength=count) + exp_none
        error = (exp_scores / total[groups] - target) / count
        none_error = (exp_none / total - none_target) / count
        gradients = (
            rows.T @ error + L2_PENALTY * weights,
            none_rows.T @ none_error + L2_PENALTY * none_weights,
            np.array([none_error.sum()], dtype=np.float32),
        )
        for parameter, gradient, (first, second) in zip(parameters, gradients, moments, strict=True):
            first *= 0.9
            first += 0.1 * gradient
            second *= 0.999
            second += 0.001 * gradient * gradient
            corrected = (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + ADAM_EPSILON)
            parameter -= (LEARNING_RATE * corrected).astype(np.float32)
    return weights, none_weights, float(none_bias[0])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """A teachers' corpus: one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def weights_problem(corpus: Path, weights: Path, manifest: Path, settings: dict[str, Any]) -> str | None:
    """Why shipped weights cannot be used ("missing" or "out of date"), or None when they match their corpus."""
    if not (corpus.is_file() and weights.is_file() and manifest.is_file()):
        return "missing"
    written = json.loads(manifest.read_text(encoding="utf-8"))
    if written.get("corpus_sha256") != file_sha256(corpus) or written.get("settings") != settings:
        return "out of date"
    return None


def learned_piece_main(
    argv: list[str] | None, module: str, build: Callable[[], dict[str, Any]], evaluate: Callable[[], Any], what: str
) -> int:
    """``python -m <module> build|evaluate``: retrain the shipped weights, or score each teacher held out."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if args == ["build"]:
        manifest = build()
        sys.stderr.write(f"{what}: {manifest['notes']} notes\n")
        return 0
    if args == ["evaluate"]:
        sys.stdout.write(json.dumps(evaluate(), indent=1) + "\n")
        return 0
    sys.stderr.write(f"usage: python -m {module} build|evaluate\n")
    return 2


def build_command(argv: list[str] | None, rebuild: str, build: Callable[[], dict[str, Any]], describe: str) -> int:
    """``python -m <piece> build``: retrain the shipped weights and say what they learned from (``describe`` is
    formatted with the manifest)."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["build"]:
        sys.stderr.write(f"usage: {rebuild}\n")
        return 2
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    manifest = build()
    sys.stderr.write(describe.format(**manifest) + "\n")
    return 0


def write_manifest(
    path: Path, model: str, corpus_sha256: str, settings: dict[str, Any], **counts: Any
) -> dict[str, Any]:
    """What shipped weights were trained from (the embeddings model, the corpus's hash, the settings, its counts)."""
    manifest = {"model": model, "corpus_sha256": corpus_sha256, "settings": settings, **counts}
    path.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest
