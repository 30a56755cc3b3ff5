"""The model path's prompts hold only the chosen columns; a model's pick is kept to real tables."""

from __future__ import annotations

from tools.reporting.text_to_sql import ColumnSelection, TableColumns, picked_columns, schema_lines, sql_prompt

SCHEMAS = [
    {"name": "clients", "description": "the RM's clients", "columns": [
        {"name": "id", "type": "TEXT"}, {"name": "segment", "type": "TEXT", "allowed_values": ["Diamond", "Gold"]},
        {"name": "phone", "type": "TEXT"}]},
]  # fmt: skip
KNOWN = {"clients": ["id", "segment", "phone"]}


def test_the_pick_keeps_real_columns_and_the_ids_joins_need() -> None:
    pick = ColumnSelection(tables=[TableColumns(table="clients", columns=["segment"]), TableColumns(table="pg_user")])
    assert picked_columns(KNOWN, pick) == {"clients": ["id", "segment"]}
    assert picked_columns(KNOWN, ColumnSelection()) == KNOWN  # nothing usable: every table


def test_the_sql_prompt_shows_only_the_selected_columns_and_the_repair() -> None:
    lines = schema_lines(SCHEMAS, {"clients": ["id", "segment"]})
    assert lines == "  - clients(id TEXT, segment TEXT (Diamond|Gold))"
    prompt = sql_prompt(dialect="sqlite", schema=lines, today="2025-10-24", question="How many Diamond clients?",
                        previous_sql="SELECT 1", refusal="refused: not a CRM table")  # fmt: skip
    assert "SQLite" in prompt and "phone" not in prompt and "refused: not a CRM table" in prompt
