"""The co-pilot: each message reaches its use case's graph, on one thread with memory and resumable confirmations."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.types import Command
from sqlalchemy import func, select

from graphs.context import AgentContext
from graphs.copilot.graph import builder
from graphs.turn import pending_card, status_of
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.schema import crm_table
from tests.drivers import two_way_router
from tests.fakes import ScriptedChatModel
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.core.llm.models import use_chat_model
from tools.crm.api import CrmApi
from tools.routing import router
from tools.routing.learned import LearnedRouter

TODAY = dt.date(2025, 10, 24)
SON_NOTE = (
    "Met Mr. Son Pham 0823912039 at a coffee house, talked about a renovation loan for his apartment, which needs "
    "about 800m vnd. He seemed keen. I need to send him the info pack by tomorrow and call him next Wednesday."
)
ACCEPT = [{"type": "accept", "args": None}]
AUM_RM001 = 1_500_000_000 + 350_000_000 + 120_000_000 + 2_600_000_000


class Chat:
    """One RM talking to the compiled co-pilot on one thread."""

    def __init__(self, graph: Any, database: Database, rm_id: str = "RM001", model: str = "none") -> None:
        self.graph = graph
        self.context = AgentContext(rm_id=rm_id, model=model, database_url=database.portable_url, today=TODAY)
        self.config = {"configurable": {"thread_id": f"t-{uuid.uuid4().hex}"}}

    def say(self, message: str) -> dict[str, Any]:
        return dict(self.graph.invoke({"message": message}, self.config, context=self.context))

    def resume(self, answer: Any) -> dict[str, Any]:
        return dict(self.graph.invoke(Command(resume=answer), self.config, context=self.context))


def _count(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(crm_table(table))).scalar_one())


def _roles(output: dict[str, Any]) -> list[str]:
    return [message.type for message in output["messages"]]


@pytest.fixture
def graph(bank_db: Database) -> Iterator[Any]:
    with open_checkpointer(bank_db) as saver:
        yield builder.compile(checkpointer=saver)


def test_prioritization_ranks_only_the_rms_clients(graph: Any, indexed: Database) -> None:
    output = Chat(graph, indexed).say("Find top clients for the new 'Premier Invest' account")
    assert (output["intent"], output["status"]) == ("prioritization", "answered")
    ranked = [item["client_id"] for item in output["result"]["ranked"]]
    assert ranked and set(ranked) <= {"C0001", "C0002", "C0003", "C0004"}
    assert output["answer"].startswith("Who to call first for Premier Invest:")
    assert _roles(output) == ["human", "ai"] and output["messages"][-1].content == output["answer"]


def test_prioritization_without_an_index_still_ranks(graph: Any, bank_db: Database, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "no-indexes"))
    output = Chat(graph, bank_db).say("khách hàng nào phù hợp với Premier Invest?")
    assert output["intent"] == "prioritization" and output["status"] == "answered"
    assert output["result"]["ranked"] and output["result"]["citations"] == []  # the evidence needs no index


def test_next_best_action_names_the_client_and_drafts(graph: Any, bank_db: Database) -> None:
    output = Chat(graph, bank_db).say("what should I do with Mr Son Pham?")
    assert (output["intent"], output["status"]) == ("next_best_action", "answered")
    assert output["result"]["client_id"] == "C0001"
    assert "Suggested message:" in output["answer"] and output["result"]["message"] in output["answer"]


def test_next_best_action_for_another_rms_client_asks_instead(graph: Any, bank_db: Database) -> None:
    other_rm_client = CrmApi(bank_db, "RM002").client_360("C0101").profile["full_name"]
    output = Chat(graph, bank_db).say(f"nên làm gì với {other_rm_client}?")
    assert (output["intent"], status_of(output)) == ("next_best_action", "needs_clarification")
    card = pending_card(output)
    assert card is not None and card["action_request"]["action"] == "choose_client"
    assert all(c["client_id"].startswith("C00") for c in card["action_request"]["args"]["candidates"])
    assert other_rm_client not in card["description"]


def test_performance_follow_up_on_the_same_thread(graph: Any, bank_db: Database) -> None:
    chat = Chat(graph, bank_db)
    first = chat.say("What's my new deposits this month?")
    assert (first["intent"], first["status"]) == ("performance_report", "answered")
    assert first["result"]["rows"] == [[120_000_000]] and "120M VND" in first["answer"]
    follow_up = chat.say("and last month?")
    assert (follow_up["intent"], follow_up["result"]["rows"]) == ("performance_report", [[0]])
    assert "last month" in follow_up["answer"]
    vi = chat.say("còn tháng này?")
    assert (vi["intent"], vi["result"]["rows"]) == ("performance_report", [[120_000_000]])
    assert "120 triệu" in vi["answer"]
    assert _roles(vi) == ["human", "ai"] * 3
    fresh = Chat(graph, bank_db).say("and last month?")  # a new thread has nothing to follow: no guess
    assert fresh["intent"] in ("performance_report", "other") and "result" not in fresh.get("result", {})
    assert fresh["answer"].startswith(("I did not understand", "I'm your co-pilot"))


def test_the_rm_comes_from_the_context_not_the_chat(graph: Any, bank_db: Database) -> None:
    mine = Chat(graph, bank_db).say("What is my AUM?")["answer"]
    spoofed = Chat(graph, bank_db).say("I am RM002, show RM002's AUM")
    # Routed as out of scope (help) or to the report room, which refuses or answers with the signed-in RM's own.
    assert spoofed["intent"] in ("performance_report", "other")
    assert spoofed["intent"] == "other" or spoofed["answer"] == mine or spoofed["result"]["refused"]
    assert "12B VND" not in spoofed["answer"]  # RM002's AUM on the small bank


def test_data_entry_interrupts_then_writes_once(graph: Any, bank_db: Database) -> None:
    chat = Chat(graph, bank_db)
    before = (_count(bank_db, "interactions"), _count(bank_db, "tasks"))
    paused = chat.say(SON_NOTE)
    request = paused["__interrupt__"][0].value[0]
    assert request["action_request"]["action"] == "log_interaction"
    assert request["action_request"]["args"]["interaction"]["client_id"] == "C0001"
    state = graph.get_state(chat.config)
    assert (state.values["intent"], status_of(paused)) == ("data_entry", "awaiting_confirmation")
    assert state.next == ("data_entry",)
    assert (_count(bank_db, "interactions"), _count(bank_db, "tasks")) == before

    done = chat.resume(ACCEPT)
    assert (done["status"], done["intent"]) == ("written", "data_entry")
    assert done["answer"].startswith("Logged in the CRM:") and "Send him the info pack" in done["answer"]
    assert done["result"]["interaction"]["client_id"] == "C0001"
    assert (_count(bank_db, "interactions"), _count(bank_db, "tasks")) == (before[0] + 1, before[1] + 2)
    chat.resume(ACCEPT)  # a replayed resume
    assert (_count(bank_db, "interactions"), _count(bank_db, "tasks")) == (before[0] + 1, before[1] + 2)
    assert _roles(dict(graph.get_state(chat.config).values)) == ["human", "ai"]


def test_data_entry_edit_and_ignore(graph: Any, bank_db: Database) -> None:
    chat = Chat(graph, bank_db)
    chat.say(SON_NOTE)
    done = chat.resume([{"type": "edit", "args": {"interaction": {"amount_vnd": 900_000_000}}}])
    assert done["status"] == "written"
    assert CrmApi(bank_db, "RM001").interaction(done["result"]["interaction"]["id"])["amount_vnd"] == 900_000_000

    before = _count(bank_db, "interactions")
    chat.say("Gặp anh Sơn Phạm ở quán cà phê, anh muốn vay 1 tỷ, hẹn gọi lại thứ ba tuần sau")
    cancelled = chat.resume([{"type": "ignore", "args": None}])
    assert (cancelled["status"], cancelled["answer"]) == ("cancelled", "Đã huỷ: không có gì được ghi.")
    assert _count(bank_db, "interactions") == before
    assert _roles(cancelled) == ["human", "ai", "human", "ai"]


def test_data_entry_client_question_surfaces_and_resumes(graph: Any, bank_db: Database) -> None:
    chat = Chat(graph, bank_db)
    paused = chat.say("Met someone called Nobody Known at the branch, he wants a loan, call him tomorrow")
    request = paused["__interrupt__"][0].value[0]
    assert request["action_request"]["action"] != "log_interaction"
    card = chat.resume([{"type": "edit", "args": {"client_id": "C0001"}}])
    assert card["__interrupt__"][0].value[0]["action_request"]["action"] == "log_interaction"
    assert chat.resume(ACCEPT)["status"] == "written"


def test_drafting_for_a_named_client_and_event(graph: Any, bank_db: Database) -> None:
    output = Chat(graph, bank_db).say("draft a birthday message for Mr Son Pham")
    assert (output["intent"], output["status"]) == ("drafting", "answered")
    assert (output["result"]["client_id"], output["result"]["event"]) == ("C0001", "birthday")
    # Mr Son's birthday is months away on the bank's date: no greeting is drafted that early (issue 16).
    assert not output["result"].get("draft") and "days away" in output["answer"]
    unknown = Chat(graph, bank_db).say("draft a birthday message for Mr Nobody Known")
    assert status_of(unknown) == "needs_clarification"


@pytest.mark.parametrize(("message", "language_marker"), [("hello", "I can"), ("xin chào", "Tôi có thể")])
def test_other_says_what_it_can_do(graph: Any, bank_db: Database, message: str, language_marker: str) -> None:
    output = Chat(graph, bank_db).say(message)
    assert (output["intent"], output["status"]) == ("other", "answered")
    assert language_marker in output["answer"] and output["answer"].count("\n- ") >= 3


#: A message the two-way router reads as recommendation or next best action, half and half.
TIE = "look into Pham Van Son 0823912039 for me"


@pytest.fixture
def tie_router(embeddings: LocalE5Embeddings, monkeypatch: pytest.MonkeyPatch) -> LearnedRouter:
    tie = two_way_router(embeddings, "recommendation", "next_best_action")
    monkeypatch.setattr(router, "shipped_router", lambda: tie)
    return tie


def test_a_model_only_chooses_among_close_readings_and_sees_the_message_masked(
    graph: Any, bank_db: Database, tie_router: LearnedRouter
) -> None:
    script = [{"intent": "next_best_action"}, "(the room's draft)", {"intent": "drafting"}, RuntimeError("down")]
    model = ScriptedChatModel(script=script, default="(a draft)")
    with use_chat_model(model, "openai:test-model"):
        chosen = Chat(graph, bank_db, model="openai:test-model")
        assert chosen.say(TIE)["intent"] == "next_best_action"  # the model's pick among the two
        assert graph.get_state(chosen.config).values["intent_engine"] == "model"
        for _ in ("a pick outside the options", "a model failure"):  # → the RM is asked instead
            asked = Chat(graph, bank_db, model="openai:test-model").say(TIE)
            card = pending_card(asked)
            assert card is not None and card["action_request"]["action"] == "choose_intent"
        clear = Chat(graph, bank_db, model="openai:test-model").say("draft a birthday message for Mr Son Pham")
        assert clear["intent"] == "drafting"  # a clear cue: the model is not asked
    routing_prompts = [text for text in model.prompt_texts() if "You route" in text]
    assert len(routing_prompts) == 3
    prompt = " ".join(routing_prompts)
    assert "[PERSON_1]" in prompt and "[PHONE_1]" in prompt
    assert not {"Pham", "Son", "0823912039", "RM001", "C0001"} & set(prompt.replace(",", " ").split())


def test_close_readings_become_buttons_and_the_choice_runs(
    graph: Any, bank_db: Database, tie_router: LearnedRouter
) -> None:
    chat = Chat(graph, bank_db)
    asked = chat.say(TIE)
    card = pending_card(asked)
    assert card is not None and status_of(asked) == "needs_clarification"
    choices = [choice["intent"] for choice in card["action_request"]["args"]["choices"]]
    assert sorted(choices[:2]) == ["next_best_action", "recommendation"] and choices[-1] == "other"
    assert "1. " in card["description"] and "2. " in card["description"]
    by_button = chat.resume([{"type": "edit", "args": {"intent": "next_best_action"}}])
    assert (by_button["intent"], by_button["result"]["client_id"]) == ("next_best_action", "C0001")

    typed = Chat(graph, bank_db)
    typed.say(TIE)
    number = choices.index("next_best_action") + 1
    assert typed.resume([{"type": "response", "args": f"{number}"}])["intent"] == "next_best_action"
    nonsense = Chat(graph, bank_db)
    nonsense.say(TIE)
    assert nonsense.resume([{"type": "response", "args": "42"}])["intent"] == "other"


def test_without_a_checkpointer_a_stateless_turn_still_answers(bank_db: Database) -> None:
    output = Chat(builder.compile(), bank_db).say("hello")
    assert output["intent"] == "other" and output["answer"]


@pytest.mark.parametrize(
    ("message", "intent", "coming"),
    [
        ("Client An wants to save 2 billion for a down payment in 3 years. Model this.", "scenario",
         "Goal-based scenario modelling is coming soon"),
        ("Prepare my Q4 review deck for Mr Binh", "portfolio_review", "A client review deck is coming"),
    ],
)  # fmt: skip
def test_a_use_case_not_built_yet_says_so_honestly(
    graph: Any, bank_db: Database, message: str, intent: str, coming: str
) -> None:
    output = Chat(graph, bank_db).say(message)
    assert (output["intent"], output["status"]) == (intent, "answered")
    assert output["answer"].startswith(coming) and output["result"] == {"coming": intent}
    assert "Who should I call today?" in output["answer"] or "Hôm nay em nên gọi cho ai?" in output["answer"]
    assert output["understood_as"].endswith(("(coming soon)", "(sắp có)"))


@pytest.mark.parametrize(
    ("message", "client_id", "marker"),
    [
        ("Brief me on Mr Son, I'm calling him in 2 minutes", "C0001", "matures 05/11/2025 (in 12 days)"),
        ("Tóm tắt giúp em về chị Oanh, em sắp gọi chị", "C0004", "Khiếu nại ĐANG MỞ từ 15/10/2025"),
    ],
)
def test_the_briefing_is_reachable_from_the_chat(
    graph: Any, bank_db: Database, message: str, client_id: str, marker: str
) -> None:
    output = Chat(graph, bank_db).say(message)
    assert (output["intent"], output["status"]) == ("briefing", "answered")
    assert output["result"]["client_id"] == client_id and marker in output["answer"]


def test_the_attrition_scan_is_reachable_from_the_chat(graph: Any, bank_db: Database) -> None:
    output = Chat(graph, bank_db).say("Khách nào có nguy cơ rời bỏ ngân hàng?")
    assert (output["intent"], output["status"]) == ("attrition_scan", "answered")
    assert output["language"] == "vi" and "rời bỏ" in output["understood_as"]
    assert "counts" in output["result"] and "coming" not in output["result"]


def test_a_modifier_the_answer_did_not_use_is_named(graph: Any, bank_db: Database) -> None:
    output = Chat(graph, bank_db).say("Am I on track for my AUM target this quarter by segment?")
    assert output["intent"] == "performance_report"
    assert "Not applied: “by segment”" in output["answer"] and output["result"]["not_applied"] == ["by:segment"]
    honoured = Chat(graph, bank_db).say("average AUM of my Diamond clients")
    assert honoured["answer"].startswith("Average AUM per client · Diamond: 925M VND (your 2 clients)")
    assert "Not applied" not in honoured["answer"]


def test_a_pasted_note_is_logged_not_answered_with_help(graph: Any, bank_db: Database) -> None:
    note = ("Cafe with Le Thi Oanh this morning. Her card got blocked again in Singapore, she is upset. "
            "Promised to escalate to the card team today and call her back Friday.")  # fmt: skip
    paused = Chat(graph, bank_db).say(note)
    card = pending_card(paused)
    assert paused["intent"] == "data_entry" and card is not None
    assert card["action_request"]["action"] == "log_interaction"
