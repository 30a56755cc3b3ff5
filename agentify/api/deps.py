"""Dependencies every route module shares: the app's store and the RM the bearer token signs in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from stores.db import Database
from tools.crm.auth import rm_for_token

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="A per-RM API token from `tools.crm.auth.issue_token`; it decides which RM is signed in.",
)


async def get_database(request: Request) -> Database:  # async: no worker thread for reading app state
    database: Database = request.app.state.database
    return database


def current_rm(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    database: Annotated[Database, Depends(get_database)],
) -> str:
    """The RM the bearer token signs in; 401 otherwise. Never read from the query or the body."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(401, "sign in: send Authorization: Bearer <token>", {"WWW-Authenticate": "Bearer"})
    rm_id = rm_for_token(database, credentials.credentials)
    if rm_id is None:
        raise HTTPException(
            401, "the token is invalid or revoked", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    request.state.rm_id = rm_id
    return rm_id


CurrentRm = Annotated[str, Depends(current_rm)]
StoreDep = Annotated[Database, Depends(get_database)]
