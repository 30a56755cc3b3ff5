"""The ``prioritization`` suite: one product (or goal) in, the RM's best clients for it out.

How a case runs: the store's retrieval indexes (products, policies, client profiles) are built
once per store by ``prepare`` into the store's own work folder (``<workdir>/indexes``), exactly
as ``agentify index build`` builds them, with the configured embeddings; ``AGENTIFY_INDEX_DIR``
points there while a case runs. Then the real graph (``graphs.prioritization.graph.builder``,
compiled once per store with the store's checkpointer, a fresh thread per case) is invoked with
``{"request", "product_code"}`` as the case's RM, on the case's ``today``, with the chosen model.
The output read: ``ranked`` (client id, score, reasons, citations), the ``candidates`` after
them (for recall at 10), ``excluded`` and ``answer``.

Metrics (each over the cases it counts; ``n`` gives the denominators):

- ``precision_at_3``: mean over cases with a non-empty ``expected.relevant`` of
  |top 3 ∩ relevant| / min(3, |relevant|) — so a case with one or two relevant clients can
  still score 1.0 (the graph is not asked to invent a third).
- ``recall_at_10``: mean over the same cases of |top 10 ∩ relevant| / |relevant|. The top 10 is
  ``ranked`` in order, then ``candidates`` in their order (ids not already listed), cut at 10.
- ``excluded_in_top3``: a count over every case of ``expected.excluded`` clients found in the
  top 3 (an open complaint, a conservative client for a risky product, below the product's
  minimum, not in its target segments, another RM's client). Must be 0. A case that failed adds
  nothing (nothing was shown). ``cases_with_excluded_in_top3`` counts the cases.
- ``justified_rate``: share of cases whose every top-3 entry has a non-empty reason that names
  a fact of that client: some reason contains one of the client's profile facts
  (``tools.signals.profiles`` detail or bounded text, EN or VI; case-, accent- and punctuation-insensitive),
  or an amount (``3.2 billion``, ``3,2 tỷ``, ``3.2B``, ``850 triệu``, ``VND 3,200,000,000``) within
  5% of one of the client's own amounts (an account balance, a per-kind total, cash, assets, or a
  transaction of the last 30 days), or a date of one of the client's accounts (a maturity, ISO or dd/mm/yyyy). An empty
  top 3 fails it. ``justified_entry_rate`` is the same per entry.
- ``foreign_in_results``: a count of clients of another RM anywhere in ranked/candidates (must be 0).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from evals.runner import Case, CaseEnv, CaseFailed, CaseOutcome, Scored, Store, Suite, rounded
from graphs.context import AgentContext
from tools.core import settings
from tools.core.text import fold

logger = logging.getLogger(__name__)

NAME = "prioritization"
FACTS_KEY = "advisory.facts"
OWNERS_KEY = "advisory.owners"
INDEX_FOLDER = "indexes"
TOP = 3
RECALL_AT = 10
AMOUNT_TOLERANCE = 0.05
RECENT_DAYS = 30
BILLION = 1_000_000_000
MILLION = 1_000_000

_UNITS: dict[str, int] = {
    "billion": BILLION,
    "bn": BILLION,
    "b": BILLION,
    "ty": BILLION,
    "million": MILLION,
    "mn": MILLION,
    "m": MILLION,
    "trieu": MILLION,
    "tr": MILLION,
}
_AMOUNT_WITH_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(billion|bn|b|ty|million|mn|m|trieu|tr)\b")
_LONG_NUMBER = re.compile(r"\d{1,3}(?:[.,]\d{3}){2,}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


# ----- the indexes ---------------------------------------------------------------------------


def index_dir(store: Store) -> Path:
    return store.workdir / INDEX_FOLDER


def prepare(store: Store) -> None:
    """Build the retrieval indexes of a freshly loaded store into its own folder."""
    from tools.knowledge.retrieval import build_indexes, default_today

    today = store.today or default_today(store.database)
    summary = build_indexes(store.database, today=today, root=index_dir(store))
    logger.info("indexes for %s: %d clients, %d products", store.label, summary.clients, summary.products)


def use_indexes(store: Store) -> None:
    """Point the retrieval layer at this store's indexes (the graph reads ``AGENTIFY_INDEX_DIR``)."""
    os.environ[settings.INDEX_DIR] = str(index_dir(store))


# ----- checking a case line ------------------------------------------------------------------


def _id_list_problem(expected: dict[str, Any], key: str) -> str | None:
    value = expected.get(key)
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        return f"expected.{key} must be a list of client ids"
    return None


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    request = case.input.get("request")
    if not isinstance(request, str) or not request.strip():
        problems.append("input.request must be a non-empty string")
    code = case.input.get("product_code")
    if code is not None and (not isinstance(code, str) or not code.strip()):
        problems.append(f"input.product_code must be a product code or null, got {code!r}")
    if "relevant" not in case.expected:
        problems.append("expected.relevant is required (a list of client ids)")
    for key in ("relevant", "excluded"):
        if key in case.expected:
            problem = _id_list_problem(case.expected, key)
            if problem:
                problems.append(problem)
    if not problems:
        overlap = set(case.expected["relevant"]) & set(case.expected.get("excluded", []))
        if overlap:
            problems.append(f"clients both relevant and excluded: {', '.join(sorted(overlap))}")
    return problems


# ----- facts of a client (for justified_rate) ------------------------------------------------


def normalize(value: str) -> str:
    """Case-, accent- and punctuation-insensitive, whitespace collapsed (digits and separators kept)."""
    folded = fold(value)
    return " ".join(re.sub(r"[^\w.,%-]+", " ", folded).split()).strip(" .,")


def amounts_in(reason: str) -> list[float]:
    """Money amounts written in a reason: ``3.2 billion``, ``3,2 tỷ``, ``850 triệu``, ``VND 3,200,000,000``."""
    folded = fold(reason)
    found: list[float] = []
    for number, unit in _AMOUNT_WITH_UNIT.findall(folded):
        found.append(float(number.replace(",", ".")) * _UNITS[unit])
    for number in _LONG_NUMBER.findall(folded):
        found.append(float(re.sub(r"[.,]", "", number)))
    return found


def client_facts(database: Any, today: dt.date) -> dict[str, dict[str, Any]]:
    """Per client: its profile fact sentences (normalized), its own amounts and its account dates."""
    from tools.signals.profiles import compute_essences

    facts: dict[str, dict[str, Any]] = {}
    for client_id, essence in compute_essences(database, today=today).items():
        sentences: set[str] = set()
        for fact in essence.facts:
            for sentence in (fact.detail, fact.text, fact.text_vi):
                normalized = normalize(sentence)
                if normalized:
                    sentences.add(normalized)
        facts[client_id] = {"sentences": sentences, "amounts": set(), "dates": set()}
    since = (today - dt.timedelta(days=RECENT_DAYS)).isoformat()
    with database.engine.connect() as connection:
        totals: dict[tuple[str, str], int] = {}
        for client_id, kind, balance, maturity, status in connection.execute(
            text("SELECT client_id, kind, balance_vnd, maturity_on, status FROM accounts")
        ):
            entry = facts.get(str(client_id))
            if entry is None:
                continue
            entry["amounts"].add(float(balance))
            if maturity is not None:
                entry["dates"].add(str(maturity)[:10])
            if status == "active":
                totals[(str(client_id), kind)] = totals.get((str(client_id), kind), 0) + int(balance)
        for (client_id, _kind), total in totals.items():
            facts[client_id]["amounts"].add(float(total))
        for client_id, entry in facts.items():
            cash = totals.get((client_id, "casa"), 0) + totals.get((client_id, "savings"), 0)
            assets = cash + totals.get((client_id, "cd"), 0) + totals.get((client_id, "investment"), 0)
            entry["amounts"].update({float(cash), float(assets)} - {0.0})
        for client_id, amount, posted in connection.execute(
            text("SELECT client_id, amount_vnd, posted_at FROM transactions")
        ):
            if str(posted)[:10] >= since and str(client_id) in facts:
                facts[str(client_id)]["amounts"].add(float(amount))
    return facts


def names_a_fact(reasons: list[str], facts: dict[str, Any] | None) -> bool:
    """Whether some non-empty reason states a fact of the client (see the module docstring)."""
    if not facts:
        return False
    for reason in reasons:
        if not isinstance(reason, str) or not reason.strip():
            continue
        said = normalize(reason)
        if any(sentence in said for sentence in facts["sentences"]):
            return True
        for amount in amounts_in(reason):
            if any(abs(amount - own) <= AMOUNT_TOLERANCE * own for own in facts["amounts"] if own > 0):
                return True
        days = set(_ISO_DATE.findall(reason))
        days.update(f"{year}-{int(month):02d}-{int(day):02d}" for day, month, year in _DAY_MONTH_YEAR.findall(reason))
        if days & facts["dates"]:
            return True
    return False


def owners(database: Any) -> dict[str, str]:
    with database.engine.connect() as connection:
        return {str(cid): str(rm) for cid, rm in connection.execute(text("SELECT id, rm_id FROM clients"))}


# ----- running a case ------------------------------------------------------------------------


def store_facts(env: CaseEnv) -> dict[str, dict[str, Any]]:
    """The client facts of the case's store as of the case's today (kept per store and date)."""
    from tools.knowledge.retrieval import default_today

    today = env.today or default_today(env.database)
    cache: dict[dt.date, Any] = env.store.cache.setdefault(FACTS_KEY, {})
    if today not in cache:
        cache[today] = client_facts(env.database, today)
    facts: dict[str, dict[str, Any]] = cache[today]
    return facts


def _client_id(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and item.get("client_id"):
        return str(item["client_id"])
    return None


def _reasons(item: dict[str, Any]) -> list[str]:
    reasons = item.get("reasons")
    if isinstance(reasons, str):
        return [reasons]
    if isinstance(reasons, list):
        return [str(reason) for reason in reasons if reason]
    return []


GRAPH = "graphs.prioritization.graph"


def run_case(case: Case, env: CaseEnv, graph_module: str = GRAPH) -> dict[str, Any]:
    """One request through ``graph_module`` (the prioritization room, or another that ranks clients the same way)."""
    if env.rm_id is None:
        raise CaseFailed("the ranking graph needs an rm_id")
    use_indexes(env.store)
    facts = store_facts(env)
    owner_of = env.store.cache.get(OWNERS_KEY)
    if owner_of is None:
        owner_of = env.store.cache[OWNERS_KEY] = owners(env.database)
    context = AgentContext(rm_id=env.rm_id, model=env.model, database_url=env.database.url, today=env.today)
    config: Any = {"configurable": {"thread_id": env.thread_id}}
    request = {"request": case.input["request"]}
    if graph_module == GRAPH:
        request["product_code"] = case.input.get("product_code")
    started = time.perf_counter()
    state = env.store.compiled(graph_module).invoke(request, config, context=context)
    graph_ms = (time.perf_counter() - started) * 1000
    result = state.get("result") or {}
    ranked = [item for item in (result.get("ranked") or []) if _client_id(item)]
    top: list[dict[str, Any]] = [
        {
            "client_id": _client_id(item),
            "score": item.get("score") if isinstance(item, dict) else None,
            "reasons": _reasons(item) if isinstance(item, dict) else [],
            "citations": item.get("citations") if isinstance(item, dict) else [],
        }
        for item in ranked
    ]
    order: list[str] = []
    for item in [*ranked, *(result.get("candidates") or [])]:
        client_id = _client_id(item)
        if client_id and client_id not in order:
            order.append(client_id)
    justified = [names_a_fact(entry["reasons"], facts.get(str(entry["client_id"]))) for entry in top[:TOP]]
    return {
        "top": top,
        "top10": order[:RECALL_AT],
        "excluded": [_client_id(item) or item for item in (result.get("excluded") or [])],
        "answer": state.get("answer") or "",
        "justified": justified,
        "foreign": sorted({cid for cid in order if owner_of.get(cid, env.rm_id) != env.rm_id}),
        "graph_ms": round(graph_ms, 2),
    }


# ----- scoring -------------------------------------------------------------------------------


def precision_at(top: list[str], relevant: list[str], k: int = TOP) -> float:
    """|top k ∩ relevant| / min(k, |relevant|) (1.0 is reachable with fewer than k relevant clients)."""
    if not relevant:
        return 0.0
    return len(set(top[:k]) & set(relevant)) / min(k, len(set(relevant)))


def recall_at(order: list[str], relevant: list[str], k: int = RECALL_AT) -> float:
    if not relevant:
        return 0.0
    return len(set(order[:k]) & set(relevant)) / len(set(relevant))


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    relevant = list(case.expected.get("relevant") or [])
    excluded = set(case.expected.get("excluded") or [])
    if output is None:
        checks = {"justified": False}
        if relevant:
            checks["precision_at_3"] = False
        counts = {"p3_milli": 0, "r10_milli": 0, "justified_entries": 0, "entries": TOP}
        return Scored(checks, counts)
    top3 = [str(entry["client_id"]) for entry in output.get("top", [])][:TOP]
    order = list(output.get("top10") or [])
    p3 = precision_at(top3, relevant)
    r10 = recall_at(order, relevant)
    justified = list(output.get("justified") or [])
    checks = {"justified": bool(top3) and len(justified) == len(top3) and all(justified)}
    if relevant:
        checks["precision_at_3"] = p3 == 1.0
    counts = {
        "p3_milli": round(p3 * 1000),
        "r10_milli": round(r10 * 1000),
        "excluded_in_top3": len(excluded & set(top3)),
        "justified_entries": sum(bool(flag) for flag in justified),
        "entries": max(len(top3), 1),
        "foreign": len(output.get("foreign") or []),
    }
    return Scored(checks, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    ranked_cases = [outcome for outcome in outcomes if outcome.case.expected.get("relevant")]
    result: dict[str, Any] = {}
    if ranked_cases:
        result["precision_at_3"] = rounded(
            sum(outcome.counts.get("p3_milli", 0) for outcome in ranked_cases) / 1000 / len(ranked_cases)
        )
        result["recall_at_10"] = rounded(
            sum(outcome.counts.get("r10_milli", 0) for outcome in ranked_cases) / 1000 / len(ranked_cases)
        )
    else:
        result["precision_at_3"] = result["recall_at_10"] = None
    result["excluded_in_top3"] = sum(outcome.counts.get("excluded_in_top3", 0) for outcome in outcomes)
    result["cases_with_excluded_in_top3"] = sum(bool(outcome.counts.get("excluded_in_top3")) for outcome in outcomes)
    justified = [outcome.checks["justified"] for outcome in outcomes if "justified" in outcome.checks]
    result["justified_rate"] = rounded(sum(justified) / len(justified)) if justified else None
    entries = sum(outcome.counts.get("entries", 0) for outcome in outcomes)
    justified_entries = sum(outcome.counts.get("justified_entries", 0) for outcome in outcomes)
    result["justified_entry_rate"] = rounded(justified_entries / entries) if entries else None
    result["foreign_in_results"] = sum(outcome.counts.get("foreign", 0) for outcome in outcomes)
    result["n"] = {
        "precision_at_3": len(ranked_cases),
        "recall_at_10": len(ranked_cases),
        "justified_rate": len(justified),
        "excluded_in_top3": len(outcomes),
    }
    return result


SUITE = Suite(
    name=NAME,
    needs_indexes=True,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    prepare=prepare,
)
