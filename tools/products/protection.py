"""Healthcare and protection (seed 002 §3): what a client's household spends on health, who depends on them, what
cover and what buffer they hold. These are events every recommendation weighs (``tools.products.recommend``), and
the facts of its protection review (``protection_review``: insurance and savings, the same rules and reasons).

The household is the client's relatives who bank with this RM (``CrmApi.holdings_view``); a relative with another RM
counts as a dependant by relation only, their spending is never read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tools.core.formatting import format_amount
from tools.core.text import fold
from tools.crm.api import CrmApi, Holdings, behaviour_of

#: Spending on care: hospitals, clinics, pharmacies, dentists, labs (category, counterparty or description).
HEALTH = re.compile(
    r"\b(?:health\w*|hospital|clinic|pharma\w*|drug ?store|medic\w*|doctor|dental|dentist|laborator\w*|diagnos\w*|"
    r"dialys\w*|benh vien|bv\b|nha thuoc|phong kham|y te|nha khoa|xet nghiem|vinmec|hoan my|long chau|"
    r"pharmacity|an khang pharma|medlatec|(?:benh vien|bv|bvdk) tam anh|tam anh hospital|thu cuc|family medical)"
)
#: Categories of money paid for a business's stock (a pharmacy owner paying the drug wholesaler buys no care).
TRADE = re.compile(r"supplier|business|wholesale|inventory|stock|purchase_order|nhap_hang")
#: What a household pays whatever its health (a pharmacy's rent is rent).
_UPKEEP = re.compile(r"rent|utilit|bill|electric|water|tax|salary|payroll|loan|transfer")
#: Health spending from this much in six months is a need to insure (a few clinic visits are not).
HEALTH_FROM_VND = 5_000_000
#: Liquid money (current and savings accounts) under this many months of spending is a thin buffer.
BUFFER_MONTHS = 6
#: Relations that depend on the client's income (a parent may as well; their age is not read here, so not counted).
DEPENDANT_RELATIONS = ("child", "spouse")
PROTECTION_CATEGORIES = ("insurance", "savings", "cd")


@dataclass
class HealthSpend:
    """One person's spending on care in six months."""

    whose: str  # "client", "relative" (the person reviewed), or a relation of theirs ("spouse", "child", …)
    total_vnd: int
    count: int
    places: list[str]


def health_spend(entries: Sequence[Mapping[str, Any]], whose: str) -> HealthSpend | None:
    """The care ``entries`` pay for (money out to hospitals, clinics, pharmacies), or None when there is none."""
    total = count = 0
    places: list[str] = []
    for entry in entries:
        if (
            entry["direction"] != "out"
            or TRADE.search(str(entry["category"]))
            or _UPKEEP.search(str(entry["category"]))
        ):
            continue  # a pharmacy owner paying the drug wholesaler buys stock, not care
        text = fold(" ".join([str(entry["category"]), str(entry.get("counterparty") or ""),
                              *entry.get("descriptions", [])]))  # fmt: skip
        if HEALTH.search(text):
            total += int(entry["total_vnd"])
            count += int(entry["count"])
            if entry.get("counterparty") and len(places) < 3:
                places.append(str(entry["counterparty"]))
    return HealthSpend(whose, total, count, places) if total else None


def _monthly_spending(entries: Sequence[Mapping[str, Any]], days: int) -> int:
    spent = sum(int(entry["total_vnd"]) for entry in entries if entry["direction"] == "out")
    return spent * 30 // days


def protection_events(
    holdings: Holdings, entries: Sequence[Mapping[str, Any]], household: Mapping[str, Sequence[Mapping[str, Any]]],
    language: str, *, days: int, with_buffer: bool = False,
) -> tuple[dict[str, tuple[float, str]], list[HealthSpend], list[str], list[str], float | None]:  # fmt: skip
    """(events for ``recommend``, health spending, dependants, insurance held, buffer months) of one person.

    ``household``: relation → the behaviour entries of that relative (only those this RM may read)."""
    vi = language == "vi"
    spends = [spend for spend in [health_spend(entries, "client")] if spend]
    spends += [spend for relation, rows in household.items() if (spend := health_spend(rows, relation))]
    dependants = [str(member["relation"]) for member in holdings.household
                  if member.get("relation") in DEPENDANT_RELATIONS]  # fmt: skip
    insured = sorted({str(row.get("product_code")) for row in holdings.holdings
                      if row.get("status") == "active" and row.get("kind") == "insurance"})  # fmt: skip
    events: dict[str, tuple[float, str]] = {}
    total = sum(spend.total_vnd for spend in spends)
    if total >= HEALTH_FROM_VND:
        parts = []
        for spend in spends:
            who = "" if spend.whose == "client" else f"{spend.whose}: "
            where = f" ({', '.join(spend.places)})" if spend.places else ""
            parts.append(f"{who}{format_amount(spend.total_vnd, language)}{where}")
        head = "chi y tế 6 tháng" if vi else "health spending in six months"
        events["category:insurance"] = (0.4 + min(0.4, total / 100_000_000), f"{head}: " + "; ".join(parts))
    if dependants and not insured:
        fact = (f"{len(dependants)} người phụ thuộc ({', '.join(dependants)}), chưa có bảo hiểm" if vi
                else f"{len(dependants)} dependant{'s' if len(dependants) > 1 else ''} "
                     f"({', '.join(dependants)}) and no insurance held")  # fmt: skip
        strength = 0.2 + (0.1 if "child" in dependants else 0.0)
        current = events.get("category:insurance")
        events["category:insurance"] = ((current[0] + strength, f"{current[1]}; {fact}") if current
                                        else (strength, fact))  # fmt: skip
    monthly = _monthly_spending(entries, days)
    liquid = sum(int(row.get("balance_vnd") or 0) for row in holdings.holdings
                 if row.get("status") == "active" and row.get("kind") in ("casa", "savings"))  # fmt: skip
    months = round(liquid / monthly, 1) if monthly else None
    if with_buffer and months is not None and months < BUFFER_MONTHS:
        fact = (f"tiền linh hoạt đủ {months} tháng chi tiêu" if vi
                else f"liquid money covers {months} months of spending")  # fmt: skip
        events["category:savings"] = (0.45, fact)
    return events, spends, dependants, insured, months


def household_behaviour(crm: CrmApi, holdings: Holdings, *, since: dt.date) -> dict[str, list[dict[str, Any]]]:
    """relation → behaviour of each relative this RM may read (the household lists another RM's client without an
    id, so their spending is never read), in one bulk read."""
    members = [(str(m["relation"]), str(m["client_id"])) for m in holdings.household
               if m.get("client_id") and not m.get("managed_by_another_rm")]  # fmt: skip
    if not members:
        return {}
    read = behaviour_of(crm.database, [client_id for _, client_id in members], since=since)
    found: dict[str, list[dict[str, Any]]] = {}
    for relation, client_id in members:
        found.setdefault(relation, []).extend(read.get(client_id, []))
    return found
