"""The trust layer (``tools.policy.trust``): a model outside the bank sees placeholders, the bank sees real values,
every call is audited — checked on the masked model itself and with a recording stand-in for every room."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel
from sqlalchemy import insert

from graphs.context import AgentContext, NightlyContext
from graphs.copilot.graph import builder as copilot_builder
from graphs.nightly.graph import builder as nightly_builder
from graphs.nightly.runner import run_night
from graphs.performance.graph import builder as performance_builder
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.schema import Client
from tests.fakes import ScriptedChatModel
from tools.core.llm.models import structured_call, text_call, use_chat_model
from tools.policy.trust import MaskedChatModel, audit_rows, bank_people, masked

STAND_IN = "openai:stand-in"
TODAY = dt.date(2025, 10, 24)


class Reply(BaseModel):
    client_name: str
    note: str


def _masked(model: ScriptedChatModel, database: Database) -> MaskedChatModel:
    return masked(model, database, rm_id="RM001", label=STAND_IN)


def test_a_text_call_sees_placeholders_and_the_answer_gets_the_real_values(bank_db: Database) -> None:
    outside = ScriptedChatModel(script=["Dear [PERSON_1], we will call [PHONE_1] tomorrow."])
    outcome = text_call(
        _masked(outside, bank_db),
        [HumanMessage(content="Write to Pham Van Son, 0823912039, about his CD.")],
        fallback=lambda: "",
        task="drafting.body",
    )
    (prompt,) = outside.prompt_texts()
    assert prompt == "human: Write to [PERSON_1], [PHONE_1], about his CD."
    assert outcome.value == "Dear Pham Van Son, we will call 0823912039 tomorrow."
    (row,) = audit_rows(bank_db)
    assert (row["rm_id"], row["task"], row["model"], row["outcome"]) == ("RM001", "drafting.body", STAND_IN, "ok")
    assert row["masked_values"] == 2 and re.fullmatch(r"[0-9a-f]{64}", row["prompt_sha256"])


def test_a_structured_answer_is_restored_field_by_field(bank_db: Database) -> None:
    outside = ScriptedChatModel(script=[{"client_name": "[PERSON_1]", "note": "call [PHONE_1]"}])
    outcome = structured_call(
        _masked(outside, bank_db),
        Reply,
        [HumanMessage(content="Met chị Tran Thi Dung 0945678901 today")],
        fallback=lambda: Reply(client_name="", note=""),
        task="notes",
    )
    assert outcome.from_model
    assert outcome.value == Reply(client_name="Tran Thi Dung", note="call 0945678901")
    assert "Tran Thi Dung" not in outside.prompt_texts()[0]


def test_a_failed_call_is_audited_and_the_caller_falls_back(bank_db: Database) -> None:
    outside = ScriptedChatModel(script=[TimeoutError("the server took too long")])
    outcome = text_call(_masked(outside, bank_db), "hello", fallback=lambda: "rules", task="t")
    assert outcome.value == "rules"
    assert audit_rows(bank_db)[0]["outcome"] == "TimeoutError"


def test_tool_call_arguments_are_restored(bank_db: Database) -> None:
    call = {"name": "log", "args": {"who": "[PERSON_1]"}, "id": "c1"}
    outside = ScriptedChatModel(script=[AIMessage(content="", tool_calls=[call])])
    answer = _masked(outside, bank_db).invoke("log a call with Pham Van Son")
    assert answer.tool_calls[0]["args"] == {"who": "Pham Van Son"}


def test_the_names_are_read_again_when_a_client_joins(bank_db: Database) -> None:
    assert "quyen" not in bank_people(bank_db).words
    with bank_db.engine.begin() as connection:
        connection.execute(
            insert(Client).values(
                id="C9999", rm_id="RM001", full_name="Hoàng Thị Quyên", honorific="Ms", date_of_birth=dt.date(1980, 1, 1),
                phone="0999000111", segment="Gold", risk_profile="balanced", preferred_channel="email",
                language="vi", onboarded_on=dt.date(2020, 1, 1),
            )
        )  # fmt: skip
    assert "quyen" in bank_people(bank_db).words


def test_the_local_model_runs_inside_the_bank_and_is_not_wrapped(bank_db: Database) -> None:
    fake = ScriptedChatModel(script=[])
    with use_chat_model(fake, "local"):
        assert AgentContext(rm_id="RM001", model="local", database_url=bank_db.portable_url).chat_model() is fake
    with use_chat_model(fake, STAND_IN):
        wrapped = AgentContext(rm_id="RM001", model=STAND_IN, database_url=bank_db.portable_url).chat_model()
    assert isinstance(wrapped, MaskedChatModel) and wrapped.rm_id == "RM001"


# ----- every room, with a recording stand-in ---------------------------------------------------

#: Requests that reach each room that calls a model, each naming a client in full with phone or e-mail.
ROOM_MESSAGES = (
    "Met Mr. Son Pham 0823912039 at a coffee house, he wants an 800m vnd renovation loan; send the pack tomorrow",
    "What's my next best action for Pham Van Son 0823912039?",
    "Draft a birthday message for Pham Van Son",
    "Who are my top 3 clients for the Premier Invest account?",
    "Which of my clients are most at risk of leaving?",
    "What is the total balance of Pham Van Son's accounts?",
    "What is the median deposit of Pham Van Son 0823912039 compared with his wife, by zodiac sign?",  # close call
    "Brief me on Pham Van Son before my call",
)


def _secrets(bank: dict[str, Any]) -> set[str]:
    """Every client's name (whole and its last two words), phone and e-mail, and every account number of the
    fixture bank."""
    found = set()
    for client in bank["clients"]:
        found |= {client["full_name"], client["phone"]}
        found.add(" ".join(client["full_name"].split()[-2:]))  # "Van Son", "Thi Dung"
        if client.get("email"):
            found.add(client["email"])
    return found | {account["id"] for account in bank["accounts"] if len(account["id"]) > 5}


def test_no_client_data_reaches_a_model_outside_the_bank_from_any_room(
    bank_db: Database, small_bank: dict[str, Any]
) -> None:
    recorder = ScriptedChatModel(default="Noted.")
    with use_chat_model(recorder, STAND_IN), open_checkpointer(bank_db) as checkpointer:
        chat = copilot_builder.compile(checkpointer=checkpointer)
        context = AgentContext(rm_id="RM001", model=STAND_IN, database_url=bank_db.portable_url, today=TODAY)
        for message in ROOM_MESSAGES:
            config = {"configurable": {"thread_id": f"t-{uuid.uuid4().hex}"}}
            chat.invoke({"message": message}, config, context=context)
        # A question the composer cannot read goes to the model's text-to-SQL.
        question = "tổng số dư của khách Pham Van Son 0823912039 theo cung hoàng đạo"
        performance_builder.compile().invoke({"question": question}, context=context)
        night = nightly_builder.compile(checkpointer=checkpointer)
        run_night(night, NightlyContext(model=STAND_IN, database_url=bank_db.portable_url, today=TODAY), TODAY)
    prompts = recorder.prompt_texts()
    audited = audit_rows(bank_db, limit=1000)
    rooms = {row["task"] for row in audited}
    # Where each call came from: the chat's room, or the node of a graph run alone (the night's draft_event).
    assert {row["room"] for row in audited} >= {"data_entry", "next_best_action", "prioritization", "draft_event"}
    # The stand-in was really asked, from every room that calls a model.
    assert rooms >= {
        "copilot_intent",
        "data_entry.extract",
        "drafting.body",
        "prioritization",
        "performance.generate_sql",
    }
    leaked = sorted({secret for secret in _secrets(small_bank) for prompt in prompts if secret in prompt})
    assert leaked == []
    assert all(
        re.search(r"\[(PERSON|PHONE)_\d+\]", prompt) for prompt in prompts if "Pham" in prompt or "Son" in prompt
    )


@pytest.mark.parametrize("rm_id", ["RM001", "RM002"])
def test_the_audit_reads_one_rm_or_all(bank_db: Database, rm_id: str) -> None:
    for who in ("RM001", "RM002"):
        text_call(
            masked(ScriptedChatModel(default="ok"), bank_db, rm_id=who, label=STAND_IN), "hi", fallback=str, task="t"
        )
    assert {row["rm_id"] for row in audit_rows(bank_db, rm_id=rm_id)} == {rm_id}
    assert len(audit_rows(bank_db)) == 2
