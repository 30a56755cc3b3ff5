"""The learned router: shipped weights that match their corpus, and a classifier that reads meaning and form."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from graphs import registry
from tests.drivers import PROJECT_ROOT
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.core.text import fold, normalize_text
from tools.routing import learned
from tools.routing.learned import LearnedRouter, RouterNotReady


def test_the_shipped_weights_match_the_corpus_and_know_every_intent() -> None:
    manifest = json.loads(learned.MANIFEST.read_text(encoding="utf-8"))
    assert manifest["corpus_sha256"] == learned.corpus_hash(), f"retrain: {learned.REBUILD}"
    assert manifest["settings"] == learned._settings(), f"retrain: {learned.REBUILD}"
    examples = learned.read_examples()
    assert manifest["examples"] == len(examples) and len({e["text"] for e in examples}) == len(examples)
    with np.load(learned.WEIGHTS) as shipped:
        assert list(shipped["intents"]) == sorted({*registry.intents(), "other"})
        assert shipped["weights"].shape == (384 + learned.HASH_DIM, len(shipped["intents"]))
    for intent in (*registry.intents(), "other"):  # every label is taught with enough phrasings
        assert manifest["per_intent"][intent] >= 150, intent


def test_no_eval_input_is_in_the_training_corpus() -> None:
    """A set is never used both to train the router and to measure it: no case input of any eval set (the blind
    intent sets included) is a training text, even with other accents, case or punctuation."""

    def key(text: str) -> str:
        return " ".join(re.findall(r"\w+", fold(normalize_text(text))))

    taught = {key(example["text"]) for example in learned.read_examples()}
    held = {
        key(value)
        for path in (PROJECT_ROOT / "evals" / "datasets").glob("*/*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for value in json.loads(line).get("input", {}).values()
        if isinstance(value, str)
    }
    assert len(held) > 500 and not taught & held


def test_out_of_date_weights_are_refused_not_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    corpus = tmp_path / "examples.jsonl"
    corpus.write_text('{"text": "hello", "intent": "other"}\n', encoding="utf-8")
    monkeypatch.setattr(learned, "EXAMPLES", corpus)
    monkeypatch.setattr(learned, "_router", None)
    with pytest.raises(RouterNotReady, match="out of date"):
        learned.shipped_router()


def test_surface_features_read_through_accents_case_and_invisible_characters() -> None:
    plain = learned.surface_features("AUM cua toi thang nay")
    assert np.allclose(plain, learned.surface_features("AUM của tôi tháng này"))
    assert np.allclose(plain, learned.surface_features("AU\u200bM CỦA TÔI tháng\u00ad này"))
    assert abs(float(np.linalg.norm(plain)) - 1.0) < 1e-6
    assert not learned.surface_features("").any()


def test_a_router_learns_from_examples_and_says_how_sure_it_is(embeddings: LocalE5Embeddings) -> None:
    examples = [
        {"text": "what is my AUM this month", "intent": "performance_report"},
        {"text": "tổng AUM của em tháng này", "intent": "performance_report"},
        {"text": "draft a birthday message for Ms Lan", "intent": "drafting"},
        {"text": "soạn tin chúc mừng sinh nhật chị Hoa", "intent": "drafting"},
    ]
    router = LearnedRouter.from_examples(examples, embeddings)
    reading = router.read("AUM cua toi thang nay bao nhieu")
    assert reading.best == "performance_report" and reading.margin > 0.3
    assert abs(sum(p for _, p in reading.ranked) - 1.0) < 1e-5
    assert reading.probability("drafting") == reading.ranked[1][1]


def test_a_long_message_is_read_at_its_end_too(embeddings: LocalE5Embeddings) -> None:
    """A pasted recap and then the request: two messages that share their start but ask for different things differ
    in what the embeddings read, not only in their word counts; a short message is read whole."""
    recap = "met Mr Son at the coffee house this morning, he has 2 billion idle in his current account and asked about "
    logged, drafted = recap + "rates, please log it", recap + "rates, so draft him a short thank-you message"
    assert learned.span(drafted).startswith("met Mr Son at the coffee asked") and learned.span(drafted).endswith(
        "draft him a short thank-you message"
    )
    rows = learned.features(embeddings, [logged, drafted])
    meaning = slice(0, 384)
    assert not np.allclose(rows[0, meaning], rows[1, meaning])
    assert learned.span("what is my AUM this month") == "what is my AUM this month"
