"""The performance-reporting steps: understand → list tables → fetch schemas → select columns → generate SQL
→ validate → execute (read-only) → answer.

The rules (``tools.reporting.semantic_layer``) answer the questions they know, instantly and the same way every time;
only what they do not know goes to the model, which sees the question, today's date and the relevant tables'
columns, never an RM id, a client id or a URL. Every query, the rules' included, passes the CRM guard
(``tools.reporting.guard``) before it runs, and runs read-only and scoped to the signed-in RM. Writes, DDL and
another RM's data are refused with a reason and never executed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from typing import Any, Literal

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.performance.state import ColumnSelection, PerformanceState
from prompts import load_prompt
from tools.core.formatting import format_amount, format_number
from tools.core.language import detect_language
from tools.core.llm.models import structured_call, text_call
from tools.crm.api import CrmApi
from tools.reporting.guard import QueryRefused, run_guarded_query, scope_query
from tools.reporting.render import bar_chart_svg, bullet_list, target_phrase
from tools.reporting.semantic_layer import (
    METRICS,
    POINT_IN_TIME,
    REFUSE_OTHER_RM,
    REFUSE_SYSTEM,
    REFUSE_WRITE,
    NotAllowed,
    NotUnderstood,
    Period,
    ReportQuery,
    build_sql,
    parse_question,
)

logger = logging.getLogger(__name__)

#: How many times a model's refused (or failing) SQL is sent back to it with the reason.
MAX_REPAIRS = 1
MAX_CHART_ROWS = 24

_ID_COLUMNS = {"id", "client_id", "rm_id"}
_CLIENTS = ["id", "rm_id", "full_name", "segment"]
#: The tables and columns each rule metric reads (what ``build_sql`` uses).
_RULE_COLUMNS: dict[str, dict[str, list[str]]] = {
    "aum": {"accounts": ["client_id", "kind", "status", "balance_vnd"], "clients": _CLIENTS},
    "new_deposits": {"accounts": ["client_id", "kind", "balance_vnd", "opened_on"], "clients": _CLIENTS},
    "new_loans": {"accounts": ["client_id", "kind", "balance_vnd", "opened_on"], "clients": _CLIENTS},
    "client_contacts": {"interactions": ["id", "client_id", "occurred_at"], "clients": _CLIENTS},
    "targets": {"targets": ["rm_id", "period", "metric", "target_value"]},
    "performance_summary": {
        "accounts": ["client_id", "kind", "status", "balance_vnd", "opened_on"],
        "interactions": ["id", "client_id", "occurred_at"],
        "clients": _CLIENTS,
        "targets": ["rm_id", "period", "metric", "target_value"],
    },
    "open_tasks": {"tasks": ["id", "client_id", "title", "kind", "due_on", "status"], "clients": _CLIENTS},
    "overdue_tasks": {"tasks": ["id", "client_id", "title", "kind", "due_on", "status"], "clients": _CLIENTS},
    "complaints_open": {
        "complaints": ["id", "client_id", "category", "opened_on", "status", "summary"],
        "clients": _CLIENTS,
    },
    "inactive_clients": {"clients": _CLIENTS, "interactions": ["id", "client_id", "occurred_at"]},
    "upcoming_maturities": {
        "accounts": ["id", "client_id", "kind", "balance_vnd", "maturity_on", "status"],
        "clients": _CLIENTS,
    },
    "client_count": {"clients": [*_CLIENTS, "onboarded_on"]},
    "top_clients": {"clients": _CLIENTS, "accounts": ["client_id", "kind", "status", "balance_vnd"]},
}
_MONEY_METRICS = frozenset({"aum", "new_deposits", "new_loans"})
_LIST_METRICS = frozenset({"open_tasks", "overdue_tasks", "complaints_open", "inactive_clients",
                           "upcoming_maturities", "top_clients"})  # fmt: skip

_NAMES = {
    "en": {
        "aum": "AUM", "new_deposits": "New deposits", "new_loans": "New loans", "client_contacts": "Client contacts",
        "targets": "Targets", "performance_summary": "Performance vs targets", "open_tasks": "Open tasks",
        "overdue_tasks": "Overdue tasks", "inactive_clients": "Inactive clients",
        "upcoming_maturities": "Upcoming maturities", "client_count": "Clients", "top_clients": "Top clients by AUM",
        "complaints_open": "Open complaints",
    },
    "vi": {
        "aum": "AUM (tài sản quản lý)", "new_deposits": "Tiền gửi mới", "new_loans": "Giải ngân mới",
        "client_contacts": "Số lần liên hệ khách hàng", "targets": "Chỉ tiêu",
        "performance_summary": "Kết quả so với chỉ tiêu", "open_tasks": "Công việc đang mở",
        "overdue_tasks": "Công việc quá hạn", "inactive_clients": "Khách hàng lâu chưa liên hệ",
        "upcoming_maturities": "Sắp đáo hạn", "client_count": "Số khách hàng",
        "top_clients": "Khách hàng có AUM lớn nhất", "complaints_open": "Khiếu nại đang mở",
    },
}  # fmt: skip
_REFUSALS_VI = {
    REFUSE_OTHER_RM: "Tôi chỉ đọc được dữ liệu khách hàng của chính anh/chị.",
    REFUSE_WRITE: "Ở đây tôi chỉ đọc dữ liệu; thay đổi dữ liệu phải qua luồng nhập liệu.",
    REFUSE_SYSTEM: "Tôi chỉ báo cáo về khách hàng của anh/chị; không truy cập bảng hệ thống hay thông tin đăng nhập.",
}
_LITERAL_RM_ID = re.compile(r"\brm_id\s*(?:=|<>|!=|\bin\b|\blike\b)\s*\(?\s*'", re.IGNORECASE)
_FIRST_WORD = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*([A-Za-z]+)", re.DOTALL)
_FENCE = re.compile(r"```(?:sql|SQL)?\s*(.*?)```", re.DOTALL)
#: Ids that never reach a prompt: RM ids and the bank's record ids (clients, accounts, tasks, …).
_INFRA_ID = re.compile(r"\b(?:rm[ _-]?\d{1,6}|(?:c|a|k|i|t|cp|d|m|s)\d{3,})\b", re.IGNORECASE)
_MONEY_COLUMN = re.compile(r"(vnd|aum|balance|amount|deposit|loan|value)", re.IGNORECASE)


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _language(state: PerformanceState) -> str:
    return "vi" if state.get("language") == "vi" else "en"


# ----- ReportQuery <-> JSON ------------------------------------------------------------------


def _redact(text: str, rm_id: str) -> str:
    """The text with the signed-in RM's id and any record id replaced, before it goes into a prompt."""
    if rm_id:
        text = re.sub(re.escape(rm_id), "[me]", text, flags=re.IGNORECASE)
    return _INFRA_ID.sub("[id]", text)


def _query_json(query: ReportQuery) -> dict[str, Any]:
    data = dataclasses.asdict(query)
    if query.period is not None:
        data["period"] = {
            "start": query.period.start.isoformat(),
            "end": query.period.end.isoformat(),
            "label": query.period.label,
        }
    return data


def _query_from_json(data: dict[str, Any] | None) -> ReportQuery | None:
    if not data:
        return None
    try:
        raw = data.get("period")
        period = (
            Period(dt.date.fromisoformat(raw["start"]), dt.date.fromisoformat(raw["end"]), raw["label"])
            if raw
            else None
        )
        return ReportQuery(
            metric=data["metric"],
            period=period,
            group_by=data.get("group_by"),
            filters=dict(data.get("filters") or {}),
            limit=data.get("limit"),
            language=data.get("language", "en"),
        )
    except (KeyError, TypeError, ValueError):
        logger.warning("ignoring an unreadable previous report query on the thread")
        return None


# ----- understand ----------------------------------------------------------------------------


def _metric_list(language: str) -> str:
    names = _NAMES[language]
    return ", ".join(names.get(metric, metric.replace("_", " ")) for metric in METRICS)


def _help_answer(language: str) -> str:
    if language == "vi":
        return (
            f"Tôi chưa hiểu câu hỏi này. Tôi có thể trả lời về: {_metric_list('vi')}. "
            'Ví dụ: "AUM của tôi là bao nhiêu?", "Tiền gửi mới tháng này theo phân khúc".'
        )
    return (
        f"I did not understand that question. I can answer questions about: {_metric_list('en')}. "
        'For example: "What is my AUM?", "New deposits this month by segment".'
    )


def _refusal(reason: str, language: str) -> dict[str, Any]:
    text = _REFUSALS_VI.get(reason, reason) if language == "vi" else reason
    prefix = "Tôi không thể thực hiện yêu cầu này" if language == "vi" else "I can't do that"
    return {"refused": True, "refusal_reason": text, "answer": f"{prefix}: {text}", "sql": None}


def _fresh_turn(question: str) -> dict[str, Any]:
    """Everything one question produces, reset so a thread's previous answer never leaks into this one."""
    return {
        "question": question,
        "tables": [],
        "schemas": [],
        "selected": {},
        "draft_sql": None,
        "guard_error": None,
        "repairs": 0,
        "sql": None,
        "columns": [],
        "rows": [],
        "truncated": False,
        "refused": False,
        "refusal_reason": None,
        "failure": None,
        "answer": "",
        "chart_svg": None,
    }


def understand(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The rules read the question (a follow-up builds on the thread's previous one); refusals stop here."""
    question = state["question"].strip()
    fresh = _fresh_turn(state["question"])
    previous = _query_from_json(state.get("report_query"))
    try:
        query = parse_question(question, runtime.context.resolved_today(), previous, rm_id=runtime.context.rm_id)
        build_sql(query, runtime.context.database().dialect)  # a query the rules cannot write is not understood
    except NotAllowed as error:
        language = detect_language(question)
        logger.info("performance question refused by the rules")
        return {**fresh, "language": language, "engine": "rules", **_refusal(str(error), language)}
    except NotUnderstood:
        language = detect_language(question)
        if runtime.context.chat_model() is None:
            return {**fresh, "language": language, "engine": "rules", "answer": _help_answer(language)}
        return {**fresh, "language": language, "engine": "model", "report_query": None}
    return {**fresh, "language": query.language, "engine": "rules", "report_query": _query_json(query)}


def route_after_understand(state: PerformanceState) -> Literal["list_tables", "__end__"]:
    return "__end__" if state.get("refused") or state.get("answer") else "list_tables"


# ----- the CRM's tables ----------------------------------------------------------------------


def list_tables(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The tables a guarded query may read, as the CRM API lists them."""
    return {"tables": [table.model_dump() for table in _crm(runtime).list_tables()]}


def fetch_schemas(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The schemas of the relevant tables: the rule metric's tables, or every listed table for the model to pick."""
    listed = [table["name"] for table in state.get("tables", [])]
    if state.get("engine") == "rules":
        query = _query_from_json(state.get("report_query"))
        wanted = set(_rule_columns(query)) if query else set()
        names = [name for name in listed if name in wanted]
    else:
        names = listed
    crm = _crm(runtime)
    return {"schemas": [crm.table_schema(name).model_dump() for name in names]}


def _rule_columns(query: ReportQuery) -> dict[str, list[str]]:
    columns = {table: list(names) for table, names in _RULE_COLUMNS.get(query.metric, {}).items()}
    if query.metric == "targets":
        base = query.filters.get("target_metric", "aum")
        for table, names in _RULE_COLUMNS.get(base, {}).items():
            columns.setdefault(table, list(names))
    return columns


def _known_columns(state: PerformanceState) -> dict[str, list[str]]:
    return {schema["name"]: [column["name"] for column in schema["columns"]] for schema in state.get("schemas", [])}


def _selection_prompt(state: PerformanceState) -> str:
    lines = [
        f"- {schema['name']}: {schema['description']}; columns: {', '.join(c['name'] for c in schema['columns'])}"
        for schema in state.get("schemas", [])
    ]
    return load_prompt("performance_select").format(tables="\n".join(lines), question=state["question"].strip())


def _prompt_safe(text: str, runtime: Runtime[AgentContext]) -> str:
    return _redact(text, runtime.context.rm_id)


def select_columns(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The tables and columns the query needs: the rule metric's, or the model's pick from the schemas."""
    known = _known_columns(state)
    if state.get("engine") == "rules":
        query = _query_from_json(state.get("report_query"))
        wanted = _rule_columns(query) if query else {}
        missing = sorted(table for table in wanted if table not in known)
        if missing:
            logger.error("the rules need tables the CRM API does not list: %s", missing)
        rule_pick = {table: [c for c in names if c in known.get(table, [])] for table, names in wanted.items()}
        return {"selected": {table: names for table, names in rule_pick.items() if names}}
    outcome = structured_call(
        runtime.context.chat_model(),
        ColumnSelection,
        [HumanMessage(content=_prompt_safe(_selection_prompt(state), runtime))],
        fallback=ColumnSelection,
        task="performance.select_columns",
    )
    selected: dict[str, list[str]] = {}
    for choice in outcome.value.tables:
        if choice.table not in known:
            continue
        columns = [c for c in known[choice.table] if c in choice.columns or c in _ID_COLUMNS]
        if columns:
            selected[choice.table] = columns
    if not selected:  # the model picked nothing usable: show it every table (a longer prompt, still no ids)
        selected = {table: list(columns) for table, columns in known.items()}
    return {"selected": selected}


# ----- SQL -----------------------------------------------------------------------------------


def _schema_lines(state: PerformanceState) -> str:
    selected = state.get("selected", {})
    lines = []
    for schema in state.get("schemas", []):
        names = selected.get(schema["name"])
        if not names:
            continue
        parts = []
        for column in schema["columns"]:
            if column["name"] not in names:
                continue
            text = f"{column['name']} {column['type']}"
            if column.get("allowed_values"):
                text += f" ({'|'.join(column['allowed_values'])})"
            if column.get("references"):
                text += f" -> {column['references']}"
            parts.append(text)
        lines.append(f"  - {schema['name']}({', '.join(parts)})")
    return "\n".join(lines)


def _sql_prompt(state: PerformanceState, runtime: Runtime[AgentContext]) -> str:
    repair = ""
    if state.get("guard_error") and state.get("draft_sql"):
        repair = (
            f"\nYour previous query was not accepted: {state['guard_error']}\n"
            f"Previous query:\n{state['draft_sql']}\nWrite a corrected query."
        )
    return load_prompt("performance_sql").format(
        dialect="SQLite" if runtime.context.database().dialect == "sqlite" else "PostgreSQL",
        schema=_schema_lines(state),
        today=runtime.context.resolved_today().isoformat(),
        question=state["question"].strip(),
        repair=repair,
    )


def _extract_sql(text: str) -> str | None:
    fenced = _FENCE.search(text)
    sql = (fenced.group(1) if fenced else text).strip().rstrip(";").strip()
    return sql or None


def generate_sql(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The rules' SQL, or the model's from a short prompt with only the selected columns (and, on a repair,
    the guard's reason for refusing the previous attempt)."""
    if state.get("engine") == "rules":
        query = _query_from_json(state.get("report_query"))
        if query is None:  # pragma: no cover - understand always stores the query on the rules path
            return {"draft_sql": None, "failure": "no query"}
        return {"draft_sql": build_sql(query, runtime.context.database().dialect)}
    outcome = text_call(
        runtime.context.chat_model(),
        [HumanMessage(content=_prompt_safe(_sql_prompt(state, runtime), runtime))],
        fallback=lambda: "",
        task="performance.generate_sql",
    )
    sql = _extract_sql(outcome.value) if outcome.from_model else None
    if sql is None:
        return {"draft_sql": None, "guard_error": None, "failure": outcome.error or "the model wrote no SQL"}
    return {"draft_sql": sql}


_WRITE_KEYWORDS = frozenset(
    {"insert", "update", "delete", "merge", "upsert", "replace", "drop", "create", "alter", "truncate", "grant",
     "revoke", "attach", "detach", "pragma", "vacuum", "reindex", "copy", "call", "do", "exec", "execute", "set",
     "reset", "lock", "comment", "refresh", "cluster", "import", "load"}
)  # fmt: skip


def _first_word(sql: str) -> str:
    match = _FIRST_WORD.match(sql)
    return match.group(1).lower() if match else ""


def _retry_or_fail(state: PerformanceState, reason: str) -> dict[str, Any]:
    if state.get("repairs", 0) < MAX_REPAIRS:
        return {"guard_error": reason, "repairs": state.get("repairs", 0) + 1}
    return {"guard_error": None, "failure": reason}


def validate(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The CRM guard checks the SQL without running it; a model's refused SQL goes back to the model once."""
    sql = state.get("draft_sql")
    if not sql or state.get("failure"):
        return {"guard_error": None, "failure": state.get("failure") or "no SQL"}
    language = _language(state)
    if _first_word(sql) in _WRITE_KEYWORDS:  # a write or DDL is refused outright, never "repaired"
        logger.warning("refused a %s statement that is not a read", state.get("engine"))
        return {"guard_error": None, **_refusal(REFUSE_WRITE, language)}
    try:
        if _first_word(sql) not in ("select", "with"):
            raise QueryRefused("refused: the reply is not one SELECT statement")
        if state.get("engine") == "model" and _LITERAL_RM_ID.search(sql):
            raise QueryRefused("refused: write the :rm_id placeholder instead of a literal RM id")
        scope_query(sql, rm_id=runtime.context.rm_id, dialect=runtime.context.database().dialect,
                    today=runtime.context.resolved_today())  # fmt: skip
    except QueryRefused as error:
        if state.get("engine") == "rules":
            logger.error("the guard refused the rules' SQL (a bug in the semantic layer): %s", error.reason)
            return {"guard_error": None, "refused": True, "refusal_reason": error.reason, "sql": None}
        logger.info("the guard refused the model's SQL: %s", error.reason)
        return _retry_or_fail(state, error.reason)
    return {"guard_error": None}


def route_after_validate(state: PerformanceState) -> Literal["execute", "generate_sql", "answer"]:
    if state.get("refused") or state.get("failure"):
        return "answer"
    return "generate_sql" if state.get("guard_error") else "execute"


def execute(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Run the validated SQL read-only, scoped to the signed-in RM."""
    sql = state.get("draft_sql") or ""
    try:
        result = run_guarded_query(
            runtime.context.database(), sql, rm_id=runtime.context.rm_id, today=runtime.context.resolved_today()
        )
    except QueryRefused as error:
        if state.get("engine") == "rules":
            logger.error("the rules' SQL failed to run: %s", error.reason)
            return {"failure": error.reason}
        logger.info("the model's SQL failed to run: %s", error.reason)
        return _retry_or_fail(state, error.reason)
    return {"sql": sql, "columns": result.columns, "rows": result.rows, "truncated": result.truncated}


def route_after_execute(state: PerformanceState) -> Literal["generate_sql", "answer"]:
    return "generate_sql" if state.get("guard_error") else "answer"


# ----- answer --------------------------------------------------------------------------------


def _period_text(query: ReportQuery, language: str) -> str:
    if query.period is None or (query.metric in POINT_IN_TIME and query.filters.get("onboarded") != "in_period"):
        return ""
    if language == "vi":
        return f" ({query.period.start:%d/%m/%Y} – {query.period.end:%d/%m/%Y})"
    return f", {query.period.label}"


def _cell(value: Any, language: str, *, money: bool = False) -> str:
    if value is None:
        return "—" if language == "en" else "chưa có"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_amount(value, language) if money else format_number(value, language)
    text = str(value)
    if language == "vi" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return text


def _row_dict(columns: list[str], row: list[Any]) -> dict[str, Any]:
    return dict(zip(columns, row, strict=False))


def _list_line(metric: str, item: dict[str, Any], language: str) -> str:
    vi = language == "vi"
    if metric in ("open_tasks", "overdue_tasks"):
        due = _cell(item.get("due_on"), language)
        return f"{item.get('title')} – {item.get('client_name')} ({'hạn' if vi else 'due'} {due})"
    if metric == "complaints_open":
        return f"{item.get('client_name')}: {item.get('category')} ({_cell(item.get('opened_on'), language)}) – " + str(
            item.get("summary") or ""
        )
    if metric == "inactive_clients":
        last = item.get("last_contacted")
        if last:
            when = f"{'liên hệ lần cuối' if vi else 'last contacted'} {_cell(last, language)}"
        else:
            when = "chưa từng liên hệ" if vi else "never contacted"
        return f"{item.get('full_name')} ({item.get('segment')}) – {when}"
    if metric == "upcoming_maturities":
        amount = format_amount(item.get("amount_vnd"), language)
        return f"{item.get('client_name')}: {item.get('kind')} {amount}, {'đáo hạn' if vi else 'matures'} " + _cell(
            item.get("maturity_on"), language
        )
    balance = item.get("loan_balance", item.get("aum"))  # top clients by AUM, or by what they owe
    return f"{item.get('full_name')} ({item.get('segment')}): {format_amount(balance, language)}"


def _chart(title: str, items: list[tuple[str, float]], language: str, money: bool) -> str | None:
    if not 2 <= len(items) <= MAX_CHART_ROWS:
        return None
    return bar_chart_svg(
        title,
        items,
        value_label=(lambda v: format_amount(v, language)) if money else (lambda v: format_number(v, language)),
    )


def _rules_answer(query: ReportQuery, state: PerformanceState, language: str) -> tuple[str, str | None]:
    columns, rows = state.get("columns", []), state.get("rows", [])
    names = _NAMES[language]
    metric = query.metric
    title = names.get(metric, metric)
    if metric == "top_clients" and query.filters.get("rank_by") == "loan":
        title = "Khách hàng có dư nợ vay lớn nhất" if language == "vi" else "Top clients by loan balance"
    if query.filters.get("segment"):
        title += f" – {query.filters['segment']}"
    period = _period_text(query, language)
    if not rows:
        return f"{title}{period}: {'không có kết quả' if language == 'vi' else 'no results'}.", None
    money = metric in _MONEY_METRICS
    if metric == "targets":
        item = _row_dict(columns, rows[0])
        base = query.filters.get("target_metric", "aum")
        phrase = target_phrase(item.get("actual"), item.get("target"), language, money=base in _MONEY_METRICS)
        return f"{names.get(base, base)} ({item.get('period')}): {phrase}", None
    if metric == "performance_summary":
        lines = []
        for row in rows:
            item = _row_dict(columns, row)
            base = str(item.get("metric"))
            phrase = target_phrase(item.get("actual"), item.get("target"), language, money=base in _MONEY_METRICS)
            lines.append(f"{names.get(base, base)}: {phrase}")
        return f"{title}{period}:\n{bullet_list(lines, language)}", None
    if metric == "upcoming_maturities" and query.filters.get("output") == "sum":
        item = _row_dict(columns, rows[0])
        accounts = int(item.get("accounts") or 0)
        noun = "khoản" if language == "vi" else "accounts" if accounts != 1 else "account"
        total = format_amount(item.get("amount_vnd") or 0, language)
        return f"{title}{period}: {total} ({accounts} {noun})", None
    if query.filters.get("output") == "count" or metric not in _LIST_METRICS:
        if query.group_by in ("segment", "month") and len(columns) == 2:
            items = [(str(row[0]), float(row[1] or 0)) for row in rows]
            lines = [f"{label}: {_cell(value, language, money=money)}" for label, value in items]
            by = {
                ("segment", "vi"): "theo phân khúc", ("segment", "en"): "by segment",
                ("month", "vi"): "theo tháng", ("month", "en"): "by month",
            }[(query.group_by, "vi" if language == "vi" else "en")]  # fmt: skip
            chart = _chart(f"{title} {by}", items, language, money)
            return f"{title} {by}{period}:\n{bullet_list(lines, language)}", chart
        return f"{title}{period}: {_cell(rows[0][-1], language, money=money)}", None
    lines = [_list_line(metric, _row_dict(columns, row), language) for row in rows]
    more = " (+)" if state.get("truncated") else ""
    return f"{title}{period}: {len(rows)}{more}\n{bullet_list(lines, language)}", None


def _model_answer(state: PerformanceState, language: str) -> tuple[str, str | None]:
    columns, rows = state.get("columns", []), state.get("rows", [])
    if not rows:
        return ("Không có kết quả." if language == "vi" else "No results."), None
    lower = [column.lower() for column in columns]
    if "actual" in lower and "target" in lower:
        lines = []
        for row in rows:
            item = _row_dict(lower, row)
            label = item.get("metric") or item.get("period") or ""
            money = str(label) not in ("client_contacts",)
            phrase = target_phrase(item.get("actual"), item.get("target"), language, money=money)
            lines.append(f"{label}: {phrase}" if label else phrase)
        return bullet_list(lines, language), None
    if len(rows) == 1 and len(columns) == 1:
        money = bool(_MONEY_COLUMN.search(columns[0]))
        return f"{columns[0].replace('_', ' ')}: {_cell(rows[0][0], language, money=money)}", None
    lines = []
    for row in rows:
        pairs = zip(columns, row, strict=False)
        cells = [_cell(value, language, money=bool(_MONEY_COLUMN.search(name))) for name, value in pairs]
        lines.append(" · ".join(cells))
    heading = "Kết quả" if language == "vi" else "Here is what I found"
    chart = None
    if len(columns) == 2 and all(
        isinstance(row[1], (int, float)) and not isinstance(row[1], bool) and not isinstance(row[0], (int, float))
        for row in rows
    ):
        items = [(str(row[0]), float(row[1])) for row in rows]
        chart = _chart(columns[1].replace("_", " "), items, language, bool(_MONEY_COLUMN.search(columns[1])))
    return f"{heading} ({len(rows)}):\n{bullet_list(lines, language)}", chart


def _failure_answer(language: str) -> str:
    if language == "vi":
        return f"Xin lỗi, tôi không trả lời được câu hỏi này. Anh/chị có thể hỏi về: {_metric_list('vi')}."
    return f"Sorry, I could not answer this question. You can ask me about: {_metric_list('en')}."


def answer(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The result in the RM's language: formatted amounts, target comparisons, short lists, a chart for breakdowns."""
    language = _language(state)
    if state.get("refused"):
        reason = state.get("refusal_reason") or REFUSE_WRITE
        return {**_refusal(reason, language), "rows": [], "columns": []}
    if state.get("failure") or state.get("sql") is None:
        logger.info("performance question not answered: %s", state.get("failure"))
        return {"answer": _failure_answer(language), "sql": None, "chart_svg": None}
    query = _query_from_json(state.get("report_query")) if state.get("engine") == "rules" else None
    text, chart = _rules_answer(query, state, language) if query else _model_answer(state, language)
    if state.get("truncated"):
        text += "\n" + ("(Kết quả đã được rút gọn.)" if language == "vi" else "(The result was cut short.)")
    return {"answer": text, "chart_svg": chart}
