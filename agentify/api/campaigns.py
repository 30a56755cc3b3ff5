"""The campaign batch intake (seed 002's batch server), for the bank's campaign system, not its RMs.

- ``POST /api/campaigns/{campaign_id}/events`` ``{"events": [{"event_id", "client_id"}, …]}`` → 202
  ``{"accepted", "duplicates", "unknown_clients", "queued_on"}``: each event once by its id (a retried POST
  accepts nothing twice), queued in batches on the broker, or processed in this process without one;
- ``GET /api/campaigns/{campaign_id}`` → counts by status and the latest recommendations.

Authenticated with the service token ``AGENTIFY_SERVICE_TOKEN`` (a bearer token; an RM's token is refused; with none
set, every call is refused, 401): the
campaign system is a service, and a recommendation written here is read by the RM who owns the client.
"""

from __future__ import annotations

import hmac
import os
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from agentify.api.deps import get_database
from stores.db import Database
from tools.campaigns.engine import MAX_EVENTS, CampaignEventIn, dispatch, receive, status

router = APIRouter(prefix="/api/campaigns", tags=["campaigns (service)"])

SERVICE_TOKEN = "AGENTIFY_SERVICE_TOKEN"
CAMPAIGN_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"


class EventsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[CampaignEventIn] = Field(min_length=1, max_length=MAX_EVENTS)


def service(authorization: Annotated[str | None, Header()] = None) -> None:
    expected = os.environ.get(SERVICE_TOKEN)
    if not expected:  # no token can be valid: nobody is let in, and the caller is told why
        raise HTTPException(401, "campaign intake is not configured on this server: no service token is set",
                            headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not given or not hmac.compare_digest(given, expected):
        raise HTTPException(401, "a valid service token is required", headers={"WWW-Authenticate": "Bearer"})


def _campaign(campaign_id: str) -> str:
    import re

    if not re.fullmatch(CAMPAIGN_PATTERN, campaign_id):
        raise HTTPException(422, {"problems": ["campaign_id: letters, digits, '.', '_' or '-', at most 64"]})
    return campaign_id


@router.post("/{campaign_id}/events", status_code=202, dependencies=[Depends(service)])
async def post_events(
    campaign_id: str, body: EventsRequest, database: Annotated[Database, Depends(get_database)]
) -> dict[str, Any]:
    campaign = _campaign(campaign_id)
    try:
        received = await anyio.to_thread.run_sync(receive, database, campaign, body.events)
    except ValueError as error:
        raise HTTPException(422, {"problems": [f"events: {error}"]}) from None
    queued_on = await anyio.to_thread.run_sync(dispatch, database, campaign, received.accepted)
    return {"accepted": received.accepted, "duplicates": received.duplicates,
            "unknown_clients": received.unknown_clients, "queued_on": queued_on}  # fmt: skip


@router.get("/{campaign_id}", dependencies=[Depends(service)])
async def get_campaign(campaign_id: str, database: Annotated[Database, Depends(get_database)]) -> dict[str, Any]:
    campaign = _campaign(campaign_id)
    try:
        return await anyio.to_thread.run_sync(status, database, campaign)
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
