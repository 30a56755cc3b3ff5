"""A product for money to place: from the catalog, as the bank's policy allows, not held yet, fundable."""

from __future__ import annotations

import datetime as dt

from tools.policy.eligibility import ClientStanding
from tools.products.catalog import ProductTerms
from tools.products.suggestions import suggest_placement, suggested_facts

CATALOG = [
    ProductTerms("CASA_STD", "Everyday Current Account", "casa"),
    ProductTerms("CD_6M", "6-month CD", "cd", 10_000_000),
    ProductTerms("CD_12M", "12-month CD", "cd", 100_000_000, ("Diamond", "Platinum", "Gold")),
    ProductTerms("SAV_FLEX", "Flexible Savings", "savings", 10_000_000),
    ProductTerms("PREMIER_INVEST", "Premier Invest", "investment", 1_000_000_000, ("Diamond", "Platinum")),
    ProductTerms("HOME_LOAN", "Home Loan", "loan", 200_000_000),
]


def _client(risk: str = "balanced", segment: str = "Diamond", **extra: object) -> ClientStanding:
    values: dict[str, object] = {"client_id": "C1", "segment": segment, "risk_profile": risk,
                                 "balances": {"casa": 5_000_000_000}, **extra}  # fmt: skip
    return ClientStanding(**values)  # type: ignore[arg-type]


def _code(client: ClientStanding, amount: int = 5_000_000_000) -> str | None:
    product = suggest_placement(CATALOG, client, amount)
    return product.code if product else None


def test_the_risk_profile_orders_the_categories_and_a_conservative_client_gets_no_investment() -> None:
    assert _code(_client("growth")) == "PREMIER_INVEST"
    assert _code(_client("balanced")) == "CD_12M"
    assert _code(_client("conservative", held_products=frozenset({"CD_12M", "CD_6M"}))) == "SAV_FLEX"


def test_segment_minimum_holdings_and_complaints_are_the_policys() -> None:
    assert _code(_client("growth", segment="Standard")) == "CD_6M"  # Premier Invest and the 12-month CD target others
    assert _code(_client("growth"), amount=500_000_000) == "CD_12M"  # the money does not fund Premier Invest
    assert _code(_client("balanced", held_products=frozenset({"CD_12M"}))) == "CD_6M"
    complaint = _client(open_complaints=(("fees", dt.date(2025, 10, 1)),))
    assert _code(complaint) is None
    assert suggested_facts(None) == {}
    assert suggested_facts(CATALOG[1])["suggested_product_name"] == "6-month CD"
