"""Which use case a chat message asks for: clear cues first, the learned reading for the rest, a question when
two readings are too close to call.

1. **Clear cues** (``_CLEAR``, high precision): an empty message or a bare greeting, a short follow-up of the
   previous request ("and last month?"), and phrases that name a use case ("check this for compliance", "my
   unread messages", "remind me every Monday", "next best action", "brief me", "draft a message"). A clear
   cue is never overruled, by the learned reading or by a model.
2. **The learned reading** (``tools.routing.learned``): a classifier over the multilingual-e5 vector and the
   written form of the message, trained on a labelled corpus. A reading at least ``MIN_CONFIDENCE`` likely and
   ``MIN_MARGIN`` ahead of the next is the answer. Pasted meeting notes are read here: the teachers' notes
   taught it what a note looks like better than keyword rules did.
3. **Undecided**: a configured model may choose among the two or three closest readings (it sees the
   message masked: no client name, phone, e-mail or account number); otherwise, or when its choice is not
   among them, the co-pilot asks the RM with buttons.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from tools.core.text import fold, normalize_text
from tools.routing.intent import classify_intent, is_follow_up
from tools.routing.learned import Reading, RouterNotReady, shipped_router

logger = logging.getLogger(__name__)

#: A reading this likely, this far ahead of the next, is the answer.
MIN_CONFIDENCE = 0.4
MIN_MARGIN = 0.1
#: Readings offered as buttons when undecided: those at least this likely, two or three of them.
OPTION_FLOOR = 0.12
MAX_OPTIONS = 3

#: Phrases that name one use case whatever else the message says (matched on the folded text, in this order: a
#: draft pasted "for a compliance check" is a compliance check; "draft replies to my unread emails" is triage).
#: Each is kept only while it is at least as precise as the learned reading on the teachers' corpus (measured by
#: training on three teachers' corpora and reading the fourth's); cues for notes, decks, market news and flight
#: risks were dropped because the learned reading was better on them.
_CLEAR: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("compliance_check", re.compile(r"\b(compliance|compliant|tuan thu|vi pham (quy dinh|chinh sach)|disclaimers?|"
                                    r"mien tru trach nhiem)\b")),
    ("inbox_triage", re.compile(r"\b(unread|chua doc)\b.*\b(messages?|emails?|mails?|inbox|tin nhan|thu|mail)\b"
                                r"|\b(messages?|emails?|inbox|tin nhan|mail)\b.*\b(unread|chua doc)\b")),
    ("recurring_task", re.compile(r"\b(remind me|reminder|nhac (em|anh|chi|minh|toi)|(dat|tao) (nhac|lich nhac)|"
                                  r"nhac nho)\b.*"
                                  r"\b(every|each|weekly|daily|monthly|moi|hang (tuan|ngay|thang))\b")),
    ("next_best_action", re.compile(r"\b(next best action|nba)\b")),
    # the RM's own standing: every one of the corpus's 5 "how am I doing/tracking" lines is a performance report
    ("performance_report", re.compile(r"\bhow am i (doing|tracking)\b")),
    ("briefing", re.compile(r"\b(brief me|pre-?call brief)\b")),
    ("drafting", re.compile(r"\b(draft|write|compose)\b( \w+){0,4} (message|email|e-mail|sms|text|letter|wish|zalo)\b"
                            r"|\b(soan|viet) (tin|thu|email|mail|loi chuc)\b")),
)  # fmt: skip
#: Use cases a bare greeting or thanks is not: the whole message is only politeness.
_ONLY_POLITENESS = re.compile(
    r"^(hi|hello|hey|yo|good (morning|afternoon|evening)|thanks?( you| a lot)?|many thanks|xin chao|chao( ban| em| anh|"
    r" chi)?|cam on( ban| em| nhe| nhieu)?|ok(ay)?|tks|thx)[ !.,]*$"
)


@dataclass(frozen=True)
class Routing:
    """The use case a message asks for, or the options to ask about (``intent`` None)."""

    intent: str | None
    #: "rules", "learned", "model" or "follow-up".
    engine: str
    confidence: float
    #: When undecided: the two or three closest readings, best first.
    options: tuple[str, ...] = ()
    reason: str = ""
    #: How long the routing took.
    ms: float = 0.0


def _clear_cue(folded: str, text: str, previous: str | None) -> tuple[str, str] | None:
    if not folded or _ONLY_POLITENESS.match(folded):
        return "other", "greeting"
    if previous and previous not in ("other", "data_entry") and is_follow_up(text):
        return previous, "follow-up of the previous request"
    for intent, pattern in _CLEAR:
        if pattern.search(folded):
            return intent, f"names it: {pattern.pattern[:40]}"
    return None


def _options(reading: Reading, allowed: set[str]) -> tuple[str, ...]:
    kept = [
        label
        for label, probability in reading.ranked
        if label in allowed and label != "other" and probability >= OPTION_FLOOR  # "something else" is always offered
    ]
    return tuple(kept[:MAX_OPTIONS])


def route(
    text: str,
    *,
    previous: str | None = None,
    allowed: set[str] | None = None,
    choose: Callable[[tuple[str, ...]], str | None] | None = None,
) -> Routing:
    """Route ``text``; ``allowed`` are the intents the chat knows (default: every label the corpus knows);
    ``choose`` asks a model to pick among the close readings (None: the RM is asked)."""
    started = time.perf_counter()

    def done(
        intent: str | None, engine: str, confidence: float, options: tuple[str, ...] = (), reason: str = ""
    ) -> Routing:
        return Routing(
            intent, engine, round(confidence, 3), options, reason, round((time.perf_counter() - started) * 1000, 1)
        )

    text = normalize_text(text)
    folded = fold(text)
    clear = _clear_cue(folded, text, previous)
    if clear is not None:
        engine = "follow-up" if clear[1].startswith("follow-up") else "rules"
        return done(clear[0], engine, 1.0, reason=clear[1])
    try:
        router = shipped_router()
    except RouterNotReady as error:  # the rules alone, as before the router existed
        logger.error("%s; routing by the rules alone", error)
        guess = classify_intent(text, previous_intent=previous)
        return done(guess.intent, "rules", guess.confidence, reason=guess.reason)
    reading = router.read(text)
    known = allowed if allowed is not None else set(router.intents)
    best = reading.best if reading.best in known else "other"
    if reading.confidence >= MIN_CONFIDENCE and reading.margin >= MIN_MARGIN:
        return done(best, "learned", reading.confidence, reason=f"nearest examples ({reading.confidence:.2f})")
    options = _options(reading, known)
    if len(options) < 2 and not (options and best == "other"):  # "something else" or one reading: no question
        return done(best, "learned", reading.confidence, reason="one plausible reading")
    if choose is not None:
        picked = choose(options)
        if picked in options:
            return done(picked, "model", reading.probability(picked), reason="the model chose among close readings")
    return done(None, "learned", reading.confidence, options, reason="two readings too close to call")
