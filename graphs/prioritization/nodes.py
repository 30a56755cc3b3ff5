"""The prioritization steps: documents → product context → ideal-client profile → similar clients → rules → top N.

The funnel: the product sheet and the policy chunks that apply are retrieved
and summed up; an "ideal client" is written in the words client profiles are
made of (``tools.signals.profiles``), so its embedding lands among the right profiles;
the signed-in RM's 20 nearest clients are checked against the bank's rules
(``tools.policy.eligibility``: a failed rule excludes, with its reason), re-ranked by
what is happening to them now, and the best N are justified with facts from
their 360 view and the chunk ids of the documents used.

Only the signed-in RM's clients are ever searched. A missing index is an
error the RM is told about ("run agentify index build"), never a silent build.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import asdict
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.runtime import Runtime
from sqlalchemy import select

from graphs.context import AgentContext
from graphs.prioritization.state import CANDIDATES_K, DEFAULT_TOP_N, IdealClient, PrioritizationState
from prompts import load_prompt
from stores.schema import Client
from tools.core.dates import bank_date
from tools.core.formatting import format_amount, format_short_date
from tools.core.language import detect_language
from tools.core.llm.models import structured_call, text_call
from tools.core.text import fold
from tools.crm.api import Client360, ClientNotFound, CrmApi
from tools.knowledge.retrieval import IndexNotReady, search_clients, search_documents
from tools.policy.eligibility import (
    ClientStanding,
    ProductTerms,
    RuleResult,
    evaluate,
    find_product,
    first_failure,
    load_product,
    load_standings,
)
from tools.signals.profiles import bucket, compute_essences
from tools.signals.thresholds import IDLE_CASH_MIN_VND, LARGE_DEPOSIT_MIN_VND, MATURITY_WINDOW_DAYS

logger = logging.getLogger(__name__)

GOAL_BOOST = 0.15  # a current signal the request asks for
EVENT_BOOST = 0.03  # another current money signal
COMPLAINT_PENALTY = 0.10  # a complaint resolved in the last 90 days
HELD_PENALTY = 0.10  # already holds the product
MAX_REASONS = 4
POLICY_K = 3
MONEY_SIGNALS = ("idle_cash", "large_inflow", "cd_maturing")

#: Goal words (matched on the accent-free, lower-case request) → the signal they ask for.
_GOAL_WORDS: dict[str, re.Pattern[str]] = {
    "idle_cash": re.compile(r"\bidle\b|\bcash\b|uninvested|nhan roi|so du lon|tien mat"),
    "large_inflow": re.compile(
        r"inflow|large (?:deposit|payment|transfer)|windfall|just received|property sale|tien ve|khoan tien lon"
        r"|vua nhan|ban nha|ban bat dong san"
    ),
    "cd_maturing": re.compile(r"matur|dao han|certificates? of deposit|\bcds?\b|tien gui co ky han"),
    "loan_maturing": re.compile(r"loans? (?:ending|maturing|ends)|tat toan|khoan vay sap"),
    "money_out": re.compile(
        r"attrition|churn|leaving|outflow|moving money|chuyen tien di|roi bo|chuyen sang ngan hang"
    ),
    "inactive": re.compile(r"inactive|not contacted|haven.?t (?:called|contacted)|lau chua lien he|khong hoat dong"),
    "birthday": re.compile(r"birthday|sinh nhat"),
}
_CATEGORY_SIGNALS: dict[str, tuple[str, ...]] = {
    "investment": ("idle_cash", "large_inflow", "cd_maturing"),
    "cd": ("cd_maturing", "idle_cash", "large_inflow"),
    "savings": ("idle_cash", "large_inflow", "cd_maturing"),
    "insurance": ("large_inflow", "idle_cash"),
}
_CATEGORY_RISKS: dict[str, tuple[str, ...]] = {
    "investment": ("growth", "balanced"),
    "cd": ("conservative", "balanced"),
    "savings": ("conservative", "balanced"),
}
_RISK_SENTENCES = {
    "conservative": "Conservative risk profile: prefers safe deposits over investments.",
    "balanced": "Balanced risk profile.",
    "growth": "Growth risk profile: open to investment products.",
}
_SOURCE_WORDS = {
    "property_sale": ("property sale", "bán bất động sản"),
    "business_income": ("business income", "thu nhập kinh doanh"),
    "salary": ("salary", "lương"),
    "transfer_internal": ("internal transfer", "chuyển khoản nội bộ"),
}


def _vi(state: PrioritizationState) -> bool:
    return state.get("language") == "vi"


def _resolve_product(state: PrioritizationState, runtime: Runtime[AgentContext]) -> ProductTerms | None:
    database = runtime.context.database()
    code = (state.get("product_code") or "").strip()
    if code:
        product = load_product(database, code)
        if product is None:
            logger.warning("unknown or inactive product code %r: treating the request as a free goal", code)
        return product
    return find_product(database, state["request"])


def retrieve_documents(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The product (by code, else by name in the request), its index entry and the policy chunks that apply."""
    request = state["request"]
    language = detect_language(request)
    product = _resolve_product(state, runtime)
    documents: list[dict[str, Any]] = []
    try:
        if product is not None:
            hits = search_documents("product", f"{product.name}. {product.summary}", 10)
            documents += [
                {"kind": "product", **_hit(hit)} for hit in hits if hit.id == product.code
            ]  # its own entry only
        query = f"{request} {product.name} {product.category}" if product else request
        documents += [{"kind": "policy", **_hit(hit)} for hit in search_documents("policy", query, POLICY_K)]
    except IndexNotReady as error:
        return _failed(language, product, str(error))
    return {
        "language": language,
        "product": asdict(product) if product else None,
        "documents": documents,
        "error": None,
    }


def _hit(hit: Any) -> dict[str, Any]:
    return {"id": hit.id, "title": hit.title, "section": hit.section, "text": hit.text, "score": round(hit.score, 4)}


def _failed(language: str, product: ProductTerms | None, error: str) -> dict[str, Any]:
    logger.warning("prioritization cannot search: %s", error)
    return {"language": language, "product": asdict(product) if product else None, "documents": [], "error": error}


def route_after_retrieve_documents(state: PrioritizationState) -> str:
    return "finish" if state.get("error") else "synthesize"


# ----- synthesize --------------------------------------------------------------------------------------------------


def _product_terms(state: PrioritizationState) -> ProductTerms | None:
    data = state.get("product")
    if not data:
        return None
    return ProductTerms(**{**data, "target_segments": tuple(data.get("target_segments") or ())})


def goal_signals(request: str, product: ProductTerms | None) -> list[str]:
    """The current signals the request's words ask for, then the product category's usual ones."""
    folded = fold(request)
    named = [signal for signal, pattern in _GOAL_WORDS.items() if pattern.search(folded)]
    if named:
        return named
    if product is not None:
        return list(_CATEGORY_SIGNALS.get(product.category, ()))
    return list(MONEY_SIGNALS)


def synthesize(state: PrioritizationState) -> dict[str, Any]:
    """The product context and the rules that apply, from the retrieved documents and the product's terms."""
    product = _product_terms(state)
    lines: list[str] = []
    if product is not None:
        lines.append(f"{product.name} ({product.category}): {product.summary}".strip())
        if product.target_segments:
            lines.append(f"Target segments: {', '.join(product.target_segments)}.")
        if product.min_amount_vnd:
            lines.append(f"Minimum amount: {format_amount(product.min_amount_vnd, 'en')}.")
        for document in state.get("documents", []):
            if document["kind"] == "product" and document["text"].strip() != product.summary.strip():
                lines.append(document["text"].strip())
    notes: list[str] = []
    for document in state.get("documents", []):
        if document["kind"] != "policy":
            continue
        for line in document["text"].splitlines():
            line = line.strip().lstrip("-*").strip()
            if line:
                notes.append(f"{line} [{document['id']}]")
    notes += [
        "Clients with an open complaint are not sold to until it is resolved.",
        "Conservative clients are not offered investment products.",
    ]
    if product is not None and product.target_segments:
        notes.append(f"{product.name} is offered only to {', '.join(product.target_segments)} clients.")
    if product is not None and product.min_amount_vnd:
        notes.append(f"The client's deposits must cover the {format_amount(product.min_amount_vnd, 'en')} minimum.")
    return {
        "product_context": "\n".join(lines),
        "policy_notes": notes,
        "signals": goal_signals(state["request"], product),
    }


# ----- the ideal client ------------------------------------------------------------------------------------------


def profile_text(product: ProductTerms | None, segments: list[str], risks: list[str], signals: list[str]) -> str:
    """The ideal client in the bounded fact vocabulary of ``tools.signals.profiles`` (what profiles are made of)."""
    minimum = product.min_amount_vnd if product and product.min_amount_vnd else 0
    sentences = [f"{segment} segment." for segment in segments]
    sentences += [_RISK_SENTENCES[risk] for risk in risks if risk in _RISK_SENTENCES]
    if minimum or "idle_cash" in signals:
        words = bucket(max(minimum, IDLE_CASH_MIN_VND))[0]
        sentences.append(f"Total assets with the bank: {words}.")
    for signal in signals:
        if signal == "idle_cash":
            words = bucket(max(minimum, IDLE_CASH_MIN_VND))[0]
            sentences.append(f"Idle cash: {words} sitting in current and savings accounts, not invested.")
        elif signal == "large_inflow":
            words = bucket(max(minimum, LARGE_DEPOSIT_MIN_VND))[0]
            sentences.append(f"Just received a large amount of money: {words} (property sale) in the last 7 days.")
        elif signal == "cd_maturing":
            words = bucket(max(minimum, LARGE_DEPOSIT_MIN_VND))[0]
            sentences.append(f"Certificate of deposit maturing soon: {words}, matures within 7 days.")
        elif signal == "loan_maturing":
            sentences.append("Loan ending soon: the Home Loan ends within 7 days, nearly repaid.")
        elif signal == "money_out":
            sentences.append("Moving money out: sent 30 to 60% of their cash to other banks in the last 30 days.")
        elif signal == "inactive":
            sentences.append("Inactive: not contacted for more than 90 days.")
        elif signal == "birthday":
            sentences.append("Birthday within the next 7 days.")
    return " ".join(sentences)


def _rules_ideal(state: PrioritizationState, product: ProductTerms | None) -> IdealClient:
    segments = list(product.target_segments) if product else []
    risks = list(_CATEGORY_RISKS.get(product.category, ())) if product else []
    return IdealClient.model_validate({"segments": segments, "risk_profiles": risks, "signals": state["signals"]})


def _checked_model_ideal(ideal: IdealClient, product: ProductTerms | None, request_signals: list[str]) -> IdealClient:
    """The model's choice within the product's terms; the request's own goal words are always kept."""
    segments = [s for s in ideal.segments if not product or not product.target_segments or s in product.target_segments]
    risks = [
        r for r in ideal.risk_profiles if not (product and product.category == "investment" and r == "conservative")
    ]
    signals = list(dict.fromkeys([*request_signals, *ideal.signals]))
    return IdealClient.model_validate({"segments": segments, "risk_profiles": risks, "signals": signals})


def pseudo_profile(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The ideal client: the model's choice from fixed lists when it gives one, else the rules'; code writes it."""
    product = _product_terms(state)
    rules = _rules_ideal(state, product)
    engine = "rules"
    ideal = rules
    model = runtime.context.chat_model()
    if model is not None:
        prompt = load_prompt("prioritization_profile").format(
            request=state["request"],
            product_context=state.get("product_context") or "(none)",
            policy_notes="\n".join(f"- {note}" for note in state.get("policy_notes", [])) or "(none)",
        )
        outcome = structured_call(
            model,
            IdealClient,
            [HumanMessage(content=prompt)],
            fallback=lambda: rules,
            task="prioritization.profile",
        )
        if outcome.from_model:
            checked = _checked_model_ideal(
                outcome.value, product, goal_signals(state["request"], None) if _named(state["request"]) else []
            )
            if checked.signals or checked.segments:
                ideal, engine = checked, "model"
    text = profile_text(product, list(ideal.segments), list(ideal.risk_profiles), list(ideal.signals))
    return {"pseudo_profile": text, "engine": engine, "signals": list(ideal.signals)}


def _named(request: str) -> bool:
    folded = fold(request)
    return any(pattern.search(folded) for pattern in _GOAL_WORDS.values())


# ----- similar clients ------------------------------------------------------------------------------------------


def search_candidates(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The signed-in RM's 20 clients nearest the ideal client (never another RM's)."""
    try:
        hits = search_clients(runtime.context.database(), runtime.context.rm_id, state["pseudo_profile"], CANDIDATES_K)
    except (IndexNotReady, LookupError) as error:
        logger.warning("prioritization cannot search clients: %s", error)
        return {"candidates": [], "error": str(error)}
    return {"candidates": [{"client_id": client_id, "score": round(score, 4)} for client_id, score in hits]}


def route_after_search_candidates(state: PrioritizationState) -> str:
    return "finish" if state.get("error") else "apply_policy"


# ----- rules and re-rank ----------------------------------------------------------------------------------------


def business_score(
    similarity: float, kinds: set[str], signals: list[str], standing: ClientStanding, product: ProductTerms | None
) -> float:
    """Similarity, raised for current signals (those the goal asks for most), lowered for friction."""
    score = similarity
    score += GOAL_BOOST * len(kinds & set(signals))
    score += EVENT_BOOST * len((kinds & set(MONEY_SIGNALS)) - set(signals))
    if standing.recent_resolved_complaints:
        score -= COMPLAINT_PENALTY
    if product is not None and product.code in standing.held_products:
        score -= HELD_PENALTY
    return round(score, 4)


def apply_policy(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Exclude whoever fails a rule (with the rule and its reason), re-rank the rest, keep the top N."""
    product = _product_terms(state)
    database = runtime.context.database()
    today = runtime.context.resolved_today()
    candidates = state.get("candidates", [])
    ids = [candidate["client_id"] for candidate in candidates]
    standings = load_standings(database, ids, today=today)
    essences = compute_essences(database, today=today, client_ids=ids)
    excluded: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    signals = state.get("signals", [])
    for candidate in candidates:
        client_id = candidate["client_id"]
        standing = standings.get(client_id)
        if standing is None:
            continue
        failure = first_failure(product, standing)
        if failure is not None:
            excluded.append({"client_id": client_id, "rule": failure.rule, "reason": failure.reason})
            continue
        essence = essences.get(client_id)
        kinds = essence.kinds() if essence else set()
        kept.append(
            {
                "client_id": client_id,
                "score": business_score(candidate["score"], kinds, signals, standing, product),
                "similarity": candidate["score"],
            }
        )
    kept.sort(key=lambda item: (-item["score"], item["client_id"]))
    top_n = state.get("top_n") or DEFAULT_TOP_N
    return {"ranked": kept[: max(1, int(top_n))], "excluded": excluded}


# ----- justify ------------------------------------------------------------------------------------------------------


def client_reasons(
    view: Client360,
    today: dt.date,
    signals: list[str],
    rule_results: list[RuleResult],
    product: ProductTerms | None,
    vi: bool = False,
) -> list[str]:
    """Concrete facts of this client (amounts, dates, events) that justify the call; goal signals first."""
    language = "vi" if vi else "en"
    found: dict[str, list[str]] = {}

    def add(kind: str, text: str) -> None:
        found.setdefault(kind, []).append(text)

    active = [row for row in view.holdings if row.get("status") == "active"]
    casa = sum(int(row["balance_vnd"]) for row in active if row.get("kind") == "casa")
    savings = sum(int(row["balance_vnd"]) for row in active if row.get("kind") == "savings")
    if casa + savings >= IDLE_CASH_MIN_VND:
        if vi:
            parts = [f"tài khoản thanh toán {format_amount(casa, 'vi')}"] if casa else []
            parts += [f"tiết kiệm {format_amount(savings, 'vi')}"] if savings else []
            add("idle_cash", f"Tiền nhàn rỗi: {' và '.join(parts)} chưa đầu tư")
        else:
            parts = [f"current account {format_amount(casa, 'en')}"] if casa else []
            parts += [f"savings {format_amount(savings, 'en')}"] if savings else []
            add("idle_cash", f"Idle cash: {' and '.join(parts)}, not invested")
    horizon = today + dt.timedelta(days=MATURITY_WINDOW_DAYS)
    for row in active:
        maturity = bank_date(row.get("maturity_on"))
        if maturity is None or not today <= maturity <= horizon:
            continue
        amount = int(row["balance_vnd"])
        if row.get("kind") == "cd":
            add(
                "cd_maturing",
                f"Tiền gửi có kỳ hạn {format_amount(amount, 'vi')} đáo hạn ngày {format_short_date(maturity)}"
                if vi
                else f"CD of {format_amount(amount, 'en')} maturing on {format_short_date(maturity)}",
            )
        elif row.get("kind") == "loan":
            add(
                "loan_maturing",
                f"Khoản vay còn {format_amount(amount, 'vi')} tất toán ngày {format_short_date(maturity)}"
                if vi
                else f"Loan with {format_amount(amount, 'en')} left ends on {format_short_date(maturity)}",
            )
    week_ago = today - dt.timedelta(days=7)
    for row in view.recent_transactions:
        posted = bank_date(row.get("posted_at"))
        amount = int(row.get("amount_vnd") or 0)
        if row.get("direction") != "in" or amount < LARGE_DEPOSIT_MIN_VND or posted is None or posted < week_ago:
            continue
        category = str(row.get("category") or "")
        source, source_vi = _SOURCE_WORDS.get(category, (category.replace("_", " "),) * 2)
        add(
            "large_inflow",
            f"Vừa nhận {format_amount(amount, 'vi')} ({source_vi}) ngày {format_short_date(posted)}"
            if vi
            else f"Received {format_amount(amount, 'en')} ({source}) on {format_short_date(posted)}",
        )
    days = view.days_since_contact
    if days is None:
        add("inactive", "Chưa từng được liên hệ" if vi else "Never contacted")
    elif days > 90:
        add("inactive", f"{days} ngày chưa được liên hệ" if vi else f"Not contacted for {days} days")
    born = bank_date(view.profile.get("date_of_birth"))
    if born is not None:
        try:
            birthday = born.replace(year=today.year)
        except ValueError:
            birthday = dt.date(today.year, 2, 28)
        if 0 <= (birthday - today).days <= 7:
            add(
                "birthday",
                f"Sinh nhật ngày {format_short_date(birthday)}" if vi else f"Birthday on {format_short_date(birthday)}",
            )
    ordered = [text for signal in signals for text in found.get(signal, [])]
    ordered += [text for kind, texts in found.items() if kind not in signals for text in texts]
    segment = view.profile.get("segment")
    totals = view.totals
    if product is not None:
        for result in rule_results:
            if result.rule == "min_amount" and result.passed and product.min_amount_vnd:
                deposits = totals.get("casa_vnd", 0) + totals.get("savings_and_cd_vnd", 0)
                have, minimum = format_amount(deposits, language), format_amount(product.min_amount_vnd, language)
                ordered.append(
                    f"Tiền gửi {have}, đủ mức tối thiểu {minimum}"
                    if vi
                    else f"Deposits of {have} cover the {minimum} minimum"
                )
        if segment and product.target_segments:
            ordered.append(
                f"Khách hàng hạng {segment}, đúng đối tượng của {product.name}"
                if vi
                else f"{segment} segment, targeted by {product.name}"
            )
    if not ordered:
        aum = int(totals.get("aum_vnd", 0))
        ordered.append(
            f"Khách hàng hạng {segment}, tổng tài sản {format_amount(aum, 'vi')}"
            if vi
            else f"{segment} client, assets {format_amount(aum, 'en')}"
        )
    return ordered[:MAX_REASONS]


def _language_name(vi: bool) -> str:
    return "Vietnamese" if vi else "English"


def _fallback_answer(
    state: PrioritizationState, ranked: list[dict[str, Any]], names: dict[str, str], citations: list[str]
) -> str:
    vi = _vi(state)
    product = state.get("product")
    subject = product["name"] if product else ("mục tiêu của anh/chị" if vi else "your goal")
    if not ranked:
        return (
            f"Không có khách hàng phù hợp cho {subject} trong 20 khách hàng gần nhất sau khi áp dụng chính sách."
            if vi
            else f"No eligible client for {subject} among your 20 closest matches once the bank's rules apply."
        )
    lines = [f"Nên gọi trước cho các khách hàng sau ({subject}):" if vi else f"Who to call first for {subject}:"]
    for position, item in enumerate(ranked, 1):
        lines.append(f"{position}. {names.get(item['client_id'], item['client_id'])}: {'; '.join(item['reasons'])}.")
    excluded = state.get("excluded", [])
    if excluded:
        lines.append("Loại theo chính sách:" if vi else "Left out by policy:")
        lines += [f"- {names.get(item['client_id'], item['client_id'])}: {item['reason']}" for item in excluded]
    if citations:
        lines.append(("Nguồn: " if vi else "Sources: ") + ", ".join(citations))
    return "\n".join(lines)


def _names(runtime: Runtime[AgentContext], client_ids: list[str]) -> dict[str, str]:
    """ "Mr Pham Van Son" for each of the signed-in RM's clients among ``client_ids``."""
    if not client_ids:
        return {}
    query = select(Client.id, Client.honorific, Client.full_name).where(
        Client.id.in_(client_ids), Client.rm_id == runtime.context.rm_id
    )
    with runtime.context.database().engine.connect() as connection:
        return {row.id: f"{row.honorific or ''} {row.full_name}".strip() for row in connection.execute(query)}


def justify(state: PrioritizationState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Reasons from each top client's 360 view, the chunk ids used, and the answer in the request's language."""
    product = _product_terms(state)
    vi = _vi(state)
    today = runtime.context.resolved_today()
    crm = CrmApi(runtime.context.database(), runtime.context.rm_id)
    citations = [document["id"] for document in state.get("documents", [])]
    ids = [item["client_id"] for item in state.get("ranked", [])]
    standings = load_standings(runtime.context.database(), ids, today=today)
    names: dict[str, str] = {}
    full_names: dict[str, str] = {}
    ranked: list[dict[str, Any]] = []
    for item in state.get("ranked", []):
        client_id = item["client_id"]
        try:
            view = crm.client_360(client_id, today=today)
        except ClientNotFound:  # reassigned since the search: no longer this RM's
            continue
        full_names[client_id] = str(view.profile.get("full_name") or client_id)
        names[client_id] = f"{view.profile.get('honorific') or ''} {full_names[client_id]}".strip()
        results = evaluate(product, standings[client_id]) if client_id in standings else []
        reasons = client_reasons(view, today, state.get("signals", []), results, product, vi)
        ranked.append(
            {"client_id": client_id, "score": item["score"], "reasons": reasons, "citations": list(citations)}
        )
    names.update(_names(runtime, [item["client_id"] for item in state.get("excluded", [])]))
    update: dict[str, Any] = {"ranked": ranked, "citations": citations}
    fallback = _fallback_answer(state, ranked, names, citations)
    model = runtime.context.chat_model()
    answer = fallback
    if model is not None and ranked:
        prompt = load_prompt("prioritization_justify").format(
            request=state["request"],
            language_name=_language_name(vi),
            product_line=f"Product: {state.get('product_context')}" if product else "No specific product.",
            clients="\n".join(f"- {names[item['client_id']]}: {'; '.join(item['reasons'])}" for item in ranked),
            excluded="\n".join(f"- {item['reason']}" for item in state.get("excluded", [])) or "(none)",
        )
        outcome = text_call(model, [HumanMessage(content=prompt)], fallback=lambda: fallback, task="prioritization")
        text = outcome.value
        named_all = all(fold(full_names[item["client_id"]]) in fold(text) for item in ranked)
        if outcome.from_model and named_all and detect_language(text) == state.get("language"):
            answer = text
    return {**update, "answer": answer}


def finish(state: PrioritizationState) -> dict[str, Any]:
    """An error the RM can act on (build the index), with every output key present."""
    error = state.get("error") or "unknown error"
    vi = _vi(state)
    answer = (
        f"Chưa thể xếp hạng khách hàng: {error}. Hãy chạy `agentify index build`."
        if vi
        else f"Cannot rank clients yet: {error}. Run `agentify index build`."
    )
    return {
        "ranked": [],
        "excluded": [],
        "candidates": state.get("candidates", []),
        "pseudo_profile": state.get("pseudo_profile", ""),
        "citations": [],
        "answer": answer,
    }
