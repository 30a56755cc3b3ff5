"""The product catalog's terms: what a product is, who it is for, and which product a request names.

Who a product is for is written in two places: the catalog row (minimum amount, target segments) and the
bank's documents — the product sheet and the internal policies ("not suitable for conservative investors",
"chỉ dành cho khách hàng Diamond", "tối thiểu 500 triệu"). ``with_document_rules`` reads the second into the
same terms, each rule with the document it came from, so an exclusion can cite it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from stores.db import Database
from stores.schema import SEGMENTS, Document, Product
from tools.core.parsing import age_band, find_amounts
from tools.core.text import fold, fold_words


@dataclass(frozen=True)
class ProductTerms:
    code: str
    name: str
    category: str
    min_amount_vnd: int | None = None
    target_segments: tuple[str, ...] = ()
    summary: str = ""
    #: Risk profiles the product suits (empty: the bank's default rule for its category).
    risk_profiles: tuple[str, ...] = ()
    #: (rule, document id) of each rule read from the bank's documents.
    sources: tuple[tuple[str, str], ...] = ()
    #: The documents say conservative clients may be offered it (a bond fund some banks allow them).
    allows_conservative: bool = False
    #: The documents allow offering it again to a client whose own one matures soon (a renewal is no repeat).
    renewal_ok: bool = False
    #: The ages the documents allow it for ("từ đủ 55 tuổi", "under 70 years old"): None where they say nothing.
    age_min: int | None = None
    age_max: int | None = None
    rate_pct: float | None = None
    #: The monthly income the sheet asks ("Monthly income from VND 8 million"), and the segments it waives it for
    #: ("…, or Diamond and Platinum clients").
    min_income_vnd: int | None = None
    income_waived_for: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ProductTerms:
        segments = tuple(part.strip() for part in str(row.get("target_segments") or "").split(",") if part.strip())
        minimum = row.get("min_amount_vnd")
        return cls(
            code=str(row["code"]),
            name=str(row["name"]),
            category=str(row["category"]),
            min_amount_vnd=int(minimum) if minimum is not None else None,
            target_segments=segments,
            summary=str(row.get("summary") or ""),
            rate_pct=float(row["rate_pct"]) if row.get("rate_pct") is not None else None,
        )


def _products(database: Database) -> list[ProductTerms]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(
                Product.code,
                Product.name,
                Product.category,
                Product.min_amount_vnd,
                Product.target_segments,
                Product.summary,
            )
            .where(Product.active.is_(True))
            .order_by(Product.code)
        ).all()
        return [
            ProductTerms.from_row(
                {
                    "code": row.code,
                    "name": row.name,
                    "category": row.category,
                    "min_amount_vnd": row.min_amount_vnd,
                    "target_segments": row.target_segments,
                    "summary": row.summary,
                }
            )
            for row in rows
        ]


def active_products(database: Database) -> list[ProductTerms]:
    """The active catalog, as the rules read it (minimums, target segments)."""
    return _products(database)


def load_product(database: Database, code: str) -> ProductTerms | None:
    """The active product ``code`` (case-insensitive), or None."""
    wanted = code.strip().upper()
    return next((product for product in _products(database) if product.code.upper() == wanted), None)


def _words(text: str) -> str:
    return " ".join(fold_words(text))


#: Words every product name shares ("Thẻ tín dụng …", "… Loan"): a name is recognised by its other words.
_GENERIC_NAME_WORDS = frozenset(
    """the tin dung tai khoan thanh toan vay von quy goi bao hiem card cards credit debit loan loans fund funds
    package account accounts chung chi tien gui tiet kiem san pham product products cua ngan hang bank a an of for
    and va cho doanh nghiep kinh ca nhan khach hang uu dai ky han thang nam current saving savings deposit deposits
    term fixed time flexible month months year years casa cd cds td fd""".split()  # noqa: SIM905
)


#: The words of a term ("6 tháng", "12 months"): a number with them names no product on its own.
_TERM_WORDS = frozenset("thang nam ngay tuan month months year years day days week weeks m t".split())  # noqa: SIM905


#: What a term follows when it names a deposit ("CCTG 6 tháng", "FD 12 months", "sổ TK 6 tháng").
_TERM_HEADS = frozenset("cctg cd cds fd td tk stk tgckh so deposit deposits gui kiem han".split())  # noqa: SIM905


def _distinctive(word: str) -> bool:
    return word not in _GENERIC_NAME_WORDS and (len(word) >= 3 or word.isdigit())


def _name_forms(product: ProductTerms) -> list[list[str]]:
    """The ways a request may write a product's name: the whole name, each part around " - " or in brackets, the
    code's words."""
    forms = [fold_words(product.name), fold_words(product.code.replace("_", " "))]
    for part in re.split(r"\s+[-–—/]\s+|[()]", product.name):
        words = fold_words(part)
        if words and words not in forms:
            forms.append(words)
    return [form for form in forms if form]


def short_names(name: str) -> list[str]:
    """The ways a request writes a product's name, folded, longest first: the whole name and each part, and each
    without its generic head ("Thẻ tín dụng Travel Miles" → "travel miles"), when two or more words remain."""
    forms: list[str] = []
    for part in [name, *re.split(r"\s+[-–—/]\s+|[()]", name)]:
        words = fold_words(part)
        while words and not _distinctive(words[0]):
            if " ".join(words) not in forms and len(words) >= 2:
                forms.append(" ".join(words))
            words = words[1:]
        if len(words) >= 2 or (words and len(words) == len(fold_words(part))):
            forms.append(" ".join(words))
    return sorted({form for form in forms if form}, key=len, reverse=True)


def _named_words(form: list[str], words: list[str]) -> int:
    """How many words of a name form the text writes in a row, counting only runs that hold a distinctive word
    ("Travel Miles" of "Thẻ tín dụng Travel Miles"); 0 when none."""
    best = 0
    for start in range(len(form)):
        for end in range(len(form), start, -1):
            run = form[start:end]
            if len(run) <= best or not any(_distinctive(word) for word in run):
                continue
            if len(run) == 1 and (len(run[0]) < 4 or run[0].isdigit()):
                continue
            term_only = all(word.isdigit() or word in _TERM_WORDS for word in run)
            for i in range(len(words) - len(run) + 1):
                # "6 tháng qua" is a window of time; "CCTG 6 tháng" is the "Chứng chỉ tiền gửi 6 tháng"
                if words[i : i + len(run)] == run and (not term_only or (i > 0 and words[i - 1] in _TERM_HEADS)):
                    best = len(run)
                    break
    return best if best >= 2 or best == len(form) else 0  # one common word ("Priority") names no product


def find_product(database: Database, text: str) -> ProductTerms | None:
    """The active product the text names, by its whole name, a part of it ("the Travel Miles", "Vay Xanh") or its
    code; the one whose name the text writes most of wins."""
    words = fold_words(text)
    best: tuple[int, int, ProductTerms] | None = None
    for product in _products(database):
        named = max((_named_words(form, words) for form in _name_forms(product)), default=0)
        if named and (best is None or (named, len(product.name)) > best[:2]):
            best = (named, len(product.name), product)
    return best[2] if best else None


#: Categories where "for balanced and growth investors" is a restriction, not a description.
CAPITAL_AT_RISK = frozenset({"investment", "insurance"})
_RISK_WORDS = {
    "conservative": r"conservative|than trong|bao thu|low risk|rui ro thap|an toan",
    "balanced": r"balanced|moderate|can bang|trung binh|vua phai",
    "growth": r"growth|aggressive|tang truong|mao hiem|chap nhan rui ro cao|high risk|rui ro cao|tich cuc",
}
_CATEGORY_TEXT = {
    "investment": r"invest\w*|funds?|quy|dau tu|equit\w*|bonds?|trai phieu|co phieu|stocks?|chung chi quy",
    "insurance": r"insurance|bao hiem|bancassurance",
    "card": r"cards?|credit(?: and \w+)? (?:products?|facilit\w*)|the (?:tin dung|ghi no|visa|master\w*|du lich)|"
    r"the(?=\s*(?:$|[^\w\s]|(?:nao|gi|cua|ben|voi|nay|do)\b))",  # thẻ, never the English "the"
    "loan": r"loans?|credit(?: and \w+)? (?:products?|facilit\w*)|vay|tin dung",
    "cd": r"certificates? of deposit|\bcds?\b|term deposits?|tien gui co ky han|ky han",
    "savings": r"savings?|tiet kiem",
    "casa": r"current accounts?|casa|tai khoan thanh toan",
}
#: A minimum age stated for a kind of product ("at least 18 for credit and investment products", "từ 18 tuổi với
#: sản phẩm tín dụng"): it bounds those products, where "khách từ 70 tuổi chỉ được chào…" bounds the others.
_MIN_AGE_FOR = re.compile(r"(?:at least|minimum age(?: of)?|aged|tu du|tu|toi thieu)\s+(?P<age>\d{2})\s*"
                          r"(?:tuoi|years?(?: old)?)?\s*(?:for|voi|doi voi|cho)\b")  # fmt: skip
#: A monthly income the product asks: "Monthly income from VND 15 million", "thu nhập từ 8 triệu/tháng".
_INCOME = re.compile(r"(?:monthly |net )?income (?:of |from |at least |above |over |>=? ?)|thu nhap(?: hang thang)? "
                     r"(?:tu|toi thieu|tren|it nhat|>=?)")  # fmt: skip
#: "debt service at most 50% of monthly income" is a share, not an income asked.
_SHARE = re.compile(r"\d+ ?%")
_PRODUCT_RISK = re.compile(r"^\W{0,3}(?:risk\W{0,3})?(?:products?|funds?|san pham|quy|investments?|co phieu|equit)")
_DENY = re.compile(
    r"\bnot\b|\bnever\b|must not|may not|cannot|can.?t|\bno\b|unsuitable|prohibit\w*|forbid\w*|exclud\w*|"
    r"\bkhong\b|\bko\b|\bcam\b|chua duoc|loai tru|han che"
)
_ONLY = re.compile(r"\bonly\b|exclusively|restricted to|\bchi\b|duy nhat|danh rieng")
_SUITS = re.compile(
    r"suit\w*|eligib\w*|designed for|intended for|\bfor\b|phu hop|danh cho|ap dung cho|"
    r"offer\w* to|chao|ban cho|gioi thieu"
)
_MINIMUM = re.compile(r"minimum|\bmin\b|at least|from|starting|toi thieu|it nhat|\btu\b|tro len|khoi diem")


def _mentions(pattern: str, text: str) -> bool:
    return re.search(rf"(?<![\w])(?:{pattern})(?![\w])", text) is not None


_PRODUCT_BEFORE = re.compile(r"(?:products?|san pham|quy|funds?|dau tu|investments?)\W+(?:\w+\W+){0,1}$")


def _client_risks(sentence: str) -> set[str]:
    """The risk profiles a sentence says of clients: "(growth) products" and "sản phẩm đầu tư tăng trưởng" are a
    product's class, not a client's."""
    found: set[str] = set()
    for risk, words in _RISK_WORDS.items():
        for match in re.finditer(rf"(?<![\w])(?:{words})(?![\w])", sentence):
            after, before = sentence[match.end() :], sentence[max(0, match.start() - 30) : match.start()]
            if not _PRODUCT_RISK.match(after) and not _PRODUCT_BEFORE.search(before):
                found.add(risk)
    return found


_EVERY_RISK = re.compile(
    r"(?:every|all|any) (?:client )?risk (?:profiles?|appetites?|levels?)|moi (?:khau vi|muc (?:do )?rui ro)|"
    r"tat ca (?:cac )?khau vi|khong gioi han khau vi"
)
_SUBJECT = re.compile(r"^\W*(?P<subject>[^:|]{2,60}?)\s*[:|]\s*(?P<rest>.+)$")
_CLAUSE = re.compile(r"[^;,]+")
#: "A CD maturing within 30 days may be rolled over": holding it is no bar then.
_RENEWAL = re.compile(r"roll(?:ed)? ?over|rollover|tai tuc|renew\w*|gia han")
_MATURING = re.compile(r"matur\w*|dao han|het han")
_LINE = re.compile(r"[^.\n!?]+")
#: A line about a child's age ("quỹ học vấn cho con từ 0-15 tuổi", "đáo hạn khi con 18 tuổi") bounds no client's.
_CHILD = re.compile(r"\bcon (?:tu|duoi|cua|da|khi|\d)|\b(?:cho|co|khi) con\b|tre em|child\w*|\bkids?\b|con cai")


#: "không quá 65 tuổi", "no more than 60": a bound in words with a "not" inside, not a "not" that turns it round.
_BOUND_WORDS = re.compile(r"khong (?:qua|duoi|tren|vuot)|no (?:more|older|younger) than|not (?:more|over|under|older)")
#: "Được chào cho khách từ 70 tuổi trở lên", "may also be offered to clients aged 70+": a permission, no limit.
_PERMITS = re.compile(
    r"\bduoc (?:chao|ban|tu van|gioi thieu)\b|may (?:also )?be offered|can (?:also )?be offered|"
    r"also (?:available|offered|open)|van (?:duoc|co the)"
)
_AGE_WORD = re.compile(r"\btuoi\b|\bages?\b|\baged\b|years? old|\byo\b")


def _age_rule(line: str, *, denied_only: bool = False) -> tuple[int | None, int | None]:
    """The client ages a document line allows: "khách từ đủ 55 tuổi", or one it forbids, turned round ("không
    chào cho khách từ 70 tuổi trở lên" allows up to 69; "khách dưới 55 tuổi không được tham gia" from 55)."""
    if _CHILD.search(line):
        return None, None
    low: int | None = None
    high: int | None = None
    for clause in _CLAUSE.findall(line):  # a "không" in another clause ("không yêu cầu AUM") turns nothing round
        if not _AGE_WORD.search(clause):
            continue  # "loan term up to 25 years" is no age
        if _PERMITS.search(clause):
            continue  # "được chào cho khách từ 70 tuổi" allows the over-70s, it bars no one younger
        youngest, oldest, _words = age_band(clause)
        if _DENY.search(_BOUND_WORDS.sub(" ", clause)) and (youngest is None) != (oldest is None):
            youngest, oldest = (oldest + 1, None) if oldest is not None else (None, (youngest or 1) - 1)
        elif denied_only:
            continue
        low = youngest if youngest is not None and (low is None or youngest > low) else low
        high = oldest if oldest is not None and (high is None or oldest < high) else high
    return low, high


def _blanked(text: str, names: Iterable[str]) -> str:
    """``text`` with the catalog's names blanked out: "Quỹ Cổ phiếu Tăng Trưởng" names a fund, not a growth client."""
    pattern = _names_pattern(tuple(names))
    return pattern.sub(lambda m: " " * len(m.group(0)), text) if pattern is not None else text


@functools.lru_cache(maxsize=256)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """The catalog's names as one pattern, longest first (read once per catalog, not once per line and name)."""
    if not names:
        return None
    ordered = sorted(names, key=len, reverse=True)
    return re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(name) for name in ordered)})(?![\w])")


#: ``with_document_rules`` answers by product, documents and catalog: the same request reads the same sheets.
_RULES_READ: dict[tuple[Any, ...], ProductTerms] = {}
_RULES_READ_MAX = 1024


def with_document_rules(
    product: ProductTerms, documents: Iterable[Mapping[str, Any]], catalog_names: Iterable[str] = ()
) -> ProductTerms:
    """``product`` with the rules its sheet and the policies state (see ``_read_document_rules``), read once for the
    same documents: a bank's sheets change rarely and every next best action reads them all."""
    documents = list(documents)
    names = tuple(catalog_names)
    key = (product, tuple((d.get("id"), d.get("kind"), d.get("product_code"), hash(str(d.get("body"))))
                          for d in documents), names)  # fmt: skip
    found = _RULES_READ.get(key)
    if found is None:
        if len(_RULES_READ) >= _RULES_READ_MAX:
            _RULES_READ.clear()
        found = _RULES_READ[key] = _read_document_rules(product, documents, names)
    return found


def _read_document_rules(
    product: ProductTerms, documents: Iterable[Mapping[str, Any]], catalog_names: Iterable[str] = ()
) -> ProductTerms:
    """``product`` with the suitability, minimum and target segments its sheet and the policies state.

    A line counts when it is in the product's own sheet or names the product or its category (and no other
    product of the catalog); a table row or list line that starts with a risk profile ("Conservative: only
    deposits; not Premier Invest") applies each of its clauses to that profile. The catalog row wins where it
    already says (the minimum, the segments)."""
    name = fold(product.name)
    names = sorted({fold(other) for other in [*catalog_names, product.name] if len(fold(other)) >= 4}, key=len,
                   reverse=True)  # fmt: skip
    others = [other for other in names if other != name]
    allowed: set[str] = set()
    denied: set[str] = set()
    permitted: set[str] = set()
    renewal = False
    age_min, age_max = product.age_min, product.age_max
    minimum = product.min_amount_vnd
    min_income, waived = product.min_income_vnd, list(product.income_waived_for)
    segments = list(product.target_segments)
    sources: list[tuple[str, str]] = []
    category_words = _CATEGORY_TEXT.get(product.category, r"(?!x)x")

    def about(text: str, own: bool) -> bool:
        named_here = name in text
        if not own and not named_here and any(other in text for other in others):
            return False  # a rule about another product of the catalog
        return own or named_here or _mentions(category_words, _blanked(text, others))

    for document in documents:
        own = document.get("product_code") == product.code
        if document.get("product_code") and not own:
            continue  # another product's sheet speaks of that product
        document_id = str(document.get("id"))
        for raw in _LINE.findall(str(document.get("body") or "")):
            line = fold(raw)
            row = _SUBJECT.match(line)
            subject_risks = _client_risks(_blanked(row["subject"], names)) if row else set()
            if row is not None and subject_risks:  # "balanced | the above plus the Bond Fund | not Premier Invest"
                for clause in _CLAUSE.findall(row["rest"]):
                    if not about(clause, own):
                        continue
                    if _DENY.search(_blanked(clause, names)):
                        denied |= subject_risks  # only a "not" restricts: "may be offered" lists are not complete
                    elif name in clause:
                        permitted |= subject_risks  # named for that profile: allowed even where the category is not
                    sources.append(("suitability", document_id))
            elif about(line, own) and _EVERY_RISK.search(line) and not _DENY.search(_blanked(line, names)):
                allowed |= set(_RISK_WORDS)  # "suitable for every risk profile, including conservative"
                permitted.add("conservative")
                sources.append(("suitability", document_id))
            elif about(line, own):
                risks = _client_risks(_blanked(line, names))
                if risks and product.category not in ("casa", "loan"):
                    clauses = [clause for clause in _CLAUSE.findall(line) if about(clause, own)] or [line]
                    # a "not" restricts the risks when it speaks of a risk or of this product: "(casa + tiết kiệm
                    # không kỳ hạn)" in a sheet's line is no "not" for its "balanced or growth" clause
                    if any(_DENY.search(blanked := _blanked(clause, names))
                           and (_client_risks(blanked) or name in clause or (not own and about(clause, False)))
                           for clause in clauses):  # fmt: skip
                        denied |= risks  # "chỉ được tư vấn quỹ trái phiếu, không tư vấn Premier Invest"
                    elif _ONLY.search(line) or (own and _SUITS.search(line)):
                        allowed |= risks
                    sources.append(("suitability", document_id))
            # A policy bounds the ages for a product it names, or for its kind in so many words ("không chào sản
            # phẩm đầu tư cho khách từ 70 tuổi"); "clients aged 70 or over need a second meeting" bars no one.
            # "Khách từ 70 tuổi chỉ được chào tiết kiệm, CD…" restricts the other products for the over-70s, it sets
            # no minimum age for savings: from a policy that does not name the product, only a "not" bounds ages.
            minimum_for = None if _ONLY.search(line) else _MIN_AGE_FOR.search(line)  # "at least 18 for credit"
            if minimum_for is not None:  # the kinds it names before a bracket: "(15 for current accounts)" is not
                named_for = re.split(r"[(;.]", line[minimum_for.end() :], maxsplit=1)[0]
                if name not in named_for and not _mentions(category_words, _blanked(named_for, others)):
                    minimum_for = None
            ruled = own or (about(line, own) and (name in line or bool(minimum_for) or bool(_DENY.search(line))))
            bound = _age_rule(line, denied_only=not own and name not in line) if ruled else (None, None)
            if ruled and bound == (None, None) and minimum_for is not None:
                bound = (int(minimum_for["age"]), None)
            if bound != (None, None):
                youngest, oldest = bound  # the strictest of what the sheet and the policies say
                age_min = youngest if age_min is None or (youngest or 0) > age_min else age_min
                age_max = oldest if age_max is None or (oldest is not None and oldest < age_max) else age_max
                sources.append(("age", document_id))
            if _RENEWAL.search(line) and _MATURING.search(line) and not _DENY.search(line):
                renewal = True
            if own and min_income is None and _INCOME.search(line) and not _SHARE.search(line):
                amounts = [amount for amount in find_amounts(raw) if amount.value_vnd >= 1_000_000]
                if amounts:
                    min_income = int(amounts[0].value_vnd)
                    waived = [segment for segment in SEGMENTS if _mentions(segment.lower(), line)]
                    sources.append(("income", document_id))
            if own and not minimum and _MINIMUM.search(line):
                amounts = find_amounts(raw)
                if amounts:
                    minimum = int(amounts[0].value_vnd)
                    sources.append(("min_amount", document_id))
            named = [segment for segment in SEGMENTS if _mentions(segment.lower(), line)]
            if own and named and not product.target_segments and (_ONLY.search(line) or _SUITS.search(line)):
                segments += [segment for segment in named if segment not in segments]
                sources.append(("target_segment", document_id))
    every = set(_RISK_WORDS)
    if product.category not in CAPITAL_AT_RISK:
        allowed = set()  # "suits conservative savers" describes a deposit; only a "not for" restricts it
    suits = (allowed or every) - denied
    risk_profiles = tuple(risk for risk in _RISK_WORDS if risk in suits) if suits != every else ()
    return replace(product, risk_profiles=risk_profiles, min_amount_vnd=minimum, target_segments=tuple(segments),
                   sources=tuple(dict.fromkeys(sources)),
                   allows_conservative="conservative" in permitted - denied,
                   renewal_ok=renewal and product.category in ("cd", "savings"),
                   age_min=age_min, age_max=age_max, min_income_vnd=min_income,
                   income_waived_for=tuple(waived))  # fmt: skip


_TERM = re.compile(r"(?P<n>\d{1,2})\s*-?\s*(?:months?|thang)\b|_(?P<code>\d{1,2})m\b")


def deposit_term(name: str, code: str = "") -> int | None:
    """A deposit's term in months, from its name ("12-month Certificate of Deposit") or its code ("CD_6M")."""
    match = _TERM.search(fold(name)) or _TERM.search(code.lower())
    return int(match["n"] or match["code"]) if match else None


def product_documents(database: Database) -> list[dict[str, Any]]:
    """The bank's product sheets and policies (id, kind, product code, body): what ``with_document_rules`` reads."""
    with database.engine.connect() as connection:
        rows = connection.execute(select(Document.id, Document.kind, Document.product_code, Document.body))
        return [{"id": row.id, "kind": row.kind, "product_code": row.product_code, "body": row.body} for row in rows]


def product_names(database: Database) -> dict[str, str]:
    """Code → name of every active product (the words a request may name one by)."""
    return {product.code: product.name for product in _products(database)}
