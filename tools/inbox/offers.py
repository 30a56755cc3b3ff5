"""Nightly offers: the proactive run may draft a client's top recommendation as a message (kind ``offer``).

Only a strong recommendation becomes an offer (``STRONG_SCORE``: a fact of the client points to the product, not the
sheet alone), the bank's rules first (``tools.products.recommend``: an open complaint blocks every offer), and never
more offers per client per month than the bank's policy allows (``offers_per_month``: a policy line such as "no more
than one product offer per client per month"; one when no document says). The event key carries the month and the
product (``offer:<client>:<YYYY-MM>:<code>``), so a rerun of the night drafts nothing twice and the cap counts the
month's offer drafts, sent, copied or dismissed alike.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from stores.db import Database
from stores.drafts import Draft
from stores.schema import Client, Document
from tools.core.text import fold
from tools.crm.api import CrmApi
from tools.products.recommend import prefetch, recommend, shelf
from tools.signals.events import ClientEvent

logger = logging.getLogger(__name__)

OFFER_KIND = "offer"
#: A top recommendation this strong is worth a message (a fact and an event or a stated need behind it).
STRONG_SCORE = 0.8
#: Offers per client per month when no policy says.
DEFAULT_PER_MONTH = 1
#: Clients read per bulk round.
CHUNK = 500
_NUMBER = {"one": 1, "two": 2, "three": 3, "mot": 1, "hai": 2, "ba": 3}
_CAP = re.compile(
    r"(?:at most|no more than|not more than|up to|maximum of|khong qua|toi da)\s+(?P<n>\d+|one|two|three|mot|hai|ba)"
    r"\s+(?:\w+\s+){0,3}?(?:offers?|uu dai|loi chao|chao ban|tin chao)\b[^.\n]{0,40}?"
    r"(?:per|a|each|moi|/)\s*(?:client|customer|khach|kh)[^.\n]{0,30}?(?:month|thang)"
)


def offers_per_month(documents: Iterable[Mapping[str, Any]]) -> tuple[int, str | None]:
    """(the monthly cap on product offers per client, the policy that states it), from the bank's policies."""
    for document in documents:
        if document.get("kind") != "policy":
            continue
        match = _CAP.search(fold(str(document.get("body") or "")))
        if match:
            value = match["n"]
            return (_NUMBER.get(value) or int(value)), str(document.get("id"))
    return DEFAULT_PER_MONTH, None


def _policies(database: Database) -> list[dict[str, Any]]:
    with database.engine.connect() as connection:
        rows = connection.execute(select(Document.id, Document.kind, Document.body).where(Document.kind == "policy"))
        return [{"id": row.id, "kind": row.kind, "body": row.body} for row in rows]


def _offered_this_month(database: Database, client_ids: list[str], month: str) -> dict[str, int]:
    """Offer drafts per client already made this month (any status: a dismissed offer was an offer)."""
    counts: dict[str, int] = {}
    with database.engine.connect() as connection:
        for start in range(0, len(client_ids), CHUNK):
            chunk = client_ids[start : start + CHUNK]
            rows = connection.execute(
                select(Draft.client_id, Draft.event_key).where(
                    Draft.kind == OFFER_KIND, Draft.client_id.in_(chunk), Draft.event_key.like(f"{OFFER_KIND}:%")
                )
            )
            for client_id, key in rows:
                if str(key).split(":")[2:3] == [month]:
                    counts[client_id] = counts.get(client_id, 0) + 1
    return counts


def offer_events(database: Database, scan_date: dt.date, *, rm_id: str | None = None) -> list[ClientEvent]:
    """One ``offer`` event per client whose top recommendation is strong, within the policy's monthly cap."""
    cap, policy = offers_per_month(_policies(database))
    month = f"{scan_date:%Y-%m}"
    with database.engine.connect() as connection:
        query = select(Client.id, Client.rm_id).order_by(Client.rm_id, Client.id)
        if rm_id is not None:
            query = query.where(Client.rm_id == rm_id)
        owners = [(str(row.id), str(row.rm_id)) for row in connection.execute(query)]
    offered = _offered_this_month(database, [client_id for client_id, _ in owners], month)
    events: list[ClientEvent] = []
    catalogs: dict[str, Any] = {}
    for start in range(0, len(owners), CHUNK):
        chunk = [(client_id, owner) for client_id, owner in owners[start : start + CHUNK]
                 if offered.get(client_id, 0) < cap]  # fmt: skip
        known = prefetch(database, [client_id for client_id, _ in chunk], today=scan_date)
        for client_id, owner in chunk:
            if client_id not in known:
                continue
            catalog = catalogs.get(owner) or catalogs.setdefault(owner, shelf(database, CrmApi(database, owner)))
            found = recommend(database, owner, client_id, today=scan_date, catalog=catalog, e5=False,
                              known=known[client_id], top_n=1)  # fmt: skip
            if not found.offers or found.offers[0].score < STRONG_SCORE:
                continue
            top = found.offers[0]
            product = next(p for p, _ in catalog.products if p.code == top.code)
            facts = {"product_code": top.code, "product_name": top.name, "product_summary": product.summary,
                     "reason": top.reason, "client_facts": top.facts, "document_id": top.document_id,
                     "score": top.score, "cap_per_month": cap, "cap_policy": policy}  # fmt: skip
            events.append(ClientEvent(event_key=f"{OFFER_KIND}:{client_id}:{month}:{top.code}", kind=OFFER_KIND,
                                      client_id=client_id, rm_id=owner, scan_date=scan_date.isoformat(),
                                      urgency="low", value_vnd=0, facts=facts))  # fmt: skip
    logger.info("nightly offers %s (%s): %d strong offers, cap %d a month", scan_date, rm_id or "bank-wide",
                len(events), cap)  # fmt: skip
    return events
