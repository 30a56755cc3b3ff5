"""The demo bank: deterministic, loadable, bilingual, with every signal the use cases look for."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import func, select

from stores.db import Database
from stores.demo_bank import (
    MAX_CLIENTS,
    MIN_CLIENTS,
    build_demo_bank,
    demo_bank_fixture,
    generate_demo_bank,
)
from stores.fixtures import StoreNotEmptyError, load_fixture, parse_fixture, reference_date
from stores.schema import CRM_TABLES, crm_table

TODAY = dt.date(2025, 10, 24)
SEED = 7
CLIENTS = 200
Rows = dict[str, list[dict[str, Any]]]

VALID_PREFIXES = {
    "032", "033", "034", "035", "036", "037", "038", "039", "056", "058", "059", "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "092", "093", "094", "096", "097", "098",
    "099",
}  # fmt: skip


@pytest.fixture(scope="module")
def fixture_json() -> dict[str, Any]:
    return demo_bank_fixture(clients=CLIENTS, seed=SEED, today=TODAY)


@pytest.fixture(scope="module")
def rows(fixture_json: dict[str, Any]) -> Rows:
    """The typed rows, through the loader's own validator."""
    return parse_fixture(fixture_json).rows


def _collect(clients: int, seed: int = SEED, today: dt.date = TODAY) -> Rows:
    collected: Rows = collections.defaultdict(list)
    for name, chunk in build_demo_bank(clients=clients, seed=seed, today=today):
        collected[name].extend(chunk)
    return dict(collected)


def _db_counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(crm_table(name))).scalar_one()
            for name in CRM_TABLES
        }


# --- the signals, computed from the data the way a use case would -----------------------------------------------


def _signals(rows: Rows, today: dt.date) -> dict[str, set[str]]:
    """Client ids showing each planted signal."""
    window = today + dt.timedelta(days=30)
    found: dict[str, set[str]] = collections.defaultdict(set)
    cash: collections.Counter[str] = collections.Counter()
    for account in rows["accounts"]:
        if account["status"] != "active":
            continue
        if account["kind"] in ("casa", "savings"):
            cash[account["client_id"]] += account["balance_vnd"]
        if account["kind"] in ("cd", "loan") and today <= account["maturity_on"] <= window:
            found[f"{account['kind']}_maturity"].add(account["client_id"])

    out_90: collections.Counter[str] = collections.Counter()
    moved_30: collections.Counter[str] = collections.Counter()
    for tx in rows["transactions"]:
        day = tx["posted_at"].date()
        assert day <= today
        if tx["direction"] == "in" and tx["amount_vnd"] >= 1_000_000_000 and today - dt.timedelta(days=7) < day:
            found["large_inflow"].add(tx["client_id"])
        if tx["direction"] == "out" and day > today - dt.timedelta(days=90):
            out_90[tx["client_id"]] += tx["amount_vnd"]
            if tx["category"] == "transfer_external" and day > today - dt.timedelta(days=30):
                moved_30[tx["client_id"]] += tx["amount_vnd"]
    for client_id, balance in cash.items():
        if balance >= 2_000_000_000 and out_90[client_id] == 0:
            found["idle_cash"].add(client_id)

    logins: dict[str, dict[dt.date, int]] = collections.defaultdict(dict)
    for week in rows["digital_activity"]:
        logins[week["client_id"]][week["week_start"]] = week["logins"]
    this_monday = today - dt.timedelta(days=today.weekday())
    for client_id, moved in moved_30.items():
        weeks = logins.get(client_id, {})
        recent = sum(weeks.get(this_monday - dt.timedelta(days=7 * k), 0) for k in (0, 1))
        earlier = sum(weeks.get(this_monday - dt.timedelta(days=7 * k), 0) for k in (5, 6))
        if moved >= 0.4 * (cash[client_id] + moved) and recent < earlier:
            found["attrition"].add(client_id)

    last_contact: dict[str, dt.datetime] = {}
    for interaction in rows["interactions"]:
        client_id = interaction["client_id"]
        last_contact[client_id] = max(
            last_contact.get(client_id, interaction["occurred_at"]), interaction["occurred_at"]
        )
    for client in rows["clients"]:
        last = last_contact.get(client["id"])
        if last is None or last.date() < today - dt.timedelta(days=90):
            found["inactive"].add(client["id"])
        born = client["date_of_birth"]
        if (born.month, born.day) == (today.month, today.day):
            found["birthday_today"].add(client["id"])
        upcoming = [today + dt.timedelta(days=d) for d in range(1, 8)]
        if any((born.month, born.day) == (day.month, day.day) for day in upcoming):
            found["birthday_soon"].add(client["id"])
    found["open_complaint"] = {c["client_id"] for c in rows["complaints"] if c["status"] == "open"}
    return found


SIGNAL_NAMES = (
    "cd_maturity",
    "loan_maturity",
    "large_inflow",
    "idle_cash",
    "attrition",
    "inactive",
    "birthday_today",
    "birthday_soon",
    "open_complaint",
)


def _assert_signals_everywhere(rows: Rows, today: dt.date) -> dict[str, set[str]]:
    signals = _signals(rows, today)
    rm_of = {client["id"]: client["rm_id"] for client in rows["clients"]}
    for name in SIGNAL_NAMES:
        per_rm = collections.Counter(rm_of[client_id] for client_id in signals[name])
        missing = [rm["id"] for rm in rows["rms"] if per_rm[rm["id"]] == 0]
        assert not missing, f"no {name} client for {missing}"
    return signals


# --- determinism and the loader -----------------------------------------------------------------------------------


def test_same_arguments_give_a_byte_identical_bank(fixture_json: dict[str, Any]) -> None:
    again = demo_bank_fixture(clients=CLIENTS, seed=SEED, today=TODAY)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(fixture_json, ensure_ascii=False)


def test_another_seed_or_day_gives_another_bank(fixture_json: dict[str, Any]) -> None:
    other_seed = demo_bank_fixture(clients=CLIENTS, seed=SEED + 1, today=TODAY)
    assert other_seed["clients"] != fixture_json["clients"]
    assert other_seed["sent_messages"] != fixture_json["sent_messages"]
    other_day = demo_bank_fixture(clients=CLIENTS, seed=SEED, today=TODAY + dt.timedelta(days=1))
    assert other_day["transactions"] != fixture_json["transactions"]


def test_streamed_rows_are_typed_exactly_like_the_loader_makes_them(rows: Rows) -> None:
    streamed = _collect(CLIENTS)
    order = [name for name, _ in build_demo_bank(clients=CLIENTS, seed=SEED, today=TODAY)]
    # FK-safe: a table never appears after a table that comes later in CRM_TABLES within the same chunk.
    assert order[:3] == ["rms", "products", "documents"] and order[-1] == "targets"
    assert set(streamed) == set(CRM_TABLES)
    for name in CRM_TABLES:
        assert streamed[name] == rows[name], name
        assert all(set(row) == {column.name for column in crm_table(name).columns} for row in streamed[name])
    for tx in streamed["transactions"][:50]:
        assert tx["posted_at"].tzinfo is not None
        assert tx["posted_at"].utcoffset() == dt.timedelta(hours=7)
    assert all(type(c["date_of_birth"]) is dt.date for c in streamed["clients"])
    assert all(isinstance(a["balance_vnd"], int) for a in streamed["accounts"])


def test_fixture_loads_exactly_its_rows(sqlite_db: Database, fixture_json: dict[str, Any]) -> None:
    fixture = load_fixture(sqlite_db, fixture_json)
    counts = _db_counts(sqlite_db)
    assert counts == {name: len(fixture_json[name]) for name in CRM_TABLES} == fixture.counts()
    assert all(counts[name] > 0 for name in CRM_TABLES), counts
    with sqlite_db.engine.connect() as connection:
        assert reference_date(connection) == TODAY


# --- content -----------------------------------------------------------------------------------------------------


def test_planted_signals_are_present_for_every_rm(rows: Rows) -> None:
    signals = _assert_signals_everywhere(rows, TODAY)
    assert len(signals["inactive"]) < 0.2 * CLIENTS  # a signal, not the norm
    assert len(signals["idle_cash"]) < 0.2 * CLIENTS


def test_same_name_pair_under_one_rm(rows: Rows) -> None:
    by_name: dict[tuple[str, str], list[dict[str, Any]]] = collections.defaultdict(list)
    for client in rows["clients"]:
        by_name[(client["rm_id"], client["full_name"])].append(client)
    pairs = [group for group in by_name.values() if len(group) >= 2]
    assert pairs
    assert any(
        len({c["phone"] for c in group}) == len(group) and len({c["date_of_birth"].year for c in group}) == len(group)
        for group in pairs
    )
    assert any(group[0]["rm_id"] == "RM001" for group in pairs)


def test_clients_are_vietnamese_and_bilingual(rows: Rows) -> None:
    clients = rows["clients"]
    assert [c["id"] for c in clients] == [f"C{n:06d}" for n in range(1, CLIENTS + 1)]
    english = [c for c in clients if c["language"] == "en"]
    assert 0.08 * CLIENTS <= len(english) <= 0.3 * CLIENTS
    assert {c["honorific"] for c in english} <= {"Mr", "Ms", "Mrs"}
    for client in clients:
        assert client["phone"][:3] in VALID_PREFIXES and re.fullmatch(r"0\d{9}", client["phone"])
        assert len(client["full_name"].split(" ")) == 3
        if client["language"] == "vi":
            age = (TODAY - client["date_of_birth"]).days // 365
            assert client["honorific"] in (("Ông", "Bà") if age >= 50 else ("Anh", "Chị")), client
    assert len({c["phone"] for c in clients}) == CLIENTS
    assert any(re.search("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", c["full_name"]) for c in clients)
    segments = collections.Counter(c["segment"] for c in clients)
    assert segments["Standard"] > segments["Gold"] > segments["Platinum"] >= segments["Diamond"] > 0
    assert {c["preferred_channel"] for c in clients} == {"email", "zalo", "whatsapp", "phone"}
    assert all(c["email"] for c in clients if c["preferred_channel"] == "email")


def test_households_link_both_ways(rows: Rows) -> None:
    links = {(r["client_id"], r["related_client_id"]): r["relation"] for r in rows["relationships"]}
    inverse = {"spouse": "spouse", "parent": "child", "child": "parent", "sibling": "sibling"}
    assert links and {"spouse", "parent", "child"} <= set(links.values())
    born = {c["id"]: c["date_of_birth"] for c in rows["clients"]}
    for (client_id, related_id), relation in links.items():
        assert links[(related_id, client_id)] == inverse[relation]
        if relation == "parent":
            assert born[client_id] < born[related_id]


def test_catalog_sheets_and_policies(rows: Rows) -> None:
    products = {p["code"]: p for p in rows["products"]}
    assert 12 <= len(products) <= 20
    assert {p["category"] for p in products.values()} == {
        "casa", "savings", "cd", "loan", "card", "investment", "insurance"
    }  # fmt: skip
    assert products["PREMIER_INVEST"]["name"] == "Premier Invest"
    assert any(not p["active"] for p in products.values())
    sheets = {d["product_code"]: d for d in rows["documents"] if d["kind"] == "product"}
    assert set(sheets) == set(products)
    assert "## Eligibility" in sheets["CD_12M"]["body"] and "## Lãi suất" in sheets["CD_12M"]["body"]
    policies = " ".join(d["body"] for d in rows["documents"] if d["kind"] == "policy").lower()
    for phrase in ("conservative clients must never be offered", "guaranteed", "risk disclaimer", "pressure tactics"):
        assert phrase in policies, phrase
    assert "open complaint" in policies and "personal data" in policies


def test_accounts_and_transactions_are_consistent(rows: Rows) -> None:
    accounts = {a["id"]: a for a in rows["accounts"]}
    kinds = collections.Counter(a["kind"] for a in accounts.values())
    assert set(kinds) == {"casa", "savings", "cd", "loan", "card", "investment"}
    assert {a["status"] for a in accounts.values()} == {"active", "matured", "closed"}
    casa_holders = {a["client_id"] for a in accounts.values() if a["kind"] == "casa"}
    assert len(casa_holders) == CLIENTS
    for account in accounts.values():
        if account["kind"] in ("cd", "loan"):
            assert account["maturity_on"] > account["opened_on"]
        if account["kind"] == "loan" and account["status"] == "active":
            assert account["balance_vnd"] > 0
    categories = collections.Counter(tx["category"] for tx in rows["transactions"])
    for category in ("salary", "property_sale", "transfer_external", "shopping", "travel", "healthcare", "bills"):
        assert categories[category] > 0, category
    for tx in rows["transactions"]:
        assert accounts[tx["account_id"]]["client_id"] == tx["client_id"]
        assert tx["posted_at"].date() > TODAY - dt.timedelta(days=200)
    per_client = len(rows["transactions"]) / CLIENTS
    assert 5 <= per_client <= 15


def test_interactions_tasks_inbox_and_targets(rows: Rows) -> None:
    rm_of = {c["id"]: c["rm_id"] for c in rows["clients"]}
    assert all(i["rm_id"] == rm_of[i["client_id"]] for i in rows["interactions"])
    assert {i["source"] for i in rows["interactions"]} == {"manual", "agent"}
    assert any(i["source_text"] and i["amount_vnd"] and i["product_code"] for i in rows["interactions"])
    tasks = rows["tasks"]
    assert {t["status"] for t in tasks} >= {"open", "done"}
    assert any(t["status"] == "open" and abs((t["due_on"] - TODAY).days) <= 7 for t in tasks)
    assert all(t["completed_at"] is not None for t in tasks if t["status"] == "done")
    recurring = [t for t in tasks if t["recurrence"]]
    assert recurring and all(t["until_condition"] for t in recurring)
    for task in recurring:
        rrulestr(task["recurrence"], dtstart=dt.datetime(2025, 1, 6))
    inbox = rows["inbound_messages"]
    assert {m["status"] for m in inbox} == {"unread", "read", "replied"}
    assert all(m["subject"] for m in inbox if m["channel"] == "email")
    assert {rm_of[m["client_id"]] for m in inbox} == {rm["id"] for rm in rows["rms"]}
    periods = {(t["rm_id"], t["period"], t["metric"]) for t in rows["targets"]}
    for rm in rows["rms"]:
        for period in ("2025-Q4", "2025-10"):
            for metric in ("aum", "new_loans", "new_deposits", "client_contacts"):
                assert (rm["id"], period, metric) in periods
    weeks = rows["digital_activity"]
    assert all(w["week_start"].weekday() == 0 and w["week_start"] <= TODAY for w in weeks)


def _voice(message: dict[str, Any], client: dict[str, Any]) -> tuple[str, str]:
    """(salutation pattern, sign-off) of a sent message, with the client's name taken out."""
    lines = message["body"].split("\n")
    family, given = client["full_name"].split(" ")[0], client["full_name"].split(" ")[-1]
    salutation = re.sub(rf"\b{re.escape(given)}\b", "{given}", lines[0])
    salutation = re.sub(rf"\b{re.escape(family)}\b", "{family}", salutation)
    salutation = re.sub(r"\b(Mrs\.|Mr\.|Ms\.)", "{title}", salutation)
    salutation = re.sub(r"\b(anh|chị|ông|bà|Anh|Chị|Ông|Bà)\b", "{hon}", salutation)
    signoff = message["body"].split("\n\n")[-1].split("\n")[0]
    return salutation, signoff


def test_each_rm_writes_in_one_recognisable_voice(rows: Rows) -> None:
    clients = {c["id"]: c for c in rows["clients"]}
    voices: dict[str, dict[str, set[tuple[str, str]]]] = collections.defaultdict(lambda: collections.defaultdict(set))
    counts = collections.Counter(m["rm_id"] for m in rows["sent_messages"])
    for message in rows["sent_messages"]:
        client = clients[message["client_id"]]
        assert client["rm_id"] == message["rm_id"]
        salutation, signoff = _voice(message, client)
        assert signoff.isascii() == (client["language"] == "en"), message["body"]
        voices[message["rm_id"]][client["language"]].add((salutation, signoff))
        assert bool(message["subject"]) == (message["channel"] == "email")
        assert message["sent_at"].date() < TODAY
    for rm in rows["rms"]:
        assert 10 <= counts[rm["id"]] <= 40
        assert set(voices[rm["id"]]) == {"vi", "en"}, rm["id"]
        for language, seen in voices[rm["id"]].items():
            assert len(seen) == 1, (rm["id"], language, seen)
    for language in ("vi", "en"):
        styles = [next(iter(voices[rm["id"]][language])) for rm in rows["rms"]]
        assert len({s[0] for s in styles}) == len(styles), styles
        assert len({s[1] for s in styles}) == len(styles), styles


def test_larger_bank_keeps_signals_for_every_rm_and_unique_phones() -> None:
    rows = _collect(4_500, seed=11, today=dt.date(2026, 1, 2))
    assert len(rows["rms"]) == 11
    _assert_signals_everywhere(rows, dt.date(2026, 1, 2))
    assert len({c["phone"] for c in rows["clients"]}) == 4_500
    assert len({m["rm_id"] for m in rows["sent_messages"]}) == 11


def test_leap_day_birthdays() -> None:
    leap_day = dt.date(2024, 2, 29)
    rows = parse_fixture(demo_bank_fixture(clients=CLIENTS, seed=3, today=leap_day)).rows
    signals = _assert_signals_everywhere(rows, leap_day)
    assert signals["birthday_today"]


# --- writing into a store ------------------------------------------------------------------------------------------


def test_generate_writes_the_same_bank_as_the_fixture(any_db: Database, fixture_json: dict[str, Any]) -> None:
    summary = generate_demo_bank(any_db, clients=CLIENTS, seed=SEED, today=TODAY)
    assert (summary.seed, summary.today) == (SEED, TODAY)
    assert summary.counts == {name: len(fixture_json[name]) for name in CRM_TABLES} == _db_counts(any_db)
    with any_db.engine.connect() as connection:
        assert reference_date(connection) == TODAY
        clients = crm_table("clients")
        row = connection.execute(select(clients).where(clients.c.id == "C000001")).mappings().one()
    expected = parse_fixture(fixture_json).rows["clients"][0]
    assert dict(row) == expected


def test_generate_refuses_bank_data_unless_replace(any_db: Database) -> None:
    first = generate_demo_bank(any_db, clients=CLIENTS, seed=SEED, today=TODAY)
    with pytest.raises(StoreNotEmptyError):
        generate_demo_bank(any_db, clients=CLIENTS, seed=SEED + 1, today=TODAY)
    assert _db_counts(any_db) == first.counts
    second = generate_demo_bank(any_db, clients=250, seed=SEED + 1, today=TODAY, replace=True)
    assert _db_counts(any_db) == second.counts
    assert second.counts["clients"] == 250


@pytest.mark.parametrize("clients", [0, MIN_CLIENTS - 1, MAX_CLIENTS + 1, -5, True, 500.0, "500"])
def test_out_of_range_sizes_are_refused(clients: Any, sqlite_db: Database) -> None:
    with pytest.raises(ValueError, match="clients"):
        build_demo_bank(clients=clients, seed=SEED, today=TODAY)  # checked before the first row
    with pytest.raises(ValueError, match="clients"):
        demo_bank_fixture(clients=clients, seed=SEED, today=TODAY)
    with pytest.raises(ValueError, match="clients"):
        generate_demo_bank(sqlite_db, clients=clients, seed=SEED, today=TODAY)
    assert sqlite_db.is_empty()


def test_progress_bar_goes_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in build_demo_bank(clients=CLIENTS, seed=SEED, today=TODAY, progress=True):
        pass
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "200/200" in captured.err


def test_planted_signals_are_signals_by_the_banks_own_rules() -> None:
    """The demo bank (a layer below tools/) plants idle cash and inflows inside what the rules call so."""
    from stores.demo_bank import generator
    from tools.signals.thresholds import IDLE_CASH_MIN_VND, LARGE_DEPOSIT_MIN_VND

    assert generator.PLANTED_IDLE_CASH_VND[0] > IDLE_CASH_MIN_VND
    assert generator.PLANTED_INFLOW_VND[0] > LARGE_DEPOSIT_MIN_VND
