"""Recommendations for one client or a relative: rules first, a reason naming the client's facts, the sheet cited;
nothing to offer while a complaint is open."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from stores.db import Database
from stores.fixtures import load_fixture
from tools.crm.api import ClientNotFound
from tools.products.recommend import recommend

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "recommendation" / "fixture.json"
TODAY = dt.date(2025, 11, 3)


@pytest.fixture
def bank(sqlite_db: Database) -> Database:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    return sqlite_db


def test_money_from_a_share_sale_goes_to_what_a_growth_profile_allows(bank: Database) -> None:
    found = recommend(bank, "RM001", "C9019", today=TODAY)
    codes = [offer.code for offer in found.offers]
    assert "PREMIER_INVEST" in codes and "BOND_FUND" not in codes  # the bond fund is already held
    offer = found.offers[codes.index("PREMIER_INVEST")]
    assert "3.5B VND" in offer.reason and offer.document_id == "DOC-P-PREMIER_INVEST" and offer.facts


def test_an_open_complaint_blocks_every_offer(bank: Database) -> None:
    found = recommend(bank, "RM001", "C9006", today=TODAY)
    assert found.offers == [] and found.blocked and "complaint" in found.blocked


def test_a_relatives_offers_rest_on_the_relatives_facts(bank: Database) -> None:
    found = recommend(bank, "RM001", "C9017", today=TODAY, for_relation="child")
    assert found.whose == "relative" and found.client_id == "C9018"
    assert all("child" in offer.reason for offer in found.offers)
    assert "CARD_CASHBACK" in found.excluded  # the child already holds it


def test_another_rms_client_is_unknown(bank: Database) -> None:
    with pytest.raises(ClientNotFound):
        recommend(bank, "RM999", "C9019", today=TODAY)
