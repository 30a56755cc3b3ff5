"""The learned follow-up reader: shipped weights that match their corpus, pieces cut where follow-ups start,
and follow-ups told from the story in the ways RMs write them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from tests.drivers import data_entry_eval_notes, note_key
from tools.core.text import normalize_text
from tools.crm import followups, notes
from tools.crm.followups import FollowUpReader, FollowUpsNotReady, pieces
from tools.crm.notes import extract_note

FRIDAY = dt.date(2025, 10, 24)


def _tasks(note: str) -> list[tuple[str, str | None]]:
    return [(t.kind, t.due_on.isoformat() if t.due_on else None) for t in extract_note(note, FRIDAY).tasks]


def test_the_shipped_weights_match_the_corpus() -> None:
    manifest = json.loads(followups.MANIFEST.read_text(encoding="utf-8"))
    assert manifest["corpus_sha256"] == followups.corpus_hash(), f"retrain: {followups.REBUILD}"
    assert manifest["settings"] == followups._settings(), f"retrain: {followups.REBUILD}"
    corpus = followups.read_corpus()
    assert manifest["notes"] == len(corpus) >= 800
    teachers = {str(example["id"]).split("-")[0] for example in corpus}
    assert len(teachers) >= 7  # several writers, each a style of their own
    for example in corpus:  # every teacher's span is in its note, and its kind is one the CRM knows
        for follow_up in example["follow_ups"]:
            assert normalize_text(follow_up["span"]).strip() in normalize_text(example["note"]), example["id"]
            assert follow_up["kind"] in followups.KINDS, example["id"]


def test_no_eval_note_is_in_the_training_corpus() -> None:
    """The sets that measure data entry never teach it: no eval note is a teacher's note, even re-accented."""
    taught = {note_key(example["note"]) for example in followups.read_corpus()}
    held = data_entry_eval_notes()
    assert len(held) > 400 and not taught & held


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("call + send T/S Fri & review mtg in 10 days", ["call", "send T/S Fri", "review mtg in 10 days"]),
        ("vay 1,2 tỷ, gọi lại T5", ["vay 1,2 tỷ", "gọi lại T5"]),  # the comma inside an amount does not cut
        ("FU: 1) send term sheet tmr 2) call nxt Wed", ["FU:", "send term sheet tmr", "call nxt Wed"]),
        (
            "check the file every Monday and Friday until approved",
            ["check the file every Monday and Friday until approved"],
        ),
        ("met Mr. Son at Highlands. he's keen", ["met Mr. Son at Highlands", "he's keen"]),  # "Mr." ends no sentence
        ("send her the T&Cs in 3 days", ["send her the T&Cs in 3 days"]),
    ],
)
def test_pieces_are_cut_where_a_follow_up_can_start(note: str, expected: list[str]) -> None:
    assert [note[p.start : p.end] for p in pieces(note)] == expected


def test_follow_ups_as_rms_write_them() -> None:
    assert _tasks(
        "Coffee w/ Mr Son at Highlands, he's keen on the 800m loan; site visit Thu, review mtg in 10 days"
    ) == [
        ("meeting", "2025-10-30"),
        ("meeting", "2025-11-03"),
    ]
    assert _tasks("gặp a Minh, a muốn vay 2 tỷ. gửi hs vay T5 & gọi a T2 tuần sau") == [
        ("send_document", "2025-10-30"),
        ("call", "2025-10-27"),  # today is a Friday: Monday of next week is in three days
    ]
    assert _tasks("call w/ Ms Oanh re her card. FU: 1) send the form tmrw 2) call her Tue") == [
        ("send_document", "2025-10-25"),
        ("call", "2025-10-28"),
    ]
    assert _tasks(
        "Dạ em vừa gặp ông Thắng ở nhà máy. Trong 3 ngày nữa em sẽ rà soát báo cáo tài chính ông gửi, "
        "rồi thứ 4 tuần sau em sẽ đưa bên thẩm định xuống khảo sát ạ."
    ) == [("review", "2025-10-27"), ("meeting", "2025-10-29")]


def test_the_story_is_not_a_follow_up() -> None:
    # the client's wishes and plans, the RM's past actions, a done deal
    assert _tasks("Chị Mai muốn gửi 1 tỷ kỳ hạn 12 tháng, chị sẽ bàn với chồng rồi gọi lại cho em.") == []
    assert _tasks("Em đã gửi email bảng lãi cho anh Sơn hôm qua, anh rất ưng.") == []
    assert _tasks("Called Mr Son, he signed the CD today. No follow-up needed.") == []


def test_out_of_date_weights_are_refused_and_the_rules_read_instead(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "followups.jsonl"
    corpus.write_text('{"id": "x-1", "note": "call him Tue", "follow_ups": []}\n', encoding="utf-8")
    monkeypatch.setattr(followups, "CORPUS", corpus)
    monkeypatch.setattr(followups, "_reader", None)
    with pytest.raises(FollowUpsNotReady, match="out of date"):
        followups.shipped_reader()
    assert _tasks("Met Mr Son. Call him next Wednesday.") == [("call", "2025-10-29")]  # the rules' reading
    assert "the rules read the follow-ups" in caplog.text


def test_a_small_corpus_trains_the_same_weights_every_time() -> None:
    corpus = [
        {
            "id": "a-1",
            "note": "met Son at Highlands, call him Tue",
            "follow_ups": [{"span": "call him Tue", "kind": "call"}],
        },
        {"id": "a-2", "note": "gap c Mai, gui hs T5", "follow_ups": [{"span": "gui hs T5", "kind": "send_document"}]},
        {"id": "a-3", "note": "he was happy with the rate", "follow_ups": []},
    ]
    first, second = FollowUpReader.from_corpus(corpus), FollowUpReader.from_corpus(corpus)
    assert np.array_equal(first.tag_weights, second.tag_weights)
    spans, _, _ = first.read("met Son at Highlands, call him Tue")
    assert [(s.kind, "met Son at Highlands, call him Tue"[s.start : s.end]) for s in spans] == [
        ("call", "call him Tue")
    ]
    assert notes is not None


def test_a_hedged_day_belongs_to_the_follow_up_before_it_and_today_is_reported() -> None:
    # "…gửi form đăng ký thẻ, chắc là thứ 3 ạ": one follow-up, on Tuesday
    assert _tasks("Em gặp chị Oanh ở chi nhánh. Em sẽ gửi form đăng ký thẻ, chắc là thứ 3 ạ.") == [
        ("send_document", "2025-10-28")
    ]
    # what happened today is the story, not a follow-up due today
    assert _tasks("Dạ em xin phép ghi lại ạ, hôm nay em gặp chị Oanh ở Highlands. Em sẽ gọi lại chị thứ 6 ạ.") == [
        ("call", "2025-10-31")
    ]


def test_unpunctuated_dictation_is_cut_where_the_rms_part_begins() -> None:
    """Voice notes have no commas: a closing particle and then the RM's day or "tui gửi…" starts a new piece."""
    text = "bả hơi bực á tui gửi bảng lãi suất cho bả trong ngày luôn rồi thứ ba gọi lại"
    assert [text[piece.start : piece.end] for piece in pieces(text)] == [
        "bả hơi bực á",
        "tui gửi bảng lãi suất cho bả trong ngày luôn",
        "thứ ba gọi lại",
    ]
    text = "gặp a Thu Hương ở tiệm chị ấy vui lắm thứ hai em gọi lại"  # "a Thu" is anh Thu, not a day
    assert [text[piece.start : piece.end] for piece in pieces(text)] == [
        "gặp a Thu Hương ở tiệm chị ấy vui lắm",
        "thứ hai em gọi lại",
    ]
