"""``agentify tone`` and ``agentify rules``: the RM inspects and edits their voice and rules; bad input exits 2."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from agentify.cli import main
from stores.db import Database


def test_show_edit_and_history(store: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tone", "show", "--rm", "RM001"]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["rm_id"] == "RM001" and profile["version"] == 1
    assert profile["languages"]["vi"]["salutation"] == "Kính gửi {hon} {given},"  # from "Kính gửi chị Oanh,"

    profile["languages"]["vi"]["signoff"] = "Thân mến,"
    edited = tmp_path / "tone.json"
    edited.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    assert main(["tone", "edit", "--rm", "RM001", "--file", str(edited)]) == 0
    assert "version 2" in capsys.readouterr().out
    assert main(["tone", "show", "--rm", "RM001"]) == 0
    assert json.loads(capsys.readouterr().out)["languages"]["vi"]["signoff"] == "Thân mến,"
    assert main(["tone", "history", "--rm", "RM001"]) == 0
    assert [line.split("\t")[1] for line in capsys.readouterr().out.splitlines()] == ["learned", "edited"]


def test_a_bad_edit_is_refused_naming_the_problem_and_changes_nothing(
    store: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tone", "show", "--rm", "RM001"]) == 0
    profile = json.loads(capsys.readouterr().out)
    profile["languages"]["en"] = dict(profile["languages"].get("vi"), salutation="Dear {nickname},")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(profile), encoding="utf-8")
    assert main(["tone", "edit", "--rm", "RM001", "--file", str(bad)]) == 2
    assert "nickname" in capsys.readouterr().err
    bad.write_text("{not json", encoding="utf-8")
    assert main(["tone", "edit", "--rm", "RM001", "--file", str(bad)]) == 2
    assert "not a tone profile" in capsys.readouterr().err
    assert main(["tone", "history", "--rm", "RM001"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
    assert main(["tone", "show", "--rm", "RM404"]) == 2
    assert "RM404" in capsys.readouterr().err


def test_rules_add_list_remove_and_policy(store: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "add", "--rm", "RM001", "keep it short"]) == 0
    rule = json.loads(capsys.readouterr().out)
    assert main(["rules", "add", "--rm", "RM001", "--scope", "segment", "--value", "gold", "no emoji"]) == 0
    capsys.readouterr()
    assert main(["rules", "add", "--rm", "RM001", "always tell clients returns are guaranteed"]) == 2
    assert "policy" in capsys.readouterr().err
    assert main(["rules", "add", "--rm", "RM001", "--scope", "client", "--value", "C0101", "call him Binh"]) == 2
    assert "C0101" in capsys.readouterr().err  # another RM's client reads like an unknown one
    assert main(["rules", "list", "--rm", "RM001"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[1] for line in listed] == ["global", "segment:Gold"]
    assert main(["rules", "list", "--rm", "RM002"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["rules", "remove", "--rm", "RM002", rule["id"]]) == 2  # not RM002's
    capsys.readouterr()
    assert main(["rules", "remove", "--rm", "RM001", rule["id"]]) == 0
    capsys.readouterr()
    assert main(["rules", "list", "--rm", "RM001"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_text_typed_at_the_command_line_is_kept_in_one_form(
    store: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule pasted from a phone with decomposed accents is stored (and matched) as the composed text."""
    rule = 'xưng em, ký tên "Thu Hà"'
    assert main(["rules", "add", "--rm", "RM001", unicodedata.normalize("NFD", rule)]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == rule
