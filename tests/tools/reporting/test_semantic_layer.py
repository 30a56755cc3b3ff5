"""The semantic layer: periods, question parsing, refusals, and the SQL's numbers on the small bank.

Expected values are computed by hand from tests/fixtures/small_bank.json (today 2025-10-24, a Friday).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from stores.db import Database
from tools.reporting.guard import run_guarded_query
from tools.reporting.semantic_layer import (
    METRICS,
    NotAllowed,
    NotUnderstood,
    ReportQuery,
    build_sql,
    parse_question,
    resolve_period,
)

TODAY = dt.date(2025, 10, 24)
D = dt.date


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", D(2025, 10, 24), D(2025, 10, 24)),
        ("hôm nay", D(2025, 10, 24), D(2025, 10, 24)),
        ("this week", D(2025, 10, 20), D(2025, 10, 26)),
        ("tuần này", D(2025, 10, 20), D(2025, 10, 26)),
        ("last week", D(2025, 10, 13), D(2025, 10, 19)),
        ("tuan truoc", D(2025, 10, 13), D(2025, 10, 19)),
        ("this month", D(2025, 10, 1), D(2025, 10, 31)),
        ("tháng này", D(2025, 10, 1), D(2025, 10, 31)),
        ("last month", D(2025, 9, 1), D(2025, 9, 30)),
        ("tháng trước", D(2025, 9, 1), D(2025, 9, 30)),
        ("this quarter", D(2025, 10, 1), D(2025, 12, 31)),
        ("quý này", D(2025, 10, 1), D(2025, 12, 31)),
        ("last quarter", D(2025, 7, 1), D(2025, 9, 30)),
        ("quy truoc", D(2025, 7, 1), D(2025, 9, 30)),
        ("year to date", D(2025, 1, 1), D(2025, 10, 24)),
        ("YTD", D(2025, 1, 1), D(2025, 10, 24)),
        ("từ đầu năm", D(2025, 1, 1), D(2025, 10, 24)),
        ("from 1/10 to 15/10", D(2025, 10, 1), D(2025, 10, 15)),
        ("từ 1/10 đến 15/10", D(2025, 10, 1), D(2025, 10, 15)),
        ("between 2025-09-01 and 2025-09-15", D(2025, 9, 1), D(2025, 9, 15)),
        ("from 01/09/2025 to 30/09/2025", D(2025, 9, 1), D(2025, 9, 30)),
        ("since 1/10", D(2025, 10, 1), D(2025, 10, 24)),
        ("tháng 9", D(2025, 9, 1), D(2025, 9, 30)),
        ("thang 3 nam 2021", D(2021, 3, 1), D(2021, 3, 31)),
        ("thang 3/2021", D(2021, 3, 1), D(2021, 3, 31)),
        ("Q3 2025", D(2025, 7, 1), D(2025, 9, 30)),
        ("q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("quý 3", D(2025, 7, 1), D(2025, 9, 30)),
        ("quý 3 năm 2024", D(2024, 7, 1), D(2024, 9, 30)),
        ("2025-09", D(2025, 9, 1), D(2025, 9, 30)),
        ("in September", D(2025, 9, 1), D(2025, 9, 30)),
        ("March 2021", D(2021, 3, 1), D(2021, 3, 31)),
        ("last 7 days", D(2025, 10, 17), D(2025, 10, 24)),  # today − 7 … today, both included
        ("this year", D(2025, 1, 1), D(2025, 12, 31)),
        ("last year", D(2024, 1, 1), D(2024, 12, 31)),
        ("năm 2021", D(2021, 1, 1), D(2021, 12, 31)),
        ("in 2024", D(2024, 1, 1), D(2024, 12, 31)),
    ],
)
def test_resolve_period(text: str, start: dt.date, end: dt.date) -> None:
    period = resolve_period(text, TODAY)
    assert period is not None, text
    assert (period.start, period.end) == (start, end)
    assert start.isoformat() in period.label and end.isoformat() in period.label


def test_period_label_names_the_period() -> None:
    period = resolve_period("this month", TODAY)
    assert period is not None and period.label == "this month (2025-10-01 – 2025-10-31)"


@pytest.mark.parametrize("text", ["what is my AUM", "may I see my clients", "", "top 5 clients"])
def test_no_period(text: str) -> None:
    assert resolve_period(text, TODAY) is None


def test_year_boundaries() -> None:
    january = D(2026, 1, 15)
    last_month = resolve_period("last month", january)
    last_quarter = resolve_period("last quarter", january)
    assert last_month is not None and (last_month.start, last_month.end) == (D(2025, 12, 1), D(2025, 12, 31))
    assert last_quarter is not None and (last_quarter.start, last_quarter.end) == (D(2025, 10, 1), D(2025, 12, 31))
    last_week = resolve_period("last week", D(2026, 1, 1))  # a Thursday
    assert last_week is not None and (last_week.start, last_week.end) == (D(2025, 12, 22), D(2025, 12, 28))


# --------------------------------------------------------------------------- parsing

OCT = (D(2025, 10, 1), D(2025, 10, 31))
SEP = (D(2025, 9, 1), D(2025, 9, 30))
Q4 = (D(2025, 10, 1), D(2025, 12, 31))
Q3 = (D(2025, 7, 1), D(2025, 9, 30))
WEEK = (D(2025, 10, 20), D(2025, 10, 26))


@pytest.mark.parametrize(
    ("question", "metric", "period", "group_by", "language"),
    [
        ("What's my total deposit value this month?", "new_deposits", OCT, None, "en"),
        ("Tổng tiền gửi huy động tháng này của tôi là bao nhiêu?", "new_deposits", OCT, None, "vi"),
        ("tong tien gui huy dong thang nay", "new_deposits", OCT, None, "vi"),
        ("New deposits last month by segment", "new_deposits", SEP, "segment", "en"),
        ("How much did I disburse in loans this quarter?", "new_loans", Q4, None, "en"),
        ("Giải ngân quý 3 được bao nhiêu?", "new_loans", Q3, None, "vi"),
        ("du no moi thang truoc", "new_loans", SEP, None, "vi"),
        ("What is my AUM?", "aum", None, None, "en"),
        ("Tài sản quản lý của tôi theo phân khúc", "aum", None, "segment", "vi"),
        ("AUM by segment", "aum", None, "segment", "en"),
        ("How many client contacts did I make this week?", "client_contacts", WEEK, None, "en"),
        ("Số lần liên hệ khách hàng tháng trước", "client_contacts", SEP, None, "vi"),
        ("so lan tiep xuc khach hang quy truoc", "client_contacts", Q3, None, "vi"),
        ("Which clients haven't I contacted in 90 days?", "inactive_clients", None, None, "en"),
        ("Khách hàng chưa liên hệ", "inactive_clients", None, None, "vi"),
        ("khach hang nao lau chua lien he", "inactive_clients", None, None, "vi"),
        ("What's maturing in the next 30 days?", "upcoming_maturities", None, None, "en"),
        ("Các khoản sắp đáo hạn trong 60 ngày tới", "upcoming_maturities", None, None, "vi"),
        ("Am I on track for my AUM target this quarter?", "targets", Q4, None, "en"),
        ("Chỉ tiêu liên hệ khách hàng tháng này", "targets", OCT, None, "vi"),
        ("KPI huy dong quy nay", "targets", Q4, None, "vi"),
        ("How am I doing?", "performance_summary", Q4, None, "en"),
        ("Hiệu suất của tôi thế nào?", "performance_summary", Q4, None, "vi"),
        ("Show my open tasks", "open_tasks", None, None, "en"),
        ("Công việc cần làm của tôi", "open_tasks", None, None, "vi"),
        ("Which tasks are overdue?", "overdue_tasks", None, None, "en"),
        ("việc quá hạn", "overdue_tasks", None, None, "vi"),
        ("How many clients do I have?", "client_count", None, None, "en"),
        ("Tôi có bao nhiêu khách hàng theo phân khúc?", "client_count", None, "segment", "vi"),
        ("Top 5 clients", "top_clients", None, None, "en"),
        ("5 khách hàng lớn nhất", "top_clients", None, None, "vi"),
        ("Any open complaints?", "complaints_open", None, None, "en"),
        ("khieu nai chua xu ly", "complaints_open", None, None, "vi"),
    ],
)
def test_parse_question(
    question: str, metric: str, period: tuple[dt.date, dt.date] | None, group_by: str | None, language: str
) -> None:
    query = parse_question(question, TODAY)
    assert query.metric == metric
    assert (None if query.period is None else (query.period.start, query.period.end)) == period
    assert query.group_by == group_by
    assert query.language == language
    assert query.metric in METRICS


def test_parse_details() -> None:
    assert parse_question("Top 3 clients by AUM", TODAY).limit == 3
    assert parse_question("5 khách hàng lớn nhất", TODAY).limit == 5
    assert parse_question("biggest clients", TODAY).limit == 5
    assert parse_question("Which clients haven't I contacted in 30 days?", TODAY).filters["days"] == "30"
    assert parse_question("what matures in the next 6 months", TODAY).filters["days"] == "180"
    assert parse_question("how many inactive clients", TODAY).filters["output"] == "count"
    assert parse_question("AUM of my Diamond clients", TODAY).filters == {"segment": "Diamond"}
    assert parse_question("chỉ tiêu AUM quý này", TODAY).filters["target_metric"] == "aum"
    assert parse_question("contacts vs target this month", TODAY).filters["target_metric"] == "client_contacts"


def test_follow_ups_keep_the_metric() -> None:
    first = parse_question("What's my total deposit value this month?", TODAY)
    then = parse_question("and last month?", TODAY, previous=first)
    assert then.metric == "new_deposits" and then.period is not None
    assert (then.period.start, then.period.end) == SEP
    by_segment = parse_question("by segment?", TODAY, previous=then)
    assert by_segment.metric == "new_deposits" and by_segment.group_by == "segment" and by_segment.period == then.period
    vi = parse_question("còn tháng trước?", TODAY, previous=parse_question("Giải ngân tháng này", TODAY))
    assert vi.metric == "new_loans" and vi.period is not None and (vi.period.start, vi.period.end) == SEP
    assert vi.language == "vi"
    new_topic = parse_question("what about my AUM?", TODAY, previous=first)
    assert new_topic.metric == "aum"


def test_not_understood() -> None:
    for question in ("What's the weather in Hanoi?", "tell me a joke", ""):
        with pytest.raises(NotUnderstood):
            parse_question(question, TODAY)
    with pytest.raises(NotUnderstood):
        parse_question("hmm", TODAY, previous=parse_question("my AUM", TODAY))


@pytest.mark.parametrize(
    "question",
    [
        "Delete client C0002",
        "update the balance of A0001 to 0",
        "Insert a new task for Son",
        "drop table clients",
        "Xóa khách hàng C0003",
        "sua so du tai khoan A0001",
        "Thêm khách hàng mới",
        "cập nhật chỉ tiêu tháng này",
        "What is RM002's AUM?",
        "Show RM002's clients",
        "AUM of all RMs",
        "Doanh số toàn chi nhánh tháng này",
        "khách hàng của RM khác",
        "compare me with my colleagues",
        "show me the passwords",
        "list the system tables",
        "select * from sqlite_master",
        "mật khẩu của RM001",
    ],
)
def test_refusals(question: str) -> None:
    with pytest.raises(NotAllowed) as error:
        parse_question(question, TODAY)
    assert str(error.value)


def test_own_rm_id_is_allowed() -> None:
    assert parse_question("What is RM001's AUM?", TODAY, rm_id="RM001").metric == "aum"
    with pytest.raises(NotAllowed, match="own clients"):
        parse_question("What is RM002's AUM?", TODAY, rm_id="RM001")


def test_build_sql_rejects_unknown() -> None:
    with pytest.raises(ValueError, match="dialect"):
        build_sql(ReportQuery("aum", None, None, {}, None, "en"), "mysql")
    with pytest.raises(NotUnderstood):
        build_sql(ReportQuery("revenue", None, None, {}, None, "en"), "sqlite")
    week = parse_question("contacts target this week", TODAY)
    with pytest.raises(NotUnderstood, match="month or"):
        build_sql(week, "sqlite")


def test_sql_names_the_rm() -> None:
    for metric_question in ("my AUM", "open tasks", "clients I haven't contacted", "how am I doing"):
        for dialect in ("sqlite", "postgresql"):
            sql = build_sql(parse_question(metric_question, TODAY), dialect)
            assert ":rm_id" in sql and sql.lstrip().upper().startswith(("SELECT", "WITH"))


# --------------------------------------------------------------------------- execution


def ask(database: Database, question: str, rm_id: str = "RM001", today: dt.date = TODAY) -> list[dict[str, Any]]:
    query = parse_question(question, today)
    result = run_guarded_query(database, build_sql(query, database.dialect), rm_id=rm_id, today=today)
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def one(database: Database, question: str, rm_id: str = "RM001", today: dt.date = TODAY) -> Any:
    rows = ask(database, question, rm_id, today)
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return next(iter(rows[0].values()))


AUM_RM001 = 1_500_000_000 + 350_000_000 + 120_000_000 + 2_600_000_000


def test_aum(bank_db: Database) -> None:
    assert one(bank_db, "What is my AUM?") == AUM_RM001
    assert one(bank_db, "tài sản quản lý của tôi") == AUM_RM001
    assert one(bank_db, "What is my AUM?", rm_id="RM002") == 9_000_000_000 + 3_000_000_000
    assert one(bank_db, "AUM of my Diamond clients") == 1_850_000_000


def test_aum_by_segment(bank_db: Database) -> None:
    rows = ask(bank_db, "AUM by segment")
    assert {row["segment"]: row["aum"] for row in rows} == {
        "Platinum": 2_600_000_000,
        "Diamond": 1_850_000_000,
        "Gold": 120_000_000,
    }
    assert rows[0]["segment"] == "Platinum"


def test_new_deposits(bank_db: Database) -> None:
    assert one(bank_db, "What's my total deposit value this month?") == 120_000_000
    assert one(bank_db, "tiền gửi huy động tháng trước") == 0
    assert one(bank_db, "new deposits year to date") == 120_000_000
    assert one(bank_db, "new deposits from 1/10 to 2/10") == 0
    # RM002's only new account this month is an investment, not a deposit
    assert one(bank_db, "What's my total deposit value this month?", rm_id="RM002") == 0
    rows = ask(bank_db, "new deposits this month by segment")
    assert rows == [{"segment": "Gold", "new_deposits": 120_000_000}]


def test_new_loans(bank_db: Database) -> None:
    assert one(bank_db, "loans disbursed this month") == 0
    assert one(bank_db, "giải ngân tháng 3/2021") == 2_000_000_000
    assert one(bank_db, "new loans in March 2021", rm_id="RM002") == 0


def test_client_contacts(bank_db: Database) -> None:
    assert one(bank_db, "How many client contacts this month?") == 0
    assert one(bank_db, "số lần liên hệ tháng 9") == 1
    assert one(bank_db, "contacts last quarter") == 1
    assert one(bank_db, "so lan tiep xuc tu dau nam") == 2
    assert one(bank_db, "How many client contacts this month?", rm_id="RM002") == 1
    rows = ask(bank_db, "contacts year to date by segment")
    assert {row["segment"]: row["client_contacts"] for row in rows} == {"Diamond": 1, "Platinum": 1}


def test_targets(bank_db: Database) -> None:
    [row] = ask(bank_db, "Am I on track for my AUM target this quarter?")
    assert row["metric"] == "aum" and row["period"] == "2025-Q4"
    assert (row["actual"], row["target"]) == (AUM_RM001, 5_000_000_000)
    assert float(row["attainment_pct"]) == pytest.approx(91.4)
    [contacts] = ask(bank_db, "chỉ tiêu liên hệ khách hàng tháng này")
    assert (contacts["period"], contacts["actual"], contacts["target"]) == ("2025-10", 0, 20)
    [other] = ask(bank_db, "AUM target this quarter", rm_id="RM002")
    assert (other["actual"], other["target"]) == (12_000_000_000, 12_000_000_000)
    [no_target] = ask(bank_db, "new loans target this quarter")
    assert (no_target["actual"], no_target["target"], no_target["attainment_pct"]) == (0, None, None)


def test_performance_summary(bank_db: Database) -> None:
    rows = ask(bank_db, "How am I doing?")
    by_metric = {row["metric"]: (row["actual"], row["target"]) for row in rows}
    assert by_metric == {
        "aum": (AUM_RM001, 5_000_000_000),
        "new_loans": (0, None),
        "new_deposits": (120_000_000, None),
        "client_contacts": (0, None),
    }
    rows = ask(bank_db, "how am I doing this month", rm_id="RM002")
    by_metric = {row["metric"]: (row["actual"], row["target"]) for row in rows}
    assert by_metric["client_contacts"] == (1, None)
    assert by_metric["aum"] == (12_000_000_000, None)


def test_tasks(bank_db: Database) -> None:
    [task] = ask(bank_db, "Show my open tasks")
    assert (task["task_id"], task["client_name"], str(task["due_on"])) == ("K0001", "Pham Van Son", "2025-10-28")
    assert one(bank_db, "how many open tasks do I have") == 1
    assert ask(bank_db, "overdue tasks") == []
    assert one(bank_db, "bao nhiêu việc quá hạn") == 0
    later = D(2025, 10, 30)
    [overdue] = ask(bank_db, "overdue tasks", today=later)
    assert overdue["task_id"] == "K0001"
    [other] = ask(bank_db, "overdue tasks", rm_id="RM002", today=later)
    assert other["task_id"] == "K0101"


def test_inactive_clients(bank_db: Database) -> None:
    rows = ask(bank_db, "Which clients haven't I contacted in 90 days?")
    assert sorted(row["client_id"] for row in rows) == ["C0002", "C0003", "C0004"]
    last = {row["client_id"]: row["last_contacted"] for row in rows}
    assert last["C0002"] is None and str(last["C0003"]).startswith("2025-05-02")
    assert one(bank_db, "bao nhiêu khách hàng chưa liên hệ") == 3
    assert len(ask(bank_db, "clients I haven't contacted in 30 days")) == 4
    assert [row["client_id"] for row in ask(bank_db, "khach hang chua lien he", rm_id="RM002")] == ["C0102"]


def test_upcoming_maturities(bank_db: Database) -> None:
    [row] = ask(bank_db, "What's maturing in the next 30 days?")
    assert (row["account_id"], row["client_name"], row["kind"]) == ("A0001", "Pham Van Son", "cd")
    assert (row["amount_vnd"], str(row["maturity_on"])) == (1_500_000_000, "2025-11-05")
    rows = ask(bank_db, "đáo hạn trong 6 tháng tới")
    assert [row["account_id"] for row in rows] == ["A0001", "A0002"]
    assert ask(bank_db, "What's maturing in the next 30 days?", rm_id="RM002") == []


def test_client_count(bank_db: Database) -> None:
    assert one(bank_db, "How many clients do I have?") == 4
    assert one(bank_db, "How many clients do I have?", rm_id="RM002") == 2
    rows = ask(bank_db, "số khách hàng theo phân khúc")
    assert {row["segment"]: row["client_count"] for row in rows} == {"Diamond": 2, "Gold": 1, "Platinum": 1}
    assert one(bank_db, "how many diamond clients") == 2
    assert one(bank_db, "how many new clients this month") == 0
    assert one(bank_db, "số khách hàng mới năm 2021") == 1  # C0002, onboarded 2021-02-11


def test_top_clients(bank_db: Database) -> None:
    rows = ask(bank_db, "top 2 clients")
    assert [(row["client_id"], row["aum"]) for row in rows] == [("C0003", 2_600_000_000), ("C0001", 1_850_000_000)]
    assert [row["client_id"] for row in ask(bank_db, "5 khách hàng lớn nhất")] == ["C0003", "C0001", "C0002"]
    assert [row["client_id"] for row in ask(bank_db, "top 5 clients", rm_id="RM002")] == ["C0101", "C0102"]


def test_complaints(bank_db: Database) -> None:
    [row] = ask(bank_db, "Any open complaints?")
    assert (row["complaint_id"], row["client_name"], row["category"]) == ("CP0001", "Lê Thị Oanh", "card")
    assert one(bank_db, "bao nhieu khieu nai") == 1
    assert ask(bank_db, "Any open complaints?", rm_id="RM002") == []


def test_follow_up_executes(bank_db: Database) -> None:
    first = parse_question("What's my total deposit value last month?", TODAY)
    then = parse_question("and this month?", TODAY, previous=first)
    result = run_guarded_query(bank_db, build_sql(then, bank_db.dialect), rm_id="RM001", today=TODAY)
    assert result.rows == [[120_000_000]]


@pytest.mark.parametrize(
    ("question", "metric", "group_by", "filters"),
    [
        ("Break down my AUM by client segment", "aum", "segment", {}),
        ("Which of my clients have never been contacted?", "inactive_clients", None, {}),
        ("Khách hàng nào của tôi không hoạt động?", "inactive_clients", None, {}),
        ("cac viec chua hoan thanh cua toi", "open_tasks", None, {}),
        ("Khách hàng nào có khoản vay lớn nhất của tôi?", "top_clients", None, {"rank_by": "loan"}),
        ("tong so tien gui co ky han sap dao han trong 30 ngay toi", "upcoming_maturities", None,
         {"days": "30", "output": "sum", "kind": "cd"}),
        ("How many loans mature in the next 30 days?", "upcoming_maturities", None,
         {"days": "30", "output": "count", "kind": "loan"}),
    ],
)  # fmt: skip
def test_everyday_wordings(question: str, metric: str, group_by: str | None, filters: dict[str, str]) -> None:
    query = parse_question(question, TODAY)
    assert (query.metric, query.group_by, query.filters) == (metric, group_by, filters)


def test_adding_a_client_without_diacritics_is_a_write() -> None:
    with pytest.raises(NotAllowed):
        parse_question("them mot khach hang moi ten Nguyen Van A vao he thong", TODAY)


def test_maturing_amount_and_largest_loan_execute(bank_db: Database) -> None:
    def run(question: str) -> list[list[Any]]:
        sql = build_sql(parse_question(question, TODAY), bank_db.dialect)
        return run_guarded_query(bank_db, sql, rm_id="RM001", today=TODAY).rows

    assert run("how much in CDs is maturing in the next 30 days?") == [[1_500_000_000, 1]]  # A0001, 2025-11-05
    assert run("which client has my largest loan?")[0][:2] == ["C0001", "Pham Van Son"]


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("Show my new deposits by month this year", "new_deposits"),
        ("xu huong giai ngan theo thang", "new_loans"),
        ("Xu hướng số lần liên hệ khách hàng theo tháng", "client_contacts"),
    ],
)
def test_monthly_trends(question: str, metric: str) -> None:
    query = parse_question(question, TODAY)
    assert (query.metric, query.group_by) == (metric, "month")
    assert query.period is not None and query.period.start == dt.date(2025, 1, 1)


def test_aum_has_no_history_so_no_trend() -> None:
    assert parse_question("AUM by month", TODAY).group_by is None


def test_monthly_trend_executes(bank_db: Database) -> None:
    sql = build_sql(parse_question("new deposits by month this year", TODAY), bank_db.dialect)
    rows = run_guarded_query(bank_db, sql, rm_id="RM001", today=TODAY).rows
    assert rows == [["2025-10", 120_000_000]]  # A0004, opened 2025-10-03; the rest opened in earlier years


def test_average_aum_is_per_client_and_counts_every_client(bank_db: Database) -> None:
    [row] = ask(bank_db, "average AUM of my Diamond clients")
    # C0001 holds 1.85B, C0004 (Diamond too) holds nothing active: both count, the average is halved.
    assert (row["avg_aum"], row["clients"]) == (925_000_000, 2)
    [vi] = ask(bank_db, "AUM trung bình mỗi khách hàng")
    assert (vi["avg_aum"], vi["clients"]) == (AUM_RM001 / 4, 4)
    by_segment = {row["segment"]: (row["avg_aum"], row["clients"]) for row in ask(bank_db, "average AUM by segment")}
    assert by_segment == {"Platinum": (2_600_000_000, 1), "Diamond": (925_000_000, 2), "Gold": (120_000_000, 1)}
    assert one(bank_db, "AUM of my Diamond clients") == 1_850_000_000  # without "average", still the total


def test_a_segment_of_clients_is_listed_not_counted(bank_db: Database) -> None:
    rows = ask(bank_db, "Diamond clients")
    assert [(row["full_name"], row["aum"]) for row in rows] == [("Pham Van Son", 1_850_000_000), ("Lê Thị Oanh", 0)]
    assert [row["client_id"] for row in ask(bank_db, "danh sách khách hàng của tôi")] == ["C0003", "C0001", "C0002",
                                                                                        "C0004"]  # fmt: skip
    assert one(bank_db, "how many diamond clients") == 2
    assert [row["client_id"] for row in ask(bank_db, "Diamond clients", rm_id="RM002")] == ["C0101"]  # never RM001's
