"""The model path of performance reporting: which tables a question needs, and the prompt that asks for SQL.

Only the selected tables' columns go into a prompt (short prompts for small models), never an RM id,
a client id or a URL (``tools.reporting.guard.redact_ids``); whatever the model writes still passes
``check_model_sql`` and the guard before it runs.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from prompts import load_prompt

#: Columns every picked table keeps, whatever the model chose: joins need them.
_ID_COLUMNS = {"id", "client_id", "rm_id"}


class TableColumns(BaseModel):
    table: str = Field(description="a table name from the list")
    columns: list[str] = Field(default_factory=list, description="the columns of that table the query needs")


class ColumnSelection(BaseModel):
    """The model's choice of the tables and columns a question needs."""

    tables: list[TableColumns] = Field(default_factory=list)


def selection_prompt(schemas: list[dict[str, Any]], question: str) -> str:
    lines = [
        f"- {schema['name']}: {schema['description']}; columns: {', '.join(c['name'] for c in schema['columns'])}"
        for schema in schemas
    ]
    return load_prompt("performance/select").format(tables="\n".join(lines), question=question.strip())


def picked_columns(known: dict[str, list[str]], selection: ColumnSelection) -> dict[str, list[str]]:
    """The model's pick, kept to real tables and columns (plus the ids joins need); every table if none is usable."""
    selected: dict[str, list[str]] = {}
    for choice in selection.tables:
        if choice.table not in known:
            continue
        columns = [c for c in known[choice.table] if c in choice.columns or c in _ID_COLUMNS]
        if columns:
            selected[choice.table] = columns
    return selected or {table: list(columns) for table, columns in known.items()}


def schema_lines(schemas: list[dict[str, Any]], selected: dict[str, list[str]]) -> str:
    """The selected columns as the SQL prompt shows them: ``clients(id TEXT, segment TEXT (Diamond|…))``."""
    lines = []
    for schema in schemas:
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


def sql_prompt(
    *, dialect: str, schema: str, today: str, question: str, previous_sql: str | None, refusal: str | None
) -> str:
    """The prompt for one SQL query; on a repair, the previous query and why it was not accepted."""
    repair = ""
    if refusal and previous_sql:
        repair = (
            f"\nYour previous query was not accepted: {refusal}\n"
            f"Previous query:\n{previous_sql}\nWrite a corrected query."
        )
    return load_prompt("performance/sql").format(
        dialect="SQLite" if dialect == "sqlite" else "PostgreSQL",
        schema=schema,
        today=today,
        question=question.strip(),
        repair=repair,
    )
