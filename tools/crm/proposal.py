"""From a note's reading to the exact interaction and tasks that would be written, and back from an edit.

The proposal is what the RM confirms: the same object ``CrmApi.create_interaction`` validates and
writes. Defaults the RM should know about are returned as remarks (a code and its facts); the room's
``copy.py`` words them in the RM's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from stores.settings import BANK_TIMEZONE
from tools.core.text import name_tokens
from tools.crm.api import InteractionCreate

#: Title and topic lengths the CRM accepts.
MAX_TEXT = 300
#: Words that say nothing about which product a topic is ("a loan for …").
_FILLER = frozenset({"a", "an", "the", "for", "of", "khoan", "cho"})
#: What an edit may not change: a different client is a different log; the source is the agent's.
FIXED_FIELDS = frozenset({"client_id", "source", "source_text", "rm_id"})


@dataclass(frozen=True)
class Remark:
    """A default the proposal took: ``no_channel`` (logged as a meeting), ``no_due_date`` (due tomorrow)."""

    code: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    interaction: dict[str, Any]
    remarks: list[Remark]
    problems: list[str]


def product_for(products: list[dict[str, Any]], category: str | None, topic: str | None) -> str | None:
    """The catalog product the note is about, when one clearly fits the category and topic."""
    if not category or not products:
        return None
    wanted = set(name_tokens(topic or "", drop_titles=False)) - _FILLER
    scored = sorted(
        ((len(wanted & set(name_tokens(p["name"] + " " + p["code"].replace("_", " "), drop_titles=False))), p["code"])
         for p in products),
        reverse=True,
    )  # fmt: skip
    if scored[0][0] >= 2 or (scored[0][0] == 1 and (len(scored) == 1 or scored[1][0] == 0)):
        return str(scored[0][1])
    return str(products[0]["code"]) if len(products) == 1 else None


def problems_of(interaction: dict[str, Any]) -> list[str]:
    """What the CRM would refuse in this proposal (empty: it can be written)."""
    try:
        InteractionCreate.model_validate(interaction)
    except ValueError as error:
        return [str(error)]
    return []


def propose_interaction(
    reading: dict[str, Any],
    *,
    client_id: str,
    note: str,
    today: dt.date,
    products: list[dict[str, Any]],
    default_topic: str,
    now: dt.datetime | None = None,
) -> Proposal:
    """The interaction and tasks the reading of ``note`` stands for, logged on ``today`` for ``client_id``."""
    moment = (now or dt.datetime.now(BANK_TIMEZONE)).astimezone(BANK_TIMEZONE)
    occurred_at = dt.datetime.combine(today, moment.time().replace(microsecond=0), tzinfo=BANK_TIMEZONE)
    remarks: list[Remark] = []
    channel = reading.get("channel")
    if channel is None:
        channel = "meeting"
        remarks.append(Remark("no_channel"))
    category = reading.get("product_category")
    topic = reading.get("topic") or (category.replace("_", " ").capitalize() if category else None) or default_topic
    tasks = []
    for task in reading.get("tasks", []):
        due_on = task.get("due_on")
        if not due_on:
            due_on = (today + dt.timedelta(days=1)).isoformat()
            remarks.append(Remark("no_due_date", {"title": task["title"]}))
        tasks.append(
            {
                "title": task["title"][:MAX_TEXT],
                "kind": task["kind"],
                "due_on": due_on,
                "recurrence": task.get("recurrence"),
                "until_condition": task.get("until_condition"),
            }
        )
    interaction = {
        "client_id": client_id,
        "occurred_at": occurred_at.isoformat(),
        "channel": channel,
        "location": reading.get("location"),
        "topic": topic[:MAX_TEXT],
        "summary": reading.get("summary") or note,
        "product_code": product_for(products, category, reading.get("topic")),
        "product_category": category,
        "amount_vnd": reading.get("amount_vnd"),
        "sentiment": reading.get("sentiment") or "neutral",
        "source": "agent",
        "source_text": note,
        "tasks": tasks,
    }
    return Proposal(interaction, remarks, problems_of(interaction))


def apply_edit(proposal: dict[str, Any], edited: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The RM's corrected fields on top of the proposal, and the problems that keep it from being written.

    Only the fields an RM may change are taken (``FIXED_FIELDS`` stay); with problems, use the old proposal.
    """
    changed = dict(proposal)
    interaction = edited.get("interaction", {key: value for key, value in edited.items() if key != "tasks"})
    if not isinstance(interaction, dict) or not isinstance(edited.get("tasks", []), list):
        return proposal, ["an edit carries the corrected fields as an object and the tasks as a list"]
    for key, value in interaction.items():
        if key not in FIXED_FIELDS:
            changed[key] = value
    if "tasks" in edited:
        changed["tasks"] = edited["tasks"]
    return changed, problems_of(changed)
