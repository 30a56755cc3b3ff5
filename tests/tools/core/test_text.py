"""One form for every text that comes in, one fold for matching, names and phones."""

from __future__ import annotations

import unicodedata

import pytest

from tools.core.text import (
    FoldedText,
    fold,
    fold_chars,
    fold_words,
    name_tokens,
    normalize_phone,
    normalize_text,
    normalize_texts,
    strip_accents,
)

NOTE = "Gặp chị Oanh ở văn phòng, hẹn gọi lại thứ Sáu"


def test_normalize_text_composes_accents_and_drops_invisible_characters() -> None:
    decomposed = unicodedata.normalize("NFD", NOTE)
    assert len(decomposed) > len(NOTE)
    assert normalize_text(decomposed) == NOTE
    assert normalize_text("Premier\u200b Invest\u00ad") == "Premier Invest"
    assert normalize_texts({"a": [decomposed, 3], "b": None}) == {"a": [NOTE, 3], "b": None}


def test_fold_is_the_one_matching_form() -> None:
    assert fold("  Gặp  ANH Đức’s\tbranch ") == "gap anh duc's branch"
    assert fold(unicodedata.normalize("NFD", NOTE)) == fold(NOTE)
    assert fold_words("Premier-Invest, 12M!") == ["premier", "invest", "12m"]


def test_fold_chars_keeps_every_position() -> None:
    folded = fold_chars(NOTE)
    assert len(folded) == len(NOTE)
    start = folded.index("oanh")
    assert NOTE[start : start + 4] == "Oanh"


def test_folded_text_maps_back_to_the_original() -> None:
    text = FoldedText.of("Lãi suất ĐẢM BẢO 8%")
    start = text.text.index("dam bao")
    assert text.evidence(start, start + len("dam bao")) == "ĐẢM BẢO"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0823912039", "0823912039"),
        ("+84 823 912 039", "0823912039"),
        ("84823912039", "0823912039"),
        ("0823.912.039", "0823912039"),
        ("082-391-2039", "0823912039"),
        ("823912039", "0823912039"),
        ("12345", None),
        ("phone", None),
    ],
)
def test_normalize_phone(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_names_lose_accents_and_titles() -> None:
    assert strip_accents("Nguyễn Văn Đức") == "Nguyen Van Duc"
    assert name_tokens("Ông Nguyễn Văn Minh") == ["nguyen", "van", "minh"]
    assert name_tokens("Mr. Son Pham") == ["son", "pham"]


def test_folds_are_kept_and_long_texts_fold_the_same() -> None:
    """Rules fold the same message again and again: the second fold is the first one's object."""
    assert FoldedText.of(NOTE) is FoldedText.of(NOTE)
    long_text = NOTE * 40  # past the cached length
    assert strip_accents(long_text) == strip_accents(NOTE) * 40
    assert strip_accents("plain ascii") == "plain ascii"
