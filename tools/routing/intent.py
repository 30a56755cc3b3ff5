"""What an RM's chat message asks for: the co-pilot's deterministic intent rules (EN and VI, accents or not).

The rules score keyword cues per intent on the accent-folded, lower-cased text; the highest score
wins and "other" is the answer when nothing fires. A meeting note is recognised by its shape (a past
contact verb plus a follow-up or a fact) rather than by one keyword, because notes are free text.
The co-pilot may ask a model first; these rules are its fallback and the offline engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tools.core.text import fold

__all__ = ["INTENTS", "Intent", "IntentGuess", "classify_intent", "is_follow_up"]

Intent = Literal["prioritization", "next_best_action", "performance_report", "data_entry", "drafting", "other"]
INTENTS: tuple[Intent, ...] = (
    "prioritization",
    "next_best_action",
    "performance_report",
    "data_entry",
    "drafting",
    "other",
)


@dataclass(frozen=True)
class IntentGuess:
    """The intent, how sure the rules are (0..1), and which cue decided (for logs and tests)."""

    intent: Intent
    confidence: float
    reason: str


def _cues(*patterns: str) -> list[re.Pattern[str]]:
    return [re.compile(pattern) for pattern in patterns]


# Patterns run on folded text: lower case, no accents, "đ" → "d", single spaces.
_PRIORITIZATION = _cues(
    r"\b(top|best|which|who|what) (\d+ )?(clients?|customers?)\b",
    r"\bwho (should|do|can|to) i (call|contact|target|pitch|approach|offer)\b",
    r"\bwho to (call|contact|target|pitch)\b",
    r"\b(clients?|customers?) (to|for) (call|contact|target|pitch|offer)\b",
    r"\b(rank|prioriti[sz]e|shortlist|target list|prospects?)\b",
    r"\b(suitable|good fit|fit|eligible) (clients?|customers?|for)\b",
    r"\b(clients?|customers?) (suitable|eligible|who fit|that fit|fitting)\b",
    r"\bkhach( hang)? nao\b",
    r"\b(phu hop|thich hop) (voi|cho)\b",
    r"\b(nen|can) (goi|lien he|chao|tiep can) (cho )?(khach|kh|ai)\b",
    r"\bgoi (cho )?ai\b",
    r"\bdanh sach khach\b",
    r"\buu tien (khach|goi|lien he)\b",
    r"\b(chao ban|ban cheo|gioi thieu) (san pham|goi)\b.*\b(ai|khach nao)\b",
)
_PRIORITIZATION_PRODUCT = re.compile(r"\b(premier invest|invest|fund|quy|bao hiem|insurance|cd|the tin dung|card)\b")

_NEXT_BEST_ACTION = _cues(
    r"\bnext best action\b",
    r"\bnba\b",
    r"\bnext (step|action|move)s?\b",
    r"\bwhat (should|do|can|shall) i (do|say|offer|propose|suggest)\b",
    r"\bhow (should|do|can) i (approach|handle|deal with)\b",
    r"\bwhat to (do|offer|propose) (with|for|to)\b",
    r"\b(recommend|suggest)\w* (for|an action|a next)\b",
    r"\bnen lam gi\b",
    r"\blam gi (voi|cho|tiep)\b",
    r"\bnen (chao|tu van|de xuat|goi y) gi\b",
    r"\bhanh dong (tiep theo|nao)\b",
    r"\bbuoc tiep theo\b",
    r"\bxu ly (the nao|sao)\b",
)

_PERFORMANCE = _cues(
    r"\baum\b",
    r"\bportfolio\b",
    r"\b(my|our) (numbers|figures|performance|kpis?|book|sales|revenue|target)\b",
    r"\bhow many\b",
    r"\bhow much\b",
    r"\b(total|sum|average|count|number) of\b",
    r"\b(new|total) (deposits?|accounts?|loans?|clients?|customers?|inflows?|outflows?)\b",
    r"\b(inflows?|outflows?|net flows?|balances?|deposits?|disbursed|disbursements?|revenue|fees?)\b.*"
    r"\b(this|last|per|by|in) (month|quarter|year|week|segment)\b",
    r"\b(this|last) (month|quarter|year|week)\b.*\b(inflows?|outflows?|deposits?|balances?|loans?|sales|volume)\b",
    r"\bbreak ?down\b",
    r"\breport\b",
    r"\bdoanh (so|thu)\b",
    r"\bbao nhieu\b",
    r"\btong (so|so du|tien|cong|aum|tai san)\b",
    r"\bso du\b",
    r"\bhieu qua\b",
    r"\bket qua kinh doanh\b",
    r"\bchi tieu\b",
    r"\bbao cao\b",
    r"\b(thang|quy|nam) (nay|truoc)\b.*\b(tien gui|khoan vay|giai ngan|so du|huy dong)\b",
    r"\b(tien gui|khoan vay|giai ngan|huy dong)\b.*\b(thang|quy|nam) (nay|truoc)\b",
)

_DRAFTING = _cues(
    r"\b(draft|write|compose|prepare|create) (me )?(an? |the )?(short |quick |nice |formal |friendly )?"
    r"(birthday |congratulation |thank you |follow[- ]up |reminder |maturity |greeting |welcome )?"
    r"(message|note to|email|e-mail|sms|text|letter|wish|greeting|zalo)\b",
    r"\b(birthday|greeting) (message|wish|card|email|sms|text)\b",
    r"\bsoan (tin|thu|email|loi|mail)\b",
    r"\bviet (tin|thu|email|loi chuc|mail)\b",
    r"\b(tin nhan|thu|loi) chuc\b",
    r"\bsoan\b.*\b(sinh nhat|chuc mung|cam on|dao han)\b",
)

# A note: something that already happened with a client, usually with a follow-up or a fact.
_NOTE_CONTACT = _cues(
    r"\b(met|meeting with|had (a )?(meeting|call|coffee|lunch) with|called|spoke (to|with)|talked (to|with)|"
    r"visited|saw|caught up with|phoned|emailed|chatted with)\b",
    r"^(call|meeting|mtg|visit|lunch|coffee) (with|w/)\b",
    r"\b(gap|da gap|vua gap|goi dien|da goi|vua goi|noi chuyen|trao doi|tiep|uong (ca phe|cafe)|an trua) "
    r"(voi |cho )?(anh|chi|ong|ba|co|chu|em|kh|khach)\b",
    r"^(gap|goi|hop) (anh|chi|ong|ba|co|chu|kh)\b",
)
_NOTE_FACT = _cues(
    r"\b(follow up|follow-up|f/u|call (him|her|them|back)|send (him|her|them)|remind|next (monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|week)|tomorrow|by (monday|tuesday|wednesday|thursday|friday))\b",
    r"\b(he|she|they) (said|says|wants?|seemed|is|was|will|needs?|asked|mentioned|plans?|complained)\b",
    r"\b(interested in|keen|hesitant|worried|happy|unhappy|complained)\b",
    r"\b\d+([.,]\d+)? ?(m|b|k|tr|trieu|ty|ti|billion|million|bn|mn)\b",
    r"\b(hen|se|can) (goi lai|gui|gap lai|lien he lai|bao lai|nhac)\b",
    r"\b(ngay mai|tuan sau|thu (hai|ba|tu|nam|sau|bay)|chu nhat)\b",
    r"\b(quan tam|muon|can|lo lang|phan nan|hai long|do du|than phien)\b",
)
_QUESTION = re.compile(
    r"\?\s*$|^(what|who|which|how|show|list|give|tell|can you|could you|please)\b|\b(khong|nao|gi)\s*\??$"
)

_GREETING = re.compile(
    r"^(hi|hello|hey|yo|good (morning|afternoon|evening)|thanks?( you)?|xin chao|chao( ban| em| anh| chi)?|"
    r"cam on|ok|okay)\b"
)
_FOLLOW_UP = re.compile(
    r"^(and|what about|how about|same for|now|then|also|only|just|compared|vs|versus|con|the con|vay con|"
    r"con (thang|quy|nam)|so voi|chi|rieng)\b"
    r"|^(last|this|previous|next) (month|quarter|year|week)\b"
    r"|^(thang|quy|nam) (truoc|nay|roi)\b"
    r"|^(by|per|theo) \w+\??$"
)


def _hits(patterns: list[re.Pattern[str]], folded: str) -> list[str]:
    return [pattern.pattern for pattern in patterns if pattern.search(folded)]


def is_follow_up(text: str) -> bool:
    """A short message that only makes sense on top of the previous one ("and last month?", "còn quý trước?")."""
    folded = fold(text)
    return len(folded.split()) <= 8 and bool(_FOLLOW_UP.search(folded))


def classify_intent(text: str, *, previous_intent: str | None = None) -> IntentGuess:
    """The intent of ``text`` by the keyword rules; ``previous_intent`` lets a bare follow-up stay in its use case."""
    folded = fold(text)
    if not folded:
        return IntentGuess("other", 1.0, "empty message")
    scores: dict[Intent, float] = {}
    reasons: dict[Intent, str] = {}

    def score(intent: Intent, hits: list[str], weight: float) -> None:
        if hits:
            scores[intent] = scores.get(intent, 0.0) + weight * len(hits)
            reasons[intent] = reasons.get(intent) or hits[0]

    contact, facts = _hits(_NOTE_CONTACT, folded), _hits(_NOTE_FACT, folded)
    asks = bool(_QUESTION.search(folded))
    if contact and (facts or len(folded.split()) >= 12) and not asks:
        score("data_entry", contact + facts, 1.0)
    elif contact and facts:
        score("data_entry", contact + facts, 0.6)
    score("drafting", _hits(_DRAFTING, folded), 2.5)
    score("next_best_action", _hits(_NEXT_BEST_ACTION, folded), 2.0)
    score("prioritization", _hits(_PRIORITIZATION, folded), 1.6)
    if "prioritization" in scores and _PRIORITIZATION_PRODUCT.search(folded):
        scores["prioritization"] += 0.5
    score("performance_report", _hits(_PERFORMANCE, folded), 1.0)

    if not scores:
        if previous_intent in INTENTS and previous_intent not in ("other", "data_entry") and is_follow_up(text):
            return IntentGuess(previous_intent, 0.6, "follow-up of the previous request")
        if _GREETING.search(folded):
            return IntentGuess("other", 0.9, "greeting")
        return IntentGuess("other", 0.5, "no cue matched")
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(0.95, 0.5 + 0.15 * best_score) * (1.0 if best_score > runner_up else 0.8), 2)
    return IntentGuess(best, confidence, reasons[best])
