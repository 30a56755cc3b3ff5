"""Explainable product recommendations for one client or a relative (seed 002: data + interactions = recommendations).

Hard rules first (``tools.policy.eligibility``: an open complaint blocks every offer; suitability by risk profile;
target segments; ages; minimum amounts; already held; inactive products are not in the catalog read). Then each
remaining product is scored from the client's behaviour and standing:

- **TF-IDF relevance** between the client's behaviour text — six months of transactions by category, counterparty
  and description, each expanded into the words the product sheets use (``NEED_WORDS``: "travel" → lounge,
  airport, foreign spending) — and each product sheet, as the seed does; a household's combined behaviour (the
  relative's own, then the client's at half weight) for a relative;
- **embedding similarity** (the products index, e5) between the behaviour text and the product, a second signal;
- **events**: money to place (idle current-account balances, large inflows: the placement the risk profile
  prefers), a deposit maturing soon (its renewal), dependants in the household (protection).

A product is recommended only with a reason naming the client's facts ("12 travel payments, VND 85 million in six
months, Vietnam Airlines") and the product sheet it rests on; "nothing to offer now, because …" when the rules block
everything or no product fits a fact.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from stores.db import Database
from tools.core.formatting import format_amount
from tools.core.text import fold
from tools.crm.api import CrmApi, Holdings, behaviour_of, holdings_of
from tools.knowledge.retrieval import IndexNotReady, search_documents
from tools.policy.eligibility import ClientStanding, evaluate, load_standings
from tools.products.catalog import ProductTerms, deposit_term, product_documents, with_document_rules
from tools.products.protection import (
    PROTECTION_CATEGORIES,
    TRADE,
    HealthSpend,
    household_behaviour,
    protection_events,
)
from tools.products.relevance import cosine, expansions, tfidf, tokens
from tools.products.suggestions import PLACEMENT_CATEGORIES

logger = logging.getLogger(__name__)

BEHAVIOUR_DAYS = 183
TOP_N = 3
#: Money in current accounts this large is idle money to place (DOC-POL-CONTACT's idle cash, VND 500 million).
IDLE_CASH_VND = 500_000_000
#: A deposit maturing within this many days is offered again (its renewal).
RENEWAL_DAYS = 30
#: Money in current accounts from this much is money a deposit or a fund could hold (lower weight than idle cash).
PLACE_FROM_VND = 100_000_000
#: A word shared with a sheet counts only when this rare across the sheets (IDF; "payment", the bank's name do not).
MIN_IDF = 2.0
#: A product needs at least this much relevance (or an event) to be recommended at all.
MIN_SCORE = 0.08
E5_WEIGHT = 0.5


@dataclass
class Offer:
    """One recommended product with why."""

    code: str
    name: str
    score: float
    reason: str
    #: The facts of the client (or relative) the reason names.
    facts: list[str]
    document_id: str | None
    whose: str


@dataclass
class Recommendation:
    """The top products for one person, the products excluded by the rules, and what blocks everything."""

    client_id: str
    offers: list[Offer]
    excluded: dict[str, str] = field(default_factory=dict)
    #: Why nothing is offered (an open complaint, every product ruled out, no fact pointing anywhere).
    blocked: str | None = None
    whose: str = "client"
    relation: str | None = None
    #: A relative who is another RM's client: the link is said, never their data.
    other_rms_relative: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id, "whose": self.whose, "relation": self.relation, "blocked": self.blocked,
            "other_rms_relative": self.other_rms_relative, "excluded": self.excluded,
            "offers": [offer.__dict__ for offer in self.offers],
        }  # fmt: skip


def _text(entry: Mapping[str, Any]) -> str:
    """What an entry says: a transaction's category, counterparty and descriptions; a note's clauses that state a
    need, not the ones that deny one ("không muốn vay", "not interested in cards")."""
    return _said(str(entry["direction"]), str(entry["category"]), str(entry.get("counterparty") or ""),
                 tuple(map(str, entry.get("descriptions", []))))  # fmt: skip


@functools.lru_cache(maxsize=65_536)
def _said(direction: str, category: str, counterparty: str, descriptions: tuple[str, ...]) -> str:
    if direction == "note":
        return " ".join(clause for clause in _CLAUSES.split(" . ".join(descriptions))
                        if not _NEGATED.search(fold(clause)))  # fmt: skip
    return " ".join([category, counterparty, *descriptions])


def behaviour_terms(entries: Sequence[Mapping[str, Any]], weight: float = 1.0) -> dict[str, float]:
    """The behaviour text as weighted terms: each entry's words and their expansions, log-weighted by count."""
    terms: dict[str, float] = {}
    for entry in entries:
        if entry["direction"] == "in" and entry["category"] not in ("salary", "business", "sales"):
            continue  # money in says little about needs, except income
        text = _text(entry)
        strength = weight * (1.0 + math.log1p(int(entry["count"])))
        for token in tokens(text) + [t for words in expansions(text) for t in words.split()]:
            terms[token] = terms.get(token, 0.0) + strength
    return terms


def _entry_fact(entry: Mapping[str, Any], language: str) -> str:
    if entry["direction"] == "note":
        day = dt.date.fromisoformat(str(entry["on"])).strftime("%d/%m")
        topic = str((entry.get("descriptions") or ["note"])[0])
        return f"ghi chú của RM {day}: {topic}" if language == "vi" else f"RM note {day}: {topic}"
    what = str(entry.get("counterparty") or entry["category"]).replace("_", " ")
    amount = format_amount(int(entry["total_vnd"]), language)
    if language == "vi":
        return f"{entry['count']} giao dịch {what} ({amount}) trong 6 tháng"
    return f"{entry['count']} {what} payment{'s' if entry['count'] != 1 else ''} ({amount}) in six months"


#: Spending that says nothing about a need a product answers (the bills every household pays, cash, own transfers).
ROUTINE = re.compile(r"utilit|bill|electric|water|internet|phone|atm|cash|withdraw|transfer|fee|tax|rent|family|"
                     r"allowance|loan_repayment|repayment|card_payment|pension|salary|payroll")  # fmt: skip
#: A one-off purchase under way (a deposit on a car or a flat, a contractor's quote): a strong sign of the need.
INTENT = re.compile(r"deposit|dat coc|coc|quote|bao gia|booking|down payment|tra truoc|auto|improvement")
INTENT_SUPPORT = 6.0
#: A note that says the client wants, plans or asked for something: a need in the client's own words.
NOTE_INTENT = re.compile(
    r"\b(?:wants?|wanted|wish\w*|plan\w*|looking for|interested|ask\w*|enquir\w*|inquir\w*|needs?|consider\w*|"
    r"intend\w*|muon|dinh|du dinh|ke hoach|quan tam|hoi|tim hieu|can (?:vay|von|them|tien|mua)|nhu cau|sap|"
    r"chuan bi|nho tu van|de nghi)\b"
)
#: Spending is weighed in these units: a few million at the supermarket is a habit, not a need to act on.
SPEND_UNIT_VND = 10_000_000
#: How much one note counts against a spending pattern (six payments of VND 50 million in all score about 3.5).
NOTE_STRENGTH = 4.0
#: A loan's sheet word the client's sign must share, this rare (in at most two sheets: "solar", "car", "renovation";
#: "business" alone does not tell a green loan from a working-capital one).
LOAN_PURPOSE_IDF = 3.0
#: How much lower each further offer of a category already in the top counts.
SAME_CATEGORY_PENALTY = 0.15
#: A current-account balance from this much is savings to start (a flexible savings account, not yet a deposit).
SAVE_FROM_VND = 30_000_000
_CLAUSES = re.compile(r"[.;!?\n]+|,\s*(?:but|nhung|tuy nhien)\b")
_NEGATED = re.compile(
    r"\b(?:not|no|never|don'?t|doesn'?t|won'?t|isn'?t|khong|chua|cha|ko|k|hong|dung|mien dung)\b\s+(?:\w+\s+){0,2}?"
    r"(?:want|need|interest|like|plan|intend|sell|offer|pitch|buy|muon|can|quan tam|thich|co nhu cau|ke hoach|"
    r"y dinh|du dinh|dinh|ban|chao|mua|tham gia|dau tu|co phieu)"
    r"|\b(?:co roi|da co san|already (?:has|have|holds?|covered))\b"  # "bảo hiểm anh có rồi": held, not a need
    r"|\b(?:khong (?:co|thuoc) (?:du an|ke hoach|nhu cau|y dinh|dien)|khong du dieu kien|not eligible|"
    r"(?:has|have) no (?:\w+ )?(?:project|plan|need))\b"  # "không có dự án điện mặt trời": the green loan is out
)
#: A business loan is for a business: money coming in from sales, or a note or an occupation that names one.
BUSINESS_INCOME = re.compile(r"business|sales|revenue|doanh thu|ban hang|merchant|\bpos\b|invoice|hoa don")
_BUSINESS_OWNER = re.compile(r"\b(?:my|his|her|their|own\w*|runs?)\s+(?:\w+\s+){0,2}"
                             r"(?:business|company|shop|store|factory|firm)\b|"
                             r"\bchu\s+(?:cua hang|doanh nghiep|xuong|cong ty|shop|nha hang|khach san)|"
                             r"\b(?:cong ty|doanh nghiep|xuong|cua hang)\s+(?:cua|minh|nha)\b")  # fmt: skip
_BUSINESS_PRODUCT = re.compile(r"\bbusiness\b|kinh doanh|doanh nghiep")
#: Between deposits an event makes relevant, the better rate first (a 24-month CD before a 3-month one).
RATE_WEIGHT = 0.01
#: Money in this large, other than pay, is money to place (DOC-POL-CONTACT: large incoming funds).
LARGE_INFLOW_VND = 500_000_000
_EARNED = re.compile(r"business|sales|revenue|income|receipt")
#: When the client needs the money: "cần rút được khi cần" (any day), "đóng khoảng T6/2026", "within 6 months".
_ANY_DAY = re.compile(r"\b(?:rut (?:ra )?duoc|khi can|bat (?:cu|ky) luc nao|any ?time|whenever|access|emergenc\w*|"
                      r"du phong|khan cap|linh hoat)")  # fmt: skip
_WITHIN = re.compile(r"\b(?:trong|within|in the next|next|sau|in)\s+(?P<n>\d{1,2})\s*(?:thang|months?)\b")
_BY_MONTH = re.compile(r"\b(?:t|thang|th)\s?(?P<month>\d{1,2})\s?/\s?(?P<year>20\d\d)\b")
#: A note that names the product counts like a purchase under way.
NAMED_SUPPORT = 6.0
#: How much a deposit locked past the day the money is needed counts against it, and a match counts for it.
HORIZON_WEIGHT = 0.3


def _entry_words(entry: Mapping[str, Any]) -> frozenset[str]:
    """The category's words and what the category, counterparty and descriptions mean in the sheets' words (a
    counterparty's own name is not a need)."""
    return _words(str(entry["direction"]), str(entry["category"]), _text(entry))


@functools.lru_cache(maxsize=65_536)
def _words(direction: str, category_name: str, text: str) -> frozenset[str]:
    entry = {"direction": direction, "category": category_name}
    if TRADE.search(str(entry["category"])):  # stock bought for a business speaks of the business, not of health
        return frozenset(t for w in expansions("business") for t in w.split())
    if entry["direction"] == "note":  # free text: only the needs it states in the sheets' words (its pay is context)
        return frozenset(t for w in expansions(text) if not w.startswith("salary") for t in w.split())
    category = str(entry["category"]).replace("_", " ")
    return frozenset(tokens(category)) | {t for w in expansions(text) for t in w.split()}


def _support(entry: Mapping[str, Any], vector: Mapping[str, float], idf: Mapping[str, float]) -> float:
    """How much one behaviour entry points to a sheet: its discriminative words the sheet holds (rare across the
    sheets: the bank's name or "payment" says nothing), weighted by how often and how much."""
    note = entry["direction"] == "note"
    if not note and (entry["direction"] != "out" or (ROUTINE.search(str(entry["category"])) and not _intent(entry))):
        return 0.0  # the bills, cash, own transfers say nothing; a transfer that pays a car's deposit does
    shared = [term for term in _entry_words(entry) if term in vector and idf.get(term, 0.0) >= MIN_IDF]
    if not shared:
        return 0.0
    if note:  # a note that speaks of six needs is weaker evidence for each than a note about one
        needs = max(1, len(expansions(_text(entry))))
        return NOTE_STRENGTH / math.sqrt(needs) * sum(vector[term] for term in shared)
    strength = math.log1p(int(entry["count"])) * math.log1p(int(entry["total_vnd"]) / SPEND_UNIT_VND)
    return strength * sum(vector[term] for term in shared)


def _supporting(entries: Sequence[Mapping[str, Any]], vector: Mapping[str, float], idf: Mapping[str, float]) -> list[
        tuple[float, Mapping[str, Any]]]:  # fmt: skip
    """(support, entry) of the entries that point to the sheet, strongest first."""
    found = [(support, entry) for entry in entries if (support := _support(entry, vector, idf)) > 0]
    return sorted(found, key=lambda item: -item[0])


def _events(
    c360: Any, standing: ClientStanding, today: dt.date, language: str, inflows: Sequence[Mapping[str, Any]] = ()
) -> dict[str, tuple[float, str]]:
    """Category or product code → (bonus, fact) for what is happening now: money to place, a maturity (the
    household's health and dependants are ``tools.products.protection``'s)."""
    found: dict[str, tuple[float, str]] = {}
    casa = int(c360.totals.get("casa_vnd") or 0)
    order = PLACEMENT_CATEGORIES.get(standing.risk_profile, PLACEMENT_CATEGORIES["conservative"])
    if casa >= PLACE_FROM_VND:
        fact = (f"{format_amount(casa, language)} trong tài khoản thanh toán" if language == "vi"
                else f"{format_amount(casa, language)} in current accounts")  # fmt: skip
        strength = 0.6 if casa >= IDLE_CASH_VND else 0.35
        for rank, category in enumerate(order):
            found[f"category:{category}"] = (strength - 0.15 * rank, fact)
    elif casa >= SAVE_FROM_VND:
        fact = (f"{format_amount(casa, language)} trong tài khoản thanh toán" if language == "vi"
                else f"{format_amount(casa, language)} in current accounts")  # fmt: skip
        found["category:savings"] = (0.2, fact)
    savings = sum(int(row.get("balance_vnd") or 0) for row in c360.holdings
                  if row.get("status") == "active" and row.get("kind") == "savings")  # fmt: skip
    if savings >= PLACE_FROM_VND:  # savings at the flexible rate a deposit or a fund would pay more on
        fact = (f"{format_amount(savings, language)} trong tài khoản tiết kiệm linh hoạt" if language == "vi"
                else f"{format_amount(savings, language)} in flexible savings")  # fmt: skip
        for rank, category in enumerate(c for c in order if c != "savings"):
            found.setdefault(f"category:{category}", (0.35 - 0.15 * rank, fact))
    for entry in inflows:
        if (
            entry["direction"] == "in"
            and int(entry["total_vnd"]) >= LARGE_INFLOW_VND
            and not ROUTINE.search(str(entry["category"]))
            and not _EARNED.search(str(entry["category"]))  # a business's takings are its working money
        ):
            what = str(entry["category"]).replace("_", " ")
            amount = format_amount(int(entry["total_vnd"]), language)
            fact = f"nhận {amount} ({what})" if language == "vi" else f"received {amount} ({what})"
            for rank, category in enumerate(order):
                found[f"category:{category}"] = (0.7 - 0.15 * rank, fact)
            break
    for holding in c360.holdings:
        maturity = holding.get("maturity_on")
        if holding.get("status") == "active" and holding.get("kind") == "cd" and maturity:
            days = (dt.date.fromisoformat(str(maturity)[:10]) - today).days
            if 0 <= days <= RENEWAL_DAYS:
                amount = format_amount(int(holding.get("balance_vnd") or 0), language)
                fact = (f"khoản tiền gửi {amount} đáo hạn sau {days} ngày" if language == "vi"
                        else f"a deposit of {amount} matures in {days} days")  # fmt: skip
                found[str(holding.get("product_code"))] = (0.7, fact)
                found.setdefault("category:cd", (0.6, fact))
    return found


def _purpose(entry: Mapping[str, Any], vector: Mapping[str, float], idf: Mapping[str, float]) -> bool:
    return any(term in vector and idf.get(term, 0.0) >= LOAN_PURPOSE_IDF for term in _entry_words(entry))


def _any_day(entries: Sequence[Mapping[str, Any]]) -> bool:
    """The notes say the client wants to reach (part of) the money any day: flexible savings, beside any deposit."""
    return any(entry["direction"] == "note" and _ANY_DAY.search(fold(_text(entry))) for entry in entries)


def _horizon(entries: Sequence[Mapping[str, Any]], today: dt.date) -> int | None:
    """In how many months the client needs the money, from the notes (None: they do not say)."""
    found: list[int] = []
    for entry in entries:
        if entry["direction"] != "note":
            continue
        text = fold(_text(entry))
        found += [int(match["n"]) for match in _WITHIN.finditer(text)]
        for match in _BY_MONTH.finditer(text):
            months = (int(match["year"]) - today.year) * 12 + int(match["month"]) - today.month
            if 0 <= months <= 36:
                found.append(months)
    return min(found) if found else None


def _names(entry: Mapping[str, Any], product: ProductTerms) -> bool:
    code, name = _name_patterns(product.code, product.name)
    text = _text(entry)
    return bool(code.search(text)) or bool(name is not None and name.search(fold(text)))


@functools.lru_cache(maxsize=1024)
def _name_patterns(code: str, name: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    return (re.compile(rf"\b{re.escape(code)}\b"),
            re.compile(rf"\b{re.escape(fold(name))}\b") if len(name) >= 6 else None)  # fmt: skip


def _intent(entry: Mapping[str, Any]) -> bool:
    if entry["direction"] == "note":
        return _says(NOTE_INTENT, _text(entry))
    return _says(INTENT, f"{entry['category']} {' '.join(entry.get('descriptions', []))}")


@functools.lru_cache(maxsize=65_536)
def _says(pattern: re.Pattern[str], text: str) -> bool:
    return bool(pattern.search(fold(text)))


def _e5_scores(text: str) -> dict[str, float]:
    if not text.strip():
        return {}
    try:
        hits = search_documents("product", text, k=30)
    except IndexNotReady:
        return {}
    return {hit.id: hit.score for hit in hits}


def _products(database: Database, crm: CrmApi) -> list[tuple[ProductTerms, dict[str, Any]]]:
    documents = product_documents(database)
    catalog = crm.products()
    names = [row["name"] for row in catalog]
    sheets = {doc["product_code"]: doc for doc in documents if doc["kind"] == "product" and doc["product_code"]}
    return [(with_document_rules(ProductTerms.from_row(row), documents, names), sheets.get(row["code"]) or {})
            for row in catalog]  # fmt: skip


@dataclass(frozen=True)
class Shelf:
    """The catalog as the scoring reads it: each product with its rules and sheet, the sheets' TF-IDF vectors.
    The same for every client of a batch: built once (``shelf``) and passed to ``recommend``."""

    products: list[tuple[ProductTerms, dict[str, Any]]]
    vectors: dict[str, dict[str, float]]
    idf: dict[str, float]


def shelf(database: Database, crm: CrmApi) -> Shelf:
    products = _products(database, crm)
    texts = {product.code: f"{product.name} {product.summary} {sheet.get('body', '')}" for product, sheet in products}
    vectors, idf = tfidf(texts)
    return Shelf(products, vectors, idf)


@dataclass(frozen=True)
class Known:
    """One client's data read in bulk for a batch (``prefetch``): the rules' standing, holdings, behaviour."""

    standing: ClientStanding
    holdings: Holdings
    entries: list[dict[str, Any]]


def prefetch(database: Database, client_ids: Sequence[str], *, today: dt.date) -> dict[str, Known]:
    """The data ``recommend`` reads, for many clients in a handful of queries (a campaign batch)."""
    standings = load_standings(database, client_ids, today=today)
    holdings = holdings_of(database, client_ids)
    behaviour = behaviour_of(database, client_ids, since=today - dt.timedelta(days=BEHAVIOUR_DAYS))
    return {client_id: Known(standings[client_id], holdings[client_id], behaviour.get(client_id, []))
            for client_id in client_ids if client_id in standings and client_id in holdings}  # fmt: skip


def recommend(
    database: Database, rm_id: str, client_id: str, *, today: dt.date, for_relation: str | None = None,
    language: str = "en", top_n: int = TOP_N, catalog: Shelf | None = None, e5: bool = True,
    known: Known | None = None, categories: Sequence[str] | None = None, with_buffer: bool = False,
) -> Recommendation:  # fmt: skip
    """The top products for the client (or their relative of ``for_relation``), with reasons; rules first.

    ``categories``: only products of these (a protection review: insurance, savings, deposits); ``with_buffer``:
    a thin buffer of liquid money is a reason to save (the protection review's)."""
    crm = CrmApi(database, rm_id)
    # another RM's client reads as unknown; a batch reads its clients in bulk beforehand (``known``)
    client = known.holdings if known is not None and not for_relation else crm.holdings_view(client_id)
    person_id, whose, relation = client_id, "client", None
    household_entries: Sequence[Mapping[str, Any]] = []
    if for_relation:
        relative = next((m for m in client.household if m.get("relation") == for_relation), None)
        if relative is None:
            return Recommendation(client_id, [], blocked=f"no {for_relation} of this client banks with us",
                                  whose="relative", relation=for_relation)  # fmt: skip
        if relative.get("managed_by_another_rm"):
            return Recommendation(client_id, [], blocked="the relative banks with us with another RM",
                                  whose="relative", relation=for_relation, other_rms_relative=True)  # fmt: skip
        person_id, whose, relation = str(relative["client_id"]), "relative", for_relation
        household_entries = crm.behaviour(client_id, since=today - dt.timedelta(days=BEHAVIOUR_DAYS))
        client = crm.holdings_view(person_id)
    if known is not None and not for_relation:
        standing, entries = known.standing, known.entries
    else:
        standing = load_standings(database, [person_id], today=today)[person_id]
        entries = crm.behaviour(person_id, since=today - dt.timedelta(days=BEHAVIOUR_DAYS))
    catalog = catalog or shelf(database, crm)
    products = catalog.products
    excluded: dict[str, str] = {}
    eligible: list[tuple[ProductTerms, dict[str, Any]]] = []
    for product, sheet in products:
        if categories is not None and product.category not in categories:
            continue
        failure = next((result for result in evaluate(product, standing) if not result.passed), None)
        if failure is None:
            eligible.append((product, sheet))
        else:
            excluded[product.code] = failure.reason
    if standing.open_complaints:
        reason = next(iter(excluded.values()), "an open complaint")
        return Recommendation(person_id, [], excluded, blocked=reason, whose=whose, relation=relation)
    if not eligible:
        return Recommendation(person_id, [], excluded, blocked="every product is ruled out by the bank's rules",
                              whose=whose, relation=relation)  # fmt: skip
    query = behaviour_terms(entries)
    for term, value in behaviour_terms(household_entries, weight=0.5).items():
        query[term] = query.get(term, 0.0) + value
    vectors, idf = catalog.vectors, catalog.idf
    similar = _e5_scores(" ".join(sorted(query, key=lambda term: -query[term])[:40])) if e5 else {}
    events = _events(client, standing, today, language, entries)
    since = today - dt.timedelta(days=BEHAVIOUR_DAYS)
    relatives = {} if known is not None else household_behaviour(crm, client, since=since)
    horizon, reachable = _horizon(entries, today), _any_day(entries)
    cover, *_ = protection_events(client, entries, relatives, language, days=BEHAVIOUR_DAYS, with_buffer=with_buffer)
    events.update(cover)
    runs_business = any(
        (
            entry["direction"] == "in"
            and BUSINESS_INCOME.search(fold(f"{entry['category']} {entry.get('counterparty') or ''}"))
        )
        or (entry["direction"] == "note" and _BUSINESS_OWNER.search(fold(_text(entry))))
        for entry in entries
    )
    offers: list[Offer] = []
    for product, sheet in eligible:
        vector = vectors.get(product.code, {})
        relevance = cosine(query, vector, idf) if query else 0.0
        event = events.get(product.code) or events.get(f"category:{product.category}")
        own = _supporting(entries, vector, idf)
        household = _supporting(household_entries, vector, idf) if household_entries else []
        facts = [_entry_fact(entry, language) for _, entry in own[:2]]
        if not own and household:
            label = "household" if language == "en" else "gia đình"
            facts += [f"{label}: {_entry_fact(entry, language)}" for _, entry in household[:1]]
        if event:
            facts.append(event[1])
        if not facts:
            continue  # no fact of the client points to it: never recommended on the sheet alone
        support = sum(value for value, _ in own) + 0.5 * sum(value for value, _ in household)
        named = [entry for entry in entries if entry["direction"] == "note" and _names(entry, product)]
        if named:  # the RM's note names the product ("Next: hồ sơ hạn mức BIZ_LOAN", "hỏi về Green Biz")
            support += NAMED_SUPPORT
            own = [(NAMED_SUPPORT, entry) for entry in named] + [item for item in own if item[1] not in named]
        buying = any(_intent(entry) for _, entry in own)
        if buying:
            support += INTENT_SUPPORT  # a deposit paid, a quote, "wants to borrow for a car": the client is buying now
        if product.category == "loan" and not any(
            _intent(entry) and _purpose(entry, vector, idf) for _, entry in [*own, *household]
        ):
            continue  # credit is offered on a sign the client wants it for what it is for, never on spending alone
        if _BUSINESS_PRODUCT.search(fold(f"{product.name} {product.summary}")) and not runs_business:
            continue  # a business loan needs a business: sales coming in, or the notes name one
        score = (0.1 * support + 0.3 * relevance + (event[0] if event else 0.0)
                 + E5_WEIGHT * max(0.0, similar.get(product.code, 0.0) - 0.8))  # fmt: skip
        if event and product.category in ("cd", "savings"):
            score += RATE_WEIGHT * (product.rate_pct or 0.0)  # money to place earns the best rate it may have
            if horizon is not None:  # …unless it is needed before a deposit would pay it back
                tenor = deposit_term(product.name, product.code) if product.category == "cd" else 0
                if tenor is not None:
                    score += HORIZON_WEIGHT * (-1.0 if tenor > max(horizon, 3) else 0.5)
            if product.category == "savings" and reachable:
                score += HORIZON_WEIGHT * 0.5
        if score < MIN_SCORE:
            continue
        document_id = sheet.get("id")
        reason = _reason(product, facts, document_id, language, whose, relation)
        offers.append(Offer(product.code, product.name, round(score, 4), reason, facts, document_id, whose))
    result = Recommendation(person_id, _diverse(offers, {p.code: p.category for p, _ in eligible}, top_n), excluded,
                            whose=whose, relation=relation)  # fmt: skip
    if not result.offers:
        result.blocked = "no fact of the client points to a product they may be offered"
    return result


@dataclass
class ProtectionReview:
    """The protection picture of one person (health spending of their household, dependants, cover, buffer) and
    the insurance and savings suggestions that follow from it."""

    client_id: str
    health: list[HealthSpend]
    dependants: list[str]
    insured: list[str]
    buffer_months: float | None
    recommendation: Recommendation

    def as_json(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "health": [asdict(spend) for spend in self.health],
                "dependants": self.dependants, "insured": self.insured, "buffer_months": self.buffer_months,
                "recommendation": self.recommendation.as_json()}  # fmt: skip


def protection_review(
    database: Database, rm_id: str, client_id: str, *, today: dt.date, for_relation: str | None = None,
    language: str = "en",
) -> ProtectionReview:  # fmt: skip
    """Healthcare and protection (seed 002 §3) for the client or their relative: what the household spends on care,
    who depends on them, the cover and buffer held, and the insurance and savings to suggest, rules first."""
    found = recommend(database, rm_id, client_id, today=today, for_relation=for_relation, language=language,
                      categories=PROTECTION_CATEGORIES, with_buffer=True)  # fmt: skip
    if found.other_rms_relative or (for_relation and found.whose != "relative"):
        return ProtectionReview(found.client_id, [], [], [], None, found)
    crm = CrmApi(database, rm_id)
    holdings = crm.holdings_view(found.client_id)
    since = today - dt.timedelta(days=BEHAVIOUR_DAYS)
    _, health, dependants, insured, months = protection_events(
        holdings, crm.behaviour(found.client_id, since=since), household_behaviour(crm, holdings, since=since),
        language, days=BEHAVIOUR_DAYS, with_buffer=True,
    )  # fmt: skip
    return ProtectionReview(found.client_id, health, dependants, insured, months, found)


def _diverse(offers: Sequence[Offer], categories: Mapping[str, str], top_n: int) -> list[Offer]:
    """The best ``top_n``, each next one of a category already chosen counted ``SAME_CATEGORY_PENALTY`` lower:
    three CDs of different terms are one offer said three times."""
    left = sorted(offers, key=lambda offer: (-offer.score, offer.code))
    chosen: list[Offer] = []
    while left and len(chosen) < top_n:

        def effective(offer: Offer) -> float:
            same = sum(categories[other.code] == categories[offer.code] for other in chosen)
            return offer.score - SAME_CATEGORY_PENALTY * same

        best = max(left, key=lambda offer: (effective(offer), -left.index(offer)))
        chosen.append(best)
        left.remove(best)
    return chosen


def _reason(product: ProductTerms, facts: Sequence[str], document_id: str | None, language: str, whose: str,
            relation: str | None) -> str:  # fmt: skip
    who = {"en": {"client": "the client's", "relative": f"the client's {relation}'s"},
           "vi": {"client": "khách hàng", "relative": f"người thân ({relation}) của khách hàng"}}[
        "vi" if language == "vi" else "en"][whose]  # fmt: skip
    sheet = f" ({document_id})" if document_id else ""
    if language == "vi":
        return f"{product.name}{sheet}, theo dữ liệu của {who}: " + "; ".join(facts) + "."
    return f"{product.name}{sheet}, from {who} facts: " + "; ".join(facts) + "."
