"""The deal's amount: shipped weights that match their teachers' corpus, a learned choice that reads the rules'
cues and the words around each amount, "none of them" when every amount is background, and the rules as the
fallback when the weights are missing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from tests.drivers import data_entry_eval_notes, note_key
from tools.core.learning import train_choice
from tools.core.parsing import find_amounts
from tools.core.text import fold_chars, normalize_text
from tools.crm import amounts
from tools.crm.amounts import AmountsNotReady, deal_amount, rule_choice, rule_readings
from tools.crm.notes import extract_note

FRIDAY = dt.date(2025, 10, 24)


def test_the_shipped_weights_match_the_corpus() -> None:
    manifest = json.loads(amounts.MANIFEST.read_text(encoding="utf-8"))
    assert manifest["corpus_sha256"] == amounts.corpus_hash(), f"retrain: {amounts.REBUILD}"
    assert manifest["settings"] == amounts._settings(), f"retrain: {amounts.REBUILD}"
    corpus = amounts.read_corpus()
    assert manifest["notes"] == len(corpus) >= 1000
    assert len({str(example["id"]).split("-")[0] for example in corpus}) >= 8  # eight teachers, eight styles
    for example in corpus:  # each teacher's amounts are in the note; one deal, the labelled one, or none
        deals = [a["vnd"] for a in example["amounts"] if a["role"] == "deal"]
        assert deals == ([example["amount_vnd"]] if example["amount_vnd"] is not None else []), example["id"]
        assert all(a["text"] in example["note"] for a in example["amounts"]), example["id"]


def test_no_eval_note_is_in_the_training_corpus() -> None:
    taught = {note_key(example["note"]) for example in amounts.read_corpus()}
    held = data_entry_eval_notes()
    assert len(held) > 400 and not taught & held


def test_a_choice_is_learned_among_each_groups_candidates_or_none() -> None:
    """Three groups: the candidate marked by column 0 is right; a group whose candidates all carry column 1
    (background) has none right. The learner must rank the marked one first and prefer "none" there."""
    rows = np.array([[1, 0], [0, 0], [0, 1], [0, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32)
    groups = np.array([0, 0, 1, 1, 1, 2, 2])
    chosen = np.array([1, 0, 0, 0, 1, 0, 0], dtype=np.float32)
    none_rows = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    weights, none_weights, none_bias = train_choice(rows, groups, chosen, none_rows, iterations=300)
    scores = rows @ weights
    assert scores[0] > scores[1] and scores[4] > max(scores[2], scores[3])
    assert none_rows[2] @ none_weights + none_bias > scores[5:].max()  # only background: none of them
    assert none_rows[0] @ none_weights + none_bias < scores[0]
    again = train_choice(rows, groups, chosen, none_rows, iterations=300)
    assert np.array_equal(again[0], weights)  # deterministic: the shipped weights are reproducible


def _rules_alone(note: str) -> int | None:
    spans = find_amounts(note)
    best = rule_choice(spans, rule_readings(fold_chars(note), spans, note))
    return spans[best].value_vnd if best is not None else None


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        # what is left after a withdrawal is what is rolled over
        (
            "Ông Hải gọi: sổ 900 triệu đáo hạn thứ 6, ông rút 250 triệu sửa nhà, còn 650 triệu tái tục 6 tháng.",
            650_000_000,
        ),
        # the rest after a down payment is the loan, not the car's price
        ("Anh Bảo mua Everest 1 tỷ 450, đưa trước 550 triệu, phần còn lại 900 triệu vay 5 năm.", 900_000_000),
    ],
)
def test_the_deal_is_read_where_the_rules_alone_miss_it(note: str, amount: int) -> None:
    assert _rules_alone(note) != amount
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    "note",
    [
        "Chị Tâm gọi phàn nàn bị trừ phí thường niên 1,2 triệu dù tài khoản luôn có hơn 800 triệu. Mai em kiểm tra.",
        "Mr Son upset about a 250k transfer fee; he keeps ~3bn with us and says HSBC waives it. Review tomorrow.",
        "Mr Son complained about the 1.1m annual fee on his card; spends over 200m a year on it. Will check Monday.",
    ],
)
def test_no_deal_when_every_amount_is_background(note: str) -> None:
    assert _rules_alone(note) is not None  # the rules alone always pick one
    assert extract_note(note, FRIDAY).amount_vnd is None


def test_an_unsure_choice_is_marked_for_the_rm_to_check() -> None:
    note = "Gặp anh Bảo, nói chuyện về 2 tỷ và 3 tỷ, chưa rõ."
    text = normalize_text(note)
    spans = find_amounts(text)
    _, sure = deal_amount(text, fold_chars(text), spans)
    assert not sure and "amount_vnd" in extract_note(note, FRIDAY).uncertain
    single = "Chị Oanh muốn vay 2 tỷ mua nhà."
    assert deal_amount(single, fold_chars(single), find_amounts(single))[1]  # one amount a deal word leads to


def test_without_its_weights_the_rules_choose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "amounts.jsonl"
    corpus.write_text(amounts.CORPUS.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # another hash
    monkeypatch.setattr(amounts, "CORPUS", corpus)
    monkeypatch.setattr(amounts, "_chooser", None)
    with pytest.raises(AmountsNotReady, match="out of date"):
        amounts.shipped_chooser()
    note = "căn hộ giá 4 tỷ 2, anh muốn vay 3 tỷ 2"
    spans = find_amounts(note)
    chosen, _ = deal_amount(note, fold_chars(note), spans)
    rules = rule_choice(spans, rule_readings(fold_chars(note), spans, note))
    assert chosen is not None and rules is not None and chosen == spans[rules]
    assert "the rules choose the amount" in caplog.text


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        # a figure moved to another: what it was is not the deal
        ("He wants to take his working capital line from 12 billion to 20 billion at renewal.", 20_000_000_000),
        ("Chị muốn nâng hạn mức thẻ từ 80 triệu lên 200 triệu vì hay đi công tác.", 200_000_000),
        # a correction said in words, however far from the amount it takes back
        (
            "She wants a personal loan of around 150 triệu for the wedding and the trip, actually no she corrected "
            "herself later – 200 triệu because the venue deposit went up.",
            200_000_000,
        ),
    ],
)
def test_an_amount_moved_or_corrected_gives_way_to_the_new_one(note: str, amount: int) -> None:
    spans = find_amounts(note)
    first = rule_readings(fold_chars(note), spans, note)[0]
    assert "changed_later" in first.marks
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        # a deal word is a cue however it is typed: capitalized, in capitals, abbreviated, before "VND"
        (
            "Mtg w/ Mr Khoi. Price VND 4.2bn; requests home loan VND 2.9bn (LTV 69%). Income VND 70m/month.",
            2_900_000_000,
        ),
        ("GAP C MAI. NHA GIA 3TY8, DA CO 1TY3, MUON VAY 2TY5 / 20 NAM. T3 GUI BANG LAI SUAT.", 2_500_000_000),
        # a term written like an amount, beside another term, is no amount at all
        ("SMS from Mr Minh. Asked for CD 12M vs 6M rates: quoted 5.2% vs 4.5% p.a. Amount not decided.", None),
    ],
)
def test_cues_read_whatever_the_typing(note: str, amount: int | None) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount
