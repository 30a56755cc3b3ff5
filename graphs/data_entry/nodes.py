"""The data-entry steps: read the note → which client (``graphs.clarify``) → propose → confirm → write → tell.

Nothing is written before the RM accepts the confirmation card. The review nodes (the client step's
``ask_client``, ``confirm``) only interrupt; what the answer means is decided in the node after them,
and the write happens in ``write``, with an idempotency key derived from the thread, so a replayed
resume or a retry after a crash writes once. Reading the note and building the proposal are
``tools.crm`` engines; the words are ``copy.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from typing import Any, Literal

from langgraph.config import get_config
from langgraph.runtime import Runtime

from graphs.clarify import ClientQuery
from graphs.context import AgentContext
from graphs.data_entry import copy
from graphs.data_entry.state import DataEntryState
from graphs.hitl import HumanInterrupt, ask_human, human_interrupt
from graphs.turn import read_text, turn
from tools.core.language import supported_language
from tools.crm.api import ClientNotFound, CrmApi, WriteRejected
from tools.crm.notes import NoteExtraction, apply_correction, read_note
from tools.crm.proposal import DUPLICATE_WINDOW, near_duplicate, propose_interaction
from tools.crm.proposal import apply_edit as edited_proposal

logger = logging.getLogger(__name__)

CONFIRM_ACTION = "log_interaction"


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _language(state: DataEntryState) -> str:
    return supported_language(state.get("language"))


def _client_query(text: str, reading: NoteExtraction) -> ClientQuery:
    return ClientQuery(text=text, phone=reading.phone, name=reading.client_name, about="note")


# ----- read the note -------------------------------------------------------------------------


def extract(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Read the note (and any correction the RM typed) into structured facts."""
    today = runtime.context.resolved_today()
    model = runtime.context.chat_model()
    correction = state.get("correction")
    if correction and state.get("extraction"):
        text = read_text(correction)
        reading, engine = read_note(text, today, model)
        update: dict[str, Any] = {
            "extraction": apply_correction(state["extraction"], reading),
            "engine": engine,
            "correction": None,
        }
        if reading.client_name or reading.phone:  # the correction names the client: find them again
            update.update(client_id=None, client_query=_client_query(text, reading))
        return update
    note = read_text(state["note"])
    reading, engine = read_note(note, today, model)
    return {
        "note": note,
        "extraction": reading.to_json(),
        "engine": engine,
        "language": reading.language,
        "client_query": _client_query(note, reading),
    }


def route_after_extract(state: DataEntryState) -> Literal["propose", "identify_client"]:
    return "propose" if state.get("client_id") else "identify_client"


# ----- propose and confirm -------------------------------------------------------------------


def propose(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Turn the reading into the exact interaction and tasks that would be written."""
    extraction = state["extraction"]
    language = _language(state)
    category = extraction.get("product_category")
    proposal = propose_interaction(
        extraction,
        client_id=str(state["client_id"]),
        note=state["note"],
        today=runtime.context.resolved_today(),
        products=_crm(runtime).products(category=category) if category else [],
        default_topic=copy.default_topic(language),
        client_name=(state.get("client_label") or "").split(" (…")[0] or None,
    )
    remarks = list(proposal.remarks)
    since = dt.datetime.fromisoformat(proposal.interaction["occurred_at"]) - DUPLICATE_WINDOW
    duplicate = near_duplicate(
        proposal.interaction, _crm(runtime).recent_interactions(str(state["client_id"]), since=since)
    )
    if duplicate is not None:
        remarks.append(duplicate)
    return {
        "proposal": proposal.interaction,
        "remarks": [{"code": remark.code, "facts": remark.facts} for remark in remarks],
        "problems": proposal.problems,
        "status": "awaiting_confirmation",
    }


def confirmation_card(state: DataEntryState) -> HumanInterrupt:
    """The card the RM confirms: the log and tasks exactly as they would be written."""
    language = _language(state)
    proposal = state["proposal"]
    notes = [copy.remark(item["code"], item["facts"], language) for item in state.get("remarks", [])]
    notes += state.get("problems", [])
    uncertain = tuple((state.get("extraction") or {}).get("uncertain") or ())
    description = copy.card(proposal, state.get("client_label"), notes, language, uncertain)
    interaction = {key: value for key, value in proposal.items() if key not in ("tasks", "source", "source_text")}
    args = {"interaction": interaction, "tasks": proposal["tasks"]}
    return human_interrupt(CONFIRM_ACTION, args, description, accept=not state.get("problems"))


def confirm(state: DataEntryState) -> dict[str, Any]:
    """Pause with the confirmation card; nothing is written here."""
    return {"decision": dict(ask_human(confirmation_card(state)))}


def route_after_confirm(state: DataEntryState) -> Literal["write", "apply_edit", "take_correction", "cancelled"]:
    kind = state["decision"]["type"]
    if kind == "accept":
        return "write"
    if kind == "edit":
        return "apply_edit"
    return "take_correction" if kind == "response" else "cancelled"


def apply_edit(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The RM's corrected fields on top of the proposal: an invalid edit changes nothing and says why; an amount typed
    as text ("800m") is read and shown back on the card before anything is written."""
    edit = edited_proposal(state["proposal"], state["decision"].get("args"), today=runtime.context.resolved_today())
    if edit.problems:
        rejected = [{"code": "edit_not_applied", "facts": {"problem": problem}} for problem in edit.problems]
        return {"remarks": rejected, "edit_rejected": True}
    remarks = (
        [{"code": "edit_read", "facts": {"amount_vnd": edit.proposal.get("amount_vnd")}}] if edit.show_back else []
    )
    return {"proposal": edit.proposal, "problems": [], "remarks": remarks, "edit_rejected": edit.show_back}


def route_after_apply_edit(state: DataEntryState) -> Literal["confirm", "write"]:
    """Back to the card when the edit was refused or something typed was read; else the write."""
    return "confirm" if state.get("edit_rejected") else "write"


def take_correction(state: DataEntryState) -> dict[str, Any]:
    return {"correction": str(state["decision"]["args"])}


# ----- write and tell ------------------------------------------------------------------------


def _idempotency_key(proposal: dict[str, Any]) -> str:
    """The thread and the exact proposal: a replayed resume or a retried write reuses the same key."""
    thread = str(get_config().get("configurable", {}).get("thread_id", "no-thread"))
    digest = hashlib.sha256(json.dumps(proposal, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"data-entry:{re.sub(r'[^A-Za-z0-9_.:-]', '', thread)[:60]}:{digest}"


def write(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The only write: one interaction and its tasks, exactly once per thread and proposal."""
    proposal = state["proposal"]
    try:
        result = _crm(runtime).create_interaction(proposal, idempotency_key=_idempotency_key(proposal))
    except (WriteRejected, ClientNotFound) as error:
        logger.warning("data entry write refused: %s", error)
        return {"problems": [str(error)], "written": None}
    return {"written": result.model_dump(mode="json"), "problems": []}


def route_after_write(state: DataEntryState) -> Literal["finish", "confirm"]:
    return "finish" if state.get("written") else "confirm"


def finish(state: DataEntryState) -> dict[str, Any]:
    """Say what was logged, in the note's language."""
    language = _language(state)
    written = state.get("written") or {}
    interaction = written.get("interaction") or {}
    tasks = written.get("tasks") or []
    return turn(
        copy.logged(interaction, tasks, state.get("client_label"), language),
        status="written",
        result={
            "interaction": interaction,
            "tasks": tasks,
            "engine": state.get("engine"),
            "remarks": state.get("remarks", []),
        },
        language=language,
        understood_as=copy.understood_as(state["proposal"], state.get("client_label"), language),
    )


def cancelled(state: DataEntryState) -> dict[str, Any]:
    language = _language(state)
    return turn(copy.cancelled(language), status="cancelled", language=language, result={"engine": state.get("engine")})
