"""Where paused and finished graph threads are kept, so they survive a restart.

SQLite banks get a SQLite checkpoint file beside the bank's file; PostgreSQL
banks get LangGraph's PostgreSQL saver in the same database (and schema).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from sqlalchemy.engine import make_url

from stores.db import Database
from stores.settings import data_dir


def checkpoint_path(database: Database) -> Path:
    """The SQLite checkpoint file for a SQLite bank: beside it, or in the data folder."""
    bank_file = make_url(database.url).database
    if bank_file and bank_file != ":memory:":
        return Path(bank_file).with_name("checkpoints.sqlite")
    return data_dir() / "checkpoints.sqlite"


def _libpq_connection(database: Database) -> tuple[str, str]:
    """The libpq URL and its session options (passed apart: URL-encoded spaces are not decoded by libpq)."""
    url = make_url(database.url)
    url_options = url.query.get("options")
    options = [url_options] if isinstance(url_options, str) else list(url_options or [])
    if database.schema:
        options.append(f"-c search_path={database.schema}")
    bare = url.set(drivername="postgresql").difference_update_query(["options"])
    return bare.render_as_string(hide_password=False), " ".join(options)


@contextmanager
def open_checkpointer(database: Database) -> Iterator[BaseCheckpointSaver[str]]:
    """A ready checkpointer for this bank's backend, closed on exit."""
    if database.dialect == "postgresql":
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        conninfo, options = _libpq_connection(database)
        kwargs = {"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row}
        if options:
            kwargs["options"] = options
        with ConnectionPool(conninfo, kwargs=kwargs, min_size=1, max_size=8, open=True) as pool:
            postgres_saver = PostgresSaver(pool)  # type: ignore[arg-type]
            postgres_saver.setup()
            yield postgres_saver
        return
    path = checkpoint_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        saver = SqliteSaver(connection)
        saver.setup()
        yield saver
    finally:
        connection.close()
