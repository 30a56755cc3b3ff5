"""Eligibility and suitability rules as code: who may be offered a product, and why not.

Every rule returns a ``RuleResult`` with a reason an RM can read; a client is
excluded from a selling list when any rule fails. The rules:

- ``complaint``: a client with an open complaint is not sold to until it is resolved (any product, any goal).
- ``suitability``: a conservative client is not offered an investment product.
- ``target_segment``: a product with target segments is offered only to clients in them.
- ``age``: a product the documents give an age band ("từ đủ 55 tuổi", "under 70") is offered only inside it.
- ``income``: a product whose sheet asks a monthly income ("Monthly income from VND 8 million") is offered only to
  clients whose income in the last six months (salary, pension, business receipts) reaches it; no income seen is
  no income proven.
- ``min_amount``: a deposit or investment product needs the client's deposits (current, savings and
  certificates of deposit) to cover its minimum amount.
- ``already_held``: a client is not offered what they already hold.

Suitability and the minimum may come from the bank's documents as well as the catalog
(``tools.products.catalog.with_document_rules``).

The inputs are plain data (``ProductTerms``, ``ClientStanding``) so the rules are tested without a bank;
``load_standings`` reads the clients' side from the store in bulk; the products' is
``tools.products.catalog``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import String, func, select

from stores.db import Database
from stores.schema import Account, Client, Complaint, Transaction
from tools.core.dates import completed_years
from tools.core.formatting import format_amount
from tools.products.catalog import ProductTerms
from tools.signals.thresholds import GROWTH_CATEGORIES, RECENT_COMPLAINT_DAYS

COMPLAINT = "complaint"
SUITABILITY = "suitability"
TARGET_SEGMENT = "target_segment"
MIN_AMOUNT = "min_amount"
ALREADY_HELD = "already_held"
AGE = "age"
INCOME = "income"
RULES = (COMPLAINT, SUITABILITY, TARGET_SEGMENT, AGE, INCOME, MIN_AMOUNT, ALREADY_HELD)
#: Money in that is income: pay, a pension, what a business takes (not a transfer between one's own accounts).
INCOME_CATEGORIES = ("salary", "payroll", "pension", "business_income", "business", "sales", "revenue",
                     "rental_income", "income")  # fmt: skip
INCOME_DAYS = 183

#: Categories whose minimum amount is money the client puts in (for loans it is what they borrow).
FUNDED_CATEGORIES = frozenset({"savings", "cd", "investment", "insurance"})


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class ClientStanding:
    """What the rules need to know about one client."""

    client_id: str
    segment: str
    risk_profile: str
    balances: Mapping[str, int] = field(default_factory=dict)  # active balances by account kind
    held_products: frozenset[str] = frozenset()
    #: (category, opened on) of each open complaint.
    open_complaints: tuple[tuple[str, dt.date], ...] = ()
    #: Opened on of complaints resolved recently (``RECENT_COMPLAINT_DAYS``).
    recent_resolved_complaints: tuple[dt.date, ...] = ()
    #: Deposit products held that mature soon: offering the same again is a renewal, not a repeat.
    renewing: frozenset[str] = frozenset()
    #: Completed years on the day of the offer (None: no date of birth on file).
    age: int | None = None
    #: Average monthly income over the months it came in (``INCOME_DAYS``; None: none on file).
    monthly_income_vnd: int | None = None

    @property
    def deposits_vnd(self) -> int:
        return sum(self.balances.get(kind, 0) for kind in ("casa", "savings", "cd"))


def check_complaint(client: ClientStanding) -> RuleResult:
    if client.open_complaints:
        category, opened_on = min(client.open_complaints, key=lambda item: item[1])
        return RuleResult(
            COMPLAINT,
            False,
            f"open complaint about {category} since {opened_on.isoformat()}: no selling until it is resolved",
        )
    return RuleResult(COMPLAINT, True, "no open complaint")


def check_suitability(product: ProductTerms, client: ClientStanding) -> RuleResult:
    if product.risk_profiles and client.risk_profile not in product.risk_profiles:
        return RuleResult(
            SUITABILITY,
            False,
            f"{client.risk_profile} risk profile: {product.name} suits {', '.join(product.risk_profiles)} clients only",
        )
    if (
        client.risk_profile == "conservative"
        and product.category in GROWTH_CATEGORIES
        and not product.allows_conservative
        and "conservative" not in product.risk_profiles  # the documents named conservative clients for it
    ):
        return RuleResult(
            SUITABILITY,
            False,
            f"conservative risk profile: {product.name} is an {product.category} product, not suitable",
        )
    return RuleResult(SUITABILITY, True, f"{client.risk_profile} risk profile fits a {product.category} product")


def check_target_segment(product: ProductTerms, client: ClientStanding) -> RuleResult:
    if product.target_segments and client.segment not in product.target_segments:
        return RuleResult(
            TARGET_SEGMENT,
            False,
            f"{client.segment} segment: {product.name} targets {', '.join(product.target_segments)} only",
        )
    return RuleResult(TARGET_SEGMENT, True, f"{client.segment} segment is targeted")


def check_age(product: ProductTerms, client: ClientStanding) -> RuleResult:
    if client.age is None or (product.age_min is None and product.age_max is None):
        return RuleResult(AGE, True, "no age limit applies")
    if (product.age_min is not None and client.age < product.age_min) or (
        product.age_max is not None and client.age > product.age_max
    ):
        band = (f"{product.age_min}–{product.age_max}" if product.age_min is not None and product.age_max is not None
                else f"{product.age_min}+" if product.age_min is not None else f"up to {product.age_max}")  # fmt: skip
        return RuleResult(AGE, False, f"aged {client.age}: {product.name} is for clients aged {band}")
    return RuleResult(AGE, True, f"aged {client.age}, within the product's age limits")


def check_income(product: ProductTerms, client: ClientStanding) -> RuleResult:
    minimum = product.min_income_vnd
    if not minimum or client.segment in product.income_waived_for:
        return RuleResult(INCOME, True, "no income condition applies")
    if client.monthly_income_vnd is None:  # credit is given on income seen; a student's allowance is none
        return RuleResult(INCOME, False, f"no income seen in six months; {product.name} asks "
                                         f"{format_amount(minimum, 'en')} a month")  # fmt: skip
    if client.monthly_income_vnd < minimum:
        return RuleResult(INCOME, False, f"monthly income of {format_amount(client.monthly_income_vnd, 'en')} is "
                                         f"under the {format_amount(minimum, 'en')} {product.name} asks")  # fmt: skip
    return RuleResult(INCOME, True, f"monthly income of {format_amount(client.monthly_income_vnd, 'en')} meets "
                                    f"the {format_amount(minimum, 'en')} asked")  # fmt: skip


def check_min_amount(product: ProductTerms, client: ClientStanding) -> RuleResult:
    minimum = product.min_amount_vnd
    if not minimum or product.category not in FUNDED_CATEGORIES:
        return RuleResult(MIN_AMOUNT, True, "no minimum amount applies")
    deposits = client.deposits_vnd
    if deposits < minimum:
        return RuleResult(
            MIN_AMOUNT,
            False,
            f"deposits of {format_amount(deposits, 'en')} are below the {format_amount(minimum, 'en')} minimum "
            f"of {product.name}",
        )
    return RuleResult(
        MIN_AMOUNT,
        True,
        f"deposits of {format_amount(deposits, 'en')} cover the {format_amount(minimum, 'en')} minimum",
    )


def check_already_held(product: ProductTerms, client: ClientStanding) -> RuleResult:
    if product.renewal_ok and product.code in client.renewing:
        return RuleResult(ALREADY_HELD, True, f"holds {product.name} maturing soon: a renewal is an offer")
    if product.code in client.held_products:
        return RuleResult(ALREADY_HELD, False, f"already holds {product.name}")
    return RuleResult(ALREADY_HELD, True, f"does not hold {product.name} yet")


def evaluate(product: ProductTerms | None, client: ClientStanding) -> list[RuleResult]:
    """Every rule that applies, in ``RULES`` order; without a product only the complaint rule applies."""
    results = [check_complaint(client)]
    if product is not None:
        results += [
            check_suitability(product, client),
            check_target_segment(product, client),
            check_age(product, client),
            check_income(product, client),
            check_min_amount(product, client),
            check_already_held(product, client),
        ]
    return results


def first_failure(product: ProductTerms | None, client: ClientStanding) -> RuleResult | None:
    """The first rule the client fails (the reason they are excluded), or None when eligible."""
    return next((result for result in evaluate(product, client) if not result.passed), None)


# ----- reading the store ------------------------------------------------------------------------------------------


def load_standings(database: Database, client_ids: Iterable[str], *, today: dt.date) -> dict[str, ClientStanding]:
    """The rules' view of ``client_ids`` (unknown ids are left out), in four queries."""
    ids = sorted(set(client_ids))
    if not ids:
        return {}
    balances: dict[str, dict[str, int]] = {client_id: {} for client_id in ids}
    held: dict[str, set[str]] = {client_id: set() for client_id in ids}
    open_complaints: dict[str, list[tuple[str, dt.date]]] = {client_id: [] for client_id in ids}
    resolved: dict[str, list[dt.date]] = {client_id: [] for client_id in ids}
    since = today - dt.timedelta(days=RECENT_COMPLAINT_DAYS)
    with database.engine.connect() as connection:
        clients = connection.execute(
            select(Client.id, Client.segment, Client.risk_profile, Client.date_of_birth).where(Client.id.in_(ids))
        ).all()
        for client_id, kind, code, balance in connection.execute(
            select(Account.client_id, Account.kind, Account.product_code, Account.balance_vnd).where(
                Account.client_id.in_(ids), Account.status == "active"
            )
        ):
            balances[client_id][kind] = balances[client_id].get(kind, 0) + int(balance)
            held[client_id].add(code)
        for client_id, category, status, opened_on in connection.execute(
            select(Complaint.client_id, Complaint.category, Complaint.status, Complaint.opened_on).where(
                Complaint.client_id.in_(ids)
            )
        ):
            if status == "open":
                open_complaints[client_id].append((category, opened_on))
            elif opened_on >= since:
                resolved[client_id].append(opened_on)
        month = func.substr(func.cast(Transaction.posted_at, String), 1, 7)
        income = {
            client_id: (int(total), int(months))
            for client_id, total, months in connection.execute(
                select(Transaction.client_id, func.sum(Transaction.amount_vnd), func.count(func.distinct(month)))
                .where(Transaction.client_id.in_(ids), Transaction.direction == "in",
                       Transaction.category.in_(INCOME_CATEGORIES),
                       func.date(Transaction.posted_at) >= today - dt.timedelta(days=INCOME_DAYS))
                .group_by(Transaction.client_id)
            )
        }  # fmt: skip
    return {
        client.id: ClientStanding(
            client_id=client.id,
            segment=client.segment,
            risk_profile=client.risk_profile,
            balances=balances[client.id],
            held_products=frozenset(held[client.id]),
            open_complaints=tuple(sorted(open_complaints[client.id], key=lambda item: item[1])),
            recent_resolved_complaints=tuple(sorted(resolved[client.id])),
            age=completed_years(client.date_of_birth, today),
            monthly_income_vnd=(income[client.id][0] // max(1, income[client.id][1])) if client.id in income else None,
        )
        for client in clients
    }
