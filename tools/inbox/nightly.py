"""The nightly catch-up's bulk work: the context of a wave of events, and one event's checked draft.

Bulk where the work is per bank (client cards, the RMs' tones and rules, documents: a few queries per
wave), per event where the work is per client (the draft). The room ``graphs/nightly`` orchestrates;
``EventTask`` is what one event's draft needs, plain JSON so it travels in a ``Send``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from langchain_core.language_models import BaseChatModel
from typing_extensions import TypedDict

from stores.db import Database
from tools.crm.api import CrmApi
from tools.inbox.drafts import NewDraft
from tools.knowledge.snippets import policy_snippets, product_sheets
from tools.policy.compliance import check_message
from tools.products.suggestions import PLACEMENT_KINDS, suggested_facts, suggestions_for
from tools.signals.events import client_cards
from tools.voice.drafting import DraftRequest, compose_draft
from tools.voice.personalization import rules_applying, rules_by_rm, tones_for
from tools.voice.tone import ToneProfile

GONE = "the client or the RM is no longer in the bank"


class EventTask(TypedDict):
    """One event with everything its draft needs."""

    event: dict[str, Any]
    client: dict[str, Any]
    tone: dict[str, Any]
    rules: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    #: The active catalog: the check reads rates and target segments from it.
    products: list[dict[str, Any]]


def failure(event: dict[str, Any], error: str) -> dict[str, Any]:
    return {"event_key": event["event_key"], "kind": event["kind"], "error": error[:300]}


def wave_context(database: Database, events: list[dict[str, Any]]) -> tuple[list[EventTask], list[dict[str, Any]]]:
    """Each event with its client card, its RM's tone and rules and the documents for its kind, in a few bulk
    reads; the events whose client or RM is gone are failures."""
    cards = client_cards(database, {event["client_id"] for event in events})
    rm_ids = {event["rm_id"] for event in events}
    tones = tones_for(database, rm_ids)
    rules = rules_by_rm(database, rm_ids)
    snippets = policy_snippets(database, {event["kind"] for event in events})
    sheets = product_sheets(database, (str(event["facts"].get("product_code") or "") for event in events))
    events = _with_suggestions(database, events)
    catalog = CrmApi(database, events[0]["rm_id"]).products() if events else []  # bank-wide reference data
    tasks: list[EventTask] = []
    failures: list[dict[str, Any]] = []
    for event in events:
        card, tone = cards.get(event["client_id"]), tones.get(event["rm_id"])
        if card is None or tone is None:
            failures.append(failure(event, GONE))
            continue
        sheet = sheets.get(str(event["facts"].get("product_code") or ""))
        documents = [*([sheet] if sheet is not None else []), *snippets.get(event["kind"], [])]
        tasks.append(
            EventTask(
                event=event,
                client=card,
                tone=tone.model_dump(mode="json"),
                rules=rules_applying(rules.get(event["rm_id"], []), card),
                documents=documents,
                products=catalog,
            )
        )
    return tasks, failures


def _with_suggestions(database: Database, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events about money to place, with the product the policy lets the client be offered in their facts."""
    amounts = {e["client_id"]: int(e["facts"].get("amount_vnd") or 0) for e in events if e["kind"] in PLACEMENT_KINDS}
    if not amounts:
        return events
    first = next(event for event in events if event["kind"] in PLACEMENT_KINDS)
    catalog = CrmApi(database, first["rm_id"]).products()  # bank-wide reference data
    found = suggestions_for(database, catalog, amounts, today=dt.date.fromisoformat(first["scan_date"]))
    return [
        {**event, "facts": {**event["facts"], **suggested_facts(found.get(event["client_id"]))}}
        if event["kind"] in PLACEMENT_KINDS
        else event
        for event in events
    ]


def draft_for(task: EventTask, model: BaseChatModel | None) -> NewDraft:
    """The event drafted in the RM's voice and checked against the communication rules (flags kept)."""
    event, client = task["event"], task["client"]
    draft = compose_draft(
        DraftRequest(
            kind=event["kind"],
            facts=event["facts"],
            client=client,
            rm_name=str(client.get("rm_name") or ""),
            documents=task["documents"],
        ),
        ToneProfile.model_validate(task["tone"]),
        task["rules"],
        model=model,
    )
    findings = check_message(draft.text, language=draft.language, client=client, products=task.get("products", []))
    flags = sorted({*draft.flags, *(finding.flag for finding in findings)})
    preferred = client.get("preferred_channel") or "chat"
    return NewDraft(
        event_key=event["event_key"],
        rm_id=event["rm_id"],
        client_id=event["client_id"],
        kind=event["kind"],
        scan_date=event["scan_date"],
        urgency=event["urgency"],
        value_vnd=int(event["value_vnd"]),
        facts=event["facts"],
        channel=draft.channel,
        client_channel=str(preferred),
        language=draft.language,
        subject=draft.subject,
        body=draft.text,
        engine=draft.engine,
        compliance={"flags": flags, "notes": list(draft.notes)},
        run_id=None,
    )
