"""The documents a night of drafts needs, read in bulk without an index."""

from __future__ import annotations

from stores.db import Database
from tools.knowledge.snippets import policy_snippets, product_sheets


def test_policy_sections_per_kind_and_the_latest_product_sheets(bank_db: Database) -> None:
    snippets = policy_snippets(bank_db, ["cd_maturity", "birthday"])
    assert set(snippets) == {"cd_maturity", "birthday"}
    assert all(item["kind"] == "policy" and item["id"].startswith("DOC-POL") for item in snippets["cd_maturity"])
    sheets = product_sheets(bank_db, ["CD_12M", "NOT_A_PRODUCT", ""])
    assert list(sheets) == ["CD_12M"] and sheets["CD_12M"]["id"].startswith("DOC-P-CD12")
    assert product_sheets(bank_db, []) == {}
