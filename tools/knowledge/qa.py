"""Product & policy Q&A: answers copied from the bank's documents, cited by document id, or "not in our documents".

Why extractive: an RM who relays one invented rate to a client breaks a rule of the bank (DOC-POL-COMMS: rates
only with their conditions) and stops trusting the co-pilot. So the answer is the documents' own lines, in the
question's language; a comparison is a table whose cells are lines of each sheet; an optional model may rewrite
the lines as prose, and its prose is used only when every figure in it is in the cited lines.

How a question is read (no model):
1. **Products named**, by exact lookup: each product's name and its parts in English and Vietnamese (the sheet's
   title), its code, a deposit's term ("the 6m CD", "cd 12 thang"), a distinctive word or its first letters
   ("green loan", "plat card"); "the standard one" in a comparison is the product the named one's own sheet
   compares itself with. Without a name, the products index (FAISS) finds the sheets.
2. **Policies** from the policies index (FAISS) and the words they share with the question.
3. **Aspects** asked (rate, fee, eligibility, minimum, term, limit, early repayment, features, risk) pick the lines.
4. **Answerable?** The words the question asks about that are not the product's name, an aspect or small talk
   must be in the chosen documents (a fee for cash advances when the sheet's fees do not say it, an 18-month CD
   when the bank has 3, 6, 12 and 24); market prices, exchange rates and past performance are never in them.
   Otherwise the answer is "not in our documents", naming what is missing — never a figure from a neighbour.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage
from sqlalchemy import select

from prompts import load_prompt
from stores.db import Database
from stores.schema import Document, Product
from tools.core.language import detect_language
from tools.core.learning import read_jsonl
from tools.core.llm.models import text_call
from tools.core.text import fold, fold_words
from tools.knowledge.retrieval import DocumentHit, IndexNotReady, search_documents

logger = logging.getLogger(__name__)

Status = Literal["answered", "not_in_documents"]

#: The aspects a question may ask about, each with the folded words that ask for it and that mark a line about it.
ASPECTS: dict[str, tuple[str, ...]] = {
    "rate": ("rate", "rates", "interest", "lai", "lai suat", "p a", "nam", "apr", "yield", "percent", "%"),
    "fee": ("fee", "fees", "charge", "charges", "cost", "costs", "phi", "penalty", "penalties", "waive", "waived",
            "mien", "free"),
    "eligibility": ("eligib", "eligibility", "eligible", "qualify", "who can", "condition", "conditions", "dieu kien",
                    "dk", "requirement", "requirements", "income", "thu nhap", "age", "aged", "tuoi", "segment",
                    "segments", "phan khuc", "yeu cau", "can gi", "duoc khong", "ai duoc"),
    "minimum": ("min", "minimum", "toi thieu", "at least", "it nhat", "from", "tu", "opening amount", "so tien mo"),
    "term": ("term", "terms", "tenor", "tenors", "ky han", "thoi han", "how long", "bao lau", "longest", "nam",
             "years", "months", "thang", "days", "working days", "within", "trong vong", "ngay lam viec", "period"),
    "limit": ("max", "maximum", "toi da", "limit", "han muc", "up to", "cover", "covers",
              "finance", "finances", "financing", "tai tro", "sum assured", "borrow"),
    "early": ("early", "truoc han", "break", "breaks", "withdraw", "withdrawal", "rut", "redeem", "redemption",
              "prepay", "prepayment", "repay"),
    "features": ("feature", "features", "benefit", "benefits", "loi ich", "dac diem", "uu dai", "perks", "lounge",
                 "cash back", "cashback", "hoan tien", "insurance"),
    "risk": ("risk", "rui ro", "suitable", "suitability", "phu hop", "disclaimer", "conservative", "than trong"),
}  # fmt: skip
#: The headings a product sheet files its lines under, per aspect (English and Vietnamese, folded).
_SECTION_ASPECTS: dict[str, str] = {
    "rates": "rate", "lai suat": "rate", "fees": "fee", "phi": "fee", "eligibility": "eligibility",
    "dieu kien": "eligibility", "key features": "features", "dac diem noi bat": "features",
    "risk disclosure": "risk", "cong bo rui ro": "risk",
}  # fmt: skip
#: What the bank's documents never hold: market prices, exchange rates, past or projected performance.
_NEVER_IN_DOCUMENTS = re.compile(
    r"\b(gold price|gia vang|vang sjc|sjc|exchange rate|ty gia|usd ?/? ?vnd|fx rate|forex|vn ?index|stock price|"
    r"share price|gia co phieu|nav|unit price|gia chung chi quy|(?:today'?s?|current|currently) base rate|"
    r"lai suat co so (?:hien (?:tai|nay)|hom nay|bay gio|la bao nhieu|bao nhieu)|"
    r"base rate (?:now|today|currently|right now|is (?:it|now))|lai suat co so hien)\b"
)
#: A foreign currency: a question about one is answered only if a document names one.
_CURRENCY = re.compile(r"\b(usd|eur|euro|jpy|yen|aud|gbp|sgd|cny|ngoai te|do la|dollars?|foreign currency)\b")
#: Past or projected performance: never in the documents, when it is what the question asks (not the story).
_PERFORMANCE = re.compile(r"\b(returns?|returned|performance(?! fees?)|performed|loi nhuan|sinh loi|yield)\b")
_PAST = re.compile(r"\b(last year|nam ngoai|nam truoc|nam qua|in 20\d\d|nam 20\d\d|past|historical|lich su|did|made)\b")
#: Words that carry no subject: question words, small talk, who is asking, the bank itself (folded).
_SMALL_WORDS = frozenset(
    """a an the of for to in on at by with and or but is are was be been do does did can could would should will
    what whats which who whom how when where why much many any some there this that these those it its my our
    your his her their we you i me us they he she him them please pls thanks thank hi hello ok okay also just
    about tell know need needs want wants wanted asking asks ask asked client clients customer customers khach
    hang kh bank bank's an khang ngan our product products san pham goi we offer offers have has get gets
    give gives still now currently atm right if then than as vs versus compare compared comparison difference
    differ between both each other same standard normal regular one ones like more less better cheaper
    la gi nao gi co khong ko k hok hong ha a ah nhe nha vay em anh chi minh toi ban cho cua voi va hay hoac
    duoc dc the thi ma nhu nay do kia nhung cac moi mot hai ba bon sau muoi tram nghin trieu ty dong vnd
    bao nhieu bn sao gium giup xin hoi cho hoi biet muon can dang se da roi ne di nhi vs so sanh khac nhau
    khac giua ve theo tai tren duoi hien nay hien tai bay gio hom nay really exactly approximately around ve
    again still please quick quickly urgent asap right yes no not cua minh minh ben mình thi sao the nao nhu
    the nao gi vay ah oi a e c ak ạ day dau neu phai sap may khi roi con bi trong ngoai nhieu it lam rat qua
    nen nghi nhe thoi luon van cung deu chua biet phai lam sao gap nhanh ngay giup voi minh oi hoi xem
    already before after during while since until whether meanwhile anything something everything extra
    else put let make made go going goes into onto thing things way ways okay sure maybe perhaps wat wut hw abt
    given two three wrong right chiu luu loai cai tinh nho lay vo ve cung luc lan kieu duoc khong nua them
    rang cau viec lam dang hoi gi giu tra loi tuan thang nay sap toi truoc nao vua moi chenh lech nhau khac
    sanh structure detail details chi tiet cu the gioi thieu tu van ky check kiem tra process xu ly giong som
    stay stays each moi loai
    """.split()  # noqa: SIM905
)
#: Comparison words ("vs", "so sánh", "khác gì").
_COMPARE = re.compile(
    r"\b(vs|versus|compare\w*|comparison|difference|differ\w*|so sanh|khac (?:gi|nhau|nhu the nao)|"
    r"chenh(?: lech| nhau)?|so voi|hay hon|better|cheaper|which is|which one|"
    r"which (?:has|is|gives|pays)|nao (?:thap|cao|re|tot|loi) hon|cai nao|goi nao|loai nao)\b"
)
#: A deposit's term as requests write it: "6m", "12 months", "6 tháng", "24th".
_TERM = re.compile(r"\b(\d{1,2})\s*-?\s*(m|mo|mos|month|months|th|thang|t)\b")
_DEPOSIT_WORDS = re.compile(r"\b(cd|cds|deposit|deposits|tien gui|tiet kiem|ky han|cctg|td|fd|so tiet kiem|gui)\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
#: Shorthand RMs type, read as the words the documents use (folded; Zalo shorthand and English abbreviations).
_SHORTHAND = {
    "mgmt": "management", "mgt": "management", "msg": "message", "min": "minimum", "max": "maximum",
    "yo": "years old", "yrs": "years", "yr": "year", "kd": "kinh doanh", "bn": "bao nhieu", "bnhieu": "bao nhieu",
    "bnh": "bao nhieu", "dk": "dieu kien", "tk": "tai khoan", "kh": "khach hang", "ls": "lai suat",
    "tg": "tien gui", "reno": "renovation", "biz": "business", "acct": "account",
    "acc": "account", "req": "requirement", "reqs": "requirements", "elig": "eligibility", "amt": "amount",
    "cc": "credit card", "tttd": "the tin dung", "tdung": "tin dung", "ck": "chuyen khoan", "sme": "business",
    "pa": "p a", "vs.": "vs", "xuat": "suat", "ntn": "nhu the nao", "ticket": "amount", "unpaid": "not paid",
}  # fmt: skip
#: Everyday names of products' distinctive words, in the other language ("thẻ bạch kim" is the Platinum card).
_NICKNAMES: tuple[tuple[str, str], ...] = (
    ("bach kim", "platinum"),
    ("hoan tien", "cashback"),
    ("linh hoat", "flexible"),
    ("vay xanh", "green biz"),
    ("goi xanh", "green biz"),
    ("o to", "car"),
    ("oto", "car"),
    ("sua nha", "renovation"),
    ("sua chua nha", "renovation"),
    ("mua nha", "home"),
    ("trai phieu", "bond"),
    ("nhan tho", "life protect"),
)
_AGO = re.compile(r"\s*(?:ago|before|earlier|truoc|qua|nay|roi)\b")
_SHORT_TERM = re.compile(r"\b(\d{1,2})(m|t|th)\b")
#: "6 vs 12 month", "3 và 6 tháng": the first number shares the second's unit.
_PAIRED_TERMS = re.compile(
    r"\b(\d{1,2})\s*(?:vs|va|and|or|hay|hoac|,|/|-)\s*(\d{1,2})\s*-?\s*(month|months|thang|m|t|th)\b"
)


def read_question(question: str) -> str:
    """The question folded, with shorthand spelled out ("mgmt" → "management", "12t" → "12 thang")."""
    folded = fold(question)
    folded = _PAIRED_TERMS.sub(lambda m: f"{m.group(1)} {m.group(3)} vs {m.group(2)} {m.group(3)}", folded)
    folded = _SHORT_TERM.sub(lambda m: f"{m.group(1)} {'month' if m.group(2) == 'm' else 'thang'}", folded)
    folded = _AGE.sub(lambda m: f"aged {m.group(1)}", folded)
    for nickname, name in _NICKNAMES:
        folded = re.sub(rf"\b{nickname}\b", f"{nickname} {name}", folded)
    folded = re.sub(r"\b(?:xe hoi|xe o to|mua xe)\b", "mua oto", folded)
    words = re.findall(r"[\w%]+|[^\w\s]", folded)
    return " ".join(_SHORTHAND.get(word, word) for word in words)


#: An age as questions write it ("72 yo", "66 tuổi", "a 70-year-old").
_AGE = re.compile(r"\b(\d{2})\s*-?\s*(?:yo|y/o|years? old|year-old|tuoi)\b")
#: How similar a product or policy must be to the question for retrieval alone to cite it (e5 cosine).
PRODUCT_SIMILARITY = 0.83
#: How many rare words (summed IDF) a policy must share with the question to be cited: alone, or beside a product.
POLICY_ALONE = 3.0
POLICY_WITH_PRODUCT = 5.0
MAX_LINES_PER_DOCUMENT = 5
#: An asking part longer than this is a story told in one breath.
MAX_ASKING_WORDS = 30


@dataclass(frozen=True)
class Sheet:
    """One document, split into its language sections and lines."""

    id: str
    kind: str
    product_code: str | None
    title: str
    #: (language, section heading folded, line) for every non-empty line that is not a heading.
    lines: tuple[tuple[str, str, str], ...]

    def text(self) -> str:
        return "\n".join(line for _, _, line in self.lines)


@dataclass(frozen=True)
class Catalog:
    """The bank's documents and products, as the Q&A reads them."""

    sheets: dict[str, Sheet]
    #: product code → (name, active, category, the sheet's id or None)
    products: dict[str, tuple[str, bool, str, str | None]]

    def sheet_of(self, code: str) -> Sheet | None:
        document_id = self.products.get(code, ("", False, "", None))[3]
        return self.sheets.get(document_id) if document_id else None


@dataclass
class QaAnswer:
    """The answer and what it rests on."""

    status: Status
    language: str
    text: str
    sources: list[str]
    products: list[str] = field(default_factory=list)
    aspects: list[str] = field(default_factory=list)
    #: The words the question asks about that no cited document covers (named in a "not in our documents").
    missing: list[str] = field(default_factory=list)
    #: A comparison's rows: [aspect, value of product 1, value of product 2, ...]; the head row first.
    table: list[list[str]] | None = None
    engine: Literal["documents", "model"] = "documents"

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "language": self.language, "answer": self.text, "sources": self.sources,
                "products": self.products, "aspects": self.aspects, "missing": self.missing, "table": self.table,
                "engine": self.engine}  # fmt: skip


# ----- the documents ---------------------------------------------------------------------------------------------


_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
_VI_MARKS = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)


def _line_language(line: str, current: str) -> str:
    marks = len(_VI_MARKS.findall(line))
    if marks >= 2:
        return "vi"
    return "en" if marks == 0 and re.search(r"[a-zA-Z]{3}", line) else current


def split_sheet(document_id: str, kind: str, product_code: str | None, title: str, body: str) -> Sheet:
    """A document's paragraphs and list items (wrapped lines joined) with their language and section; a ``---``
    rule or a Vietnamese heading starts the Vietnamese part of a bilingual sheet."""
    items: list[tuple[str, str]] = []  # (section, text) before languages are read
    languages: list[str] = []
    language, section, open_item = "en", "", False
    for raw in body.splitlines():
        text = raw.strip()
        if not text:
            open_item = False
            continue
        if re.fullmatch(r"-{3,}|\*{3,}|_{3,}", text):
            language, open_item = "vi", False
            continue
        heading = _HEADING.match(text)
        if heading:
            section, open_item = fold(heading.group(1)), False
            if "tieng viet" in section or _VI_MARKS.search(heading.group(1)):
                language = "vi"
            elif language == "vi" and section in _SECTION_ASPECTS:
                language = "en"
            continue
        bullet = re.match(r"^\s*(?:[-*•]|\d+[.)])\s+", raw)
        if open_item and not bullet and not text.startswith("|"):
            items[-1] = (items[-1][0], f"{items[-1][1]} {text}")  # a wrapped line continues its item
            continue
        items.append((section, text[bullet.end() - (len(raw) - len(raw.lstrip())) :] if bullet else text))
        languages.append(language)
        open_item = True
    lines = tuple((_line_language(text, lang), sect, text) for (sect, text), lang in zip(items, languages, strict=True))
    return Sheet(document_id, kind, product_code, title, lines)


def load_catalog(database: Database) -> Catalog:
    """Every document and product of the bank (inactive products too: "can I still open the Tet deposit?")."""
    with database.engine.connect() as connection:
        documents = connection.execute(
            select(Document.id, Document.kind, Document.product_code, Document.title, Document.body).order_by(
                Document.id
            )
        ).all()
        products = connection.execute(
            select(Product.code, Product.name, Product.active, Product.category).order_by(Product.code)
        ).all()
    sheets = {
        row.id: split_sheet(row.id, row.kind, row.product_code, row.title or "", row.body or "") for row in documents
    }
    by_code = {row.product_code: row.id for row in documents if row.kind == "product" and row.product_code}
    return Catalog(
        sheets=sheets,
        products={row.code: (row.name, bool(row.active), row.category, by_code.get(row.code)) for row in products},
    )


# ----- which products the question names ------------------------------------------------------------------------

_GENERIC = frozenset(
    """the a an of for and tai khoan thanh toan vay von the tin dung ngan hang san pham goi account accounts card
    cards credit loan loans fund funds deposit deposits product products certificate certificates month months
    year years thang nam ky han tien gui tiet kiem bao hiem quy sheet product sheet an khang bank kinh doanh
    business biz mua current standard everyday regular normal thuong lai suat""".split()  # noqa: SIM905
)


def _name_words(catalog: Catalog, code: str) -> list[list[str]]:
    """The folded ways a product is named: its name, its sheet's title parts (English and Vietnamese), its code."""
    name = catalog.products[code][0]
    sheet = catalog.sheet_of(code)
    parts = [name, code.replace("_", " ")]
    if sheet is not None:
        parts += [part for part in re.split(r"\s+[—–/-]\s+|/", sheet.title) if "product sheet" not in fold(part)]
    forms: list[list[str]] = []
    for part in parts:
        words = [word for word in fold_words(re.sub(r"\(.*?\)", " ", part)) if word]
        if words and words not in forms:
            forms.append(words)
        merged = _merged_short(words)  # "ô tô" is also written "oto"
        if merged != words and merged not in forms:
            forms.append(merged)
    return forms


def _merged_short(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if out and len(word) <= 2 and len(out[-1]) <= 2:
            out[-1] += word
        else:
            out.append(word)
    return out


def _distinct(word: str) -> bool:
    return word not in _GENERIC and len(word) >= 3 and not word.isdigit()


def _term_months(catalog: Catalog, code: str) -> int | None:
    name = fold(catalog.products[code][0])
    found = re.search(r"(\d{1,2})\s*-?\s*(?:month|thang)", name)
    return int(found.group(1)) if found and catalog.products[code][2] in ("cd", "savings", "deposit") else None


def _phrase_in(form: Sequence[str], words: Sequence[str]) -> bool:
    n = len(form)
    return any(list(words[i : i + n]) == list(form) for i in range(len(words) - n + 1))


def named_products(catalog: Catalog, question: str) -> tuple[list[str], list[str]]:
    """(the products the question names, best first; the deposit terms it asks for that the bank does not offer)."""
    folded = read_question(question)
    words = folded.split()
    words = words + [word for word in _merged_short(words) if word not in words]  # "ô tô" also reads "oto"
    scores: dict[str, float] = {}
    for code in catalog.products:
        best = 0.0
        for form in _name_words(catalog, code):
            distinct = [word for word in form if _distinct(word)]
            if not distinct:  # "Tài khoản thanh toán": every word generic, the whole phrase names it
                best = max(best, 1.5 if len(form) >= 3 and _phrase_in(form, words) else 0.0)
                continue
            hits = [word for word in distinct if word in words]
            # a distinctive word written in part ("plat" for "platinum"), four letters at least
            partial = [w for w in distinct if w not in hits and any(len(x) >= 4 and w.startswith(x) for x in words)]
            if hits or partial:
                whole = 0.5 if len(hits) == len(distinct) and _phrase_in(form, words) else 0.0
                # "tk premier" is the Premier current account, not Premier Invest: the name's other words count a little
                plain = min(0.4, 0.1 * sum(1 for word in set(form) - set(distinct) if word in words and len(word) > 1))
                best = max(best, len(hits) + len(partial) + whole + plain)
        if code.casefold() in folded.replace(" ", "_"):
            best = max(best, 3.0)
        if best:
            scores[code] = best
    missing_terms: list[str] = []
    if _DEPOSIT_WORDS.search(folded):
        deposits = {months: code for code in catalog.products if (months := _term_months(catalog, code))}
        for match in _TERM.finditer(folded):
            months = int(match.group(1))
            if _AGO.match(folded, match.end()):
                continue  # "opened 4 months ago", "4 thang truoc": a time, not a term
            near = " ".join([*folded[: match.start()].split()[-2:], *folded[match.end() :].split()[:2]])
            if months not in deposits and not _DEPOSIT_WORDS.search(near):
                continue  # "gửi 12 tháng được 5 tháng": 5 months gone, not a term asked for
            if months in deposits:
                scores[deposits[months]] = max(scores.get(deposits[months], 0.0), 2.5)
            elif deposits and f"{months}-month" not in missing_terms:
                missing_terms.append(f"{months}-month")
    if not scores:
        scores = _by_generic_head(catalog, words, folded)
    for code in list(scores):
        if _negated(catalog, code, folded) and len(scores) > 1:
            del scores[code]  # "vay vốn kinh doanh (không phải gói xanh)": not that one
    ranked = sorted(scores, key=lambda code: (-scores[code], code))
    if ranked:
        top = scores[ranked[0]]
        floor = 1.0 if _COMPARE.search(folded) else max(1.0, 0.75 * top)
        ranked = [code for code in ranked if scores[code] >= floor]
    return ranked, missing_terms


_NEGATION = re.compile(r"\b(?:not|khong phai|ko phai|k phai|ngoai|except|other than|excluding)\s+(?:\w+\s+){0,2}$")


def _negated(catalog: Catalog, code: str, folded: str) -> bool:
    """Whether every mention of the product's distinctive words follows a negation ("not the green one")."""
    distinct = {word for form in _name_words(catalog, code) for word in form if _distinct(word)}
    spots = [m.start() for word in distinct for m in re.finditer(rf"\b{re.escape(word)}\b", folded)]
    return bool(spots) and all(_NEGATION.search(folded[:spot]) for spot in spots)


def _by_generic_head(catalog: Catalog, words: Sequence[str], folded: str) -> dict[str, float]:
    """No product named by a distinctive word: "the normal current account" names the plain one of the products
    called "… current account"; when only one product is called so, that one."""
    found: dict[str, float] = {}
    for code, (name, active, _, _) in catalog.products.items():
        head = [word for word in fold_words(name) if not _distinct(word) or _PLAIN.search(word)]
        head = [word for word in head if not _PLAIN.search(word)]
        if active and len(head) >= 2 and _phrase_in(head, words):
            found[code] = 1.0 + (0.5 if _PLAIN.search(fold(name)) or code.endswith("_STD") else 0.0)
    if len(found) > 1 and _PLAIN.search(folded):
        top = max(found.values())
        return {code: score for code, score in found.items() if score == top}
    return found if len(found) == 1 else {}


def _compared_in_sheet(catalog: Catalog, code: str) -> list[str]:
    """The products a sheet names itself ("a lower rate than the standard Business Working-Capital Loan")."""
    sheet = catalog.sheet_of(code)
    if sheet is None:
        return []
    summary = next((line for language, section, line in sheet.lines if language == "en" and not line.startswith(
        ("Category", "Target", "Risk", "Status"))), "")  # fmt: skip
    return [other for other in named_products(catalog, summary)[0] if other != code][:1]


# ----- what the question asks -------------------------------------------------------------------------------------


def _has(folded: str, phrase: str) -> bool:
    if phrase == "%":
        return "%" in folded
    return re.search(rf"(?<![\w]){re.escape(phrase)}", folded) is not None


def aspects_asked(question: str) -> list[str]:
    folded = read_question(question)
    return [aspect for aspect, words in ASPECTS.items() if any(_has(folded, word) for word in words)]


def _aspect_words() -> frozenset[str]:
    return frozenset(word for words in ASPECTS.values() for phrase in words for word in phrase.split())


_ASPECT_WORDS = _aspect_words()


def asked_terms(question: str, catalog: Catalog, codes: Sequence[str]) -> list[str]:
    """The words the question asks about: not small talk, not an aspect, not the named products' names."""
    names = {word for code in codes for form in _name_words(catalog, code) for word in form}
    terms: list[str] = []
    for word in re.findall(r"\w+", read_question(question)):
        if word in _SMALL_WORDS or word in _ASPECT_WORDS or word in names or word in _GENERIC:
            continue
        if word.isdigit() or len(word) < 3 or any(len(word) >= 4 and name.startswith(word) for name in names):
            continue
        if word not in terms:
            terms.append(word)
    return terms


#: The same thing in the other language (folded): a Vietnamese question covered by an English line, and back.
_BILINGUAL: dict[str, tuple[str, ...]] = {
    "dao": ("matur", "den han"), "matur": ("dao han", "den han"), "khieu": ("complain",), "complain": ("khieu nai",),
    "vay": ("loan",), "loan": ("vay",), "tuoi": ("age", "aged"), "age": ("tuoi",), "aged": ("tuoi",),
    "thu": ("income",), "income": ("thu nhap",), "lien": ("contact",), "contact": ("lien he",),
    "sinh": ("birthday",), "birthday": ("sinh nhat",), "ro": ("leak",), "leak": ("ro ri",),
    "du": ("data",), "data": ("du lieu",), "rui": ("risk",), "risk": ("rui ro",), "phong": ("lounge",),
    "lounge": ("phong cho",), "hoan": ("cash back", "cashback"), "bao": ("insurance", "cover"),
    "insurance": ("bao hiem",), "nha": ("home", "house", "property"), "home": ("nha",), "house": ("nha", "home"),
    "sua": ("renovat",), "renovation": ("sua chua",), "xanh": ("green",), "green": ("xanh",),
    "oto": ("car",), "car": ("o to",), "truoc": ("early",), "early": ("truoc han",),
}  # fmt: skip


def _covered(term: str, text: str) -> bool:
    """Whether a document's folded text holds the term (or a word sharing its first five letters, or the term in
    the other language)."""
    if re.search(rf"\b{re.escape(term)}", text):
        return True
    if len(term) >= 6 and re.search(rf"\b{re.escape(term[:5])}", text) is not None:
        return True
    return any(re.search(rf"\b{re.escape(other)}", text) for other in _BILINGUAL.get(term, ()))


# ----- choosing lines ---------------------------------------------------------------------------------------------


#: Aspect words shorter than three letters that still mark a line ("từ 10 triệu": from).
_SHORT_MARKS = frozenset({"tu"})


#: A share of a price or value ("up to 80% of the car price", "đến 80% giá xe"): a limit.
_SHARE_OF_VALUE = re.compile(r"\d+ ?% (?:of (?:the )?)?(?:\w+ )?(?:price|value|gia|investment|dau tu)")


_AMOUNT = re.compile(r"\d+(?:[.,]\d+)* ?(?:billion|million|ty|trieu|dong|vnd)|vnd ?\d")


def _aspect_score(line: str, section: str, aspects: Sequence[str]) -> float:
    folded = fold(line)
    score = 0.0
    for aspect in aspects:
        if _SECTION_ASPECTS.get(section) == aspect:
            score += 2.0
        marks = sum(1 for word in ASPECTS[aspect] if (len(word) > 2 or word in _SHORT_MARKS) and _has(folded, word))
        if aspect == "limit":
            # a limit is an amount or a share of a value ("up to VND 2 billion", "80% of the price"), not "45 days"
            marks = 2 if _SHARE_OF_VALUE.search(folded) else (marks if _AMOUNT.search(folded) else 0)
        score += min(2, marks)
    return score


def _line_score(line: str, section: str, aspects: Sequence[str], terms: Sequence[str]) -> float:
    folded = fold(line)
    return _aspect_score(line, section, aspects) + sum(1.5 for term in terms if _covered(term, folded))


def _pick_lines(sheet: Sheet, language: str, aspects: Sequence[str], terms: Sequence[str]) -> list[str]:
    """The lines that answer: the best line for each aspect asked, then the lines close to the best one."""
    own = [(section, line) for lang, section, line in sheet.lines if lang == language] or [
        (section, line) for _, section, line in sheet.lines
    ]
    scored = [(score, index, line) for index, (section, line) in enumerate(own)
              if (score := _line_score(line, section, aspects, terms)) > 0]  # fmt: skip
    if not scored:
        return [line for _, line in own[:2]]
    picked: dict[int, str] = {}
    for aspect in aspects:
        best = max(((_aspect_score(line, section, [aspect]), _line_score(line, section, [], terms), -index, index,
                     line) for index, (section, line) in enumerate(own)), default=None)  # fmt: skip
        if best is not None and best[0] > 0:
            picked[best[3]] = best[4]
    top = max(score for score, _, _ in scored)
    for score, index, line in sorted(scored, key=lambda item: (-item[0], item[1])):
        if len(picked) >= MAX_LINES_PER_DOCUMENT:
            break
        if score >= top * 0.5:
            picked[index] = line
    return [picked[index] for index in sorted(picked)]


def _cell(sheet: Sheet | None, language: str, aspect: str) -> str:
    """A comparison cell: the sheet's line(s) on one aspect, or "—" where it says nothing."""
    if sheet is None:
        return "—"
    own = [(section, line) for lang, section, line in sheet.lines if lang == language]
    lines = [line for section, line in own if _SECTION_ASPECTS.get(section) == aspect]
    if not lines:
        words = [word for word in ASPECTS[aspect] if len(word) > 3]
        lines = [line for _, line in own if any(_has(fold(line), word) for word in words)][:1]
    return " ".join(lines) if lines else "—"


# ----- the answer -------------------------------------------------------------------------------------------------

_WORDS = {
    "en": {
        "none": "That is not in our documents: {what}. I only answer from the bank's product sheets and policies, "
        "so I won't guess a figure; please check with the product team.",
        "nothing": "I found nothing in our product sheets or policies that answers this",
        "term": "we have no {terms} deposit",
        "missing": "they don't say anything about {words}",
        "never": "market prices, exchange rates and past returns are not in them",
        "aspect": "Aspect",
        "sources": "Sources",
        "inactive": "no longer sold to new clients",
    },
    "vi": {
        "none": "Thông tin này không có trong tài liệu của ngân hàng: {what}. Em chỉ trả lời theo bảng thông tin sản "
        "phẩm và chính sách nên không đoán con số; anh/chị vui lòng hỏi lại khối sản phẩm.",
        "nothing": "em không tìm thấy bảng sản phẩm hay chính sách nào trả lời câu hỏi này",
        "term": "ngân hàng không có tiền gửi kỳ hạn {terms}",
        "missing": "tài liệu không nói về {words}",
        "never": "giá thị trường, tỷ giá và lợi nhuận trong quá khứ không có trong tài liệu",
        "aspect": "Tiêu chí",
        "sources": "Nguồn",
        "inactive": "ngừng bán cho khách hàng mới",
    },
}
_ASPECT_NAMES = {
    "en": {"rate": "Rate", "fee": "Fees", "eligibility": "Eligibility", "minimum": "Minimum", "term": "Term",
           "limit": "Limit", "early": "Early withdrawal / repayment", "features": "Features", "risk": "Risk"},
    "vi": {"rate": "Lãi suất", "fee": "Phí", "eligibility": "Điều kiện", "minimum": "Tối thiểu", "term": "Kỳ hạn",
           "limit": "Hạn mức", "early": "Rút / trả trước hạn", "features": "Đặc điểm", "risk": "Rủi ro"},
}  # fmt: skip
_TABLE_ASPECTS = ("rate", "eligibility", "fee", "features")


def _not_in_documents(language: str, reasons: list[str], missing: list[str]) -> QaAnswer:
    words = _WORDS[language]
    what = "; ".join(reasons) if reasons else words["nothing"]
    return QaAnswer("not_in_documents", language, words["none"].format(what=what), [], missing=missing)


def _product_hits(question: str) -> list[DocumentHit]:
    try:
        return search_documents("product", question, k=3)
    except IndexNotReady as error:
        logger.info("no products index, answering from named products only: %s", error)
        return []


def _shared_terms(terms: Sequence[str], sheet: Sheet) -> int:
    text = fold(sheet.text())
    return sum(1 for term in terms if _covered(term, text))


def _idf(catalog: Catalog) -> dict[str, float]:
    """How rare each folded word is across the bank's documents (rare words tie a question to one document)."""
    counts: dict[str, int] = {}
    for sheet in catalog.sheets.values():
        for word in set(fold_words(sheet.text() + " " + sheet.title)):
            counts[word] = counts.get(word, 0) + 1
    total = max(1, len(catalog.sheets))
    return {word: math.log((total + 1) / (count + 0.5)) for word, count in counts.items()}


def _policy_scores(catalog: Catalog, question: str) -> list[tuple[float, Sheet]]:
    """Policies ranked by the rare words (and word pairs) they share with the question, best first."""
    idf = _idf(catalog)
    words = [w for w in re.findall(r"\w+", read_question(question)) if w not in _SMALL_WORDS or w in _POLICY_WORDS]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    ranked: list[tuple[float, Sheet]] = []
    for sheet in catalog.sheets.values():
        if sheet.kind == "product":
            continue
        text = fold(sheet.text() + " " + sheet.title)
        own = set(re.findall(r"\w+", text))
        score = sum(idf.get(word, 0.0) for word in set(words) if word in own)
        score += sum(0.5 * max(idf.get(a, 0.0), idf.get(b, 0.0)) for a, b in (p.split() for p in pairs) if
                     f"{a} {b}" in text)  # fmt: skip
        if score > 0:
            ranked.append((score, sheet))
    return sorted(ranked, key=lambda item: -item[0])


def answer_question(
    database: Database, question: str, *, model: BaseChatModel | None = None, catalog: Catalog | None = None
) -> QaAnswer:
    """The answer from the bank's documents only, with the ids it rests on; "not in our documents" otherwise."""
    question = " ".join(str(question or "").split())
    if not question:
        raise ValueError("a question is required")
    catalog = catalog or load_catalog(database)
    language = detect_language(question)
    folded = read_question(question)
    words = _WORDS[language]
    codes, missing_terms = named_products(catalog, question)
    named = bool(codes)
    comparing = bool(_COMPARE.search(folded))
    if comparing and len(codes) == 1:
        codes += _compared_in_sheet(catalog, codes[0]) or _plain_sibling(catalog, codes[0], folded)
    aspects = aspects_asked(question)
    terms = asked_terms(question, catalog, codes)
    asked = read_question(asked_part(question))
    never = _NEVER_IN_DOCUMENTS.search(folded) or (_PERFORMANCE.search(asked) and _PAST.search(asked))
    currency = _CURRENCY.search(folded)
    if currency and not any(_CURRENCY.search(fold(sheet.text())) for sheet in catalog.sheets.values()):
        return _not_in_documents(language, [words["missing"].format(words=currency.group(0))], [currency.group(0)])
    if never:
        return _not_in_documents(language, [words["never"]], [never.group(0)])
    if missing_terms and not [code for code in codes if _term_months(catalog, code) is None]:
        reason = words["term"].format(terms=", ".join(missing_terms))
        return _not_in_documents(language, [reason], missing_terms)
    # Which documents: the named products' sheets, then the policies the question's rare words point to.
    chosen: list[Sheet] = [sheet for code in codes if (sheet := catalog.sheet_of(code)) is not None]
    policies = _policy_scores(catalog, question)
    if policies:
        top = policies[0][0]
        needed = POLICY_WITH_PRODUCT if chosen else POLICY_ALONE
        chosen += [sheet for score, sheet in policies[:2] if score >= needed and score >= 0.8 * top]
    if not codes:  # no product named: the products index may still find one the question describes ("mortgage")
        chosen = _retrieved_product(catalog, question, terms, codes) + chosen
    if not chosen:
        return _not_in_documents(language, [], [])
    text_of_chosen = fold(" ".join(sheet.text() + " " + sheet.title for sheet in chosen))
    uncovered = [term for term in terms if not _covered(term, text_of_chosen)]
    # A run-on story told in one breath asks at its end: the words beside "fee" or "rate" earlier are the story's.
    story = len(folded.split()) > MAX_ASKING_WORDS
    asking = " ".join(asked.split()[-MAX_ASKING_WORDS:])
    asked_missing = _asked_missing(uncovered, asking, language, story=story)
    asked_terms_only = [term for term in terms if term in asked.split() and term not in everyday_words()]
    uncovered_asked = [term for term in uncovered if term in asked_terms_only]
    if not named and len(uncovered_asked) >= 2 and len(uncovered_asked) * 2 >= len(asked_terms_only):
        asked_missing = uncovered_asked  # no product of ours named, and most of what is asked is in no cited document
    if asked_missing:
        return _not_in_documents(language, [words["missing"].format(words=", ".join(asked_missing))], asked_missing)
    unsupported = _unsupported_aspect(catalog, codes, aspects, language, comparing)
    if unsupported:
        what = _ASPECT_NAMES[language][unsupported].lower()
        return _not_in_documents(language, [words["missing"].format(words=what)], [unsupported])
    if comparing and len(codes) >= 2:
        return _comparison(catalog, codes, language, aspects, terms, chosen, model, question)
    parts: list[str] = []
    for sheet in chosen:
        lines = _pick_lines(sheet, language, aspects, terms)
        head = _sheet_head(catalog, sheet, language)
        parts.append(f"**{head}** ({sheet.id}):\n" + "\n".join(f"- {line}" for line in lines))
    text = "\n\n".join(parts)
    answer = QaAnswer("answered", language, text, [sheet.id for sheet in chosen], list(codes), aspects)
    return _with_prose(answer, question, model)


#: A sentence that asks: a question mark or a question word (English, Vietnamese with or without diacritics).
_ASKING = re.compile(
    r"\?|\b(what|whats|how|which|when|where|who|why|is there|are there|can i|can we|could|do we|does|did|should|"
    r"may i|is it|are they|bao nhieu|bn|bnhieu|khong|ko|the nao|nao|gi|sao|may|bao lau|duoc khong|chua|nhu nao)\b"
)


def asked_part(question: str) -> str:
    """The sentences that ask (a long question tells a client's story first); the last sentence when none does."""
    sentences = [part.strip() for part in re.split(r"(?<=[.!?;])\s+|\n+", question) if part.strip()]
    if len(sentences) <= 1:
        return question
    asking = [sentence for sentence in sentences if _ASKING.search(fold(sentence))]
    return " ".join(asking) if asking else sentences[-1]


#: Words for the plain version of a product ("the standard one", "tài khoản thường").
_PLAIN = re.compile(r"\b(standard|normal|regular|basic|ordinary|everyday|thuong|thong thuong|binh thuong|co ban)\b")


def _plain_sibling(catalog: Catalog, code: str, folded: str) -> list[str]:
    """ "Premier vs the normal one": the same category's product whose name or code says it is the plain one."""
    if not _PLAIN.search(folded):
        return []
    category = catalog.products[code][2]
    siblings = [other for other, (name, active, cat, _) in catalog.products.items()
                if other != code and cat == category and active and (
                    _PLAIN.search(fold(name)) or re.search(r"(^|_)(STD|STANDARD|BASIC)($|_)", other))]  # fmt: skip
    return siblings[:1]


#: Aspects a sheet either states or does not: asked of one product whose sheet has no line on it, not answered.
_CHECKED_ASPECTS = ("limit", "fee", "minimum", "early")
_EARLY_MARKS = r"\b(truoc han|early|prepay\w*|before maturity|redeem\w*|redemption|ban lai|exit)\b"


def _unsupported_aspect(
    catalog: Catalog, codes: Sequence[str], aspects: Sequence[str], language: str, comparing: bool
) -> str | None:
    """The one checked aspect the question asks of its one product that the product's sheet has no line on."""
    asked = [aspect for aspect in aspects if aspect in _CHECKED_ASPECTS]
    if "early" in asked:
        asked = ["early"]  # "the early repayment fee": the sheet must say something about repaying early
    if comparing or len(codes) != 1 or len(asked) != 1:
        return None
    sheet = catalog.sheet_of(codes[0])
    if sheet is None:
        return None
    own = [(section, line) for lang, section, line in sheet.lines if lang == language]
    if asked == ["early"]:  # "withdraw" alone is any drawdown: repaying or breaking early is said in these words
        supported = any(re.search(_EARLY_MARKS, fold(line)) for _, line in own)
    else:
        supported = any(_aspect_score(line, section, asked) > 0 for section, line in own)
    return asked[0] if own and not supported else None


def _retrieved_product(catalog: Catalog, question: str, terms: Sequence[str], codes: list[str]) -> list[Sheet]:
    """No product named and no policy: the products index's best sheet, when it shares a rare word."""
    for hit in _product_hits(question):
        sheet = catalog.sheets.get(hit.document_id or "")
        if sheet is not None and hit.score >= PRODUCT_SIMILARITY and _shared_terms(terms, sheet) >= 1:
            codes.append(sheet.product_code or hit.id)
            return [sheet]
    return []


#: Folded words that tie a question to a policy (rules of the bank rather than a product's terms).
_POLICY_WORDS = frozenset(
    """complaint complaints khieu nai phan nan policy policies rule rules quy dinh chinh sach suitable suitability
    conservative balanced growth than trong can bang tang truong disclaimer offer offers chao ban cross sell
    privacy data du lieu leak ro ri contact lien he inactive maturity dao han birthday sinh nhat guaranteed
    cam ket inbox urgency topic khan reassess reassessed risk profile khau vi second meeting family nguoi than
    70 aged older elderly personal ca nhan mask che""".split()  # noqa: SIM905
)
#: The words that name what is asked ("cash advance FEE", "phí RÚT TIỀN MẶT"): a word of the question the cited
#: documents do not hold, written right next to one of these, is what the question asks about.
_ASKING_NOUNS = frozenset(
    """fee fees charge charges penalty penalties rate rates interest limit limits term terms tenor condition
    conditions eligibility requirement requirements minimum maximum period amount phi lai suat han muc
    ky han thoi han dieu kien toi thieu toi da muc""".split()  # noqa: SIM905
)
_LINKS = frozenset({"for", "on", "of", "when", "if"})


def _people_and_places() -> frozenset[str]:
    """Words that are a person's or a place's name, a pronoun or a function word: a client's story, not a concept
    the documents could miss."""
    from tools.policy import name_lexicon as names

    words = {
        *names.VIETNAMESE_SURNAMES, *names.VIETNAMESE_MIDDLE_NAMES, *names.VIETNAMESE_GIVEN_NAMES,
        *names.WESTERN_GIVEN_NAMES, *names.WESTERN_SURNAMES, *names.PRONOUN_TITLES, *names.FUNCTION_WORDS,
        *(part for place in names.PLACES for part in place.split()),
    }  # fmt: skip
    return frozenset(words)


_STORY_WORDS = _people_and_places()
#: A word this many customer messages use is everyday language ("yesterday", "hết", "tui"), not a banking concept
#: the documents could be missing ("cash advance", "appraisal", "overdraft" are rare there).
EVERYDAY_MESSAGES = 3


@functools.cache
def everyday_words() -> frozenset[str]:
    """The words of the customers' own messages (the teachers' inbox and public-chat corpora), used by at least
    ``EVERYDAY_MESSAGES`` of them."""
    from tools.inquiry.classifier import INBOX_CORPUS, PUBLIC

    counts: Counter[str] = Counter()
    for path in (INBOX_CORPUS, PUBLIC):
        if path.is_file():
            for example in read_jsonl(path):
                counts.update(set(fold_words(str(example.get("text") or ""))))
    return frozenset(word for word, count in counts.items() if count >= EVERYDAY_MESSAGES)


def _asked_missing(uncovered: Sequence[str], folded: str, language: str, *, story: bool = False) -> list[str]:
    """The uncovered words that are what the question asks about, not the story around it: in English the words
    before an asking noun ("cash advance fee") or after it with "for/on/of" ("a fee for cash advances"); in
    Vietnamese the words after it ("phí rút tiền mặt"). Names, places and pronouns never; in a ``story`` (a long
    question) not the customers' everyday words either."""
    if not uncovered:
        return []
    words = re.findall(r"\w+", folded)
    found: list[str] = []
    for index, word in enumerate(words):
        if word not in _ASKING_NOUNS:
            continue
        window = [*words[max(0, index - 2) : index]]
        if index + 1 < len(words) and words[index + 1] in _LINKS:
            window += [w for w in words[index + 2 : index + 6] if w not in _SMALL_WORDS][:2]
        if language == "vi":
            window += [w for w in words[index + 1 : index + 5] if w not in _SMALL_WORDS][:2]
        found += [w for w in window if w in uncovered and w not in found and w not in _STORY_WORDS
                  and not (story and w in everyday_words())]  # fmt: skip
    return found


def _sheet_head(catalog: Catalog, sheet: Sheet, language: str) -> str:
    if sheet.product_code and sheet.product_code in catalog.products:
        name, active, _, _ = catalog.products[sheet.product_code]
        return name if active else f"{name} ({_WORDS[language]['inactive']})"
    return sheet.title


def _comparison(
    catalog: Catalog, codes: Sequence[str], language: str, aspects: Sequence[str], terms: Sequence[str],
    chosen: Sequence[Sheet], model: BaseChatModel | None, question: str,
) -> QaAnswer:  # fmt: skip
    """Side by side: one column per product, a row per aspect asked (rate, eligibility, fees, features when none)."""
    asked = [aspect for aspect in aspects if aspect in _ASPECT_NAMES["en"]]
    # The rate and the eligibility frame every comparison; then what was asked; features when nothing was.
    rows_wanted = ["rate", *asked, "eligibility", *([] if asked else ["fee", "features"])]
    sheets = [catalog.sheet_of(code) for code in codes[:3]]
    names = [_sheet_head(catalog, s, language) if s else code for s, code in zip(sheets, codes, strict=False)]
    head = [_WORDS[language]["aspect"], *names]
    table = [head]
    for aspect in dict.fromkeys(rows_wanted):
        cells = [_cell(sheet, language, aspect) for sheet in sheets]
        if all(cell == "—" for cell in cells):
            continue
        table.append([_ASPECT_NAMES[language][aspect], *cells])
    lines = ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in table]
    lines.insert(1, "|" + "---|" * len(head))
    policies = [sheet for sheet in chosen if sheet.kind != "product"]
    extra = [f"**{sheet.title}** ({sheet.id}):\n" + "\n".join(f"- {line}" for line in
             _pick_lines(sheet, language, aspects, terms)) for sheet in policies]  # fmt: skip
    sources = [sheet.id for sheet in sheets if sheet is not None] + [sheet.id for sheet in policies]
    source_line = f"{_WORDS[language]['sources']}: " + ", ".join(sources)
    text = "\n".join(lines) + ("\n\n" + "\n\n".join(extra) if extra else "") + "\n\n" + source_line
    answer = QaAnswer("answered", language, text, sources, list(codes[:3]), list(aspects), table=table)
    return _with_prose(answer, question, model)


# ----- the optional model: prose whose every figure is in the cited lines -----------------------------------------


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[.,]", "", number).lstrip("0") or "0" for number in _NUMBER.findall(text)}


def figures_supported(prose: str, cited: str) -> bool:
    """Every figure of ``prose`` is a figure of ``cited`` (separators ignored: 6.8 and 6,8 are one figure)."""
    return _numbers(prose) <= _numbers(cited)


def _with_prose(answer: QaAnswer, question: str, model: BaseChatModel | None) -> QaAnswer:
    """A model's prose on top of the cited lines, kept only when every figure in it is theirs."""
    if model is None:
        return answer
    prompt = load_prompt("product_qa/answer").format(
        language="Vietnamese" if answer.language == "vi" else "English", question=question, lines=answer.text
    )
    outcome = text_call(model, [HumanMessage(content=prompt)], fallback=lambda: "", task="product_qa.answer")
    prose = outcome.value.strip()
    if not outcome.from_model or not prose:
        return answer
    if not figures_supported(prose, answer.text):
        logger.warning("the model's answer has a figure the documents do not give; answering with their lines")
        return answer
    sources = ", ".join(answer.sources)
    text = (
        f"{prose}\n\n{answer.text}" if answer.table else f"{prose}\n\n({_WORDS[answer.language]['sources']}: {sources})"
    )
    return QaAnswer(answer.status, answer.language, text, answer.sources, answer.products, answer.aspects,
                    answer.missing, answer.table, "model")  # fmt: skip
