"""The next-best-action steps: identify client → client 360 → triggers → rank → retrieve → recommend → draft.

Everything that decides is deterministic (``tools.signals.triggers``); the model only words the message, from
a short prompt of facts (no ids), and a draft that drops the key facts is replaced by the template.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.next_best_action.state import NextBestActionState
from tools.core.formatting import format_amount, format_number
from tools.core.language import detect_language
from tools.crm.api import ClientMatch, CrmApi
from tools.crm.notes import extract_note
from tools.crm.resolution import resolve_client
from tools.knowledge.retrieval import IndexNotReady, search_documents
from tools.signals.triggers import detect_triggers, rank_triggers
from tools.voice.drafting import DraftRequest, category_text, compose_draft, date_text
from tools.voice.personalization import Personalization

logger = logging.getLogger(__name__)

DOCUMENTS_PER_KIND = 2

_LABELS = {
    "en": {
        "complaint_followup": "Complaint follow-up",
        "cd_maturity": "CD maturing",
        "loan_maturity": "Loan maturing",
        "birthday": "Birthday",
        "large_deposit": "Large deposit",
        "attrition_risk": "Attrition risk",
        "idle_cash": "Idle cash",
        "inactive": "No recent contact",
        "cross_sell": "Cross-sell",
    },
    "vi": {
        "complaint_followup": "Xử lý khiếu nại",
        "cd_maturity": "Chứng chỉ tiền gửi đáo hạn",
        "loan_maturity": "Khoản vay đến hạn",
        "birthday": "Sinh nhật",
        "large_deposit": "Khoản tiền lớn về tài khoản",
        "attrition_risk": "Nguy cơ rời bỏ",
        "idle_cash": "Tiền nhàn rỗi",
        "inactive": "Lâu chưa liên hệ",
        "cross_sell": "Bán chéo",
    },
}
_QUERIES = {
    "complaint_followup": "complaint handling service recovery follow-up",
    "cd_maturity": "certificate of deposit maturity renewal rate",
    "loan_maturity": "loan maturity repayment refinancing",
    "birthday": "client birthday greeting",
    "large_deposit": "large deposit savings certificate of deposit investment",
    "attrition_risk": "client retention outflow",
    "idle_cash": "idle balance savings certificate of deposit investment",
    "inactive": "relationship review client contact",
    "cross_sell": "product suitability segment",
}
_NO_PRODUCT = {"complaint_followup", "birthday", "inactive"}


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def _label(match: ClientMatch) -> str:
    return f"{match.honorific} {match.full_name} (…{match.phone[-4:]}, {match.segment})"


# ----- identify the client -------------------------------------------------------------------


def identify_client(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The shared resolution, among the signed-in RM's clients only; never a guess."""
    request = state["request"]
    language = detect_language(request)
    reading = extract_note(request, runtime.context.resolved_today())
    resolution = resolve_client(_crm(runtime), request, phone=reading.phone, name=reading.client_name)
    if resolution.client is not None:
        return {"client_id": resolution.client.id, "needs_clarification": False, "candidates": [],
                "request_language": language, "language": language}  # fmt: skip
    candidates = [{"client_id": match.id, "label": _label(match)} for match in resolution.candidates]
    return {"client_id": None, "needs_clarification": True, "candidates": candidates,
            "request_language": language, "language": language}  # fmt: skip


def route_after_identify_client(state: NextBestActionState) -> str:
    return "load_client" if state.get("client_id") else "clarify"


def clarify(state: NextBestActionState) -> dict[str, Any]:
    """Ask which client: only the RM's own candidates, nothing about anyone else."""
    vi = state.get("request_language") == "vi"
    candidates = state.get("candidates", [])
    if candidates:
        head = (
            "Yêu cầu này có thể là về nhiều khách hàng của anh/chị. Đó là ai?"
            if vi
            else "This request could be about more than one of your clients. Which one?"
        )
        lines = [f"{index}. {c['label']}" for index, c in enumerate(candidates, start=1)]
        message = head + "\n\n" + "\n".join(lines)
    else:
        message = (
            "Không tìm thấy khách hàng nào của anh/chị khớp với yêu cầu. Hãy cho biết tên đầy đủ hoặc số điện thoại."
            if vi
            else "None of your clients matches this request. Reply with the client's full name or phone number."
        )
    return {"triggers": [], "action": None, "reason": message, "message": message, "citations": [],
            "documents": [], "engine": "template"}  # fmt: skip


# ----- the client and the triggers -----------------------------------------------------------


def load_client(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The client 360 with household; the message goes out in the client's language."""
    crm = _crm(runtime)
    client = crm.client_360(str(state["client_id"]), today=runtime.context.resolved_today())
    profile = client.profile
    language = profile.get("language") if profile.get("language") in ("vi", "en") else state.get("request_language")
    return {
        "client": client.model_dump(mode="json"),
        "language": language or "en",
        "rm_name": str(crm.rm_profile().get("full_name") or ""),
    }


def detect(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Every trigger relative to today; product names added where a product is named."""
    crm = _crm(runtime)
    products = crm.products()
    names = {str(product["code"]): str(product["name"]) for product in products}
    triggers = detect_triggers(state["client"], runtime.context.resolved_today(), products)
    found: list[dict[str, Any]] = []
    for trigger in triggers:
        facts = dict(trigger["facts"])
        code = facts.get("product_code")
        if code and not facts.get("product_name"):
            facts["product_name"] = names.get(str(code))
        found.append({**trigger, "facts": facts})
    return {"triggers": found}


def rank(state: NextBestActionState) -> dict[str, Any]:
    """Policy precedence (an open complaint first), then urgency, then the money at stake."""
    return {"triggers": [dict(t) for t in rank_triggers(state.get("triggers", []))]}  # type: ignore[arg-type]


# ----- documents -----------------------------------------------------------------------------


def _search(kind: str, text: str) -> list[dict[str, Any]]:
    try:
        hits = search_documents("policy" if kind == "policy" else "product", text, DOCUMENTS_PER_KIND)
    except IndexNotReady as error:
        logger.info("no %s index, drafting without documents: %s", kind, error)
        return []
    return [{"id": hit.id, "kind": kind, "title": hit.title, "text": hit.text} for hit in hits]


def retrieve_context(state: NextBestActionState) -> dict[str, Any]:
    """Product and policy chunks for the leading trigger; their ids are the citations."""
    triggers = state.get("triggers", [])
    if not triggers:
        return {"documents": [], "citations": []}
    lead = triggers[0]
    query = _QUERIES.get(lead["kind"], lead["kind"])
    product_name = lead["facts"].get("product_name")
    documents = _search("policy", f"client communication rules {query}")
    if lead["kind"] not in _NO_PRODUCT:
        documents += _search("product", f"{product_name or ''} {query}".strip())
    citations = list(dict.fromkeys(document["id"] for document in documents))
    return {"documents": documents, "citations": citations}


# ----- recommend -----------------------------------------------------------------------------


def _fact_line(trigger: dict[str, Any], language: str) -> str:
    """The concrete facts of one trigger, for the RM (the reason) and for the model's prompt."""
    kind, f = trigger["kind"], trigger["facts"]
    vi = language == "vi"
    amount = format_amount(f.get("amount_vnd"), language)
    product = f.get("product_name") or category_text(f.get("category") or f.get("product_code"), language)
    if kind in ("cd_maturity", "loan_maturity"):
        due, days = date_text(f["maturity_on"], language), f["days_left"]
        rate = format_number(f["rate_pct"], language) + "%" if f.get("rate_pct") else None
        if kind == "cd_maturity" and vi:
            return f"chứng chỉ tiền gửi {amount} đáo hạn ngày {due} (còn {days} ngày" + (
                f", {rate}/năm)" if rate else ")"
            )
        if kind == "cd_maturity":
            return f"{product} of {amount} matures on {due} ({days} days left" + (f", {rate} p.a.)" if rate else ")")
        if vi:
            return f"khoản vay dư nợ {amount} đến hạn ngày {due} (còn {days} ngày)"
        return f"{product}, {amount} outstanding, matures on {due} ({days} days left)"
    if kind == "birthday":
        age, when, until = f["age"], date_text(f["date"], language), f["days_until"]
        if until == 0:
            return f"sinh nhật hôm nay (tròn {age} tuổi)" if vi else f"birthday today (turns {age})"
        if vi:
            return f"sinh nhật ngày {when} (còn {until} ngày, tròn {age} tuổi)"
        return f"birthday on {when} (in {until} days, turns {age})"
    if kind == "large_deposit":
        source = ", ".join(str(v) for v in (f.get("category"), f.get("counterparty")) if v).replace("_", " ")
        when = date_text(f.get("posted_on"), language)
        line = f"nhận {amount} ngày {when}" if vi else f"inbound {amount} on {when}"
        return line + (f" ({source})" if source else "")
    if kind == "idle_cash":
        out = format_amount(f.get("outflow_30d_vnd"), language)
        if vi:
            return f"{amount} trong tài khoản thanh toán và tiết kiệm, chi ra 30 ngày qua {out}"
        return f"{amount} in current and savings accounts, {out} out in the last 30 days"
    if kind == "inactive":
        if f.get("days_since_contact") is None:
            return "chưa có lần liên hệ nào được ghi nhận" if vi else "no interaction ever logged"
        when, days = date_text(f.get("last_contacted_on"), language), f["days_since_contact"]
        return (
            f"{days} ngày chưa liên hệ (lần cuối {when})" if vi else f"no interaction for {days} days (last on {when})"
        )
    if kind == "complaint_followup":
        when, category, days = (
            date_text(f.get("opened_on"), language),
            category_text(f.get("category"), language),
            f.get("days_open"),
        )
        summary = f": {str(f['summary']).rstrip('.')}" if f.get("summary") else ""
        if vi:
            return f"khiếu nại về {category} đang mở từ {when} ({days} ngày){summary}"
        return f"open {category} complaint since {when} ({days} days){summary}"
    if kind == "attrition_risk":
        if "outflow_vnd" in f:
            out, balance = format_amount(f["outflow_vnd"], language), format_amount(f["balance_vnd"], language)
            share = format_number(f["share_pct"], language, decimals=1)
            if vi:
                return f"{out} chuyển sang ngân hàng khác trong 30 ngày, bằng {share}% số dư {balance}"
            return f"{out} moved to other banks in 30 days, {share}% of the {balance} balance"
        latest, before = f["logins_latest_week"], format_number(f["logins_weekly_before"], language, decimals=1)
        if vi:
            return f"đăng nhập giảm còn {latest} lần tuần này (trước đó {before} lần/tuần)"
        return f"logins fell to {latest} this week from {before} a week"
    if kind == "cross_sell":
        aum, segment, category = (
            format_amount(f.get("aum_vnd"), language),
            f.get("segment"),
            category_text(f.get("category"), language),
        )
        if vi:
            return f"khách hàng {segment} chưa có {category}: {product} phù hợp (AUM {aum})"
        return f"{segment} client without {category}: {product} fits ({aum} AUM)"
    return str(kind)


def _client_name(state: NextBestActionState) -> str:
    profile = state["client"]["profile"]
    return f"{profile.get('honorific') or ''} {profile.get('full_name') or ''}".strip()


def recommend(state: NextBestActionState) -> dict[str, Any]:
    """The leading trigger is the action; the reason names its facts (in the RM's language)."""
    language = state.get("request_language") or "en"
    vi = language == "vi"
    triggers = state.get("triggers", [])
    name = _client_name(state)
    if not triggers:
        reason = (
            f"{name}: không có tín hiệu nào cần hành động hôm nay; nên liên hệ chăm sóc định kỳ."
            if vi
            else f"{name}: no trigger today; a routine check-in is the best next step."
        )
        return {"action": None, "reason": reason}
    lead, others = triggers[0], triggers[1:]
    labels = _LABELS[language if language in _LABELS else "en"]
    reason = f"{name} — {labels[lead['kind']]}: {_fact_line(lead, language)}."
    if lead["kind"] == "complaint_followup" and others:
        reason += " Khiếu nại đang mở được ưu tiên trước." if vi else " An open complaint comes first (bank policy)."
    if others:
        also = "; ".join(f"{labels[t['kind']]}: {_fact_line(t, language)}" for t in others[:3])
        reason += (" Ngoài ra: " if vi else " Also: ") + also + "."
    return {"action": lead["kind"], "reason": reason}


# ----- the message ---------------------------------------------------------------------------


def draft_message(state: NextBestActionState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The message in the RM's own voice and rules (``tools.voice.drafting``); bank policy enforced last."""
    triggers = state.get("triggers", [])
    lead = triggers[0] if triggers else None
    profile = state["client"]["profile"]
    personalization = Personalization(runtime.context.database(), runtime.context.rm_id)
    documents = [d for d in state.get("documents", []) if d.get("kind") == "policy"]
    request = DraftRequest(
        kind=lead["kind"] if lead else "check_in",
        facts=dict(lead["facts"]) if lead else {},
        client=dict(profile),
        rm_name=state.get("rm_name") or "",
        documents=documents,
        # The client's own language unless the CRM has none: then the one the graph settled on.
        language=None if profile.get("language") in ("vi", "en") else state.get("language"),
    )
    draft = compose_draft(
        request, personalization.tone(), personalization.rules_for(profile), runtime.context.chat_model()
    )
    return {"message": draft.text, "engine": draft.engine}
