"""Strategic prioritization's engine: which signals a request asks for, the ideal client, the re-rank, the reasons.

The funnel (the room ``graphs/prioritization`` orchestrates it): the goal's signals are read from the
request's words (else the product category's usual ones); an "ideal client" is written in the words
client profiles are made of (``tools.signals.profiles``) so its embedding lands among the right profiles;
the nearest of the RM's clients are checked against the bank's rules (``tools.policy.eligibility``: a
failed rule excludes, with its reason), re-ranked by what is happening to them now, and each of the best
is justified with facts of its own (``reason_facts``: structured; the room words them).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.core.dates import bank_date
from tools.core.formatting import format_amount
from tools.core.text import fold
from tools.crm.api import Client360, ClientNotFound, CrmApi
from tools.policy.eligibility import ClientStanding, RuleResult, evaluate, first_failure
from tools.products.catalog import ProductTerms
from tools.signals.profiles import Essence, bucket
from tools.signals.thresholds import (
    BIRTHDAY_WINDOW_DAYS,
    IDLE_CASH_MIN_VND,
    INACTIVE_DAYS,
    LARGE_DEPOSIT_MIN_VND,
    LARGE_DEPOSIT_WINDOW_DAYS,
    MATURITY_WINDOW_DAYS,
)

GOAL_BOOST = 0.15  # a current signal the request asks for
EVENT_BOOST = 0.03  # another current money signal
COMPLAINT_PENALTY = 0.10  # a complaint resolved in the last 90 days
HELD_PENALTY = 0.10  # already holds the product
MAX_REASONS = 4
MONEY_SIGNALS = ("idle_cash", "large_inflow", "cd_maturing")

Signal = Literal["idle_cash", "large_inflow", "cd_maturing", "loan_maturing", "money_out", "inactive", "birthday"]
Segment = Literal["Diamond", "Platinum", "Gold", "Standard"]
RiskProfile = Literal["conservative", "balanced", "growth"]

#: Goal words (matched on the folded request) → the signal they ask for.
_GOAL_WORDS: dict[str, re.Pattern[str]] = {
    "idle_cash": re.compile(r"\bidle\b|\bcash\b|uninvested|nhan roi|so du lon|tien mat"),
    "large_inflow": re.compile(
        r"inflow|large (?:deposit|payment|transfer)|windfall|just received|property sale|tien ve|khoan tien lon"
        r"|vua nhan|ban nha|ban bat dong san"
    ),
    "cd_maturing": re.compile(r"matur|dao han|certificates? of deposit|\bcds?\b|tien gui co ky han"),
    "loan_maturing": re.compile(r"loans? (?:ending|maturing|ends)|tat toan|khoan vay sap"),
    "money_out": re.compile(
        r"attrition|churn|leaving|outflow|moving money|chuyen tien di|roi bo|chuyen sang ngan hang"
    ),
    "inactive": re.compile(r"inactive|not contacted|haven.?t (?:called|contacted)|lau chua lien he|khong hoat dong"),
    "birthday": re.compile(r"birthday|sinh nhat"),
}
_CATEGORY_SIGNALS: dict[str, tuple[str, ...]] = {
    "investment": ("idle_cash", "large_inflow", "cd_maturing"),
    "cd": ("cd_maturing", "idle_cash", "large_inflow"),
    "savings": ("idle_cash", "large_inflow", "cd_maturing"),
    "insurance": ("large_inflow", "idle_cash"),
}
_CATEGORY_RISKS: dict[str, tuple[str, ...]] = {
    "investment": ("growth", "balanced"),
    "cd": ("conservative", "balanced"),
    "savings": ("conservative", "balanced"),
}
_RISK_SENTENCES = {
    "conservative": "Conservative risk profile: prefers safe deposits over investments.",
    "balanced": "Balanced risk profile.",
    "growth": "Growth risk profile: open to investment products.",
}


class IdealClient(BaseModel):
    """The model's reading of who fits: chosen from fixed lists; code writes the profile sentences."""

    segments: list[Segment] = Field(default_factory=list, description="client segments the offer suits")
    risk_profiles: list[RiskProfile] = Field(default_factory=list, description="risk profiles the offer suits")
    signals: list[Signal] = Field(default_factory=list, description="current events that make a call timely")


# ----- the goal ------------------------------------------------------------------------------


def named_signals(request: str) -> list[str]:
    """The signals the request's own words ask for ("idle cash", "đáo hạn")."""
    folded = fold(request)
    return [signal for signal, pattern in _GOAL_WORDS.items() if pattern.search(folded)]


def goal_signals(request: str, product: ProductTerms | None) -> list[str]:
    """The current signals the request's words ask for, then the product category's usual ones."""
    named = named_signals(request)
    if named:
        return named
    if product is not None:
        return list(_CATEGORY_SIGNALS.get(product.category, ()))
    return list(MONEY_SIGNALS)


def product_context(product: ProductTerms | None, documents: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The product's terms as text, and the policy lines that apply (each with its chunk id)."""
    lines: list[str] = []
    if product is not None:
        lines.append(f"{product.name} ({product.category}): {product.summary}".strip())
        if product.target_segments:
            lines.append(f"Target segments: {', '.join(product.target_segments)}.")
        if product.min_amount_vnd:
            lines.append(f"Minimum amount: {format_amount(product.min_amount_vnd, 'en')}.")
        lines += [
            document["text"].strip()
            for document in documents
            if document["kind"] == "product" and document["text"].strip() != product.summary.strip()
        ]
    notes = [
        f"{line} [{document['id']}]"
        for document in documents
        if document["kind"] == "policy"
        for line in (raw.strip().lstrip("-*").strip() for raw in document["text"].splitlines())
        if line
    ]
    notes += [
        "Clients with an open complaint are not sold to until it is resolved.",
        "Conservative clients are not offered investment products.",
    ]
    if product is not None and product.target_segments:
        notes.append(f"{product.name} is offered only to {', '.join(product.target_segments)} clients.")
    if product is not None and product.min_amount_vnd:
        notes.append(f"The client's deposits must cover the {format_amount(product.min_amount_vnd, 'en')} minimum.")
    return "\n".join(lines), notes


# ----- the ideal client ----------------------------------------------------------------------


def rules_ideal(product: ProductTerms | None, signals: list[str]) -> IdealClient:
    segments = list(product.target_segments) if product else []
    risks = list(_CATEGORY_RISKS.get(product.category, ())) if product else []
    return IdealClient.model_validate({"segments": segments, "risk_profiles": risks, "signals": signals})


def checked_model_ideal(ideal: IdealClient, product: ProductTerms | None, request: str) -> IdealClient:
    """The model's choice within the product's terms; the request's own goal words are always kept."""
    segments = [s for s in ideal.segments if not product or not product.target_segments or s in product.target_segments]
    risks = [
        r for r in ideal.risk_profiles if not (product and product.category == "investment" and r == "conservative")
    ]
    signals = list(dict.fromkeys([*named_signals(request), *ideal.signals]))
    return IdealClient.model_validate({"segments": segments, "risk_profiles": risks, "signals": signals})


def profile_text(product: ProductTerms | None, ideal: IdealClient) -> str:
    """The ideal client in the bounded fact vocabulary of ``tools.signals.profiles`` (what profiles are made of)."""
    minimum = product.min_amount_vnd if product and product.min_amount_vnd else 0
    signals = list(ideal.signals)
    sentences = [f"{segment} segment." for segment in ideal.segments]
    sentences += [_RISK_SENTENCES[risk] for risk in ideal.risk_profiles if risk in _RISK_SENTENCES]
    if minimum or "idle_cash" in signals:
        sentences.append(f"Total assets with the bank: {bucket(max(minimum, IDLE_CASH_MIN_VND))[0]}.")
    for signal in signals:
        if signal == "idle_cash":
            words = bucket(max(minimum, IDLE_CASH_MIN_VND))[0]
            sentences.append(f"Idle cash: {words} sitting in current and savings accounts, not invested.")
        elif signal == "large_inflow":
            words = bucket(max(minimum, LARGE_DEPOSIT_MIN_VND))[0]
            sentences.append(f"Just received a large amount of money: {words} (property sale) in the last 7 days.")
        elif signal == "cd_maturing":
            words = bucket(max(minimum, LARGE_DEPOSIT_MIN_VND))[0]
            sentences.append(f"Certificate of deposit maturing soon: {words}, matures within 7 days.")
        elif signal == "loan_maturing":
            sentences.append("Loan ending soon: the Home Loan ends within 7 days, nearly repaid.")
        elif signal == "money_out":
            sentences.append("Moving money out: sent 30 to 60% of their cash to other banks in the last 30 days.")
        elif signal == "inactive":
            sentences.append("Inactive: not contacted for more than 90 days.")
        elif signal == "birthday":
            sentences.append("Birthday within the next 7 days.")
    return " ".join(sentences)


# ----- rules and re-rank ---------------------------------------------------------------------


def business_score(
    similarity: float, kinds: set[str], signals: list[str], standing: ClientStanding, product: ProductTerms | None
) -> float:
    """Similarity, raised for current signals (those the goal asks for most), lowered for friction."""
    score = similarity
    score += GOAL_BOOST * len(kinds & set(signals))
    score += EVENT_BOOST * len((kinds & set(MONEY_SIGNALS)) - set(signals))
    if standing.recent_resolved_complaints:
        score -= COMPLAINT_PENALTY
    if product is not None and product.code in standing.held_products:
        score -= HELD_PENALTY
    return round(score, 4)


def rank_candidates(
    candidates: list[dict[str, Any]],
    standings: dict[str, ClientStanding],
    essences: dict[str, Essence],
    product: ProductTerms | None,
    signals: list[str],
    top_n: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the top ``top_n`` by business score, whoever a rule excludes with the rule and its reason)."""
    excluded: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for candidate in candidates:
        client_id = candidate["client_id"]
        standing = standings.get(client_id)
        if standing is None:
            continue
        failure = first_failure(product, standing)
        if failure is not None:
            excluded.append({"client_id": client_id, "rule": failure.rule, "reason": failure.reason})
            continue
        essence = essences.get(client_id)
        kinds = essence.kinds() if essence else set()
        score = business_score(candidate["score"], kinds, signals, standing, product)
        kept.append({"client_id": client_id, "score": score, "similarity": candidate["score"]})
    kept.sort(key=lambda item: (-item["score"], item["client_id"]))
    return kept[: max(1, int(top_n))], excluded


# ----- the reasons ---------------------------------------------------------------------------


def reason_facts(
    view: Client360, today: dt.date, signals: list[str], rule_results: list[RuleResult], product: ProductTerms | None
) -> list[dict[str, Any]]:
    """Concrete facts of this client (amounts, dates, events) that justify the call, goal signals first.

    Each fact is ``{"kind", …its values}``; at most ``MAX_REASONS``.
    """
    found: dict[str, list[dict[str, Any]]] = {}

    def add(kind: str, **values: Any) -> None:
        found.setdefault(kind, []).append({"kind": kind, **values})

    active = [row for row in view.holdings if row.get("status") == "active"]
    casa = sum(int(row["balance_vnd"]) for row in active if row.get("kind") == "casa")
    savings = sum(int(row["balance_vnd"]) for row in active if row.get("kind") == "savings")
    if casa + savings >= IDLE_CASH_MIN_VND:
        add("idle_cash", casa_vnd=casa, savings_vnd=savings)
    horizon = today + dt.timedelta(days=MATURITY_WINDOW_DAYS)
    for row in active:
        maturity = bank_date(row.get("maturity_on"))
        if maturity is None or not today <= maturity <= horizon or row.get("kind") not in ("cd", "loan"):
            continue
        add("cd_maturing" if row["kind"] == "cd" else "loan_maturing", amount_vnd=int(row["balance_vnd"]),
            date=maturity.isoformat())  # fmt: skip
    since = today - dt.timedelta(days=LARGE_DEPOSIT_WINDOW_DAYS)
    for row in view.recent_transactions:
        posted = bank_date(row.get("posted_at"))
        amount = int(row.get("amount_vnd") or 0)
        if row.get("direction") != "in" or amount < LARGE_DEPOSIT_MIN_VND or posted is None or posted < since:
            continue
        add("large_inflow", amount_vnd=amount, source=str(row.get("category") or ""), date=posted.isoformat())
    days = view.days_since_contact
    if days is None or days > INACTIVE_DAYS:
        add("inactive", days=days)
    born = bank_date(view.profile.get("date_of_birth"))
    if born is not None:
        try:
            birthday = born.replace(year=today.year)
        except ValueError:
            birthday = dt.date(today.year, 2, 28)
        if 0 <= (birthday - today).days <= BIRTHDAY_WINDOW_DAYS:
            add("birthday", date=birthday.isoformat())
    ordered = [fact for signal in signals for fact in found.get(signal, [])]
    ordered += [fact for kind, facts in found.items() if kind not in signals for fact in facts]
    segment = view.profile.get("segment")
    totals = view.totals
    if product is not None:
        for result in rule_results:
            if result.rule == "min_amount" and result.passed and product.min_amount_vnd:
                deposits = totals.get("casa_vnd", 0) + totals.get("savings_and_cd_vnd", 0)
                ordered.append({"kind": "min_amount", "deposits_vnd": deposits, "minimum_vnd": product.min_amount_vnd})
        if segment and product.target_segments:
            ordered.append({"kind": "target_segment", "segment": segment, "product": product.name})
    if not ordered:
        ordered.append({"kind": "profile", "segment": segment, "aum_vnd": int(totals.get("aum_vnd", 0))})
    return ordered[:MAX_REASONS]


def explain(
    crm: CrmApi, ranked: list[dict[str, Any]], today: dt.date, signals: list[str], product: ProductTerms | None
) -> list[dict[str, Any]]:
    """The ranked clients that are still the RM's, each with its facts (``reason_facts``) and its full name."""
    standings = crm.standings([item["client_id"] for item in ranked], today=today)
    explained: list[dict[str, Any]] = []
    for item in ranked:
        try:
            view = crm.client_360(item["client_id"], today=today)
        except ClientNotFound:  # reassigned since the search: no longer this RM's
            continue
        standing = standings.get(item["client_id"])
        results = evaluate(product, standing) if standing else []
        explained.append({**item, "full_name": str(view.profile.get("full_name") or item["client_id"]),
                          "facts": reason_facts(view, today, signals, results, product)})  # fmt: skip
    return explained
