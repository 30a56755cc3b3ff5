"""The ``data_entry`` suite: a free-text note in, the interaction log and tasks the CRM holds afterwards out.

How a case runs: the real data-entry graph (``graphs.data_entry.graph.builder``, compiled
with the store's checkpointer, as every runtime does) is invoked with the note, as the
case's ``rm_id``, on the case's ``today``, with the chosen model. Then:

- it pauses with ``choose_client`` → the output is ``needs_clarification: true`` (with the
  candidates it offered), and the question is answered ``ignore`` so nothing is written;
- it pauses with ``log_interaction`` → the card is accepted unchanged, and what was
  written is read back through the CRM layer (``CrmApi.interaction``): client_id, channel,
  location, amount_vnd, sentiment, product_category, product_code, topic and the tasks
  (kind, due_on, title). A card that cannot be accepted (it lists problems), a write that
  did not happen, or any exception fails the case (on every metric, error recorded).

``expected`` keys scored: ``client_id``, ``channel``, ``location``, ``amount_vnd``,
``sentiment``, ``product_category``, ``product_code``, ``tasks`` ([{kind, due_on}]) and
``needs_clarification``. Other keys are ignored (with a warning). A ``null`` value means
"nothing logged" (``"amount_vnd": null``: no amount). With ``needs_clarification: true``
the other keys are ignored.

Metrics (each over the cases it names; ``n`` gives every denominator; null when it is 0):

- ``client_accuracy``: cases whose expected has ``client_id``: the log was written (no
  question asked) for exactly that client.
- ``clarification_accuracy``: every case: the graph asked which client exactly when
  expected (``needs_clarification: true``); a case expecting a log passes only if it was
  not asked about. ``clarifications_missed`` counts cases that should have asked but wrote,
  ``clarifications_needless`` cases that asked but should have written.
- ``amount_accuracy``, ``sentiment_accuracy`` (and the extras ``channel_accuracy``,
  ``location_accuracy``, ``product_category_accuracy``, ``product_code_accuracy``): cases
  whose expected has that key and does not expect a clarification: the written value
  equals it (an asked question fails it). Locations compare trimmed, case- and
  accent-insensitively, whitespace collapsed, a leading article (a/an/the) dropped.
- ``task_f1`` (with ``task_precision``, ``task_recall``): micro-averaged over the cases
  whose expected has ``tasks`` (``[]`` included) and does not expect a clarification. Tasks
  are multisets of (kind, due_on); an expected task without ``due_on`` matches any
  predicted task of its kind (after exact matches). If the graph asked instead of writing,
  or the case failed, every expected task is a miss. Tasks written on cases without an
  expected ``tasks`` key (clarification cases included) are not counted: whether those
  should have been written at all is what ``clarification_accuracy`` measures. When the
  counted cases expect no task and none is written, F1 is 1.0.
  ``task_case_accuracy``: share of those cases whose tasks are exactly right.
- ``exact_case_rate``: every case: every scored expected key right (for a clarification
  case: the graph asked).
- ``misattributed_writes``: cases where a log was written for a client other than the
  expected one (or written where a question was expected): the costly mistake.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from typing import Any

from langgraph.types import Command

from evals.runner import Case, CaseEnv, CaseFailed, CaseOutcome, Scored, Suite, micro_f1, rate, rounded
from graphs.context import AgentContext
from graphs.data_entry.nodes import CONFIRM_ACTION
from graphs.hitl import CHOOSE_CLIENT_ACTION
from tools.core.text import fold
from tools.crm.api import CrmApi

logger = logging.getLogger(__name__)

NAME = "data_entry"
#: More pauses than this means the graph keeps asking: the case fails rather than loops.
MAX_PAUSES = 6

CHANNELS = ("meeting", "call", "email", "chat")
SENTIMENTS = ("positive", "neutral", "negative")
PRODUCT_CATEGORIES = ("casa", "savings", "cd", "loan", "card", "investment", "insurance")
TASK_KINDS = ("call", "email", "send_document", "meeting", "review", "other")

#: expected key → the metric that scores it.
FIELD_METRICS: dict[str, str] = {
    "client_id": "client_accuracy",
    "channel": "channel_accuracy",
    "location": "location_accuracy",
    "amount_vnd": "amount_accuracy",
    "sentiment": "sentiment_accuracy",
    "product_category": "product_category_accuracy",
    "product_code": "product_code_accuracy",
}
SCORED_KEYS = frozenset({*FIELD_METRICS, "tasks", "needs_clarification"})
RATE_METRICS = (
    "client_accuracy",
    "clarification_accuracy",
    "amount_accuracy",
    "sentiment_accuracy",
)
EXTRA_RATE_METRICS = (
    "channel_accuracy",
    "location_accuracy",
    "product_category_accuracy",
    "product_code_accuracy",
    "task_case_accuracy",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the)\s+")


# ----- checking a case line ------------------------------------------------------------------


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _enum_problem(key: str, value: Any, allowed: tuple[str, ...], *, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    if value not in allowed:
        return f"expected.{key} must be one of {', '.join(allowed)}{' or null' if nullable else ''}, got {value!r}"
    return None


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    note = case.input.get("note")
    if not isinstance(note, str) or not note.strip():
        problems.append("input.note must be a non-empty string")
    expected = case.expected
    clarification = expected.get("needs_clarification")
    if "needs_clarification" in expected and not isinstance(clarification, bool):
        problems.append(f"expected.needs_clarification must be true or false, got {clarification!r}")
    if "client_id" in expected and (not isinstance(expected["client_id"], str) or not expected["client_id"]):
        problems.append(f"expected.client_id must be a non-empty string, got {expected['client_id']!r}")
    for key, allowed, nullable in (
        ("channel", CHANNELS, False),
        ("sentiment", SENTIMENTS, False),
        ("product_category", PRODUCT_CATEGORIES, True),
    ):
        if key in expected:
            problem = _enum_problem(key, expected[key], allowed, nullable=nullable)
            if problem:
                problems.append(problem)
    for key in ("location", "product_code"):
        if key in expected and expected[key] is not None and not isinstance(expected[key], str):
            problems.append(f"expected.{key} must be a string or null, got {expected[key]!r}")
    if "amount_vnd" in expected:
        amount = expected["amount_vnd"]
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount < 0):
            problems.append(f"expected.amount_vnd must be a non-negative integer (VND) or null, got {amount!r}")
    if "tasks" in expected:
        tasks = expected["tasks"]
        if not isinstance(tasks, list):
            problems.append("expected.tasks must be a list of {kind, due_on} objects")
        else:
            for index, task in enumerate(tasks):
                if not isinstance(task, dict):
                    problems.append(f"expected.tasks[{index}] must be an object with kind and due_on")
                    continue
                problem = _enum_problem(f"tasks[{index}].kind", task.get("kind"), TASK_KINDS, nullable=False)
                if problem:
                    problems.append(problem)
                if "due_on" in task and task["due_on"] is not None and not _is_date(task["due_on"]):
                    problems.append(f"expected.tasks[{index}].due_on must be a date YYYY-MM-DD, got {task['due_on']!r}")
    unscored = sorted(set(expected) - SCORED_KEYS)
    if unscored:
        logger.warning("case %s (line %d): expected keys not scored: %s", case.id, case.line, ", ".join(unscored))
    if clarification is True and set(expected) - {"needs_clarification"}:
        logger.warning(
            "case %s (line %d): needs_clarification is true, so its other keys are ignored", case.id, case.line
        )
    return problems


# ----- running a case ------------------------------------------------------------------------


def _pending_request(state: dict[str, Any]) -> dict[str, Any] | None:
    """The HumanInterrupt the graph paused with, if it paused."""
    interrupts = state.get("__interrupt__") or []
    if not interrupts:
        return None
    value = interrupts[0].value
    request = value[0] if isinstance(value, list) and value else value
    if not isinstance(request, dict) or "action_request" not in request:
        raise CaseFailed(f"the graph paused with something that is not a HumanInterrupt: {value!r}")
    return request


def _read_back(env: CaseEnv, rm_id: str, state: dict[str, Any]) -> dict[str, Any]:
    result = state.get("result") or {}
    interaction_id = (result.get("interaction") or {}).get("id")
    if not interaction_id:
        raise CaseFailed("the graph says it wrote the log but returned no interaction id")
    written = CrmApi(env.database, rm_id).interaction(str(interaction_id))
    return {
        "needs_clarification": False,
        "interaction_id": written["id"],
        "client_id": written["client_id"],
        "channel": written["channel"],
        "location": written.get("location"),
        "amount_vnd": written.get("amount_vnd"),
        "sentiment": written.get("sentiment"),
        "product_category": written.get("product_category"),
        "product_code": written.get("product_code"),
        "topic": written.get("topic"),
        "tasks": [
            {"kind": task["kind"], "due_on": task["due_on"], "title": task.get("title")} for task in written["tasks"]
        ],
        "engine": result.get("engine"),
        "remarks": result.get("remarks") or [],
    }


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    if env.rm_id is None:
        raise CaseFailed("the data-entry graph needs an rm_id")
    graph = env.store.compiled("graphs.data_entry.graph")
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    ignore: Command[Any] = Command(resume=[{"type": "ignore", "args": None}])
    state = graph.invoke({"note": case.input["note"]}, config, context=context)
    for _ in range(MAX_PAUSES):
        request = _pending_request(state)
        if request is None:
            break
        action = request["action_request"]["action"]
        if action == CHOOSE_CLIENT_ACTION:
            asked_args = request["action_request"].get("args") or {}
            offered = asked_args.get("candidates") or []
            state = graph.invoke(ignore, config, context=context)
            if _pending_request(state) is not None or state.get("status") != "cancelled":
                raise CaseFailed(f"answering 'ignore' to the client question did not cancel ({state.get('status')!r})")
            return {
                "needs_clarification": True,
                "candidates": [candidate.get("client_id") for candidate in offered],
                "read_name": asked_args.get("client_name"),
                "read_phone": asked_args.get("phone"),
            }
        if action == CONFIRM_ACTION:
            if not request.get("config", {}).get("allow_accept", False):
                problems = str(request.get("description"))
                graph.invoke(ignore, config, context=context)  # leave no thread paused
                raise CaseFailed(f"the confirmation card cannot be accepted: {problems}")
            state = graph.invoke(Command(resume=[{"type": "accept", "args": None}]), config, context=context)
            continue
        raise CaseFailed(f"the graph paused with an unknown action {action!r}")
    else:
        raise CaseFailed(f"the graph paused more than {MAX_PAUSES} times")
    if state.get("status") != "written":
        raise CaseFailed(f"nothing was written (status {state.get('status')!r}: {state.get('answer')})")
    return _read_back(env, env.rm_id, state)


# ----- scoring -------------------------------------------------------------------------------


def normalize_place(value: str | None) -> str | None:
    """A location as compared: trimmed, case- and accent-insensitive, a leading article dropped."""
    if value is None:
        return None
    text = fold(value).strip(" .,;:!?\"'()")
    text = _LEADING_ARTICLE.sub("", text)
    return text or None


def same_value(key: str, expected: Any, actual: Any) -> bool:
    if key == "location":
        return normalize_place(expected) == normalize_place(actual)
    return bool(expected == actual)


def match_tasks(expected: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of tasks as multisets of (kind, due_on)."""
    remaining = Counter((task.get("kind"), task.get("due_on")) for task in predicted)
    true_positives = missed = 0
    kind_only: list[str] = []
    for task in expected:
        if task.get("due_on") is None:
            kind_only.append(str(task.get("kind")))
            continue
        key = (task.get("kind"), task.get("due_on"))
        if remaining[key] > 0:
            remaining[key] -= 1
            true_positives += 1
        else:
            missed += 1
    for kind in kind_only:
        same_kind = next((k for k, count in sorted(remaining.items(), key=str) if count > 0 and k[0] == kind), None)
        if same_kind is None:
            missed += 1
        else:
            remaining[same_kind] -= 1
            true_positives += 1
    return true_positives, sum(remaining.values()), missed


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    expected = case.expected
    wants_question = expected.get("needs_clarification") is True
    asked = output is not None and output.get("needs_clarification") is True
    wrote = output is not None and not asked
    checks: dict[str, bool] = {"clarification_accuracy": output is not None and asked == wants_question}
    counts: dict[str, int] = {}
    if not wants_question:
        for key, metric in FIELD_METRICS.items():
            if key in expected:
                checks[metric] = wrote and output is not None and same_value(key, expected[key], output.get(key))
        if "tasks" in expected:
            predicted = (output or {}).get("tasks", []) if wrote else []
            true_positives, false_positives, missed = match_tasks(expected["tasks"], predicted)
            counts.update(task_tp=true_positives, task_fp=false_positives, task_fn=missed)
            checks["task_case_accuracy"] = wrote and false_positives == 0 and missed == 0
    checks["exact_case_rate"] = all(checks.values())
    if output is not None:
        wrong_client = "client_id" in expected and wrote and output.get("client_id") != expected.get("client_id")
        counts["misattributed_write"] = int((wants_question and wrote) or bool(wrong_client and not wants_question))
        counts["clarification_missed"] = int(wants_question and wrote)
        counts["clarification_needless"] = int(asked and not wants_question)
    return Scored(checks, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    denominators: dict[str, int] = {}
    for metric in RATE_METRICS:
        value, counted = rate(outcomes, metric)
        result[metric] = rounded(value)
        denominators[metric] = counted
    task_cases = [outcome for outcome in outcomes if "task_case_accuracy" in outcome.checks]
    totals = {
        name: sum(outcome.counts.get(name, 0) for outcome in task_cases) for name in ("task_tp", "task_fp", "task_fn")
    }
    precision, recall, f1 = micro_f1(totals["task_tp"], totals["task_fp"], totals["task_fn"])
    result["task_f1"] = rounded(f1) if task_cases else None
    denominators["task_f1"] = len(task_cases)
    value, counted = rate(outcomes, "exact_case_rate")
    result["exact_case_rate"] = rounded(value)
    denominators["exact_case_rate"] = counted
    for metric in EXTRA_RATE_METRICS:
        value, counted = rate(outcomes, metric)
        result[metric] = rounded(value)
        denominators[metric] = counted
    result["task_precision"] = rounded(precision) if task_cases else None
    result["task_recall"] = rounded(recall) if task_cases else None
    result["tasks_expected"] = totals["task_tp"] + totals["task_fn"]
    result["tasks_matched"] = totals["task_tp"]
    result["tasks_spurious"] = totals["task_fp"]
    for name, count in (
        ("misattributed_writes", "misattributed_write"),
        ("clarifications_missed", "clarification_missed"),
        ("clarifications_needless", "clarification_needless"),
    ):
        result[name] = sum(outcome.counts.get(count, 0) for outcome in outcomes)
    result["n"] = denominators
    return result


def label_as_output(label: dict[str, Any]) -> dict[str, Any]:
    """A second annotator's reading as the runner's read-back: a question, or the fields as written."""
    if label.get("needs_clarification") is True:
        return {"needs_clarification": True}
    tasks = [{"kind": task.get("kind"), "due_on": task.get("due_on")} for task in label.get("tasks") or []]
    return {**label, "needs_clarification": False, "tasks": tasks}


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    label_as_output=label_as_output,
)
