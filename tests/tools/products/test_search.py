"""Product search: a need in words → products that fit, with the bank's rules applied (risk profile, minimum)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stores.db import Database
from stores.fixtures import load_fixture
from tools.products.search import search_products

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "qa" / "fixture.json"


@pytest.fixture
def bank(sqlite_db: Database) -> Database:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    return sqlite_db


def test_a_described_need_finds_the_product_with_why(bank: Database) -> None:
    found = search_products(bank, "she keeps cash for emergencies and wants to take out part of it whenever she needs")
    assert "SAV_FLEX" in [item.code for item in found.products[:2]]
    assert all(item.why and item.document_id for item in found.products)


def test_a_conservative_client_is_never_shown_an_investment(bank: Database) -> None:
    found = search_products(bank, "conservative client wants better returns on 150 million for a year")
    assert not {"PREMIER_INVEST", "BOND_FUND"} & {item.code for item in found.products}
    assert any("conservative" in line for line in found.applied)


def test_a_duration_picks_the_deposit_term(bank: Database) -> None:
    found = search_products(bank, "khach co 500 trieu muon gui lai suat co dinh 2 nam")
    assert found.products[0].code == "CD_24M"


def test_a_follow_up_refines_the_earlier_need(bank: Database) -> None:
    first = search_products(bank, "a credit card for someone who shops at supermarkets every week")
    refined = search_products(bank, "cheaper?", previous=["a credit card for someone who shops at supermarkets"])
    assert first.products and refined.products and refined.query == "cheaper?"
    with pytest.raises(ValueError):
        search_products(bank, "  ")
