"""Who is about to leave, and why: the signs of attrition read together, each with its fact and its date.

One sign alone is weak (a quiet month of logins, one transfer); together they are a pattern an RM recognises:
money sent to other banks, a salary that stopped arriving, app logins that fell to nothing, an open complaint,
a deposit that matured and was not rolled over, a note that mentions a competitor's rate, a long silence. The
score is a noisy-or of the signs' weights (two signs make a stronger case than either), so it stays in [0, 1].
What is not a sign: a large *inflow*, money moved between the client's own accounts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from tools.core.text import fold
from tools.signals.features import ClientFeatures
from tools.signals.thresholds import (
    ATTRITION_OUT_MIN_VND,
    ATTRITION_SHARE,
    INACTIVE_DAYS,
    LOGIN_DROP_SHARE,
    MIN_LOGINS_BEFORE,
    SALARY_STOP_DAYS,
)

#: A score at or above this makes a client "at risk" in the scan and in next best action.
AT_RISK_SCORE = 0.30
#: ...and at or above this (or with money already leaving) the call is urgent.
HIGH_RISK_SCORE = 0.5
#: Weights of the signs (the chance each alone means the client is leaving, as an RM would judge it).
WEIGHTS: dict[str, float] = {
    "money_out": 0.45,
    "salary_stopped": 0.35,
    "matured_not_rolled": 0.30,
    "login_drop": 0.25,
    "competitor": 0.30,
    "complaint": 0.25,
    "inactive": 0.10,
}
#: Notes that mention another bank or its better offer.
_COMPETITOR = re.compile(
    r"other banks?|another bank|competitor|better rate|higher rate|close (?:the |her |his |their )?account|"
    r"switch(?:ing)? banks?|ngan hang khac|nh khac|ben kia|ben khac|lai (?:suat )?(?:cao hon|tot hon)|"
    r"dong tai khoan|chuyen sang|chuyen qua|vietcombank|vcb|techcombank|tcb|vpbank|acb|mb ?bank|tpbank|bidv|"
    r"vietinbank|sacombank|hsbc|shinhan|hdbank|ocb|vib|msb|seabank|citibank|standard chartered|uob"
)


#: What a note says when the client means to go: a bank's name in a happy note is no sign of leaving.
_LEAVING_WORDS = re.compile(
    r"better rate|higher rate|close (?:the |her |his |their )?account|switch(?:ing)? banks?|leav\w+|"
    r"move (?:all|everything)|"
    r"lai (?:suat )?(?:cao hon|tot hon)|dong tai khoan|chuyen (?:het|han|luong)|roi bo|khong hai long|buc|phan nan"
)


@dataclass(frozen=True)
class Sign:
    """One sign of leaving: its kind, its weight, and the facts that show it (amounts, dates, words)."""

    kind: str
    weight: float
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AttritionRisk:
    client_id: str
    score: float
    signs: tuple[Sign, ...]

    @property
    def at_risk(self) -> bool:
        return self.score >= AT_RISK_SCORE

    @property
    def urgency(self) -> Literal["high", "medium"]:
        """Money already leaving, or several signs together, is this week's call; otherwise this month's."""
        money = any(sign.kind == "money_out" for sign in self.signs)
        return "high" if money or self.score >= HIGH_RISK_SCORE else "medium"

    def facts(self) -> dict[str, Any]:
        """The score and every sign with its facts: what an event, a trigger or a draft is told."""
        return {"score": self.score, "signs": [{"kind": sign.kind, **sign.facts} for sign in self.signs]}

    @property
    def lead(self) -> Sign | None:
        return max(self.signs, key=lambda sign: sign.weight, default=None)


def money_out(client: ClientFeatures, share: float = ATTRITION_SHARE) -> Sign | None:
    """Money sent to other banks, as a share of what the client had or as a sum no bank lets go unasked (300
    million in two months): the strongest sign on its own."""
    moved = client.external_out_30_vnd
    if moved <= 0 and client.external_out_90_vnd > 0:
        moved = client.external_out_90_vnd // 2  # an older wave of transfers still counts, half as much
    large = client.external_out_60_vnd >= ATTRITION_OUT_MIN_VND
    if moved <= 0 and not large:
        return None
    part = max(moved, client.external_out_60_vnd if large else 0) / max(1, client.aum_vnd + moved)
    if part < share and not large:
        return None
    weight = WEIGHTS["money_out"] * (1.0 if part >= 0.5 else 0.75)
    amount = client.external_out_30_vnd or (client.external_out_60_vnd if large else client.external_out_90_vnd)
    facts = {"amount_vnd": amount, "share_pct": round(100 * part),
             "date": client.last_external_on.isoformat() if client.last_external_on else None,
             "counterparty": client.external_counterparty}  # fmt: skip
    return Sign("money_out", weight, facts)


def salary_stopped(client: ClientFeatures, today: dt.date) -> Sign | None:
    """A salary or pension that used to arrive and no longer does."""
    last = client.last_income_on
    if last is None or client.income_count < 2:
        return None
    days = (today - last).days
    if days < min(SALARY_STOP_DAYS, 40):
        return None
    return Sign("salary_stopped", WEIGHTS["salary_stopped"], {"date": last.isoformat(), "days": days,
                                                              "monthly_vnd": client.income_monthly_vnd})  # fmt: skip


def login_drop(client: ClientFeatures, today: dt.date) -> Sign | None:
    """App logins that fell to (nearly) nothing after regular use; never-users are no drop."""
    if not client.logins:
        return None
    cut = today - dt.timedelta(days=28)
    recent = [logins for week, logins in client.logins if week > cut]
    before = [logins for week, logins in client.logins if week <= cut][-8:]
    if len(before) < 2 or not recent:
        return None
    weekly_before = sum(before) / len(before)
    weekly_recent = sum(recent) / len(recent)
    if weekly_before < MIN_LOGINS_BEFORE or weekly_recent > LOGIN_DROP_SHARE * weekly_before:
        return None
    weight = WEIGHTS["login_drop"] * (1.0 if weekly_recent == 0 else 0.8)
    last_active = max((week for week, logins in client.logins if logins > 0), default=None)
    facts = {"before": round(weekly_before, 1), "recent": round(weekly_recent, 1),
             "last_active_week": last_active.isoformat() if last_active else None}  # fmt: skip
    return Sign("login_drop", weight, facts)


def matured_not_rolled(client: ClientFeatures) -> Sign | None:
    """A term deposit that matured lately and was not rolled over (no deposit opened when it matured)."""
    if not client.matured:
        return None
    _kind, code, amount, day = max(client.matured, key=lambda item: item[3])
    if client.rolled_over(day):
        return None
    weight = WEIGHTS["matured_not_rolled"] * (1.0 if client.external_out_90_vnd else 0.6)
    facts = {"amount_vnd": amount or None, "date": day.isoformat(), "product_code": code}
    return Sign("matured_not_rolled", weight, facts)


def _complaint(client: ClientFeatures, today: dt.date) -> Sign | None:
    if not client.open_complaints:
        return None
    complaint_id, category, opened, summary = client.open_complaints[0]
    days = (today - opened).days if opened else 0
    weight = WEIGHTS["complaint"] * (1.0 if days >= 14 else 0.8)
    return Sign("complaint", weight, {"complaint_id": complaint_id, "category": category,
                                      "date": opened.isoformat() if opened else None, "days": days,
                                      "summary": summary})  # fmt: skip


def _competitor(client: ClientFeatures, today: dt.date) -> Sign | None:
    since = today - dt.timedelta(days=120)
    for day, _channel, _topic, text, sentiment, _code, _amount in client.notes:
        if day is None or day < since:
            continue
        folded = fold(text)
        match = _COMPETITOR.search(folded)
        if match and (sentiment == "negative" or _LEAVING_WORDS.search(folded)):  # "moved cash to HSBC for the
            weight = WEIGHTS["competitor"] * (1.0 if sentiment == "negative" else 0.8)  # deposit" happily is none
            return Sign("competitor", weight, {"date": day.isoformat(), "words": match.group(0), "note": text[:160]})
    return None


def _inactive(client: ClientFeatures, today: dt.date) -> Sign | None:
    last = client.last_contact_on
    days = (today - last).days if last else None
    if days is not None and days <= INACTIVE_DAYS:
        return None
    if days is None and (client.onboarded_on is None or (today - client.onboarded_on).days <= INACTIVE_DAYS):
        return None
    return Sign("inactive", WEIGHTS["inactive"], {"days": days, "date": last.isoformat() if last else None})


def assess(client: ClientFeatures, today: dt.date) -> AttritionRisk:
    """The client's signs of leaving and their combined score."""
    found = [
        money_out(client),
        salary_stopped(client, today),
        matured_not_rolled(client),
        login_drop(client, today),
        _competitor(client, today),
        _complaint(client, today),
        _inactive(client, today),
    ]
    signs = tuple(sorted((sign for sign in found if sign is not None), key=lambda sign: -sign.weight))
    if all(sign.kind == "inactive" for sign in signs):
        signs = ()  # a long silence alone is a reason to call, not a sign of leaving
    remaining = 1.0
    for sign in signs:
        remaining *= 1.0 - sign.weight
    score = round(1.0 - remaining, 4) if signs else 0.0
    return AttritionRisk(client.client_id, score, signs)


_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "hai": 2, "ba": 3, "bon": 4}
#: "A client with two or more of these signals is at risk", "từ 2 dấu hiệu trở lên", "at least 2 signals".
_SIGN_COUNT = re.compile(
    r"(?:(?P<least>at least|it nhat|toi thieu|tu|>=|≥)\s*)?(?P<n>[2-4]|two|three|four|hai|ba|bon)\s*"
    r"(?P<more>\+|or more|and more|or above|tro len)?\s*(?:(?:of|the|these|those|cua|trong|cac|so)\s+){0,3}"
    r"(?:signals?|signs?|dau hieu|tin hieu)\b(?:\s*(?P<more2>tro len|or more))?"
)
_RISK_LINE = re.compile(r"risk|attrition|leav|churn|roi bo|nguy co|roi di")


def policy_min_signs(documents: Iterable[Mapping[str, Any]]) -> int:
    """How many signs the bank's own policy needs before a client counts as at risk ("two or more signals"); one
    when no document says."""
    for document in documents:
        for line in re.split(r"[\n.!?]", str(document.get("body") or "")):
            folded = re.sub(r"[*_`|:()]+", " ", fold(line))  # markdown's emphasis is no word
            if not _RISK_LINE.search(folded):
                continue
            for match in _SIGN_COUNT.finditer(folded):
                if match["least"] or match["more"] or match["more2"]:
                    number = match["n"]
                    return int(number) if number.isdigit() else _NUMBER_WORDS[number]
    return 1


def scan(features: dict[str, ClientFeatures], today: dt.date) -> list[AttritionRisk]:
    """Every client with at least one sign, highest risk first (ties: the larger relationship first)."""
    risks = [assess(client, today) for client in features.values()]
    ranked = [risk for risk in risks if risk.signs]
    ranked.sort(key=lambda risk: (-risk.score, -features[risk.client_id].aum_vnd, risk.client_id))
    return ranked


#: The retention step each lead sign calls for (the room words it).
RETENTION_ACTIONS: dict[str, str] = {
    "money_out": "call_about_outflow",
    "salary_stopped": "ask_about_income",
    "matured_not_rolled": "offer_renewal",
    "login_drop": "reengage_digital",
    "competitor": "review_pricing",
    "complaint": "resolve_complaint",
    "inactive": "reconnect",
}


def retention_action(risk: AttritionRisk) -> str | None:
    """What to do first: fix an open complaint before anything, else answer the strongest sign."""
    if any(sign.kind == "complaint" for sign in risk.signs):
        return RETENTION_ACTIONS["complaint"]
    lead = risk.lead
    return RETENTION_ACTIONS.get(lead.kind) if lead else None
