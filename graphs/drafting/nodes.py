"""Drafting steps: load the client → find the event's facts → take the RM's tone and rules → compose → check.

The facts come from the client's own data (``tools.signals.triggers`` on the client 360
for today); an event the client has no data for today (a tone check, a birthday
weeks away) is still drafted, from what the client's holdings and profile say.
Only the signed-in RM's clients can be drafted for.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Literal

from langgraph.runtime import Runtime

from graphs.context import AgentContext
from graphs.drafting.state import DraftingState
from tools.crm.api import ClientNotFound, CrmApi
from tools.policy.compliance import check_message
from tools.signals.triggers import detect_triggers
from tools.voice.drafting import DRAFT_KINDS, DraftRequest, compose_draft
from tools.voice.personalization import Personalization
from tools.voice.tone import ToneProfile

logger = logging.getLogger(__name__)

_PROFILE_KEYS = ("full_name", "honorific", "language", "preferred_channel", "segment", "risk_profile", "occupation",
                 "city", "email", "phone", "date_of_birth")  # fmt: skip


def _crm(runtime: Runtime[AgentContext]) -> CrmApi:
    return CrmApi(runtime.context.database(), runtime.context.rm_id)


def load_client(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The client 360, only if the client is the signed-in RM's."""
    event = str(state.get("event") or "")
    if event not in DRAFT_KINDS:
        raise ValueError(f"unknown event {event!r}; one of: {', '.join(DRAFT_KINDS)}")
    crm = _crm(runtime)
    try:
        c360 = crm.client_360(str(state["client_id"]), today=runtime.context.resolved_today())
    except ClientNotFound:
        return {"status": "not_found", "message": "None of your clients has this id."}
    profile = c360.profile
    client = {key: profile.get(key) for key in _PROFILE_KEYS}
    return {"client": client, "rm_name": str(crm.rm_profile().get("full_name") or ""),
            "c360": c360.model_dump(mode="json")}  # fmt: skip


def route_after_load_client(state: DraftingState) -> Literal["find_facts", "__end__"]:
    return "__end__" if state.get("status") == "not_found" else "find_facts"


def _nearest(holdings: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    accounts = [a for a in holdings if a.get("kind") == kind and a.get("status") == "active" and a.get("maturity_on")]
    return min(accounts, key=lambda a: str(a["maturity_on"])) if accounts else None


def _fallback_facts(kind: str, c360: dict[str, Any], today: dt.date) -> dict[str, Any] | None:
    """Facts for an event the triggers did not see today, from the client's own data; None when it has none."""
    profile = c360["profile"]
    if kind == "birthday" and profile.get("date_of_birth"):
        born = dt.date.fromisoformat(str(profile["date_of_birth"])[:10])
        day = born.replace(year=today.year) if (born.month, born.day) != (2, 29) else dt.date(today.year, 2, 28)
        if day < today:
            day = day.replace(year=today.year + 1)
        return {"date": day.isoformat(), "days_until": (day - today).days, "age": day.year - born.year}
    if kind in ("cd_maturity", "loan_maturity"):
        account = _nearest(c360.get("holdings") or [], kind.split("_")[0])
        if account is None:
            return None
        maturity = dt.date.fromisoformat(str(account["maturity_on"])[:10])
        return {"account_id": account.get("id"), "product_code": account.get("product_code"),
                "amount_vnd": int(account.get("balance_vnd") or 0), "maturity_on": maturity.isoformat(),
                "days_left": (maturity - today).days, "rate_pct": account.get("rate_pct")}  # fmt: skip
    if kind == "inactive":
        days = c360.get("days_since_contact")
        last = c360.get("last_contacted_at")
        return {"days_since_contact": days, "last_contacted_on": str(last)[:10] if last else None,
                "never_contacted": days is None}  # fmt: skip
    return None


def find_facts(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The event's facts from today's triggers, else from the client's data, else a check-in."""
    c360 = state["c360"]
    today = runtime.context.resolved_today()
    event = state["event"]
    products = _crm(runtime).products()
    names = {str(product["code"]): str(product["name"]) for product in products}
    for trigger in detect_triggers(c360, today, products):
        if trigger["kind"] == event:
            facts = dict(trigger["facts"])
            break
    else:
        found = _fallback_facts(event, c360, today)
        if found is None:
            logger.info("drafting: the client has no data for %s; drafting a check-in", event)
            return {"kind": "check_in", "facts": {}}
        facts = found
    code = facts.get("product_code")
    if code and not facts.get("product_name"):
        facts["product_name"] = names.get(str(code))
    return {"kind": event, "facts": facts}


def take_tone(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The signed-in RM's voice (learned on first use) and the rules that apply to this client."""
    personalization = Personalization(runtime.context.database(), runtime.context.rm_id)
    return {
        "tone": personalization.tone().model_dump(mode="json"),
        "rules": personalization.rules_for({**state["client"], "id": state["client_id"]}),
    }


def compose(state: DraftingState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The template engine, or the model conditioned on the voice (checked, with the template as fallback)."""
    draft = compose_draft(
        DraftRequest(kind=state["kind"], facts=state["facts"], client=state["client"], rm_name=state["rm_name"]),
        ToneProfile.model_validate(state["tone"]),
        state.get("rules", []),
        model=runtime.context.chat_model(),
    )
    return {"draft": draft.model_dump(mode="json"), "message": draft.text}


def check(state: DraftingState) -> dict[str, Any]:
    """The communication rules once more on the final text; what is left is shown to the RM as flags."""
    draft = dict(state["draft"])
    findings = check_message(draft["text"], language=draft["language"], client=state["client"])
    draft["flags"] = sorted({*draft.get("flags", []), *(finding.flag for finding in findings)})
    return {"draft": draft, "status": "drafted"}
