"""Why an RM should contact a client now: deterministic triggers over a client 360, relative to "today".

Pure functions, no I/O. ``detect_triggers`` reads a ``Client360`` (or its JSON dump) and returns the
triggers ranked: an open complaint always first (bank policy: fix what is broken before selling),
then by urgency, then by the money at stake.

Kinds: ``complaint_followup``, ``cd_maturity``, ``loan_maturity``, ``birthday``, ``large_deposit``,
``attrition_risk``, ``idle_cash``, ``inactive``, ``cross_sell``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Literal, TypedDict

from tools.core.dates import bank_date
from tools.core.parsing import find_amounts
from tools.core.text import fold
from tools.crm.api import Client360
from tools.signals import attrition
from tools.signals.attrition import AttritionRisk
from tools.signals.features import ClientFeatures
from tools.signals.thresholds import (
    BIRTHDAY_WINDOW_DAYS,
    CROSS_SELL_SEGMENTS,
    IDLE_CASH_MIN_VND,
    IDLE_CASH_WORTH_A_CALL_VND,
    IDLE_OUTFLOW_SHARE,
    INACTIVE_DAYS,
    LARGE_DEPOSIT_MIN_VND,
    LARGE_DEPOSIT_WINDOW_DAYS,
    MATURITY_EVENT_KINDS,
    MATURITY_WINDOW_DAYS,
    OUTFLOW_WINDOW_DAYS,
)
from tools.signals.urgency import money_urgency

__all__ = [
    "KINDS",
    "Trigger",
    "detect_triggers",
    "rank_triggers",
]

Urgency = Literal["high", "medium", "low"]

KINDS = (
    "complaint_followup",
    "cd_maturity",
    "loan_maturity",
    "birthday",
    "large_deposit",
    "attrition_risk",
    "idle_cash",
    "inactive",
    "cross_sell",
)


_URGENCY_RANK = {"high": 0, "medium": 1, "low": 2}
#: What to look up in the product sheets and policies to write about each trigger.
CONTEXT_QUERIES = {
    "complaint_followup": "complaint handling service recovery follow-up",
    "cd_maturity": "certificate of deposit maturity renewal rate",
    "loan_maturity": "loan maturity repayment refinancing",
    "birthday": "client birthday greeting",
    "large_deposit": "large deposit savings certificate of deposit investment",
    "attrition_risk": "client retention outflow",
    "idle_cash": "idle balance savings certificate of deposit investment",
    "inactive": "relationship review client contact",
    "cross_sell": "product suitability segment",
}
#: Triggers whose message offers no product (so no product sheet is looked up).
NO_PRODUCT_KINDS = frozenset({"complaint_followup", "birthday", "inactive"})
#: A large deposit is a reason to call for this many days after it arrived.
INFLOW_CONVERSATION_DAYS = 14
#: A deposit that matured this recently and was not renewed, its money still here, is a renewal to offer.
RENEWAL_DAYS = 14
#: An offer whose evidence is this strong (the client's own behaviour or words) is a reason to call this week.
STRONG_FIT = 0.7
#: A note this recent that speaks of a product or an amount is a lead...
LEAD_DAYS = 14
#: ...a hot one when it is this fresh or a task on it is due this soon.
LEAD_HOT_DAYS = 3
#: Open tasks due within this many days (or overdue) go with the lead.
TASK_DUE_DAYS = 7
_LEAD_WORDS = re.compile(
    r"interest\w*|want\w*|plan\w*|need\w*|ask\w* (?:about|for)|enquir\w*|inquir\w*|quote|proposal|apply|"
    r"quan tam|muon|can vay|hoi (?:ve|lai suat)|ke hoach|du dinh|dang ky|tu van|bao gia|ho so"
)


class Trigger(TypedDict):
    kind: str
    urgency: Urgency
    value_vnd: int
    facts: dict[str, Any]


def next_birthday(born: dt.date, today: dt.date) -> dt.date:
    """The next birthday on or after today; 29 February falls on 28 February in common years (as the nightly scan)."""
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # 29 February in a common year
            day = dt.date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable")


def _maturities(holdings: list[dict[str, Any]], today: dt.date) -> list[Trigger]:
    found: list[Trigger] = []
    for account in holdings:
        kind = MATURITY_EVENT_KINDS.get(str(account.get("kind")))
        maturity = bank_date(account.get("maturity_on"))
        if kind is None or account.get("status") != "active" or maturity is None:
            continue
        days_left = (maturity - today).days
        if 0 <= days_left <= MATURITY_WINDOW_DAYS:
            amount = int(account.get("balance_vnd") or 0)
            facts = {
                "account_id": account.get("id"),
                "product_code": account.get("product_code"),
                "amount_vnd": amount,
                "maturity_on": maturity.isoformat(),
                "days_left": days_left,
                "rate_pct": account.get("rate_pct"),
            }
            urgency = money_urgency(amount, days_left)
            found.append(Trigger(kind=kind, urgency=urgency, value_vnd=amount, facts=facts))
    return found


def _birthday(profile: dict[str, Any], today: dt.date) -> list[Trigger]:
    born = bank_date(profile.get("date_of_birth"))
    if born is None:
        return []
    day = next_birthday(born, today)
    days_until = (day - today).days
    if days_until > BIRTHDAY_WINDOW_DAYS:
        return []
    facts = {"date": day.isoformat(), "days_until": days_until, "age": day.year - born.year}
    return [Trigger(kind="birthday", urgency="high" if days_until == 0 else "medium", value_vnd=0, facts=facts)]


def _within(transaction: dict[str, Any], today: dt.date, days: int) -> bool:
    posted = bank_date(transaction.get("posted_at"))
    return posted is not None and 0 <= (today - posted).days <= days


def _large_deposits(transactions: list[dict[str, Any]], today: dt.date) -> list[Trigger]:
    inflows = [
        t
        for t in transactions
        if t.get("direction") == "in"
        and int(t.get("amount_vnd") or 0) >= LARGE_DEPOSIT_MIN_VND
        and _within(t, today, LARGE_DEPOSIT_WINDOW_DAYS)
    ]
    if not inflows:
        return []
    biggest = max(inflows, key=lambda t: int(t["amount_vnd"]))
    posted = bank_date(biggest.get("posted_at"))
    facts = {
        "amount_vnd": int(biggest["amount_vnd"]),
        "posted_on": posted.isoformat() if posted else None,
        "days_ago": (today - posted).days if posted else None,
        "category": biggest.get("category"),
        "counterparty": biggest.get("counterparty"),
        "deposits": len(inflows),
    }
    urgency = money_urgency(int(biggest["amount_vnd"]), None)
    return [Trigger(kind="large_deposit", urgency=urgency, value_vnd=int(biggest["amount_vnd"]), facts=facts)]


def _outflow(transactions: list[dict[str, Any]], today: dt.date, days: int) -> int:
    return sum(
        int(t.get("amount_vnd") or 0) for t in transactions if t.get("direction") == "out" and _within(t, today, days)
    )


def _idle_cash(holdings: list[dict[str, Any]], transactions: list[dict[str, Any]], today: dt.date) -> list[Trigger]:
    idle = sum(
        int(a.get("balance_vnd") or 0)
        for a in holdings
        if a.get("status") == "active" and a.get("kind") in ("casa", "savings")
    )
    if idle < IDLE_CASH_MIN_VND:
        return []
    outflow = _outflow(transactions, today, OUTFLOW_WINDOW_DAYS)
    if outflow > IDLE_OUTFLOW_SHARE * idle:
        return []
    facts = {"amount_vnd": idle, "outflow_30d_vnd": outflow}
    # No deadline: an idle balance waits, a maturing deposit or loan does not, whatever the amounts.
    return [Trigger(kind="idle_cash", urgency="low", value_vnd=idle, facts=facts)]


#: A policy line about large deposits: "large_deposit — one incoming credit of VND 500 million or more in the last 7
#: days", "tiền về lớn từ 1 tỷ trong 14 ngày".
_LARGE_DEPOSIT_LINE = re.compile(
    r"large[_ ]deposit|large (?:inflow|credit)|tien (?:ve|vao) lon|khoan tien (?:vao |ve )?lon"
)
_DAYS = re.compile(r"(?P<n>\d{1,3})\s*(?:ngay|days?)\b")


#: ...and about idle cash: "idle_cash — số dư CASA từ 1 tỷ trở lên".
#: Where a policy line turns from what it counts to what to do: "…: tư vấn gửi tiết kiệm", "→ offer a deposit".
_ADVICE = re.compile(r":\s|→|->|\btu van\b|\bde xuat\b|\boffer\b|\bpropose\b|\bsuggest\b|\bdiscuss\b|\bmoi gui\b")
_IDLE_CASH_LINE = re.compile(r"idle[_ ]cash|idle (?:balance|money)|tien nhan roi")


def _policy_line(documents: Sequence[dict[str, Any]], subject: re.Pattern[str]) -> tuple[str, int] | None:
    """The first policy line about ``subject`` that sets an amount: (the line folded, the amount)."""
    for document in documents:
        if document.get("kind") not in (None, "policy"):
            continue
        for raw in str(document.get("body") or "").split("\n"):
            line = fold(raw)
            if not subject.search(line) or re.search(r"khong phai|not a sign|\bnot\b signals?", line):
                continue
            amounts = [int(span.value_vnd) for span in find_amounts(raw) if span.value_vnd >= 100_000_000]
            if amounts:
                return line, amounts[0]
    return None


def _policy_bar(documents: Sequence[dict[str, Any]], subject: re.Pattern[str]) -> tuple[int, int | None] | None:
    """The amount (and days, when said) a policy line about ``subject`` sets, or None when no line does."""
    found = _policy_line(documents, subject)
    if found is None:
        return None
    days = _DAYS.search(found[0])
    return found[1], int(days["n"]) if days else None


def policy_large_deposit(documents: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """The bank's own bar for a large deposit, (VND, days), from its policy where it says; the standing defaults
    (``LARGE_DEPOSIT_MIN_VND`` within ``INFLOW_CONVERSATION_DAYS``) where it does not."""
    bar = _policy_bar(documents, _LARGE_DEPOSIT_LINE)
    if bar is None:
        return LARGE_DEPOSIT_MIN_VND, INFLOW_CONVERSATION_DAYS
    return bar[0], bar[1] or INFLOW_CONVERSATION_DAYS


def policy_idle_cash(documents: Sequence[dict[str, Any]]) -> tuple[int, bool]:
    """What the bank's policy calls idle cash worth a call: (the balance, whether only the current account counts).
    Where it does not say: ``IDLE_CASH_WORTH_A_CALL_VND`` in the current account (savings already earn)."""
    found = _policy_line(documents, _IDLE_CASH_LINE)
    if found is None:
        return IDLE_CASH_WORTH_A_CALL_VND, True
    line, amount = found
    subject = _IDLE_CASH_LINE.search(line)
    said = line[subject.end() if subject else 0 :]
    digit = re.search(r"\d", said)
    advice = _ADVICE.search(said, digit.start() if digit else 0)  # the advice follows the amount
    said = said[: advice.start()] if advice else said  # what is counted, not what to offer for it ("gửi tiết kiệm")
    current = re.search(r"\bcasa\b|current account|tai khoan thanh toan|\btktt\b|tk thanh toan", said)
    return amount, bool(current) and not re.search(r"savings|tiet kiem", said)


def _inflow_trigger(
    client: ClientFeatures, today: dt.date, bar: tuple[int, int] = (LARGE_DEPOSIT_MIN_VND, INFLOW_CONVERSATION_DAYS)
) -> list[Trigger]:
    """Money from outside (not the client's own accounts, not a deposit coming back) of the large-deposit size,
    arrived in the last two weeks (still a conversation to have, though the nightly event was its first week);
    ``bar``: the size and the days the bank's policy says."""
    minimum, days = bar
    since = today - dt.timedelta(days=days)
    arrived = [item for item in client.inflows if item[2] >= since and item[0] >= minimum]
    if not arrived:
        return []
    amount, category, day = max(arrived)
    facts = {"amount_vnd": amount, "posted_on": day.isoformat(), "days_ago": (today - day).days,
             "category": category, "counterparty": None, "deposits": 1}  # fmt: skip
    return [Trigger(kind="large_deposit", urgency=money_urgency(amount, None), value_vnd=amount, facts=facts)]


def _unrenewed_trigger(client: ClientFeatures, today: dt.date) -> list[Trigger]:
    """A CD that matured in the last two weeks and was not renewed, its money still with the bank (gone to another
    bank, it is a sign of leaving instead)."""
    if client.external_out_30_vnd or client.maturing_within(MATURITY_WINDOW_DAYS, "cd"):
        return []
    recent = [item for item in client.matured if item[0] == "cd" and (today - item[3]).days <= RENEWAL_DAYS]
    if not recent:
        return []
    _kind, code, amount, day = max(recent, key=lambda item: item[3])
    if client.rolled_over(day):
        return []
    facts = {"account_id": None, "product_code": code, "amount_vnd": amount, "maturity_on": day.isoformat(),
             "days_left": (day - today).days, "rate_pct": None, "matured": True}  # fmt: skip
    return [Trigger(kind="cd_maturity", urgency=money_urgency(amount, 0), value_vnd=amount, facts=facts)]


def _settled_idle_trigger(
    client: ClientFeatures,
    today: dt.date,
    transactions: list[dict[str, Any]],
    bar: tuple[int, bool] = (IDLE_CASH_WORTH_A_CALL_VND, True),
) -> list[Trigger]:
    """Money that has sat still in the current (and savings) accounts; new money is a large deposit. ``bar``: the
    balance the bank's policy calls idle, and whether it counts the current account only (savings already earn)."""
    minimum, casa_only = bar
    settled = client.settled_idle_vnd(today, casa_only=casa_only)
    if settled < minimum:
        return []
    held = client.balances.get("casa", 0) if casa_only else client.idle_vnd
    outflow = _outflow(transactions, today, OUTFLOW_WINDOW_DAYS)
    if outflow > IDLE_OUTFLOW_SHARE * held:
        return []
    # The message states the balance the client sees; the money that has sat still is what makes it a reason.
    facts = {"amount_vnd": held, "settled_vnd": settled, "outflow_30d_vnd": outflow,
             "account": "casa" if casa_only else "casa_savings"}  # fmt: skip
    # Money that sits still comes before a product the client's behaviour merely suggests and before a silence (as
    # banks' next-best-action orders put it); its place in the ranking keeps dated events of the same urgency first.
    return [Trigger(kind="idle_cash", urgency="medium", value_vnd=settled, facts=facts)]


def _offer_trigger(offer: dict[str, Any] | None) -> list[Trigger]:
    """An offer the client's own evidence asks for (their travel, a plan in the notes) is worth more than a
    balance that waits; one their category merely allows is not."""
    if not offer:
        return []
    urgency: Urgency = "medium" if float(offer.get("fit") or 0) >= STRONG_FIT else "low"
    return [Trigger(kind="cross_sell", urgency=urgency, value_vnd=int(offer.get("value_vnd") or 0), facts=dict(offer))]


def _inactive(c360: dict[str, Any], today: dt.date, features: ClientFeatures | None = None) -> list[Trigger]:
    days = c360.get("days_since_contact")
    if days is None:
        onboarded = bank_date(c360["profile"].get("onboarded_on"))
        if onboarded is None or (today - onboarded).days < INACTIVE_DAYS:
            return []
        facts: dict[str, Any] = {"days_since_contact": None, "last_contacted_on": None, "never_contacted": True}
    elif days >= INACTIVE_DAYS:
        last = bank_date(c360.get("last_contacted_at"))
        facts = {"days_since_contact": days, "last_contacted_on": last.isoformat() if last else None}
    else:
        return []
    if features is not None and features.notes:
        facts["last_topic"] = features.notes[0][2] or None  # what they talked about last time, never how long ago
    aum = int((c360.get("totals") or {}).get("aum_vnd") or 0)
    return [Trigger(kind="inactive", urgency="medium", value_vnd=aum, facts=facts)]


def _complaints(complaints: list[dict[str, Any]], today: dt.date) -> list[Trigger]:
    found: list[Trigger] = []
    for complaint in complaints:
        if complaint.get("status") != "open":
            continue
        opened = bank_date(complaint.get("opened_on"))
        facts = {
            "complaint_id": complaint.get("id"),
            "category": complaint.get("category"),
            "opened_on": opened.isoformat() if opened else None,
            "days_open": (today - opened).days if opened else None,
            "summary": complaint.get("summary"),
        }
        found.append(Trigger(kind="complaint_followup", urgency="high", value_vnd=0, facts=facts))
    return found[:1]  # the latest open complaint speaks for the others


_RETENTION = re.compile(r"retention|retain|giu chan|giu khach|win.?back|loyalty|tri an")
_RATE = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%")


def _policy_retention_rate(documents: Sequence[dict[str, Any]], products: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A retention rate the bank's own documents state ("retention offer: 5.9% on the 12-month CD"), and the
    product that line names; empty when none does."""
    for document in documents:
        for line in str(document.get("body") or "").splitlines():
            folded = fold(line)
            rate = _RATE.search(line)
            if rate is None or not _RETENTION.search(folded):
                continue
            named = next((p for p in products if fold(str(p.get("name") or "")) in folded
                          or str(p.get("code") or "").lower() in folded.replace(" ", "_")), None)  # fmt: skip
            found: dict[str, Any] = {"offer_rate_pct": float(rate.group(1).replace(",", "."))}
            if named is not None:
                found.update(offer_code=named.get("code"), offer_name=named.get("name"))
            return found
    return {}


def retention_offer(
    segment: str, products: Sequence[dict[str, Any]], documents: Sequence[dict[str, Any]] = ()
) -> dict[str, Any] | None:
    """The deposit the client may open to stay: the bank's own retention rate where its documents state one,
    else the best-paying deposit of the catalog; None when there is none."""
    stated = _policy_retention_rate(documents, products)
    best: dict[str, Any] | None = None
    for product in products:
        segments = [part.strip() for part in str(product.get("target_segments") or "").split(",") if part.strip()]
        rate = product.get("rate_pct")
        if product.get("category") not in ("cd", "savings") or not rate or (segments and segment not in segments):
            continue
        if best is None or float(rate) > float(best["rate_pct"]):
            best = product
    if best is None and not stated.get("offer_name"):
        return None
    offer = {"offer_code": best.get("code"), "offer_name": best.get("name"),
             "offer_rate_pct": float(best["rate_pct"])} if best is not None else {}  # fmt: skip
    return {**offer, **stated}


def attrition_trigger(
    risk: AttritionRisk | None,
    segment: str = "",
    products: Sequence[dict[str, Any]] = (),
    documents: Sequence[dict[str, Any]] = (),
) -> list[Trigger]:
    """The attrition engine's verdict (``tools.signals.attrition``) as a trigger: its signs are the facts, with a
    deposit the client may be offered to stay."""
    if risk is None or not risk.at_risk:
        return []
    facts: dict[str, Any] = risk.facts()
    facts.update(retention_offer(segment, products, documents) or {})
    matured = next((sign for sign in risk.signs if sign.kind == "matured_not_rolled"), None)
    money = next((sign for sign in risk.signs if sign.kind == "money_out"), None)
    for sign in (money, matured):
        if sign is not None and sign.facts.get("amount_vnd"):
            facts["amount_vnd"] = sign.facts.get("amount_vnd")
            facts["lead_sign"] = sign.kind
            facts["sign_date"] = sign.facts.get("date")
    return [Trigger(kind="attrition_risk", urgency=risk.urgency, value_vnd=int(facts.get("amount_vnd") or 0),
                    facts=facts)]  # fmt: skip


def lead_trigger(
    client: ClientFeatures | None, today: dt.date, products: Sequence[dict[str, Any]] = ()
) -> list[Trigger]:
    """A fresh lead the RM logged (a product or an amount the client spoke of in the last days), with the open
    tasks due soon: what the RM promised comes before any routine reason to call."""
    if client is None:
        return []
    names = {str(product.get("code")): product.get("name") for product in products}
    categories = {str(product.get("code")): product.get("category") for product in products}
    tasks = [(title, kind, due) for title, kind, due in client.open_tasks if (due - today).days <= TASK_DUE_DAYS]
    for day, channel, topic, text, sentiment, code, amount in client.notes:
        if day is None or (today - day).days > LEAD_DAYS:
            break
        if sentiment == "negative" or not (code or _LEAD_WORDS.search(fold(text))):
            continue  # a lead is about a product: an amount alone (a deposit the client mentioned) is not one
        days_ago = (today - day).days
        facts: dict[str, Any] = {
            "lead": True, "noted_on": day.isoformat(), "days_ago": days_ago, "channel": channel, "topic": topic,
            "product_code": code or None, "product_name": names.get(code) if code else None,
            "category": categories.get(code) if code else None, "amount_vnd": amount, "summary": text[:200],
            "tasks": [{"title": title, "kind": kind, "due_on": due.isoformat()} for title, kind, due in tasks[:3]],
        }  # fmt: skip
        soon = days_ago <= LEAD_HOT_DAYS or any((due - today).days <= LEAD_HOT_DAYS for _t, _k, due in tasks)
        urgency: Urgency = "high" if soon else "medium"
        return [Trigger(kind="cross_sell", urgency=urgency, value_vnd=int(amount or 0), facts=facts)]
    return []


def _cross_sell(c360: dict[str, Any], products: Sequence[dict[str, Any]]) -> list[Trigger]:
    profile = c360["profile"]
    segment = str(profile.get("segment") or "")
    held = {a.get("kind") for a in c360.get("holdings") or [] if a.get("status") == "active"}
    held_products = {a.get("product_code") for a in c360.get("holdings") or [] if a.get("status") == "active"}
    aum = int((c360.get("totals") or {}).get("aum_vnd") or 0)
    for product in products:
        segments = [s.strip() for s in str(product.get("target_segments") or "").split(",") if s.strip()]
        if not segments or segment not in segments or product.get("category") in ("casa", "loan"):
            continue
        if product.get("category") in held or product.get("code") in held_products:
            continue
        if aum < int(product.get("min_amount_vnd") or 0):
            continue
        facts = {
            "product_code": product.get("code"),
            "product_name": product.get("name"),
            "category": product.get("category"),
            "segment": segment,
            "aum_vnd": aum,
        }
        return [Trigger(kind="cross_sell", urgency="low", value_vnd=aum, facts=facts)]
    if not products and segment in CROSS_SELL_SEGMENTS and "investment" not in held and aum >= IDLE_CASH_MIN_VND // 2:
        facts = {"product_code": None, "product_name": None, "category": "investment", "segment": segment,
                 "aum_vnd": aum}  # fmt: skip
        return [Trigger(kind="cross_sell", urgency="low", value_vnd=aum, facts=facts)]
    return []


def rank_triggers(triggers: Sequence[Trigger]) -> list[Trigger]:
    """Policy precedence (an open complaint first), then urgency, then the money at stake.

    A cross-sell is a suggestion, not an event of the client's: it comes after every event of the
    same urgency, whatever the amounts.
    """
    return sorted(
        triggers,
        key=lambda t: (
            t["kind"] != "complaint_followup",
            _URGENCY_RANK[t["urgency"]],
            t["kind"] == "cross_sell",
            t["kind"] == "inactive",  # a silence has no date: a dated occasion of the same urgency comes first
            t["kind"] == "idle_cash",  # nor has money that waits
            -int(t["value_vnd"]),
            KINDS.index(t["kind"]) if t["kind"] in KINDS else len(KINDS),
        ),
    )


def detect_triggers(
    client: Client360 | dict[str, Any],
    today: dt.date,
    products: Sequence[dict[str, Any]] = (),
    *,
    features: ClientFeatures | None = None,
    offer: dict[str, Any] | None = None,
    documents: Sequence[dict[str, Any]] = (),
) -> list[Trigger]:
    """Every trigger of one client on ``today``, ranked (see ``rank_triggers``). ``features`` (the client's
    behaviour, notes and tasks: ``tools.signals.features``) adds the signs of leaving and a fresh lead, reads idle
    cash as money that has sat still and a large deposit as money from outside; ``offer`` (the product the
    client's own evidence fits best: ``tools.signals.ranking.best_offer``) is the cross-sell."""
    c360 = client.model_dump(mode="json") if isinstance(client, Client360) else client
    holdings = c360.get("holdings") or []
    transactions = c360.get("recent_transactions") or []
    names = {str(product.get("code")): product.get("name") for product in products}
    segment = str(c360["profile"].get("segment") or "")
    if features is None:
        behaviour = [*_large_deposits(transactions, today), *_idle_cash(holdings, transactions, today),
                     *_cross_sell(c360, products)]  # fmt: skip
    else:
        lead = lead_trigger(features, today, products)
        behaviour = [
            *_inflow_trigger(features, today, policy_large_deposit(documents)),
            *_unrenewed_trigger(features, today),
            *attrition_trigger(attrition.assess(features, today), segment, products, documents),
            *lead,
            *_settled_idle_trigger(features, today, transactions, policy_idle_cash(documents)),
            *([] if lead else (_offer_trigger(offer) or _cross_sell(c360, products))),
        ]
    found = [
        *_complaints(c360.get("complaints") or [], today),
        *_maturities(holdings, today),
        *_birthday(c360["profile"], today),
        *behaviour,
        *_inactive(c360, today, features),
    ]
    for trigger in found:  # a product the trigger is about, by the name the client knows it by
        code = trigger["facts"].get("product_code")
        if code and not trigger["facts"].get("product_name") and names.get(str(code)):
            trigger["facts"] = {**trigger["facts"], "product_name": names[str(code)]}
    return rank_triggers(found)


def _nearest(holdings: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    accounts = [a for a in holdings if a.get("kind") == kind and a.get("status") == "active" and a.get("maturity_on")]
    return min(accounts, key=lambda a: str(a["maturity_on"])) if accounts else None


def _facts_from_data(kind: str, c360: dict[str, Any], today: dt.date) -> dict[str, Any] | None:
    """Facts for an event the triggers do not see today, from the client's own data; None when it has none."""
    profile = c360["profile"]
    born = bank_date(profile.get("date_of_birth"))
    if kind == "birthday" and born is not None:
        day = next_birthday(born, today)
        return {"date": day.isoformat(), "days_until": (day - today).days, "age": day.year - born.year}
    if kind in ("cd_maturity", "loan_maturity"):
        account = _nearest(c360.get("holdings") or [], kind.split("_")[0])
        maturity = bank_date(account.get("maturity_on")) if account else None
        if account is None or maturity is None:
            return None
        return {"account_id": account.get("id"), "product_code": account.get("product_code"),
                "amount_vnd": int(account.get("balance_vnd") or 0), "maturity_on": maturity.isoformat(),
                "days_left": (maturity - today).days, "rate_pct": account.get("rate_pct")}  # fmt: skip
    if kind == "inactive":
        days = c360.get("days_since_contact")
        last = c360.get("last_contacted_at")
        return {"days_since_contact": days, "last_contacted_on": str(last)[:10] if last else None,
                "never_contacted": days is None}  # fmt: skip
    return None


def event_facts(
    kind: str, client: Client360 | dict[str, Any], today: dt.date, products: Sequence[dict[str, Any]] = ()
) -> dict[str, Any] | None:
    """The facts of one event kind for one client: today's trigger of that kind, else what the client's
    data says (a birthday weeks away, the nearest maturity), else None (nothing to say about it)."""
    c360 = client.model_dump(mode="json") if isinstance(client, Client360) else client
    for trigger in detect_triggers(c360, today, products):
        if trigger["kind"] == kind:
            return dict(trigger["facts"])
    facts = _facts_from_data(kind, c360, today)
    names = {str(product.get("code")): product.get("name") for product in products}
    if facts is not None and facts.get("product_code") and not facts.get("product_name"):
        facts["product_name"] = names.get(str(facts["product_code"]))
    return facts
