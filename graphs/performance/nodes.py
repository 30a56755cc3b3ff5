"""The performance-reporting steps: understand → list tables → fetch schemas → select columns → generate SQL
→ validate → execute (read-only) → answer.

The rules (``tools.reporting.semantic_layer``) answer the questions they know, instantly and the same way
every time; only what they do not know goes to the model (``tools.reporting.text_to_sql``), which sees the
question, today's date and the relevant tables' columns, never an RM id, a client id or a URL. Every query,
the rules' included, passes the CRM guard (``tools.reporting.guard``) before it runs, and runs read-only and
scoped to the signed-in RM. Writes, DDL and another RM's data are refused with a reason and never executed.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Literal

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.performance import copy
from graphs.performance.state import PerformanceState
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language, supported_language
from tools.core.llm.models import structured_call, text_call
from tools.core.settings import reporting_composer
from tools.crm.api import CrmApi
from tools.reporting.composer import (
    Plan,
    Reading,
    Vocabulary,
    compile_plan,
    plan_tables,
    read_follow_up,
    read_question,
    spelled_out,
)
from tools.reporting.guard import (
    QueryRefused,
    check_model_sql,
    is_write,
    redact_ids,
    run_guarded_query,
    scope_query,
    sql_of_reply,
)
from tools.reporting.semantic_layer import (
    REFUSE_OTHER_RM,
    REFUSE_WRITE,
    NotAllowed,
    NotUnderstood,
    ReportQuery,
    build_sql,
    check_allowed,
    columns_for,
    parse_question,
)
from tools.reporting.text_to_sql import ColumnSelection, picked_columns, schema_lines, selection_prompt, sql_prompt

logger = logging.getLogger(__name__)

#: How many times a model's refused (or failing) SQL is sent back to it with the reason.
MAX_REPAIRS = 1


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _language(state: PerformanceState) -> str:
    return supported_language(state.get("language"))


def _query(state: PerformanceState) -> ReportQuery | None:
    return ReportQuery.from_json(state.get("report_query"))


def _vocabulary(runtime: Runtime[AgentContext]) -> Vocabulary:
    """The bank's own names a question may use: its products, the occupations and the names of this RM's clients."""
    products, occupations, names, cities = _crm(runtime).reporting_vocabulary()
    return Vocabulary(tuple(products), tuple(occupations), tuple(names), tuple(cities))


def _plan(state: PerformanceState) -> Plan | None:
    raw = state.get("plan")
    return Plan.from_json(raw) if raw else None


def _refused(reason: str, language: str) -> dict[str, Any]:
    result = {"refused": True, "refusal_reason": copy.refusal_reason(reason, language), "columns": [], "rows": []}
    return {**turn(copy.refusal(reason, language), status="refused", result=result, language=language), "sql": None}


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
        "refusal": None,
        "failure": None,
        "plan": None,
        **turn(""),
    }


# ----- understand ----------------------------------------------------------------------------


def understand(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Refusals first; then the composer reads the question word by word; what it leaves to the fixed metrics
    (targets, the summary, a follow-up) goes to the rules; a word nobody understood is said, never dropped."""
    question = read_text(state["question"])
    fresh = _fresh_turn(question)
    language = detect_language(question)
    today = runtime.context.resolved_today()
    try:
        check_allowed(question, runtime.context.rm_id)
        if _crm(runtime).colleague_named(question):
            raise NotAllowed(REFUSE_OTHER_RM)
    except NotAllowed as error:
        logger.info("performance question refused by the rules")
        return {**fresh, "engine": "rules", **_refused(str(error), language)}
    vocabulary = _vocabulary(runtime) if reporting_composer() else None
    reading = read_question(question, today, vocabulary) if vocabulary else Reading(None, legacy=True)
    previous = _plan(state)
    if reading.legacy and previous is not None and previous.question:
        follow_up = read_follow_up(question, previous.question, today, vocabulary)
        if follow_up.plan is not None:
            reading = follow_up
    if reading.plan is not None:
        try:
            compile_plan(reading.plan, runtime.context.database().dialect)
        except ValueError:
            logger.info("the composer read the question but cannot write its query")
        else:
            return {**fresh, "language": reading.plan.language, "engine": "composer", "plan": reading.plan.to_json(),
                    "report_query": None}  # fmt: skip
    unknown = list(reading.unknown_words)
    if reading.legacy:
        try:
            query = parse_question(
                question, today, _query(state), rm_id=runtime.context.rm_id, spelled_out=spelled_out(question)
            )
            if reading.target_metric and query.metric in ("targets", "performance_summary"):
                # the lexicon read which target ("KPI HĐV" is new deposits): that one, not the whole summary
                filters = {**query.filters, "target_metric": reading.target_metric}
                query = dataclasses.replace(query, metric="targets", filters=filters)
            build_sql(query, runtime.context.database().dialect)  # a query the rules cannot write is not understood
        except NotAllowed as error:
            return {**fresh, "engine": "rules", **_refused(str(error), language)}
        except NotUnderstood:
            pass
        else:
            return {**fresh, "language": query.language, "engine": "rules", "report_query": query.to_json()}
    if runtime.context.chat_model() is None:
        text = copy.help_answer(language, unknown, uncombined=not unknown and not reading.legacy)
        help_turn = turn(text, result={"engine": "rules", "not_understood": unknown}, language=language)
        return {**fresh, "engine": "rules", **help_turn}
    return {**fresh, "language": language, "engine": "model", "report_query": None}


def route_after_understand(state: PerformanceState) -> Literal["list_tables", "__end__"]:
    return "__end__" if state.get("answer") else "list_tables"


# ----- the CRM's tables ----------------------------------------------------------------------


def list_tables(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The tables a guarded query may read, as the CRM API lists them."""
    return {"tables": [table.model_dump() for table in _crm(runtime).list_tables()]}


def fetch_schemas(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The schemas of the relevant tables: the rule metric's, or every listed table for the model to pick."""
    listed = [table["name"] for table in state.get("tables", [])]
    query = _query(state)
    if state.get("engine") == "rules":
        wanted = set(columns_for(query)) if query else set()
        listed = [name for name in listed if name in wanted]
    elif state.get("engine") == "composer":
        plan = _plan(state)
        wanted = plan_tables(plan) if plan else {"clients"}
        listed = [name for name in listed if name in wanted]
    crm = _crm(runtime)
    return {"schemas": [crm.table_schema(name).model_dump() for name in listed]}


def select_columns(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The tables and columns the query needs: the rule metric's, or the model's pick from the schemas."""
    known = {schema["name"]: [column["name"] for column in schema["columns"]] for schema in state.get("schemas", [])}
    if state.get("engine") == "rules":
        query = _query(state)
        wanted = columns_for(query) if query else {}
        missing = sorted(table for table in wanted if table not in known)
        if missing:
            logger.error("the rules need tables the CRM API does not list: %s", missing)
        picked = {table: [c for c in names if c in known.get(table, [])] for table, names in wanted.items()}
        return {"selected": {table: names for table, names in picked.items() if names}}
    if state.get("engine") == "composer":
        return {"selected": known}
    prompt = redact_ids(selection_prompt(state.get("schemas", []), state["question"]), runtime.context.rm_id)
    outcome = structured_call(
        runtime.context.chat_model(),
        ColumnSelection,
        [HumanMessage(content=prompt)],
        fallback=ColumnSelection,
        task="performance.select_columns",
    )
    return {"selected": picked_columns(known, outcome.value)}


# ----- SQL -----------------------------------------------------------------------------------


def generate_sql(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The rules' SQL, or the model's from a short prompt with only the selected columns (and, on a repair,
    the guard's reason for refusing the previous attempt)."""
    database = runtime.context.database()
    query = _query(state)
    if state.get("engine") == "rules" and query is not None:
        return {"draft_sql": build_sql(query, database.dialect)}
    plan = _plan(state)
    if state.get("engine") == "composer" and plan is not None:
        return {"draft_sql": compile_plan(plan, database.dialect)}
    prompt = sql_prompt(
        dialect=database.dialect,
        schema=schema_lines(state.get("schemas", []), state.get("selected", {})),
        today=runtime.context.resolved_today().isoformat(),
        question=state["question"],
        previous_sql=state.get("draft_sql"),
        refusal=state.get("guard_error"),
    )
    outcome = text_call(
        runtime.context.chat_model(),
        [HumanMessage(content=redact_ids(prompt, runtime.context.rm_id))],
        fallback=lambda: "",
        task="performance.generate_sql",
    )
    sql = sql_of_reply(outcome.value) if outcome.from_model else None
    if sql is None:
        return {"draft_sql": None, "guard_error": None, "failure": outcome.error or "the model wrote no SQL"}
    return {"draft_sql": sql}


def _retry_or_fail(state: PerformanceState, reason: str) -> dict[str, Any]:
    if state.get("repairs", 0) < MAX_REPAIRS:
        return {"guard_error": reason, "repairs": state.get("repairs", 0) + 1}
    return {"guard_error": None, "failure": reason}


def validate(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The CRM guard checks the SQL without running it; a model's refused SQL goes back to the model once."""
    sql = state.get("draft_sql")
    if not sql or state.get("failure"):
        return {"guard_error": None, "failure": state.get("failure") or "no SQL"}
    if is_write(sql):  # a write or DDL is refused outright, never "repaired"
        logger.warning("refused a %s statement that is not a read", state.get("engine"))
        return {"guard_error": None, "refusal": REFUSE_WRITE}
    try:
        if state.get("engine") == "model":
            check_model_sql(sql)
        scope_query(sql, rm_id=runtime.context.rm_id, dialect=runtime.context.database().dialect,
                    today=runtime.context.resolved_today())  # fmt: skip
    except QueryRefused as error:
        if state.get("engine") in ("rules", "composer"):
            logger.error("the guard refused the %s' SQL (a bug): %s", state.get("engine"), error.reason)
            return {"guard_error": None, "refusal": error.reason}
        logger.info("the guard refused the model's SQL: %s", error.reason)
        return _retry_or_fail(state, error.reason)
    return {"guard_error": None}


def route_after_validate(state: PerformanceState) -> Literal["execute", "generate_sql", "answer"]:
    if state.get("refusal") or state.get("failure"):
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
        if state.get("engine") in ("rules", "composer"):
            logger.error("the %s' SQL failed to run: %s", state.get("engine"), error.reason)
            return {"failure": error.reason}
        logger.info("the model's SQL failed to run: %s", error.reason)
        return _retry_or_fail(state, error.reason)
    return {"sql": sql, "columns": result.columns, "rows": result.rows, "truncated": result.truncated}


def route_after_execute(state: PerformanceState) -> Literal["generate_sql", "answer"]:
    return "generate_sql" if state.get("guard_error") else "answer"


# ----- answer --------------------------------------------------------------------------------


def answer(state: PerformanceState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The result in the RM's language: formatted amounts, target comparisons, short lists, a chart for breakdowns."""
    language = _language(state)
    if state.get("refusal"):
        return _refused(str(state["refusal"]), language)
    engine = state.get("engine")
    if state.get("failure") or state.get("sql") is None:
        logger.info("performance question not answered: %s", state.get("failure"))
        return {**turn(copy.failure_answer(language), status="failed", result={"engine": engine}, language=language),
                "sql": None}  # fmt: skip
    columns, rows, truncated = state.get("columns", []), state.get("rows", []), bool(state.get("truncated"))
    query = _query(state) if engine == "rules" else None
    plan = _plan(state) if engine == "composer" else None
    if plan is not None:
        text, chart = copy.composed_answer(plan, columns, rows, language)
        understood = copy.composed_understood(plan, language)
    elif query is not None:
        text, chart = copy.rules_answer(query, columns, rows, truncated, language, runtime.context.resolved_today())
        understood = copy.understood_as(query, language)
    else:
        text, chart = copy.model_answer(columns, rows, language)
        understood = copy.understood_by_model(language)
    if truncated:
        text += "\n" + copy.cut_short(language)
    result = {"columns": columns, "rows": rows, "truncated": truncated, "sql": state.get("sql"), "engine": engine,
              "refused": False, "refusal_reason": None}  # fmt: skip
    answered = turn(text, result=result, language=language, chart_svg=chart, understood_as=understood)
    return covered(state["question"], answered)
