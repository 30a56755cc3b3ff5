"""Prioritization's engine on plain data: the goal's signals, the ideal client, the re-rank."""

from __future__ import annotations

from tools.policy.eligibility import ClientStanding
from tools.products.catalog import ProductTerms
from tools.signals.ranking import (
    GOAL_BOOST,
    IdealClient,
    business_score,
    checked_model_ideal,
    goal_signals,
    profile_text,
    rank_candidates,
    rules_ideal,
)

FUND = ProductTerms("BOND_FUND", "Bond Fund", "investment", 1_000_000_000, ("Diamond",), "A bond fund.")


def _standing(client_id: str, **changes: object) -> ClientStanding:
    values: dict[str, object] = {"client_id": client_id, "segment": "Diamond", "risk_profile": "balanced",
                                 "balances": {"casa": 3_000_000_000}}  # fmt: skip
    values.update(changes)
    return ClientStanding(**values)  # type: ignore[arg-type]


def test_the_requests_words_decide_the_signals_else_the_products_category() -> None:
    assert goal_signals("khách hàng nào có tiền nhàn rỗi?", FUND) == ["idle_cash"]
    assert goal_signals("top clients for the Bond Fund", FUND) == ["idle_cash", "large_inflow", "cd_maturing"]


def test_the_model_stays_within_the_products_terms() -> None:
    chosen = IdealClient(segments=["Gold", "Diamond"], risk_profiles=["conservative", "growth"], signals=["birthday"])
    checked = checked_model_ideal(chosen, FUND, "who has idle cash?")
    assert checked.segments == ["Diamond"] and checked.risk_profiles == ["growth"]
    assert checked.signals == ["idle_cash", "birthday"]
    assert "Diamond segment." in profile_text(FUND, rules_ideal(FUND, ["idle_cash"]))


def test_rules_exclude_with_their_reason_and_signals_raise_the_score() -> None:
    standings = {"A": _standing("A"), "B": _standing("B", risk_profile="conservative"), "C": _standing("C")}
    candidates = [{"client_id": "A", "score": 0.5}, {"client_id": "B", "score": 0.9}, {"client_id": "C", "score": 0.6}]
    ranked, excluded = rank_candidates(candidates, standings, {}, FUND, ["idle_cash"], top_n=3)
    assert [item["client_id"] for item in ranked] == ["C", "A"]
    assert [(item["client_id"], item["rule"]) for item in excluded] == [("B", "suitability")]
    assert business_score(0.5, {"idle_cash"}, ["idle_cash"], standings["A"], FUND) == round(0.5 + GOAL_BOOST, 4)
