"""Product search: a need in words → products that fit, with the bank's rules applied (risk profile, minimum)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stores.db import Database
from stores.fixtures import load_fixture
from tools.products.search import CLAUSE_SHARE, _read_needs, search_products

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


def test_the_clients_segment_is_a_rule_not_a_product_name(bank: Database) -> None:
    found = search_products(bank, "a Platinum client wants a better return on 2 billion he will not touch for a year")
    assert "CARD_PLATINUM" not in [item.code for item in found.products]
    standard = search_products(bank, "khách Standard có 300 triệu muốn gửi 1 năm lấy lãi cao")
    assert not {"CD_12M", "CD_24M"} & {item.code for item in standard.products}  # Diamond, Platinum, Gold only
    assert any("CD_12M" in line for line in standard.applied)


def test_one_word_of_a_name_names_no_product(bank: Database) -> None:
    found = search_products(
        bank, "chị Hạnh tháng nào cũng đi Co.op với Bách Hóa Xanh tầm 6-7tr, muốn quẹt được hoàn tiền"
    )
    assert found.products[0].code == "CARD_CASHBACK"  # "Xanh" is a supermarket here, not the green loan


def test_a_client_who_will_not_borrow_is_shown_no_credit(bank: Database) -> None:
    found = search_products(
        bank, "em Vy muốn cái thẻ quẹt hằng ngày, hông muốn xài trước trả sau, không phí thường niên"
    )
    codes = [item.code for item in found.products]
    assert codes and codes[0] == "CASA_STD" and not {"CARD_CASHBACK", "CARD_PLATINUM"} & set(codes)


def test_a_product_no_longer_sold_points_to_its_nearest_kin(bank: Database) -> None:
    found = search_products(bank, "anh Hùng hỏi lại chương trình Tết lãi 6%, muốn gửi thêm 1.5 tỷ khoảng 1 năm")
    assert found.products[0].code == "CD_12M"


def test_a_clause_final_particle_is_no_house(bank: Database) -> None:
    found = search_products(bank, "kh co 200tr mun co lai chut, phai rut dc bat cu luc nao nha, ko muon ky han")
    assert found.products[0].code == "SAV_FLEX" and "HOME_LOAN" not in [item.code for item in found.products]


def test_money_that_can_wait_a_year_but_misses_the_12_month_minimum_gets_the_longest_term_allowed(
    bank: Database,
) -> None:
    found = search_products(bank, "chị Lan wants tiết kiệm but only 50 mil, Gold, won't touch it ~1 năm")
    assert found.products[0].code == "CD_6M"  # CD_12M asks VND 100 million


def test_an_income_stated_is_no_need_for_a_salary_account(bank: Database) -> None:
    found = search_products(bank, "anh Tài 32yo, lương 25 mil, eyeing xe 7 chỗ ~900 mil, có 250 mil")
    assert found.products[0].code == "AUTO_LOAN" and "CASA_STD" not in [item.code for item in found.products]


def test_a_profile_named_outright_outweighs_what_the_client_wishes_for(bank: Database) -> None:
    found = search_products(bank, "[Diamond, 52yo, conservative] client saw friends making money on stocks and wants "
                                  "2bn in equities, he can leave it a year")  # fmt: skip
    codes = [item.code for item in found.products]
    assert "CD_12M" in codes and not {"PREMIER_INVEST", "BOND_FUND"} & set(codes)
    bracket = search_products(bank, "[Standard, 68yo, conservative] widow, 400m, wants the rest earning as much as is "
                                    "safe for a year")  # fmt: skip
    assert not {"CD_12M", "CD_24M"} & {item.code for item in bracket.products}  # "[Standard" is the segment


class _StandInReader:
    """One product per need it recognises (a flat, cover); a text with both is read as its first need, said loudest."""

    def read_many(self, texts: list[str]) -> list[dict[str, float]]:
        def read(text: str) -> dict[str, float]:
            flat, cover = text.find("flat"), text.find("cover")
            if flat >= 0 and cover >= 0:
                return (
                    {"HOME_LOAN": 0.9, "LIFE_PROTECT": 0.1} if flat < cover else {"HOME_LOAN": 0.1, "LIFE_PROTECT": 0.9}
                )
            return {"HOME_LOAN": 0.9 if flat >= 0 else 0.05, "LIFE_PROTECT": 0.9 if cover >= 0 else 0.05}

        return [read(text) for text in texts]


def test_each_need_a_request_lists_is_read_on_its_own() -> None:
    read = _read_needs(_StandInReader(), "couple buying a flat for 3bn + life cover for the husband please")
    assert read == {"HOME_LOAN": 0.9, "LIFE_PROTECT": 0.9}  # the second need keeps its own weight
    assert _read_needs(_StandInReader(), "couple buying a flat and cover")["LIFE_PROTECT"] == 0.1  # one need: as read


def test_a_second_need_without_a_list_mark_is_read_in_its_own_clause() -> None:
    needs = _read_needs(
        _StandInReader(), "young couple buying a flat in Thu Duc, the husband wants life cover for them"
    )
    assert needs["HOME_LOAN"] == pytest.approx(0.9)  # the whole reading still leads
    assert needs["LIFE_PROTECT"] == pytest.approx(0.1 + CLAUSE_SHARE * 0.8)
    ruled_out = _read_needs(
        _StandInReader(), "young couple buying a flat in Thu Duc, but no life cover for them please"
    )
    assert ruled_out["LIFE_PROTECT"] == pytest.approx(0.1)  # a clause that rules a product out asks for nothing


def test_two_needs_in_one_run_on_request_are_both_found(bank: Database) -> None:
    found = search_products(
        bank, "anh Bình khách Gold mới lấy chiếc xe 900 triệu cần vay 600 triệu trả 5 năm, với chị vợ muốn cái thẻ "
              "đi siêu thị được hoàn tiền"
    )  # fmt: skip
    assert {"AUTO_LOAN", "CARD_CASHBACK"} <= {item.code for item in found.products[:3]}
