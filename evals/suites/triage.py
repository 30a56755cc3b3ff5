"""The ``triage`` suite: an inbound client message in, its topic and urgency (DOC-POL-INBOX) out.

How a case runs: the message — ``input.text``, or the body of the fixture's inbound message ``input.message_id``
— goes through the inbox triage (``tools.inbox.triage``, what the inbox room reads each unread message with).

``expected``: ``{"topic": "card_issue", "urgency": "high"}`` (topics and urgencies as ``tools.inbox.triage``).

Metrics: ``topic_accuracy``, ``urgency_accuracy``, and ``both_accuracy`` (both right).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, rate, rounded
from stores.schema import InboundMessage
from tools.inbox.triage import TOPICS, URGENCIES, triage

NAME = "triage"


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    text, message_id = case.input.get("text"), case.input.get("message_id")
    if not (isinstance(text, str) and text.strip()) and not (isinstance(message_id, str) and message_id):
        problems.append("input needs a non-empty text or a message_id")
    if case.expected.get("topic") not in TOPICS:
        problems.append(f"expected.topic must be one of {', '.join(TOPICS)}")
    if case.expected.get("urgency") not in URGENCIES:
        problems.append(f"expected.urgency must be one of {', '.join(URGENCIES)}")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    text = case.input.get("text")
    if not text:
        with env.database.engine.connect() as connection:
            text = connection.execute(
                select(InboundMessage.body).where(InboundMessage.id == case.input["message_id"])
            ).scalar()
        if text is None:
            raise LookupError(f"no inbound message {case.input['message_id']!r} in the fixture")
    reading = triage([str(text)])[0]
    return {"topic": reading.topic, "urgency": reading.urgency,
            "confidence": {"topic": reading.topic_confidence, "urgency": reading.urgency_confidence}}  # fmt: skip


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    output = output or {}
    checks = {
        "topic": output.get("topic") == case.expected["topic"],
        "urgency": output.get("urgency") == case.expected["urgency"],
    }
    checks["both"] = checks["topic"] and checks["urgency"]
    return Scored(checks, {})


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    counted: dict[str, int] = {}
    for name in ("topic", "urgency", "both"):
        value, counted[name] = rate(outcomes, name)
        figures[f"{name}_accuracy"] = rounded(value)
    return {**figures, "n": counted}


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    needs_rm=False,
)
