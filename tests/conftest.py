"""Shared fixtures: a fresh store on SQLite and on the real PostgreSQL server.

PostgreSQL tests never skip: if no server answers on ``AGENTIFY_TEST_PG_URL``
(default 127.0.0.1:5432, database ``test``) they fail saying so.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from stores.db import Database
from stores.fixtures import load_fixture
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.core.llm.models import clear_model_cache

FIXTURES = Path(__file__).parent / "fixtures"
PG_URL = os.environ.get("AGENTIFY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the developer's data folder or database."""
    data = tmp_path_factory.mktemp("agentify-data")
    monkeypatch.setenv("AGENTIFY_DATA_DIR", str(data))
    monkeypatch.setenv("AGENTIFY_DATABASE_URL", f"sqlite:///{data / 'agentify.db'}")
    # A developer's model settings never leak into a test; each test starts with no cached model.
    for name in ("AGENTIFY_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "AGENTIFY_EMBEDDINGS", "AGENTIFY_INDEX_DIR"):
        monkeypatch.delenv(name, raising=False)
    clear_model_cache()
    # Tests change rows behind the CRM door (a risk profile, a balance): an RM's book is read afresh each time.
    monkeypatch.setenv("AGENTIFY_BOOK_CACHE_S", "0")
    return data


@pytest.fixture(scope="session")
def small_bank_data() -> dict[str, Any]:
    return json.loads((FIXTURES / "small_bank.json").read_text(encoding="utf-8"))


@pytest.fixture
def small_bank(small_bank_data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy each test may change freely."""
    return copy.deepcopy(small_bank_data)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'bank.db'}")
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def postgres_db() -> Iterator[Database]:
    """A Database in a schema of its own, dropped afterwards."""
    admin = create_engine(PG_URL)
    try:
        with admin.connect():
            pass
    except OperationalError as error:  # pragma: no cover - depends on the machine
        pytest.fail(
            f"PostgreSQL is required for this test but {PG_URL} does not answer ({error.orig}). "
            "Start the server or set AGENTIFY_TEST_PG_URL.",
            pytrace=False,
        )
    schema = f"agentify_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    database = Database(PG_URL, schema=schema)
    database.create_schema()
    try:
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on both backends."""
    name = "sqlite_db" if request.param == "sqlite" else "postgres_db"
    database: Database = request.getfixturevalue(name)
    return database


RECOMMENDATION_FIXTURE = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "recommendation" / "fixture.json"


@pytest.fixture
def recommendation_bank(sqlite_db: Database) -> Database:
    """The recommendation suite's development bank (19 Đà Nẵng clients, notes, complaints, relatives; 3 Nov 2025)."""
    load_fixture(sqlite_db, json.loads(RECOMMENDATION_FIXTURE.read_text(encoding="utf-8")))
    return sqlite_db


@pytest.fixture
def bank_db(any_db: Database, small_bank: dict[str, Any]) -> Database:
    """The small two-RM bank, loaded on each backend."""
    load_fixture(any_db, small_bank)
    return any_db


@pytest.fixture(scope="session")
def embeddings() -> LocalE5Embeddings:
    """The embedded multilingual-e5 model, loaded once per test process."""
    return LocalE5Embeddings()
