"""What the performance graph carries from the question to the answer.

Everything is plain JSON so a thread checkpoints and resumes unchanged; ``report_query`` (the
last question the rules understood, as JSON) stays on the thread so follow-ups ("and last month?")
build on it.
"""

from __future__ import annotations

from typing import Any, Required

from typing_extensions import TypedDict

from graphs.turn import RequestText, TurnOutput


class PerformanceInput(TypedDict):
    question: RequestText


class PerformanceState(TurnOutput, total=False):
    question: Required[str]
    #: "composer" (measure × filters × shape), "rules" (the fixed metrics), "model" (text-to-SQL by the model).
    engine: str
    #: The composer's plan of the question (JSON), when it read it.
    plan: dict[str, Any] | None
    #: The ReportQuery the rules made of the latest understood question (JSON), kept for follow-ups.
    report_query: dict[str, Any] | None
    #: The queryable tables (name, description), as the CRM API lists them.
    tables: list[dict[str, str]]
    #: The schemas of the relevant tables (CRM API ``TableSchema`` as JSON).
    schemas: list[dict[str, Any]]
    #: table -> the columns the query needs.
    selected: dict[str, list[str]]
    #: The SQL proposed for validation (not yet run).
    draft_sql: str | None
    #: Why the guard refused the previous draft (fed back to the model once).
    guard_error: str | None
    repairs: int
    #: The SQL that was validated and executed, before scoping; None when nothing ran.
    sql: str | None
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    #: Why the request is refused (a write, another RM's data); None when it is not.
    refusal: str | None
    #: Why no answer could be computed (the model's SQL failed twice, …); None when all went well.
    failure: str | None
