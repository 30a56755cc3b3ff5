"""The compliance check's steps: the message and its client → every rule it breaks → the answer.

The engine is ``tools.policy.compliance`` (the bank's DOC-POL-COMMS and suitability rules) with the active
catalog for rates and target segments; the client's risk profile and segment come from the CRM when the
message names one of the signed-in RM's clients, never from the message's words about them.
"""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from graphs.compliance_check import copy
from graphs.compliance_check.state import ComplianceCheckState
from graphs.context import AgentContext
from graphs.turn import covered, read_text, turn
from tools.core.language import detect_language
from tools.crm.api import CrmApi
from tools.policy.compliance import enforce_policy
from tools.policy.learned_compliance import check_closely

#: The request around a pasted message: "Check this message for compliance:", "kiểm tra giúp em tin nhắn này:".
_REQUEST_LEAD = re.compile(
    r"^\s*(?:(?:please\s+)?(?:check|review|scan|vet)\b[^:\n]{0,80}[:\n]"
    r"|(?:kiểm tra|kiem tra|rà soát|ra soat|xem giúp|xem giup)\b[^:\n]{0,80}[:\n])\s*",
    re.IGNORECASE,
)


def read_message(state: ComplianceCheckState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The message without the request around it, its language, and the RM's client it names (if exactly one)."""
    message = read_text(state["message"])
    text = _REQUEST_LEAD.sub("", message, count=1).strip().strip('"“”') or message
    language = detect_language(message)
    if state.get("client"):
        return {"message": message, "text": text, "language": language, "client": dict(state["client"] or {})}
    crm = CrmApi(runtime.context.database(), runtime.context.rm_id)
    matches = crm.clients_mentioned(text)
    best = [match for match in matches if matches and match.score == matches[0].score]
    client = None
    if len(best) == 1:
        profile = crm.client_360(best[0].id).profile
        client = {key: profile.get(key) for key in ("full_name", "risk_profile", "segment")} | {"client_id": best[0].id}
    return {"message": message, "text": text, "language": language, "client": client}


def check(state: ComplianceCheckState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Every rule the message breaks, with the catalog's rates and segments and the client's profile; the rules
    and the learned reading of each sentence (``tools.policy.learned_compliance``)."""
    text = state["text"]
    products = state.get("products") or CrmApi(runtime.context.database(), runtime.context.rm_id).products()
    language = detect_language(text)
    findings = check_closely(text, language=language, client=state.get("client"), products=products)
    suggested = enforce_policy(text, language=language).text if findings else None
    return {"findings": [finding.model_dump() for finding in findings], "suggested": suggested}


def answer(state: ComplianceCheckState) -> dict[str, Any]:
    """The findings in the RM's language, each with the words and the rule, and the suggested version."""
    language = state.get("language") or "en"
    findings, client = state.get("findings", []), state.get("client")
    text = copy.answer(findings, state.get("suggested"), client, language)
    understood = copy.understood_as(client, language)
    flags = sorted({finding["flag"] for finding in findings})
    result = {"flags": flags, "findings": findings, "suggested": state.get("suggested"), "client": client}
    return covered(state["message"], turn(text, result=result, language=language, understood_as=understood))
