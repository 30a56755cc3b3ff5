"""The customer-message classifier (seed 001): a message's topic and urgency as DOC-POL-INBOX defines them.

The seed trained a BERT-derived model on its contact centre's transcripts; this one trains two softmax heads on
the multilingual-e5 encoder the project ships (one feature row per message: e5 of the first words
plus hashed word and character n-grams, ``features``), with the seed's improvements as steps of one pipeline:

1. **Corpus**: messages written by helper sessions acting as teachers from DOC-POL-INBOX (RM inboxes, R1–R2 in
   ``tools/inbox/data``; the public chat, R3 in ``data/public_messages.jsonl``), and messages **generated** from the
   demo bank: its inbound-message templates filled in, and the first customer turn of each past contact-centre
   conversation. The generated ones carry a topic (their template's, their conversation's) and no urgency.
2. **Masking before training and prediction**: names, phones, accounts, cards, ids, e-mails and addresses become
   ``<person>``, ``<phone>``… (``tools.policy.masking``), so the model learns what a message is about, never who.
3. **New labels by zero-shot classification**: the urgency the generated messages lack is read zero-shot —
   e5 similarity between the message and each urgency's definition in DOC-POL-INBOX. (The held-out split is
   measured on the teachers' messages only, whose labels are not a model's guess.)
4. **Ambiguous labels replaced**: a 5-fold out-of-fold reading flags an example whose own label gets p < 0.05
   while another gets p ≥ 0.9; its label is replaced by that one (listed in the report).
5. **Minorities upsampled to a mid-point**: the two largest classes are the majority; every other class is
   duplicated (seeded) up to the mid-point between the smallest and the largest class, not to the largest.

``python -m tools.inquiry.classifier build`` trains, measures a stratified 20 % held-out split (accuracy and
macro-F1, before and after the pipeline) and writes the weights; ``agentify inquiry report`` draws the label
distribution and the confidence histograms before and after as PNG charts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tools.core.learning import (
    build_command,
    file_sha256,
    hashed_grams,
    read_jsonl,
    softmax,
    train,
    write_manifest,
)
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.policy.masking import find_pii
from tools.routing.learned import E5_WEIGHT, embed

#: DOC-POL-INBOX's topics, in its order of precedence, and its urgencies.
TOPICS = (
    "card_issue", "transfer_issue", "complaint", "loan_request", "account_details", "product_inquiry",
    "appointment", "other",
)  # fmt: skip
URGENCIES = ("high", "normal", "low")
#: How much of a message the encoder reads (what it is about is said early; the n-grams read all of it).
EMBED_WORDS = 64

DATA = Path(__file__).parent / "data"
#: The teachers' messages to RMs (R1–R2), kept beside the inbox that reads them.
INBOX_CORPUS = Path(__file__).resolve().parents[1] / "inbox" / "data" / "triage_examples.jsonl"
PUBLIC = DATA / "public_messages.jsonl"
WEIGHTS = DATA / "classifier.npz"
MANIFEST = DATA / "classifier.json"
REBUILD = "python -m tools.inquiry.classifier build"
POLICY_ID = "DOC-POL-INBOX"
HELD_OUT = 0.2
FOLDS = 5
#: An example's own label this unlikely, out of fold, while another is this likely: the label is replaced.
AMBIGUOUS_OWN = 0.05
AMBIGUOUS_OTHER = 0.9
SEED = 20251
#: Temperature of the zero-shot reading (e5 cosines sit close together; this spreads them into probabilities).
ZERO_SHOT_SCALE = 50.0


class ClassifierNotReady(RuntimeError):
    """The weights are missing or were trained on another corpus or encoder."""


@dataclass(frozen=True)
class Reading:
    topic: str
    urgency: str
    topic_confidence: float
    urgency_confidence: float

    @property
    def confidence(self) -> float:
        return round(min(self.topic_confidence, self.urgency_confidence), 4)


def features(embeddings: LocalE5Embeddings, texts: list[str], batch: int = 32) -> np.ndarray:
    """One row per message: the e5 vector of its first ``EMBED_WORDS`` words (what it is about, across languages)
    and hashed counts of its words and character n-grams (how it is written: shorthand, no diacritics)."""
    heads = [" ".join(text.split()[:EMBED_WORDS]) for text in texts]
    meaning = np.vstack([embed(embeddings, heads[i : i + batch]) for i in range(0, len(heads), batch)])
    surface = np.vstack([hashed_grams(text) for text in texts])
    return np.hstack([E5_WEIGHT * meaning.astype(np.float32), surface])


# ----- step 2: masking ---------------------------------------------------------------------------------------------


def masked(text: str) -> str:
    """The text with every piece of personal data replaced by its kind (``<phone>``, ``<person>``…)."""
    pieces: list[str] = []
    last = 0
    for span in find_pii(text):
        pieces += [text[last : span.start], f"<{span.kind}>"]
        last = span.end
    return "".join([*pieces, text[last:]])


# ----- step 1: the corpus ------------------------------------------------------------------------------------------


def policy_definitions() -> tuple[dict[str, str], dict[str, str]]:
    """(topic → definition, urgency → definition) from the demo bank's DOC-POL-INBOX, as its bullets write them."""
    from stores.demo_bank.catalog import document_rows

    body = next(row["body"] for row in document_rows(dt.date(2025, 1, 1)) if row["id"] == POLICY_ID)
    found = dict(re.findall(r"^- `(\w+)` — (.+?)(?=^- `|^\s*$|^#|\Z)", body, flags=re.M | re.S))
    definitions = {label: " ".join(text.split()) for label, text in found.items()}
    return ({label: definitions[label] for label in TOPICS}, {label: definitions[label] for label in URGENCIES})


def _transcripts() -> list[dict[str, Any]]:
    path = Path(__file__).resolve().parents[2] / "stores" / "demo_bank" / "data" / "transcripts.jsonl"
    return read_jsonl(path) if path.is_file() else []


def generated_examples() -> list[dict[str, Any]]:
    """Messages from the demo bank: each inbound template filled for a few senders, and the first customer turn of
    each past conversation; topic only (the generated messages have no urgency)."""
    from stores.demo_bank.content import INBOUND

    senders_vi = [("chị Lan", "em"), ("anh Minh", "tôi"), ("em", "chị"), ("chị Hà", "em")]
    senders_en = [("Linh", "I"), ("Mr. Khoa", "I")]
    amounts = {"vi": ["150 triệu đồng", "2 tỷ đồng", "35 triệu đồng"], "en": ["VND 150 million", "VND 2 billion"]}
    examples: list[dict[str, Any]] = []
    for topic, (_, _, bodies_vi, bodies_en) in INBOUND.items():
        for language, bodies, senders in (("vi", bodies_vi, senders_vi), ("en", bodies_en, senders_en)):
            for body in bodies:
                for index, (rm, me) in enumerate(senders):
                    amount = amounts[language][index % len(amounts[language])]
                    text = body.format(rm=rm, me=me, amount=amount)
                    examples.append({"text": text[:1].upper() + text[1:], "topic": topic, "urgency": None,
                                     "source": "generated"})  # fmt: skip
    for conversation in _transcripts():
        first = next((turn["text"] for turn in conversation["turns"] if turn["role"] == "customer"), None)
        if first and conversation.get("topic") in TOPICS:
            examples.append({"text": first, "topic": conversation["topic"], "urgency": None, "source": "generated"})
    return examples


def teacher_examples() -> list[dict[str, Any]]:
    """The helper-written messages: the RM inbox (R1–R2) and the public chat (R3)."""
    inbox = [{**example, "source": "teacher_inbox"} for example in read_jsonl(INBOX_CORPUS)]
    public = [{**example, "source": "teacher_public"} for example in read_jsonl(PUBLIC)]
    return inbox + public


# ----- step 3: zero-shot -------------------------------------------------------------------------------------------


class ZeroShot:
    """Labels read by e5 similarity between a message and each label's definition in the policy."""

    def __init__(self, embeddings: LocalE5Embeddings, definitions: dict[str, str]) -> None:
        self.embeddings = embeddings
        self.labels = list(definitions)
        vectors = np.asarray(embeddings.embed_documents([definitions[label] for label in self.labels]))
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def read(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        queries = np.asarray([self.embeddings.embed_query(text) for text in texts])
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        probabilities = softmax(ZERO_SHOT_SCALE * (queries @ self.vectors.T))
        return [(self.labels[int(row.argmax())], float(row.max())) for row in probabilities]


# ----- steps 4 and 5 -----------------------------------------------------------------------------------------------


def _stratified_folds(labels: Sequence[str], folds: int, rng: random.Random) -> list[int]:
    fold_of = [0] * len(labels)
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    for indices in by_label.values():
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            fold_of[index] = position % folds
    return fold_of


def ambiguous(rows: np.ndarray, labels: Sequence[str], names: Sequence[str], rng: random.Random) -> list[
        tuple[int, str, str, float]]:  # fmt: skip
    """(index, its label, the label the other folds read with p ≥ AMBIGUOUS_OTHER, that p) for each example whose
    own label the other folds give p < AMBIGUOUS_OWN."""
    y = np.array([names.index(label) for label in labels])
    fold_of = np.array(_stratified_folds(labels, FOLDS, rng))
    found: list[tuple[int, str, str, float]] = []
    for fold in range(FOLDS):
        inside, outside = fold_of == fold, fold_of != fold
        weights, bias = train(rows[outside], y[outside], len(names))
        probabilities = softmax(rows[inside] @ weights + bias)
        for index, row in zip(np.flatnonzero(inside), probabilities, strict=True):
            best = int(row.argmax())
            if row[y[index]] < AMBIGUOUS_OWN and row[best] >= AMBIGUOUS_OTHER:
                found.append((int(index), labels[int(index)], names[best], round(float(row[best]), 3)))
    return sorted(found)


def upsampled(labels: Sequence[str], rng: random.Random) -> list[int]:
    """Indices with every minority class duplicated up to the mid-point between the smallest and the largest
    class (the two largest are the majority and are kept as they are)."""
    counts = Counter(labels)
    ordered = [label for label, _ in counts.most_common()]
    majority = set(ordered[:2])
    target = (max(counts.values()) + min(counts.values())) // 2
    indices = list(range(len(labels)))
    for label in ordered:
        if label in majority or counts[label] >= target:
            continue
        own = [index for index, value in enumerate(labels) if value == label]
        indices += [rng.choice(own) for _ in range(target - counts[label])]
    return indices


# ----- the model ---------------------------------------------------------------------------------------------------


@dataclass
class Heads:
    topic: tuple[np.ndarray, np.ndarray]
    urgency: tuple[np.ndarray, np.ndarray]

    def read_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (softmax(rows @ self.topic[0].astype(np.float32) + self.topic[1]),
                softmax(rows @ self.urgency[0].astype(np.float32) + self.urgency[1]))  # fmt: skip


class InquiryClassifier:
    """Topic and urgency of customer messages, masked before they are read."""

    def __init__(self, heads: Heads, embeddings: LocalE5Embeddings) -> None:
        self.heads = heads
        self.embeddings = embeddings

    def read(self, texts: Sequence[str]) -> list[Reading]:
        if not texts:
            return []
        topics, urgencies = self.heads.read_rows(features(self.embeddings, [masked(text) for text in texts]))
        return [Reading(TOPICS[int(t.argmax())], URGENCIES[int(u.argmax())], float(t.max()), float(u.max()))
                for t, u in zip(topics, urgencies, strict=True)]  # fmt: skip


def _settings() -> dict[str, Any]:
    return {"embed_words": EMBED_WORDS, "e5_weight": E5_WEIGHT, "folds": FOLDS, "held_out": HELD_OUT,
            "ambiguous": [AMBIGUOUS_OWN, AMBIGUOUS_OTHER], "seed": SEED,
            "zero_shot_scale": ZERO_SHOT_SCALE, "topics": list(TOPICS), "urgencies": list(URGENCIES)}  # fmt: skip


def _sources_hash() -> str:
    """Everything the weights are trained from: the teachers' files, the transcripts and the demo bank's templates."""
    from stores.demo_bank.content import INBOUND

    parts = [
        file_sha256(INBOX_CORPUS),
        file_sha256(PUBLIC),
        json.dumps(INBOUND, ensure_ascii=False, sort_keys=True),
        json.dumps(_transcripts(), ensure_ascii=False, sort_keys=True),
        json.dumps(policy_definitions()),
    ]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


_shipped: InquiryClassifier | None = None
_shipped_lock = threading.Lock()


def shipped_classifier() -> InquiryClassifier:
    """The classifier over the shipped weights (loaded once); ``ClassifierNotReady`` when they do not match."""
    global _shipped
    with _shipped_lock:
        if _shipped is None:
            if not (WEIGHTS.is_file() and MANIFEST.is_file()):
                raise ClassifierNotReady(f"the inquiry classifier's weights are missing: {REBUILD}")
            embeddings = LocalE5Embeddings()
            manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
            current = {"corpus_sha256": _sources_hash(), "model": embeddings.model_id, "settings": _settings()}
            if any(manifest.get(key) != value for key, value in current.items()):
                raise ClassifierNotReady(f"the inquiry classifier's weights are out of date: {REBUILD}")
            with np.load(WEIGHTS) as shipped:
                heads = Heads((shipped["topic_w"], shipped["topic_b"]), (shipped["urgency_w"], shipped["urgency_b"]))
            _shipped = InquiryClassifier(heads, embeddings)
    return _shipped


def classify(texts: Sequence[str]) -> list[Reading]:
    """Each message's topic and urgency (``ClassifierNotReady`` without usable weights)."""
    return shipped_classifier().read(texts)


# ----- training, measured ------------------------------------------------------------------------------------------


def _macro_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return round(sum(scores) / len(scores), 4) if scores else 0.0


def _scores(truth_t: list[str], truth_u: list[str], topics: np.ndarray, urgencies: np.ndarray) -> dict[str, Any]:
    predicted_t = [TOPICS[int(row.argmax())] for row in topics]
    predicted_u = [URGENCIES[int(row.argmax())] for row in urgencies]
    n = len(truth_t)
    return {
        "topic_accuracy": round(sum(a == b for a, b in zip(truth_t, predicted_t, strict=True)) / n, 4),
        "topic_macro_f1": _macro_f1(truth_t, predicted_t, TOPICS),
        "urgency_accuracy": round(sum(a == b for a, b in zip(truth_u, predicted_u, strict=True)) / n, 4),
        "urgency_macro_f1": _macro_f1(truth_u, predicted_u, URGENCIES),
        "topic_confidence": [round(float(row.max()), 4) for row in topics],
    }


def _train_heads(rows: np.ndarray, topics: list[str], urgencies: list[str], rng: random.Random, *,
                 upsample: bool) -> Heads:  # fmt: skip
    by_topic = upsampled(topics, rng) if upsample else list(range(len(topics)))
    by_urgency = upsampled(urgencies, rng) if upsample else list(range(len(urgencies)))
    topic = train(rows[by_topic], np.array([TOPICS.index(topics[i]) for i in by_topic]), len(TOPICS))
    urgency = train(rows[by_urgency], np.array([URGENCIES.index(urgencies[i]) for i in by_urgency]), len(URGENCIES))
    return Heads(topic, urgency)


def build(report_path: Path | None = None) -> dict[str, Any]:
    """Run the pipeline, measure before and after on the held-out split, train on everything, write the weights."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    embeddings = LocalE5Embeddings()
    _, urgency_definitions = policy_definitions()
    examples = teacher_examples() + generated_examples()
    raw_texts = [str(example["text"]) for example in examples]
    texts = [masked(text) for text in raw_texts]
    # New labels by zero-shot: the generated messages' urgency (and "before": the naive default, normal).
    missing = [index for index, example in enumerate(examples) if example["urgency"] is None]
    zero_shot = ZeroShot(embeddings, urgency_definitions).read([texts[index] for index in missing])
    before_urgency = [example["urgency"] or "normal" for example in examples]
    urgencies = list(before_urgency)
    for index, (label, _) in zip(missing, zero_shot, strict=True):
        urgencies[index] = label
    topics_before = [str(example["topic"]) for example in examples]
    rows = features(embeddings, texts)
    raw_rows = features(embeddings, raw_texts)
    # The held-out split (stratified by topic), kept apart from every step below.
    fold_of = _stratified_folds(topics_before, round(1 / HELD_OUT), rng)
    test = [i for i, fold in enumerate(fold_of) if fold == 0]
    fit = [i for i, fold in enumerate(fold_of) if fold != 0]
    # Ambiguous labels replaced, from the training part only.
    topics = list(topics_before)
    replaced = ambiguous(rows[fit], [topics[i] for i in fit], TOPICS, rng)
    replacements = [(fit[position], old, new, p) for position, old, new, p in replaced]
    for index, _, new, _ in replacements:
        topics[index] = new
    # Urgency is measured on the messages whose urgency a teacher wrote (a generated one's is the zero-shot guess).
    test = [i for i in test if examples[i]["urgency"] is not None]
    truth_t = [topics_before[i] for i in test]
    truth_u = [urgencies[i] for i in test]
    before = _train_heads(raw_rows[fit], [topics_before[i] for i in fit], [before_urgency[i] for i in fit], rng,
                          upsample=False)  # fmt: skip
    after = _train_heads(rows[fit], [topics[i] for i in fit], [urgencies[i] for i in fit], rng, upsample=True)
    measured = {"before": _scores(truth_t, truth_u, *before.read_rows(raw_rows[test])),
                "after": _scores(truth_t, truth_u, *after.read_rows(rows[test]))}  # fmt: skip
    training_started = time.perf_counter()
    final = _train_heads(rows, topics, urgencies, rng, upsample=True)
    training_seconds = round(time.perf_counter() - training_started, 2)
    np.savez_compressed(
        WEIGHTS, topic_w=final.topic[0].astype(np.float16), topic_b=final.topic[1],
        urgency_w=final.urgency[0].astype(np.float16), urgency_b=final.urgency[1],
    )  # fmt: skip
    distribution = {
        "before": {"topic": dict(Counter(topics_before)), "urgency": dict(Counter(before_urgency))},
        "after": {"topic": dict(Counter(topics[i] for i in upsampled(topics, random.Random(SEED)))),
                  "urgency": dict(Counter(urgencies[i] for i in upsampled(urgencies, random.Random(SEED))))},
    }  # fmt: skip
    report = {
        "examples": len(examples),
        "by_source": dict(Counter(str(example["source"]) for example in examples)),
        "zero_shot_urgency": {"labelled": len(missing), "per_label": dict(Counter(label for label, _ in zero_shot))},
        "ambiguous_replaced": [
            {"text": raw_texts[i][:120], "was": old, "now": new, "p": p} for i, old, new, p in replacements
        ],
        "held_out": {
            "examples": len(test),
            **{key: {k: v for k, v in value.items() if k != "topic_confidence"} for key, value in measured.items()},
        },
        "confidence": {key: value["topic_confidence"] for key, value in measured.items()},
        "distribution": distribution,
        "training_seconds_final": training_seconds,
        "build_seconds": round(time.perf_counter() - started, 1),
    }
    if report_path is not None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (DATA / "classifier_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return write_manifest(
        MANIFEST, embeddings.model_id, _sources_hash(), _settings(), examples=len(examples),
        held_out=report["held_out"], replaced=len(replacements), zero_shot=len(missing),
        training_seconds=training_seconds,
    )  # fmt: skip


def evaluate(paths: Sequence[Path]) -> dict[str, Any]:
    """Accuracy and macro-F1 on case files in the ``triage`` suite's form, and the inference time per message."""
    cases = [case for path in paths for case in read_jsonl(path)]
    texts = [str(case["input"]["text"]) for case in cases]
    classifier = shipped_classifier()
    classifier.read(texts[:1])  # warm: the encoder is loaded once per process
    timings = []
    readings = []
    for text in texts:
        started = time.perf_counter()
        readings += classifier.read([text])
        timings.append((time.perf_counter() - started) * 1000)
    truth_t = [case["expected"]["topic"] for case in cases]
    truth_u = [case["expected"]["urgency"] for case in cases]
    predicted_t = [reading.topic for reading in readings]
    predicted_u = [reading.urgency for reading in readings]
    return {
        "cases": len(cases),
        "topic_accuracy": round(sum(a == b for a, b in zip(truth_t, predicted_t, strict=True)) / len(cases), 4),
        "topic_macro_f1": _macro_f1(truth_t, predicted_t, TOPICS),
        "urgency_accuracy": round(sum(a == b for a, b in zip(truth_u, predicted_u, strict=True)) / len(cases), 4),
        "urgency_macro_f1": _macro_f1(truth_u, predicted_u, URGENCIES),
        "inference_ms_p50": round(float(np.percentile(timings, 50)), 1),
        "inference_ms_p95": round(float(np.percentile(timings, 95)), 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["evaluate"] and len(args) > 1:
        sys.stdout.write(json.dumps(evaluate([Path(arg) for arg in args[1:]])) + "\n")
        return 0
    return build_command(args, REBUILD, build, "inquiry classifier: {examples} examples, held-out {held_out}")


if __name__ == "__main__":
    sys.exit(main())
