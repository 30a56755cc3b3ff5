"""The co-pilot steps: classify the message → run that use case's graph as a subgraph → respond.

Each use case keeps its own graph; the co-pilot only translates the chat message into that graph's
input and its output into one answer. Who is asking comes from the runtime context only.
The performance subgraph keeps its state on the co-pilot thread (``checkpointer=True``) so follow-ups
("and last month?") build on the previous question; the data-entry subgraph's interrupts surface on
the co-pilot thread and a ``Command(resume=...)`` there resumes them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.copilot.state import CopilotState, IntentChoice
from graphs.data_entry.graph import builder as data_entry_builder
from graphs.drafting.graph import builder as drafting_builder
from graphs.next_best_action.graph import builder as next_best_action_builder
from graphs.performance.graph import builder as performance_builder
from graphs.prioritization.graph import builder as prioritization_builder
from prompts import load_prompt
from tools.core.language import detect_language
from tools.core.llm.models import structured_call
from tools.core.text import fold
from tools.crm.api import CrmApi
from tools.crm.notes import extract_note
from tools.crm.resolution import resolve_client
from tools.routing.intent import classify_intent

logger = logging.getLogger(__name__)

# Stateless use cases run fresh each turn; nothing of theirs needs resuming.
prioritization_graph = prioritization_builder.compile(checkpointer=False, name="prioritization")
next_best_action_graph = next_best_action_builder.compile(checkpointer=False, name="next_best_action")
drafting_graph = drafting_builder.compile(checkpointer=False, name="drafting")
# Per-thread: the report query of the last question stays for the follow-ups.
performance_graph = performance_builder.compile(checkpointer=True, name="performance")
# Per-invocation (the parent's checkpointer): each note starts fresh, its interrupts resume on the thread.
data_entry_graph = data_entry_builder.compile(name="data_entry")

USE_CASE_NODES = {
    "prioritization": "prioritization",
    "next_best_action": "next_best_action",
    "performance_report": "performance_report",
    "data_entry": "data_entry",
    "drafting": "drafting",
    "other": "other",
}

_EVENTS = (
    ("birthday", r"\b(birthday|bday|sinh nhat)\b"),
    ("cd_maturity", r"\b(cd|certificate of deposit|term deposit|tien gui|tiet kiem|chung chi)\b.*\b(matur|dao han)"),
    ("loan_maturity", r"\b(loan|khoan vay|vay)\b.*\b(matur|dao han|den han)"),
    ("cd_maturity", r"\b(matur\w*|dao han)\b"),
    ("complaint_followup", r"\b(complain\w*|khieu nai|phan nan)\b"),
    ("large_deposit", r"\b(large deposit|inflow|tien ve|khoan tien lon)\b"),
    ("idle_cash", r"\b(idle cash|idle balance|tien nhan roi)\b"),
    ("inactive", r"\b(haven'?t (talked|spoken)|long time|lau chua)\b"),
)


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _vi(state: CopilotState) -> bool:
    return state.get("language") == "vi"


# ----- classify ----------------------------------------------------------------------------------------------------


def classify(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The intent (the model when configured, the rules otherwise); the turn's outputs start empty."""
    message = str(state.get("message") or "").strip()
    previous = state.get("intent")
    rules = classify_intent(message, previous_intent=previous)
    intent, engine = rules.intent, "rules"
    model = runtime.context.chat_model()
    if model is not None and message:
        prompt = load_prompt("copilot_intent").format(previous=previous or "nothing yet", message=message)
        outcome = structured_call(
            model,
            IntentChoice,
            [HumanMessage(content=prompt)],
            fallback=lambda: IntentChoice(intent=rules.intent),
            task="copilot_intent",
        )
        if outcome.from_model:
            intent, engine = outcome.value.intent, "model"
    logger.debug("intent %s by %s (%s)", intent, engine, rules.reason)
    return {
        "messages": [HumanMessage(content=message)],
        "intent": intent,
        "intent_engine": engine,
        "language": detect_language(message),
        "answer": "",
        "chart_svg": None,
        "result": {},
        # A note always waits for the RM's confirmation (or client choice) before anything is written.
        "status": "awaiting_confirmation" if intent == "data_entry" else "answered",
    }


def route_after_classify(state: CopilotState) -> str:
    return USE_CASE_NODES.get(str(state.get("intent")), "other")


# ----- the use cases -----------------------------------------------------------------------------------------------


def prioritization(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    output = prioritization_graph.invoke({"request": state["message"]}, context=runtime.context)
    result = {key: output.get(key) for key in ("ranked", "excluded", "citations", "product", "error")}
    return {"answer": output.get("answer") or "", "result": result, "status": "answered"}


def next_best_action(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    output = next_best_action_graph.invoke({"request": state["message"]}, context=runtime.context)
    if output.get("needs_clarification"):
        return {"answer": output.get("message") or "", "status": "needs_clarification",
                "result": {"candidates": output.get("candidates", [])}}  # fmt: skip
    draft_head = "Tin nhắn gợi ý:" if _vi(state) else "Suggested message:"
    answer = f"{output.get('reason', '')}\n\n{draft_head}\n{output.get('message', '')}"
    result = {key: output.get(key) for key in ("client_id", "action", "reason", "message", "citations", "engine")}
    return {"answer": answer, "result": result, "status": "answered"}


def performance_report(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    output = performance_graph.invoke({"question": state["message"]}, context=runtime.context)
    result = {key: output.get(key) for key in ("columns", "rows", "truncated", "refused", "refusal_reason", "engine")}
    return {"answer": output.get("answer") or "", "chart_svg": output.get("chart_svg"), "result": result,
            "status": "answered"}  # fmt: skip


def data_entry(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The note goes to the data-entry graph; its client question and confirmation card pause this thread."""
    output = data_entry_graph.invoke({"note": state["message"]}, context=runtime.context)
    status = output.get("status")
    written = output.get("result") or {}
    return {
        "answer": output.get("message") or "",
        "result": {"interaction": written.get("interaction"), "tasks": written.get("tasks", [])},
        "status": status if status in ("written", "cancelled") else "answered",
    }


def _event(message: str) -> str | None:
    folded = fold(message)
    return next((event for event, pattern in _EVENTS if re.search(pattern, folded)), None)


def drafting(state: CopilotState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """A draft for one of the RM's clients and an event, both read from the message; otherwise ask."""
    message, vi = state["message"], _vi(state)
    reading = extract_note(message, runtime.context.resolved_today())
    resolution = resolve_client(_crm(runtime), message, phone=reading.phone, name=reading.client_name)
    if resolution.client is None:
        candidates = [{"client_id": match.id, "label": match.full_name} for match in resolution.candidates]
        if candidates:
            head = "Anh/chị muốn soạn cho khách hàng nào?" if vi else "Which of your clients is the message for?"
            answer = head + "\n" + "\n".join(f"{i}. {c['label']}" for i, c in enumerate(candidates, start=1))
        else:
            answer = (
                "Không tìm thấy khách hàng nào của anh/chị trong yêu cầu. Hãy ghi rõ tên khách hàng."
                if vi
                else "None of your clients is named in this request. Say who the message is for."
            )
        return {"answer": answer, "status": "needs_clarification", "result": {"candidates": candidates}}
    event = _event(message) or "check_in"
    output = drafting_graph.invoke({"client_id": resolution.client.id, "event": event}, context=runtime.context)
    if output.get("status") != "drafted":
        return {"answer": output.get("message") or "", "status": "needs_clarification", "result": {}}
    head = f"Bản nháp cho {resolution.client.full_name}:" if vi else f"Draft for {resolution.client.full_name}:"
    draft = dict(output.get("draft") or {})
    return {"answer": f"{head}\n\n{output.get('message', '')}", "status": "answered",
            "result": {"client_id": resolution.client.id, "event": event, "draft": draft}}  # fmt: skip


_HELP = {
    "en": (
        "I'm your co-pilot. I can:\n"
        '- rank which of your clients to call for a product — "Top clients for Premier Invest"\n'
        '- suggest the next best action for a client — "What should I do with Mr Son?"\n'
        '- report on your book — "My AUM this month", "How many new deposits this month?"\n'
        '- log a meeting note into the CRM — "Met Mr Son at a coffee house, call him next Tuesday"\n'
        '- draft a message — "Draft a birthday message for Mr Son"'
    ),
    "vi": (
        "Tôi là trợ lý của anh/chị. Tôi có thể:\n"
        '- xếp hạng khách hàng nên gọi cho một sản phẩm — "Khách hàng nào phù hợp với Premier Invest?"\n'
        '- gợi ý hành động tiếp theo với một khách hàng — "Nên làm gì với anh Sơn?"\n'
        '- báo cáo kết quả — "Doanh số tháng này", "AUM của tôi tháng này"\n'
        '- ghi nhận ghi chú cuộc gặp vào CRM — "Gặp chị Lan ở văn phòng, hẹn gọi lại thứ Sáu"\n'
        '- soạn tin nhắn — "Soạn tin chúc mừng sinh nhật anh Sơn"'
    ),
}


def other(state: CopilotState) -> dict[str, Any]:
    """Not a use case: say what the co-pilot can do, with examples, in the RM's language."""
    return {"answer": _HELP["vi" if _vi(state) else "en"], "status": "answered", "result": {}}


# ----- respond -----------------------------------------------------------------------------------------------------


def respond(state: CopilotState) -> dict[str, Any]:
    """The turn's answer joins the conversation."""
    return {"messages": [AIMessage(content=state.get("answer") or "")]}
