"""From a note's reading to the exact interaction and tasks that would be written, and back from an edit.

The proposal is what the RM confirms: the same object ``CrmApi.create_interaction`` validates and
writes. Defaults the RM should know about are returned as remarks (a code and its facts); the room's
``copy.py`` words them in the RM's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from stores.settings import BANK_TIMEZONE
from tools.core.dates import bank_date
from tools.core.parsing import find_amounts
from tools.core.settings import max_card_amount_vnd
from tools.core.text import fold, name_tokens
from tools.crm.api import MAX_SUMMARY, InteractionCreate

#: Title and topic lengths the CRM accepts.
MAX_TEXT = 300
#: Follow-ups one log may carry; an edit with more is refused (a paste gone wrong, not a plan).
MAX_TASKS = 20
#: The window an edited date must fall in, around the RM's today: a meeting up to a year back (or tomorrow, for
#: a time zone's sake); a follow-up from a month overdue to three years ahead.
OCCURRED_WINDOW = (dt.timedelta(days=-366), dt.timedelta(days=1))
DUE_WINDOW = (dt.timedelta(days=-31), dt.timedelta(days=3 * 366))
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


def _naming(title: str, client_name: str | None) -> str:
    """The title, with the client's name when it does not say whom the task is for."""
    if not client_name or set(name_tokens(client_name)[-1:]) <= set(name_tokens(title)):
        return title
    return f"{title} – {client_name}"


#: How close two summaries of the same client's logs must be to look like the same conversation logged twice.
DUPLICATE_SIMILARITY = 85
DUPLICATE_WINDOW = dt.timedelta(hours=24)


def near_duplicate(proposal: dict[str, Any], recent: list[dict[str, Any]]) -> Remark | None:
    """A log of the same client within a day that reads like this one (the same note, a close summary, or the same
    channel, amount and product): said on the card, never blocked (two real calls in a day happen)."""
    occurred = dt.datetime.fromisoformat(str(proposal["occurred_at"]))
    for logged in recent:
        when = dt.datetime.fromisoformat(str(logged["occurred_at"]).replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=BANK_TIMEZONE)
        if abs(occurred - when) > DUPLICATE_WINDOW:
            continue
        same_note = bool(logged.get("source_text")) and logged.get("source_text") == proposal.get("source_text")
        close = fuzz.token_set_ratio(fold(str(logged.get("summary", ""))), fold(str(proposal["summary"]))) >= (
            DUPLICATE_SIMILARITY
        )
        same_deal = proposal.get("amount_vnd") is not None and all(
            logged.get(key) == proposal.get(key) for key in ("channel", "amount_vnd", "product_category")
        )
        if same_note or close or same_deal:
            local = when.astimezone(BANK_TIMEZONE)
            return Remark("possible_duplicate", {"when": local.strftime("%H:%M %d/%m"),
                                                 "summary": str(logged.get("summary", ""))[:80]})  # fmt: skip
    return None


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
    client_name: str | None = None,
) -> Proposal:
    """The interaction and tasks the reading of ``note`` stands for, logged on ``today`` for ``client_id``; a task
    title that does not name the client ("Call him") gets ``client_name``, so the task list reads on its own."""
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
                "title": _naming(task["title"], client_name)[:MAX_TEXT],
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
        "summary": (reading.get("summary") or note)[:MAX_SUMMARY],
        "product_code": product_for(products, category, reading.get("topic")),
        "product_category": category,
        "amount_vnd": reading.get("amount_vnd"),
        "sentiment": reading.get("sentiment") or "neutral",
        "source": "agent",
        "source_text": note,
        "tasks": tasks,
    }
    return Proposal(interaction, remarks, problems_of(interaction))


def edited_amount(value: Any) -> tuple[int | None, str | None, bool]:
    """An amount as the RM edits it: a number, or text as they write it ("800m", "1,2 tỷ", "500tr").

    Returns (amount, problem, read_from_text): text is parsed, and the card shows it back before anything is
    written; a yes/no, a fraction of a dong, a negative or an amount above the configured maximum is refused.
    """
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return None, "amount_vnd must be an amount in VND (a number, or text such as 800m, 1,2 tỷ, 500tr)", False
    read_from_text = isinstance(value, str)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None, None, True
        spans = find_amounts(text)
        digits = text.replace(",", "").replace(".", "").replace(" ", "").removesuffix("đ").removesuffix("VND")
        if len(spans) == 1 and _only_amount(text, spans[0]):
            value = spans[0].value_vnd
        elif digits.isdigit():
            value = int(digits)
        else:
            return None, f"amount_vnd: could not read {text!r} as one amount (write it as 800m, 1,2 tỷ or 500tr)", True
    if isinstance(value, float):
        if not value.is_integer():
            return None, "amount_vnd must be a whole number of VND", read_from_text
        value = int(value)
    if not isinstance(value, int):
        return None, "amount_vnd must be an amount in VND (a number, or text such as 800m, 1,2 tỷ, 500tr)", False
    ceiling = max_card_amount_vnd()
    if not 0 <= value <= ceiling:
        return None, f"amount_vnd must be between 0 and {ceiling:,} VND, got {value:,}", read_from_text
    return value, None, read_from_text


def _only_amount(text: str, span: Any) -> bool:
    """The text is the amount and nothing else but a currency word ("800m", "1,2 tỷ đồng", "VND 500tr")."""
    rest = (text[: span.start] + " " + text[span.end :]).lower()
    return all(word in {"vnd", "đ", "đồng", "dong", "d"} for word in rest.replace(".", " ").split())


def _date_problems(changed: dict[str, Any], today: dt.date) -> list[str]:
    problems = []
    occurred = bank_date(changed.get("occurred_at"))
    if occurred is not None and not today + OCCURRED_WINDOW[0] <= occurred <= today + OCCURRED_WINDOW[1]:
        problems.append(f"occurred_at must be within a year before {today.isoformat()}, got {occurred.isoformat()}")
    for task in changed.get("tasks") or []:
        due = bank_date(task.get("due_on")) if isinstance(task, dict) else None
        if due is not None and not today + DUE_WINDOW[0] <= due <= today + DUE_WINDOW[1]:
            low, high = today + DUE_WINDOW[0], today + DUE_WINDOW[1]
            problems.append(f"a task's due_on must be between {low.isoformat()} and {high.isoformat()}, got {due}")
    return problems


@dataclass(frozen=True)
class Edit:
    """An RM's edit applied: the proposal to show or write, why it cannot be written, and whether the card must be
    shown again before writing (something the RM typed was read, e.g. an amount as text)."""

    proposal: dict[str, Any]
    problems: list[str]
    show_back: bool = False


def apply_edit(proposal: dict[str, Any], edited: Any, *, today: dt.date) -> Edit:
    """The RM's corrected fields on top of the proposal, checked: types, the amount as the RM writes it, dates in a
    sane window around ``today``, at most ``MAX_TASKS`` tasks, text lengths. Only the fields an RM may change are
    taken (``FIXED_FIELDS`` stay); with problems, the old proposal stands."""
    if not isinstance(edited, dict):
        return Edit(proposal, ["an edit carries the corrected fields as an object"])
    interaction = edited.get("interaction", {key: value for key, value in edited.items() if key != "tasks"})
    tasks = edited.get("tasks", proposal.get("tasks", []))
    if not isinstance(interaction, dict) or not isinstance(tasks, list):
        return Edit(proposal, ["an edit carries the corrected fields as an object and the tasks as a list"])
    if len(tasks) > MAX_TASKS:
        return Edit(proposal, [f"a log carries at most {MAX_TASKS} tasks, the edit has {len(tasks)}"])
    changed = dict(proposal)
    for key, value in interaction.items():
        if key not in FIXED_FIELDS:
            changed[key] = value
    changed["tasks"] = tasks
    show_back = False
    if "amount_vnd" in interaction:
        amount, problem, show_back = edited_amount(interaction["amount_vnd"])
        if problem:
            return Edit(proposal, [problem])
        changed["amount_vnd"] = amount
    problems = _date_problems(changed, today) or problems_of(changed)
    return Edit(proposal if problems else changed, problems, show_back and not problems)
