"""A reply draft per inbound client message, in the RM's voice and the client's language, checked by bank policy.

The replies go to the same drafts table as the nightly drafts (kind ``reply``, one per message by its event key
``reply:<message id>``), so the RM reviews, edits, sends or copies them exactly as the morning drafts; sending one
marks its message replied (``tools.inbox.drafts.Inbox``). The reply acknowledges what the client needs and says
what happens next and by when (DOC-POL-INBOX's urgency, DOC-POL-COMPLAINTS' 24 hours); it quotes no rate or fee,
so it can promise nothing the documents do not say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from stores.db import Database
from tools.crm.api import CrmApi
from tools.inbox.drafts import NewDraft
from tools.policy.compliance import check_message
from tools.products.catalog import find_product
from tools.signals.events import client_cards
from tools.voice.drafting import DraftRequest, compose_draft
from tools.voice.personalization import rules_applying, rules_by_rm, tones_for

#: The drafts table's urgency for a message's urgency (DOC-POL-INBOX says ``normal`` where drafts say ``medium``).
DRAFT_URGENCY = {"high": "high", "normal": "medium", "low": "low"}
#: Topics where the product the client names is worth naming back.
_PRODUCT_TOPICS = ("product_inquiry", "loan_request")
REPLY_KIND = "reply"


def reply_key(message_id: str) -> str:
    """The event key of a message's reply: a second triage of the same message saves no second draft."""
    return f"{REPLY_KIND}:{message_id}"


def _language(message: Mapping[str, Any], client: Mapping[str, Any]) -> str:
    """The language the client wrote in (a Vietnamese client writing in English gets English back)."""
    written = message.get("language")
    if written in ("en", "vi"):
        return str(written)
    recorded = client.get("language")
    return str(recorded) if recorded in ("en", "vi") else "en"


def reply_drafts(
    database: Database, rm_id: str, messages: Sequence[Mapping[str, Any]], *, today: dt.date
) -> list[NewDraft]:
    """One checked reply draft per triaged message (``topic``, ``urgency``, ``language`` read); a message whose
    client is no longer the RM's gets none."""
    if not messages:
        return []
    cards = client_cards(database, {str(message["client_id"]) for message in messages})
    tone = tones_for(database, [rm_id])[rm_id]
    rules = rules_by_rm(database, [rm_id]).get(rm_id, [])
    catalog = CrmApi(database, rm_id).products()
    drafts: list[NewDraft] = []
    for message in messages:
        client = cards.get(str(message["client_id"]))
        if client is None or client.get("rm_id") not in (None, rm_id):
            continue
        text = f"{message.get('subject') or ''}\n{message.get('body') or ''}".strip()
        product = find_product(database, text) if message.get("topic") in _PRODUCT_TOPICS else None
        facts: dict[str, Any] = {
            "message_id": message["id"],
            "topic": message.get("topic"),
            "urgency": message.get("urgency"),
            "subject": message.get("subject") or "",
            "received_at": message.get("received_at"),
            "channel": message.get("channel"),
            **({"product_code": product.code, "product_name": product.name} if product else {}),
        }
        language = _language(message, client)
        draft = compose_draft(
            DraftRequest(kind=REPLY_KIND, facts=facts, client=client, rm_name=str(client.get("rm_name") or ""),
                         language=language),
            tone,
            rules_applying(rules, client),
        )  # fmt: skip
        findings = check_message(draft.text, language=draft.language, client=client, products=catalog)
        drafts.append(
            NewDraft(
                event_key=reply_key(str(message["id"])),
                rm_id=rm_id,
                client_id=str(message["client_id"]),
                kind=REPLY_KIND,
                scan_date=today.isoformat(),
                urgency=DRAFT_URGENCY.get(str(message.get("urgency")), "medium"),
                value_vnd=0,
                facts=facts,
                channel=draft.channel,
                client_channel=str(client.get("preferred_channel") or "zalo"),
                language=draft.language,
                subject=draft.subject,
                body=draft.text,
                engine=draft.engine,
                compliance={"flags": sorted({*draft.flags, *(f.flag for f in findings)}), "notes": list(draft.notes)},
                run_id=None,
            )
        )
    return drafts
