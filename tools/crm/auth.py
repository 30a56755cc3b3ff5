"""Per-RM bearer tokens: who is signed in is decided here, never by request text."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from stores.app_tables import ApiToken
from stores.db import Database
from stores.schema import Rm, table_of
from stores.settings import BANK_TIMEZONE


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(database: Database, rm_id: str) -> str:
    """A new token for an existing RM; only its hash is stored, so show it once."""
    database.create_schema()
    with database.engine.begin() as connection:
        if connection.execute(select(Rm.id).where(Rm.id == rm_id)).first() is None:
            raise LookupError(f"no relationship manager {rm_id!r}")
        token = f"agt_{secrets.token_urlsafe(32)}"
        connection.execute(
            table_of(ApiToken)
            .insert()
            .values(token_sha256=_digest(token), rm_id=rm_id, created_at=dt.datetime.now(BANK_TIMEZONE))
        )
    return token


def rm_for_token(database: Database, token: str) -> str | None:
    """The RM a valid, unrevoked token signs in, if that RM still exists."""
    if not token:
        return None
    with database.engine.connect() as connection:
        row = connection.execute(
            select(ApiToken.rm_id)
            .join(Rm, Rm.id == ApiToken.rm_id)
            .where(ApiToken.token_sha256 == _digest(token), ApiToken.revoked_at.is_(None))
        ).first()
    return row[0] if row else None


def revoke_tokens(database: Database, rm_id: str) -> int:
    """Revoke every token of an RM; returns how many were live."""
    table = table_of(ApiToken)
    with database.engine.begin() as connection:
        result = connection.execute(
            table.update()
            .where(table.c.rm_id == rm_id, table.c.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(BANK_TIMEZONE))
        )
    return int(result.rowcount or 0)
