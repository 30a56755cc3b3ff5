"""Which product to suggest for money that just arrived or sits idle: the catalog filtered by the bank's policy.

A suggestion names one product the client may be offered today (``tools.policy.eligibility``: no open
complaint, suitable for the risk profile, a target segment, the minimum covered), that the client does not
hold yet and that the money itself can fund; the categories are tried in the order the client's risk profile
prefers, so a conservative client is offered a deposit, never an investment product. No fitting product: no
suggestion, and the draft offers to talk options instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from stores.db import Database
from tools.policy.eligibility import ClientStanding, first_failure, load_standings
from tools.products.catalog import ProductTerms

__all__ = [
    "PLACEMENT_CATEGORIES",
    "PLACEMENT_KINDS",
    "placement_facts",
    "suggest_placement",
    "suggested_facts",
    "suggestions_for",
]

logger = logging.getLogger(__name__)

#: Events about money the client could put to work: their draft suggests a product.
PLACEMENT_KINDS = frozenset({"large_deposit", "idle_cash"})
#: Where new or idle money may go, the first category a risk profile prefers first.
PLACEMENT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "conservative": ("cd", "savings"),
    "balanced": ("cd", "investment", "savings"),
    "growth": ("investment", "cd", "savings"),
}


def suggest_placement(products: Sequence[ProductTerms], client: ClientStanding, amount_vnd: int) -> ProductTerms | None:
    """The product to suggest for ``amount_vnd`` of this client's money, or None when none fits the policy."""
    order = PLACEMENT_CATEGORIES.get(client.risk_profile, PLACEMENT_CATEGORIES["conservative"])
    fitting = [
        product
        for product in products
        if product.category in order
        and product.code not in client.held_products
        and (product.min_amount_vnd or 0) <= amount_vnd
        and first_failure(product, client) is None
    ]
    # Within a category the most premium product the client qualifies for (the highest minimum), then by code.
    return min(fitting, key=lambda p: (order.index(p.category), -(p.min_amount_vnd or 0), p.code), default=None)


def suggested_facts(product: ProductTerms | None) -> dict[str, Any]:
    """The facts a draft states about the suggestion (none without one)."""
    if product is None:
        return {}
    return {
        "suggested_product_code": product.code,
        "suggested_product_name": product.name,
        "suggested_product_category": product.category,
    }


def suggestions_for(
    database: Database, catalog: Sequence[Mapping[str, Any]], amounts: Mapping[str, int], *, today: dt.date
) -> dict[str, ProductTerms]:
    """A suggestion per client id for the money in ``amounts`` (in a few bulk reads); clients with none are absent.

    ``catalog`` is the active catalog as ``tools.crm.api.CrmApi.products`` gives it.
    """
    if not amounts:
        return {}
    products = [ProductTerms.from_row(row) for row in catalog]
    standings = load_standings(database, amounts, today=today)
    found: dict[str, ProductTerms] = {}
    for client_id, amount in amounts.items():
        standing = standings.get(client_id)
        product = suggest_placement(products, standing, int(amount)) if standing is not None else None
        if product is not None:
            found[client_id] = product
    logger.debug("product suggestions: %d of %d clients", len(found), len(amounts))
    return found


def placement_facts(
    database: Database, catalog: Sequence[Mapping[str, Any]], client_id: str, facts: Mapping[str, Any], *,
    today: dt.date,
) -> dict[str, Any]:  # fmt: skip
    """One event's facts (``amount_vnd``: the money to place) with the suggestion added when there is one."""
    found = suggestions_for(database, catalog, {client_id: int(facts.get("amount_vnd") or 0)}, today=today)
    return {**facts, **suggested_facts(found.get(client_id))}
