"""The ranking engine: filters, the bank's rules with their reasons, evidence per goal, orders, offers."""

from __future__ import annotations

from tests.tools.signals.features_for_tests import TODAY, client, days_ago
from tools.products.catalog import ProductTerms
from tools.signals.criteria import Criteria
from tools.signals.ranking import best_offer, evidence, fitting_product, goals_for, passes, rank_clients

BILLION = 1_000_000_000
FUND = ProductTerms(code="FUND", name="Growth Fund", category="investment", min_amount_vnd=BILLION,
                    risk_profiles=("growth",))  # fmt: skip
TRAVEL = ProductTerms(code="TRAVEL", name="Voyager Travel Card", category="card", summary="Lounges and miles abroad.")
EVERYDAY = ProductTerms(code="EVERY", name="Everyday Card", category="card", summary="Cash back at supermarkets.")


def _book(*clients: object) -> dict[str, object]:
    return {c.client_id: c for c in clients}  # type: ignore[attr-defined]


def test_filters_are_exact() -> None:
    rich_diamond = client("C1", segment="Diamond", balances={"casa": 3 * BILLION}, city="TP. Hồ Chí Minh", age=30)
    criteria = Criteria(segments=("Diamond",), cities=("HCMC",), age_min=25, age_max=35,
                        amounts=(("deposits", ">=", 2 * BILLION),), without=("credit_card",))  # fmt: skip
    assert passes(rich_diamond, criteria, TODAY)
    assert not passes(client("C2", segment="Gold", balances={"casa": 3 * BILLION}), criteria, TODAY)
    card_holder = client("C3", segment="Diamond", balances={"casa": 3 * BILLION}, city="HCM", age=30,
                         credit_card=True)  # fmt: skip
    assert not passes(card_holder, criteria, TODAY)


def test_new_money_is_not_idle_cash() -> None:
    settled = client("C1", balances={"casa": 2 * BILLION})
    windfall = client("C2", balances={"casa": 2 * BILLION}, inflows=[(2 * BILLION, "property_sale", days_ago(3))])
    assert evidence("idle_cash", settled, TODAY)[0] > 0 and evidence("idle_cash", windfall, TODAY)[0] == 0
    assert evidence("large_inflow", windfall, TODAY)[1][0]["amount_vnd"] == 2 * BILLION


def test_rules_exclude_with_their_reason_and_the_evidence_ranks_the_rest() -> None:
    book = _book(
        client("C1", risk_profile="growth", balances={"casa": 5 * BILLION}),
        client("C2", risk_profile="growth", balances={"casa": 2 * BILLION}),
        client("C3", risk_profile="balanced", balances={"casa": 9 * BILLION}),  # unsuitable, however rich
        client(
            "C4",
            risk_profile="growth",
            balances={"casa": 9 * BILLION},
            open_complaints=[("P1", "fees", days_ago(5), "")],
        ),
    )
    goals, named = goals_for(Criteria(), FUND)
    ranking = rank_clients(book, Criteria(), FUND, goals, named, {}, TODAY, 3)  # type: ignore[arg-type]
    assert [item["client_id"] for item in ranking.ranked] == ["C1", "C2"]
    rules = {item["client_id"]: item["rule"] for item in ranking.excluded}
    assert rules == {"C3": "suitability", "C4": "complaint"}
    assert all(item["reason"] for item in ranking.excluded)


def test_keeping_a_client_is_no_sale_a_complaint_is_a_reason_not_a_bar() -> None:
    book = _book(client("C1", open_complaints=[("P1", "fees", days_ago(20), "")], income_count=4,
                        last_income_on=days_ago(70)))  # fmt: skip
    ranking = rank_clients(book, Criteria(goals=("attrition",)), None, ["attrition"], True, {}, TODAY, 3)  # type: ignore[arg-type]
    assert [item["client_id"] for item in ranking.ranked] == ["C1"] and ranking.excluded == []


def test_the_requests_own_order_wins() -> None:
    book = _book(
        client("C1", balances={"casa": 900_000_000}, last_contact_on=days_ago(100)),
        client("C2", balances={"casa": 5 * BILLION}, last_contact_on=days_ago(300)),
        client("C3", balances={"casa": 3 * BILLION}, last_contact_on=days_ago(200)),
    )
    criteria = Criteria(goals=("inactive",), order_by="aum")
    ranking = rank_clients(book, criteria, None, ["inactive"], True, {}, TODAY, 3)  # type: ignore[arg-type]
    assert [item["client_id"] for item in ranking.ranked] == ["C2", "C3", "C1"]


def test_only_clients_with_evidence_are_listed_and_runners_up_follow() -> None:
    book = _book(*(client(f"C{i}", balances={"casa": (i + 1) * BILLION}) for i in range(6)), client("C9"))
    ranking = rank_clients(book, Criteria(goals=("idle_cash",)), None, ["idle_cash"], True, {}, TODAY, 3)  # type: ignore[arg-type]
    assert [item["client_id"] for item in ranking.ranked] == ["C5", "C4", "C3"]
    assert [item["client_id"] for item in ranking.runners_up] == ["C2", "C1", "C0"]
    assert ranking.with_evidence == 6 and ranking.matching == 7


def test_the_offer_follows_the_clients_own_evidence() -> None:
    traveller = client(travel_spend_vnd=90_000_000, travel_payments=8, foreign_payments=5,
                       travel_merchants=["AGODA"], card_spend_vnd=95_000_000)  # fmt: skip
    offer = best_offer(traveller, [EVERYDAY, TRAVEL], TODAY)
    assert offer is not None and offer["product_code"] == "TRAVEL"
    assert best_offer(client(), [EVERYDAY, TRAVEL], TODAY) is None  # nothing fits: nothing is pushed
    holder = client(travel_payments=8, travel_spend_vnd=90_000_000, held_codes={"TRAVEL"})
    assert (best_offer(holder, [TRAVEL], TODAY) or {}).get("product_code") != "TRAVEL"


def test_signs_of_leaving_asked_together_are_alternatives() -> None:
    """ "Salary stopped or logins fell to zero": a client showing either one is listed, one with both first."""
    from tests.tools.signals.features_for_tests import weekly

    both = client("C1", income_count=4, last_income_on=days_ago(70), logins=weekly(5, 0))
    salary = client("C2", income_count=4, last_income_on=days_ago(70))
    logins = client("C3", logins=weekly(6, 0))
    quiet = client("C4", income_count=4, last_income_on=days_ago(5), logins=weekly(5, 5))
    criteria = Criteria(goals=("salary_stopped", "login_drop"))
    goals, named = goals_for(criteria, None)
    ranking = rank_clients(_book(both, salary, logins, quiet), criteria, None, goals, named, {}, TODAY, 5)  # type: ignore[arg-type]
    listed = [item["client_id"] for item in ranking.ranked]
    assert listed[0] == "C1" and set(listed) == {"C1", "C2", "C3"}


def test_a_reason_from_a_note_alone_also_says_where_the_client_stands() -> None:
    from tools.signals.ranking import reason_facts

    item = {"facts": [{"kind": "note", "goal": "home", "words": "mua nha", "date": "2026-05-01"}]}
    facts = reason_facts(item, client("C1", segment="Gold", balances={"casa": BILLION}), None, [])
    assert facts[-1]["kind"] == "profile" and facts[-1]["segment"] == "Gold"


def test_one_sign_is_no_attrition_risk_where_the_policy_asks_for_two() -> None:
    from tests.tools.signals.features_for_tests import weekly

    one_sign = client("C1", income_count=4, last_income_on=days_ago(70))
    two_signs = client("C2", income_count=4, last_income_on=days_ago(70), logins=weekly(5, 0))
    criteria = Criteria(goals=("attrition",))
    goals, named = goals_for(criteria, None)
    book = _book(one_sign, two_signs)
    lenient = rank_clients(book, criteria, None, goals, named, {}, TODAY, 5)  # type: ignore[arg-type]
    strict = rank_clients(book, criteria, None, goals, named, {}, TODAY, 5, min_signs=2)  # type: ignore[arg-type]
    assert {item["client_id"] for item in lenient.ranked} == {"C1", "C2"}
    assert [item["client_id"] for item in strict.ranked] == ["C2"]


def test_a_client_who_asked_about_the_product_comes_first_and_a_refusal_does_not_count() -> None:
    asked = (days_ago(20), "call", "Bảo hiểm nhân thọ", "Chị hỏi về bảo hiểm nhân thọ", "neutral", "INS_LIFE", None)
    refused = (days_ago(10), "call", "Bảo hiểm nhân thọ", "Khách từ chối", "negative", "INS_LIFE", None)
    life = ProductTerms(code="INS_LIFE", name="An Phúc", category="insurance")
    book = _book(
        client("C1", balances={"casa": 9 * BILLION}),  # rich, idle, but never asked
        client("C2", balances={"casa": 300_000_000}, notes=[asked]),
        client("C3", balances={"casa": 5 * BILLION}, notes=[refused]),
    )
    goals, named = goals_for(Criteria(), life)
    ranking = rank_clients(book, Criteria(), life, goals, named, {}, TODAY, 3)
    assert ranking.ranked[0]["client_id"] == "C2" and ranking.ranked[0]["facts"][0]["kind"] == "note"
    assert [item["client_id"] for item in ranking.ranked].index("C3") > 0


def test_an_occupation_the_request_names_is_a_filter() -> None:
    coder = client("C1", occupation="Kỹ sư phần mềm")
    teacher = client("C2", occupation="Giáo viên THPT")
    wanted = Criteria(occupations=("it",))
    assert passes(coder, wanted, TODAY) and not passes(teacher, wanted, TODAY)
    assert passes(teacher, Criteria(occupations=("teacher",)), TODAY)


def test_with_no_evidence_the_offer_is_the_product_made_for_clients_like_this_one() -> None:
    retiree = client("C1", age=68, segment="Gold", balances={"casa": 900_000_000})
    card = ProductTerms(code="CARD", name="Cashback card", category="card", target_segments=("Gold",), age_max=65)
    senior = ProductTerms(code="SAV55", name="Hưu An", category="savings", target_segments=("Gold",), age_min=55)
    anyone = ProductTerms(code="SAV", name="Online savings", category="savings", target_segments=("Gold",))
    assert best_offer(retiree, [card, anyone, senior], TODAY) is None  # no evidence: nothing is pushed on a list
    offer = fitting_product(retiree, [card, anyone, senior])
    assert offer is not None and offer["product_code"] == "SAV55" and offer["fit"] == 0.0  # the card is past her age
