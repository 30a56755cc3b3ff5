"""Strategic prioritization's engine: filters from the request, the bank's rules, evidence per goal, the ranking.

The funnel (the room ``graphs/prioritization`` orchestrates it): every client of the signed-in RM is read in
bulk (``tools.signals.features``); the request's hard filters (``tools.signals.criteria``) keep those that pass
(segment, risk, city, age, amounts, holdings); the product's rules (``tools.policy.eligibility``, read from the
catalog and the bank's documents) exclude the ineligible, each with its reason; the rest are ranked by the
evidence for each goal the request asks for (idle cash, a maturing deposit, travel spend, business receipts, a
plan in the notes, signs of leaving…), the similarity of their profile to an ideal client being one more signal,
not the whole ranking. Each ranked client carries the facts that put them there (structured; the room words them).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.core.text import fold
from tools.policy.eligibility import ClientStanding, RuleResult, check_suitability, evaluate, first_failure
from tools.products.catalog import ProductTerms
from tools.reporting.composer import lexicon_reading
from tools.signals import attrition
from tools.signals.criteria import NOTE_GOALS, Criteria, goals_in, note_mentions, occupation_matches, spend_matches
from tools.signals.features import IDLE_SETTLED_DAYS, ClientFeatures
from tools.signals.profiles import bucket
from tools.signals.thresholds import (
    BIRTHDAY_WINDOW_DAYS,
    IDLE_CASH_MIN_VND,
    IDLE_CASH_WORTH_A_CALL_VND,
    INACTIVE_DAYS,
    LARGE_DEPOSIT_MIN_VND,
    MATURITY_WINDOW_DAYS,
)

MAX_REASONS = 4
#: The profile similarity's share of a score (the evidence for the goals is the rest).
SIMILARITY_WEIGHT = 0.10
#: A bigger relationship breaks ties between equally strong evidence.
VALUE_WEIGHT = 0.05
#: Clients shown as left out by policy: those that would otherwise rank this high.
EXCLUDED_SHOWN = 10
#: The ranking's length, shown top N and runners-up together.
RUNNERS_UP = 10
#: The latest notes whose amounts a "by the size of their need" order reads.
NOTE_AMOUNTS = 5
#: Asked for by name ("who is moving money to other banks?"), smaller transfers count than for an alarm.
MONEY_OUT_ASKED_SHARE = 0.10
#: How far back "who just received money" looks when the request does not say.
INFLOW_DAYS = 14
#: Notes older than this speak of a plan less surely.
FRESH_NOTE_DAYS = 180
#: A client who spoke of the offered product (a note tagged with it) comes before every pattern in the money.
INTEREST_BONUS = 0.5

Signal = Literal[
    "idle_cash", "large_inflow", "cd_maturing", "loan_maturing", "attrition", "money_out", "salary_stopped",
    "matured_not_rolled",
    "inactive", "birthday", "travel", "business", "study_abroad", "green", "education", "home", "retirement",
    "family", "salary", "spend",
]  # fmt: skip
Segment = Literal["Diamond", "Platinum", "Gold", "Standard"]
RiskProfile = Literal["conservative", "balanced", "growth"]

#: What a product of each category is usually sold on, when the request names no goal of its own.
CATEGORY_GOALS: dict[str, tuple[str, ...]] = {
    "investment": ("idle_cash", "cd_maturing", "large_inflow"),
    "cd": ("cd_maturing", "idle_cash", "large_inflow"),
    "savings": ("idle_cash", "cd_maturing", "large_inflow"),
    "insurance": ("large_inflow", "family", "idle_cash"),
    "card": ("travel", "spend", "salary"),
    "loan": ("business", "home", "salary"),
    "casa": ("salary", "business"),
}
MONEY_GOALS = ("idle_cash", "cd_maturing", "large_inflow")
#: Goals that sell nothing (keeping a client, a greeting, a catch-up): no selling rule leaves anyone out, and an
#: open complaint is a reason to call, not a bar.
SERVICE_GOALS = frozenset(
    {"attrition", "money_out", "salary_stopped", "login_drop", "matured_not_rolled", "inactive", "birthday"}
)
#: Deposits and loans coming due, with no product to offer: a reminder call, which bank policies allow with an open
#: complaint (a service call, not a sale).
REMINDER_GOALS = frozenset({"cd_maturing", "loan_maturing"})
#: Signs of leaving asked for one beside another ("salary stopped or logins fell to zero"): any one of them shows it.
SIGN_GOALS = frozenset({"money_out", "salary_stopped", "login_drop", "matured_not_rolled"})
_RISK_SENTENCES = {
    "conservative": "Conservative risk profile: prefers safe deposits over investments.",
    "balanced": "Balanced risk profile.",
    "growth": "Growth risk profile: open to investment products.",
}
_BUSINESS_OCCUPATION = re.compile(
    r"owner|business|entrepreneur|director|ceo|founder|merchant|trader|self.employed|sme|company|shop|"
    r"kinh doanh|chu |giam doc|doanh nghiep|doanh nhan|tieu thuong|buon ban"
)


class IdealClient(BaseModel):
    """The model's reading of who fits: chosen from fixed lists; code writes the profile sentences."""

    segments: list[Segment] = Field(default_factory=list, description="client segments the offer suits")
    risk_profiles: list[RiskProfile] = Field(default_factory=list, description="risk profiles the offer suits")
    signals: list[Signal] = Field(default_factory=list, description="what makes a call timely or a client a fit")


@dataclass
class Ranking:
    """The outcome: the ranked top, who the rules left out (with why), and how many clients were looked at."""

    ranked: list[dict[str, Any]] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    #: The RM's clients read, those passing the request's filters, and those with evidence for the goals.
    clients: int = 0
    matching: int = 0
    with_evidence: int = 0
    #: The next best after the top N (to position ``RUNNERS_UP``), best first: who to call after them.
    runners_up: list[dict[str, Any]] = field(default_factory=list)


# ----- the goal ------------------------------------------------------------------------------


def goals_for(criteria: Criteria, product: ProductTerms | None) -> tuple[list[str], bool]:
    """(the goals to rank by, whether the request named them): its own words, else the product's usual ones."""
    goals = list(criteria.goals)
    if any(measure == "inflow" for measure, _operator, _amount in criteria.amounts) and "large_inflow" not in goals:
        goals.append("large_inflow")  # "received over 500 million in 30 days" asks for the inflow itself
    if criteria.order_by in ("money_out", "inactive", "travel", "spend") and criteria.order_by not in goals:
        goals.append(criteria.order_by)
    if goals:
        return goals, True
    if product is not None:  # what the product is for ("Học Vấn", "Travel"), else its category's usual reasons
        own = [goal for goal in goals_in(f"{product.name}. {product.summary}") if goal not in SERVICE_GOALS]
        return own or list(CATEGORY_GOALS.get(product.category, MONEY_GOALS)), False
    return list(MONEY_GOALS), False


def product_context(product: ProductTerms | None, documents: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """The product's terms as text, and the policy lines that apply (each with its chunk id): the model's prompt."""
    lines: list[str] = []
    if product is not None:
        lines.append(f"{product.name} ({product.category}): {product.summary}".strip())
        if product.target_segments:
            lines.append(f"Target segments: {', '.join(product.target_segments)}.")
        if product.min_amount_vnd:
            lines.append(f"Minimum amount: {product.min_amount_vnd:,} VND.")
        if product.risk_profiles:
            lines.append(f"Suits {', '.join(product.risk_profiles)} risk profiles.")
    notes = [
        f"{line} [{document['id']}]"
        for document in documents
        if document["kind"] == "policy"
        for line in (raw.strip().lstrip("-*").strip() for raw in document["text"].splitlines())
        if line
    ]
    return "\n".join(lines), notes


# ----- the ideal client (one signal among the evidence) ----------------------------------------


def rules_ideal(product: ProductTerms | None, goals: list[str], criteria: Criteria) -> IdealClient:
    segments = list(criteria.segments) or (list(product.target_segments) if product else [])
    risks = list(criteria.risk_profiles) or (list(product.risk_profiles) if product else [])
    signals = [goal for goal in goals if goal in Signal.__args__]  # type: ignore[attr-defined]
    return IdealClient.model_validate({"segments": segments, "risk_profiles": risks, "signals": signals})


def checked_model_ideal(ideal: IdealClient, product: ProductTerms | None, goals: list[str]) -> IdealClient:
    """The model's choice within the product's terms; the request's own goals are always kept."""
    segments = [s for s in ideal.segments if not product or not product.target_segments or s in product.target_segments]
    risks = [r for r in ideal.risk_profiles if product is None or check_suitability(product, _risk_only(r)).passed]
    signals = list(dict.fromkeys([*goals, *ideal.signals]))
    return IdealClient.model_validate({"segments": segments, "risk_profiles": risks, "signals": signals})


_PROFILE_SENTENCES = {
    "idle_cash": "Idle cash: {amount} sitting in current and savings accounts, not invested.",
    "large_inflow": "Just received a large amount of money: {amount} (property sale) in the last 7 days.",
    "cd_maturing": "Certificate of deposit maturing soon: {amount}, matures within 7 days.",
    "loan_maturing": "Loan ending soon: the Home Loan ends within 7 days, nearly repaid.",
    "attrition": "Moving money out: sent 30 to 60% of their cash to other banks in the last 30 days.",
    "inactive": "Inactive: not contacted for more than 90 days.",
    "birthday": "Birthday within the next 7 days.",
    "travel": "Spends on travel.",
    "business": "Receives business income.",
    "salary": "Receives a regular monthly salary of 60 to 120 million VND.",
}


def _risk_only(risk: str) -> ClientStanding:
    return ClientStanding(client_id="", segment="", risk_profile=risk)


def profile_text(product: ProductTerms | None, ideal: IdealClient) -> str:
    """The ideal client in the bounded fact vocabulary of ``tools.signals.profiles`` (what profiles are made of)."""
    minimum = product.min_amount_vnd if product and product.min_amount_vnd else 0
    amount = bucket(max(minimum, IDLE_CASH_MIN_VND))[0]
    sentences = [f"{segment} segment." for segment in ideal.segments]
    sentences += [_RISK_SENTENCES[risk] for risk in ideal.risk_profiles if risk in _RISK_SENTENCES]
    if minimum or "idle_cash" in ideal.signals:
        sentences.append(f"Total assets with the bank: {amount}.")
    sentences += [_PROFILE_SENTENCES[s].format(amount=amount) for s in ideal.signals if s in _PROFILE_SENTENCES]
    return " ".join(sentences)


# ----- filters and rules ---------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _city_key(city: str) -> str:
    """A city as the lexicon knows it ("HCMC", "TP.HCM", "Sài Gòn" → one name), else its folded words."""
    _folded, entries = lexicon_reading(city)
    for role, value, _start, _end in entries:
        if role == "city":
            return fold(value)
    return fold(city)


def _measure_value(client: ClientFeatures, measure: str, today: dt.date, criteria: Criteria | None = None) -> int:
    """The client's number for a measure a request filters or orders by, over the request's windows."""
    window_days = criteria.window_days if criteria else None
    ahead_days = criteria.ahead_days if criteria else None
    ahead_from_days = criteria.ahead_from_days if criteria else None
    if measure == "matured":  # the deposit that matured lately and was not rolled over
        sign = attrition.matured_not_rolled(client)
        return int(sign.facts.get("amount_vnd") or 0) if sign else 0
    if measure == "maturing":  # the largest deposit coming due within the request's horizon
        due = client.maturing_within(ahead_days or MATURITY_WINDOW_DAYS, "cd")
        due = [item for item in due if item[3] >= today + dt.timedelta(days=ahead_from_days or 0)]
        return max((amount for _kind, _code, amount, _day in due), default=0)
    since = today - dt.timedelta(days=window_days or INFLOW_DAYS)
    settle = max(IDLE_SETTLED_DAYS, window_days or 0)
    if measure == "idle":
        return client.settled_idle_vnd(today, days=settle)
    if measure == "casa_idle":
        return client.settled_idle_vnd(today, casa_only=True, days=settle)
    if measure == "inflow":
        return max((amount for amount, _category, day in client.inflows if day >= since), default=0)
    if measure == "money_out":
        return client.external_out_90_vnd if (window_days or 30) > 30 else client.external_out_30_vnd
    if measure == "inactive":
        return (today - client.last_contact_on).days if client.last_contact_on else 10**6
    if measure == "note_recent":  # "most recent conversation first"
        return max((day.toordinal() for day, *_rest in client.notes[:1] if day is not None), default=0)
    if measure == "note_amount":  # "xếp theo nhu cầu vay": the amount the client spoke of
        return max((amount or 0 for *_rest, amount in client.notes[:NOTE_AMOUNTS]), default=0)
    if measure == "travel":
        return client.travel_spend_vnd
    if measure == "spend":
        return client.card_spend_vnd
    values = {
        "deposits": client.deposits_vnd,
        "casa": client.balances.get("casa", 0),
        "cash": client.balances.get("casa", 0) + client.balances.get("savings", 0),
        "term_deposits": client.balances.get("savings", 0) + client.balances.get("cd", 0),
        "business_monthly": client.business_in_vnd // 3,  # the last 90 days' receipts, a month on average
        "aum": client.aum_vnd,
        "investment": client.balances.get("investment", 0),
        "loan": client.balances.get("loan", 0),
        "income": client.income_monthly_vnd,
    }
    return values.get(measure, client.aum_vnd)


def passes(client: ClientFeatures, criteria: Criteria, today: dt.date) -> bool:
    """Whether the client meets every filter the request states."""
    if criteria.segments and client.segment not in criteria.segments:
        return False
    if criteria.risk_profiles and client.risk_profile not in criteria.risk_profiles:
        return False
    if criteria.cities and _city_key(client.city) not in {_city_key(city) for city in criteria.cities}:
        return False
    if criteria.occupations and not occupation_matches(client.occupation, criteria.occupations):
        return False
    if criteria.age_min is not None and (client.age is None or client.age < criteria.age_min):
        return False
    if criteria.age_max is not None and (client.age is None or client.age > criteria.age_max):
        return False
    for measure, operator, amount in criteria.amounts:
        value = _measure_value(client, measure, today, criteria)
        if (operator == ">=" and value < amount) or (operator == "<" and value >= amount):
            return False
    # A debit card is no card to an offer: "chưa có thẻ" asks about credit cards.
    held = (client.held_codes | client.held_categories) - {"card"}
    held |= {"card", "credit_card"} if client.credit_card else set()
    if any(item in held for item in criteria.without):
        return False
    if any(item not in held for item in criteria.holding):
        return False
    return not (criteria.no_complaint and client.open_complaints)


def standing_of(client: ClientFeatures) -> ClientStanding:
    """The rules' view of a client, from what was already read."""
    return ClientStanding(
        client_id=client.client_id,
        segment=client.segment,
        risk_profile=client.risk_profile,
        balances=dict(client.balances),
        held_products=frozenset(client.held_codes),
        open_complaints=tuple((category, opened) for _id, category, opened, _summary in client.open_complaints),
        renewing=frozenset(code for _kind, code, _amount, _day in client.maturing_within(MATURITY_WINDOW_DAYS, "cd")),
        age=client.age,
    )


# ----- evidence per goal ---------------------------------------------------------------------


def _share(amount: float, scale: float) -> float:
    return amount / (amount + scale) if amount > 0 else 0.0


#: Payments that show a plan of the notes' kind: school fees are an education plan under way.
_PAYMENTS_OF = {"education": re.compile(r"educat|tuition|school|hoc phi|giao duc|truong"),
                "study_abroad": re.compile(r"tuition abroad|study abroad|du hoc|overseas tuition")}  # fmt: skip


_REFUSED = re.compile(
    r"tu choi|khong (?:muon|can|co nhu cau|quan tam)|chua (?:muon|can|co nhu cau)|not interested|declined|"
    r"refused|turned down|no need|doesn.?t (?:want|need)|don.?t (?:want|need)|said no"
)


def _note(
    goal: str, client: ClientFeatures, today: dt.date, window_days: int | None = None
) -> tuple[float, list[dict[str, Any]]]:
    since = today - dt.timedelta(days=window_days) if window_days else None
    paying = _PAYMENTS_OF.get(goal)
    paid = sum(amount for category, amount in client.paid_by_category.items() if paying and paying.search(category))
    for day, _channel, _topic, text, sentiment, _code, amount in client.notes:
        if since is not None and (day is None or day < since):
            continue
        if sentiment == "negative" and _REFUSED.search(fold(text)):
            continue  # "khách từ chối bảo hiểm nhân thọ": a refusal is no plan
        words = note_mentions(goal, text)
        if words:
            fresh = day is not None and (today - day).days <= FRESH_NOTE_DAYS
            return (1.0 if fresh else 0.7), [{"kind": "note", "goal": goal, "words": words,
                                               "date": day.isoformat() if day else None,
                                               "note_amount_vnd": amount}]  # fmt: skip
    if paid:  # "parents paying school fees": the payments show the plan the notes may not mention
        return 0.8, [{"kind": "paid", "goal": goal, "category": goal, "amount_vnd": paid}]
    return 0.0, []


def evidence(
    goal: str, client: ClientFeatures, today: dt.date, criteria: Criteria | None = None, min_signs: int = 1
) -> tuple[float, list[dict[str, Any]]]:
    """How strongly the client's own data shows ``goal`` (0 to 1), and the facts that show it. ``min_signs``: the
    signs of leaving the bank's policy needs before a client is at risk."""
    window = criteria.window_days if criteria else None
    if goal == "idle_cash":
        settled = client.settled_idle_vnd(today, days=max(IDLE_SETTLED_DAYS, window or 0))
        if settled < IDLE_CASH_WORTH_A_CALL_VND:
            return 0.0, []
        casa, savings = client.balances.get("casa", 0), client.balances.get("savings", 0)
        fresh = casa + savings - settled  # arrived lately: said apart, it is not what has sat still
        return _share(settled, IDLE_CASH_MIN_VND), [{"kind": "idle_cash", "casa_vnd": casa, "savings_vnd": savings,
                                                     "new_vnd": fresh}]  # fmt: skip
    if goal in ("cd_maturing", "loan_maturing"):
        kind = goal.split("_")[0]
        horizon = (criteria.ahead_days if criteria else None) or MATURITY_WINDOW_DAYS  # "trong 30 ngày tới"
        start = today + dt.timedelta(days=(criteria.ahead_from_days if criteria else None) or 0)
        due = [item for item in client.maturing_within(horizon, kind) if item[3] >= start]  # "Dec-Jan": from 1 Dec
        if not due:
            return 0.0, []
        _kind, code, amount, day = due[0]
        days = (day - today).days
        strength = (0.6 + 0.4 * (1 - days / (horizon + 1))) * (0.7 + 0.3 * _share(amount, 1e9))
        return strength, [{"kind": goal, "amount_vnd": amount, "date": day.isoformat(), "product_code": code}]
    if goal == "large_inflow":
        since = today - dt.timedelta(days=window or INFLOW_DAYS)
        floor = min((amount for measure, _op, amount in (criteria.amounts if criteria else ()) if measure == "inflow"),
                    default=LARGE_DEPOSIT_MIN_VND)  # fmt: skip
        arrived = [item for item in client.inflows if item[2] >= since and item[0] >= floor]
        if not arrived:
            return 0.0, []
        amount, source, day = max(arrived)
        return 0.7 + 0.3 * _share(amount, 2e9), [{"kind": "large_inflow", "amount_vnd": amount, "source": source,
                                                   "date": day.isoformat()}]  # fmt: skip
    if goal == "travel":
        if not client.travel_payments:
            return 0.0, []
        strength = (0.5 * min(1.0, client.travel_spend_vnd / 60e6) + 0.3 * min(1.0, client.travel_payments / 6)
                    + 0.2 * min(1.0, client.foreign_payments / 4))  # fmt: skip
        return strength, [{"kind": "travel", "amount_vnd": client.travel_spend_vnd,
                           "payments": client.travel_payments, "merchants": client.travel_merchants[:3]}]  # fmt: skip
    if goal == "business":
        strength, facts = 0.0, list[dict[str, Any]]()
        if client.occupation and _BUSINESS_OCCUPATION.search(fold(client.occupation)):
            strength += 0.5
            facts.append({"kind": "occupation", "occupation": client.occupation})
        if client.business_in_vnd:
            strength += 0.5 * (0.5 + 0.5 * _share(client.business_in_vnd, 5e8))
            facts.append({"kind": "business", "amount_vnd": client.business_in_vnd})
        noted, note_facts = _note("expansion", client, today, window)
        if noted and strength < 1.0:
            strength = min(1.0, strength + 0.3)
            facts += note_facts
        return strength, facts
    if goal in NOTE_GOALS:
        return _note(goal, client, today, window)
    if goal == "salary_stopped":
        sign = attrition.salary_stopped(client, today)
        if sign is None:
            return 0.0, []
        return 1.0, [{"kind": "sign_salary_stopped", **sign.facts}, {"kind": "at_stake", "aum_vnd": client.aum_vnd}]
    if goal == "matured_not_rolled":
        sign = attrition.matured_not_rolled(client)
        if sign is None:
            return 0.0, []
        amount = int(sign.facts.get("amount_vnd") or 0)
        return 0.7 + 0.3 * _share(amount, 2e9), [{"kind": "sign_matured_not_rolled", **sign.facts}]
    if goal == "login_drop":
        sign = attrition.login_drop(client, today)
        if sign is None:
            return 0.0, []
        return 1.0, [{"kind": "sign_login_drop", **sign.facts}, {"kind": "at_stake", "aum_vnd": client.aum_vnd}]
    if goal == "attrition":
        risk = attrition.assess(client, today)
        if not risk.signs or len(risk.signs) < min_signs:
            return 0.0, []
        facts = [{"kind": f"sign_{sign.kind}", **sign.facts} for sign in risk.signs[: MAX_REASONS - 1]]
        return risk.score, [*facts, {"kind": "at_stake", "aum_vnd": client.aum_vnd}]
    if goal == "money_out":
        sign = attrition.money_out(client, share=MONEY_OUT_ASKED_SHARE)
        if sign is None:
            return 0.0, []
        return min(1.0, sign.facts["share_pct"] / 60), [{"kind": "sign_money_out", **sign.facts},
                                                        {"kind": "at_stake", "aum_vnd": client.aum_vnd}]  # fmt: skip
    if goal == "inactive":
        profile = {"kind": "profile", "segment": client.segment, "aum_vnd": client.aum_vnd}
        if client.last_contact_on is None:
            return 0.8, [{"kind": "inactive", "days": None}, profile]
        silent = (today - client.last_contact_on).days
        if silent <= (window or INACTIVE_DAYS):
            return 0.0, []
        return min(1.0, silent / (2 * INACTIVE_DAYS)), [{"kind": "inactive", "days": silent}, profile]
    if goal == "birthday":
        return _birthday(client, today, (criteria.ahead_days or criteria.window_days) if criteria else None)
    if goal == "salary":
        if not client.income_count:
            return 0.0, []
        return 0.5 + 0.5 * _share(client.income_monthly_vnd, 50e6), [
            {"kind": "salary", "amount_vnd": client.income_monthly_vnd}
        ]
    if goal == "spend":
        wanted = criteria.spend_categories if criteria else ()
        spent = (sum(amount for category, amount in client.spend_by_category.items() if spend_matches(category, wanted))
                 if wanted else client.card_spend_vnd)  # fmt: skip
        if not spent:
            return 0.0, []
        return _share(spent, 50e6), [{"kind": "spend", "amount_vnd": spent}]
    return 0.0, []


def _birthday(client: ClientFeatures, today: dt.date, window: int | None = None) -> tuple[float, list[dict[str, Any]]]:
    if client.born is None:
        return 0.0, []
    for year in (today.year, today.year + 1):
        try:
            day = client.born.replace(year=year)
        except ValueError:  # 29 February: the 28th in other years
            day = dt.date(year, 2, 28)
        if day >= today:
            days = (day - today).days
            horizon = window or 2 * BIRTHDAY_WINDOW_DAYS
            if days > horizon:
                return 0.0, []
            return 1.0 - days / (horizon + 1), [{"kind": "birthday", "date": day.isoformat()}]
    return 0.0, []


_MONEY_MEASURES = frozenset(
    {
        "aum",
        "deposits",
        "term_deposits",
        "casa",
        "cash",
        "idle",
        "casa_idle",
        "investment",
        "loan",
        "income",
        "maturing",
    }
)


def _fact_key(fact: dict[str, Any]) -> str:
    kind = str(fact.get("kind", "")).removeprefix("sign_")
    return f"{kind}|{fact.get('days')}|{fact.get('amount_vnd')}|{fact.get('date')}"


def _filter_facts(client: ClientFeatures, criteria: Criteria, today: dt.date) -> list[dict[str, Any]]:
    """The client's values for the filters the request stated (a reason as much as a goal is)."""
    facts: list[dict[str, Any]] = []
    for measure, _operator, _amount in criteria.amounts[:1]:
        value = _measure_value(client, measure, today, criteria)
        facts.append({"kind": "measure", "measure": measure, "amount_vnd": value})
    filtered = {measure for measure, _op, _amount in criteria.amounts}
    if criteria.order_by in _MONEY_MEASURES and criteria.order_by not in filtered:
        value = _measure_value(client, str(criteria.order_by), today, criteria)
        facts.append({"kind": "measure", "measure": criteria.order_by, "amount_vnd": value})
    return facts


#: A note about a product the client already has ("xác nhận đã trích phí năm 2 hợp đồng"): servicing, no interest.
_ALREADY_HAS = re.compile(
    r"\b(?:da|dang) (?:mua|tham gia|dong phi|trich phi|nam giu)\b|hop dong (?:hien|dang)|nam (?:thu )?\d+ hop dong|"
    r"phi nam \d|already (?:has|holds|have|own)|renew(?:al|ed)? (?:of )?(?:the|her|his|their) (?:policy|card|loan)"
)


def product_interest(
    client: ClientFeatures, product: ProductTerms, today: dt.date, window_days: int | None = None
) -> dict[str, Any] | None:
    """The client's own word for the product offered: the latest note the RM tagged with it (not a refusal) in
    ``FRESH_NOTE_DAYS`` — stronger evidence than any pattern in their money."""
    for day, _channel, topic, text, sentiment, code, amount in client.notes:
        if day is None or (today - day).days > (window_days or FRESH_NOTE_DAYS):  # "since Sep": the request's window
            break
        if code == product.code and sentiment != "negative" and not _ALREADY_HAS.search(fold(text)):
            words = " ".join((topic or text).split()[:10])
            return {"kind": "note", "date": day.isoformat(), "words": words, "note_amount_vnd": amount}
    return None


# ----- the ranking ---------------------------------------------------------------------------


def rank_clients(
    features: dict[str, ClientFeatures],
    criteria: Criteria,
    product: ProductTerms | None,
    goals: list[str],
    named: bool,
    similarity: dict[str, float],
    today: dt.date,
    top_n: int,
    min_signs: int = 1,
) -> Ranking:
    """The clients passing the filters and the rules, best evidence first; who the rules left out, with why."""
    outcome = Ranking(clients=len(features))
    if criteria.order_by in ("loan", "note_amount") and (
        (product is not None and product.category == "loan") or set(goals) & {"business", "home", "green"}
    ):  # "xếp theo nhu cầu vay": the loan they would take, which only the notes know
        criteria = replace(criteria, order_by="note_amount")
    scored: list[dict[str, Any]] = []
    largest = max((client.aum_vnd for client in features.values()), default=0) or 1
    for client in features.values():
        if not passes(client, criteria, today):
            continue
        outcome.matching += 1
        strengths: list[float] = []
        facts: list[dict[str, Any]] = []
        for goal in goals:
            strength, goal_facts = evidence(goal, client, today, criteria, min_signs)
            strengths.append(strength)
            facts += goal_facts
        if named:  # every goal asked; plans in the notes are alternatives ("studying abroad or at school"), and so
            # are signs of leaving ("salary stopped or money wired out")
            plans = [value for goal, value in zip(goals, strengths, strict=True) if goal in NOTE_GOALS]
            signs = [value for goal, value in zip(goals, strengths, strict=True) if goal in SIGN_GOALS]
            others = [value for goal, value in zip(goals, strengths, strict=True)
                      if goal not in NOTE_GOALS | SIGN_GOALS]  # fmt: skip
            parts = [*others, *([max(plans)] if plans else []),
                     *([max(signs) + 0.1 * (sum(1 for v in signs if v > 0) - 1)] if signs else [])]  # fmt: skip
            strength = sum(parts) / len(parts) if parts else 0.0
            complete = all(part > 0 for part in parts)
        else:  # a product's usual reasons: any one of them makes a prospect
            strength = max(strengths, default=0.0) + 0.2 * sum(strengths) / max(1, len(strengths))
            complete = strength > 0
        interest = product_interest(client, product, today, criteria.window_days) if product is not None else None
        if interest is not None:  # the client asked about this very product: first, whatever else shows
            strength, complete = max(strength, 1.0) + INTEREST_BONUS, True
            facts.insert(0, interest)
        value = client.aum_vnd / largest
        score = strength + SIMILARITY_WEIGHT * similarity.get(client.client_id, 0.0) + VALUE_WEIGHT * value
        if criteria.order_by == "note_amount":  # the size of the plan the matching note speaks of
            order = max((int(fact.get("note_amount_vnd") or 0) for fact in facts if fact.get("kind") == "note"),
                        default=0)  # fmt: skip
        elif criteria.order_by:
            order = _measure_value(client, criteria.order_by, today, criteria)
        else:
            order = 0
        facts = list({_fact_key(fact): fact for fact in facts}.values())  # one goal's fact is another's: say it once
        scored.append({"client_id": client.client_id, "score": round(score, 4), "evidence": strength, "order": order,
                       "complete": complete,
                       "similarity": round(similarity.get(client.client_id, 0.0), 4),
                       "facts": [*facts, *_filter_facts(client, criteria, today)]})  # fmt: skip
    if criteria.order_by:  # the request's own order ("largest AUM first") among those with evidence
        scored.sort(key=lambda item: (not item["complete"], item["evidence"] <= 0, -item["order"], -item["score"],
                                      item["client_id"]))  # fmt: skip
    else:
        scored.sort(key=lambda item: (-item["score"], item["client_id"]))
    kept: list[dict[str, Any]] = []
    selling = product is not None or not set(goals) <= SERVICE_GOALS | REMINDER_GOALS
    for item in scored:
        failure = first_failure(product, standing_of(features[item["client_id"]])) if selling else None
        if failure is not None:
            if len(outcome.excluded) < EXCLUDED_SHOWN:
                outcome.excluded.append({"client_id": item["client_id"], "rule": failure.rule,
                                         "reason": failure.reason})  # fmt: skip
            continue
        kept.append(item)
    outcome.with_evidence = sum(1 for item in kept if item["evidence"] > 0)
    # "clients aged 25-35 in Hà Nội", "who suits the equity fund?": every eligible match, the evidence ranks them
    listing = not named and (product is not None or criteria.filters)
    shown = kept if listing else ([item for item in kept if item["evidence"] > 0] or kept)
    outcome.ranked = shown[: max(1, int(top_n))]
    outcome.runners_up = [{"client_id": item["client_id"], "score": item["score"]}
                          for item in shown[max(1, int(top_n)) : RUNNERS_UP]]  # fmt: skip
    return outcome


def reason_facts(
    item: dict[str, Any], client: ClientFeatures, product: ProductTerms | None, rule_results: list[RuleResult]
) -> list[dict[str, Any]]:
    """The facts shown for a ranked client: the evidence first, then what the product's rules checked."""
    facts = list(item.get("facts") or [])
    if product is not None:
        for result in rule_results:
            if result.rule == "min_amount" and result.passed and product.min_amount_vnd:
                facts.append({"kind": "min_amount", "deposits_vnd": client.deposits_vnd,
                              "minimum_vnd": product.min_amount_vnd})  # fmt: skip
        if client.segment and product.target_segments:
            facts.append({"kind": "target_segment", "segment": client.segment, "product": product.name})
    facts = facts[:MAX_REASONS]
    if not any(fact.get("kind") in _POSITION_KINDS for fact in facts):  # a note or a spend total alone: add where
        facts = [*facts[: MAX_REASONS - 1], _position(client)]  # the client stands, so the RM sees the size too
    return facts


#: Facts that already state what the client holds with the bank.
_POSITION_KINDS = frozenset(
    {"measure", "min_amount", "profile", "at_stake", "idle_cash", "cd_maturing", "loan_maturing", "large_inflow"}
)


def _position(client: ClientFeatures) -> dict[str, Any]:
    return {"kind": "profile", "segment": client.segment, "aum_vnd": client.aum_vnd}


def explain(
    ranked: list[dict[str, Any]], features: dict[str, ClientFeatures], product: ProductTerms | None
) -> list[dict[str, Any]]:
    """Each ranked client with its facts and full name."""
    explained = []
    for item in ranked:
        client = features[item["client_id"]]
        results = evaluate(product, standing_of(client))
        explained.append({**item, "full_name": client.full_name, "facts": reason_facts(item, client, product, results)})
    return explained


# ----- one client, many products (next best action's cross-sell) ------------------------------------------------

#: The evidence a product needs before it is suggested to a client unprompted.
OFFER_MIN_EVIDENCE = 0.4
#: A product's category's usual reasons count for less than what its own sheet says it is for.
GENERIC_FIT = 0.7


def best_offer(client: ClientFeatures, products: list[ProductTerms], today: dt.date) -> dict[str, Any] | None:
    """The product the client's own evidence fits best (a travel card for a traveller, a green loan for the
    client who spoke of solar panels), among those the bank's rules allow and the client does not hold; None when
    nothing fits well enough to suggest."""
    standing = standing_of(client)
    best: tuple[float, ProductTerms, list[dict[str, Any]]] | None = None
    for product in products:
        if product.category == "casa" or product.code in client.held_codes or first_failure(product, standing):
            continue  # a renewal of what they hold is the maturity's own action, not a new offer
        own_goals = goals_in(f"{product.name}. {product.summary}")  # a travel card is sold on travel
        if product.category == "loan":
            own_goals = [*own_goals, "expansion", "home"]
        goals = [(goal, 1.0) for goal in own_goals] + [
            (goal, GENERIC_FIT) for goal in CATEGORY_GOALS.get(product.category, ()) if goal not in own_goals
        ]
        for goal, weight in goals:
            if product.category == "loan" and goal not in NOTE_GOALS:
                continue  # a loan is offered to a client who spoke of a plan, never on a balance or a trade alone
            strength, facts = evidence(goal, client, today)
            strength *= weight
            if strength >= OFFER_MIN_EVIDENCE and (best is None or strength > best[0]):
                best = (strength, product, facts)
    if best is None:
        return None
    strength, product, facts = best
    return {"product_code": product.code, "product_name": product.name, "category": product.category,
            "segment": client.segment, "aum_vnd": client.aum_vnd, "evidence": facts[:2],
            "fit": round(strength, 3)}  # fmt: skip


def fitting_product(client: ClientFeatures, products: list[ProductTerms]) -> dict[str, Any] | None:
    """With no evidence for any product, the one the bank made for clients like this one (its segment, age band,
    risk profile) among those its rules allow: a savings plan for the over-55s before a card for everyone. For a
    next best action to name when nothing better is due; ``best_offer`` stays silent then."""
    standing = standing_of(client)
    candidates = [
        product
        for product in products
        if product.category not in ("casa", "loan") and product.code not in client.held_codes
        and not (product.category == "card" and client.credit_card)  # deposits and plans may be opened again
        and (not product.target_segments or client.segment in product.target_segments)
        and first_failure(product, standing) is None
    ]  # fmt: skip
    if not candidates:
        return None

    def made_for(product: ProductTerms) -> int:  # the narrower the band of clients it was made for, the closer
        band = (product.age_max or 100) - (product.age_min or 18)
        return (100 - band) + 10 * bool(product.risk_profiles) + 5 * bool(product.target_segments)

    product = max(candidates, key=made_for)  # first in the catalog among equals
    return {"product_code": product.code, "product_name": product.name, "category": product.category,
            "segment": client.segment, "aum_vnd": client.aum_vnd, "evidence": [], "fit": 0.0,
            "holds_category": product.category in client.held_categories}  # fmt: skip
