"""The guarded read-only query: the CRM API's text-to-SQL safety layer.

An RM (or the agent acting for one) may send one SQL query over the bank's CRM
tables. Before anything reaches the database the query is parsed with sqlglot
in the store's dialect, checked, and *rewritten*; only sqlglot's regeneration
of the checked tree is ever executed, never the caller's text.

What is checked (a whitelist walk of the whole tree, not a blacklist):

* Exactly one statement, and it is a read query: ``SELECT`` with CTEs,
  ``UNION`` / ``INTERSECT`` / ``EXCEPT`` and subqueries. Every node of the tree
  must be of a known harmless kind (``_ALLOWED_NODES``) or a function that
  passes ``_check_function``; anything else (``INSERT`` … ``DROP``, ``PRAGMA``,
  ``ATTACH``, ``COPY``, ``SET``, ``SELECT … INTO``, ``FOR UPDATE``, a data-modifying
  CTE, an unparseable statement that sqlglot keeps as a ``Command`` …) is refused.
* Tables: only the CRM tables (``ALLOWED_TABLES``), unqualified (no ``main.`` /
  ``public.`` / ``pg_catalog.``), and user CTEs that are visible where they are
  used. Table-valued functions are refused in ``FROM`` and anywhere else: none
  is needed for CRM analytics (a recursive CTE generates series), and the
  harmless-looking ones (``generate_series``, ``json_each``) are only a way to
  burn time. A CTE may not be named like a CRM table (``WITH clients AS …`` is
  ambiguous) nor like a system or Agentify relation.
* A CTE counts as "visible" only under rules that both SQLite and PostgreSQL
  agree on: the query body sees all its WITH's CTEs, a CTE sees the ones
  *before* it, and itself only under ``WITH RECURSIVE``. Any other reference is
  a real table reference, so a CTE defined in one subquery can never be used to
  pass a real system table off as "a CTE" somewhere else.
* Functions: sqlglot's typed function classes (standard SQL functions it knows)
  are allowed, except the system/information ones (``current_user``,
  ``version()`` …), set-returning ones and those on ``_DENIED_FUNCTION_CLASSES``;
  unknown (``exp.Anonymous``) functions only from a small per-dialect allowlist
  of harmless scalar and aggregate functions. Whatever the class, the name
  sqlglot will emit is also checked against a deny pattern (``pg_*``, ``lo_*``,
  ``dblink*``, ``sqlite_*``, ``set_config``, ``current_setting``, sequences,
  ``txid_*``, ``load_extension``, ``readfile``, ``query_to_xml`` and friends,
  which run SQL given as a string …). Functions that can allocate a huge
  value from a small query (``repeat``, ``lpad``, ``printf('%1000000000d')``)
  need literal, small sizes. Regular expressions are refused on SQLite: there
  ``REGEXP`` is a Python function (registered by SQLAlchemy) that the progress
  handler cannot interrupt, so ``'aaa…!' REGEXP '(a+)+$'`` would hang the
  process; PostgreSQL's regex engine honours the statement timeout.
* Placeholders: only ``:rm_id`` and ``:today`` (the evaluation format binds
  them); they are replaced by literals in the tree. ``rm_id`` comes from the
  caller (the runtime context), never from the SQL, is validated against
  ``^[A-Za-z0-9_.-]{1,64}$`` and is inlined as a sqlglot string literal (no
  string concatenation anywhere).

RM scope, the heart of it: every reference to a CRM table is replaced, in the
tree, by a derived table of the same name/alias that holds only the signed-in
RM's rows, e.g. ``clients`` becomes
``(SELECT * FROM clients WHERE clients.rm_id = 'RM001' …) AS clients`` and
``accounts`` becomes ``(SELECT * FROM accounts WHERE accounts.client_id IN
(SELECT clients.id FROM clients WHERE clients.rm_id = 'RM001') …) AS accounts``.
Because the scope is applied at the table reference itself, no query shape can
get around it: UNIONs, subqueries, correlated subqueries, CTEs, joins through
``relationships`` to another RM's client, ``OR 1=1``, comments and string tricks
all only ever see the scoped rows. The injected subqueries are built after
the rewrite (so they are never rewritten again) and only name CRM tables,
which no user CTE may shadow; the innermost FROM wins name resolution, so no
user alias can capture their column references.

Each scoped derived table also carries an optimisation fence (``OFFSET 0``;
``LIMIT -1 OFFSET 0`` on SQLite): neither database flattens such a subquery
nor pushes the caller's WHERE clause into it. Without the fence the planner
could evaluate the caller's expressions on other RMs' rows *before* the scope
filter, and an error (``1/0``, an integer overflow, a failed cast whose
message quotes the value) would become an oracle on another RM's data, the
problem PostgreSQL's ``security_barrier`` views exist for (without the fence,
``SELECT id FROM accounts WHERE id = 'A0101' AND 1 / (CASE WHEN balance_vnd >
8000000000 THEN 0 ELSE 1 END) = 1`` fails with "division by zero" on
PostgreSQL for RM001, revealing RM002's balance). The price is speed: the
caller's filters cannot use indexes inside a scoped table, so each scoped
table is read in full once per query (tens of milliseconds on the 5,000-client
demo bank), and a correlated subquery re-reads it once per outer row (about a
second for 500 clients over 50,000 transactions; ``JOIN … GROUP BY`` is the
fast form of the same question).

Why a rewrite rather than RM-scoped views:

* PostgreSQL read-only transactions forbid ``CREATE TEMP VIEW``, and permanent
  per-RM views would need DDL per RM on the bank's database. The rewrite keeps
  the connection strictly read-only: it is applied before execution and needs
  no write anywhere.
* It works identically on SQLite and PostgreSQL, and the exact SQL that ran
  is returned (``QueryResult.sql``) for the audit trail.
* A view must be *chosen* by the query; a rewrite cannot be bypassed by naming
  the base table, a schema-qualified name, or a shadowing CTE.

Execution, defence in depth: the scoped SQL is regenerated from the tree
without comments, re-parsed and required to regenerate to itself (so parser
and generator agree on what runs), and executed only on
``database.readonly_engine`` (SQLite opened ``mode=ro`` with ``query_only``;
PostgreSQL sessions ``default_transaction_read_only``), through the raw DBAPI
cursor with no parameters, so ``%`` in a LIKE pattern is never read as a
placeholder. On PostgreSQL the query runs in a ``SET TRANSACTION READ ONLY``
transaction with ``SET LOCAL statement_timeout`` and
``standard_conforming_strings = on`` (sqlglot writes backslashes in string
literals as plain characters), through a server-side cursor: ``DECLARE …
CURSOR FOR`` accepts only a query, uses the extended protocol (one statement
only) and streams rows instead of loading the whole result. On SQLite,
``sqlite3`` runs one statement only and a progress handler stops the query at
the deadline. At most ``row_limit + 1`` rows are fetched.

Errors: ``QueryRefused`` ("refused: …") when the guard refuses; its subclass
``QueryTimeout`` when the time limit stopped the query; its subclass
``QueryFailed`` ("error: …") when the guarded query reached the database and
the database rejected it (an unknown column, a type error).

Known limits: the timeout bounds time, not memory (a query may still build a
large value or intermediate result within its time, up to the engine's own
limits); the typed function classes are trusted as sqlglot maps them, backed
by the emitted-name deny pattern; nesting deeper than sqlglot's recursive
parser allows (a few dozen levels) is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from stores.db import Database
from stores.schema import CRM_TABLES
from stores.settings import BANK_TIMEZONE
from tools.core.encoding import to_json

__all__ = [
    "ALLOWED_TABLES",
    "QueryFailed",
    "QueryRefused",
    "QueryResult",
    "QueryTimeout",
    "run_guarded_query",
    "scope_query",
]

#: The tables a guarded query may read: the bank's CRM tables, never Agentify's own.
ALLOWED_TABLES: tuple[str, ...] = tuple(CRM_TABLES)

DEFAULT_ROW_LIMIT = 1000
DEFAULT_TIMEOUT_S = 5.0
MAX_SQL_CHARS = 20_000
MAX_ROW_LIMIT = 100_000
#: Largest literal size accepted by functions that can build a big value (repeat, lpad, printf widths).
MAX_GENERATED_SIZE = 10_000

_RM_ID_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_PG_CURSOR_NAME = "agentify_guarded_query"
_PG_QUERY_CANCELED = "57014"


class _NoRefusedSqlInLogs(logging.Filter):
    """sqlglot logs the full text of a statement it cannot parse ("'…' contains unsupported syntax");
    the text of a refused query may hold client names or phone numbers, so that record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "contains unsupported syntax" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_NoRefusedSqlInLogs())


class QueryRefused(Exception):
    """The query was not run (or was stopped); ``reason`` says why, in words for the caller."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class QueryTimeout(QueryRefused):
    """The query ran past its time limit and was stopped."""


class QueryFailed(QueryRefused):
    """The query passed the guard but the database could not run it (e.g. an unknown column)."""


@dataclass(frozen=True)
class QueryResult:
    """What a guarded query returned: JSON-safe cells, at most ``row_limit`` rows."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    #: The scoped SQL actually executed.
    sql: str


# --------------------------------------------------------------------------- scope rules

_CLIENT_SCOPED = (
    "accounts",
    "transactions",
    "complaints",
    "digital_activity",
    "interactions",
    "tasks",
    "inbound_messages",
)

#: table -> (kind, columns). "rm": each column equals the RM's id; "client": each column is one of
#: the RM's clients; "bank": reference data shared bank-wide (the catalog and documents), unscoped.
_SCOPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "rms": ("rm", ("id",)),
    "clients": ("rm", ("rm_id",)),
    "sent_messages": ("rm", ("rm_id",)),
    "targets": ("rm", ("rm_id",)),
    "relationships": ("client", ("client_id", "related_client_id")),
    **{name: ("client", ("client_id",)) for name in _CLIENT_SCOPED},
    "products": ("bank", ()),
    "documents": ("bank", ()),
}

if set(_SCOPES) != set(ALLOWED_TABLES):  # pragma: no cover - a schema change must come with a scope rule
    raise RuntimeError(
        f"query_guard: scope rules {sorted(_SCOPES)} do not match the CRM tables {sorted(ALLOWED_TABLES)}"
    )

# CTE names that could be mistaken for a real relation of the bank's database or of the engine.
_RESERVED_CTE_PREFIXES = ("agentify_", "sqlite_", "pg_", "information_schema")


# --------------------------------------------------------------------------- what may appear

_ALLOWED_NODES: frozenset[type[exp.Expr]] = frozenset(
    {
        # query structure
        exp.Select,
        exp.Union,
        exp.Intersect,
        exp.Except,
        exp.Subquery,
        exp.With,
        exp.CTE,
        exp.TableAlias,
        exp.From,
        exp.Join,
        exp.Where,
        exp.Group,
        exp.Having,
        exp.Order,
        exp.Ordered,
        exp.Limit,
        exp.Offset,
        exp.Fetch,
        exp.LimitOptions,
        exp.Distinct,
        exp.Window,
        exp.WindowSpec,
        exp.Filter,
        exp.WithinGroup,
        exp.IgnoreNulls,
        exp.RespectNulls,
        exp.Rollup,
        exp.Cube,
        exp.GroupingSets,
        # names and values
        exp.Column,
        exp.Identifier,
        exp.Star,
        exp.Alias,
        exp.Literal,
        exp.Boolean,
        exp.Null,
        exp.HexString,
        exp.Paren,
        exp.Tuple,
        exp.Interval,
        exp.Var,
        exp.DataType,
        exp.DataTypeParam,
        # operators
        exp.EQ,
        exp.NEQ,
        exp.GT,
        exp.GTE,
        exp.LT,
        exp.LTE,
        exp.NullSafeEQ,
        exp.NullSafeNEQ,
        exp.Is,
        exp.Like,
        exp.ILike,
        exp.SimilarTo,
        exp.Glob,
        exp.Escape,
        exp.Between,
        exp.In,
        exp.Any,
        exp.All,
        exp.Add,
        exp.Sub,
        exp.Mul,
        exp.Div,
        exp.IntDiv,
        exp.Mod,
        exp.Neg,
        exp.Not,
        exp.DPipe,
        exp.BitwiseAnd,
        exp.BitwiseOr,
        exp.BitwiseXor,
        exp.BitwiseNot,
        exp.BitwiseLeftShift,
        exp.BitwiseRightShift,
        exp.AtTimeZone,
        exp.Kwarg,
        # JSON paths (json_extract(x, '$.a[0]'), x -> '$.a')
        exp.JSONPath,
        exp.JSONPathRoot,
        exp.JSONPathKey,
        exp.JSONPathSubscript,
        exp.JSONPathWildcard,
    }
)

_STATEMENT_NAMES: dict[type[exp.Expr], str] = {
    exp.Insert: "INSERT",
    exp.Update: "UPDATE",
    exp.Delete: "DELETE",
    exp.Merge: "MERGE",
    exp.Create: "CREATE",
    exp.Drop: "DROP",
    exp.Alter: "ALTER",
    exp.TruncateTable: "TRUNCATE",
    exp.Pragma: "PRAGMA",
    exp.Attach: "ATTACH",
    exp.Detach: "DETACH",
    exp.Set: "SET",
    exp.Copy: "COPY",
    exp.Grant: "GRANT",
    exp.Revoke: "REVOKE",
    exp.Transaction: "BEGIN",
    exp.Commit: "COMMIT",
    exp.Rollback: "ROLLBACK",
    exp.Describe: "DESCRIBE",
    exp.Use: "USE",
    exp.Show: "SHOW",
    exp.Values: "VALUES",
}

_NODE_REASONS: dict[type[exp.Expr], str] = {
    exp.Into: "SELECT … INTO is not allowed (it creates a table)",
    exp.Lock: "locking clauses (FOR UPDATE / FOR SHARE) are not allowed",
    exp.Dot: "qualified names (schema.table, schema.function, (row).field) are not allowed",
    exp.Lateral: "LATERAL is not allowed",
    exp.Values: "VALUES lists are not allowed",
    exp.Bracket: "array subscripts are not allowed",
    exp.Parameter: "parameters are not allowed; only the placeholders :rm_id and :today are",
    exp.SessionParameter: "session variables are not allowed",
    exp.Placeholder: "placeholders other than :rm_id and :today are not allowed",
}

_ALLOWED_TYPES = frozenset(
    {
        exp.DataType.Type.TEXT,
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.CHAR,
        exp.DataType.Type.BPCHAR,
        exp.DataType.Type.NCHAR,
        exp.DataType.Type.NVARCHAR,
        exp.DataType.Type.INT,
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.SMALLINT,
        exp.DataType.Type.TINYINT,
        exp.DataType.Type.MEDIUMINT,
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.DOUBLE,
        exp.DataType.Type.FLOAT,
        exp.DataType.Type.BOOLEAN,
        exp.DataType.Type.DATE,
        exp.DataType.Type.DATETIME,
        exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.TIMESTAMPTZ,
        exp.DataType.Type.TIMESTAMPNTZ,
        exp.DataType.Type.TIMESTAMPLTZ,
        exp.DataType.Type.TIME,
        exp.DataType.Type.TIMETZ,
        exp.DataType.Type.INTERVAL,
        exp.DataType.Type.JSON,
        exp.DataType.Type.JSONB,
    }
)

#: Typed sqlglot classes that are refused although sqlglot knows them: system information,
#: sequences, file access, set-returning / table functions.
_DENIED_FUNCTION_CLASSES: tuple[type[exp.Expr], ...] = (
    exp.UDTF,
    exp.GenerateSeries,
    exp.SessionUser,
    exp.NextValueFor,
    exp.ReadCSV,
    exp.ReadParquet,
    exp.ToFile,
    exp.GenerateTable,
    exp.JSONTable,
    exp.XMLTable,
    exp.Explode,
    exp.Match,
    exp.MatchAgainst,
)
#: SQLite's REGEXP is a Python function SQLAlchemy registers on each connection: a catastrophic
#: pattern runs inside one VM step, where the progress handler cannot stop it (and holds the GIL).
_SQLITE_DENIED_PREFIX = "Regexp"
#: The ``Current*`` classes that are plain clock functions; every other one is system information.
_ALLOWED_CURRENT = frozenset(
    {"CurrentDate", "CurrentTime", "CurrentTimestamp", "CurrentDatetime", "CurrentTimestampLTZ"}
)

#: Names (as emitted for the database) of functions with side effects or system access.
_DENIED_NAME = re.compile(
    r"^(pg_|lo_|dblink|txid_|sqlite_|pragma_|fts\d|query_to_|table_to_|cursor_to_|schema_to_|database_to_"
    r"|inet_|has_\w*_privilege$|ts_stat$|ts_rewrite$|set_config$|current_setting$|nextval$|setval$|currval$"
    r"|lastval$|load_extension$|readfile$|writefile$|edit$|randomblob$|zeroblob$|copy$|version$|current_user$"
    r"|session_user$|current_role$|current_schemas?$|current_database$|current_catalog$|current_query$|user$"
    r"|json_each$|json_tree$|jsonb?_populate_recordset$|unnest$|generate_series$|generate_subscripts$"
    r"|xpath|xmlparse$)",
    re.IGNORECASE,
)

_COMMON_FUNCTIONS = frozenset(
    {
        "abs",
        "avg",
        "coalesce",
        "concat",
        "concat_ws",
        "count",
        "lower",
        "ltrim",
        "max",
        "min",
        "nullif",
        "replace",
        "round",
        "rtrim",
        "sign",
        "substr",
        "substring",
        "sum",
        "trim",
        "upper",
        "length",
        "row_number",
        "rank",
        "dense_rank",
        "ntile",
        "lag",
        "lead",
        "first_value",
        "last_value",
        "nth_value",
        "cume_dist",
        "percent_rank",
    }
)

#: Unknown-to-sqlglot functions accepted per dialect: harmless scalar and aggregate functions only.
_ANONYMOUS_ALLOWED: dict[str, frozenset[str]] = {
    "sqlite": _COMMON_FUNCTIONS
    | {
        "date",
        "datetime",
        "time",
        "julianday",
        "unixepoch",
        "strftime",
        "timediff",
        "printf",
        "format",
        "ifnull",
        "iif",
        "instr",
        "total",
        "group_concat",
        "quote",
        "likely",
        "unlikely",
        "likelihood",
        "glob",
        "like",
        "typeof",
        "char",
        "unicode",
        "hex",
        "floor",
        "ceil",
        "ceiling",
        "trunc",
        "mod",
        "pow",
        "power",
        "sqrt",
        "exp",
        "ln",
        "log",
        "log10",
        "json_extract",
        "json_array_length",
        "json_type",
        "json_valid",
    },
    "postgres": _COMMON_FUNCTIONS
    | {
        "to_char",
        "to_date",
        "to_timestamp",
        "to_number",
        "date_trunc",
        "date_part",
        "extract",
        "age",
        "make_date",
        "make_time",
        "make_timestamp",
        "make_timestamptz",
        "make_interval",
        "justify_days",
        "justify_hours",
        "justify_interval",
        "isfinite",
        "now",
        "greatest",
        "least",
        "trunc",
        "floor",
        "ceil",
        "ceiling",
        "mod",
        "div",
        "power",
        "sqrt",
        "exp",
        "ln",
        "log",
        "char_length",
        "character_length",
        "initcap",
        "position",
        "strpos",
        "split_part",
        "left",
        "right",
        "btrim",
        "format",
        "string_agg",
        "array_agg",
        "bool_and",
        "bool_or",
        "every",
        "percentile_cont",
        "percentile_disc",
        "mode",
        "stddev",
        "stddev_pop",
        "stddev_samp",
        "variance",
        "var_pop",
        "var_samp",
        "regexp_replace",
        "regexp_match",
        "starts_with",
        "to_json",
        "to_jsonb",
        "row_to_json",
        "json_build_object",
        "jsonb_build_object",
        "json_agg",
        "jsonb_agg",
        "json_object_agg",
        "array_length",
        "cardinality",
    },
}

#: Typed functions whose size argument must be a small literal: class -> name of the size argument.
_SIZE_ARGUMENTS: dict[type[exp.Expr], str] = {exp.Repeat: "times", exp.Pad: "expression"}

_UNQUOTED_IDENTIFIER = re.compile(r"[^\W\d][\w$]*")
_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEX = re.compile(r"[0-9A-Fa-f]*")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_LEADING_NAME = re.compile(r"\s*([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*)\s*(\(|$)")
_PRINTF_BIG = re.compile(r"%[-+ #0,!]*(\*|\d{5,}|\d*\.(\*|\d{5,}))")
_FIRST_KEYWORD = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*([A-Za-z]+)", re.DOTALL)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _refuse(reason: str) -> QueryRefused:
    return QueryRefused(f"refused: {reason}")


def _sqlglot_dialect(dialect: str) -> str:
    if dialect == "sqlite":
        return "sqlite"
    if dialect in ("postgres", "postgresql"):
        return "postgres"
    raise ValueError(f"unsupported dialect {dialect!r}: use 'sqlite' or 'postgres'")


def _ascii_lower(name: str) -> str:
    # Both databases fold identifiers for ASCII letters only.
    return name.translate(_ASCII_LOWER)


def _key(identifier: exp.Identifier, dialect: str) -> str:
    """How the database compares a relation name: SQLite ignores ASCII case even when quoted;
    PostgreSQL folds unquoted names to lower case and keeps quoted ones exact."""
    name = str(identifier.this)
    if dialect == "sqlite" or not identifier.quoted:
        return _ascii_lower(name)
    return name


def _statement_name(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).split()[0].upper() if node.this else "a command"
    for kind, name in _STATEMENT_NAMES.items():
        if isinstance(node, kind):
            return name
    return type(node).__name__.upper()


def _first_keyword(sql: str) -> str | None:
    """The statement's first word, past comments and opening parentheses (for refusal messages only)."""
    match = _FIRST_KEYWORD.match(sql)
    return match.group(1).upper() if match else None


def _validate_rm_id(rm_id: str) -> str:
    if not isinstance(rm_id, str) or not _RM_ID_PATTERN.fullmatch(rm_id):
        raise _refuse("the signed-in RM id is not valid")
    return rm_id


# --------------------------------------------------------------------------- parse and check


def _parse_one(sql: str, dialect: str) -> exp.Query:
    if not isinstance(sql, str) or not sql.strip():
        raise _refuse("the query is empty")
    if len(sql) > MAX_SQL_CHARS:
        raise _refuse(f"the query is longer than {MAX_SQL_CHARS} characters")
    if "\x00" in sql:
        raise _refuse("the query contains a NUL character")
    try:
        sql.encode("utf-8")
    except UnicodeEncodeError:
        raise _refuse("the query is not valid Unicode text") from None
    try:
        parsed = sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
    except SqlglotError as error:
        keyword = _first_keyword(sql)
        if keyword and keyword not in ("SELECT", "WITH"):
            raise _refuse(f"only SELECT statements are allowed (got {keyword})") from None
        raise _refuse(f"the SQL could not be parsed ({_first_line(error)})") from None
    # Empty statements (";;", or a trailing comment after the last ";") carry nothing and are dropped.
    statements = [node for node in parsed if node is not None and not isinstance(node, exp.Semicolon)]
    if not statements:
        raise _refuse("the query is empty")
    if len(statements) > 1:
        kinds = ", ".join(_statement_name(node) for node in statements)
        raise _refuse(f"exactly one SQL statement is allowed (found {len(statements)}: {kinds})")
    root = statements[0]
    if not isinstance(root, (exp.Select, exp.SetOperation, exp.Subquery)):
        known = isinstance(root, exp.Command) or type(root) in _STATEMENT_NAMES
        got = _statement_name(root) if known else (_first_keyword(sql) or _statement_name(root))
        raise _refuse(f"only SELECT statements are allowed (got {got})")
    return root


def _substitute_placeholders(root: exp.Expr, rm_id: str, today: dt.date, dialect: str) -> exp.Expr:
    values = {"rm_id": exp.Literal.string(rm_id), "today": exp.Literal.string(today.isoformat())}
    for node in list(root.find_all(exp.Placeholder, exp.Parameter, exp.SessionParameter)):
        name = node.name if isinstance(node, exp.Placeholder) else ""
        if name not in values:
            shown = f":{name}" if name.isidentifier() else node.sql(dialect=dialect)
            raise _refuse(f"the placeholder {shown} is not allowed; only :rm_id and :today are")
        replacement = values[name].copy()
        if node is root:  # pragma: no cover - the root is a query, never a placeholder
            return replacement
        node.replace(replacement)
    return root


def _visible_ctes(table: exp.Table, dialect: str) -> set[str]:
    """The CTE names visible at ``table`` under rules SQLite and PostgreSQL both follow."""
    visible: set[str] = set()
    child: exp.Expr = table
    node = table.parent
    while node is not None:
        if isinstance(node, exp.With):
            ctes = list(node.expressions)
            index = next((i for i, cte in enumerate(ctes) if cte is child), None)
            if index is not None:
                upto = index + 1 if node.args.get("recursive") else index
                visible.update(_cte_key(cte, dialect) for cte in ctes[:upto])
        else:
            with_ = node.args.get("with_")
            if isinstance(with_, exp.With) and with_ is not child:
                visible.update(_cte_key(cte, dialect) for cte in with_.expressions)
        child = node
        node = node.parent
    return visible


def _cte_key(cte: exp.Expr, dialect: str) -> str:
    alias = cte.args.get("alias")
    identifier = alias.this if isinstance(alias, exp.TableAlias) else None
    if not isinstance(identifier, exp.Identifier):
        raise _refuse("a CTE needs a plain name")
    return _key(identifier, dialect)


def _check_cte(cte: exp.CTE, dialect: str) -> None:
    name = _cte_key(cte, dialect)
    lowered = _ascii_lower(name)
    if lowered in ALLOWED_TABLES:
        raise _refuse(f"a CTE may not be named like the CRM table '{lowered}' (it would shadow it)")
    if lowered.startswith(_RESERVED_CTE_PREFIXES):
        raise _refuse(f"a CTE may not be named '{name}' (the name of a system or application relation)")
    if not isinstance(cte.this, exp.Query):
        raise _refuse(f"only SELECT statements are allowed (got {_statement_name(cte.this)} inside a CTE)")


def _check_table(table: exp.Table, dialect: str) -> str | None:
    """The CRM table a table reference names, or None for a visible user CTE."""
    if not isinstance(table.parent, (exp.From, exp.Join)):
        raise _refuse("a table may only be named in FROM or JOIN")
    target = table.this
    if isinstance(target, exp.Func):
        name = target.name if isinstance(target, exp.Anonymous) else target.sql_name()
        raise _refuse(f"table-valued function '{name.lower()}' in FROM is not allowed")
    if not isinstance(target, exp.Identifier):
        raise _refuse("FROM may only name a CRM table, a CTE or a subquery")
    if table.args.get("db") is not None or table.args.get("catalog") is not None:
        raise _refuse(f"schema-qualified table names are not allowed ('{table.sql(dialect)}'); name the table only")
    extra = sorted(key for key, value in table.args.items() if key not in ("this", "alias") and value is not None)
    if extra:
        raise _refuse(f"table modifiers ({', '.join(extra)}) are not allowed on '{target.this}'")
    if _key(target, dialect) in _visible_ctes(table, dialect):
        return None
    name = _ascii_lower(str(target.this))
    if name not in ALLOWED_TABLES:
        raise _refuse(f"table '{target.this}' is not queryable; allowed: {', '.join(ALLOWED_TABLES)}")
    return name


def _literal_int(node: exp.Expr | None) -> int | None:
    if isinstance(node, exp.Literal) and not node.is_string:
        try:
            return int(node.this)
        except ValueError:
            return None
    return None


def _check_function(node: exp.Func, dialect: str) -> None:
    if isinstance(node, _DENIED_FUNCTION_CLASSES):
        name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
        raise _refuse(f"function '{name.lower()}' is not allowed (table-valued, set-returning or system access)")
    class_name = type(node).__name__
    if dialect == "sqlite" and class_name.startswith(_SQLITE_DENIED_PREFIX):
        raise _refuse("regular expressions are not available on SQLite (they cannot be interrupted); use LIKE or GLOB")
    if class_name.startswith("Current") and class_name not in _ALLOWED_CURRENT:
        raise _refuse(f"function '{node.sql_name().lower()}' is not allowed (system information)")
    if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
        name = str(node.this)
        if _DENIED_NAME.match(name) or _ascii_lower(name) not in _ANONYMOUS_ALLOWED[dialect]:
            raise _refuse(f"function '{name}' is not allowed")
        if _ascii_lower(name) in ("printf", "format"):
            _check_format(node.expressions[0] if node.expressions else None, name)
    elif not isinstance(node, exp.Connector):
        # The name the database will actually run, as sqlglot emits it for this dialect.
        rendered = _LEADING_NAME.match(
            node.sql(dialect=dialect, copy=False, comments=False, unsupported_level=ErrorLevel.IGNORE)
        )
        if rendered:
            emitted = rendered.group(1)
            # a conversion the dialect writes as nothing ("strftime('%m', c.dob)" over a plain column) renders as
            # the column itself: a column reference, not a dotted function name
            bare_column = not rendered.group(2) and emitted in {
                column.sql(dialect=dialect) for column in node.find_all(exp.Column)
            }
            if not bare_column and ("." in emitted or _DENIED_NAME.match(emitted)):
                raise _refuse(f"function '{emitted.lower()}' is not allowed")
    if isinstance(node, exp.Format):
        _check_format(node.this, "format")
    size_arg = _SIZE_ARGUMENTS.get(type(node))
    if size_arg is not None:
        size = _literal_int(node.args.get(size_arg))
        if size is None or size > MAX_GENERATED_SIZE:
            raise _refuse(f"function '{node.sql_name().lower()}' needs a literal size of at most {MAX_GENERATED_SIZE}")


def _check_format(template: exp.Expr | None, name: str) -> None:
    if not (isinstance(template, exp.Literal) and template.is_string):
        raise _refuse(f"{name}() needs a literal format string")
    if _PRINTF_BIG.search(str(template.this)):
        raise _refuse(f"{name}() widths and precisions must be literal and small")


def _check_tree(root: exp.Expr, dialect: str) -> list[tuple[exp.Table, str]]:
    """Walk every node; refuse anything not whitelisted. Returns the CRM table references to scope."""
    tables: list[tuple[exp.Table, str]] = []
    for node in root.walk():
        kind = type(node)
        if isinstance(node, exp.Table):
            name = _check_table(node, dialect)
            if name is not None:
                tables.append((node, name))
        elif kind in _NODE_REASONS:
            raise _refuse(_NODE_REASONS[kind])
        elif kind in _STATEMENT_NAMES or isinstance(node, exp.Command):
            raise _refuse(f"only SELECT statements are allowed (got {_statement_name(node)} inside the query)")
        elif kind in _ALLOWED_NODES:
            _check_node(node, dialect)
        elif isinstance(node, exp.Func):
            _check_function(node, dialect)
        else:
            raise _refuse(f"the SQL construct {kind.__name__} is not allowed in a guarded query")
    return tables


def _check_node(node: exp.Expr, dialect: str) -> None:
    if isinstance(node, exp.Select):
        if node.args.get("kind") or node.args.get("operation_modifiers"):
            raise _refuse("SELECT modifiers are not allowed")
    elif isinstance(node, exp.CTE):
        _check_cte(node, dialect)
    elif isinstance(node, exp.Column):
        if node.args.get("db") is not None or node.args.get("catalog") is not None:
            raise _refuse(f"schema-qualified column names are not allowed ('{node.sql(dialect)}')")
    elif isinstance(node, exp.Identifier):
        if not node.quoted and not _UNQUOTED_IDENTIFIER.fullmatch(str(node.this)):
            raise _refuse(f"'{node.this}' is not a plain name (parameters are not allowed)")
    elif isinstance(node, exp.Literal):
        if not node.is_string and not _NUMBER.fullmatch(str(node.this)):
            raise _refuse(f"'{node.this}' is not a plain number")
    elif isinstance(node, exp.Var):
        if not _VAR.fullmatch(str(node.this)):
            raise _refuse(f"'{node.this}' is not allowed here")
    elif isinstance(node, exp.HexString):
        if not _HEX.fullmatch(str(node.this)):
            raise _refuse("a hex literal may only hold hex digits")
    elif isinstance(node, exp.DataType) and (node.this not in _ALLOWED_TYPES or node.args.get("nested")):
        raise _refuse(f"casts to {node.sql(dialect)} are not allowed")


# --------------------------------------------------------------------------- the rewrite


def _column(table: str, column: str) -> exp.Column:
    return exp.Column(this=exp.to_identifier(column), table=exp.to_identifier(table))


def _own_client_ids(rm_literal: exp.Literal) -> exp.Subquery:
    select = exp.Select(
        expressions=[_column("clients", "id")],
        from_=exp.From(this=exp.Table(this=exp.to_identifier("clients"))),
        where=exp.Where(this=exp.EQ(this=_column("clients", "rm_id"), expression=rm_literal.copy())),
    )
    return exp.Subquery(this=select)


def _scoped_select(table: str, rm_id: str, dialect: str) -> exp.Select:
    """``SELECT * FROM <table> WHERE <the RM's rows only>`` behind an optimisation fence."""
    kind, columns = _SCOPES[table]
    select = exp.Select(expressions=[exp.Star()], from_=exp.From(this=exp.Table(this=exp.to_identifier(table))))
    if kind == "bank":
        return select
    rm_literal = exp.Literal.string(rm_id)
    conditions: list[exp.Expr] = []
    for column in columns:
        if kind == "rm":
            conditions.append(exp.EQ(this=_column(table, column), expression=rm_literal.copy()))
        else:
            conditions.append(exp.In(this=_column(table, column), query=_own_client_ids(rm_literal)))
    condition = conditions[0]
    for more in conditions[1:]:
        condition = exp.And(this=condition, expression=more)
    select.set("where", exp.Where(this=condition))
    if dialect == "sqlite":
        select.set("limit", exp.Limit(expression=exp.Literal.number(-1)))
    select.set("offset", exp.Offset(expression=exp.Literal.number(0)))
    return select


def _rewrite(tables: Iterable[tuple[exp.Table, str]], rm_id: str, dialect: str) -> None:
    for table, name in tables:
        alias = table.args.get("alias")
        if isinstance(alias, exp.TableAlias) and alias.this is not None:
            new_alias = alias.copy()
        else:
            new_alias = exp.TableAlias(this=table.this.copy())
            if isinstance(alias, exp.TableAlias) and alias.columns:
                new_alias.set("columns", [column.copy() for column in alias.columns])
        table.replace(exp.Subquery(this=_scoped_select(name, rm_id, dialect), alias=new_alias))


def _generate(root: exp.Expr, dialect: str) -> str:
    try:
        return root.sql(dialect=dialect, comments=False, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as error:
        raise _refuse(f"the query uses syntax {dialect} does not support ({error})") from None


def scope_query(sql: str, *, rm_id: str, dialect: str, today: dt.date | None = None) -> str:
    """Validate ``sql`` and rewrite it so it can only read ``rm_id``'s rows; raises ``QueryRefused``."""
    rm_id = _validate_rm_id(rm_id)
    glot_dialect = _sqlglot_dialect(dialect)
    if isinstance(today, dt.datetime):
        today = today.date()
    day = today if today is not None else dt.datetime.now(BANK_TIMEZONE).date()
    try:
        return _scope(sql, rm_id, glot_dialect, day)
    except RecursionError:
        raise _refuse("the SQL is nested too deeply") from None


#: Scoped forms kept per process: a question is checked before it runs and runs once more, and the composer writes
#: the same SQL for the same question, while a parse, a rewrite and two generations cost ~10 ms. The key holds
#: everything the answer depends on; a refusal is an exception, so it is never kept and always re-checked.
SCOPED_CACHE_SIZE = 2048


@functools.lru_cache(maxsize=SCOPED_CACHE_SIZE)
def _scope(sql: str, rm_id: str, glot_dialect: str, day: dt.date) -> str:
    root: exp.Expr = _parse_one(sql, glot_dialect)
    root = _substitute_placeholders(root, rm_id, day, glot_dialect)
    tables = _check_tree(root, glot_dialect)
    _rewrite(tables, rm_id, glot_dialect)
    scoped = _generate(root, glot_dialect)
    # Parser and generator must agree on what runs: the scoped SQL re-parses to itself.
    try:
        again = sqlglot.parse(scoped, read=glot_dialect, error_level=ErrorLevel.RAISE)
    except SqlglotError:
        again = []
    if len(again) != 1 or not isinstance(again[0], exp.Query) or _generate(again[0], glot_dialect) != scoped:
        raise _refuse("the query could not be rewritten safely (its scoped form does not re-parse to itself)")
    return scoped


# --------------------------------------------------------------------------- execution


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


#: SQLite calls the deadline check every this many virtual-machine steps (about a millisecond of work): often
#: enough to stop a runaway query on time, rarely enough that the Python callback costs nothing (at 1,000 steps
#: it took a fifth of a grouped query's time).
PROGRESS_OPS = 50_000


def _run_sqlite(raw: sqlite3.Connection, sql: str, fetch: int, timeout_s: float) -> tuple[list[str], list[Any]]:
    deadline = time.monotonic() + timeout_s
    stopped = False

    def progress() -> int:
        nonlocal stopped
        if time.monotonic() > deadline:
            stopped = True
            return 1  # non-zero interrupts the statement
        return 0

    raw.set_progress_handler(progress, PROGRESS_OPS)
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        columns = [str(column[0]) for column in cursor.description or ()]
        rows = cursor.fetchmany(fetch)
    except sqlite3.Error as error:
        if stopped:
            raise QueryTimeout(f"refused: the query ran longer than {timeout_s:g} s and was stopped") from None
        raise QueryFailed(f"error: the database could not run the query: {_first_line(error)}") from None
    finally:
        cursor.close()
        raw.set_progress_handler(None, 0)
    return columns, rows


def _run_postgres(raw: Any, sql: str, fetch: int, timeout_s: float) -> tuple[list[str], list[Any]]:
    timeout_ms = max(1, int(timeout_s * 1000))
    try:
        raw.rollback()  # start clean, whatever the pool's ping left open
        with raw.cursor() as setup:
            setup.execute("SET TRANSACTION READ ONLY")
            setup.execute(f"SET LOCAL statement_timeout = {timeout_ms}")
            setup.execute("SET LOCAL standard_conforming_strings = on")
        with raw.cursor(name=_PG_CURSOR_NAME) as cursor:
            cursor.execute(sql)
            columns = [str(column.name) for column in cursor.description or ()]
            rows = cursor.fetchmany(fetch)
    except Exception as error:
        if getattr(error, "sqlstate", None) == _PG_QUERY_CANCELED:
            raise QueryTimeout(f"refused: the query ran longer than {timeout_s:g} s and was stopped") from None
        if getattr(error, "sqlstate", None) is None:
            raise
        raise QueryFailed(f"error: the database could not run the query: {_first_line(error)}") from None
    finally:
        raw.rollback()
    return columns, rows


def run_guarded_query(
    database: Database,
    sql: str,
    *,
    rm_id: str,
    today: dt.date | None = None,
    row_limit: int = DEFAULT_ROW_LIMIT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Run ``sql`` for ``rm_id`` on the read-only engine: checked, RM-scoped, row-limited and timed."""
    if isinstance(row_limit, bool) or not isinstance(row_limit, int) or not 1 <= row_limit <= MAX_ROW_LIMIT:
        raise ValueError(f"row_limit must be between 1 and {MAX_ROW_LIMIT}")
    if not (isinstance(timeout_s, (int, float)) and 0 < timeout_s <= 600):
        raise ValueError("timeout_s must be a positive number of seconds (at most 600)")
    dialect = database.dialect
    scoped = scope_query(sql, rm_id=rm_id, dialect=dialect, today=today)
    with database.readonly_engine.connect() as connection:
        raw = connection.connection.driver_connection
        if dialect == "sqlite":
            assert isinstance(raw, sqlite3.Connection)
            columns, rows = _run_sqlite(raw, scoped, row_limit + 1, float(timeout_s))
        else:
            columns, rows = _run_postgres(raw, scoped, row_limit + 1, float(timeout_s))
    truncated = len(rows) > row_limit
    return QueryResult(
        columns=columns,
        rows=[[to_json(value) for value in row] for row in rows[:row_limit]],
        truncated=truncated,
        sql=scoped,
    )


# ----- a model's SQL, before the guard proper ------------------------------------------------

#: Statements that write or change the schema: a reply starting with one is refused outright, never repaired.
WRITE_KEYWORDS = frozenset(
    {"insert", "update", "delete", "merge", "upsert", "replace", "drop", "create", "alter", "truncate", "grant",
     "revoke", "attach", "detach", "pragma", "vacuum", "reindex", "copy", "call", "do", "exec", "execute", "set",
     "reset", "lock", "comment", "refresh", "cluster", "import", "load"}
)  # fmt: skip
_LITERAL_RM_ID = re.compile(r"\brm_id\s*(?:=|<>|!=|\bin\b|\blike\b)\s*\(?\s*'", re.IGNORECASE)
_FENCE = re.compile(r"```(?:sql|SQL)?\s*(.*?)```", re.DOTALL)
#: Ids that never reach a prompt: RM ids and the bank's record ids (clients, accounts, tasks, …).
_INFRA_ID = re.compile(r"\b(?:rm[ _-]?\d{1,6}|(?:c|a|k|i|t|cp|d|m|s)\d{3,})\b", re.IGNORECASE)


def sql_of_reply(text: str) -> str | None:
    """The SQL in a model's reply (a fenced block, else the whole reply), without a trailing semicolon."""
    fenced = _FENCE.search(text)
    sql = (fenced.group(1) if fenced else text).strip().rstrip(";").strip()
    return sql or None


def is_write(sql: str) -> bool:
    """Whether the statement writes or changes the schema (by its first word)."""
    return (_first_keyword(sql) or "").lower() in WRITE_KEYWORDS


def check_model_sql(sql: str) -> None:
    """What a model must get right before the guard proper: one read, and ``:rm_id`` rather than a literal RM."""
    if (_first_keyword(sql) or "").lower() not in ("select", "with"):
        raise QueryRefused("refused: the reply is not one SELECT statement")
    if _LITERAL_RM_ID.search(sql):
        raise QueryRefused("refused: write the :rm_id placeholder instead of a literal RM id")


def redact_ids(text: str, rm_id: str) -> str:
    """The text with the signed-in RM's id and any record id replaced, before it goes into a prompt."""
    if rm_id:
        text = re.sub(re.escape(rm_id), "[me]", text, flags=re.IGNORECASE)
    return _INFRA_ID.sub("[id]", text)
