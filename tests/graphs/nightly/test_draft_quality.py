"""Drafts an RM sends unchanged, over a whole night of the generated demo bank (every event kind, EN and VI,
phone clients, RM rules that repeat the voice's own phrases)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from graphs.context import NightlyContext
from graphs.nightly.graph import builder
from graphs.nightly.runner import run_night
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.demo_bank.generator import generate_demo_bank
from stores.drafts import Draft
from stores.schema import Client, Rm
from tools.signals.events import EVENT_KINDS
from tools.signals.thresholds import BIRTHDAY_WINDOW_DAYS, GROWTH_CATEGORIES
from tools.signals.urgency import URGENCY_RANK
from tools.voice.personalization import Personalization
from tools.voice.quality import repeated_sentences, states_time_since_contact

NIGHT = dt.date(2025, 10, 24)
#: Small enough to run in seconds, large enough to hold every event kind, both languages and phone clients.
CLIENTS = 200
_DAYS_COUNTED = re.compile(r"\b\d+\s+(days?|ngày)\b")


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """The night's drafts and each client's profile."""
    database = Database(f"sqlite:///{Path(tmp_path_factory.mktemp('demo')) / 'bank.db'}")
    generate_demo_bank(database, clients=CLIENTS, seed=7, today=NIGHT)
    with database.engine.connect() as connection:
        rm_ids = connection.execute(select(Rm.id)).scalars().all()
    for rm_id in rm_ids:  # a rule phrase the learned voice already says: it must not be said twice
        me = Personalization(database, rm_id)
        phrase = next((p for p in me.tone().voice("en").phrases if "{" not in p), None)
        if phrase:
            me.add_rule(f'always include "{phrase}"')
    with open_checkpointer(database) as checkpointer:
        context = NightlyContext(database_url=database.portable_url, model="none", today=NIGHT)
        run_night(builder.compile(checkpointer=checkpointer), context, NIGHT)
    with database.engine.connect() as connection:
        drafts = [dict(row._mapping) for row in connection.execute(select(Draft))]
        clients = {row.id: dict(row._mapping) for row in connection.execute(select(Client))}
    for draft in drafts:
        draft["facts"] = json.loads(draft["facts_json"])
    yield drafts, clients
    database.dispose()


def test_the_night_covers_every_kind_both_languages_and_phone_clients(night: Any) -> None:
    drafts, _ = night
    assert {draft["kind"] for draft in drafts} == set(EVENT_KINDS)
    assert {draft["language"] for draft in drafts} == {"en", "vi"}
    assert any(draft["client_channel"] == "phone" for draft in drafts)
    assert any(draft["client_channel"] != "phone" and draft["kind"] == "inactive" for draft in drafts)


def test_no_draft_states_how_long_since_the_last_contact(night: Any) -> None:
    drafts, _ = night
    for draft in drafts:
        assert not states_time_since_contact(draft["body"]), draft["body"]
        if draft["kind"] == "inactive":
            assert not _DAYS_COUNTED.search(draft["body"]), draft["body"]


def test_no_sentence_is_repeated_within_a_draft(night: Any) -> None:
    drafts, _ = night
    for draft in drafts:
        assert repeated_sentences(draft["body"]) == [], draft["body"]


def test_urgency_is_monotone_in_value_for_the_same_kind_and_days_left(night: Any) -> None:
    drafts, _ = night
    groups: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for draft in drafts:
        groups.setdefault((draft["kind"], draft["facts"].get("days_left")), []).append(draft)
    compared = 0
    for group in groups.values():
        for low, high in itertools.combinations(sorted(group, key=lambda d: d["value_vnd"]), 2):
            if low["value_vnd"] < high["value_vnd"]:
                compared += 1
                assert URGENCY_RANK[high["urgency"]] <= URGENCY_RANK[low["urgency"]], (low, high)
    assert compared
    small = [d for d in drafts if d["kind"] in ("cd_maturity", "loan_maturity") and d["value_vnd"] < 100_000_000]
    assert small and all(draft["urgency"] == "low" for draft in small)


def test_occasion_drafts_only_when_the_occasion_is_near(night: Any) -> None:
    drafts, _ = night
    for draft in (d for d in drafts if d["kind"] == "birthday"):
        assert 0 <= draft["facts"]["days_until"] <= BIRTHDAY_WINDOW_DAYS
        assert not _DAYS_COUNTED.search(draft["body"]) and "còn" not in draft["body"], draft["body"]


def test_phone_clients_get_talking_points_and_others_a_message(night: Any) -> None:
    drafts, _ = night
    for draft in drafts:
        head, *points = draft["body"].splitlines()
        if draft["client_channel"] == "phone":
            assert ("call" in head or "cuộc gọi" in head) and draft["subject"] is None, draft["body"]
            assert points and all(point.startswith("- ") for point in points), draft["body"]
        else:
            assert not any(line.startswith("- ") for line in points), draft["body"]


def test_a_large_deposit_suggests_a_product_the_policy_allows(night: Any) -> None:
    drafts, clients = night
    deposits = [draft for draft in drafts if draft["kind"] == "large_deposit"]
    assert deposits
    for draft in deposits:
        facts = draft["facts"]
        assert facts.get("suggested_product_name") and facts["suggested_product_name"] in draft["body"]
        assert "_" not in facts["suggested_product_name"] and facts["suggested_product_code"] not in draft["body"]
        if clients[draft["client_id"]]["risk_profile"] == "conservative":
            assert facts["suggested_product_category"] not in GROWTH_CATEGORIES
