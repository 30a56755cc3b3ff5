"""The data-entry steps: extract → resolve client → normalize → confirm → write → tell the RM.

Nothing is written before the RM accepts the confirmation card. The review
nodes (``ask_client``, ``confirm``) only interrupt; what the answer means is
decided in the node after them, and the write happens in ``write``, with an
idempotency key derived from the thread, so a replayed resume or a retry after
a crash writes once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.config import get_config
from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.data_entry.state import DataEntryState, NoteSpans
from graphs.hitl import HumanInterrupt, ask_human, human_interrupt
from prompts import load_prompt
from stores.settings import BANK_TIMEZONE
from tools.core.formatting import format_amount, format_day
from tools.core.language import detect_language
from tools.core.llm.models import span_in, structured_call
from tools.core.parsing import find_amounts, resolve_date
from tools.core.text import name_tokens, normalize_phone
from tools.crm.api import ClientMatch, ClientNotFound, CrmApi, InteractionCreate, WriteRejected
from tools.crm.notes import ExtractedTask, NoteExtraction, extract_note
from tools.crm.resolution import resolve_client as find_client

logger = logging.getLogger(__name__)

CONFIRM_ACTION = "log_interaction"
CHOOSE_CLIENT_ACTION = "choose_client"

_CHANNEL_LABELS = {
    "en": {"meeting": "Meeting", "call": "Call", "email": "Email", "chat": "Chat"},
    "vi": {"meeting": "Gặp mặt", "call": "Gọi điện", "email": "Email", "chat": "Nhắn tin"},
}
_TASK_LABELS = {
    "en": {"call": "Call", "email": "Email", "send_document": "Send documents", "meeting": "Meeting",
           "review": "Review", "other": "Other"},
    "vi": {"call": "Gọi điện", "email": "Email", "send_document": "Gửi tài liệu", "meeting": "Gặp mặt",
           "review": "Rà soát", "other": "Khác"},
}  # fmt: skip


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def lang_of(vi: bool) -> str:
    return "vi" if vi else "en"


def _vi(state: DataEntryState) -> bool:
    return state.get("language") == "vi"


# ----- extract -------------------------------------------------------------------------------


def _extraction_dict(extraction: NoteExtraction) -> dict[str, Any]:
    data = dict(extraction.__dict__)
    data["tasks"] = [
        {**task.__dict__, "due_on": task.due_on.isoformat() if task.due_on else None} for task in extraction.tasks
    ]
    return data


def _from_model(spans: NoteSpans, note: str, rules: NoteExtraction, today: dt.date) -> NoteExtraction:
    """The rules' reading, with gaps filled from the model's verbatim spans (converted by code).

    The model fills in; it does not overrule: a small model turns the meeting itself into a task
    and misreads channels, so a field the rules found stays. A span that is not in the note is a
    hallucination and is dropped; a model task needs a due date copied from the note, in the future,
    on a day no rule-found task already has (the model tends to restate those under another kind).
    """

    def verbatim(value: str | None) -> str | None:
        return value if value and span_in(note, value) else None

    amount_text = verbatim(spans.amount_text)
    amounts = find_amounts(amount_text) if amount_text else []
    covered = {task.due_on for task in rules.tasks}  # the model names the same follow-up with another kind
    extra: list[ExtractedTask] = []
    for task in spans.tasks:
        due_text = verbatim(task.due_text)
        due_on = resolve_date(due_text, today) if due_text else None
        if due_on is None or due_on <= today or due_on in covered:
            continue
        covered.add(due_on)
        extra.append(
            ExtractedTask(kind=task.kind, title=task.title.strip() or task.kind, due_on=due_on, due_text=due_text)
        )
    phone = normalize_phone(spans.phone) if spans.phone and span_in(note, spans.phone) else None
    return NoteExtraction(
        language=rules.language,
        client_name=rules.client_name or verbatim(spans.client_name),
        phone=rules.phone or phone,
        channel=rules.channel or spans.channel,
        location=rules.location or verbatim(spans.location_text),
        topic=rules.topic or verbatim(spans.topic),
        product_category=rules.product_category or spans.product_category,
        amount_vnd=rules.amount_vnd if rules.amount_vnd is not None else (amounts[0].value_vnd if amounts else None),
        amount_text=rules.amount_text or amount_text,
        sentiment=rules.sentiment if rules.sentiment != "neutral" else (spans.sentiment or "neutral"),
        summary=rules.summary,
        tasks=[*rules.tasks, *extra],
    )


def _read_note(note: str, today: dt.date, runtime: Runtime[AgentContext]) -> tuple[NoteExtraction, str]:
    rules = extract_note(note, today)
    model = runtime.context.chat_model()
    if model is None:
        return rules, "rules"
    prompt = load_prompt("data_entry_extract").format(weekday=today.strftime("%A"), today=today.isoformat(), note=note)
    outcome = structured_call(
        model, NoteSpans, [HumanMessage(content=prompt)], fallback=lambda: NoteSpans(), task="data_entry.extract"
    )
    if not outcome.from_model:
        return rules, "rules"
    return _from_model(outcome.value, note, rules, today), "model"


def _apply_correction(previous: dict[str, Any], correction: NoteExtraction) -> dict[str, Any]:
    """What the correction says replaces what the note said; the rest stays."""
    merged = dict(previous)
    for field in ("client_name", "phone", "channel", "location", "topic", "product_category", "amount_vnd",
                  "amount_text"):  # fmt: skip
        value = getattr(correction, field)
        if value is not None:
            merged[field] = value
    if correction.sentiment != "neutral":
        merged["sentiment"] = correction.sentiment
    if correction.tasks:
        corrected_kinds = {task.kind for task in correction.tasks}
        kept = [task for task in previous.get("tasks", []) if task["kind"] not in corrected_kinds]
        merged["tasks"] = kept + _extraction_dict(correction)["tasks"]
    return merged


def extract(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Read the note (and any correction the RM typed) into structured facts."""
    today = runtime.context.resolved_today()
    correction = state.get("correction")
    if correction and state.get("extraction"):
        reading, engine = _read_note(correction, today, runtime)
        extraction = _apply_correction(state["extraction"], reading)
        update: dict[str, Any] = {"extraction": extraction, "engine": engine, "correction": None}
        if reading.client_name or reading.phone:  # the correction names the client: find them again
            update["client_id"] = None
        return update
    reading, engine = _read_note(state["note"], today, runtime)
    return {"extraction": _extraction_dict(reading), "engine": engine, "language": detect_language(state["note"])}


def route_after_extract(state: DataEntryState) -> str:
    return "normalize" if state.get("client_id") else "resolve_client"


# ----- resolve the client --------------------------------------------------------------------


def _label(match: ClientMatch | dict[str, Any]) -> str:
    data = match.model_dump() if isinstance(match, ClientMatch) else match
    return f"{data['honorific']} {data['full_name']} (…{data['phone'][-4:]}, {data['segment']})"


def resolve_client(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Only among the signed-in RM's clients: phone exact, else one clear name; otherwise ask, never guess.

    The decision is ``tools.crm.resolution.resolve_client``; the RM's own answer to "which
    client?" (``client_hint``) is scanned on its own.
    """
    extraction = state["extraction"]
    text = extraction.get("client_hint") or state["note"]
    resolution = find_client(_crm(runtime), text, phone=extraction.get("phone"), name=extraction.get("client_name"))
    if resolution.client is not None:
        return _chosen(resolution.client)
    return _ask(resolution.candidates)


def _ask(matches: list[ClientMatch]) -> dict[str, Any]:
    return {"candidates": [m.model_dump() for m in matches], "client_id": None, "status": "awaiting_client"}


def _chosen(match: ClientMatch) -> dict[str, Any]:
    return {"client_id": match.id, "client_label": _label(match), "candidates": [], "status": "awaiting_confirmation"}


def route_after_resolve_client(state: DataEntryState) -> str:
    return "normalize" if state.get("client_id") else "ask_client"


def _client_question(state: DataEntryState) -> HumanInterrupt:
    candidates = state.get("candidates", [])
    vi = _vi(state)
    if candidates:
        lines = [f"{index}. {_label(candidate)}" for index, candidate in enumerate(candidates, start=1)]
        head = (
            "Ghi chú này có thể là về nhiều khách hàng của anh/chị. Đó là ai?"
            if vi
            else "This note could be about more than one of your clients. Which one?"
        )
        body = head + "\n\n" + "\n".join(lines)
    else:
        body = (
            "Không tìm thấy khách hàng nào của anh/chị khớp với ghi chú. Hãy cho biết tên đầy đủ hoặc số điện thoại."
            if vi
            else "None of your clients matches this note. Reply with the client's full name or phone number."
        )
    args = {
        "candidates": [{"client_id": c["id"], "label": _label(c)} for c in candidates],
        "client_name": state["extraction"].get("client_name"),
        "phone": state["extraction"].get("phone"),
    }
    return human_interrupt(CHOOSE_CLIENT_ACTION, args, body, accept=False, edit=True, respond=True, ignore=True)


def ask_client(state: DataEntryState) -> dict[str, Any]:
    """Pause and ask which client; nothing else happens here."""
    return {"decision": dict(ask_human(_client_question(state)))}


def apply_client_choice(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """A chosen id (edit), a name or phone (response), or nothing (ignore)."""
    decision = state["decision"]
    if decision["type"] == "ignore":
        return {"status": "cancelled"}
    crm = _crm(runtime)
    if decision["type"] == "edit":
        client_id = str(decision["args"].get("client_id", ""))
        try:
            profile = crm.client_360(client_id).profile
        except ClientNotFound:
            return {
                "problems": [f"{client_id!r} is not one of your clients"],
                "candidates": state.get("candidates", []),
            }
        return {"client_id": client_id, "client_label": _label(profile), "status": "awaiting_confirmation",
                "problems": []}  # fmt: skip
    text = str(decision["args"])
    extraction = dict(state["extraction"])
    phone = normalize_phone(text)
    extraction.update(phone=phone, client_name=None if phone else text, client_hint=None if phone else text)
    return {"extraction": extraction, "problems": []}


def route_after_apply_client_choice(state: DataEntryState) -> str:
    if state.get("status") == "cancelled":
        return "cancelled"
    if state.get("client_id"):
        return "normalize"
    if state.get("problems"):
        return "ask_client"
    return "resolve_client"


# ----- normalize -----------------------------------------------------------------------------


def _product_code(crm: CrmApi, category: str | None, topic: str | None) -> str | None:
    """The catalog product the note is about, when one clearly fits the category and topic."""
    if not category:
        return None
    products = crm.products(category=category)
    if not products:
        return None
    wanted = set(name_tokens(topic or "", drop_titles=False)) - {"a", "an", "the", "for", "of", "khoan", "cho"}
    scored = sorted(
        ((len(wanted & set(name_tokens(p["name"] + " " + p["code"].replace("_", " "), drop_titles=False))), p["code"])
         for p in products),
        reverse=True,
    )  # fmt: skip
    if scored[0][0] >= 2 or (scored[0][0] == 1 and (len(scored) == 1 or scored[1][0] == 0)):
        return str(scored[0][1])
    return str(products[0]["code"]) if len(products) == 1 else None


def normalize(state: DataEntryState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Turn the reading into the exact interaction and tasks that would be written."""
    extraction = state["extraction"]
    vi = _vi(state)
    today = runtime.context.resolved_today()
    now = dt.datetime.now(BANK_TIMEZONE)
    occurred_at = dt.datetime.combine(today, now.time().replace(microsecond=0), tzinfo=BANK_TIMEZONE)
    remarks: list[str] = []
    channel = extraction.get("channel")
    if channel is None:
        channel = "meeting"
        remarks.append(
            "Không rõ hình thức liên hệ: ghi là gặp mặt." if vi else "No channel in the note: logged as a meeting."
        )
    category = extraction.get("product_category")
    topic = extraction.get("topic") or (category.replace("_", " ").capitalize() if category else None)
    topic = topic or ("Trao đổi với khách hàng" if vi else "Client conversation")
    tasks = []
    for task in extraction.get("tasks", []):
        due_on = task.get("due_on")
        if not due_on:
            due_on = (today + dt.timedelta(days=1)).isoformat()
            remarks.append(
                f"“{task['title']}”: không có hạn, đặt là ngày mai."
                if vi
                else f"“{task['title']}”: no date given, due tomorrow."
            )
        tasks.append(
            {
                "title": task["title"][:300],
                "kind": task["kind"],
                "due_on": due_on,
                "recurrence": task.get("recurrence"),
                "until_condition": task.get("until_condition"),
            }
        )
    proposal = {
        "client_id": state["client_id"],
        "occurred_at": occurred_at.isoformat(),
        "channel": channel,
        "location": extraction.get("location"),
        "topic": topic[:300],
        "summary": extraction.get("summary") or state["note"],
        "product_code": _product_code(_crm(runtime), category, extraction.get("topic")),
        "product_category": category,
        "amount_vnd": extraction.get("amount_vnd"),
        "sentiment": extraction.get("sentiment") or "neutral",
        "source": "agent",
        "source_text": state["note"],
        "tasks": tasks,
    }
    return {
        "proposal": proposal,
        "remarks": remarks,
        "problems": _problems(proposal),
        "status": "awaiting_confirmation",
    }


def _problems(proposal: dict[str, Any]) -> list[str]:
    try:
        InteractionCreate.model_validate(proposal)
    except ValueError as error:
        return [str(error)]
    return []


# ----- confirm -------------------------------------------------------------------------------


def confirmation_card(state: DataEntryState) -> HumanInterrupt:
    """The card the RM confirms: the log and tasks exactly as they would be written."""
    proposal = state["proposal"]
    vi = _vi(state)
    lang = "vi" if vi else "en"
    labels = (
        ("Khách hàng", "Hình thức", "Địa điểm", "Chủ đề", "Số tiền", "Thái độ", "Việc cần làm")
        if vi
        else ("Client", "Channel", "Location", "Topic", "Amount", "Sentiment", "Tasks")
    )
    sentiment = {"positive": "tích cực", "neutral": "trung lập", "negative": "tiêu cực"} if vi else {}
    lines = [
        "**Xác nhận ghi nhận vào CRM**" if vi else "**Confirm this CRM log**",
        "",
        f"- {labels[0]}: {state.get('client_label')}",
        f"- {labels[1]}: {_CHANNEL_LABELS[lang][proposal['channel']]}",
        f"- {labels[2]}: {proposal.get('location') or '—'}",
        f"- {labels[3]}: {proposal['topic']}",
        f"- {labels[4]}: {format_amount(proposal.get('amount_vnd'), lang_of(vi))}",
        f"- {labels[5]}: {sentiment.get(proposal['sentiment'], proposal['sentiment'])}",
        f"- {labels[6]}:" + ("" if proposal["tasks"] else " —"),
    ]
    lines += [
        f"  - {_TASK_LABELS[lang][task['kind']]}: {task['title']} ({format_day(task['due_on'], lang_of(vi))})"
        + (f" ↻ {task['recurrence']}" if task.get("recurrence") else "")
        for task in proposal["tasks"]
    ]
    for remark in state.get("remarks", []) + state.get("problems", []):
        lines.append(f"\n> {remark}")
    interaction = {key: value for key, value in proposal.items() if key not in ("tasks", "source", "source_text")}
    args = {"interaction": interaction, "tasks": proposal["tasks"]}
    return human_interrupt(CONFIRM_ACTION, args, "\n".join(lines), accept=not state.get("problems"))


def confirm(state: DataEntryState) -> dict[str, Any]:
    """Pause with the confirmation card; nothing is written here."""
    return {"decision": dict(ask_human(confirmation_card(state)))}


def route_after_confirm(state: DataEntryState) -> str:
    kind = state["decision"]["type"]
    return {"accept": "write", "edit": "apply_edit", "response": "take_correction", "ignore": "cancelled"}[kind]


def apply_edit(state: DataEntryState) -> dict[str, Any]:
    """The RM's corrected fields on top of the proposal; an invalid edit changes nothing and says why.

    The client is not editable here: a different client is a different log.
    """
    edited = state["decision"]["args"]
    proposal = dict(state["proposal"])
    interaction = edited.get("interaction", {k: v for k, v in edited.items() if k != "tasks"})
    for key, value in interaction.items():
        if key not in ("client_id", "source", "source_text", "rm_id"):
            proposal[key] = value
    if "tasks" in edited:
        proposal["tasks"] = edited["tasks"]
    problems = _problems(proposal)
    if problems:
        prefix = "Chưa áp dụng chỉnh sửa: " if _vi(state) else "Edit not applied: "
        return {"remarks": [prefix + problem for problem in problems], "edit_rejected": True}
    return {"proposal": proposal, "problems": [], "remarks": [], "edit_rejected": False}


def route_after_apply_edit(state: DataEntryState) -> str:
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
        return {"problems": [str(error)], "status": "awaiting_confirmation"}
    return {"result": result.model_dump(mode="json"), "status": "written", "problems": []}


def route_after_write(state: DataEntryState) -> str:
    return "finish" if state.get("status") == "written" else "confirm"


def finish(state: DataEntryState) -> dict[str, Any]:
    """Say what was logged, in the note's language."""
    vi = _vi(state)
    result = state["result"] or {}
    interaction = result.get("interaction") or {}
    lines = [
        "Đã ghi nhận vào CRM:" if vi else "Logged in the CRM:",
        f"- {'Khách hàng' if vi else 'Client'}: {state.get('client_label')}",
        f"- {'Chủ đề' if vi else 'Topic'}: {interaction.get('topic')}"
        + (f" ({format_amount(interaction.get('amount_vnd'), lang_of(vi))})" if interaction.get("amount_vnd") else ""),
    ]
    if interaction.get("location"):
        lines.append(f"- {'Địa điểm' if vi else 'Location'}: {interaction['location']}")
    tasks = result.get("tasks") or []
    if tasks:
        lines.append("- Việc cần làm:" if vi else "- New tasks:")
        lines += [f"  - {task['title']} ({format_day(task['due_on'], lang_of(vi))})" for task in tasks]
    return {"message": "\n".join(lines)}


def cancelled(state: DataEntryState) -> dict[str, Any]:
    vi = _vi(state)
    return {
        "status": "cancelled",
        "message": "Đã huỷ: không có gì được ghi." if vi else "Cancelled: nothing was logged.",
    }
