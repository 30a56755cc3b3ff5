"""Shared HTTP test drivers: sign-in headers, the app under test, a free port for a real server.

The fixtures ``client`` (the app on the small two-RM bank, lifespan run), ``rm1`` and ``rm2``
(the bearer headers of RM001 and RM002) reach the tests under ``tests/agentify`` through
``tests/agentify/conftest.py``.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from agentify.app import create_app
from stores.db import Database
from tools.crm.auth import issue_token


def bearer(token: str) -> dict[str, str]:
    """The headers that sign in with ``token``."""
    return {"Authorization": f"Bearer {token}"}


def write_headers(auth: dict[str, str], key: str) -> dict[str, str]:
    """``auth`` plus the ``Idempotency-Key`` every write needs."""
    return {**auth, "Idempotency-Key": key}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def client(bank_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(bank_db)) as test_client:
        yield test_client


@pytest.fixture
def rm1(bank_db: Database) -> dict[str, str]:
    return bearer(issue_token(bank_db, "RM001"))


@pytest.fixture
def rm2(bank_db: Database) -> dict[str, str]:
    return bearer(issue_token(bank_db, "RM002"))
