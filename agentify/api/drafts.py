"""The morning inbox over HTTP: the nightly drafts, the badge, and approve / edit / send / dismiss.

Everything goes through ``tools.inbox.drafts.Inbox`` as the signed-in RM: another RM's draft
answers 404 exactly like an unknown id; an action that does not fit the draft's state
answers 409; nothing else is changed in either case.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from agentify.api.deps import CurrentRm, StoreDep, current_rm
from stores.drafts import DRAFT_STATUSES, INBOX_STATUSES
from tools.inbox.drafts import DraftActionRefused, DraftNotFound, Inbox, SendResult

MAX_DRAFT_ID = 64
DRAFT_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not one of your drafts"},
    409: {"description": "The action does not fit the draft's state; nothing changed"},
}

router = APIRouter(tags=["drafts"], dependencies=[Depends(current_rm)])


class DraftList(BaseModel):
    badge: int = Field(description="drafts not looked at yet (status new)")
    items: list[dict[str, Any]]


class Badge(BaseModel):
    badge: int


class DraftEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=20_000)
    subject: str | None = Field(default=None, max_length=2_000, description="e-mail drafts only")


def inbox(rm_id: CurrentRm, database: StoreDep) -> Inbox:
    return Inbox(database, rm_id)


RmInbox = Annotated[Inbox, Depends(inbox)]


def _checked_id(draft_id: str) -> str:
    if len(draft_id) > MAX_DRAFT_ID or "\x00" in draft_id:
        raise DraftNotFound(f"no draft {draft_id[:MAX_DRAFT_ID]!r} among your drafts")
    return draft_id


@contextmanager
def _bad_input_is_422() -> Iterator[None]:
    """A plain ValueError from the inbox is bad input (422); a refused action (409) passes through."""
    try:
        yield
    except DraftActionRefused:
        raise
    except ValueError as error:
        raise RequestValidationError([{"loc": ("request",), "msg": str(error)}]) from None


async def draft_not_found(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=404)


async def draft_action_refused(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(error)}, status_code=409)


@router.get("/api/drafts", summary="Your drafts, most urgent first, and the badge")
def list_drafts(
    rm_inbox: RmInbox,
    all_drafts: Annotated[
        bool, Query(alias="all", description="true: every status (sent, dismissed too); false: still to act on")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> DraftList:
    statuses = DRAFT_STATUSES if all_drafts else INBOX_STATUSES
    with _bad_input_is_422():
        return DraftList(badge=rm_inbox.badge(), items=rm_inbox.notifications(statuses=statuses, limit=limit))


@router.get("/api/notifications", summary="The badge: drafts not looked at yet")
def notifications(rm_inbox: RmInbox) -> Badge:
    return Badge(badge=rm_inbox.badge())


@router.get("/api/drafts/{draft_id}", summary="One draft", responses=DRAFT_RESPONSES)
def get_draft(rm_inbox: RmInbox, draft_id: str) -> dict[str, Any]:
    with _bad_input_is_422():
        return rm_inbox.get(_checked_id(draft_id))


@router.post("/api/drafts/{draft_id}/approve", summary="Mark the draft reviewed", responses=DRAFT_RESPONSES)
def approve_draft(rm_inbox: RmInbox, draft_id: str) -> dict[str, Any]:
    with _bad_input_is_422():
        return rm_inbox.approve(_checked_id(draft_id))


@router.post("/api/drafts/{draft_id}/dismiss", summary="Drop the draft", responses=DRAFT_RESPONSES)
def dismiss_draft(rm_inbox: RmInbox, draft_id: str) -> dict[str, Any]:
    with _bad_input_is_422():
        return rm_inbox.dismiss(_checked_id(draft_id))


@router.put("/api/drafts/{draft_id}", summary="Rewrite the draft's text (and subject)", responses=DRAFT_RESPONSES)
def edit_draft(rm_inbox: RmInbox, draft_id: str, edit: DraftEdit) -> dict[str, Any]:
    with _bad_input_is_422():
        return rm_inbox.edit(_checked_id(draft_id), body=edit.body, subject=edit.subject)


@router.post(
    "/api/drafts/{draft_id}/send",
    summary="Send: queue the e-mail (the contact is logged), or hand back a chat draft's text to copy",
    description=(
        "Safe to retry: a second send queues nothing more and logs nothing more. A chat or phone draft comes back "
        "with `awaiting_confirmation`: nothing is logged until `/confirm-sent`."
    ),
    responses=DRAFT_RESPONSES,
)
def send_draft(rm_inbox: RmInbox, draft_id: str) -> SendResult:
    with _bad_input_is_422():
        return rm_inbox.send(_checked_id(draft_id))


@router.post(
    "/api/drafts/{draft_id}/confirm-sent",
    summary="The copied chat message was sent (or the call made): log the contact in the CRM, once",
    responses=DRAFT_RESPONSES,
)
def confirm_sent(rm_inbox: RmInbox, draft_id: str) -> SendResult:
    with _bad_input_is_422():
        return rm_inbox.confirm_sent(_checked_id(draft_id))
