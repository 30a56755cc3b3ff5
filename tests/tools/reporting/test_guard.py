"""The guarded read-only query, on SQLite and on PostgreSQL.

The hostile corpus is the heart: every statement either is refused by the
guard itself, or (for read-shaped attacks) runs and returns only RM001's data.
After each one the whole database is compared with a snapshot taken before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import DBAPIError

from stores.app_tables import APP_TABLES
from stores.db import Database
from stores.schema import CRM_TABLES, Base
from tools.reporting import guard as guard_module
from tools.reporting.guard import (
    ALLOWED_TABLES,
    QueryFailed,
    QueryRefused,
    QueryResult,
    QueryTimeout,
    run_guarded_query,
    scope_query,
)

TODAY = dt.date(2025, 10, 24)
RM = "RM001"

#: Anything that belongs to RM002 in tests/fixtures/small_bank.json: ids, names, phones, e-mails, amounts.
OTHER_RM_MARKERS = (
    "RM002",
    "Tran Minh Khoa",
    "khoa.tran@bank.example",
    "C0101",
    "C0102",
    "Trần Thị Dung",
    "Hoàng Đức Bình",
    "0945678901",
    "0956789012",
    "binh.hoang@mail.example",
    "A0101",
    "A0102",
    "9000000000",
    "3000000000",
    "12000000000",
    "T0101",
    "T0102",
    "I0101",
    "K0101",
    "CP0101",
    "M0101",
    "S0101",
    "Bán nhà Quận 7",
    "Transfer fee disputed",
)


def leaked_markers(result: QueryResult) -> list[str]:
    cells = [str(cell) for row in result.rows for cell in row]
    return sorted({marker for marker in OTHER_RM_MARKERS for cell in cells if marker in cell})


def snapshot(database: Database) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row of every CRM and Agentify table (through the read-write engine)."""
    state: dict[str, tuple[int, str]] = {}
    with database.engine.connect() as connection:
        existing = set(inspect(connection).get_table_names())
        for name in (*CRM_TABLES, *APP_TABLES):
            assert name in existing, f"table {name} is gone"
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(Base.metadata.tables[name])))
            state[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return state


def dialect_of(database: Database) -> str:
    return "sqlite" if database.dialect == "sqlite" else "postgres"


def run(database: Database, sql: str, *, rm_id: str = RM, **kwargs: Any) -> QueryResult:
    return run_guarded_query(database, sql, rm_id=rm_id, today=TODAY, **kwargs)


# --------------------------------------------------------------------------- the hostile corpus


@dataclass(frozen=True)
class Attack:
    id: str
    sql: str | dict[str, str]
    #: "refused" (by the guard itself) or "scoped" (runs, but only RM001's rows); per dialect when a dict.
    expect: str | dict[str, str]
    #: For refusals: a fragment the reason must contain.
    because: str = ""

    def sql_for(self, dialect: str) -> str:
        return self.sql if isinstance(self.sql, str) else self.sql[dialect]

    def expect_for(self, dialect: str) -> str:
        return self.expect if isinstance(self.expect, str) else self.expect[dialect]


R, S = "refused", "scoped"

ATTACKS: tuple[Attack, ...] = (
    # --- writes and DDL
    Attack(
        "insert",
        "INSERT INTO clients (id, rm_id, full_name, honorific, date_of_birth, phone, segment, risk_profile, "
        "preferred_channel, language, onboarded_on) VALUES ('C9999', 'RM001', 'X', 'Mr', '1990-01-01', "
        "'0999999999', 'Gold', 'balanced', 'email', 'en', '2025-01-01')",
        R,
        "only SELECT statements are allowed (got INSERT)",
    ),
    Attack("update", "UPDATE clients SET rm_id = 'RM001' WHERE id = 'C0101'", R, "got UPDATE"),
    Attack("delete", "DELETE FROM accounts", R, "got DELETE"),
    Attack("drop", "DROP TABLE clients", R, "got DROP"),
    Attack("alter", "ALTER TABLE clients ADD COLUMN pwned TEXT", R, "got ALTER"),
    Attack("create_as", "CREATE TABLE stolen AS SELECT * FROM clients", R, "got CREATE"),
    Attack("truncate", "TRUNCATE TABLE accounts", R, "got TRUNCATE"),
    Attack(
        "replace_into", "REPLACE INTO rms (id, full_name, email, branch, language) VALUES ('X','x','x','x','vi')", R
    ),
    Attack(
        "upsert",
        "INSERT INTO rms (id, full_name, email, branch, language) VALUES ('RM002','x','x','x','vi') "
        "ON CONFLICT (id) DO UPDATE SET full_name = 'pwned'",
        R,
        "got INSERT",
    ),
    Attack("merge", "MERGE INTO clients USING rms ON 1 = 1 WHEN MATCHED THEN DELETE", R),
    Attack("data_modifying_cte", "WITH gone AS (DELETE FROM clients RETURNING *) SELECT * FROM gone", R, "got DELETE"),
    # --- stacked statements and comment tricks
    Attack("stacked_drop", "SELECT 1; DROP TABLE clients", R, "exactly one SQL statement"),
    Attack("stacked_after_comment", "SELECT 1;-- \nDROP TABLE clients", R, "exactly one SQL statement"),
    Attack("trailing_comment_only", "SELECT id FROM clients;-- DROP TABLE clients", S),
    Attack("block_comment_hides_statement", "SELECT id FROM clients /* ; DROP TABLE clients */", S),
    Attack("statement_after_block_comment", "/* harmless */ DROP TABLE clients", R, "got DROP"),
    Attack("comment_splits_where", "SELECT * FROM clients WHERE rm_id = 'RM001' /* */ OR rm_id = 'RM002'", S),
    Attack("line_comment_drops_filter", "SELECT * FROM clients -- WHERE rm_id = 'RM001'\nWHERE 1 = 1", S),
    Attack("begin_delete_commit", "BEGIN; DELETE FROM clients; COMMIT", R, "exactly one SQL statement"),
    Attack("begin_alone", "BEGIN", R, "got BEGIN"),
    # --- engine commands
    Attack("pragma_writable_schema", "PRAGMA writable_schema = ON", R, "got PRAGMA"),
    Attack("pragma_table_info", "PRAGMA table_info(clients)", R, "got PRAGMA"),
    Attack("attach", "ATTACH DATABASE '/tmp/agentify_evil.db' AS evil", R, "got ATTACH"),
    Attack("detach", "DETACH DATABASE main", R),
    Attack("vacuum_into", "VACUUM INTO '/tmp/agentify_copy.db'", R, "got VACUUM"),
    Attack("select_into", "SELECT * INTO stolen FROM clients", R, "SELECT … INTO"),
    Attack("for_update", "SELECT * FROM clients FOR UPDATE", R, "FOR UPDATE"),
    Attack("copy_to_file", "COPY clients TO '/tmp/agentify_clients.csv'", R, "got COPY"),
    Attack("copy_program", "COPY (SELECT 1) TO PROGRAM 'id'", R),
    Attack("grant", "GRANT ALL ON clients TO PUBLIC", R, "got GRANT"),
    Attack("set", "SET statement_timeout = 0", R, "got SET"),
    Attack("call", "CALL do_something()", R),
    Attack("do_block", "DO $$ BEGIN DELETE FROM clients; END $$", R),
    Attack("explain", "EXPLAIN SELECT * FROM clients", R),
    # --- system catalogs and Agentify's own tables
    Attack("sqlite_master", "SELECT * FROM sqlite_master", R, "table 'sqlite_master' is not queryable"),
    Attack("sqlite_schema", "SELECT sql FROM sqlite_schema", R, "not queryable"),
    Attack("sqlite_temp_master", "SELECT * FROM sqlite_temp_master", R, "not queryable"),
    Attack("pg_tables", "SELECT * FROM pg_catalog.pg_tables", R, "schema-qualified"),
    Attack("pg_tables_unqualified", "SELECT * FROM pg_tables", R, "not queryable"),
    Attack("information_schema", "SELECT * FROM information_schema.tables", R, "schema-qualified"),
    Attack("pg_shadow", "SELECT usename, passwd FROM pg_shadow", R, "not queryable"),
    Attack("pg_user", "SELECT * FROM pg_user", R, "not queryable"),
    Attack("app_tokens", "SELECT * FROM agentify_api_tokens", R, "table 'agentify_api_tokens' is not queryable"),
    Attack("main_qualifier", "SELECT * FROM main.clients", R, "schema-qualified"),
    Attack("public_qualifier", "SELECT * FROM public.clients", R, "schema-qualified"),
    Attack("temp_qualifier", "SELECT * FROM temp.clients", R, "schema-qualified"),
    Attack("column_qualifier", 'SELECT "main"."clients"."id" FROM clients', R, "schema-qualified"),
    Attack(
        "cte_out_of_scope_system_table",
        "SELECT * FROM (WITH sqlite_master AS (SELECT 1 AS x) SELECT * FROM sqlite_master) AS q, sqlite_master",
        R,
    ),
    Attack("cte_forward_reference", "WITH a AS (SELECT * FROM pg_user), pg_user AS (SELECT 1) SELECT * FROM a", R),
    # --- functions
    Attack("pragma_function", "SELECT * FROM pragma_table_info('clients')", R, "table-valued function"),
    Attack("json_each", "SELECT * FROM json_each('[1,2]')", R, "table-valued function"),
    Attack("generate_series", "SELECT * FROM generate_series(1, 10)", R, "generate_series"),
    Attack("load_extension", "SELECT load_extension('/tmp/evil.so')", R, "load_extension"),
    Attack("readfile", "SELECT readfile('/etc/passwd')", R, "readfile"),
    Attack("zeroblob", "SELECT zeroblob(1000000000)", R, "zeroblob"),
    Attack("printf_huge", "SELECT printf('%1000000000d', 1)", R),
    Attack("sqlite_version", "SELECT sqlite_version()", R),
    Attack("pg_sleep", "SELECT pg_sleep(10)", R, "pg_sleep"),
    Attack("pg_sleep_qualified", "SELECT pg_catalog.pg_sleep(10)", R),
    Attack("pg_read_file", "SELECT pg_read_file('/etc/passwd')", R, "pg_read_file"),
    Attack("pg_ls_dir", "SELECT * FROM pg_ls_dir('.')", R, "table-valued function"),
    Attack("lo_import", "SELECT lo_import('/etc/passwd')", R, "lo_import"),
    Attack("set_config", "SELECT set_config('default_transaction_read_only', 'off', false)", R, "set_config"),
    Attack("current_setting", "SELECT current_setting('data_directory')", R, "current_setting"),
    Attack("dblink", "SELECT * FROM dblink('host=evil', 'SELECT 1') AS t(x int)", R, "dblink"),
    Attack("query_to_xml", "SELECT query_to_xml('SELECT * FROM clients', true, true, '')", R, "query_to_xml"),
    Attack("nextval", "SELECT nextval('some_sequence')", R, "nextval"),
    Attack("current_user", "SELECT current_user", R, "system information"),
    Attack(
        # On SQLite, REGEXP is a Python function: a catastrophic pattern would hang the process uninterruptibly.
        "regexp_redos",
        "SELECT id FROM clients WHERE full_name REGEXP '(a+)+$'",
        {"sqlite": R, "postgres": S},
        "regular expressions",
    ),
    Attack("repeat_huge", "SELECT repeat('x', 1000000000)", R, "literal size"),
    # --- placeholders and parameters
    Attack("dollar_parameter", "SELECT * FROM clients WHERE rm_id = $1", R),
    Attack("question_parameter", "SELECT * FROM clients WHERE rm_id = ?", R, "placeholder"),
    Attack("other_placeholder", "SELECT * FROM clients WHERE rm_id = :other_rm", R, "placeholder :other_rm"),
    Attack("rm_id_misuse", "SELECT * FROM clients WHERE rm_id = :rm_id OR rm_id = 'RM002'", S),
    # --- read-shaped leaks: they run, but see only RM001's rows
    Attack(
        "union_other_rm",
        "SELECT id, full_name, phone FROM clients WHERE rm_id = 'RM001' "
        "UNION SELECT id, full_name, phone FROM clients WHERE rm_id = 'RM002'",
        S,
    ),
    Attack("union_all_rms", "SELECT id, full_name FROM clients UNION ALL SELECT id, full_name FROM rms", S),
    Attack(
        "subquery_other_rm",
        "SELECT * FROM accounts WHERE client_id IN (SELECT id FROM clients WHERE rm_id = 'RM002')",
        S,
    ),
    Attack("or_1_eq_1", "SELECT * FROM clients WHERE rm_id = 'RM001' OR 1 = 1", S),
    Attack("not_my_rm", "SELECT * FROM clients WHERE rm_id <> 'RM001'", S),
    Attack(
        "join_via_relationships",
        "SELECT c.*, r.relation FROM relationships r JOIN clients c ON c.id = r.related_client_id "
        "WHERE r.client_id = 'C0004'",
        S,
    ),
    Attack("all_relationships", "SELECT * FROM relationships", S),
    Attack(
        "correlated_subquery",
        "SELECT c.id, (SELECT SUM(a.balance_vnd) FROM accounts a WHERE a.client_id = c.id) AS total, "
        "(SELECT o.full_name FROM clients o WHERE o.id = 'C0101') AS leaked FROM clients c",
        S,
    ),
    Attack(
        "exists_other_rm",
        "SELECT * FROM transactions t WHERE EXISTS (SELECT 1 FROM clients o WHERE o.rm_id = 'RM002')",
        S,
    ),
    Attack("cte_shadows_clients", "WITH clients AS (SELECT * FROM rms) SELECT * FROM clients", R, "shadow"),
    Attack("cte_shadows_quoted", 'WITH "Accounts" AS (SELECT 1 AS x) SELECT * FROM "Accounts"', R, "shadow"),
    Attack(
        "cte_reads_other_rm",
        "WITH other AS (SELECT * FROM clients WHERE rm_id = 'RM002') SELECT o.*, a.balance_vnd FROM other o "
        "LEFT JOIN accounts a ON a.client_id = o.id",
        S,
    ),
    Attack("rms_table", "SELECT * FROM rms", S),
    Attack("targets_table", "SELECT * FROM targets", S),
    Attack("sent_messages_table", "SELECT * FROM sent_messages", S),
    Attack("inbound_messages_table", "SELECT * FROM inbound_messages", S),
    Attack("tasks_and_interactions", "SELECT * FROM tasks t LEFT JOIN interactions i ON i.id = t.interaction_id", S),
    Attack("complaints_activity", "SELECT * FROM complaints, digital_activity", S),
    Attack("cross_join_clients", "SELECT a.id, b.id FROM clients a CROSS JOIN clients b", S),
    Attack("window_over_everyone", "SELECT id, COUNT(*) OVER () AS n FROM transactions", S),
    Attack("quoted_upper_table", 'SELECT * FROM "CLIENTS"', S),
    Attack("table_statement", "TABLE clients", {"sqlite": R, "postgres": S}),
    Attack(
        "char_trick",
        {
            "sqlite": "SELECT * FROM clients WHERE rm_id = CHAR(82, 77, 48, 48, 50)",
            "postgres": "SELECT * FROM clients WHERE rm_id = CHR(82) || CHR(77) || CHR(48) || CHR(48) || CHR(50)",
        },
        S,
    ),
    Attack(
        "hex_trick",
        {
            "sqlite": "SELECT * FROM clients WHERE rm_id = CAST(X'524D303032' AS TEXT)",
            "postgres": "SELECT * FROM clients WHERE rm_id = E'\\x52\\x4d\\x30\\x30\\x32'",
        },
        {"sqlite": S, "postgres": R},
    ),
    Attack("quote_escape_trick", "SELECT * FROM clients WHERE rm_id = 'RM001'' OR rm_id = ''RM002'", S),
    Attack("backslash_quote_trick", "SELECT * FROM clients WHERE full_name = 'x\\' OR rm_id = 'RM002' --'", S),
    Attack("concat_trick", "SELECT * FROM clients WHERE rm_id = 'RM' || '002'", S),
    Attack(
        # An error raised only when a predicate meets another RM's row would be an oracle on their data:
        # the fence on the scoped tables must keep the caller's WHERE away from those rows.
        "error_oracle",
        {
            "sqlite": "SELECT id FROM clients WHERE ABS(-9223372036854775807 - "
            "(CASE WHEN rm_id = 'RM002' THEN 1 ELSE 0 END)) > 0",
            "postgres": "SELECT id FROM clients WHERE 1 / (CASE WHEN rm_id = 'RM002' THEN 0 ELSE 1 END) = 1",
        },
        S,
    ),
    Attack(
        # The pkey lookup reaches RM002's account A0101 first; without the fence PostgreSQL then evaluates the
        # caller's predicate on it (division by zero = "A0101 holds more than 8 bn").
        "index_probe_oracle",
        {
            "sqlite": "SELECT a.id FROM accounts a WHERE a.id = 'A0101' AND ABS(-9223372036854775807 - "
            "(CASE WHEN a.balance_vnd > 8000000000 THEN 1 ELSE 0 END)) > 0",
            "postgres": "SELECT a.id FROM accounts a WHERE a.id = 'A0101' AND "
            "1 / (CASE WHEN a.balance_vnd > 8000000000 THEN 0 ELSE 1 END) = 1",
        },
        S,
    ),
    Attack(
        "cast_error_oracle",
        {
            "sqlite": "SELECT id FROM accounts WHERE ABS(-9223372036854775807 - "
            "(CASE WHEN balance_vnd = 9000000000 THEN 1 ELSE 0 END)) > 0",
            "postgres": "SELECT id FROM clients WHERE CASE WHEN rm_id = 'RM002' THEN CAST(full_name AS INT) "
            "ELSE 1 END = 1",
        },
        S,
    ),
    # --- too slow: stopped by the timeout
    Attack(
        "endless_recursive_cte",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r",
        "timeout",
    ),
    Attack(
        "huge_cross_join",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100000) "
        "SELECT COUNT(*) FROM r a, r b, clients c",
        "timeout",
    ),
    # --- unparseable
    Attack("garbage", "SELEC * FROM clients", R),
    Attack("unbalanced", "SELECT * FROM clients WHERE (id = 'C0001'", R),
    Attack("nul_byte", "SELECT 1\x00; DROP TABLE clients", R, "NUL"),
    Attack(
        "deep_nesting",
        "SELECT * FROM " + "(SELECT * FROM " * 150 + "clients" + ") AS x" * 150,
        R,
        "nested too deeply",
    ),
    Attack("oversized", "SELECT id FROM clients WHERE id IN (" + ", ".join(["'C0001'"] * 3000) + ")", R, "longer"),
    Attack("lone_surrogate", "SELECT '\ud800' FROM clients", R, "Unicode"),
)

ATTACK_TIMEOUT_S = 1.0


def test_the_corpus_is_large_and_mixed() -> None:
    assert len(ATTACKS) >= 30
    assert len({attack.id for attack in ATTACKS}) == len(ATTACKS)
    kinds = {attack.expect_for(dialect) for attack in ATTACKS for dialect in ("sqlite", "postgres")}
    assert kinds == {"refused", "scoped", "timeout"}


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.id)
def test_hostile_statement(bank_db: Database, attack: Attack) -> None:
    dialect = dialect_of(bank_db)
    sql, expect = attack.sql_for(dialect), attack.expect_for(dialect)
    before = snapshot(bank_db)
    started = time.monotonic()
    if expect == "refused":
        with pytest.raises(QueryRefused) as refused:
            run(bank_db, sql, timeout_s=ATTACK_TIMEOUT_S)
        # Refused by the guard itself, before the database saw anything.
        assert type(refused.value) is QueryRefused, refused.value
        assert str(refused.value).startswith("refused: ")
        assert attack.because in str(refused.value)
    elif expect == "timeout":
        with pytest.raises(QueryTimeout) as stopped:
            run(bank_db, sql, timeout_s=ATTACK_TIMEOUT_S)
        assert "stopped" in str(stopped.value)
        assert time.monotonic() - started < ATTACK_TIMEOUT_S + 3
    else:
        result = run(bank_db, sql, timeout_s=ATTACK_TIMEOUT_S)
        assert leaked_markers(result) == [], result.rows
        assert "'RM001'" in result.sql
    assert snapshot(bank_db) == before


# --------------------------------------------------------------------------- what the scope returns


def test_union_returns_only_own_clients(bank_db: Database) -> None:
    result = run(
        bank_db,
        "SELECT id FROM clients WHERE rm_id = 'RM001' UNION SELECT id FROM clients WHERE rm_id = 'RM002' ORDER BY 1",
    )
    assert result.rows == [["C0001"], ["C0002"], ["C0003"], ["C0004"]]


def test_relationships_to_another_rms_client_are_invisible(bank_db: Database) -> None:
    result = run(bank_db, "SELECT client_id, related_client_id FROM relationships ORDER BY 1")
    assert result.rows == [["C0002", "C0003"], ["C0003", "C0002"]]
    sibling = run(
        bank_db,
        "SELECT c.id FROM relationships r JOIN clients c ON c.id = r.related_client_id WHERE r.client_id = 'C0004'",
    )
    assert sibling.rows == []


def test_rms_shows_only_the_signed_in_rm(bank_db: Database) -> None:
    assert run(bank_db, "SELECT id FROM rms").rows == [["RM001"]]
    assert run(bank_db, "SELECT id FROM rms", rm_id="RM002").rows == [["RM002"]]


def test_counts_over_everything_are_the_rms_own(bank_db: Database) -> None:
    result = run(
        bank_db,
        "SELECT (SELECT COUNT(*) FROM clients) AS c, (SELECT COUNT(*) FROM accounts) AS a, "
        "(SELECT COUNT(*) FROM transactions) AS t, (SELECT COUNT(*) FROM products) AS p, "
        "(SELECT COUNT(*) FROM documents) AS d, (SELECT COUNT(*) FROM targets) AS g",
    )
    # products and documents are the bank-wide catalog, unscoped.
    assert result.rows == [[4, 6, 3, 4, 2, 2]]


def test_error_oracle_is_not_reached(bank_db: Database) -> None:
    """The caller's predicates never see another RM's row, so they cannot fail on one.

    Without the optimisation fence on the scoped tables, PostgreSQL answers the second query with
    "division by zero": an oracle on the balance of RM002's account A0101 (checked when the fence was added).
    """
    oracle, probe = {
        "sqlite": (
            "SELECT id FROM clients WHERE ABS(-9223372036854775807 - "
            "(CASE WHEN rm_id = 'RM002' THEN 1 ELSE 0 END)) > 0 ORDER BY id",
            "SELECT a.id FROM accounts a WHERE a.id = 'A0101' AND ABS(-9223372036854775807 - "
            "(CASE WHEN a.balance_vnd > 8000000000 THEN 1 ELSE 0 END)) > 0",
        ),
        "postgres": (
            "SELECT id FROM clients WHERE 1 / (CASE WHEN rm_id = 'RM002' THEN 0 ELSE 1 END) = 1 ORDER BY id",
            "SELECT a.id FROM accounts a WHERE a.id = 'A0101' AND "
            "1 / (CASE WHEN a.balance_vnd > 8000000000 THEN 0 ELSE 1 END) = 1",
        ),
    }[dialect_of(bank_db)]
    assert run(bank_db, oracle).rows == [["C0001"], ["C0002"], ["C0003"], ["C0004"]]
    assert run(bank_db, probe).rows == []


# --------------------------------------------------------------------------- ordinary analytics

AUM_SQL = (
    "SELECT SUM(a.balance_vnd) AS aum FROM accounts a JOIN clients c ON c.id = a.client_id "
    "WHERE c.rm_id = :rm_id AND a.status = 'active' AND a.kind IN ('casa', 'savings', 'cd', 'investment')"
)


@pytest.mark.parametrize(
    ("rm_id", "aum"), [("RM001", 1_500_000_000 + 350_000_000 + 120_000_000 + 2_600_000_000), ("RM002", 12_000_000_000)]
)
def test_aum_per_rm(bank_db: Database, rm_id: str, aum: int) -> None:
    result = run(bank_db, AUM_SQL, rm_id=rm_id)
    assert result.columns == ["aum"]
    assert result.rows == [[aum]]
    assert result.truncated is False
    # The same number without any RM filter in the SQL: the scope does it.
    unfiltered = run(
        bank_db,
        "SELECT SUM(balance_vnd) FROM accounts "
        "WHERE status = 'active' AND kind IN ('casa', 'savings', 'cd', 'investment')",
        rm_id=rm_id,
    )
    assert unfiltered.rows == [[aum]]


def test_group_by_segment(bank_db: Database) -> None:
    result = run(bank_db, "SELECT segment, COUNT(*) AS n FROM clients GROUP BY segment ORDER BY segment")
    assert result.columns == ["segment", "n"]
    assert result.rows == [["Diamond", 2], ["Gold", 1], ["Platinum", 1]]


def test_join_group_by_having(bank_db: Database) -> None:
    result = run(
        bank_db,
        "SELECT c.id, COUNT(a.id) AS accounts, SUM(a.balance_vnd) AS total FROM clients c "
        "LEFT JOIN accounts a ON a.client_id = c.id GROUP BY c.id HAVING COUNT(a.id) > 0 ORDER BY total DESC",
    )
    assert result.rows == [
        ["C0001", 3, 3_850_000_000],
        ["C0003", 1, 2_600_000_000],
        ["C0004", 1, 800_000_000],
        ["C0002", 1, 120_000_000],
    ]


def test_placeholders_are_bound(bank_db: Database) -> None:
    result = run(bank_db, "SELECT :rm_id AS rm, :today AS today")
    assert result.rows == [["RM001", "2025-10-24"]]
    other_day = run_guarded_query(bank_db, "SELECT :today", rm_id=RM, today=dt.date(2024, 2, 29))
    assert other_day.rows == [["2024-02-29"]]


def test_date_functions_per_dialect(bank_db: Database) -> None:
    recent = {
        "sqlite": "SELECT id FROM transactions WHERE date(posted_at) >= date(:today, '-3 days') ORDER BY id",
        "postgres": "SELECT id FROM transactions WHERE CAST(posted_at AS DATE) >= CAST(:today AS DATE) - 3 ORDER BY id",
    }[dialect_of(bank_db)]
    assert run(bank_db, recent).rows == [["T0002"], ["T0003"]]
    assert run(bank_db, recent, rm_id="RM002").rows == [["T0101"], ["T0102"]]

    by_month = {
        "sqlite": "SELECT strftime('%Y-%m', opened_on) AS m, COUNT(*) FROM accounts "
        "WHERE opened_on >= '2024-01-01' GROUP BY m ORDER BY m",
        "postgres": "SELECT to_char(opened_on, 'YYYY-MM') AS m, COUNT(*) FROM accounts "
        "WHERE opened_on >= '2024-01-01' GROUP BY m ORDER BY m",
    }[dialect_of(bank_db)]
    assert run(bank_db, by_month).rows == [["2024-06", 1], ["2024-11", 1], ["2025-10", 1]]

    days_since = {
        "sqlite": "SELECT CAST(julianday(:today) - julianday(MAX(date(occurred_at))) AS INTEGER) FROM interactions",
        "postgres": "SELECT CAST(:today AS DATE) - MAX(CAST(occurred_at AS DATE)) FROM interactions",
    }[dialect_of(bank_db)]
    assert run(bank_db, days_since).rows == [[44]]  # 2025-09-10 -> 2025-10-24


def test_like_with_percent(bank_db: Database) -> None:
    result = run(bank_db, "SELECT id FROM clients WHERE full_name LIKE 'Nguy%' ORDER BY id")
    assert result.rows == [["C0002"], ["C0003"]]
    by_phone = run(bank_db, "SELECT id FROM clients WHERE phone LIKE '%567%' ORDER BY id")
    assert by_phone.rows == [["C0002"], ["C0003"], ["C0004"]]


def test_values_are_json_safe(bank_db: Database) -> None:
    result = run(
        bank_db,
        "SELECT c.date_of_birth, t.posted_at, AVG(a.balance_vnd) AS avg_balance, SUM(a.rate_pct) AS rates "
        "FROM clients c JOIN accounts a ON a.client_id = c.id JOIN transactions t ON t.client_id = c.id "
        "WHERE c.id = 'C0001' AND t.id = 'T0001' GROUP BY c.date_of_birth, t.posted_at",
    )
    [[birth, posted, average, rates]] = result.rows
    assert birth == "1980-03-02"
    assert isinstance(posted, str) and posted.startswith("2025-10-20")
    assert average == pytest.approx((1_500_000_000 + 2_000_000_000 + 350_000_000) / 3)
    assert isinstance(average, (int, float)) and isinstance(rates, float)


def test_row_limit_and_truncated(bank_db: Database) -> None:
    limited = run(bank_db, "SELECT id FROM accounts ORDER BY id", row_limit=2)
    assert limited.rows == [["A0001"], ["A0002"]]
    assert limited.truncated is True
    exact = run(bank_db, "SELECT id FROM accounts ORDER BY id", row_limit=6)
    assert len(exact.rows) == 6 and exact.truncated is False
    with pytest.raises(ValueError):
        run(bank_db, "SELECT 1", row_limit=0)


def test_result_sql_is_the_scoped_sql(bank_db: Database) -> None:
    result = run(bank_db, "SELECT id FROM clients /* a comment */ WHERE id = 'C0001'")
    assert result.rows == [["C0001"]]
    assert "clients.rm_id = 'RM001'" in result.sql
    assert "comment" not in result.sql


def test_database_errors_are_reported_not_raised_raw(bank_db: Database) -> None:
    with pytest.raises(QueryFailed) as failed:
        run(bank_db, "SELECT no_such_column FROM clients")
    assert str(failed.value).startswith("error: the database could not run the query")
    # The connection is usable afterwards.
    assert run(bank_db, "SELECT COUNT(*) FROM clients").rows == [[4]]


def test_timeout_is_a_clean_refusal(bank_db: Database) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        run(
            bank_db,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r",
            timeout_s=0.5,
        )
    assert isinstance(stopped.value, QueryRefused)
    assert time.monotonic() - started < 3
    assert run(bank_db, "SELECT COUNT(*) FROM clients").rows == [[4]]


def test_readonly_engine_refuses_writes(bank_db: Database) -> None:
    """A write smuggled past the guard would still fail: the engine it runs on cannot write."""
    before = snapshot(bank_db)
    for statement in (
        "INSERT INTO rms (id, full_name, email, branch, language) VALUES ('RM999', 'x', 'x', 'x', 'vi')",
        "UPDATE clients SET rm_id = 'RM001'",
        "DELETE FROM accounts",
    ):
        with pytest.raises(DBAPIError), bank_db.readonly_engine.begin() as connection:
            connection.execute(text(statement))
    assert snapshot(bank_db) == before


# --------------------------------------------------------------------------- scope_query without a database


@pytest.mark.parametrize("dialect", ["sqlite", "postgres", "postgresql"])
def test_scope_query_rewrites_every_table_reference(dialect: str) -> None:
    scoped = scope_query(
        "SELECT c.id FROM clients c WHERE c.id IN (SELECT client_id FROM accounts) "
        "UNION SELECT related_client_id FROM relationships",
        rm_id="RM001",
        dialect=dialect,
        today=TODAY,
    )
    assert scoped.count("rm_id = 'RM001'") == 4  # clients, accounts, relationships (both columns)
    assert ") AS c" in scoped and ") AS accounts" in scoped and ") AS relationships" in scoped
    assert "OFFSET 0" in scoped


def test_a_query_checked_again_is_served_from_the_cache_for_its_own_rm_only() -> None:
    """The performance room checks its SQL, then runs it: the second scope costs no parse."""
    sql = "SELECT COUNT(*) AS n FROM clients WHERE segment = 'Gold' AND city <> 'cache-probe'"
    first = scope_query(sql, rm_id="RM001", dialect="sqlite", today=TODAY)
    hits = guard_module._scope.cache_info().hits
    assert scope_query(sql, rm_id="RM001", dialect="sqlite", today=TODAY) == first
    assert guard_module._scope.cache_info().hits == hits + 1
    other = scope_query(sql, rm_id="RM002", dialect="sqlite", today=TODAY)
    assert "'RM002'" in other and "'RM001'" not in other


def test_a_refusal_is_never_cached() -> None:
    sql = "SELECT * FROM clients; DELETE FROM clients"
    for _ in range(2):
        with pytest.raises(QueryRefused):
            scope_query(sql, rm_id="RM001", dialect="sqlite", today=TODAY)


NON_SELECT_STATEMENTS = (
    "EXECUTE stmt",
    "PREPARE p AS SELECT 1",
    "LISTEN channel",
    "NOTIFY channel, 'x'",
    "LOCK TABLE clients",
    "DISCARD ALL",
    "SHOW search_path",
    "DECLARE c CURSOR FOR SELECT * FROM clients",
    "START TRANSACTION READ WRITE",
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    "SET ROLE postgres",
    "SAVEPOINT a",
    "ROLLBACK",
    "ANALYZE clients",
    "REINDEX TABLE clients",
    "CREATE TEMP VIEW v AS SELECT * FROM clients",
    "CREATE TRIGGER t AFTER INSERT ON clients BEGIN SELECT 1; END",
    "REFRESH MATERIALIZED VIEW v",
    "PRAGMA main.query_only = OFF",
    "VALUES (1)",
    "SELECT 1 INTO TEMP t",
    "SELECT * FROM clients FOR SHARE",
    "WITH x AS (UPDATE clients SET rm_id = 'RM001' RETURNING id) SELECT 1",
    "INSERT INTO clients SELECT * FROM clients",
)


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
@pytest.mark.parametrize("sql", NON_SELECT_STATEMENTS)
def test_other_statements_are_refused_before_any_database(sql: str, dialect: str) -> None:
    with pytest.raises(QueryRefused, match=r"^refused: "):
        scope_query(sql, rm_id=RM, dialect=dialect, today=TODAY)


def test_refused_sql_text_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(QueryRefused):
        scope_query("VACUUM INTO '/tmp/0945678901.db'", rm_id=RM, dialect="sqlite", today=TODAY)
    assert "0945678901" not in caplog.text


@pytest.mark.parametrize("rm_id", ["", "RM001' OR '1'='1", "RM 001", "RM001\n", "x" * 65, "RM001;--"])
def test_bad_rm_ids_are_refused(rm_id: str) -> None:
    with pytest.raises(QueryRefused, match="RM id"):
        scope_query("SELECT 1", rm_id=rm_id, dialect="sqlite")


def test_rm_id_is_inlined_as_a_literal() -> None:
    scoped = scope_query("SELECT :rm_id", rm_id="RM.0-1_a", dialect="postgres", today=TODAY)
    assert scoped.startswith("SELECT 'RM.0-1_a'")


def test_today_defaults_to_the_bank_date() -> None:
    scoped = scope_query("SELECT :today", rm_id="RM001", dialect="sqlite")
    from stores.settings import BANK_TIMEZONE

    assert scoped == f"SELECT '{dt.datetime.now(BANK_TIMEZONE).date().isoformat()}'"


def test_allowed_tables_are_the_crm_tables() -> None:
    assert set(ALLOWED_TABLES) == set(CRM_TABLES)
    assert not any(name.startswith("agentify_") for name in ALLOWED_TABLES)


def test_refusal_reason_is_the_exception_text() -> None:
    with pytest.raises(QueryRefused) as refused:
        scope_query("DELETE FROM clients", rm_id="RM001", dialect="sqlite")
    assert refused.value.reason == str(refused.value) == "refused: only SELECT statements are allowed (got DELETE)"


def test_unknown_dialect_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        scope_query("SELECT 1", rm_id="RM001", dialect="mysql")


def test_strftime_over_a_plain_column_is_a_column_not_a_dotted_function() -> None:
    import datetime as _dt

    from tools.reporting.guard import scope_query as _scope

    sql = "SELECT c.full_name FROM clients c WHERE strftime('%m-%d', c.date_of_birth) BETWEEN '11-10' AND '11-16'"
    assert "STRFTIME" in _scope(sql, rm_id="RM001", dialect="sqlite", today=_dt.date(2025, 11, 13)).upper()
