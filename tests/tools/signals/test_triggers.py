"""Triggers per small-bank client, relative to the bank's today (2025-10-24), and their ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stores.db import Database
from tools.crm.api import CrmApi
from tools.signals.features import ClientFeatures
from tools.signals.triggers import (
    Trigger,
    detect_triggers,
    policy_idle_cash,
    policy_large_deposit,
    rank_triggers,
)

TODAY = dt.date(2025, 10, 24)


def _triggers(database: Database, client_id: str) -> list[Trigger]:
    crm = CrmApi(database, "RM001")
    return detect_triggers(crm.client_360(client_id, today=TODAY), TODAY, crm.products())


def features_client(**changes: Any) -> ClientFeatures:
    base: dict[str, Any] = {"client_id": "C9", "rm_id": "RM001", "full_name": "Test Client", "honorific": "Anh",
                            "segment": "Gold", "risk_profile": "balanced", "city": "", "age": 40, "born": None,
                            "occupation": "", "language": "vi", "preferred_channel": "zalo"}  # fmt: skip
    base.update(changes)
    return ClientFeatures(**base)


def _kinds(triggers: list[Trigger]) -> list[str]:
    return [trigger["kind"] for trigger in triggers]


def test_son_cd_maturity_leads_with_days_left_and_amount(bank_db: Database) -> None:
    triggers = _triggers(bank_db, "C0001")
    lead = triggers[0]
    assert lead["kind"] == "cd_maturity"
    assert lead["urgency"] == "high"
    assert lead["value_vnd"] == 1_500_000_000
    assert lead["facts"]["days_left"] == 12
    assert lead["facts"]["amount_vnd"] == 1_500_000_000
    assert lead["facts"]["maturity_on"] == "2025-11-05"
    # The home loan matures in March 2026: outside the 30-day window.
    assert "loan_maturity" not in _kinds(triggers)


def test_open_complaint_leads_for_oanh(bank_db: Database) -> None:
    triggers = _triggers(bank_db, "C0004")
    assert triggers[0]["kind"] == "complaint_followup"
    assert triggers[0]["facts"]["category"] == "card"
    assert triggers[0]["facts"]["days_open"] == 9
    # Her 800M CD matured in June (status matured): not a maturity trigger.
    assert "cd_maturity" not in _kinds(triggers)


def test_property_sale_inflow_and_idle_cash_for_ong_minh(bank_db: Database) -> None:
    triggers = _triggers(bank_db, "C0003")
    kinds = _kinds(triggers)
    assert kinds[0] == "large_deposit"
    assert triggers[0]["facts"]["amount_vnd"] == 1_200_000_000
    assert triggers[0]["facts"]["days_ago"] == 1
    assert "idle_cash" in kinds
    idle = next(t for t in triggers if t["kind"] == "idle_cash")
    assert idle["value_vnd"] == 2_600_000_000
    assert "inactive" in kinds  # last contact in May: 175 days


def test_birthday_today_for_anh_minh(bank_db: Database) -> None:
    triggers = _triggers(bank_db, "C0002")
    assert triggers[0]["kind"] == "birthday"
    assert triggers[0]["facts"]["days_until"] == 0
    assert triggers[0]["facts"]["age"] == 35


def _c360(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "profile": {"segment": "Gold", "date_of_birth": "1980-01-01", "onboarded_on": "2020-01-01"},
        "last_contacted_at": "2025-10-01T10:00:00+07:00",
        "days_since_contact": 23,
        "totals": {"aum_vnd": 0},
        "holdings": [],
        "recent_transactions": [],
        "complaints": [],
        "digital_activity": [],
    }
    base.update(overrides)
    return base


def test_birthday_window_is_seven_days() -> None:
    inside = _c360(profile={"date_of_birth": "1990-10-31", "onboarded_on": "2020-01-01"})
    outside = _c360(profile={"date_of_birth": "1990-11-01", "onboarded_on": "2020-01-01"})
    assert _kinds(detect_triggers(inside, TODAY)) == ["birthday"]
    assert detect_triggers(inside, TODAY)[0]["facts"]["days_until"] == 7
    assert detect_triggers(outside, TODAY) == []


@pytest.mark.parametrize(("days", "expected"), [(0, True), (30, True), (31, False), (-1, False)])
def test_maturity_window_is_thirty_days(days: int, expected: bool) -> None:
    loan = {"id": "A1", "kind": "loan", "status": "active", "balance_vnd": 3_000_000_000, "product_code": "HOME_LOAN",
            "maturity_on": (TODAY + dt.timedelta(days=days)).isoformat()}  # fmt: skip
    kinds = _kinds(detect_triggers(_c360(holdings=[loan]), TODAY))
    assert ("loan_maturity" in kinds) is expected


def test_attrition_comes_from_the_engine_with_its_signs_and_a_deposit_to_stay() -> None:
    leaving = features_client(balances={"casa": 1_000_000_000}, external_out_30_vnd=2_000_000_000,
                              last_external_on=dt.date(2025, 10, 20), segment="Gold")  # fmt: skip
    cd = {"code": "CD_12M", "name": "12-month CD", "category": "cd", "rate_pct": 5.6, "target_segments": ""}
    triggers = detect_triggers(_c360(), TODAY, [cd], features=leaving)
    assert triggers[0]["kind"] == "attrition_risk" and triggers[0]["urgency"] == "high"
    facts = triggers[0]["facts"]
    assert facts["signs"][0]["kind"] == "money_out" and facts["amount_vnd"] == 2_000_000_000
    assert (facts["offer_name"], facts["offer_rate_pct"]) == ("12-month CD", 5.6)


def test_a_deposit_matured_last_week_and_not_renewed_is_a_renewal_to_offer() -> None:
    matured = features_client(matured=[("cd", "CD_12M", 1_200_000_000, dt.date(2025, 10, 19))],
                              balances={"casa": 1_300_000_000})  # fmt: skip
    triggers = detect_triggers(_c360(), TODAY, features=matured)
    assert triggers[0]["kind"] == "cd_maturity" and triggers[0]["facts"]["matured"]
    assert triggers[0]["facts"]["amount_vnd"] == 1_200_000_000 and triggers[0]["facts"]["days_left"] == -5
    gone = features_client(matured=[("cd", "CD_12M", 1_200_000_000, dt.date(2025, 10, 19))],
                           external_out_30_vnd=1_200_000_000, balances={"casa": 100_000_000})  # fmt: skip
    assert "cd_maturity" not in _kinds(detect_triggers(_c360(), TODAY, features=gone))


def test_a_large_deposit_stays_a_reason_for_two_weeks_not_an_own_transfer() -> None:
    nine_days = features_client(inflows=[(6_200_000_000, "property_sale", dt.date(2025, 10, 15))])
    assert _kinds(detect_triggers(_c360(), TODAY, features=nine_days))[0] == "large_deposit"
    assert "large_deposit" not in _kinds(detect_triggers(_c360(), TODAY, features=features_client()))


def test_a_fresh_lead_with_a_task_due_outranks_routine_reasons() -> None:
    note = (dt.date(2025, 10, 23), "meeting", "Home loan", "Interested in a 3 billion home loan for a flat",
            "positive", "HOME_LOAN", 3_000_000_000)  # fmt: skip
    lead = features_client(notes=[note], open_tasks=[("Send the loan checklist", "send_document",
                                                      dt.date(2025, 10, 25))], balances={"casa": 900_000_000})  # fmt: skip
    old = {"kind": "casa", "status": "active", "balance_vnd": 900_000_000}
    triggers = detect_triggers(_c360(holdings=[old], last_contacted_at="2025-10-23T10:00:00+07:00",
                                     days_since_contact=1), TODAY, features=lead)  # fmt: skip
    assert triggers[0]["kind"] == "cross_sell" and triggers[0]["urgency"] == "high"
    assert triggers[0]["facts"]["lead"] and triggers[0]["facts"]["amount_vnd"] == 3_000_000_000
    assert triggers[0]["facts"]["tasks"][0]["title"] == "Send the loan checklist"


def test_idle_cash_needs_little_outflow() -> None:
    casa = {"kind": "casa", "status": "active", "balance_vnd": 2_500_000_000}
    spend = {"direction": "out", "amount_vnd": 600_000_000, "category": "shopping",
             "posted_at": "2025-10-10T10:00:00+07:00"}  # fmt: skip
    assert "idle_cash" in _kinds(detect_triggers(_c360(holdings=[casa]), TODAY))
    assert "idle_cash" not in _kinds(detect_triggers(_c360(holdings=[casa], recent_transactions=[spend]), TODAY))


def test_ranking_puts_an_open_complaint_first_then_urgency_then_value() -> None:
    triggers: list[Trigger] = [
        Trigger(kind="cross_sell", urgency="low", value_vnd=9_000_000_000, facts={}),
        Trigger(kind="idle_cash", urgency="medium", value_vnd=3_000_000_000, facts={}),
        Trigger(kind="cd_maturity", urgency="high", value_vnd=1_000_000_000, facts={}),
        Trigger(kind="large_deposit", urgency="high", value_vnd=2_000_000_000, facts={}),
        Trigger(kind="complaint_followup", urgency="high", value_vnd=0, facts={}),
    ]
    assert _kinds(rank_triggers(triggers)) == [
        "complaint_followup", "large_deposit", "cd_maturity", "idle_cash", "cross_sell"
    ]  # fmt: skip


def test_a_deadline_beats_a_bigger_idle_balance() -> None:
    today = dt.date(2025, 11, 13)
    view = {
        "profile": {"id": "X1", "segment": "Gold", "date_of_birth": "1980-01-01", "onboarded_on": "2020-01-01"},
        "holdings": [
            {"id": "A1", "kind": "casa", "status": "active", "balance_vnd": 2_300_000_000, "product_code": "CASA_STD",
             "opened_on": "2020-01-01", "maturity_on": None},
            {"id": "A2", "kind": "cd", "status": "active", "balance_vnd": 900_000_000, "product_code": "CD_12M",
             "opened_on": "2024-12-01", "maturity_on": "2025-12-01"},
        ],
        "recent_transactions": [], "interactions": [{"occurred_at": "2025-11-01T10:00:00+07:00"}], "open_tasks": [],
        "complaints": [], "household": [], "digital_activity": [], "inbound_messages": [],
        "totals": {}, "last_contacted_at": "2025-11-01T10:00:00+07:00", "days_since_contact": 12,
    }  # fmt: skip
    ranked = detect_triggers(view, today, [])
    assert [trigger["kind"] for trigger in ranked][:2] == ["cd_maturity", "idle_cash"]


def test_a_suggestion_never_outranks_an_event_of_the_same_urgency() -> None:
    idle: Trigger = {"kind": "idle_cash", "urgency": "low", "value_vnd": 2_000_000_000, "facts": {}}
    offer: Trigger = {"kind": "cross_sell", "urgency": "low", "value_vnd": 9_000_000_000, "facts": {}}
    assert [t["kind"] for t in rank_triggers([offer, idle])] == ["idle_cash", "cross_sell"]


def test_idle_cash_is_current_account_money_that_waits_before_an_offer_or_a_silence() -> None:
    offer = {"product_code": "SME_LOAN", "product_name": "SME Expansion Loan", "fit": 0.9, "value_vnd": 3_000_000_000}
    settled = features_client(balances={"casa": 1_800_000_000}, last_contact_on=dt.date(2025, 6, 1))
    view = _c360(holdings=[{"kind": "casa", "status": "active", "balance_vnd": 1_800_000_000}], days_since_contact=145)
    triggers = detect_triggers(view, TODAY, features=settled, offer=offer)
    idle = triggers[0]
    assert idle["kind"] == "idle_cash" and idle["facts"]["amount_vnd"] == 1_800_000_000
    assert _kinds(triggers).index("idle_cash") < _kinds(triggers).index("inactive")
    assert _kinds(triggers).index("idle_cash") < _kinds(triggers).index("cross_sell")
    # Savings already earn: idle cash is the current account's, unless the bank's policy counts savings too.
    saver = features_client(balances={"casa": 100_000_000, "savings": 3_000_000_000})
    casa = [{"kind": "policy", "body": "7. idle_cash — số dư tài khoản thanh toán từ 500 triệu: tư vấn gửi tiết kiệm."}]
    both = [{"kind": "policy", "body": "- Idle cash: current and savings balances of VND 500 million or more."}]
    assert "idle_cash" not in _kinds(detect_triggers(_c360(), TODAY, features=saver))
    assert "idle_cash" not in _kinds(detect_triggers(_c360(), TODAY, features=saver, documents=casa))
    assert "idle_cash" in _kinds(detect_triggers(_c360(), TODAY, features=saver, documents=both))
    assert policy_idle_cash(casa) == (500_000_000, True) and policy_idle_cash(both) == (500_000_000, False)


def test_the_banks_own_bar_for_a_large_deposit_is_read_from_its_policy() -> None:
    policy = [{"kind": "policy", "body": "5. **large_deposit** - a single incoming credit of VND 500 million or more "
                                         "in the last 7 days: thank and advise."}]  # fmt: skip
    assert policy_large_deposit(policy) == (500_000_000, 7)
    assert policy_large_deposit([]) == (1_000_000_000, 14)
    arrived = features_client(inflows=[(850_000_000, "business_income", dt.date(2025, 10, 20))])
    assert _kinds(detect_triggers(_c360(), TODAY, features=arrived, documents=policy))[0] == "large_deposit"
    assert "large_deposit" not in _kinds(detect_triggers(_c360(), TODAY, features=arrived))


def test_what_a_policy_counts_as_idle_cash_comes_before_its_advice() -> None:
    def bar(body: str) -> tuple[int, bool]:
        return policy_idle_cash([{"kind": "policy", "body": body}])

    assert bar("7. idle_cash — at least 500 million VND has stayed in CASA for 90 days") == (500_000_000, True)
    assert bar("- **Tiền nhàn rỗi**: số dư tài khoản thanh toán (CASA) từ 1 tỷ trở lên") == (1_000_000_000, True)
    assert bar("- Idle cash: current and savings balances of VND 800 million or more") == (800_000_000, False)
