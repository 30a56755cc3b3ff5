"""The learned reading of an outgoing message (``tools.policy.learned_compliance``): paraphrases the rules miss,
near-misses that stay clean, the fallback to the rules, and a deterministic build."""

from __future__ import annotations

import numpy as np
import pytest

from tools.core.llm.embeddings import LocalE5Embeddings
from tools.policy import learned_compliance
from tools.policy.compliance import check_message
from tools.policy.learned_compliance import SentenceReader, check_closely, shipped_reader


def flags_of(findings: list) -> set[str]:  # type: ignore[type-arg]
    return {finding.flag for finding in findings}


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "Chị cứ yên tâm, bỏ tiền vào quỹ này thì chỉ có lời thôi, em chưa thấy ai bị hụt vốn bao giờ.",
            "guaranteed_return",
        ),
        ("Suất ưu đãi sắp hết rồi anh ơi, trễ một chút là người khác lấy mất đó.", "pressure_tactic"),
    ],
)
def test_a_paraphrase_the_rules_miss_is_read(text: str, flag: str) -> None:
    assert flag not in flags_of(check_message(text))
    assert flag in flags_of(check_closely(text))


@pytest.mark.parametrize(
    "text",
    [
        "Dạ em gửi chị lịch đáo hạn sổ tiết kiệm 12 tháng vào ngày 15/11, khi nào tiện chị ghé quầy nhé.",
        "The 6-month CD pays 4.6% p.a. from VND 10 million, interest at maturity, effective 1 November.",
    ],
)
def test_near_misses_stay_clean(text: str) -> None:
    assert check_closely(text) == []


def test_the_shipped_weights_match_their_corpus() -> None:
    reader, problem = learned_compliance._load()
    assert problem is None and reader is not None


def test_out_of_date_weights_leave_the_rules_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(learned_compliance, "corpus_hash", lambda path=None: "another corpus")
    monkeypatch.setattr(learned_compliance, "_reader", None)
    monkeypatch.setattr(learned_compliance, "_reader_problem", None)
    assert shipped_reader() is None
    text = "Chị cứ yên tâm, bỏ tiền vào quỹ này thì chỉ có lời thôi, em chưa thấy ai bị hụt vốn bao giờ."
    assert check_closely(text) == check_message(text)


def test_the_same_corpus_trains_the_same_reader() -> None:
    corpus = [
        {"text": "Quỹ này chắc chắn có lời, chị không lo mất vốn đâu.", "labels": ["guaranteed_return"]},
        {"text": "Chỉ còn hôm nay thôi, chị chốt luôn kẻo lỡ.", "labels": ["pressure_tactic"]},
        {"text": "Anh Hùng nhà chị vừa gửi thêm 2 tỷ.", "labels": ["other_money"]},
        {"text": "Dạ khi nào tiện chị ghé quầy ký hồ sơ nhé.", "labels": []},
    ]
    embeddings = LocalE5Embeddings()
    first = SentenceReader.from_corpus(corpus, embeddings)
    second = SentenceReader.from_corpus(corpus, embeddings)
    for label, (weights, bias) in first.weights.items():
        assert np.array_equal(weights, second.weights[label][0]) and np.array_equal(bias, second.weights[label][1])
