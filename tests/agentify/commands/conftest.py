"""The store the CLI opens (``AGENTIFY_DATABASE_URL``), for every command's tests."""

from __future__ import annotations

from typing import Any

import pytest

from stores.db import Database
from stores.fixtures import load_fixture


@pytest.fixture
def store(small_bank: dict[str, Any]) -> Database:
    """The CLI's default store with the small two-RM bank loaded."""
    database = Database()
    database.create_schema()
    load_fixture(database, small_bank)
    return database
