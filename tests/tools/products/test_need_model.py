"""The learned need reader of product search: shipped weights that match their teachers' corpus, a corpus kept apart
from every set that measures search, and a model that learns which product a request asks for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.drivers import PROJECT_ROOT
from tools.core.learning import file_sha256, read_jsonl
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.core.text import fold, normalize_text
from tools.products import need_model
from tools.products.need_model import NeedModel


def test_the_shipped_weights_match_the_corpus_and_know_every_active_product() -> None:
    manifest = json.loads(need_model.MANIFEST.read_text(encoding="utf-8"))
    assert manifest["corpus_sha256"] == file_sha256(need_model.EXAMPLES), f"retrain: {need_model.REBUILD}"
    assert manifest["settings"] == need_model._settings(), f"retrain: {need_model.REBUILD}"
    examples = read_jsonl(need_model.EXAMPLES)
    assert manifest["examples"] == len(examples)
    catalog = json.loads((PROJECT_ROOT / "evals" / "datasets" / "qa" / "fixture.json").read_text(encoding="utf-8"))
    active = sorted(product["code"] for product in catalog["products"] if product["active"])
    with np.load(need_model.WEIGHTS) as shipped:
        assert sorted(shipped["codes"]) == active  # a retired product is never an answer
    assert all(manifest["per_product"][code] >= 30 for code in active)


def test_no_search_case_is_in_the_training_corpus() -> None:
    """The teachers' requests never include a query of any product_search set, blind or development."""

    def key(text: str) -> str:
        return " ".join(re.findall(r"\w+", fold(normalize_text(text))))

    taught = {key(example["text"]) for example in read_jsonl(need_model.EXAMPLES)}
    held = {key(json.loads(line)["input"]["query"])
            for path in (PROJECT_ROOT / "evals" / "datasets").glob("product_search*/**/*.jsonl")
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}  # fmt: skip
    assert len(held) > 300 and not taught & held


def test_out_of_date_weights_are_not_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    corpus = tmp_path / "needs.jsonl"
    corpus.write_text('{"text": "a card", "relevant": ["CASA_STD"]}\n', encoding="utf-8")
    monkeypatch.setattr(need_model, "EXAMPLES", corpus)
    monkeypatch.setattr(need_model, "_model", None)
    monkeypatch.setattr(need_model, "_checked", False)
    assert need_model.shipped_model() is None


def test_a_model_learns_which_product_a_request_asks_for(embeddings: LocalE5Embeddings) -> None:
    examples = [
        {"text": text, "relevant": [code]}
        for code, texts in {
            "AUTO_LOAN": ["wants to buy a car", "mua xe oto tra gop", "vay mua xe 7 cho", "needs a loan for a new car"],
            "SAV_FLEX": ["wants to withdraw any time", "rut bat cu luc nao", "emergency fund, flexible", "de du phong"],
        }.items()
        for text in texts
    ] + [{"text": "buying a car and keeping an emergency fund", "relevant": ["AUTO_LOAN", "SAV_FLEX"]}]
    model = NeedModel.from_examples(examples, embeddings)
    assert model.codes == ["AUTO_LOAN", "SAV_FLEX"]
    car = model.read("khach muon mua o to")
    assert car["AUTO_LOAN"] > car["SAV_FLEX"] and abs(sum(car.values()) - 1.0) < 1e-5
    assert model.read("can rut tien bat cu luc nao")["SAV_FLEX"] > 0.5
