"""Every use case, once: its room, its input, where it is reachable, how it is measured, how the chat offers it.

``langgraph.json`` (LangGraph Studio), the HTTP thread and LangServe runtimes, the co-pilot's routing
table and help, and the eval runner's suites are all derived from ``USE_CASES``. Adding a use case is
writing its room (``graphs/<name>/`` with ``state.py``, ``graph.py`` exposing ``builder`` and ``graph``,
``nodes.py``, ``copy.py``) and one line here.

Rooms are imported only when asked for (``UseCase.builder()``), so importing the registry does no work
and the co-pilot reaches the rooms through it, never by importing them.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tools.core.language import supported_language

if TYPE_CHECKING:
    from langgraph.graph import StateGraph

#: chat: the co-pilot routes to it; studio: in ``langgraph.json``; threads: ``POST /api/threads`` can run it
#: (interrupts, memory); langserve: a stateless ``/langserve/<name>`` route.
Surface = Literal["chat", "studio", "threads", "langserve"]
SURFACES: tuple[Surface, ...] = ("chat", "studio", "threads", "langserve")


@dataclass(frozen=True)
class UseCase:
    """One use case of the co-pilot and where it can be reached."""

    name: str
    #: The module holding the room's ``builder`` (and ``graph`` for Studio); None: announced, not built yet.
    module: str | None
    #: The input key the RM's text goes to (``note``, ``question``, ``request``, ``message``, ``date``).
    input_key: str
    surfaces: frozenset[Surface]
    #: The co-pilot's intent label that routes here (the ``intent`` eval suite's labels); None: not from chat.
    intent: str | None = None
    #: The eval suites that measure it (``python -m evals run SUITE``).
    suites: tuple[str, ...] = ()
    #: What it does, per language ("rank which of your clients to call for a product").
    does: Mapping[str, str] = field(default_factory=dict)
    #: An example request, per language: in the help and the web app's suggestions.
    example: Mapping[str, str] = field(default_factory=dict)
    #: What a message routed here asks for, as the routing model is told (English, one line).
    routes: str = ""
    #: In the chat: ``turn`` starts fresh each message (its pauses resume on the thread); ``thread`` keeps its
    #: state on the chat thread between messages (follow-ups such as "and last month?").
    memory: Literal["turn", "thread"] = "turn"

    @property
    def built(self) -> bool:
        return self.module is not None

    def help(self, language: str) -> str:
        """One line of the co-pilot's help: what it does and an example."""
        lang = supported_language(language)
        does, example = self.does.get(lang, ""), self.example.get(lang, "")
        return f'{does} — "{example}"' if does and example else does

    def reachable(self, surface: Surface) -> bool:
        return self.built and surface in self.surfaces

    def builder(self) -> StateGraph[Any, Any, Any, Any]:
        """The room's uncompiled graph (imported on first use)."""
        if self.module is None:
            raise LookupError(f"the {self.name} use case is not built yet")
        builder: StateGraph[Any, Any, Any, Any] = importlib.import_module(self.module).builder
        return builder

    def studio_path(self) -> str:
        """``./graphs/<room>/graph.py:graph``: how ``langgraph.json`` names the compiled graph."""
        if self.module is None:
            raise LookupError(f"the {self.name} use case is not built yet")
        return "./" + self.module.replace(".", "/") + ".py:graph"


def _surfaces(*names: Surface) -> frozenset[Surface]:
    return frozenset(names)


USE_CASES: tuple[UseCase, ...] = (
    UseCase("copilot", "graphs.copilot.graph", "message", _surfaces("studio", "threads"), suites=("intent",)),
    UseCase(
        "prioritization", "graphs.prioritization.graph", "request", _surfaces("chat", "studio", "langserve"),
        intent="prioritization", suites=("prioritization",),
        routes="which of my clients to call or offer something to (a ranked list for a product or goal), "
               "or whom to call today",
        does={"en": "plan your calls today, or rank which of your clients to call for a product",
              "vi": "lên danh sách gọi hôm nay, hoặc xếp hạng khách hàng nên gọi cho một sản phẩm"},
        example={"en": "Who should I call today?", "vi": "Hôm nay em nên gọi cho ai?"},
    ),
    UseCase(
        "next_best_action", "graphs.next_best_action.graph", "request", _surfaces("chat", "studio", "langserve"),
        intent="next_best_action", suites=("next_best_action",),
        routes="what to do next with one named client",
        does={"en": "suggest the next best action for a client", "vi": "gợi ý hành động tiếp theo với một khách hàng"},
        example={"en": "What should I do with Mr Son?", "vi": "Nên làm gì với anh Sơn?"},
    ),
    UseCase(
        "performance", "graphs.performance.graph", "question", _surfaces("chat", "studio", "langserve"),
        intent="performance_report", suites=("performance",), memory="thread",
        routes="a figure, count, list or report about the manager's own book (AUM, deposits, loans, contacts, "
               "targets, tasks, maturities, clients matching a condition)",
        does={"en": "report on your book", "vi": "báo cáo kết quả"},
        example={"en": "My AUM this month", "vi": "AUM của tôi tháng này"},
    ),
    UseCase(
        "data_entry", "graphs.data_entry.graph", "note", _surfaces("chat", "studio", "threads"),
        intent="data_entry", suites=("data_entry",),
        routes="a note about a meeting, call or chat that already happened, to be logged (often with follow-ups)",
        does={"en": "log a meeting note into the CRM", "vi": "ghi nhận ghi chú cuộc gặp vào CRM"},
        example={"en": "Met Mr Son at a coffee house, call him next Tuesday",
                 "vi": "Gặp chị Lan ở văn phòng, hẹn gọi lại thứ Sáu"},
    ),
    UseCase(
        "drafting", "graphs.drafting.graph", "request", _surfaces("chat", "studio"),
        intent="drafting", suites=("tone",),
        routes="write a message (birthday wish, email, SMS, Zalo) to one named client",
        does={"en": "draft a message", "vi": "soạn tin nhắn"},
        example={"en": "Draft a birthday message for Mr Son", "vi": "Soạn tin chúc mừng sinh nhật anh Sơn"},
    ),
    UseCase("nightly", "graphs.nightly.graph", "date", _surfaces("studio"), suites=("events",)),
    UseCase(
        "briefing", "graphs.briefing.graph", "request", _surfaces("chat", "studio", "langserve"), intent="briefing",
        suites=("briefing",),
        routes="a quick briefing on one client before a call or meeting",
        does={"en": "a briefing on a client before a call", "vi": "tóm tắt về khách hàng trước cuộc gọi"},
        example={"en": "Brief me on Ms Lan, I'm calling her in 2 minutes",
                 "vi": "Tóm tắt giúp em về chị Lan, em sắp gọi chị"},
    ),
    UseCase(
        "attrition_scan", "graphs.attrition_scan.graph", "request", _surfaces("chat", "studio", "langserve"),
        intent="attrition_scan", suites=("attrition_scan",),
        routes="which clients are at risk of leaving (flight risk, money moving out, churn)",
        does={"en": "a scan of your clients at risk of leaving", "vi": "rà soát khách hàng có nguy cơ rời bỏ"},
        example={"en": "Scan my portfolio for flight risks", "vi": "Khách nào có nguy cơ rời bỏ ngân hàng?"},
    ),
    # Announced, not built yet: the chat knows them and says honestly that they are coming.
    UseCase(
        "scenario", None, "request", _surfaces("chat", "studio", "langserve"), intent="scenario",
        routes="a goal-based financial model for a client (save an amount for a goal in some years, options)",
        does={"en": "goal-based scenario modelling", "vi": "mô phỏng kịch bản theo mục tiêu tài chính"},
        example={"en": "Client An wants to save 2 billion for a down payment in 3 years. Model this.",
                 "vi": "Anh An muốn tích lũy 2 tỷ mua nhà trong 3 năm, lập phương án giúp em"},
    ),
    UseCase(
        "product_qa", "graphs.product_qa.graph", "question", _surfaces("chat", "studio", "langserve"),
        intent="product_qa", suites=("qa",),
        routes="a question about the bank's products or policies (eligibility, rates, fees, rules, comparisons)",
        does={"en": "answers on products and policies, with sources", "vi": "giải đáp về sản phẩm và chính sách"},
        example={"en": "What's the eligibility for Green Biz vs the standard business loan?",
                 "vi": "Điều kiện vay Green Biz khác gì khoản vay kinh doanh thường?"},
    ),
    UseCase(
        "product_search", "graphs.product_search.graph", "query", _surfaces("chat", "studio", "langserve"),
        intent="product_search", suites=("product_search",), memory="thread",
        routes="find products that fit a described need (no client named)",
        does={"en": "product search from a described need", "vi": "tìm sản phẩm theo nhu cầu"},
        example={"en": "A card with lounge access for someone who flies to Singapore monthly",
                 "vi": "Thẻ nào có phòng chờ sân bay cho khách hay bay?"},
    ),
    UseCase(
        "recommendation", "graphs.recommendation.graph", "request", _surfaces("chat", "studio", "langserve"),
        intent="recommendation", suites=("recommendation",),
        routes="which products to recommend or offer to one named client or their family",
        does={"en": "product recommendations for a client and their family",
              "vi": "gợi ý sản phẩm cho khách hàng và gia đình"},
        example={"en": "What should I offer Ms Lan?", "vi": "Nên chào sản phẩm gì cho chị Lan?"},
    ),
    UseCase(
        "market_intelligence", None, "request", _surfaces("chat", "studio", "langserve"),
        intent="market_intelligence",
        routes="market news or market moves and which of my clients they affect",
        does={"en": "market news that affects your clients", "vi": "tin thị trường ảnh hưởng tới khách hàng"},
        example={"en": "What market news today affects my clients?",
                 "vi": "Tin thị trường hôm nay ảnh hưởng khách nào của em?"},
    ),
    UseCase(
        "inbox_triage", "graphs.inbox_triage.graph", "request", _surfaces("chat", "studio", "threads"),
        intent="inbox_triage", suites=("triage",),
        routes="summarize or prioritize my unread client messages and draft replies",
        does={"en": "triage of your unread client messages", "vi": "phân loại tin nhắn khách hàng chưa đọc"},
        example={"en": "Summarize my unread client messages and prioritize them",
                 "vi": "Tóm tắt tin nhắn khách chưa đọc giúp em"},
    ),
    UseCase(
        "portfolio_review", None, "request", _surfaces("chat", "studio", "langserve"),
        intent="portfolio_review",
        routes="prepare a review document or deck for a client meeting",
        does={"en": "a client review deck", "vi": "bộ tài liệu rà soát danh mục cho khách"},
        example={"en": "Prepare my Q4 review deck for Mr Binh", "vi": "Chuẩn bị tài liệu review quý 4 cho anh Bình"},
    ),
    UseCase(
        "compliance_check", "graphs.compliance_check.graph", "message", _surfaces("chat", "studio", "langserve"),
        intent="compliance_check", suites=("compliance", "pii"),
        routes="check a message or draft for compliance (promises, disclaimers, suitability)",
        does={"en": "a compliance check of a message", "vi": "kiểm tra tuân thủ cho tin nhắn"},
        example={"en": "Check this message for compliance: …", "vi": "Kiểm tra giúp em tin nhắn này có ổn không: …"},
    ),
    UseCase(
        "recurring_task", None, "request", _surfaces("chat", "studio", "langserve"), intent="recurring_task",
        routes="create a reminder or a recurring task (without logging a meeting)",
        does={"en": "reminders and recurring tasks that close themselves",
              "vi": "nhắc việc và việc định kỳ tự đóng"},
        example={"en": "Remind me to check Mr Son's loan every Monday and Friday until it's approved",
                 "vi": "Nhắc em kiểm tra hồ sơ vay của anh Sơn mỗi thứ Hai và thứ Sáu đến khi duyệt"},
    ),
    UseCase(
        "gap_analysis", None, "request", _surfaces("chat", "studio", "langserve"), intent="gap_analysis",
        routes="why I am behind on a goal or target and what drives the gap",
        does={"en": "why you are behind on a goal", "vi": "phân tích vì sao chưa đạt chỉ tiêu"},
        example={"en": "I'm behind on my New Deposits goal. Why?", "vi": "Sao em chưa đạt chỉ tiêu huy động?"},
    ),
    # The bank's customers, not its RMs: the public chat (``/inquiry``, ``agentify.api.inquiry``) runs it with a
    # ``PublicContext``; no RM door reaches it, and it reaches no client's data (an import-linter contract).
    UseCase(
        "inquiry", "graphs.inquiry.graph", "message", _surfaces("studio"), suites=("triage",),
        does={"en": "the customers' help chat", "vi": "trợ lý hỏi đáp cho khách hàng"},
        example={"en": "My card got stuck in the ATM at Vincom", "vi": "Thẻ của tôi bị nuốt ở cây ATM"},
    ),
)  # fmt: skip


class UnknownUseCase(LookupError):
    """No use case of that name (or not reachable that way); the message lists the ones that are."""


def use_case(name: str, *, surface: Surface | None = None) -> UseCase:
    """The use case called ``name`` (reachable on ``surface`` when given)."""
    for entry in USE_CASES:
        if entry.name == name and (surface is None or entry.reachable(surface)):
            return entry
    known = ", ".join(entry.name for entry in reachable(surface)) if surface else ", ".join(names())
    raise UnknownUseCase(f"unknown use case {name!r}; use one of {known}")


def names() -> list[str]:
    return [entry.name for entry in USE_CASES]


def reachable(surface: Surface) -> list[UseCase]:
    """The built use cases reachable on ``surface``, in registry order."""
    return [entry for entry in USE_CASES if entry.reachable(surface)]


def by_intent(intent: str) -> UseCase | None:
    """The chat use case an intent label routes to (None: not a use case, e.g. small talk)."""
    return next((entry for entry in USE_CASES if entry.intent == intent and "chat" in entry.surfaces), None)


def intents() -> list[str]:
    """Every intent label the co-pilot can route to, built or announced."""
    return [entry.intent for entry in USE_CASES if entry.intent and "chat" in entry.surfaces]


def announced(surface: Surface = "chat") -> list[UseCase]:
    """The use cases listed for ``surface`` that are not built yet (the chat says they are coming)."""
    return [entry for entry in USE_CASES if not entry.built and surface in entry.surfaces]


def suggestions() -> list[dict[str, Any]]:
    """What the empty chat offers to click: each built chat use case's example, in both languages."""
    return [
        {"intent": entry.intent, "text": dict(entry.example), "does": dict(entry.does)}
        for entry in reachable("chat")
        if entry.example
    ]


def suites() -> dict[str, str]:
    """Eval suite name → the module holding its ``SUITE``."""
    return {suite: f"evals.suites.{suite}" for entry in USE_CASES for suite in entry.suites}


def langgraph_config(entries: Iterable[UseCase] | None = None) -> dict[str, Any]:
    """What ``langgraph.json`` must hold: every use case reachable in Studio."""
    chosen = reachable("studio") if entries is None else [e for e in entries if e.reachable("studio")]
    return {
        "dependencies": ["."],
        "python_version": "3.11",
        "graphs": {entry.name: entry.studio_path() for entry in chosen},
        "env": {},
    }


def main() -> None:
    """``python -m graphs.registry > langgraph.json``: the Studio configuration from the registry."""
    import sys

    sys.stdout.write(json.dumps(langgraph_config(), indent=2) + "\n")


if __name__ == "__main__":
    main()
