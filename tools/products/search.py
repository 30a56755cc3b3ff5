"""Conversational product search: a need described in words → the bank's products that fit it, best first, with why.

The need is read three ways and the product sheets answer each: TF-IDF between the need (its words, shorthand
spelled out, the bridge words of ``tools.products.relevance``) and each sheet; the products index's e5 similarity;
a product named outright. What the need rules out is applied as the bank's own rules read from its documents
(``tools.products.catalog.with_document_rules``): a risk profile ("conservative", "than trong") keeps only the
products suitable for it — a conservative client asking for returns gets a deposit, never an investment; an
amount ("from 10 million", "50tr") drops products whose minimum it does not reach; an age drops products outside
their age band; "no annual fee" lowers products that charge one. A follow-up on the same thread ("cheaper?",
"không phí thường niên?") refines the previous need.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stores.db import Database
from tools.core.language import detect_language
from tools.core.parsing import find_amounts
from tools.core.text import fold
from tools.knowledge.qa import Catalog, load_catalog, named_products, read_question
from tools.knowledge.retrieval import IndexNotReady, search_documents
from tools.products.catalog import active_products, deposit_term, product_documents, with_document_rules
from tools.products.need_model import shipped_model
from tools.products.relevance import cosine, expansions, tfidf, tokens

logger = logging.getLogger(__name__)

TOP_N = 3
E5_WEIGHT = 1.5
#: How much the learned need reader's probability counts (``tools.products.need_model``).
NEED_WEIGHT = 0.6
NAMED_BONUS = 0.5
#: A product scoring less than this share of the best one is not listed.
KEEP_SHARE = 0.4
#: How much a need read in one clause of a long request adds beyond the whole request's reading of it.
CLAUSE_SHARE = 0.7

_RISK = {
    "conservative": re.compile(
        r"\b(conservative|low risk|no risk|safe|an toan|than trong|khong rui ro|it rui ro|"
        r"bao toan|khong muon mat)\b"
    ),
    "balanced": re.compile(r"\b(balanced|moderate|can bang|trung binh)\b"),
    "growth": re.compile(r"\b(growth|aggressive|high risk|tang truong|mao hiem|chap nhan rui ro|equit\w*|stocks?)\b"),
}
_NO_FEE = re.compile(r"\b(no (?:annual )?fees?|without (?:a |an )?(?:annual )?fee|free|khong (?:mat )?phi|mien phi|"
                     r"0 (?:dong )?phi)\b")  # fmt: skip
_ANNUAL_FEE = re.compile(r"annual fee|phi thuong nien|\d[\d.,]* ?(?:dong|vnd)?/?(?: a)? ?(?:month|thang)")
_AGE = re.compile(r"\b(?:aged?|tuoi)\s*(\d{2})\b|\b(\d{2})\s*(?:yo|years? old|tuoi|-year-old)\b|\b(\d{2})t\b")
#: Vietnamese number words before a duration ("ba tháng nữa", "hai năm").
_VI_NUMBERS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "sau": 6, "chin": 9, "muoi": 10, "muoi hai": 12}
#: How long the money is put away ("for two years", "trong 6 tháng", "1 năm"), in months.
_DURATION = re.compile(r"\b(\d{1,2}|one|two|three|six|twelve|mot|hai|ba|bon|sau|chin|muoi hai|muoi)\s*-?\s*"
                       r"(?:full |whole )?(months?|thang|years?|nam)\b")  # fmt: skip
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "six": 6, "twelve": 12, **_VI_NUMBERS}
#: "a Platinum client", "khách Gold": the client's segment, not the product that shares its name.
_SEGMENT = re.compile(r"\b(?:(?P<before>diamond|platinum|gold|standard)(?=\s+(?:-?\s*segment|client|customer|couple|"
                      r"khach|kh|member|family|hang)\b)|(?:khach|kh|hang|segment|phan khuc)\s"
                      r"(?P<after>diamond|platinum|gold|standard))\b"
                      r"|\[\s*(?:kh\s+)?(?P<lead>diamond|platinum|gold|standard)\b")  # fmt: skip
#: The client will not borrow: no credit card, no loan ("không muốn xài trước trả sau", "refuses to borrow").
_NO_CREDIT = re.compile(r"\b(?:(?:khong|ko|k|hong|hok|chua) (?:muon |thich |dam )?(?:vay|no nan|no\b|xai truoc tra sau|"
                        r"tieu truoc tra sau|mac no)|so (?:no|vay|mac no)|ghet no|no debt|no cc\b|no credit|"
                        r"not? (?:wish|want) to borrow|"
                        r"(?:refuses?|unwilling|reluctant) to borrow|never borrow|without borrowing|hate\w* debt|"
                        r"afraid of debt|borrow money under no|does not wish to borrow)")  # fmt: skip
#: Vietnamese number words before a duration ("ba tháng nữa", "hai năm").
#: A clause-final particle of Southern speech ("rút được bất cứ lúc nào nha,"): not "nhà", a house.
_PARTICLE = re.compile(r"\b(?:nha|nhe|ne|ha)\b(?=\s*(?:[,.!?;:)]|$))")
#: Talk of a deposit or its rate: "chương trình Tết lãi 6%" asks for the Tet deposit, "nhập hàng Tết" does not.
_DEPOSIT_TALK = re.compile(r"\b(?:gui|deposit|lai suat|lai|promo\w*|khuyen mai|chuong trinh|program\w*|per ?cent|%)")
#: Income stated as a figure ("lương 25 mil", "salary of 40 million"): context, not a need for a salary account.
_INCOME_STATED = re.compile(r"\b(?:luong|salary|income|thu nhap|earns?)\s+(?:\w+\s+){0,3}?(?:\d|mot|hai|ba|bon|nam|sau|"
                            r"bay|tam|chin|muoi|twenty|thirty|forty|fifty)")  # fmt: skip
#: A risk profile named as such (the three profiles' own names), as opposed to a wish that suggests one.
_PROFILE_NAMED = {
    "conservative": re.compile(r"\b(?:conservative|than trong)\b"),
    "balanced": re.compile(r"\b(?:balanced|can bang)\b"),
    "growth": re.compile(
        r"\b(?:growth(?! (?:fund|stocks?|portfolio))|tang truong)\b"
        r"(?=[^.]*\b(?:profile|khau vi|\]|,))"
    ),
}
#: Money to place, where a profile's preferred kind of product counts: a return, savings, a deposit.
_PLACING = re.compile(
    r"\b(?:lai|interest|returns?|sav\w*|tiet kiem|gui|deposit|sinh loi|yield|invest\w*|dau tu|"
    r"place|idle|nhan roi)\b"
)
#: A wish for the market: shares, funds, investing.
_WANTS_MARKET = re.compile(r"\b(?:equit\w*|stocks?|shares|co phieu|chung khoan|invest\w*|dau tu|funds?|quy)\b")
#: Where a request lists a second need: "+", ";", "(2)", "separately", "also", "ngoài ra", "thêm nữa", "còn …".
_NEED_BREAK = re.compile(r"\s\+\s|;|\n|\(\d\)|\b\d\)\s|\bseparately\b|\balso\b|\bplus\b|\bas well\b|"
                         r"\b(?:ngoài ra|ngoai ra|thêm nữa|them nua|bên cạnh đó|ben canh do|với cả|voi ca|còn|"
                         r"con lai)\b",
                         re.IGNORECASE)  # fmt: skip
_CREDIT = re.compile(r"credit|loan|vay|tin dung")
_CLAUSE_NEGATION = re.compile(
    r"\b(?:not?|never|without|don'?t|doesn'?t|won'?t|refuses?|hates?|vetoed|khong|ko|k|"
    r"hong|hok|chua|dung|cha|chang)\b"
)
_CLAUSE = re.compile(
    r"[.,;:!?\n]+\s*|\s\+\s|\s-\s|\b(?:and|also|plus|then|with|và|va|với|voi|rồi|roi|còn|con|mà|ma|"
    r"ngoài ra|ngoai ra|thêm|them)\b",
    re.IGNORECASE,
)
_CHEAPER = re.compile(r"\b(cheaper|lower fee|less fee|re hon|phi thap|it phi|khong phi|mien phi|no fee)\b")


@dataclass
class Found:
    code: str
    name: str
    score: float
    why: str
    document_id: str | None


@dataclass
class SearchResult:
    query: str
    language: str
    products: list[Found]
    #: What the need ruled out and why (risk profile, amount, age).
    applied: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"query": self.query, "language": self.language, "applied": self.applied,
                "products": [found.__dict__ for found in self.products]}  # fmt: skip


def _risk_of(folded: str) -> str | None:
    """The client's risk profile: named outright ("conservative", "[Gold, balanced]") before read from what they want
    ("stocks" is a wish, not a profile: a conservative client who asks for stocks stays conservative)."""
    named = {risk for risk, pattern in _PROFILE_NAMED.items() if pattern.search(folded)}
    if len(named) == 1:
        return named.pop()
    found = [risk for risk, pattern in _RISK.items() if pattern.search(folded)]
    return found[0] if len(found) == 1 else None


def _months_of(folded: str) -> list[int]:
    months = []
    for number, unit in _DURATION.findall(folded):
        value = _WORD_NUMBERS.get(number) or int(number)
        if unit.startswith("nam") and number in _VI_NUMBERS and value > 3:
            continue  # "sáu năm" in business runs reads as years; a deposit of "bốn năm" is no product here
        months.append(value * 12 if unit.startswith(("year", "nam")) else value)
    return months


def _age_of(folded: str) -> int | None:
    match = _AGE.search(folded)
    return int(match.group(1) or match.group(2) or match.group(3)) if match else None


def _longest_term_within(products: Sequence[Any], durations: Sequence[int], amounts: Sequence[int],
                         segment: str | None) -> int | None:  # fmt: skip
    """The longest deposit term no longer than the time the money can wait, among the terms the client may open
    (their amount reaches the minimum, their segment is targeted): "50 mil for a year" is a 6-month deposit."""
    if not durations:
        return None
    allowed = [
        tenor for product in products
        if product.category == "cd" and (tenor := deposit_term(product.name)) is not None and tenor <= max(durations)
        and not (amounts and product.min_amount_vnd and max(amounts) < product.min_amount_vnd)
        and not (segment and product.target_segments and segment.title() not in product.target_segments)
    ]  # fmt: skip
    return max(allowed) if allowed else None


def _read_needs(model: Any, need: str) -> dict[str, float]:
    """The learned reading of the whole request and of each need it lists ("buying a flat + cover for the husband",
    "(1) … (2) …", "separately: …"), the most likely per product: a second need keeps its own weight instead of a
    share of the first's. A long request read clause by clause adds what one clause asks for that the whole hides
    ("ảnh lấy chiếc xe mới 2 tỷ, …, với … cái thẻ quẹt bên đó"): a share of it, so the whole still leads; a clause
    that rules something out ("no insurance add-ons", "hổng mất phí") says no need of its own."""
    parts = [part for part in _NEED_BREAK.split(need) if len(part.split()) >= 3]
    clauses = [part for part in _CLAUSE.split(need) if part and len(part.split()) >= 3]
    clauses = [part for part in clauses if not _CLAUSE_NEGATION.search(fold(part))] if len(clauses) > 1 else []
    listed = parts if len(parts) > 1 else []
    readings = model.read_many([need, *listed, *clauses])
    whole, by_clause = readings[: 1 + len(listed)], readings[1 + len(listed) :]
    merged = {code: max(reading.get(code, 0.0) for reading in whole) for code in whole[0]}
    for code, value in merged.items():
        best_clause = max((reading.get(code, 0.0) for reading in by_clause), default=0.0)
        merged[code] = value + CLAUSE_SHARE * max(0.0, best_clause - value)
    return merged


def _named_outright(code: str, catalog: Catalog, folded: str) -> bool:
    """A need names a product by its code or its whole name (English or the sheet's Vietnamese), not by one word of
    it: "working day" is no working-capital loan, "Bách Hóa Xanh" no green loan."""
    if code.casefold() in folded.replace(" ", "_"):
        return True
    name, _, _, document_id = catalog.products.get(code, ("", False, "", None))
    sheet = catalog.sheets.get(document_id) if document_id else None
    title = sheet.title if sheet is not None else ""
    forms = [fold(name), *(fold(part.split("—")[0]) for part in title.split("/")[1:])]
    return any(len(form.split()) >= 2 and re.search(rf"\b{re.escape(form.strip())}\b", folded) for form in forms)


def _why(sheet: dict[str, Any], query_terms: set[str], language: str) -> str:
    """The sheet's line that shares most with the need (its summary when none does)."""
    body = str(sheet.get("body") or "")
    english, _, vietnamese = body.partition("\n---\n")
    part = vietnamese if language == "vi" and vietnamese.strip() else english
    lines = [re.sub(r"^\s*[-*#]+\s*", "", line).strip() for line in part.splitlines()]
    lines = [line for line in lines if line and not line.lower().startswith(("category", "phân khúc", "target"))]
    scored = sorted(lines[1:], key=lambda line: -len(set(tokens(line)) & query_terms))
    best = scored[0] if scored and set(tokens(scored[0])) & query_terms else (lines[1] if len(lines) > 1 else "")
    return best


def search_products(
    database: Database, query: str, *, previous: Sequence[str] = (), top_n: int = TOP_N, use_model: bool = True
) -> SearchResult:
    """The products that fit the need in ``query`` (refining ``previous`` needs of the same thread), best first."""
    query = " ".join(str(query or "").split())
    if not query:
        raise ValueError("describe the need to search for")
    need = " ".join([*previous, query])
    language = detect_language(query)
    folded = read_question(need)
    documents = product_documents(database)
    catalog = load_catalog(database)
    sheets = {doc["product_code"]: doc for doc in documents if doc["kind"] == "product" and doc["product_code"]}
    active = active_products(database)
    names = [product.name for product in active]
    products = [with_document_rules(product, documents, names) for product in active]
    terms: dict[str, float] = {}
    needs_text = _INCOME_STATED.sub(" ", folded)  # "lương 25 mil" is what the client earns, not a need for an account
    for token in tokens(folded) + [t for words in expansions(needs_text) for t in words.split()]:
        terms[token] = terms.get(token, 0.0) + 1.0
    texts = {p.code: f"{p.name} {sheets.get(p.code, {}).get('body', '')}" for p in products}
    vectors, idf = tfidf(texts)
    try:
        e5 = {hit.id: hit.score for hit in search_documents("product", need, k=len(products) or 1)}
    except IndexNotReady:
        e5 = {}
    model = shipped_model() if use_model else None
    learned = _read_needs(model, need) if model is not None else {}
    segment = next((m["before"] or m["after"] or m["lead"] for m in _SEGMENT.finditer(fold(need))), None)
    named_in = _SEGMENT.sub(" ", fold(need))  # "a Platinum client" names no Platinum card (its client word goes too)
    named_in = _PARTICLE.sub(" ", named_in)
    mentioned = named_products(catalog, named_in)[0]
    named = {code for code in mentioned if _named_outright(code, catalog, named_in)}
    # a product that is no longer sold, asked for by name ("chương trình Tết"): its nearest active kin stands in
    deposit_talk = bool(_DEPOSIT_TALK.search(named_in))
    retired = [code for code in mentioned
               if deposit_talk and code in catalog.products and not catalog.products[code][1]]  # fmt: skip
    for code in retired:
        name, _, category, _ = catalog.products[code]
        tenor = deposit_term(name)
        kin = [p for p in active if p.category == category and deposit_term(p.name) is not None]
        if tenor is not None and kin:
            named.add(min(kin, key=lambda p: abs((deposit_term(p.name) or 0) - (tenor or 0))).code)
    no_credit = bool(_NO_CREDIT.search(folded))
    applied: list[str] = []
    risk = _risk_of(folded)
    amounts = [span.value_vnd for span in find_amounts(need)]
    age = _age_of(folded) or _age_of(fold(need))  # "68t" is an age before the shorthand reads it as money
    wants_no_fee = bool(_NO_FEE.search(folded) or _CHEAPER.search(fold(query)))
    durations = [months for months in _months_of(folded) if months not in (age or -1,)]
    found: list[Found] = []
    longest_within = _longest_term_within(products, durations, amounts, segment)
    if durations and learned:  # the request says how long: the terms' own rules choose among deposits, the learned
        deposits = [p.code for p in products if p.category == "cd"]  # reading only says "a deposit"
        pooled = sum(learned.get(code, 0.0) for code in deposits) / max(1, len(deposits))
        learned = {**learned, **{code: pooled for code in deposits}}
    for product in products:
        if risk and product.risk_profiles and risk not in product.risk_profiles:
            applied.append(f"{product.code}: not for a {risk} profile")
            continue
        if risk == "conservative" and product.category == "investment":
            applied.append(f"{product.code}: an investment is not offered to a conservative client")
            continue
        if segment and product.target_segments and segment.title() not in product.target_segments:
            applied.append(f"{product.code}: for {', '.join(product.target_segments)} clients")
            continue
        if no_credit and product.category in ("card", "loan") and _CREDIT.search(fold(product.name)):
            applied.append(f"{product.code}: credit, which the client does not want")
            continue
        minimum = product.min_amount_vnd
        if amounts and minimum and product.category in ("cd", "savings", "investment") and max(amounts) < minimum:
            applied.append(f"{product.code}: from {minimum:,} VND")
            continue
        too_young = age is not None and product.age_min is not None and age < product.age_min
        if too_young or (age is not None and product.age_max is not None and age > product.age_max):
            applied.append(f"{product.code}: ages {product.age_min}–{product.age_max}")
            continue
        score = cosine(terms, vectors.get(product.code, {}), idf)
        score += E5_WEIGHT * max(0.0, e5.get(product.code, 0.0) - 0.8)
        score += NEED_WEIGHT * learned.get(product.code, 0.0)
        if product.code in named:
            score += NAMED_BONUS
        if (risk, product.category) in (("growth", "investment"), ("conservative", "cd")) and _PLACING.search(folded):
            score += 0.1  # money to place: the kind the profile prefers
        if risk == "conservative" and product.category == "cd" and _WANTS_MARKET.search(folded):
            score += 0.3  # a conservative client asking for shares is offered a deposit instead (the suitability rule)
        tenor = deposit_term(product.name)
        if tenor is not None and durations:
            score += 0.3 if tenor in durations else (-0.1 if all(tenor > months for months in durations) else 0.0)
            if tenor == longest_within:  # the longest term the rules allow that the money can wait for
                score += 0.15
        if wants_no_fee and _ANNUAL_FEE.search(fold(texts[product.code])):
            score -= 0.1
        found.append(Found(product.code, product.name, round(score, 4), "", sheets.get(product.code, {}).get("id")))
    found.sort(key=lambda item: (-item.score, item.code))
    if found:
        best = found[0].score
        found = [item for item in found if item.score >= KEEP_SHARE * best and item.score > 0][:top_n]
    for item in found:
        item.why = _why(sheets.get(item.code, {}), set(terms), language)
    return SearchResult(query, language, found, applied)
