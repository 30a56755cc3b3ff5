"""The person tagger (``tools.policy.name_tagger``): names the rules miss, look-alikes they took, and the fallback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.policy import name_tagger
from tools.policy.masking import NameBook, find_pii
from tools.policy.train_name_tagger import TEACHERS, labels, main, read_set

BOOK = NameBook.of(["Nguyễn Thị Lan", "Trần Văn Hùng", "Phạm Quốc Bình"])


def people(text: str, *, learned: bool = True) -> list[str]:
    return [span.text for span in find_pii(text, BOOK, learned=learned) if span.kind == "person"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Nhờ Quyên gửi lại hồ sơ cho khách nhé", "Quyên"),
        ("Sarah confirmed the transfer yesterday", "Sarah"),
        ("call Dave tomorrow about the loan", "Dave"),
    ],
)
def test_a_bare_given_name_the_rules_miss_is_found(text: str, name: str) -> None:
    assert name not in people(text, learned=False)
    assert name in people(text)


def test_a_street_named_after_a_person_stays() -> None:
    text = "Văn phòng công ty ở đường Lê Văn Lương, gần Keangnam"
    assert people(text, learned=False)  # the rules read "Văn Lương" as a person
    assert people(text) == []


def test_without_the_model_the_rules_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTIFY_PERSON_TAGGER", "none")
    assert people("Nhờ Quyên gửi lại hồ sơ cho khách nhé") == []
    monkeypatch.setenv("AGENTIFY_PERSON_TAGGER", "/nowhere/tagger.crfsuite")
    assert people("chị Lan gọi lại nhé") == ["Lan"]


def test_labels_cover_every_occurrence_of_a_listed_name() -> None:
    from tools.policy.masking import _tokens

    text = "Quyên gửi anh Hùng; mai Quyên nghỉ"
    assert labels(text, ("Quyên", "Hùng"), _tokens(text)) == ["B", "O", "O", "B", "O", "B", "O"]


def test_training_is_deterministic_and_its_model_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The teachers' texts alone make a model; the same data makes the same file; the masker loads it."""
    teacher = tmp_path / "T9"
    teacher.mkdir()
    source = sorted(TEACHERS.iterdir())[0]
    (teacher / "fixture.json").write_text((source / "fixture.json").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (source / "pii.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    (teacher / "pii.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(read_set(tmp_path)) == 40
    first, second = tmp_path / "a.crfsuite", tmp_path / "b.crfsuite"
    assert main([str(tmp_path), "--out", str(first)]) == 0
    assert main([str(tmp_path), "--out", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    monkeypatch.setenv("AGENTIFY_PERSON_TAGGER", str(first))
    assert name_tagger._model() is not None and name_tagger._model().path == first  # type: ignore[union-attr]
    json.dumps(people("chị Lan gọi lại nhé"))  # runs end to end on the small model


def test_the_shipped_model_is_there() -> None:
    assert name_tagger.MODEL_PATH.exists(), "run: python -m tools.policy.train_name_tagger"
