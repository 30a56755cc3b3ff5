"""The draft-quality checks: time since the last contact stated, a sentence said twice (EN and VI)."""

from __future__ import annotations

import pytest

from tools.voice.quality import drop_repeated_sentences, repeated_sentences, states_time_since_contact


@pytest.mark.parametrize(
    "text",
    [
        "It has been 268 days since we last spoke.",
        "Đã 268 ngày kể từ lần gần nhất chúng ta trao đổi.",
        "We haven't talked in 4 months, so I wanted to check in.",
        "It's been a while since we caught up!",
        "Đã lâu chúng ta chưa gặp.",
    ],
)
def test_time_since_the_last_contact_is_seen(text: str) -> None:
    assert states_time_since_contact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Your CD of 1.5B VND matures on 5 November 2025, in 12 days.",
        "Chứng chỉ tiền gửi 250 triệu của chị sẽ đáo hạn vào ngày 30/10/2025, còn 6 ngày nữa.",
        "I hope you have been keeping well. I would welcome the chance to catch up.",
        "Em hy vọng anh vẫn khỏe và mọi việc đều thuận lợi.",
    ],
)
def test_an_ordinary_sentence_is_not(text: str) -> None:
    assert not states_time_since_contact(text)


def test_a_repeated_sentence_is_found_whatever_its_case_accents_or_punctuation() -> None:
    assert repeated_sentences("Hi. Thank you for your trust! thank you for your trust. Ok.") == [
        "thank you for your trust."
    ]
    assert repeated_sentences("- Em cảm ơn chị.\n- Em cam on chi!") == ["Em cam on chi!"]
    assert repeated_sentences("One. Two. Three.") == []
    assert drop_repeated_sentences("A b. C d.\n\nC d! E f.") == "A b. C d.\n\nE f."
