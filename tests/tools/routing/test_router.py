"""Routing: clear cues are never overruled, close readings become a question, invisible characters change nothing,
and a missing model or missing weights never stop the chat."""

from __future__ import annotations

import pytest

from graphs import registry
from tests.drivers import two_way_router
from tools.core.llm.embeddings import LocalE5Embeddings
from tools.routing import learned, router
from tools.routing.learned import LearnedRouter, RouterNotReady
from tools.routing.router import route

#: A corpus that reads everything as a performance question, whatever it says.
ALL_PERFORMANCE = [
    {"text": "draft a message to Mr Son", "intent": "performance_report"},
    {"text": "check this for compliance", "intent": "performance_report"},
    {"text": "what is my AUM", "intent": "performance_report"},
    {"text": "hello there", "intent": "other"},
]


@pytest.fixture
def stubborn_router(embeddings: LocalE5Embeddings, monkeypatch: pytest.MonkeyPatch) -> LearnedRouter:
    tiny = LearnedRouter.from_examples(ALL_PERFORMANCE, embeddings)
    monkeypatch.setattr(router, "shipped_router", lambda: tiny)
    return tiny


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("draft a message to Mr Son about his CD", "drafting"),
        ("Soạn tin chúc mừng sinh nhật chị Lan", "drafting"),
        ("check this for compliance: lãi suất cam kết 9%", "compliance_check"),
        ("summarize my unread messages", "inbox_triage"),
        ("remind me to call Son every Monday", "recurring_task"),
        ("next best action for Ms Hoa?", "next_best_action"),
        ("brief me on Mr Binh", "briefing"),
        ("xin chào", "other"),
    ],
)
def test_a_clear_cue_is_never_overruled(stubborn_router: LearnedRouter, message: str, intent: str) -> None:
    routed = route(message, choose=lambda options: "performance_report")  # a model that would say otherwise
    assert (routed.intent, routed.engine) == (intent, "rules")


def test_a_short_follow_up_stays_with_the_previous_request(stubborn_router: LearnedRouter) -> None:
    assert route("and last month?", previous="drafting").intent == "drafting"
    assert route("còn quý trước?", previous="performance_report").engine == "follow-up"
    assert route("and last month?", previous="other").engine != "follow-up"


def test_invisible_characters_inside_words_change_nothing() -> None:
    for clean in ("summarize my unread messages", "Hôm nay em nên gọi cho ai?", "AUM của tôi tháng này"):
        dirty = "\u200b".join(clean[:6]) + clean[6:].replace(" ", " \u200c")
        assert route(dirty).intent == route(clean).intent


def test_close_readings_are_offered_not_guessed(embeddings: LocalE5Embeddings, monkeypatch: pytest.MonkeyPatch) -> None:
    tie = "look into Mr Son for me"
    monkeypatch.setattr(
        router, "shipped_router", lambda: two_way_router(embeddings, "recommendation", "next_best_action")
    )
    asked = route(tie)
    assert asked.intent is None and sorted(asked.options) == ["next_best_action", "recommendation"]
    assert route(tie, choose=lambda options: options[-1]).intent == asked.options[-1]
    assert route(tie, choose=lambda options: "drafting").intent is None  # a pick outside the options is not taken
    assert route(tie, allowed={"recommendation", "other"}).intent == "recommendation"  # only one may be meant


def test_without_the_router_the_rules_still_answer(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing() -> LearnedRouter:
        raise RouterNotReady("the router's corpus or weights are missing")

    monkeypatch.setattr(router, "shipped_router", missing)
    routed = route("What's my new deposits this month?")
    assert (routed.intent, routed.engine) == ("performance_report", "rules")
    assert "routing by the rules alone" in caplog.text


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("Met Mr Son at the branch this morning, he wants to renovate his flat, about 800m. Send him the loan "
         "pack tomorrow and call him Wednesday.", "data_entry"),
        ("gặp chị Lan ở văn phòng chị, chị muốn gửi thêm 2 tỷ kỳ hạn 12 tháng, hẹn thứ 6 gửi biểu lãi suất",
         "data_entry"),
        ("Who should I call today?", "prioritization"),
        ("What should I offer Ms Hoa?", "recommendation"),
        ("Protection review for Ms Lan, her husband is the only earner", "recommendation"),
        ("mẹ chị Mai hay nằm viện, nên tư vấn bảo hiểm gì cho bà", "recommendation"),
        ("Which card has airport lounge access for a frequent flyer?", "product_search"),
        ("I'm behind on my new deposits target, why?", "gap_analysis"),
    ],
)  # fmt: skip
def test_the_shipped_router_reads_what_rms_write(message: str, intent: str) -> None:
    assert route(message).intent == intent
    assert learned.shipped_router() is learned.shipped_router()  # loaded once


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_use_cases_own_example_routes_to_it(language: str) -> None:
    """The help and the suggestions show these examples: clicking one must reach its use case, not a question."""
    for use_case in registry.USE_CASES:
        if use_case.intent and use_case.example.get(language):
            example = use_case.example[language].replace(": …", ": Dear Mr Son, this fund guarantees 12% a year.")
            assert route(example).intent == use_case.intent, (example, route(example))


@pytest.mark.parametrize(
    ("message", "intent"),
    [("What is my AUM?", "performance_report"), ("my AUM?", "performance_report"),
     ("Hiệu suất của tôi tháng này thế nào?", "performance_report"), ("Show my open tasks", "performance_report"),
     ("thanks!", "other")],
)  # fmt: skip
def test_the_plainest_questions_are_not_asked_back(message: str, intent: str) -> None:
    """A bare figure question is the commonest thing an RM types; it is never read as a 'why' question."""
    assert route(message).intent == intent


def test_how_am_i_doing_is_never_answered_with_another_use_case() -> None:
    """Small talk or a question about the RM's numbers: the report, or a question whose buttons include it."""
    routing = route("How am I doing?")
    assert routing.intent == "performance_report" or "performance_report" in routing.options
