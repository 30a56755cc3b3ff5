"""The learned follow-up reader: which parts of a note are things the RM will do, and of what kind.

A note is cut into small pieces at every joint a follow-up can start after (sentence ends, commas, "+",
"&", " - ", and / then / và / rồi / còn / xong …). A tagger labels each piece ``B`` (a follow-up starts
here), ``I`` (it goes on: "gửi hợp đồng, bảng lãi và brochure T5") or ``O`` (the story); a second
classifier names the kind of each follow-up span (call, email, send_document, meeting, review, other).
Both are softmax regressions (``tools.core.learning``) over hashed surface features of the piece, its
neighbours (salted) and a few position marks (a date in the piece, first of its sentence / of the note,
the joint before it) — fast (well under a millisecond a piece) and blind to nothing RMs type.

The corpus (``data/followups.jsonl``: ``{"note", "follow_ups": [{"span", "kind"}]}``) was written by helper
sessions acting as teachers, in every style RMs write, with story that looks like a follow-up next to real
ones; it is kept apart from every set that measures data entry. ``python -m tools.crm.followups build``
retrains the weights; ``… evaluate`` trains on all teachers but one and scores the one left out, in turn.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tools.core.learning import (
    HASH_DIM,
    ITERATIONS,
    L2_PENALTY,
    file_sha256,
    hashed_grams,
    learned_piece_main,
    read_jsonl,
    softmax,
    train,
    weights_problem,
)
from tools.core.parsing import find_dates
from tools.core.text import fold_chars, normalize_text
from tools.crm.followup_cues import (
    ANY_DAY,
    DOCUMENT_NOUN,
    FOLLOW_UP_LEAD,
    FOR_THE_RM,
    NOTHING_TO_DO,
    rm_cue,
    starts_with_action,
    task_kind,
)

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "followups.jsonl"
WEIGHTS = DATA / "followups.npz"
MANIFEST = DATA / "followups.manifest.json"
REBUILD = "python -m tools.crm.followups build"

TAGS = ("B", "I", "O")
KINDS = ("call", "email", "send_document", "meeting", "review", "other")
#: Below this confidence in a follow-up's kind, the rules' lexicon names it when it names one (on the teachers'
#: corpus, each teacher left out in turn: kinds right 0.884 learned alone, 0.906 lexicon first, 0.92 this way).
KIND_CONFIDENCE = 0.8
#: Where the rules' cues overrule the tagger (chosen on the teachers' corpus, each teacher left out in turn: span F1
#: 0.819 tagger alone, 0.831 with both): a piece that starts with an action verb and has a day is a follow-up unless
#: the tagger is this sure it is story; one with neither nor an RM's cue ("need to", "cần") is story unless the
#: tagger is this sure it is a follow-up.
PROMOTE_BELOW = 0.95
DEMOTE_BELOW = 0.8
#: A follow-up in the passive voice of bank memos: "credit file to be reviewed Mon", "proposal to be sent by 15/8".
_PASSIVE_TASK = re.compile(r"\bto be (?:\w+ed|sent|done|drawn up|set up|held)\b|\b(?:scheduled|arranged|booked) for\b")
#: The RM's future: "em sẽ", "I'll", "will".
_FUTURE = re.compile(r"\b(?:se|will|shall)\b|'ll\b")
#: The RM says what they will do, however the promise is reported ("Em đã hứa trong ngày sẽ gửi email", "I told
#: her I'll send the form Monday"): with an action and a day it is a follow-up, whatever the tagger's certainty.
_RM_WILL = re.compile(r"\b(?:em|minh|toi|tui)\b(?!\s+ay\b)(?:\s+\w+){0,8}?\s+se\b|\b(?:i|we)(?:'ll|\s+will|\s+shall)\b")
#: A note that opens as a recap ("Team — quick recap of Sunday brunch with …"): its first piece is what happened.
_RECAP = re.compile(r"\b(?:recap|summary|sum up|debrief|tom tat|notes? (?:from|of)|eod \d)")
#: Someone named, not the RM, who will do something: "Quang will refresh…", "Thao (Bancassurance) is preparing…".
_SOMEONE_ELSE_WILL = re.compile(
    r"^\s*(?!(?:I|We|Please|Pls|Send|Call|Email|Meet|Review|Check|Site|Follow|Next|Action|Actions|Plan|Then|And|Also)\b)"
    r"[A-ZĐ][a-zà-ỹđ]+(?:\s+[A-ZĐ][a-zà-ỹđ]+)?(?:\s*\([^)]*\))?\s+"
    r"(?:will(?! be\b)|is (?:preparing|going to|running|drafting|arranging)|are (?:preparing|going to))\b"
)
#: A line about a colleague named with their role in brackets: "- c Linh (Treasury) confirm giữ rate đến 10/1",
#: "a Tùng (bancassurance) join" — theirs, not the RM's ("e + a Tùng: hẹn gặp" stays the RM's).
_COLLEAGUE_LINE = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:anh|chị|chi|em|a|c|mr|ms|mrs)\.?\s+[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*)?\s*\([^)]{2,40}\)\s*"
    r"(?![:+])\S",
    re.IGNORECASE,
)
#: Someone else named who will do it, in Vietnamese: "Chị Vy sẽ đọc kỹ điều khoản", "Huy sẽ gửi bảng kê",
#: "Chị Quyên (vợ anh) tự chuyển tiền", "anh Khánh lo bản sao sổ đỏ" — not the RM ("Em sẽ gửi", "RM sẽ gửi" are).
_SOMEONE_ELSE_WILL_VI = re.compile(
    r"^\s*(?:[-•*]\s*)?(?!(?i:em|e|tui|tôi|toi|mình|minh|rm|i|we|chúng tôi|chung toi|mai|thứ|thu|sáng|sang|"
    r"chiều|chieu|tối|trưa|trua|hôm|hom|cuối|cuoi|đầu|dau|t\d)\b)"
    r"(?:(?i:anh|chị|chi|ông|ong|bà|ba|cô|co|chú|chu|a|c)\s+)?"
    r"[A-ZĐ][^\W\d_]*(?:\s*\([^)]{2,40}\))?\s+(?:sẽ|se|tự|tu|lo|phụ trách|phu trach)\s",
)
#: What the RM already did, with no day ahead: "E rep gửi link…", "I sent her the brochure", "em đã gửi…".
_RM_DID = re.compile(
    r"^\s*(?:(?:e|em|minh|toi|tui|i|we)\s+)(?:da|rep|replied|sent|emailed|called|explained|told|gave|shared|forwarded)\b"
)
#: A note that opens with a part of the day and a weekday ("Sáng t7 ghé c Tâm", "Chiều T3 gặp anh Bảo") says when it
#: happened.
_WHEN_IT_HAPPENED = re.compile(
    r"^\s*(?:sang|trua|chieu|toi|morning|afternoon|evening)\s+(?:nay\s+)?"
    r"(?:t[2-7]|thu\s*(?:[2-7]|hai|ba|tu|nam|sau|bay)|cn|chu nhat|mon|tue|wed|thu|fri|sat|sun)\w*\b"
)
#: A kind needs a word of its own in the follow-up; without one the lexicon's reading wins when it has one.
_KIND_WORD = {
    "call": re.compile(r"\b(?:call\w*|ring|phone|goi|dien|dt|lien he|follow[- ]?up)\b"),
    "email": re.compile(r"\b(?:e-?mail\w*|mail|reply|tra loi)\b"),
    "send_document": re.compile(
        r"\b(?:send|sent|share|forward|gui|chuyen|prepare|soan|chuan bi|deliver|resend|to be sent)\b"
    ),
    "meeting": re.compile(
        r"\b(?:meet\w*|mtg|visit\w*|gap|hen|ghe|tham|lunch|coffee|cafe|appointment|catch up|xuong|qua|hop(?! dong))\b"
    ),
    "review": re.compile(r"\b(?:review\w*|check\w*|kiem tra|ra soat|xem|tham dinh|verify|assess\w*|danh gia)\b"),
    "other": re.compile(r"\w"),
}
#: How sure the tagger must be that a note's undated first piece is a follow-up, not what happened.
OPENING_SURE = 0.97
#: Below this the kind classifier's guess, with no word of that kind in the span, is only "other".
KIND_GUESS_FLOOR = 0.5
#: How much a neighbour's words count next to the piece's own, and the buckets of each.
NEIGHBOUR_WEIGHT = 0.5
PIECE_DIM = 1 << 13
NEIGHBOUR_DIM = 1 << 12

_SENTENCE_END = re.compile(r"[.;!?\n]+")
_JOINT = re.compile(
    r"(?:(?<!\d),|,(?!\d))\s*"  # a comma, not inside "1,2 tỷ"
    r"|\s+[+&]\s*|[+&]\s+|\s+[-–•>/]+\s+|\s*\(?\b\d\)\s+"  # "a + b", "a & b", "a - b", "1) … 2) …"
    r"|(?:(?<=\s)|^)(?:and then|and|then|also|plus|va|roi|sau do|con|xong|voi lai|thi|sau khi|truoc khi)(?=\s)"
    # unpunctuated dictation: a closing particle, then the RM's day or the RM doing something ("… hơi bực á tui gửi …",
    # "… ưng lắm thứ 5 tui qua …")
    r"|(?:(?<=\blam)|(?<=\bnha)|(?<=\bnhen)|(?<=\bluon)|(?<=\bha)|(?<=\bthoi)|(?<=\bvay)|(?<=\ba)|(?<=\bnghen)|"
    r"(?<=\bne))\s+(?=(?:mai|thu\s*(?:hai|ba|tu|nam|sau|bay|[2-7])|t[2-7]|"
    r"cuoi tuan|dau tuan|hom nay|bua nay|trong ngay|\d+\s+(?:ngay|tuan)|(?:tui|toi|em|minh)\s+(?:gui|goi|hen|kiem tra|"
    r"review|email|qua|ghe|nhan|lam ho so))\b)"
)
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)\w*|t[2-7]|thu\s*(?:[2-7]|hai|ba|tu|nam|sau|bay)|chu nhat|cn"
_DAY_BEFORE = re.compile(rf"\b(?:{_DAY})\s*$")
_DAY_AFTER = re.compile(rf"\s*(?:{_DAY})\b\s*(?:$|until\b|till\b|den khi\b|cho den khi\b|[,;.]|and\b|va\b)")
_ABBREVIATION = re.compile(r"\b(?:mr|mrs|ms|dr|st|no|vs|etc|e\.g|i\.e|t|p)\.$", re.IGNORECASE)


class FollowUpsNotReady(RuntimeError):
    """The shipped weights do not match the corpus (retrain them) or are missing."""


@dataclass(frozen=True)
class Piece:
    start: int
    end: int
    joint: str  # what came before it: "" (start of a sentence), ",", "+", "va", …
    first_in_sentence: bool
    first_in_note: bool


@dataclass(frozen=True)
class FollowUpSpan:
    start: int
    end: int
    kind: str
    confidence: float


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and (
            _ABBREVIATION.search(text[start : match.start() + 1])
            or (
                match.start() > 0
                and text[match.start() - 1].isdigit()
                and text[match.end() : match.end() + 1].isdigit()
            )
        ):
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def pieces(text: str) -> list[Piece]:
    """The note cut at every joint a follow-up could start after (spans into ``text``)."""
    folded = fold_chars(text).lower()
    out: list[Piece] = []
    for start, end in _sentence_spans(text):
        cuts: list[tuple[int, int, str]] = []  # (joint start, piece start, joint)
        for joint in _JOINT.finditer(folded, start, end):
            if _DAY_BEFORE.search(folded, start, joint.start()) and _DAY_AFTER.match(folded, joint.end(), end):
                continue  # "every Monday and Friday", "T3, T5": one follow-up's days
            typed = text[joint.start() : joint.end()].strip()
            if typed[:1].isalpha() and (typed[:1].isupper() or typed.lower() == "thị") and joint.start() > start:
                continue  # "Bùi Thị Lan", "Con gái bà": a name or a noun typed like a joint word
            if joint.end() > joint.start():
                cuts.append((joint.start(), joint.end(), folded[joint.start() : joint.end()].strip() or ","))
        bounds = [(start, "")] + [(piece_start, name) for _, piece_start, name in cuts]
        ends = [joint_start for joint_start, _, _ in cuts] + [end]
        first = True
        for (piece_start, name), piece_end in zip(bounds, ends, strict=True):
            if not re.search(r"\w", text[piece_start:piece_end]):
                continue
            a = piece_start + len(text[piece_start:piece_end]) - len(text[piece_start:piece_end].lstrip())
            b = piece_end - (len(text[piece_start:piece_end]) - len(text[piece_start:piece_end].rstrip()))
            out.append(Piece(a, b, name, first, not out))
            first = False
    return out


def _rule_marks(piece_text: str) -> list[str]:
    """The rules' opinion of a piece, as features: an action verb first, an RM's cue, the kind its words name."""
    folded = fold_chars(piece_text).lower()
    marks = [f"@rule_kind:{task_kind(folded)}"]
    if starts_with_action(folded):
        marks.append("@rule_action")
    if rm_cue(folded, vietnamese=True):
        marks.append("@rule_cue")
    if NOTHING_TO_DO.search(folded):
        marks.append("@rule_nothing")
    return marks


def _only_a_day(piece_text: str) -> bool:
    """A piece that is a day and hedges around it ("chắc là thứ 3 ạ", "maybe Tue"), with no action of its own."""
    folded = fold_chars(piece_text).lower()
    dates = find_dates(piece_text, ANY_DAY)
    if not dates or starts_with_action(folded) or task_kind(folded):
        return False
    rest = folded[: dates[0].start] + folded[dates[0].end :]
    return len(re.findall(r"\w+", rest)) <= 4


def _own_action_and_day(piece_text: str) -> bool:
    folded = fold_chars(piece_text).lower()
    return starts_with_action(folded) and bool(find_dates(piece_text, ANY_DAY))


def _only_a_heading(piece_text: str) -> bool:
    folded = fold_chars(piece_text).lower().strip()
    return bool(folded) and not FOLLOW_UP_LEAD.sub("", folded).strip(" :-–")


def _marks(text: str, piece: Piece) -> tuple[str, ...]:
    marks = [f"@joint:{piece.joint}", *_rule_marks(text[piece.start : piece.end])]
    if find_dates(text[piece.start : piece.end], ANY_DAY):
        marks.append("@date")
    if piece.first_in_sentence:
        marks.append("@sentence_start")
    if piece.first_in_note:
        marks.append("@note_start")
    return tuple(marks)


def piece_rows(text: str, cut: list[Piece]) -> np.ndarray:
    """One row per piece: its own words and marks, then its neighbours' words (salted, weighted)."""
    texts = [text[p.start : p.end] for p in cut]
    own = [
        hashed_grams(piece_text, extra=_marks(text, p), dim=PIECE_DIM) for piece_text, p in zip(texts, cut, strict=True)
    ]
    near = [hashed_grams(piece_text, dim=NEIGHBOUR_DIM) for piece_text in texts]
    empty = np.zeros(NEIGHBOUR_DIM, dtype=np.float32)
    rows = [
        np.hstack([
            own[i],
            NEIGHBOUR_WEIGHT * (near[i - 1] if i > 0 else empty),
            NEIGHBOUR_WEIGHT * (near[i + 1] if i + 1 < len(cut) else empty),
        ])
        for i in range(len(cut))
    ]  # fmt: skip
    return np.vstack(rows) if rows else np.zeros((0, PIECE_DIM + 2 * NEIGHBOUR_DIM), dtype=np.float32)


def kind_rows(texts: list[str]) -> np.ndarray:
    """A follow-up's words and the kind the rules' lexicon reads in them."""
    if not texts:
        return np.zeros((0, HASH_DIM), np.float32)
    return np.vstack(
        [hashed_grams(text, extra=(f"@rule_kind:{task_kind(fold_chars(text).lower())}",)) for text in texts]
    )


def gold_tags(text: str, cut: list[Piece], spans: list[tuple[int, int]]) -> list[str]:
    """Each piece's tag from the teacher's spans: the first piece a span touches is B, the others I."""
    tags = ["O"] * len(cut)
    for start, end in spans:
        touching = [i for i, p in enumerate(cut) if p.start < end and start < p.end]
        for n, index in enumerate(touching):
            if tags[index] == "O":
                tags[index] = "B" if n == 0 else "I"
    return tags


def locate(note: str, follow_ups: list[dict[str, str]]) -> list[tuple[int, int, str]]:
    """The teacher's spans as positions in the NFC note, in order, each after the one before."""
    out, cursor = [], 0
    for follow_up in follow_ups:
        span = normalize_text(follow_up["span"]).strip()
        at = note.find(span, cursor)
        if at < 0:
            at = note.find(span)
        if at < 0 or not span:
            continue
        out.append((at, at + len(span), follow_up["kind"]))
        cursor = at + len(span)
    return out


class FollowUpReader:
    """The trained tagger and kind classifier."""

    def __init__(self, tag_weights: np.ndarray, tag_bias: np.ndarray, kind_weights: np.ndarray, kind_bias: np.ndarray):
        self.tag_weights = tag_weights.astype(np.float32)
        self.tag_bias = tag_bias.astype(np.float32)
        self.kind_weights = kind_weights.astype(np.float32)
        self.kind_bias = kind_bias.astype(np.float32)

    def tag(self, text: str, cut: list[Piece]) -> list[tuple[str, float]]:
        """Each piece's tag and its probability, the rules' strongest cues weighing in where the tagger is unsure."""
        if not cut:
            return []
        probabilities = softmax(piece_rows(text, cut) @ self.tag_weights + self.tag_bias)
        tags = []
        for piece, row in zip(cut, probabilities, strict=True):
            tag = TAGS[int(row.argmax())]
            piece_text = text[piece.start : piece.end]
            folded = fold_chars(piece_text).lower()
            found = find_dates(piece_text, ANY_DAY)
            dated = bool(found)
            # "hôm nay gặp anh" is what happened; "trong ngày sẽ gửi email" is what the RM will do today
            reported_today = bool(found) and all(day.kind == "today" for day in found) and not _FUTURE.search(folded)
            action = (
                starts_with_action(folded)
                or bool(_PASSIVE_TASK.search(folded))
                or (rm_cue(folded, vietnamese=True) and task_kind(folded) is not None)  # "tôi đã hứa thứ Hai sẽ gọi"
            )
            opening = piece.first_in_note and len(cut) > 1  # "Email from Son re his CD maturing 5/11": what happened
            promised = bool(_RM_WILL.search(folded)) and task_kind(folded) is not None
            if (
                tag == "O"
                and action
                and dated
                and not opening
                and not reported_today
                and (row[TAGS.index("O")] < PROMOTE_BELOW or promised)
            ):
                tag = "B"  # "thứ hai mình gửi chị bảng minh họa": an action verb and its day
            elif tag == "B" and not (action or dated or rm_cue(folded, vietnamese=True)) and row[0] < DEMOTE_BELOW:
                tag = "O"  # no verb of the RM's, no day, no "need to": story unless the tagger is sure
            elif tag == "B" and FOR_THE_RM.search(folded):
                tag = "O"  # "chị … rồi gọi lại cho em": the client calls the RM back
            elif tag == "B" and (
                (_SOMEONE_ELSE_WILL.match(piece_text) and not _RM_WILL.search(folded))
                or _COLLEAGUE_LINE.match(piece_text)
                or _SOMEONE_ELSE_WILL_VI.match(piece_text)
            ):
                tag = "O"  # "Hieu (Bancassurance) will run the illustration": a colleague's action, not the RM's
            elif tag == "B" and not dated and _RM_DID.match(folded):
                tag = "O"  # "E rep gửi link đăng ký": what the RM already did
            elif (
                tag == "B"
                and opening
                and (not dated or reported_today or _WHEN_IT_HAPPENED.match(folded) or _RECAP.search(folded))
                and row[0] < OPENING_SURE
            ):
                tag = "O"  # "Gặp chị Oanh ở phòng khám.": a note opens with what happened (98.7% of the teachers')
            tags.append((tag, float(row[TAGS.index(tag)])))
        return tags

    def kinds(self, texts: list[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        probabilities = softmax(kind_rows(texts) @ self.kind_weights + self.kind_bias)
        return [(KINDS[int(row.argmax())], float(row.max())) for row in probabilities]

    def read(self, text: str) -> tuple[list[FollowUpSpan], list[Piece], list[str]]:
        """The follow-ups (spans into ``text``), the pieces and their tags (an I with no B before it is story)."""
        cut = pieces(text)
        tags = self.tag(text, cut)
        labels: list[str] = []
        groups: list[list[int]] = []
        for index, (tag, _) in enumerate(tags):
            piece_text = text[cut[index].start : cut[index].end]
            if tag == "B" and _only_a_heading(piece_text):
                tag = "O"  # "Next steps:", "FU:", "việc cần làm:" head the follow-ups; they are not one
            if tag in ("B", "O") and groups and labels[-1] != "O" and _only_a_day(piece_text):
                previous = text[cut[groups[-1][0]].start : cut[groups[-1][-1]].end]
                if not find_dates(previous, ANY_DAY):
                    tag = "I"  # "gửi form đăng ký thẻ, chắc là thứ 3": the day of the follow-up before
            if tag == "I" and groups and labels[-1] != "O" and _own_action_and_day(piece_text):
                previous = text[cut[groups[-1][0]].start : cut[groups[-1][-1]].end]
                if find_dates(previous, ANY_DAY):
                    tag = "B"  # "send her the form Monday and call her Wednesday": a second action with its own day
            if tag == "B" or (tag == "I" and not groups) or (tag == "I" and labels[-1] == "O"):
                tag = "B" if tag == "B" else "O"
            if tag == "B":
                groups.append([index])
            elif tag == "I":
                groups[-1].append(index)
            labels.append(tag)
        texts = [text[cut[g[0]].start : cut[g[-1]].end] for g in groups]
        spans = []
        for group, span_text, (kind, confidence) in zip(groups, texts, self.kinds(texts), strict=True):
            folded_span = fold_chars(span_text).lower()
            named = task_kind(folded_span)
            own_word = kind != "other" and bool(_KIND_WORD[kind].search(folded_span))
            if named == "send_document" and kind == "email":
                kind = named  # "email her the brochure": a document sent by e-mail is a document sent
            elif named is not None and (confidence < KIND_CONFIDENCE or not own_word):
                kind = named  # unsure, or no word of its own kind: "credit file to be reviewed" is a review
            elif named is None and not own_word:
                if kind in ("send_document", "other"):
                    # a document named is one to send ("he wants the brochure by Friday"); none, and it is no send
                    # ("arrange a property valuation")
                    kind = "send_document" if DOCUMENT_NOUN.search(folded_span) else "other"
                elif confidence < KIND_GUESS_FLOOR:
                    kind = "other"  # an unsure guess with no word of its kind
            spans.append(
                FollowUpSpan(cut[group[0]].start, cut[group[-1]].end, kind, min(tags[group[0]][1], confidence))
            )
        return spans, cut, labels

    @classmethod
    def from_corpus(cls, examples: list[dict[str, Any]]) -> FollowUpReader:
        rows, targets, span_texts, span_kinds = [], [], [], []
        for example in examples:
            note = normalize_text(example["note"])
            located = locate(note, example["follow_ups"])
            cut = pieces(note)
            if not cut:
                continue
            rows.append(piece_rows(note, cut))
            targets += [TAGS.index(tag) for tag in gold_tags(note, cut, [(a, b) for a, b, _ in located])]
            for a, b, kind in located:
                if kind in KINDS:
                    span_texts.append(note[a:b])
                    span_kinds.append(KINDS.index(kind))
        tag_weights, tag_bias = train(np.vstack(rows), np.array(targets), len(TAGS))
        kind_weights, kind_bias = train(kind_rows(span_texts), np.array(span_kinds), len(KINDS))
        return cls(tag_weights, tag_bias, kind_weights, kind_bias)


def read_corpus(path: Path | None = None) -> list[dict[str, Any]]:
    return read_jsonl(path or CORPUS)


def corpus_hash(path: Path | None = None) -> str:
    return file_sha256(path or CORPUS)


def _settings() -> dict[str, Any]:
    return {"hash_dim": HASH_DIM, "piece_dim": PIECE_DIM, "kind_confidence": KIND_CONFIDENCE,
            "kind_guess_floor": KIND_GUESS_FLOOR, "opening_sure": OPENING_SURE,
            "promote_below": PROMOTE_BELOW, "demote_below": DEMOTE_BELOW,
            "neighbour_dim": NEIGHBOUR_DIM, "neighbour_weight": NEIGHBOUR_WEIGHT, "l2_penalty": L2_PENALTY,
            "iterations": ITERATIONS, "tags": list(TAGS), "kinds": list(KINDS)}  # fmt: skip


_reader: FollowUpReader | None = None
_reader_lock = threading.Lock()


def shipped_reader() -> FollowUpReader:
    """The reader over the shipped weights (loaded on first use); ``FollowUpsNotReady`` if they disagree."""
    global _reader
    if _reader is None:
        with _reader_lock:
            if _reader is None:
                problem = weights_problem(CORPUS, WEIGHTS, MANIFEST, _settings())
                if problem:
                    raise FollowUpsNotReady(f"the follow-up reader's corpus or weights are {problem}: {REBUILD}")
                with np.load(WEIGHTS) as shipped:
                    _reader = FollowUpReader(
                        shipped["tag_weights"], shipped["tag_bias"], shipped["kind_weights"], shipped["kind_bias"]
                    )
    return _reader


def build() -> dict[str, Any]:
    examples = read_corpus()
    reader = FollowUpReader.from_corpus(examples)
    np.savez_compressed(
        WEIGHTS,
        tag_weights=reader.tag_weights.astype(np.float16),
        tag_bias=reader.tag_bias,
        kind_weights=reader.kind_weights.astype(np.float16),
        kind_bias=reader.kind_bias,
    )
    manifest = {
        "corpus_sha256": corpus_hash(),
        "settings": _settings(),
        "notes": len(examples),
        "follow_ups": sum(len(example["follow_ups"]) for example in examples),
    }
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def score(reader: FollowUpReader, examples: list[dict[str, Any]]) -> dict[str, float]:
    """Span F1 against the teacher's spans: a predicted follow-up matches a gold one it overlaps, of its kind."""
    tp = fp = fn = tagged_right = tagged = 0
    for example in examples:
        note = normalize_text(example["note"])
        gold = locate(note, example["follow_ups"])
        predicted, cut, labels = reader.read(note)
        expected_tags = gold_tags(note, cut, [(a, b) for a, b, _ in gold])
        tagged += len(cut)
        tagged_right += sum(x == y for x, y in zip(labels, expected_tags, strict=True))
        unmatched = list(gold)
        for span in predicted:
            hit = next((g for g in unmatched if g[0] < span.end and span.start < g[1] and g[2] == span.kind), None)
            if hit is None:
                fp += 1
            else:
                tp += 1
                unmatched.remove(hit)
        fn += len(unmatched)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tag_accuracy": round(tagged_right / max(tagged, 1), 4)}  # fmt: skip


def evaluate() -> dict[str, dict[str, float]]:
    """Leave one teacher out: train on the others, score on it (teachers by id prefix)."""
    examples = read_corpus()
    teachers = sorted({str(example["id"]).split("-")[0] for example in examples})
    results = {}
    for teacher in teachers:
        train_set = [e for e in examples if not str(e["id"]).startswith(f"{teacher}-")]
        held_out = [e for e in examples if str(e["id"]).startswith(f"{teacher}-")]
        results[teacher] = score(FollowUpReader.from_corpus(train_set), held_out)
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.crm.followups build|evaluate``."""
    return learned_piece_main(argv, "tools.crm.followups", build, evaluate, "follow-up reader")


if __name__ == "__main__":
    raise SystemExit(main())
