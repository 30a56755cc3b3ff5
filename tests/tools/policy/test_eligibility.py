"""The eligibility and suitability rules, on plain data and on the small bank."""

from __future__ import annotations

import datetime as dt

from stores.db import Database
from tools.policy.eligibility import (
    AGE,
    ALREADY_HELD,
    COMPLAINT,
    INCOME,
    MIN_AMOUNT,
    SUITABILITY,
    TARGET_SEGMENT,
    ClientStanding,
    ProductTerms,
    evaluate,
    first_failure,
    load_standings,
)

TODAY = dt.date(2025, 10, 24)
PREMIER = ProductTerms(
    code="PREMIER_INVEST",
    name="Premier Invest",
    category="investment",
    min_amount_vnd=1_000_000_000,
    target_segments=("Diamond", "Platinum"),
)
CD = ProductTerms(code="CD_12M", name="12-month CD", category="cd", min_amount_vnd=100_000_000)
LOAN = ProductTerms(code="HOME_LOAN", name="Home Loan", category="loan", min_amount_vnd=200_000_000)


def _client(**changes: object) -> ClientStanding:
    base: dict[str, object] = {
        "client_id": "C1",
        "segment": "Diamond",
        "risk_profile": "balanced",
        "balances": {"casa": 2_600_000_000},
    }
    base.update(changes)
    return ClientStanding(**base)  # type: ignore[arg-type]


def test_an_eligible_client_passes_every_rule_with_a_reason() -> None:
    results = evaluate(PREMIER, _client())
    assert [result.rule for result in results] == [
        COMPLAINT,
        SUITABILITY,
        TARGET_SEGMENT,
        AGE,
        INCOME,
        MIN_AMOUNT,
        ALREADY_HELD,
    ]
    assert all(result.passed and result.reason for result in results)
    assert first_failure(PREMIER, _client()) is None


def test_an_open_complaint_excludes_from_any_selling_even_without_a_product() -> None:
    client = _client(open_complaints=(("card", dt.date(2025, 10, 15)),))
    for product in (PREMIER, CD, None):
        failure = first_failure(product, client)
        assert failure is not None and failure.rule == COMPLAINT
        assert "card" in failure.reason and "2025-10-15" in failure.reason


def test_a_conservative_client_is_not_offered_an_investment_but_may_get_a_cd() -> None:
    client = _client(risk_profile="conservative")
    failure = first_failure(PREMIER, client)
    assert failure is not None and failure.rule == SUITABILITY and "conservative" in failure.reason
    assert first_failure(CD, client) is None


def test_target_segments_and_minimum_amount() -> None:
    failure = first_failure(PREMIER, _client(segment="Gold"))
    assert failure is not None and failure.rule == TARGET_SEGMENT and "Gold" in failure.reason
    poor = _client(balances={"casa": 350_000_000, "savings": 100_000_000, "investment": 5_000_000_000})
    failure = first_failure(PREMIER, poor)
    assert failure is not None and failure.rule == MIN_AMOUNT
    assert "450M VND" in failure.reason and "1B VND" in failure.reason
    # Deposits count CDs; a loan's minimum is what is borrowed, not a balance the client needs.
    assert first_failure(PREMIER, _client(balances={"casa": 350_000_000, "cd": 1_500_000_000})) is None
    assert first_failure(LOAN, _client(balances={})) is None


def test_standings_read_from_the_bank(bank_db: Database) -> None:
    standings = load_standings(bank_db, ["C0001", "C0003", "C0004", "C9999"], today=TODAY)
    assert set(standings) == {"C0001", "C0003", "C0004"}
    assert standings["C0001"].deposits_vnd == 1_850_000_000
    assert standings["C0003"].risk_profile == "conservative"
    assert standings["C0004"].open_complaints == (("card", dt.date(2025, 10, 15)),)
    assert standings["C0004"].deposits_vnd == 0  # the CD matured
    assert load_standings(bank_db, [], today=TODAY) == {}


def test_a_product_already_held_is_not_offered_again() -> None:
    failure = first_failure(PREMIER, _client(held_products=frozenset({PREMIER.code})))
    assert failure is not None and failure.rule == ALREADY_HELD and PREMIER.name in failure.reason


def test_suitability_read_from_the_documents_restricts_to_those_profiles() -> None:
    growth_only = ProductTerms(**{**PREMIER.__dict__, "risk_profiles": ("growth",)})
    failure = first_failure(growth_only, _client(risk_profile="balanced"))
    assert failure is not None and failure.rule == SUITABILITY and "growth" in failure.reason
    assert first_failure(growth_only, _client(risk_profile="growth")) is None


def test_a_product_with_an_age_band_is_offered_only_inside_it() -> None:
    senior_savings = ProductTerms(code="SAV_55", name="Hưu An", category="savings", age_min=55)
    equity = ProductTerms(code="EQ", name="Equity Fund", category="investment", age_max=69)
    failure = first_failure(senior_savings, _client(age=54))
    assert failure is not None and failure.rule == AGE and "54" in failure.reason and "55+" in failure.reason
    assert first_failure(senior_savings, _client(age=55)) is None
    assert (first_failure(equity, _client(age=71)) or _client()).rule == AGE  # type: ignore[union-attr]
    assert first_failure(equity, _client(age=None)) is None  # no date of birth: no age rule can be checked


def test_standings_carry_the_age_on_the_day(bank_db: Database) -> None:
    standings = load_standings(bank_db, ["C0001"], today=TODAY)
    assert standings["C0001"].age is not None and 20 < standings["C0001"].age < 100


def test_standings_carry_the_monthly_income_over_the_months_it_came_in(bank_db: Database) -> None:
    from sqlalchemy import select

    from stores.schema import Transaction

    since = TODAY - dt.timedelta(days=183)
    with bank_db.engine.connect() as connection:
        rows = connection.execute(
            select(Transaction.client_id, Transaction.posted_at, Transaction.amount_vnd).where(
                Transaction.direction == "in", Transaction.category == "salary"
            )
        ).all()
    paid = [row for row in rows if row.posted_at.date() >= since]
    assert paid, "the small bank pays salaries"
    client_id = paid[0].client_id
    mine = [row for row in paid if row.client_id == client_id]
    months = {row.posted_at.strftime("%Y-%m") for row in mine}
    standing = load_standings(bank_db, [client_id], today=TODAY)[client_id]
    assert standing.monthly_income_vnd == sum(int(row.amount_vnd) for row in mine) // len(months)


CASHBACK = ProductTerms(code="CARD_CASHBACK", name="Cashback Card", category="card", min_income_vnd=8_000_000)
PLATINUM = ProductTerms(code="CARD_PLATINUM", name="Platinum Card", category="card", min_income_vnd=30_000_000,
                        income_waived_for=("Diamond", "Platinum"))  # fmt: skip


def test_a_monthly_income_under_what_the_sheet_asks_excludes_with_the_figures() -> None:
    failure = first_failure(CASHBACK, _client(segment="Standard", monthly_income_vnd=4_300_000))
    assert failure is not None and failure.rule == INCOME
    assert "4.3M" in failure.reason and "8M" in failure.reason
    assert first_failure(CASHBACK, _client(segment="Standard", monthly_income_vnd=11_500_000)) is None


def test_no_income_seen_proves_none_and_a_waived_segment_passes() -> None:
    failure = first_failure(CASHBACK, _client(segment="Standard", monthly_income_vnd=None))
    assert failure is not None and failure.rule == INCOME and "no income seen" in failure.reason
    assert first_failure(PREMIER, _client(monthly_income_vnd=None)) is None  # no income condition on the sheet
    assert first_failure(PLATINUM, _client(segment="Diamond", monthly_income_vnd=5_000_000)) is None
    failure = first_failure(PLATINUM, _client(segment="Gold", monthly_income_vnd=26_000_000))
    assert failure is not None and failure.rule == INCOME
