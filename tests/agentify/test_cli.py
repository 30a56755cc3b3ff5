"""The ``agentify`` command line: what it prints and how it exits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentify.cli import main
from stores.db import Database
from stores.fixtures import load_fixture
from tests.drivers import PROJECT_ROOT, count
from tests.http import bearer, free_port
from tools.crm.auth import issue_token, rm_for_token

AGENTIFY = Path(sys.executable).parent / "agentify"


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_load_then_refuse_then_replace(
    tmp_path: Path, small_bank: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = _write(tmp_path, "bank.json", small_bank)
    assert main(["crm", "load", str(fixture)]) == 0
    assert "clients=6" in capsys.readouterr().out

    assert main(["crm", "load", str(fixture)]) == 2
    assert "--replace" in capsys.readouterr().err

    assert main(["crm", "load", str(fixture), "--replace"]) == 0


def test_a_bad_fixture_names_table_row_and_column(
    tmp_path: Path, small_bank: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    small_bank["accounts"][1]["kind"] = "crypto"
    assert main(["crm", "load", str(_write(tmp_path, "bad.json", small_bank))]) == 2
    assert "accounts[1] (id 'A0002').kind" in capsys.readouterr().err
    assert Database().is_empty()


def test_query_prints_columns_and_rows(
    tmp_path: Path, small_bank: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["crm", "load", str(_write(tmp_path, "bank.json", small_bank))])
    capsys.readouterr()
    assert main(["crm", "query", "--rm", "RM001", "SELECT id FROM clients ORDER BY id"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output == {"columns": ["id"], "rows": [["C0001"], ["C0002"], ["C0003"], ["C0004"]]}


def test_refused_query_exits_2_with_the_reason(
    tmp_path: Path, small_bank: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["crm", "load", str(_write(tmp_path, "bank.json", small_bank))])
    capsys.readouterr()
    assert main(["crm", "query", "--rm", "RM001", "DELETE FROM clients"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "SELECT" in captured.err


def test_token_is_the_last_line_and_signs_in_that_rm(
    tmp_path: Path, small_bank: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    main(["crm", "load", str(_write(tmp_path, "bank.json", small_bank))])
    capsys.readouterr()
    assert main(["rm", "token", "RM002"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert rm_for_token(Database(), token) == "RM002"
    assert main(["rm", "token", "RM404"]) == 2


def test_demo_bank_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo.json"
    assert main(["demo-bank", "--clients", "200", "--seed", "3", "--today", "2025-10-24", "--out", str(out)]) == 0
    fixture = json.loads(out.read_text(encoding="utf-8"))
    assert len(fixture["clients"]) == 200 and fixture["today"] == "2025-10-24"

    assert main(["demo-bank", "--clients", "200", "--seed", "3", "--today", "2025-10-24"]) == 0
    assert "clients=200" in capsys.readouterr().out
    assert main(["demo-bank", "--clients", "200", "--seed", "3"]) == 2  # the store is not empty
    assert main(["demo-bank", "--clients", "10", "--seed", "3", "--replace"]) == 2  # below the minimum
    assert "200" in capsys.readouterr().err


def test_console_script_exit_codes(tmp_path: Path, small_bank: dict[str, Any]) -> None:
    """The installed ``agentify`` command, as a separate process."""
    env = {**os.environ, "AGENTIFY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    fixture = _write(tmp_path, "bank.json", small_bank)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(AGENTIFY), *args], env=env, capture_output=True, text=True, timeout=120)

    assert run("crm", "load", str(fixture)).returncode == 0
    ok = run("crm", "query", "--rm", "RM002", "SELECT count(*) AS n FROM clients")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"columns": ["n"], "rows": [[2]]}
    refused = run("crm", "query", "--rm", "RM002", "SELECT * FROM sqlite_master")
    assert refused.returncode == 2 and refused.stdout == "" and "sqlite_master" in refused.stderr


@pytest.mark.postgres
def test_the_cli_works_on_a_postgresql_url(
    postgres_db: Database, tmp_path: Path, small_bank: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """AGENTIFY_DATABASE_URL=postgresql+psycopg://… selects PostgreSQL, URL options included."""
    monkeypatch.setenv("AGENTIFY_DATABASE_URL", f"{postgres_db.url}?options=-csearch_path%3D{postgres_db.schema}")
    assert main(["crm", "load", str(_write(tmp_path, "bank.json", small_bank))]) == 0
    assert main(["crm", "query", "--rm", "RM001", "SELECT count(*) AS n FROM accounts"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == {"columns": ["n"], "rows": [[6]]}
    with postgres_db.engine.connect() as connection:  # the rows landed in the test's own schema
        assert not postgres_db.is_empty()
        assert connection.exec_driver_sql("SHOW timezone").scalar() == "Asia/Ho_Chi_Minh"


def test_up_builds_the_bank_the_indexes_the_nights_drafts_and_a_token_before_serving(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import agentify.cli as cli
    from stores.drafts import Draft
    from tools.crm.auth import rm_for_token

    monkeypatch.setenv("AGENTIFY_EMBEDDINGS", "hash")
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(cli, "_serve", lambda host, port: served.append((host, port)))

    assert cli.main(["up", "--clients", "200", "--today", "2025-10-24", "--port", "8123"]) == 0

    lines = capsys.readouterr().out.splitlines()
    token = next(line for line in lines if line.startswith("signed-in token for RM001:")).split(": ")[1]
    database = cli.Database()
    assert rm_for_token(database, token) == "RM001"
    drafts = count(database, Draft)
    night = next(line for line in lines if "new drafts" in line)
    assert drafts > 0 and f"{drafts} new drafts" in night
    assert served == [("127.0.0.1", 8123)]
    assert any("http://127.0.0.1:8123/" in line for line in lines)


def test_agentify_serve_answers_over_http(sqlite_db: Database, small_bank: dict[str, Any], tmp_path: Path) -> None:
    """``agentify serve --host H --port P``, the documented way, as a real process."""
    load_fixture(sqlite_db, small_bank)
    token = issue_token(sqlite_db, "RM001")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "AGENTIFY_DATABASE_URL": sqlite_db.url, "AGENTIFY_DATA_DIR": str(tmp_path / "data")}
    log_path = tmp_path / "server.log"
    command = [str(AGENTIFY), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                assert server.poll() is None, f"the server exited early:\n{log_path.read_text(errors='replace')}"
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"no /health in 20 s:\n{log_path.read_text(errors='replace')}"
                time.sleep(0.1)

            with httpx.Client(base_url=base, timeout=10) as http:
                found = http.get("/api/crm/clients", params={"phone": "+84 823 912 039"}, headers=bearer(token))
                assert found.status_code == 200
                assert [match["id"] for match in found.json()] == ["C0001"]
                assert http.get("/api/me").status_code == 401
            assert f"http://127.0.0.1:{port}/" in log_path.read_text(errors="replace")  # it says where it serves
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
