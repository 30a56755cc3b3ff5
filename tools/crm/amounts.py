"""Which amount in a note is the deal: the rules' cues, and a small learned chooser that reads them.

The rules (cue words before and after each amount: what the client wants, a price, a revenue, a balance kept
aside, a change of mind) score every amount; the chooser, a softmax regression (``tools.core.learning``) over
each amount's surroundings (hashed words and character grams left, right and of the amount itself) and the
rules' marks, says how likely each amount is the deal — and that none is, when every one is background.

Its corpus (``data/amounts.jsonl``: ``{"id", "note", "amount_vnd", "amounts": [{"text", "vnd", "role"}]}``) was
written by helper sessions acting as teachers, notes with several amounts of which one (or none) is the deal,
kept apart from every set that measures data entry. ``python -m tools.crm.amounts build`` retrains the weights;
``… evaluate`` trains on all teachers but one and scores the one left out, in turn, beside the rules alone.
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
    ITERATIONS,
    L2_PENALTY,
    file_sha256,
    hashed_grams,
    learned_piece_main,
    read_jsonl,
    softmax,
    train_choice,
    weights_problem,
)
from tools.core.parsing import AmountSpan, find_amounts
from tools.core.text import fold_chars, normalize_text
from tools.crm.followup_cues import SELF_CORRECTION

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
CORPUS = DATA / "amounts.jsonl"
WEIGHTS = DATA / "amounts.npz"
MANIFEST = DATA / "amounts.manifest.json"
REBUILD = "python -m tools.crm.amounts build"

CONTEXT_DIM = 1 << 12
#: The rules' marks, one column each after the hashed context.
MARKS = (
    "intent", "deal", "comma_clause", "tenor", "governing", "cue_after", "background", "someone_else",
    "changed_later", "taken_back", "rule_best", "rule_only_best", "first", "last", "only", "largest", "smallest",
    "repeated", "score_neg", "score_zero", "score_pos", "score_high",
)  # fmt: skip
#: "None of them is the deal" wins at this probability when the note names several amounts, and at this one when
#: it names one: an amount named alone is nearly always the deal in RMs' notes (98 % of the development sets'),
#: far less often in the teachers' notes, written to hold fee complaints and balances. Chosen on both: the
#: teachers' corpus with each teacher left out in turn (0.784 right; the rules 0.690) and the development sets,
#: which the chooser never saw (0.969; the rules, tuned on them, 0.978).
NONE_OF_SEVERAL = 0.5
NONE_OF_ONE = 0.999
#: Below this probability the card marks the amount for the RM to check.
SURE_ABOVE = 0.75


#: Words before an amount that make it the deal: what the client wants to deposit, borrow, invest, insure, add.
_DEAL_CUE = re.compile(
    r"\b(?:muon|want\w*|would like|looking to|keen to|dinh(?! gia)|tinh|can|need\w*|xin|de nghi|vay|borrow\w*|loan of|"
    r"mortgage of|gui|deposit|put\w*|dau tu|invest|top up|topping up|nap|bo|them|add\w*|another|chuyen|move|"
    r"transfer|into|vao|mua|cover|coverage|menh gia|han muc|limit|increase|nang|tang|giai ngan|disburse\w*|"
    r"tra truoc|prepay\w*|by)\b"
)
#: What the client wants (stronger than a product's name: "đang có khoản vay 2,5 tỷ, giờ muốn mua bảo hiểm 1 tỏi").
_INTENT_CUE = re.compile(
    r"\b(?:muon|want\w*|would like|looking to|keen (?:to|on)|dinh(?! gia)|tinh|can|need\w*|xin|de nghi|asking|ask\w* (?:to|for)|"
    r"raise|nang|tang|top up|them|another|add\w*|stbh|menh gia|cover|coverage|deal|chot|confirm|roll\w*|tai tuc|"
    r"vao|into|place|gia han|hmtd|han muc tin dung|req|requests?|requested|ticket|lump sum)\b"
)
#: Words right before an amount (or "property" right after it) that make it background: a revenue, a price, a
#: salary, what is already owed or held elsewhere, a sale, someone else's money.
_BACKGROUND_BEFORE = re.compile(
    r"\b(?:doanh thu|doanh so|dt|revenue|turnover|loi nhuan|profit|(?<!menh )gia|price[ds]?|worth|tri gia|gia tri|"
    r"dinh gia(?: so bo)?|tsdb|collateral|valuation|valued|"
    r"valued at|luong|salary|income|thu nhap|earns?|existing|current|o/s|outstanding|last year|nam ngoai|still|"
    r"phi chuyen(?: tien| khoan)?|transfer fees?|annual fee|phi thuong nien|bi tru(?: phi)?|tru phi|charged|"
    r"bank khac|ngan hang khac|other bank|dang chay|hien co|tat toan(?: som)?(?: so)?|withdraw\w*|redeem\w*|"
    r"ban duoc|sold for|duoc hon|lent|paid back|bond issue|hết gần|het gan|het|offered|"
    r"ban\s+(?:\w+\s+){0,5}duoc)\s*[~≈:]?\s*(?:\w+\s+){0,3}$"
)
_BACKGROUND_AFTER = re.compile(
    r"^\s*(?:property|apartment|house|car|villa|flat|o/s|outstanding|mot ngay|a day|per day|revenue|/\s*nam|/\s*year|per year|a year|"
    r"mot thang|moi thang|/\s*thang|a month|per month|ma (?:ba|ong|anh|chi) chua ban)\b"
)
#: Someone else's money: the amount belongs to the sentence's other person ("cô em gái vừa vay 600 triệu").
_SOMEONE_ELSE = re.compile(
    r"\b(?:em gai|anh trai|chi gai|em trai|ong anh|ba chi|co em|sister|brother|parents|bo me|ong xa|chong|wife|"
    r"husband|firm|cong ty|friend|ban cua|ban be)\b"
)


#: The deal word right before an amount, with at most a hedge between ("vay 1 tỷ 2", "hạn mức 200 triệu", "can vay
#: 700tr", "coverage of about 2bn"): it governs this amount, where a cue a few words back may govern another.
_GOVERNING_CUE = re.compile(
    r"\b(?:vay|vay them|gui|gui them|borrow|deposit|invest|dau tu|han muc|limit|menh gia|bao ve|coverage|cover|needs?|"
    r"prepay|pay down|top up|"
    r"top up|topping up|nap|bo|loan of|mortgage of|line|increase(?: it)? to|nang(?: len)?|tang(?: len)?|giai ngan)"
    r"(?:\s+(?:khoang|tam|chung|co|about|around|approx\.?|roughly|of|la|len|to|~|≈|c\.))?(?:\s*vnd)?\s*$"
)
#: Words right before an amount that make it money the deal is not: where it comes from ("lấy 1 tỷ từ sổ CD 2 tỷ 5"),
#: what is kept aside ("giữ lại 1,2 tỷ"), what is held besides it ("ngoài khoản 3 tỷ").
_NOT_THE_DEAL_BEFORE = re.compile(
    r"\b(?:tu (?:so|khoan|tk|tai khoan|the|tien|so cd|so tiet kiem)(?: \w+){0,3}|from (?:his|her|their|the|my|a)?\s*"
    r"(?:\w+\s+){0,2}(?:savings|cd|td|fd|account|deposit)|from (?:his|her|their|the|my|a)|out of (?:his|her|their|the)|"
    r"(?:of|off) (?:his|her|their|the|my)(?: vnd)?|dang co|luc dau(?: \w+){0,3}|ban dau(?: \w+){0,3}|at first(?: \w+){0,3}|"
    r"initially(?: \w+){0,3}|giu lai|de lai|keep(?:ing)?|"
    r"ngoai(?: khoan)?(?: \w+){0,2}|besides(?: the)?|on top of(?: the)?)\s*$"
)
#: Words right after an amount that make it money already there and not to be touched ("khoản 3 tỷ đang vay",
#: "1.2 tỷ CD he dun want to break", "2,5 tỷ … không muốn động tới").
_NOT_THE_DEAL_AFTER = re.compile(
    r"^\s*(?:[^\W\d]+\s+){0,3}?(?:dang vay|dang gui|dang co|dang no|dang dau tu|hien co)\b"
    r"|^\s*(?:[^\W\d]+\s+){0,4}?(?:khong|ko|k|chua|dun|don'?t|do not|doesn'?t|does not|won'?t)\s+(?:\w+\s+){0,2}?"
    r"(?:dong|dung|rut|pha|tat toan|break|touch|withdraw)\b"
)
#: A term written like an amount ("certificate of deposit 12M", "TD 6m"): the months, not 12 million.
_TENOR = re.compile(r"\b(?:deposit|cd|td|fd|term|tenor|ky han|\d{1,2}\s*m\s*(?:vs\.?|or|and|hay|hoac|/|-))\s*$")
_MONTHS_LIKE = re.compile(r"(?i)\d{1,2}\s*m")


#: A deal word right after an amount, said of it ("phần còn lại là 2 tỷ bác muốn gửi", "500tr she wants to put in").
_CUE_AFTER = re.compile(
    r"^\s*(?:(?:bac|anh|chi|em|ong|ba|co|chu|he|she|they|client|kh|a|c|e|o|b)\s+)?(?:muon|dinh|tinh|wants? to|plans? to|"
    r"would like to)\s+(?:\w+\s+)?(?:gui|vay|dau tu|mua|bo|chuyen|put|deposit|invest|borrow)\b"
)


#: A change of mind between two amounts: the later one stands ("anh đổi lại chỉ nạp thêm 2 tỷ", "sửa thành 3,5 tỷ",
#: "quay sang gửi 1,5 tỷ", "làm tròn 1 tỷ", "changed it to 600m", "settled on").
_CHANGED_MIND = re.compile(
    r"\b(?:doi (?:sang|lai|thanh|y|ve)|doi(?= \w+ \w+ (?:chi|con))|sua (?:lai )?thanh|thong nhat|quay sang|lam tron|"
    r"chi can|chi (?:nap|vay|gui|bo|dau tu|mua)|lat sau|nhan tiep|"
    r"changed (?:it |his mind |her mind |their minds? )?(?:to)?|revised|instead|switched|settled on|ended up|"
    r"rounded (?:it )?up|make it|corrected (?:herself|himself|themselves|it|that)|actually no)\b"
)
#: An amount moved from one figure to another ("raise the line from 12 billion to 20 billion", "hạn mức từ 80 triệu
#: lên 200 triệu"): the first is what it was.
_FROM_BEFORE = re.compile(r"\b(?:from|tu)\s*(?:vnd\s*)?$")
_TO_BETWEEN = re.compile(r"^\s*(?:vnd\s*)?(?:up |down )?(?:to|len|xuong|thanh|->|→|=>)\s*(?:vnd\s*)?$")


#: Typed words whose folded form is a cue word: "căn" (an apartment) folds to "can" (cần, need).
_TYPED_NOT_A_CUE = re.compile(r"\b[Cc]ăn\b")


_TAKEN_BACK = re.compile(r"\b(?:nope|no,|chot|finally|in the end|cuoi cung)\b")


@dataclass(frozen=True)
class RuleReading:
    """The rules' opinion of one amount: a score (higher is likelier the deal) and the cues that made it."""

    score: float
    marks: tuple[str, ...]


def rule_readings(folded: str, amounts: list[AmountSpan], text: str = "") -> list[RuleReading]:
    """Score each amount: a deal word leads to it ("muốn vay 3 tỷ 2", "top up by 2bn") and it is not a price, a
    revenue, a salary, an existing balance, someone else's money or an amount taken back."""
    if len(text) == len(folded):
        for word in _TYPED_NOT_A_CUE.finditer(text):
            folded = folded[: word.start()] + "_" * len(word.group()) + folded[word.end() :]
    folded = folded.lower()  # "Wants", "MUON VAY", "Req." are cues as much as "wants", "muon vay", "req."
    readings = []
    for span in amounts:
        marks: list[str] = []
        clause_start = max(folded.rfind(mark, 0, span.start) for mark in (".", ";", "\n", ",", " - ", "("))
        before = folded[max(clause_start + 1, span.start - 45) : span.start]
        score: float = 2 if _INTENT_CUE.search(before) else 1 if _DEAL_CUE.search(before) else 0
        marks += ["intent"] if score == 2 else ["deal"] if score == 1 else []
        if not score and folded[clause_start : clause_start + 1] == "," and len(before.split()) <= 2:
            # "muốn gửi kỳ hạn 12 tháng, một tỷ hai": the amount alone after a comma belongs to the clause before
            previous = folded[max(0, clause_start - 45) : clause_start]
            previous = previous[max(previous.rfind(mark) for mark in (".", ";", "\n", ",")) + 1 :]
            score = 1 if _INTENT_CUE.search(previous) or _DEAL_CUE.search(previous) else 0
            marks += ["comma_clause"] if score else []
        if _MONTHS_LIKE.fullmatch(span.text.strip()) and _TENOR.search(folded[max(0, span.start - 30) : span.start]):
            score -= 3
            marks.append("tenor")
        elif _GOVERNING_CUE.search(before):
            score += 0.5  # the deal word governs this amount, not only one in its clause
            marks.append("governing")
        elif _CUE_AFTER.match(folded[span.end : span.end + 40]):
            score = max(score, 2)
            marks.append("cue_after")
        if (
            _BACKGROUND_BEFORE.search(folded[max(0, span.start - 50) : span.start])
            or _BACKGROUND_AFTER.match(folded[span.end : span.end + 20])
            or _NOT_THE_DEAL_BEFORE.search(folded[max(clause_start + 1, span.start - 30) : span.start])
            or _NOT_THE_DEAL_AFTER.match(folded[span.end : span.end + 60])
        ):
            score -= 2
            marks.append("background")
        elif _SOMEONE_ELSE.search(before):
            score -= 1
            marks.append("someone_else")
        if any(
            later.start - span.end <= 260 and _CHANGED_MIND.search(folded[span.end : later.start].lower())
            for later in amounts
            if later.start >= span.end
        ):
            score -= 3  # "lúc đầu ông bảo 200 triệu … hai ông bà thống nhất 100 triệu": the amount changed
            marks.append("changed_later")
        following = next((later for later in amounts if later.start >= span.end), None)
        if (
            following is not None
            and _FROM_BEFORE.search(folded[max(0, span.start - 12) : span.start].lower())
            and _TO_BETWEEN.match(folded[span.end : following.start].lower())
        ):
            score -= 3
            marks.append("changed_later")
        elif following is not None and following.start - span.end <= 60:
            between = folded[span.end : following.start].lower()
            if SELF_CORRECTION.search(between) or _TAKEN_BACK.search(between):
                score -= 3  # "vay tám trăm triệu à không, … chốt bảy trăm rưỡi": the amount taken back
                marks.append("taken_back")
        readings.append(RuleReading(score, tuple(marks)))
    return readings


def rule_choice(amounts: list[AmountSpan], readings: list[RuleReading]) -> int | None:
    """The rules' deal: the highest score; among equals, the largest amount."""
    if not amounts:
        return None
    return max(range(len(amounts)), key=lambda i: (readings[i].score, amounts[i].value_vnd))


def _context_marks(amounts: list[AmountSpan], readings: list[RuleReading], index: int) -> set[str]:
    """The rules' marks of one amount, where it sits among the others and whether the rules chose it."""
    span, reading = amounts[index], readings[index]
    values = [a.value_vnd for a in amounts]
    best = rule_choice(amounts, readings)
    top = max(r.score for r in readings)
    marks = set(reading.marks)
    marks |= {"first"} if index == 0 else set()
    marks |= {"last"} if index == len(amounts) - 1 else set()
    marks |= {"only"} if len(set(values)) == 1 else set()
    marks |= {"largest"} if span.value_vnd == max(values) else set()
    marks |= {"smallest"} if span.value_vnd == min(values) and len(set(values)) > 1 else set()
    marks |= {"repeated"} if values.count(span.value_vnd) > 1 else set()
    if best is not None and amounts[best].value_vnd == span.value_vnd:
        marks.add("rule_best")
        if sum(r.score == top for r in readings) == 1:
            marks.add("rule_only_best")
    marks.add(
        "score_neg" if reading.score < 0 else "score_zero" if reading.score == 0
        else "score_high" if reading.score >= 2 else "score_pos"
    )  # fmt: skip
    return marks


def candidate_rows(text: str, amounts: list[AmountSpan], readings: list[RuleReading]) -> np.ndarray:
    """One row per amount: the words left of it, the three words just before, the words after, the amount as
    written, then the rules' marks."""
    folded = fold_chars(text).lower()
    rows = []
    for index, span in enumerate(amounts):
        left = folded[max(0, span.start - 60) : span.start]
        near = " ".join(left.split()[-3:])
        right = folded[span.end : span.end + 40]
        marks = _context_marks(amounts, readings, index)
        rows.append(
            np.hstack([
                hashed_grams(left, salt="L", dim=CONTEXT_DIM),
                hashed_grams(near, salt="N", dim=CONTEXT_DIM),
                hashed_grams(right, salt="R", dim=CONTEXT_DIM),
                hashed_grams(span.text, salt="A", dim=CONTEXT_DIM),
                np.array([1.0 if mark in marks else 0.0 for mark in MARKS], dtype=np.float32),
            ])
        )  # fmt: skip
    return np.vstack(rows) if rows else np.zeros((0, 4 * CONTEXT_DIM + len(MARKS)), dtype=np.float32)


class AmountChooser:
    """The trained chooser: how likely each amount is the deal, against "none of them"."""

    def __init__(self, weights: np.ndarray, none_weights: np.ndarray, none_bias: float):
        self.weights = weights.astype(np.float32)
        self.none_weights = none_weights.astype(np.float32)
        self.none_bias = float(none_bias)

    def probabilities(self, text: str, amounts: list[AmountSpan], readings: list[RuleReading]) -> np.ndarray:
        """Each amount's probability of being the deal, then that of none of them (last)."""
        if not amounts:
            return np.ones(1, dtype=np.float32)
        rows = candidate_rows(text, amounts, readings)
        scores = np.append(rows @ self.weights, none_row(rows) @ self.none_weights + self.none_bias)
        return softmax(scores)

    def choose(self, text: str, amounts: list[AmountSpan], readings: list[RuleReading]) -> tuple[int | None, float]:
        """The deal's index (None when every amount is background) and how sure the chooser is of it."""
        probabilities = self.probabilities(text, amounts, readings)
        if not amounts:
            return None, 1.0
        candidates, none = probabilities[:-1], float(probabilities[-1])
        one_value = len({span.value_vnd for span in amounts}) == 1
        if none >= (NONE_OF_ONE if one_value else NONE_OF_SEVERAL):
            return None, none
        # an amount the note takes back ("lúc đầu 200 triệu … thống nhất 100 triệu") or a term written like one
        # ("CD 12M vs 6M") is never the deal
        kept = np.array([not {"changed_later", "taken_back", "tenor"} & set(r.marks) for r in readings])
        if not kept.any():
            return None, 1.0 - float(candidates.max())
        best = int(np.where(kept, candidates, -1.0).argmax())
        # an amount written twice shares its probability: the rules' order picks which span the card shows
        same = [i for i, span in enumerate(amounts) if span.value_vnd == amounts[best].value_vnd]
        if len(same) > 1:
            best = same[rule_choice([amounts[i] for i in same], [readings[i] for i in same]) or 0]
        share = float(sum(candidates[i] for i in same) / max(float(candidates.sum()), 1e-9))
        return best, min(share, 1.0 - none)

    @classmethod
    def from_corpus(cls, examples: list[dict[str, Any]]) -> AmountChooser:
        rows, groups, chosen, none_rows = [], [], [], []
        for example in examples:
            note, amounts, labels = _labelled(example)
            if labels is None or not amounts:
                continue
            candidate = candidate_rows(note, amounts, rule_readings(fold_chars(note), amounts, note))
            rows.append(candidate)
            none_rows.append(none_row(candidate))
            groups += [len(none_rows) - 1] * len(amounts)
            chosen += labels
        weights, none_weights, none_bias = train_choice(
            np.vstack(rows), np.array(groups), np.array(chosen, dtype=np.float32), np.vstack(none_rows)
        )
        return cls(weights, none_weights, none_bias)


def none_row(candidate_rows: np.ndarray) -> np.ndarray:
    """What "none of them is the deal" reads: which of the rules' marks any amount of the note has."""
    marks: np.ndarray = candidate_rows[:, -len(MARKS) :].max(axis=0)
    return marks


def _labelled(example: dict[str, Any]) -> tuple[str, list[AmountSpan], list[int] | None]:
    """The note's amounts and which are the deal (by value); no labels when the deal's amount is not read at all."""
    note = normalize_text(example["note"]).strip()
    amounts = find_amounts(note)
    deal = example.get("amount_vnd")
    if deal is not None and deal not in {a.value_vnd for a in amounts}:
        return note, amounts, None
    return note, amounts, [int(a.value_vnd == deal) for a in amounts]


def read_corpus(path: Path | None = None) -> list[dict[str, Any]]:
    return read_jsonl(path or CORPUS)


def corpus_hash(path: Path | None = None) -> str:
    return file_sha256(path or CORPUS)


def _settings() -> dict[str, Any]:
    return {
        "context_dim": CONTEXT_DIM,
        "marks": list(MARKS),
        "l2_penalty": L2_PENALTY,
        "iterations": ITERATIONS,
    }  # the weights' own settings


class AmountsNotReady(RuntimeError):
    """The chooser's corpus or weights are missing or out of date."""


_chooser: AmountChooser | None = None
_chooser_lock = threading.Lock()


def shipped_chooser() -> AmountChooser:
    """The chooser over the shipped weights (loaded on first use); ``AmountsNotReady`` if they disagree."""
    global _chooser
    if _chooser is None:
        with _chooser_lock:
            if _chooser is None:
                problem = weights_problem(CORPUS, WEIGHTS, MANIFEST, _settings())
                if problem:
                    raise AmountsNotReady(f"the amount chooser's corpus or weights are {problem}: {REBUILD}")
                with np.load(WEIGHTS) as shipped:
                    _chooser = AmountChooser(shipped["weights"], shipped["none_weights"], float(shipped["none_bias"]))
    return _chooser


def deal_amount(text: str, folded: str, amounts: list[AmountSpan]) -> tuple[AmountSpan | None, bool]:
    """The deal's amount and whether the reading is sure enough to fill the card unmarked."""
    if not amounts:
        return None, True
    readings = rule_readings(folded, amounts, text)
    try:
        chooser = shipped_chooser()
    except AmountsNotReady as error:
        logger.warning("%s; the rules choose the amount", error)
        best = rule_choice(amounts, readings)
        return (amounts[best] if best is not None else None), len({a.value_vnd for a in amounts}) == 1
    index, confidence = chooser.choose(text, amounts, readings)
    return (amounts[index] if index is not None else None), confidence >= SURE_ABOVE


def build() -> dict[str, Any]:
    examples = read_corpus()
    chooser = AmountChooser.from_corpus(examples)
    np.savez_compressed(
        WEIGHTS,
        weights=chooser.weights.astype(np.float16),
        none_weights=chooser.none_weights,
        none_bias=np.float32(chooser.none_bias),
    )
    manifest = {"corpus_sha256": corpus_hash(), "settings": _settings(), "notes": len(examples)}
    MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def score(chooser: AmountChooser | None, examples: list[dict[str, Any]]) -> dict[str, float]:
    """The share of notes whose deal amount (or its absence) is read right; ``None`` scores the rules alone."""
    right = 0
    for example in examples:
        note = normalize_text(example["note"]).strip()
        amounts = find_amounts(note)
        readings = rule_readings(fold_chars(note), amounts, note)
        if chooser is None:
            index = rule_choice(amounts, readings)
        else:
            index, _ = chooser.choose(note, amounts, readings)
        got = amounts[index].value_vnd if index is not None else None
        right += got == example.get("amount_vnd")
    return {"notes": len(examples), "accuracy": round(right / max(len(examples), 1), 4)}


def evaluate() -> dict[str, dict[str, dict[str, float]]]:
    """Leave one teacher out (teachers by id prefix): the chooser trained on the others, and the rules alone."""
    examples = read_corpus()
    teachers = sorted({str(example["id"]).split("-")[0] for example in examples})
    results = {}
    for teacher in teachers:
        held_out = [e for e in examples if str(e["id"]).startswith(f"{teacher}-")]
        chooser = AmountChooser.from_corpus([e for e in examples if e not in held_out])
        results[teacher] = {"chooser": score(chooser, held_out), "rules": score(None, held_out)}
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.crm.amounts build|evaluate``."""
    return learned_piece_main(argv, "tools.crm.amounts", build, evaluate, "amount chooser")


if __name__ == "__main__":
    raise SystemExit(main())
