"""``agentify audit``: the admin's read of the calls made to a model outside the bank."""

from __future__ import annotations

import json

import pytest

from agentify.cli import main
from stores.db import Database
from tests.fakes import ScriptedChatModel
from tools.core.llm.models import text_call
from tools.policy.trust import masked


def test_each_call_is_a_line_and_no_prompt_text_is_shown(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit"]) == 0
    assert capsys.readouterr().out.strip() == "no model calls recorded"
    for rm_id in ("RM001", "RM002"):
        model = masked(ScriptedChatModel(default="ok"), store, rm_id=rm_id, label="openai:gpt-x")
        text_call(model, "Write to Pham Van Son at 0823912039", fallback=str, task="drafting.body")
    assert main(["audit", "--rm", "RM001"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "RM001" in line and "drafting.body" in line and "openai:gpt-x" in line and "masked=2" in line
    assert main(["audit", "--json"]) == 0
    rows = [json.loads(row) for row in capsys.readouterr().out.splitlines()]
    assert [row["rm_id"] for row in rows] == ["RM002", "RM001"] and all(row["outcome"] == "ok" for row in rows)
    assert "Pham" not in json.dumps(rows) and "0823912039" not in json.dumps(rows)
