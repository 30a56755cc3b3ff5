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

TODAY = dt.date(2025, 11, 3)


@pytest.fixture
def bank(recommendation_bank: Database) -> Database:
    return recommendation_bank


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


BASE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "qa" / "fixture.json"


def _bank_with(database: Database, *, notes: list[str], transactions: list[dict[str, object]],
               segment: str = "Gold", risk: str = "balanced", casa: int = 80_000_000) -> Database:  # fmt: skip
    """The catalog's bank with one client: a salary, ``transactions`` and the RM's ``notes``."""
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["clients"] = [{"id": "C1", "rm_id": data["rms"][0]["id"], "full_name": "Trần Văn Nam", "honorific": "Anh",
                        "date_of_birth": "1988-02-01", "phone": "0912000001", "segment": segment,
                        "risk_profile": risk, "preferred_channel": "zalo", "language": "vi",
                        "onboarded_on": "2020-01-01"}]  # fmt: skip
    data["accounts"] = [{"id": "A1", "client_id": "C1", "product_code": "CASA_STD", "kind": "casa",
                         "balance_vnd": casa, "opened_on": "2020-01-01", "status": "active"}]  # fmt: skip
    salary = [{"id": f"S{month}", "account_id": "A1", "client_id": "C1", "posted_at": f"2025-{month:02d}-05T09:00:00+07:00",
               "amount_vnd": 40_000_000, "direction": "in", "channel": "transfer", "counterparty": "Công ty ABC",
               "category": "salary"} for month in range(6, 11)]  # fmt: skip
    extra = [{"id": f"T{i}", "account_id": "A1", "client_id": "C1", "channel": "transfer", **row}
             for i, row in enumerate(transactions)]  # fmt: skip
    data["transactions"] = salary + extra
    data["interactions"] = [{"id": f"I{i}", "client_id": "C1", "rm_id": data["rms"][0]["id"],
                             "occurred_at": f"2025-10-{10 + i:02d}T10:00:00+07:00", "channel": "call",
                             "topic": note.split(".")[0], "summary": note, "sentiment": "neutral",
                             "source": "manual"} for i, note in enumerate(notes)]  # fmt: skip
    load_fixture(database, data)
    return database


CAR_DEPOSIT = {"posted_at": "2025-10-20T15:00:00+07:00", "amount_vnd": 50_000_000, "direction": "out",
               "counterparty": "Toyota Tân Cảng", "category": "transfer_external",
               "description": "Đặt cọc xe Toyota Corolla Cross"}  # fmt: skip


def test_a_car_the_client_is_buying_is_read_from_the_notes_and_the_deposit_paid(sqlite_db: Database) -> None:
    bank = _bank_with(sqlite_db, notes=["Vay mua xe. Anh muốn vay 80% giá xe trong 5 năm."], transactions=[CAR_DEPOSIT])
    found = recommend(bank, "RM001", "C1", today=TODAY, e5=False)
    assert found.offers and found.offers[0].code == "AUTO_LOAN"
    assert any("Vay mua xe" in fact for fact in found.offers[0].facts)  # the note is named as a fact
    assert "HOME_LOAN" not in [offer.code for offer in found.offers]  # a deposit on a car is no flat


def test_credit_is_never_offered_on_spending_alone_nor_against_the_clients_words(sqlite_db: Database) -> None:
    showroom = {**CAR_DEPOSIT, "category": "shopping", "description": "Phụ kiện ô tô", "counterparty": "Toyota"}
    bank = _bank_with(sqlite_db, notes=["Hỏi thăm. Anh không muốn vay thêm, đang trả góp xe."], transactions=[showroom])
    found = recommend(bank, "RM001", "C1", today=TODAY, e5=False)
    assert not any(offer.code.endswith("LOAN") for offer in found.offers)


def test_a_business_loan_needs_a_business_and_a_green_one_a_green_purpose(sqlite_db: Database) -> None:
    sales = [{"posted_at": f"2025-{month:02d}-15T10:00:00+07:00", "amount_vnd": 300_000_000, "direction": "in",
              "counterparty": "Đại lý Minh Phát", "category": "business_income"} for month in range(6, 11)]  # fmt: skip
    bank = _bank_with(sqlite_db, notes=["Vốn lưu động. Anh muốn vay vốn lưu động để nhập hàng cuối năm."],
                      transactions=sales)  # fmt: skip
    codes = [offer.code for offer in recommend(bank, "RM001", "C1", today=TODAY, e5=False).offers]
    assert "BIZ_LOAN" in codes and "GREEN_BIZ_LOAN" not in codes


def test_an_employee_asking_for_working_capital_gets_no_business_loan(sqlite_db: Database) -> None:
    bank = _bank_with(sqlite_db, notes=["Vốn lưu động. Anh muốn vay vốn lưu động để nhập hàng."], transactions=[])
    codes = [offer.code for offer in recommend(bank, "RM001", "C1", today=TODAY, e5=False).offers]
    assert "BIZ_LOAN" not in codes


def test_money_to_place_is_not_three_deposits_of_different_terms(sqlite_db: Database) -> None:
    sale = {"posted_at": "2025-09-20T10:00:00+07:00", "amount_vnd": 2_400_000_000, "direction": "in",
            "counterparty": "Văn phòng công chứng", "category": "property_sale"}  # fmt: skip
    bank = _bank_with(sqlite_db, notes=[], transactions=[sale], casa=2_480_000_000)
    found = recommend(bank, "RM001", "C1", today=TODAY, e5=False)
    categories = [offer.code.split("_")[0] for offer in found.offers]
    assert len(found.offers) == 3 and categories.count("CD") <= 2
    assert found.offers[0].code in ("CD_24M", "CD_12M")  # the best rate the client may have first


def test_a_protection_review_reads_the_households_care_and_suggests_cover_and_savings_only(
    sqlite_db: Database,
) -> None:
    from tools.products.recommend import protection_review

    visits = [{"posted_at": f"2025-{month:02d}-12T10:00:00+07:00", "amount_vnd": 4_500_000, "direction": "out",
               "counterparty": "Bệnh viện Hoàn Mỹ Đà Nẵng", "category": "healthcare"} for month in range(6, 11)]  # fmt: skip
    bank = _bank_with(sqlite_db, notes=[], transactions=visits, casa=60_000_000)
    review = protection_review(bank, "RM001", "C1", today=TODAY, language="vi")
    assert review.health and review.health[0].total_vnd == 22_500_000
    assert review.health[0].places == ["Bệnh viện Hoàn Mỹ Đà Nẵng"] and review.insured == []
    codes = [offer.code for offer in review.recommendation.offers]
    assert codes and codes[0] == "LIFE_PROTECT"
    assert {code.split("_")[0] for code in codes} <= {"LIFE", "SAV", "CD"}  # insurance, savings, deposits only
    assert "chi y tế 6 tháng" in review.recommendation.offers[0].reason
    assert review.buffer_months == 16.3  # VND 60M against 22.5M spent in 183 days
