"""The one "which of your clients?" step, shared by every room that needs a client.

A room puts what it knows into ``client_query`` (the RM's text, and the phone and name a reader cut out)
and adds these nodes with ``add_client_step``:

``identify_client`` → the client (phone exact, else one clear name; only the signed-in RM's clients)
→ the room's next node. Otherwise, on a thread (a run with a checkpointer), ``ask_client`` pauses with
a ``choose_client`` card whose choices the web app shows as buttons; the RM answers by button (``edit``
with the client id), by number or by name (``response``), or cancels (``ignore``); ``apply_client_choice``
reads the answer and the original request continues. A run that cannot pause (LangServe, a plain
``invoke``) ends with ``needs_clarification`` and the candidates instead. Never a guess, and never
anything about another RM's clients.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from langgraph.config import get_config
from langgraph.graph import END, StateGraph
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from graphs.context import AgentContext
from graphs.hitl import CHOOSE_CLIENT_ACTION, HumanInterrupt, ask_human, human_interrupt
from graphs.turn import turn
from tools.core.language import supported_language
from tools.core.text import fold_words, normalize_phone
from tools.crm.api import ClientMatch, ClientNotFound, CrmApi
from tools.crm.resolution import resolve_client

#: The runtime's own config key for the run's checkpointer (set whenever the run can be resumed).
_CHECKPOINTER_KEY = "__pregel_checkpointer"

#: The step's words (the question and its outcomes), per language; ``{about}`` is "note" / "request".
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "several": "This {about} could be about more than one of your clients. Which one?",
        "none": "None of your clients matches this {about}. Reply with the client's full name or phone number.",
        "not_yours": "{client_id!r} is not one of your clients",
        "phone_unknown": "The phone number …{last4} in this {about} is none of your clients' numbers.",
        "no_such_choice": "there is no choice {number}: answer with a number from 1 to {count}, or a name",
        "cancelled": "Cancelled: nothing was done.",
        "note": "note",
        "request": "request",
    },
    "vi": {
        "several": "{about} này có thể là về nhiều khách hàng của anh/chị. Đó là ai?",
        "none": (
            "Không tìm thấy khách hàng nào của anh/chị khớp với {about}. Hãy cho biết tên đầy đủ hoặc số điện thoại."
        ),
        "not_yours": "{client_id!r} không phải là khách hàng của anh/chị",
        "phone_unknown": "Số điện thoại …{last4} trong {about} không phải của khách hàng nào của anh/chị.",
        "no_such_choice": "không có lựa chọn {number}: hãy trả lời bằng một số từ 1 đến {count}, hoặc tên khách hàng",
        "cancelled": "Đã huỷ: không có gì được thực hiện.",
        "note": "Ghi chú",
        "request": "Yêu cầu",
    },
}
_NUMBER = re.compile(r"^\s*(?:#|no\.?|số|so)?\s*(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


class ClientQuery(TypedDict, total=False):
    #: The RM's words the client is looked for in.
    text: str
    phone: str | None
    name: str | None
    #: What the RM sent: "note" or "request" (for the question's wording).
    about: str


class ClientSlot(TypedDict, total=False):
    """The state keys of the step; a room's state includes them."""

    client_query: ClientQuery
    #: Only ever the signed-in RM's own clients: ``{"client_id", "label"}``.
    candidates: list[dict[str, Any]]
    client_id: str | None
    client_label: str | None
    #: The RM's answer to the card, as read by ``graphs.hitl``.
    client_decision: dict[str, Any] | None
    #: Why the last answer could not be used (shown on the card asked again).
    client_problem: str | None
    client_cancelled: bool
    language: str


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _words(state: ClientSlot) -> dict[str, str]:
    return WORDS[supported_language(state.get("language"))]


def client_label(match: ClientMatch | dict[str, Any]) -> str:
    """How a client reads in a choice and on a card: "Mr Pham Van Son (…2039, Diamond)"."""
    data = match.model_dump() if isinstance(match, ClientMatch) else match
    return f"{data['honorific']} {data['full_name']} (…{str(data['phone'])[-4:]}, {data['segment']})"


def can_pause() -> bool:
    """Whether this run can wait for the RM's answer and be resumed (it has a checkpointer)."""
    return get_config().get("configurable", {}).get(_CHECKPOINTER_KEY) is not None


def _found(match: ClientMatch | dict[str, Any], client_id: str) -> dict[str, Any]:
    return {"client_id": client_id, "client_label": client_label(match), "candidates": [], "client_problem": None}


# ----- nodes ---------------------------------------------------------------------------------


def identify_client(state: ClientSlot, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The shared resolution among the signed-in RM's clients: one client, or the candidates."""
    query = state.get("client_query") or {}
    resolution = resolve_client(
        _crm(runtime), str(query.get("text") or ""), phone=query.get("phone"), name=query.get("name")
    )
    if resolution.client is not None:
        return _found(resolution.client, resolution.client.id)
    choices = [{"client_id": match.id, "label": client_label(match)} for match in resolution.candidates]
    update: dict[str, Any] = {"client_id": None, "client_label": None, "candidates": choices}
    if query.get("phone"):  # said in words: a name match below is not the owner of that phone (never who is)
        words = _words(state)
        about = words[str(query.get("about") or "request")].lower()
        update["client_problem"] = words["phone_unknown"].format(last4=str(query["phone"])[-4:], about=about)
    return update


def route_after_identify_client(state: ClientSlot) -> Literal["client_found", "ask_client", "client_unclear"]:
    if state.get("client_id"):
        return "client_found"
    return "ask_client" if can_pause() else "client_unclear"


def client_question(state: ClientSlot) -> HumanInterrupt:
    """The card: the RM's own candidates as choices, or a request for a name or phone."""
    words = _words(state)
    about = words[str((state.get("client_query") or {}).get("about") or "request")]
    candidates = state.get("candidates") or []
    if candidates:
        lines = [f"{index}. {choice['label']}" for index, choice in enumerate(candidates, start=1)]
        body = words["several"].format(about=about) + "\n\n" + "\n".join(lines)
    else:
        body = words["none"].format(about=about.lower())
    if state.get("client_problem"):
        body = f"⚠ {state['client_problem']}\n\n{body}"
    query = state.get("client_query") or {}
    args = {"candidates": candidates, "client_name": query.get("name"), "phone": query.get("phone")}
    return human_interrupt(CHOOSE_CLIENT_ACTION, args, body, accept=False, edit=True, respond=True, ignore=True)


def ask_client(state: ClientSlot) -> dict[str, Any]:
    """Pause with the question; what the answer means is decided in ``apply_client_choice``."""
    return {"client_decision": dict(ask_human(client_question(state)))}


def _pick(text: str, candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one candidate a typed name points at (every word of it in the label), else None."""
    words = set(fold_words(text))
    hits = [choice for choice in candidates if words and words <= set(fold_words(choice["label"]))]
    return hits[0] if len(hits) == 1 else None


def apply_client_choice(state: ClientSlot, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """A chosen id (button), a number or a name (typed), or nothing (cancel)."""
    decision = state.get("client_decision") or {}
    words = _words(state)
    candidates = state.get("candidates") or []
    if decision.get("type") == "ignore":
        return {"client_cancelled": True}
    if decision.get("type") == "edit":
        client_id = str((decision.get("args") or {}).get("client_id") or "")
        try:
            profile = _crm(runtime).client_360(client_id).profile
        except ClientNotFound:
            return {"client_problem": words["not_yours"].format(client_id=client_id)}
        return _found(profile, client_id)
    text = str(decision.get("args") or "").strip()
    number = _NUMBER.match(text)
    if number and candidates:
        position = int(number.group(1))
        if not 1 <= position <= len(candidates):
            return {"client_problem": words["no_such_choice"].format(number=position, count=len(candidates))}
        choice = candidates[position - 1]
        return {"client_id": choice["client_id"], "client_label": choice["label"], "candidates": [],
                "client_problem": None}  # fmt: skip
    picked = _pick(text, candidates)
    if picked is not None:
        return {"client_id": picked["client_id"], "client_label": picked["label"], "candidates": [],
                "client_problem": None}  # fmt: skip
    phone = normalize_phone(text)
    about = (state.get("client_query") or {}).get("about", "request")
    query = ClientQuery(text=text, phone=phone, name=None if phone else text, about=about)
    return {"client_query": query, "client_problem": None}


def route_after_apply_client_choice(
    state: ClientSlot,
) -> Literal["client_found", "ask_client", "identify_client", "client_cancelled"]:
    if state.get("client_cancelled"):
        return "client_cancelled"
    if state.get("client_id"):
        return "client_found"
    return "ask_client" if state.get("client_problem") else "identify_client"


def client_unclear(state: ClientSlot) -> dict[str, Any]:
    """A run that cannot pause ends here: the question, with the RM's own candidates as the result."""
    question = client_question(state)
    return turn(
        str(question["description"]),
        status="needs_clarification",
        result={"candidates": state.get("candidates") or []},
        language=str(state.get("language") or "en"),
    )


def client_cancelled(state: ClientSlot) -> dict[str, Any]:
    return turn(_words(state)["cancelled"], status="cancelled", language=str(state.get("language") or "en"))


def add_client_step(builder: StateGraph[Any, Any, Any, Any], *, then: str) -> None:
    """Add the step to a room: route into ``identify_client``; a found client goes on to ``then``."""
    builder.add_node("identify_client", identify_client)
    builder.add_node("ask_client", ask_client)
    builder.add_node("apply_client_choice", apply_client_choice)
    builder.add_node("client_unclear", client_unclear)
    builder.add_node("client_cancelled", client_cancelled)
    builder.add_conditional_edges(
        "identify_client",
        route_after_identify_client,
        {"client_found": then, "ask_client": "ask_client", "client_unclear": "client_unclear"},
    )
    builder.add_edge("ask_client", "apply_client_choice")
    builder.add_conditional_edges(
        "apply_client_choice",
        route_after_apply_client_choice,
        {
            "client_found": then,
            "ask_client": "ask_client",
            "identify_client": "identify_client",
            "client_cancelled": "client_cancelled",
        },
    )
    builder.add_edge("client_unclear", END)
    builder.add_edge("client_cancelled", END)
