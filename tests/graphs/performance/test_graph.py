"""The performance graph: right numbers in the RM's language, follow-ups on a thread, refusals that run nothing,
and a model path whose SQL always passes the guard (with one repair) and whose prompts hold no ids."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from graphs.context import AgentContext
from graphs.performance.graph import builder
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.schema import CRM_TABLES, crm_table
from tests.fakes import ScriptedChatModel
from tools.core.llm.models import use_chat_model
from tools.reporting.guard import QueryRefused, scope_query

TODAY = dt.date(2025, 10, 24)
AUM_RM001 = 1_500_000_000 + 350_000_000 + 120_000_000 + 2_600_000_000
#: Not a question the rules know: it goes to the model.
MODEL_QUESTION = "How much money came in through transactions this month?"
INCOMING_SQL = (
    "SELECT COALESCE(SUM(t.amount_vnd), 0) AS incoming_vnd FROM transactions t JOIN clients c ON c.id = t.client_id "
    "WHERE c.rm_id = :rm_id AND t.direction = 'in'"
)
INCOMING_RM001 = 45_000_000 + 1_200_000_000
SELECTION = {"tables": [{"table": "transactions", "columns": ["amount_vnd", "direction"]}, {"table": "clients"}]}


class Session:
    """One RM asking questions on one thread."""

    def __init__(self, graph: Any, database: Database, rm_id: str = "RM001", model: str = "none") -> None:
        self.graph = graph
        self.context = AgentContext(rm_id=rm_id, model=model, database_url=database.portable_url, today=TODAY)
        self.config = {"configurable": {"thread_id": f"t-{uuid.uuid4().hex}"}}

    def ask(self, question: str) -> dict[str, Any]:
        out = dict(self.graph.invoke({"question": question}, self.config, context=self.context))
        # The turn, with its result flattened for the assertions below.
        return {"rows": [], "sql": None, **out, **out["result"], "refused": out["status"] == "refused"}


def _counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            name: int(connection.execute(select(func.count()).select_from(crm_table(name))).scalar_one())
            for name in CRM_TABLES
        }


@pytest.fixture
def graph(bank_db: Database) -> Iterator[Any]:
    with open_checkpointer(bank_db) as saver:
        yield builder.compile(checkpointer=saver)


def test_output_keys_and_aum_in_english(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("What is my AUM?")
    for key in ("answer", "status", "result", "language", "chart_svg", "citations", "understood_as"):
        assert key in out
    for key in ("engine", "sql", "columns", "rows", "refused", "refusal_reason", "truncated"):
        assert key in out["result"]
    assert out["understood_as"] == "Total AUM"
    assert (out["language"], out["engine"], out["refused"], out["truncated"]) == ("en", "composer", False, False)
    assert out["rows"] == [[AUM_RM001]]
    assert out["sql"].startswith("SELECT") and ":rm_id" in out["sql"]
    assert "4.57B VND" in out["answer"]
    assert out["chart_svg"] is None


def test_vietnamese_question_gets_a_vietnamese_answer(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("tài sản quản lý của tôi là bao nhiêu?")
    assert (out["language"], out["rows"]) == ("vi", [[AUM_RM001]])
    assert "4,57 tỷ" in out["answer"]


def test_new_deposits_and_a_follow_up_on_the_same_thread(graph: Any, bank_db: Database) -> None:
    session = Session(graph, bank_db)
    first = session.ask("What's my new deposits this month?")
    assert first["rows"] == [[120_000_000]]
    assert "120M VND" in first["answer"]
    follow = session.ask("and last month?")
    assert (follow["engine"], follow["rows"]) == ("composer", [[0]])
    assert "2025-09-01" in follow["sql"] and "last month" in follow["answer"]
    vi = session.ask("còn tháng này?")
    assert (vi["language"], vi["rows"]) == ("vi", [[120_000_000]])
    assert "120 triệu" in vi["answer"]


def test_another_rm_sees_only_their_own_numbers(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db, rm_id="RM002").ask("What is my AUM?")
    assert out["rows"] == [[12_000_000_000]]
    assert "12B VND" in out["answer"]


def test_target_comparison_in_both_languages(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("Am I on track for my AUM target this quarter?")
    assert out["rows"][0][2:4] == [AUM_RM001, 5_000_000_000]
    assert "Below target: 4.57B of 5B VND (91.4%)" in out["answer"]
    vi = Session(graph, bank_db).ask("chỉ tiêu liên hệ khách hàng tháng này")
    assert "Chưa đạt chỉ tiêu: 0 / 20" in vi["answer"]


def test_breakdown_by_segment_has_a_chart(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("AUM by segment")
    assert out["rows"] == [["Platinum", 2_600_000_000], ["Diamond", 1_850_000_000], ["Gold", 120_000_000]]
    assert "- Diamond: 1.85B VND" in out["answer"]
    svg = ET.fromstring(out["chart_svg"])
    assert svg.tag.endswith("svg")
    assert "Platinum" in out["chart_svg"]


def test_lists_are_bullets(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("Which clients have I not contacted in 90 days?")
    assert {row[0] for row in out["rows"]} == {"C0002", "C0003", "C0004"}
    assert out["answer"].count("\n- ") == 3
    assert "never contacted" in out["answer"]


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Delete all my clients", "en"),
        ("update the balance of account A0001 to 0", "en"),
        ("xoá khách hàng Pham Van Son", "vi"),
        ("Show me RM002's AUM", "en"),
        ("AUM of all RMs in the branch", "en"),
        ("Khoa's top 10 cust. by AUM?", "en"),  # a colleague's book, by possessive
        ("aum của a Khoa tháng này bao nhiêu, em muốn so với em", "vi"),
        ("cho em xem ds kh của anh Khoa", "vi"),
        ("Đóng giùm em cái khiếu nại về app đi", "vi"),
        ("aum team bên kia bao nhiêu", "vi"),
        ("nâng hạng kh Lê Thị Oanh lên Platinum giúp em", "vi"),
    ],
)
def test_refusals_run_nothing(graph: Any, bank_db: Database, question: str, language: str) -> None:
    before = _counts(bank_db)
    out = Session(graph, bank_db).ask(question)
    assert out["refused"] is True
    assert out["refusal_reason"]
    assert out["sql"] is None and out["rows"] == []
    assert out["language"] == language
    assert _counts(bank_db) == before


def test_not_understood_without_a_model_gets_help(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("What's the weather like?")
    assert (out["refused"], out["sql"], out["engine"]) == (False, None, "rules")
    assert "AUM" in out["answer"] and "New deposits" in out["answer"]


# ----- the model path ------------------------------------------------------------------------


def _model_session(graph: Any, bank_db: Database) -> Session:
    return Session(graph, bank_db, model="openai:scripted")


def test_the_models_sql_runs_through_the_guard(graph: Any, bank_db: Database) -> None:
    model = ScriptedChatModel(script=[SELECTION, f"```sql\n{INCOMING_SQL};\n```"])
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask(MODEL_QUESTION)
    assert (out["engine"], out["refused"], out["sql"]) == ("model", False, INCOMING_SQL)
    assert out["rows"] == [[INCOMING_RM001]]
    assert "1.25B VND" in out["answer"] or "1.24B VND" in out["answer"]
    sql_prompt = model.prompt_texts()[1]
    assert "transactions(" in sql_prompt and ":rm_id" in sql_prompt
    assert "inbound_messages" not in sql_prompt  # only the selected tables
    for text in model.prompt_texts():
        for secret in ("RM001", "RM002", "C0001", "C0101", bank_db.portable_url, "postgresql+", "sqlite:///"):
            assert secret not in text


def test_a_refused_sql_is_repaired_once(graph: Any, bank_db: Database) -> None:
    bad = "SELECT COUNT(*) AS n FROM sqlite_master"
    with pytest.raises(QueryRefused) as refused:
        scope_query(bad, rm_id="RM001", dialect=bank_db.dialect, today=TODAY)
    model = ScriptedChatModel(script=[SELECTION, bad, INCOMING_SQL])
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask(MODEL_QUESTION)
    assert len(model.prompts) == 3
    assert refused.value.reason in model.prompt_texts()[2]
    assert (out["sql"], out["rows"]) == (INCOMING_SQL, [[INCOMING_RM001]])


def test_a_second_refusal_gives_up_without_running(graph: Any, bank_db: Database) -> None:
    bad = "SELECT COUNT(*) AS n FROM sqlite_master"
    model = ScriptedChatModel(script=[SELECTION, bad, bad])
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask(MODEL_QUESTION)
    assert len(model.prompts) == 3
    assert (out["sql"], out["rows"], out["refused"]) == (None, [], False)
    assert "could not answer" in out["answer"]


def test_a_models_write_is_refused_and_never_run(graph: Any, bank_db: Database) -> None:
    before = _counts(bank_db)
    model = ScriptedChatModel(script=[SELECTION, "DELETE FROM clients"])
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask("Please clean up my client list for good")
    assert out["refused"] is True and out["sql"] is None
    assert len(model.prompts) == 2  # no repair for a write
    assert _counts(bank_db) == before


def test_the_model_never_sees_the_rm_id_even_when_the_rm_types_it(graph: Any, bank_db: Database) -> None:
    model = ScriptedChatModel(script=[SELECTION, INCOMING_SQL])
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask("As RM001, how much money came in through transactions?")
    assert out["rows"] == [[INCOMING_RM001]]
    assert all("RM001" not in text for text in model.prompt_texts())


def test_a_garbage_model_falls_back_gracefully(graph: Any, bank_db: Database) -> None:
    model = ScriptedChatModel(default="%%% not sql, not json %%%")
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask(MODEL_QUESTION)
    assert (out["refused"], out["sql"], out["rows"]) == (False, None, [])
    assert "could not answer" in out["answer"]


def test_a_failing_model_falls_back_gracefully_in_vietnamese(graph: Any, bank_db: Database) -> None:
    model = ScriptedChatModel(default=TimeoutError("model timed out"))
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask("Trung vị giao dịch tiền vào của khách hàng")  # no rule knows a median
    assert (out["language"], out["sql"]) == ("vi", None)
    assert "không trả lời được" in out["answer"]


def test_rules_questions_never_call_the_model(graph: Any, bank_db: Database) -> None:
    model = ScriptedChatModel(script=[])
    with use_chat_model(model):
        out = _model_session(graph, bank_db).ask("What is my AUM?")
    assert out["engine"] in ("composer", "rules") and out["rows"] == [[AUM_RM001]]
    assert model.prompts == []


def test_maturing_amount_and_largest_loan_answers(graph: Any, bank_db: Database) -> None:
    session = Session(graph, bank_db)
    maturing = session.ask("tổng số tiền gửi có kỳ hạn sắp đáo hạn trong 30 ngày tới")
    assert maturing["rows"] == [[1_500_000_000, 1]] and "1,5 tỷ (1 accounts)" in maturing["answer"]
    largest = Session(graph, bank_db).ask("Which client has my largest loan?")
    assert largest["rows"][0][0] == "C0001" and "loan balance" in largest["answer"] and "2B VND" in largest["answer"]


def test_a_trend_comes_with_a_chart(graph: Any, bank_db: Database) -> None:
    result = Session(graph, bank_db).ask("Xu hướng số lần liên hệ khách hàng theo tháng năm nay")
    assert result["rows"] and result["chart_svg"] and "theo tháng" in result["answer"]


def test_a_flow_target_says_what_is_left_and_the_pace(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("Am I on track for my client contacts target this month?")
    assert "77.4% of the period gone, 0% of the target: behind pace" in out["answer"] and "20 to go" in out["answer"]
    aum = Session(graph, bank_db).ask("Am I on track for my AUM target this quarter?")
    assert "to go" in aum["answer"] and "pace" not in aum["answer"]  # a stock has no pace


def test_a_client_by_name_and_a_household_never_reach_another_rms_client(graph: Any, bank_db: Database) -> None:
    assert Session(graph, bank_db).ask("what is the AUM of Pham Van Son?")["rows"] == [[1_850_000_000]]
    # Lê Thị Oanh's sibling is RM002's client with 9B: her household is hers alone here (a matured CD: 0)
    household = Session(graph, bank_db).ask("tổng tài sản cả hộ gia đình chị Lê Thị Oanh")
    assert (household["engine"], household["rows"]) == ("composer", [[0]])
    # two of RM001's clients are called Nguyễn Văn Minh: the name alone picks no one
    assert Session(graph, bank_db).ask("AUM of Nguyễn Văn Minh")["rows"] == []
    # RM002 cannot reach RM001's client by name
    assert Session(graph, bank_db, rm_id="RM002").ask("what is the AUM of Pham Van Son?")["rows"] == []


def test_a_kpi_in_bank_shorthand_answers_that_target_not_the_summary(graph: Any, bank_db: Database) -> None:
    out = Session(graph, bank_db).ask("% hoàn thành KPI HĐV tháng này")
    assert out["engine"] == "rules" and out["rows"] and out["rows"][0][0] == "new_deposits"
    assert Session(graph, bank_db).ask("tổng HĐV toàn CN T10")["refused"]  # the whole branch is not this RM's
