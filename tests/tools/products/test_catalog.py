"""The catalog's terms, read from the bank, and the product a request names."""

from __future__ import annotations

from stores.db import Database
from tools.products.catalog import find_product, load_product


def test_products_read_from_the_bank_and_named_in_a_request(bank_db: Database) -> None:
    premier = load_product(bank_db, "premier_invest")
    assert premier is not None and premier.target_segments == ("Diamond", "Platinum")
    assert premier.min_amount_vnd == 1_000_000_000 and premier.category == "investment"
    assert load_product(bank_db, "NOPE") is None
    named = find_product(bank_db, "Find top clients for the new 'Premier Invest' account")
    assert named is not None and named.code == "PREMIER_INVEST"
    assert find_product(bank_db, "who should I call about idle cash?") is None
