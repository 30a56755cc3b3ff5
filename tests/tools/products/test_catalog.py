"""The catalog's terms, read from the bank, and the product a request names."""

from __future__ import annotations

from stores.db import Database
from tools.core.text import fold_words
from tools.products.catalog import (
    ProductTerms,
    _name_forms,
    _named_words,
    find_product,
    load_product,
    short_names,
    with_document_rules,
)


def test_products_read_from_the_bank_and_named_in_a_request(bank_db: Database) -> None:
    premier = load_product(bank_db, "premier_invest")
    assert premier is not None and premier.target_segments == ("Diamond", "Platinum")
    assert premier.min_amount_vnd == 1_000_000_000 and premier.category == "investment"
    assert load_product(bank_db, "NOPE") is None
    named = find_product(bank_db, "Find top clients for the new 'Premier Invest' account")
    assert named is not None and named.code == "PREMIER_INVEST"
    assert find_product(bank_db, "who should I call about idle cash?") is None


def _bank_with(bank_db: Database, *products: tuple[str, str, str]) -> None:
    from sqlalchemy import insert

    from stores.schema import Product

    with bank_db.engine.begin() as connection:
        for code, name, category in products:
            connection.execute(insert(Product).values(code=code, name=name, category=category, summary="",
                                                      active=True))  # fmt: skip


def test_a_product_is_found_by_the_words_that_make_its_name(bank_db: Database) -> None:
    _bank_with(bank_db, ("CARD_TRAVEL", "Thẻ tín dụng Travel Miles", "card"),
               ("STUDY", "Global Study Package - Gói Du học Toàn cầu", "investment"),
               ("PRIO", "Tài khoản Ưu tiên Priority", "casa"))  # fmt: skip
    assert (find_product(bank_db, "kh nao hay bay ma chua co the Travel Miles?") or _none()).code == "CARD_TRAVEL"
    assert (find_product(bank_db, "goi Du hoc Toan cau dang co KPI") or _none()).code == "STUDY"
    assert find_product(bank_db, "khối Priority đang soi AUM của khách") is None  # one common word names nothing
    assert find_product(bank_db, "500tr nằm im trong tài khoản thanh toán") is None
    assert short_names("Thẻ tín dụng Travel Miles")[-1] == "travel miles"


def _none() -> ProductTerms:
    return ProductTerms(code="-", name="-", category="-")


DOCUMENTS = [
    {"id": "SHEET", "product_code": "FUND", "body": "# Growth Fund\n- Risk level: High (growth profile only)\n"
                                                    "- Minimum: 500 triệu"},
    {"id": "POL", "product_code": None, "body": "| conservative | deposits, insurance | any investment product |\n"
     "Khách hàng cân bằng (balanced) chỉ được tư vấn quỹ trái phiếu, không tư vấn Growth Fund.\n"
     "Conservative clients must never be offered growth investment products such as the Growth Fund."},
]  # fmt: skip


def test_who_a_product_suits_is_read_from_its_sheet_and_the_policies() -> None:
    fund = with_document_rules(ProductTerms(code="FUND", name="Growth Fund", category="investment"), DOCUMENTS)
    assert fund.risk_profiles == ("growth",) and fund.min_amount_vnd == 500_000_000
    assert ("suitability", "SHEET") in fund.sources and ("suitability", "POL") in fund.sources
    deposit = with_document_rules(ProductTerms(code="CD", name="12-month CD", category="cd"), DOCUMENTS)
    assert deposit.risk_profiles == () and deposit.min_amount_vnd is None  # a deposit suits everyone here
    assert not deposit.renewal_ok  # no document says a maturing one may be offered again
    renewing = with_document_rules(
        ProductTerms(code="CD", name="12-month CD", category="cd"),
        [{"id": "P", "product_code": None, "body": "A CD maturing within 30 days may be rolled over (tái tục)."}],
    )
    assert renewing.renewal_ok


def test_the_english_the_is_no_card_in_a_policy() -> None:
    """ "A balanced client ... do not list them for equity products" speaks of funds, not of the travel card."""
    policy = {"id": "POL-01", "product_code": None,
              "body": "| conservative | CASA, savings, term deposits (CD), cards, loans, insurance. No investment funds. |\n"
                      "| balanced | everything above + Premier Bond Fund. **Not** the equity fund. |\n"
                      "A client's verbal interest does not override the profile: a balanced client who asks about "
                      "stocks needs a new risk assessment first; until it is on file, do not list them for equity "
                      "products."}  # fmt: skip
    card = with_document_rules(ProductTerms(code="CARD_TRAVEL", name="SkyMiles Travel Visa", category="card"),
                               [policy])  # fmt: skip
    assert card.risk_profiles == ()
    vi = {"id": "POL-02", "product_code": None, "body": "Khách thận trọng không được mở thẻ tín dụng."}
    assert with_document_rules(ProductTerms(code="CC", name="Cashback", category="card"), [vi]).risk_profiles == (
        "balanced",
        "growth",
    )


def test_age_limits_are_read_from_the_sheet_and_the_policies_but_never_a_childs() -> None:
    savings = ProductTerms(code="SAV_HUUAN", name="Tiết kiệm Hưu An", category="savings")
    sheet = {
        "id": "D1",
        "kind": "product",
        "product_code": "SAV_HUUAN",
        "body": "- Khách hàng **từ đủ 55 tuổi trở lên**. Mọi khách hàng cá nhân, không yêu cầu số dư tối thiểu.",
    }
    assert (with_document_rules(savings, [sheet]).age_min, with_document_rules(savings, [sheet]).age_max) == (55, None)
    fund = ProductTerms(code="EQ", name="Quỹ Cổ phiếu Tăng Trưởng", category="investment")
    policy = {
        "id": "P1",
        "kind": "policy",
        "product_code": None,
        "body": "7. Không chào sản phẩm đầu tư (quỹ) cho khách từ 70 tuổi trở lên.",
    }
    assert with_document_rules(fund, [policy]).age_max == 69
    education = ProductTerms(code="EDU", name="Bảo hiểm Học vấn", category="insurance")
    child = {
        "id": "D2",
        "kind": "product",
        "product_code": "EDU",
        "body": "Tích lũy quỹ học vấn cho con từ 0-15 tuổi; đáo hạn khi con 18 tuổi.",
    }
    assert (with_document_rules(education, [child]).age_min, with_document_rules(education, [child]).age_max) == (
        None, None)  # fmt: skip


def test_a_minimum_age_for_a_kind_of_product_and_the_income_a_sheet_asks_are_read() -> None:
    policy = {
        "id": "POL",
        "kind": "policy",
        "product_code": None,
        "body": "- Clients must be at least 18 for credit and investment products (15 for current accounts).",
    }
    card = ProductTerms(code="CARD_CB", name="Cashback Credit Card", category="card")
    casa = ProductTerms(code="CASA", name="Everyday Current Account", category="casa")
    sheet = {
        "id": "D-CB",
        "kind": "product",
        "product_code": "CARD_CB",
        "body": "## Eligibility\nMonthly income from VND 8 million.\nDebt service at most 50% of monthly income.",
    }
    read = with_document_rules(card, [policy, sheet])
    assert (read.age_min, read.min_income_vnd, read.income_waived_for) == (18, 8_000_000, ())
    assert with_document_rules(casa, [policy]).age_min is None  # the bracket is the current accounts' own rule
    platinum = {
        "id": "D-PL",
        "kind": "product",
        "product_code": "CARD_CB",
        "body": "Monthly income from VND 30 million, or Diamond and Platinum clients.",
    }
    assert with_document_rules(card, [platinum]).income_waived_for == ("Diamond", "Platinum")
    only = {
        "id": "P2",
        "kind": "policy",
        "product_code": None,
        "body": "Khách từ 70 tuổi chỉ được chào tiết kiệm, CD và thẻ.",
    }
    assert with_document_rules(card, [only]).age_min is None  # an "only" bounds the other products, not these


def test_a_term_alone_names_no_product_and_every_risk_profile_means_every_one() -> None:
    six = ProductTerms(code="CD_6M", name="Chứng chỉ tiền gửi 6 tháng", category="cd")

    def named(text: str) -> int:
        return max(_named_words(form, fold_words(text)) for form in _name_forms(six))

    assert named("ai nói muốn mở rộng trong 6 tháng qua") == 0 and named("chào CCTG 6 tháng") == 2
    bond = ProductTerms(code="BOND", name="Quỹ Trái phiếu An Tâm", category="investment")
    sheet = {"id": "S", "kind": "product", "product_code": "BOND",
             "body": "- All segments; suitable for every risk profile, including conservative."}  # fmt: skip
    read = with_document_rules(bond, [sheet])
    assert read.risk_profiles == () and read.allows_conservative
    loan = ProductTerms(code="HOME", name="Home Loan", category="loan")
    term = {"id": "T", "kind": "product", "product_code": "HOME", "body": "Loan term up to 25 years."}
    assert with_document_rules(loan, [term]).age_max is None  # a term in years is no age


def test_a_permission_or_a_cap_in_words_is_read_as_the_bank_means_it() -> None:
    bond = ProductTerms(code="BOND", name="Quỹ Trái phiếu Bình An", category="investment")
    allowed = {"id": "S1", "kind": "product", "product_code": "BOND",
               "body": "- Được chào cho khách hàng từ 70 tuổi trở lên."}  # fmt: skip
    assert (with_document_rules(bond, [allowed]).age_min, with_document_rules(bond, [allowed]).age_max) == (None, None)
    health = ProductTerms(code="HEALTH", name="Bảo hiểm sức khỏe", category="insurance")
    capped = {"id": "S2", "kind": "product", "product_code": "HEALTH",
              "body": "- Đối tượng: người được bảo hiểm không quá 65 tuổi, mọi phân khúc."}  # fmt: skip
    assert with_document_rules(health, [capped]).age_max == 65 and with_document_rules(health, [capped]).age_min is None
    savings = ProductTerms(code="SAV", name="Tiết kiệm Online", category="savings")
    seniors = {"id": "P5", "kind": "policy", "product_code": None,
               "body": "- Khách hàng từ 70 tuổi trở lên chỉ được chào sản phẩm an toàn: tiết kiệm, CD."}  # fmt: skip
    assert with_document_rules(savings, [seniors]).age_min is None  # what the over-70s may have sets no minimum
