"""The bank's client-communication rules as code: find what an outgoing message must not say, and repair it.

The rules are those of the demo bank's ``DOC-POL-COMMS`` and ``DOC-POL-SUITABILITY`` policies: no guaranteed
returns, a risk disclaimer with every investment product, no pressure tactics, no full account / card / national
ID numbers, nothing unsuitable for the client, and rates as the catalog quotes them, with their conditions.

Matching runs on a folded copy of the text (lower case, Vietnamese accents removed, so a message typed without
diacritics is read the same) while every ``Finding.evidence`` is the span of the original text, verbatim. The
rules are deterministic and lean towards precision: a legitimate draft (a CD maturity with its renewal rate, a
birthday wish, a deposit-insurance statement, a disclaimer) must pass untouched.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from tools.core.text import FoldedText, strip_accents
from tools.signals.thresholds import GROWTH_CATEGORIES

logger = logging.getLogger(__name__)

GUARANTEED_RETURN = "guaranteed_return"
MISSING_RISK_DISCLAIMER = "missing_risk_disclaimer"
PRESSURE_TACTIC = "pressure_tactic"
PII_EXPOSURE = "pii_exposure"
UNSUITABLE_PRODUCT = "unsuitable_product"
MISLEADING_RATE = "misleading_rate"
FLAGS = (
    GUARANTEED_RETURN,
    MISSING_RISK_DISCLAIMER,
    PRESSURE_TACTIC,
    PII_EXPOSURE,
    UNSUITABLE_PRODUCT,
    MISLEADING_RATE,
)
LANGUAGES = ("en", "vi")
#: Flags whose whole sentence ``enforce_policy`` drops.
DROPPED_SENTENCE_FLAGS = frozenset({GUARANTEED_RETURN, PRESSURE_TACTIC, MISLEADING_RATE})
MASK = "••••"

_DISCLAIMERS = {
    "en": (
        "Investment products are not deposits, are not covered by deposit insurance and may lose value. "
        "Past performance does not guarantee future results."
    ),
    "vi": "Sản phẩm đầu tư không phải là tiền gửi, không được bảo hiểm tiền gửi và có thể mất vốn.",
}
#: Product categories whose capital is at risk (policy: not for conservative clients).


class Finding(BaseModel):
    """One breach of the communication rules: which rule, the offending span verbatim, and why."""

    flag: str
    evidence: str
    reason: str


class PolicyResult(BaseModel):
    """A message after ``enforce_policy``: the repaired text, what was taken out and added, what is still wrong."""

    text: str
    removed: list[str]
    added: list[str]
    findings: list[Finding]


def risk_disclaimer(language: str) -> str:
    """The policy's risk disclaimer for investment products, in ``language`` (``en`` / ``vi``)."""
    return _DISCLAIMERS[_checked_language(language)]


def _checked_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


# ----- folding with a map back to the original ------------------------------------------------------------------


def _fold(text: str) -> str:
    return FoldedText.of(text).text


def _sentences_of(folded: FoldedText) -> list[tuple[int, int]]:
    """Sentence spans in the folded text (found on the original, whose capitals tell where sentences start)."""
    return [(folded.index_of(start), folded.index_of(end)) for start, end in _sentences_once(folded.original)]


def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """A message's sentences as spans of ``text`` (never across a line break; a salutation is one of its own)."""
    return _sentences_once(text)


@functools.lru_cache(maxsize=256)
def _sentences_once(text: str) -> tuple[tuple[int, int], ...]:
    """A message's sentences, split once: every check of the message asks for them again."""
    return tuple(_sentences(text))


def _sentence_around(folded: FoldedText, position: int) -> tuple[int, int]:
    for start, end in _sentences_of(folded):
        if start <= position < end:
            return start, end
    return 0, len(folded.text)


# ----- sentences --------------------------------------------------------------------------------------------------

_ABBREVIATIONS = frozenset({"mr.", "mrs.", "ms.", "dr.", "p.a.", "e.g.", "i.e.", "no.", "vs.", "st."})


_SALUTATION_PREFIX = re.compile(
    r"^\s*(?:dear|hi|hello|good (?:morning|afternoon|evening)|chao|kinh gui|kinh chao|than gui|xin chao|da chao)"
    r"\b[^,!?\n]{0,40},\s+",
    re.IGNORECASE,
)


_SALUTATION_REACH = 120


def _sentence_spans(line: str) -> list[tuple[int, int]]:
    """Sentence spans of one line: a split after . ! ? followed by a space, not after a title like "Mr.".

    A salutation that opens the line ("Chào anh Minh, …") is a span of its own, so a repair never drops it.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    head = line[:_SALUTATION_REACH]  # the salutation regex reads no further; a pasted 10,000-char line costs nothing
    salutation = _SALUTATION_PREFIX.match("".join((strip_accents(char) or " ")[0] for char in head))
    if salutation and salutation.end() < len(line):
        spans.append((0, salutation.end()))
        start = salutation.end()
    for match in re.finditer(r"[.!?…]+[\"')\]]*\s+", line):
        words = line[start : match.start() + 1].lower().split()
        if words and words[-1] in _ABBREVIATIONS:
            continue
        following = line[match.end() : match.end() + 1]
        if following and not (following.isupper() or following.isdigit() or following in "\"'(•-*"):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(line):
        spans.append((start, len(line)))
    return spans


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans of the whole text (never across a line break)."""
    offset = 0
    for line in text.split("\n"):
        for start, end in _sentence_spans(line):
            if line[start:end].strip():
                yield offset + start, offset + end
        offset += len(line) + 1


# ----- patterns (on folded text) ----------------------------------------------------------------------------------

_RETURN_WORDS = (
    r"(?:returns?|profits?|yields?|gains?|income|interest(?: rates?)?|rates? of return|payouts?|dividends?"
    r"|loi nhuan|lai suat|tien lai|lai|sinh loi|loi tuc|co tuc)"
)
_NEGATION_BEFORE = re.compile(
    r"(?:\bnot|\bno|n't|\bnever|\bcannot|\bwithout|\bnor|\bkhong(?: the| he)?|\bchua|\bchang)\s+(?:\w+\s+){0,3}$"
    r"|\b(?:whether|if) (?:we|you|i|the bank) (?:could|can|would|will)\s+$"
)
_GUARANTEE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\bguarantee[ds]?\s+(?:you\s+)?(?:an?\s+|the\s+)?(?:\d+(?:[.,]\d+)?\s?%\s+)?(?:\w+\s+)?{_RETURN_WORDS}\b",
        rf"\b{_RETURN_WORDS}\s+(?:of\s+\d+(?:[.,]\d+)?\s?%\s+)?(?:is|are|will be|remains?)\s+(?:fully\s+|100%\s+)?"
        r"guaranteed\b",
        r"\bguaranteed\s+(?:to\s+)?(?:earn|return|make|pay|yield|grow|rise|double|deliver|give|beat)\b",
        r"\b(?:you\s+)?(?:genuinely\s+|really\s+|simply\s+)?(?:can ?not|can't|won't|will not) lose\b",
        r"\b(?:risk[- ]free|zero[- ]risk|no[- ]risk)\b",
        r"\b(?:can ?not|can't|won't|will not|never)\s+lose\s+(?:money|a (?:penny|cent|dong)|your (?:money|capital))",
        r"\bsure to (?:rise|grow|go up|increase|double|make money|profit|earn)\b",
        r"\b(?:will )?(?:definitely|certainly|surely) (?:rise|grow|go up|increase|double|earn|make money)\b",
        r"\bdouble your money\b",
        r"\b(?:cam ket|dam bao|bao dam)\s+(?:muc\s+|cho (?:anh|chi|ong|ba|quy khach)\s+)?"
        r"(?:loi nhuan|lai suat|lai|sinh loi|loi tuc|co tuc|thu nhap)\b",
        r"\b(?:loi nhuan|lai suat|lai|sinh loi|loi tuc)\s+(?:\d+(?:[.,]\d+)?\s?%(?:/nam)?\s+)?(?:duoc\s+)?"
        r"(?:cam ket|dam bao|bao dam|chac chan)\b",
        r"\b(?:cam ket|dam bao)\s+(?:\w+\s+){0,5}\d+(?:[.,]\d+)?\s?%",
        r"\b(?:cam ket|dam bao|bao dam)\s+(?:\w+\s+){0,4}(?:co lai|loi nhuan|sinh loi|loi tuc)\b",
        r"\bchac chan\s+(?:se\s+)?(?:tang|co lai|sinh loi|loi|lai|thang)\b",
        r"\b(?:khong (?:co )?(?:bat ky |chut )?rui ro(?! nao)|an toan tuyet doi"
        r"|khong the lo|khong bao gio lo|chac an)\b",
        r"\b(?:cam ket|dam bao|bao dam)\s+(?:\w+\s+){0,2}khong (?:bi )?(?:lo|mat von|mat tien)\b",
        r"\bkhong (?:lo|so) (?:lo|mat) von\b",
        r"\ban toan (?:y |giong )?(?:nhu|bang) (?:gui )?tiet kiem\b",
        r"\b(?:capital|principal|your money)\s+(?:is|are|will be|remains|stays)\s+(?:\w+\s+)?"
        r"(?:guaranteed|protected|safe)\b",  # "keep your capital safe" is a wish, not a promise
        r"\bcapital[- ]protected\b",
        r"\bno (?:real )?(?:risk of (?:loss|losing)|downside)\b",
        r"\bnone of the (?:risk|downside)\b",
        r"\bchua (?:nam|lan|thang) nao (?:bi )?lo\b",
        r"\byen tam (?:la )?(?:co lai|co loi|sinh loi|khong (?:bi )?lo)\b",
        r"\bkhong (?:the |bi )?lo (?:lo )?(?:duoc )?dau\b",
        r"\bkhong co chuyen (?:bi )?(?:lo|mat von)\b",
        r"\b(?:gan nhu |hau nhu )?khong (?:phai|can) lo (?:ve )?(?:chuyen )?(?:thua lo|lo von|mat von|bi lo)\b",
        r"\b(?:tin chac|chac chan|dam bao|bao dam)\b.{0,40}\b(?:se )?(?:tang truong|co loi|co lai|sinh loi)\b",
    )
)
_DEPOSIT_INSURANCE = re.compile(r"\bdeposit insurance\b|\bbao hiem tien gui\b|\binsured deposits?\b")

_PRESSURE_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bact (?:now|fast|quickly|immediately|today)\b",
        r"\b(?:only|just) (?:for )?today\b",
        r"\btoday only\b",
        r"\b(?:last|final) chance\b",
        r"\b(?:don't|do not|dont) miss (?:out|this|it)\b",
        r"\bmiss out\b",
        r"\bbefore it'?s too late\b",
        r"\bhurry\b",
        r"\blimited[- ]time (?:only|offer)\b",
        r"\b(?:offer|deal|this rate) (?:ends|expires) (?:today|tonight|at midnight)\b",
        r"\b(?:decide|sign|commit) (?:today|now|right now|immediately)\b",
        r"\bnow or never\b",
        r"\bonly \d+ (?:slots?|spots?|places?|seats?) left\b",
        r"\bwhile (?:stocks|supplies) last\b",
        r"\bwon't last\b",
        r"\bchi (?:trong |duy nhat )?(?:ngay )?hom nay\b",
        r"\bduy nhat hom nay\b",
        r"\bco hoi cuoi cung\b",
        r"\bnhanh (?:tay|chan)\b",
        r"\b(?:keo|ke) (?:bo )?lo\b",
        r"\b(?:dung|dung de) bo lo\b",
        r"\bchi con (?:\d+ )?(?:suat|cho|slot)\b",
        r"\bhet han (?:trong |vao )?hom nay\b",
        r"\bquyet dinh (?:ngay|ngay hom nay|trong hom nay)\b",
        r"\bso luong co han\b",
        r"\bkhan truong\b",
        r"\b(?:chi|only) (?:ap dung |applies )?(?:den |until |til )?(?:het )?"
        r"(?:hom nay|toi nay|dem nay|today|tonight)\b",
        r"\b(?:het|ends?|expires?|closes?) (?:vao )?(?:hom nay|toi nay|dem nay|today|tonight|at midnight)\b",
        r"\b(?:den|until) het (?:hom nay|toi nay|dem nay)\b",
        r"\b(?:mai|qua hom nay|tomorrow) (?:la )?(?:khong con|het|len|gone|it'?s gone)\b",
        r"\b(?:chot|quyet|(?<!bat )ky|sign) (?:luon|ngay|now)\b",
        r"\b(?:chua can|chua muon|khong can|khong muon|not interested|weren'?t interested|said no|declined)\b"
        r".{0,80}\b(?:van (?:nhan|goi|gui)|nhan lai|lan nua|reconsider|again|call you again)\b",
        # a deadline close at hand: "chỉ còn 2 ngày", "đến 5h chiều nay", "closes this Friday", "by Thursday"
        r"\b(?:chi|only|just) con (?:\d+ (?:ngay|hom|tieng|gio)|hom nay|toi nay|chieu nay|sang nay|dem nay|tuan nay)\b",
        r"\b(?:den|truoc|trong) (?:\d{1,2} ?(?:h|gio)(?:\d{2})? )?(?:het )?(?:chieu|toi|sang|dem|trua) nay\b",
        r"\b(?:closes?|closing|ends?|ending|expires?|deadline)\b.{0,30}\b(?:tomorrow|this (?:week|weekend"
        r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        r"|by (?:monday|tuesday|wednesday|thursday|friday))\b",
        r"\bat the latest\b",
        r"\breply\b.{0,20}\btoday\b",
        r"\b(?:can'?t|cannot|won'?t) (?:promise|guarantee)\b.{0,40}\b(?:reopen|same terms|again|available)\b",
        # losing out: "để lâu mất cơ hội", "kẻo tiếc", "để mai là mất ưu đãi"
        r"\bmat (?:co hoi|uu dai|suat)\b",
        r"\b(?:keo|ke) tiec\b",
        r"\btiec lam\b",
        r"\bchot (?:giup|cho) em\b",
        # pushing after a no: "chị đã nói không muốn… em vẫn nghĩ chị nên"
        r"\b(?:da noi|noi la|bao la|tu choi)\b.{0,40}\b(?:khong|chua)\b.{0,120}\b(?:van nghi|van muon|nen lam|thu lai"
        r"|xem lai|can nhac lai)\b",
    )
)
_CALM_BEFORE = re.compile(r"(?:\bno|\bnot|n't|\bnever|\bkhong|\bchang)\s+(?:\w+\s+){0,3}$")

_INVESTMENT_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\bpremier invest\b",
        r"\b(?:bond|equity|mutual|balanced|money[- ]market|index|open[- ]ended|investment) funds?\b",
        r"\bfund (?:units?|certificates?)\b",
        r"\b(?:this|that|the|our|a|an) fund\b(?! transfers?)",
        r"\b(?:stocks?|shares|equities|bonds?|etfs?)\b",
        r"\binvest(?:ing|ment|ments|ed)?\b(?! propert| apartment| home| house| loan)",
        r"\binvestment portfolio\b",
        r"\b(?:unit|investment)[- ]linked\b",
        r"\bquy (?:dau tu|trai phieu|co phieu|mo|can bang|an khang|etf)\b",
        r"\bchung chi quy\b",
        r"\b(?:dau tu|co phieu|trai phieu|chung khoan)\b",  # "cập nhật danh mục" (a portfolio review) names none
        r"\bquy tp\b",
        r"\bbao hiem (?:lien ket|dau tu)\b",
    )
)
_DISCLAIMER_PATTERNS = tuple(
    re.compile(pattern)
    for pattern in (
        r"\b(?:may|can|could|might) (?:lose|fall in|go down in|drop in) value\b",
        r"\b(?:may|can|could|might) (?:lose|result in (?:a )?loss of) (?:money|capital|some|part|all|principal)",
        r"\bvalue (?:may|can|could|might) (?:go down|fall|drop|fluctuate|decrease)",
        r"\bnot (?:a )?deposits?\b",
        r"\bnot (?:covered|insured|protected) by deposit insurance\b",
        r"\b(?:your )?capital (?:is )?at risk\b",
        r"\b(?:involves?|carr(?:y|ies)|subject to|comes? with) (?:\w+ )?(?:market |investment )?risks?\b",
        r"\bpast performance (?:does not|doesn't|is not|isn't) ",
        r"\b(?:returns?|performance|value|capital) (?:is |are )?not guaranteed\b",
        r"\bco the (?:mat von|lo|bi lo|giam gia tri|mat mot phan)",
        r"\bkhong phai (?:la )?tien gui\b",
        r"\bkhong duoc bao hiem tien gui\b",
        r"(?<!khong )\bco rui ro\b",
        r"\b(?:tiem an|chiu|di kem) (?:\w+ )?rui ro\b",
        r"\brui ro (?:dau tu|thi truong|mat von)\b",
        r"\bkhong (?:cam ket|dam bao) (?:loi nhuan|lai|muc sinh loi)",
        r"\bket qua (?:trong )?qua khu khong\b",
        r"\bgia tri (?:\w+ )?co the (?:giam|bien dong|thay doi)",
    )
)

_PERCENT = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
_UP_TO = re.compile(
    r"\b(?:up to|as high as|as much as|len (?:den|toi)|toi da|cao nhat(?: la)?|den)\s+(\d{1,2}(?:[.,]\d{1,2})?)\s?%"
    # a "from" rate is the other end of the same promise: "từ 5,2% trở lên", "chỉ từ 6,9%", "starting at 4.6%"
    r"|\b(?:tu|from)\s+(\d{1,2}(?:[.,]\d{1,2})?)\s?%(?:\s?/\s?nam|\s?p\.?a\.?)?"
    r"\s+(?:tro len|upwards|or more|and (?:up|above))\b"
    r"|\b(?:chi tu|starting (?:at|from)|as low as)\s+(\d{1,2}(?:[.,]\d{1,2})?)\s?%"
    r"|\blai suat (?:\w+ ){0,3}tu\s+(\d{1,2}(?:[.,]\d{1,2})?)\s?%"
)
_RATE_CONTEXT = re.compile(
    r"\b(?:rates?|interest|returns?|yields?|profits?|p\.?a\b|per (?:year|annum)|a year|lai suat|lai|loi nhuan|sinh loi)"
    r"|%\s?/\s?nam|%/year"
)
_RATE_CONDITIONS = re.compile(
    r"\b\d+[- ]?(?:months?|years?|thang|nam)\b|\bky han\b|\btenor\b|\bterm\b(?! deposits?)|\bfrom vnd\b"
    r"|\bminimum\b|\bat least\b"
    r"|\b(?:tu|toi thieu) \d+(?:[.,]\d+)? ?(?:trieu|ty|ti)\b|\bconditions?\b|\bdieu kien\b|\bterms apply\b"
    r"|\bif you\b|\bwhen you\b|\bneu\b|\bap dung (?:cho|voi)\b|\bapplies (?:to|for|from)\b"
)
_NOT_A_RATE_AFTER = re.compile(r"^\s*(?:of\b|cua\b|gia tri|ltv|down|tra truoc)")

# ----- personal numbers -------------------------------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"(?<![\w.,])(?:\+?\d[\d \-]{4,}\d)(?![\w]|[.,]\d)")
_CURRENCY_AFTER = re.compile(r"^\s*(?:vnd|vnđ|đ\b|dong|d\b|usd|\$|trieu|ty|nghin|ngan|million|billion)", re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:vnd|usd|\$)\s*$", re.IGNORECASE)
_PHONE_CONTEXT = re.compile(
    r"(?:phone|hotline|tel|mobile|call|zalo|sdt|so dien thoai|dien thoai|lien he)\W*(?:\w+\W+){0,5}$"
)
_ID_CONTEXT = re.compile(
    r"(?:account|acct|a/c|card|national id|id number|id no|citizen id|passport|cccd|cmnd|can cuoc|chung minh"
    r"|tai khoan|stk|so tk|so the|the tin dung|the ghi no|dinh danh)\W*(?:\w+\W+){0,3}$"
)


@dataclass(frozen=True)
class _Number:
    """A personal number found in the text: its original span and what it looks like."""

    start: int
    end: int
    digits: str
    kind: str


def _personal_numbers(text: str) -> list[_Number]:
    """Full account / card / national-ID numbers (phones and amounts are not: they are out of this rule's scope)."""
    folded = FoldedText.of(text)
    found: list[_Number] = []
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        if len(digits) < 8 or len(digits) > 19:
            continue
        if _CURRENCY_AFTER.match(text[match.end() :]) or _CURRENCY_BEFORE.search(text[: match.start()]):
            continue
        before = folded.text[: folded.index_of(match.start())][-40:]
        if re.fullmatch(r"\d{1,3}(?: \d{3})+", raw.strip()) and not _ID_CONTEXT.search(before):
            continue  # 500 000 000: an amount with thin spaces
        if re.match(r"1[89]00", digits) and len(digits) <= 10:
            continue  # a 1900 / 1800 hotline
        looks_like_phone = bool(re.fullmatch(r"0\d{9}|84\d{9}", digits)) or raw.startswith("+")
        if looks_like_phone and not _ID_CONTEXT.search(before):
            continue
        if _PHONE_CONTEXT.search(before) and not _ID_CONTEXT.search(before):
            continue
        if re.fullmatch(r"(?:19|20)\d{6}", digits) and not _ID_CONTEXT.search(before):  # 20251105: a date
            continue
        kind = _number_kind(digits, before)
        found.append(_Number(match.start(), match.end(), digits, kind))
    return found


def _number_kind(digits: str, before: str) -> str:
    if re.search(r"cccd|cmnd|can cuoc|chung minh|national id|citizen id|passport|id number|id no|dinh danh", before):
        return "national ID"
    if re.search(r"card|the tin dung|the ghi no|so the", before) or 15 <= len(digits) <= 19:
        return "card"
    if re.search(r"account|acct|a/c|tai khoan|stk|so tk", before):
        return "account"
    if len(digits) in (9, 12):
        return "national ID or account"
    return "account"


# ----- products ---------------------------------------------------------------------------------------------------


def _segments(product: Mapping[str, Any]) -> tuple[str, ...]:
    raw = product.get("target_segments")
    if raw is None:
        return ()
    parts = raw.split(",") if isinstance(raw, str) else [str(part) for part in raw]
    return tuple(part.strip() for part in parts if part.strip())


_EVERYDAY_CODES = frozenset({"savings", "loan", "card", "fund", "insurance"})


def _product_patterns(product: Mapping[str, Any]) -> list[re.Pattern[str]]:
    """How a message may name a product: its name (EN / VI), its code, and for a CD its tenor ("12-month CD")."""
    names = {str(product.get(key) or "") for key in ("name", "name_vi")}
    code = str(product.get("code") or "")
    if code.casefold() not in _EVERYDAY_CODES:  # "your savings" names no product
        names |= {code, code.replace("_", " ")}
    patterns = [re.compile(rf"\b{re.escape(_fold(name).strip())}\b") for name in names if len(name.strip()) >= 3]
    tenor = re.fullmatch(r"CD_(\d+)M", code.upper())
    if tenor:
        months = tenor.group(1)
        patterns.append(
            re.compile(
                rf"\b{months}[- ]?months? (?:cd|certificate|term deposit|deposit|fixed deposit)s?\b"
                rf"|\b(?:cd|term deposit|deposit|tien gui|tiet kiem|so tiet kiem)\s+(?:co )?(?:ky han\s+)?{months}\s?"
                rf"(?:thang|months?)\b|\bky han {months} thang\b"
                # shorthand and loose names: "CCTG 24T", "gửi 12 tháng", "the 12-month rate"
                rf"|\b(?:cctg|cd|chung chi tien gui|gui|so)\s+(?:ky han\s+)?{months}\s?(?:t|thang)\b"
                rf"|\b{months}[- ]?months?\s+(?:rates?|tenor|term)\b"
            )
        )
    if str(product.get("category") or "") == "savings" and "online" in _fold(str(product.get("name") or "")):
        patterns.append(re.compile(r"\b(?:tiet kiem|gui|so) (?:online|truc tuyen)\b"))  # "tiết kiệm online"
    return patterns


#: How Vietnamese names a product of each category: the head words that come first ("quỹ trái phiếu An Khang").
_VI_HEADS = {
    "card": r"the(?: tin dung| ghi no)?",
    "investment": r"(?:quy(?: trai phieu| dau tu| co phieu)?|chung chi quy)",
    "loan": r"(?:khoan )?vay",
    "insurance": r"bao hiem",
    "savings": r"(?:gui )?tiet kiem",
    "casa": r"tai khoan(?: thanh toan)?",
}
#: The English words of a product's name that only say its kind, and the Vietnamese of the words that remain.
_GENERIC_NAME_WORDS = frozenset(
    ("fund", "bond", "card", "credit", "debit", "loan", "insurance", "account", "current", "online", "savings")
) | {"certificate", "of", "deposit", "the"}
_VI_NAME_WORDS = {
    "home": r"(?:mua )?nha(?: o)?", "car": r"(?:mua )?(?:o to|xe)", "business": r"kinh doanh",
    "platinum": r"(?:platinum|bach kim)",
}  # fmt: skip


def _vietnamese_name(product: Mapping[str, Any]) -> re.Pattern[str] | None:
    """ "Platinum Credit Card" → "thẻ (tín dụng) Platinum"; "Home Loan" → "vay mua nhà"; None when the name has
    no words of its own or the category no Vietnamese head."""
    head = _VI_HEADS.get(str(product.get("category") or ""))
    own = [word for word in _fold(str(product.get("name") or "")).split() if word not in _GENERIC_NAME_WORDS]
    if head is None or not own:
        return None
    words = r"\s+".join(_VI_NAME_WORDS.get(word, re.escape(word)) for word in own)
    return re.compile(rf"\b{head}\s+(?:\w+\s+){{0,2}}?{words}\b")


def _mentions(folded: str, product: Mapping[str, Any]) -> list[tuple[int, int]]:
    patterns = _product_patterns(product)
    vietnamese = _vietnamese_name(product)
    if vietnamese is not None:
        patterns.append(vietnamese)
    spans = [(match.start(), match.end()) for pattern in patterns for match in pattern.finditer(folded)]
    return sorted(set(spans))


def _rate(value: str) -> float:
    return float(value.replace(",", "."))


# ----- the checks -------------------------------------------------------------------------------------------------


def _negated(folded: str, start: int) -> bool:
    return bool(_NEGATION_BEFORE.search(folded[max(0, start - 30) : start]))


def _guaranteed_returns(folded: FoldedText) -> Iterator[Finding]:
    for pattern in _GUARANTEE_PATTERNS:
        for match in pattern.finditer(folded.text):
            if _negated(folded.text, match.start()):
                continue
            sentence_start, sentence_end = _sentence_around(folded, match.start())
            sentence = folded.text[sentence_start:sentence_end]
            about_returns = re.search(r"%|profit|return|loi nhuan|sinh loi", match.group(0))
            if _DEPOSIT_INSURANCE.search(sentence) and not about_returns:
                continue  # "deposits are guaranteed by deposit insurance": the legitimate statement
            if _is_disclaimer_span(sentence):
                continue
            yield Finding(
                flag=GUARANTEED_RETURN,
                evidence=folded.evidence(match.start(), match.end()),
                reason="promises a return or no risk; only deposits have a contractual rate (no promissory language)",
            )


def _is_disclaimer_span(sentence: str) -> bool:
    return any(pattern.search(sentence) for pattern in _DISCLAIMER_PATTERNS) and not re.search(
        r"\b(?:risk[- ]free|cam ket loi nhuan)\b", sentence
    )


def _pressure(folded: FoldedText) -> Iterator[Finding]:
    for pattern in _PRESSURE_PATTERNS:
        for match in pattern.finditer(folded.text):
            if _CALM_BEFORE.search(folded.text[max(0, match.start() - 25) : match.start()]):
                continue
            yield Finding(
                flag=PRESSURE_TACTIC,
                evidence=folded.evidence(match.start(), match.end()),
                reason="pressure tactic: urgency or fear of missing out is not allowed",
            )


def _investment_mentions(folded: FoldedText) -> list[tuple[int, int]]:
    """Investment content outside disclaimer sentences."""
    spans: list[tuple[int, int]] = []
    for start, end in _sentences_of(folded):
        sentence = folded.text[start:end]
        if _is_disclaimer_span(sentence):
            continue
        for pattern in _INVESTMENT_PATTERNS:
            spans.extend(
                (start + match.start(), start + match.end())
                for match in pattern.finditer(sentence)
                if not _NO_NEED_BEFORE.search(sentence[: match.start()])
            )
    return sorted(spans)


#: "chưa có nhu cầu đầu tư", "not looking to invest": investing named only to say there is no need for it.
_NO_NEED_BEFORE = re.compile(r"(?:\bnhu cau|\bkhong|\bchua|\bnot|\bno|\brather not|\bwon'?t)\s+(?:[\w']+\s+){0,5}$")


#: What DOC-POL-COMMS rule 2 asks of the disclaimer in substance: not a deposit, not insured, may lose value.
#: "Every investment carries some risk" alone is not it.
_DISCLAIMER_SUBSTANCE = re.compile(
    r"\b(?:may|can|could|might) (?:lose|fall in|go down in|drop in) value\b|\bnot (?:a )?deposits?\b"
    r"|\bnot (?:covered|insured|protected) by deposit insurance\b|\bcapital (?:is )?at risk\b"
    r"|\b(?:may|can|could|might) (?:lose|result in (?:a )?loss of) (?:money|capital|some|part|all|principal)"
    r"|\bco the (?:mat von|lo|bi lo|giam gia tri|mat mot phan)|\bkhong phai (?:la )?tien gui\b"
    r"|\bkhong duoc bao hiem tien gui\b|\brui ro mat von\b"
)


def _has_disclaimer(folded: FoldedText) -> bool:
    return bool(_DISCLAIMER_SUBSTANCE.search(folded.text))


def _missing_disclaimer(folded: FoldedText) -> Iterator[Finding]:
    mentions = _investment_mentions(folded)
    if mentions and not _has_disclaimer(folded):
        start, end = mentions[0]
        yield Finding(
            flag=MISSING_RISK_DISCLAIMER,
            evidence=folded.evidence(start, end),
            reason="mentions an investment product without the risk disclaimer (may lose value, not a deposit)",
        )


def _pii(text: str) -> Iterator[Finding]:
    for number in _personal_numbers(text):
        yield Finding(
            flag=PII_EXPOSURE,
            evidence=text[number.start : number.end].strip(),
            reason=f"a full {number.kind} number: mask all but the last 4 digits",
        )
    folded = FoldedText.of(text)
    addressee = _addressee(text)
    for start, end in _sentences_of(folded):
        sentence = folded.text[start:end]
        if not (_AMOUNT.search(sentence) and _MONEY_MOVED.search(sentence)):
            continue
        kin = next((match for match in _THIRD_PARTY.finditer(sentence) if _as_written(folded, start, match)), None)
        named = None if kin else _someone_else(folded, start, end, addressee)
        if kin or named:
            evidence = folded.evidence(start + kin.start(), start + kin.end()) if kin else named.group(0)  # type: ignore[union-attr]
            yield Finding(
                flag=PII_EXPOSURE,
                evidence=evidence,
                reason="tells the client about another person's money (a family member's or another client's)",
            )


#: A person by title and name, as written ("chị Hằng", "Mrs. Schneider's", "anh Cường").
_TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|[Aa]nh|[Cc]hị|[Cc]ô|[Cc]hú|[Bb]ác|[Ôô]ng|[Bb]à|[Ee]m|[Aa]|[Cc])\.?\s+"
    r"([^\W\d_]+)(?:'s)?"
)


def _addressee(text: str) -> str | None:
    """The name the message opens with ("Dear Ms. Moreau", "Chào chị Lan"): the client it is written to."""
    first = next((match for match in _TITLED_NAME.finditer(text[:160]) if match.group(1)[0].isupper()), None)
    return first.group(1) if first else None


def _someone_else(folded: FoldedText, start: int, end: int, addressee: str | None) -> re.Match[str] | None:
    """A titled name in the sentence that is not the addressee's: another client ("chị Hằng bên Ciputra")."""
    original_start, original_end = folded.span(start, end)
    for match in _TITLED_NAME.finditer(folded.original, original_start, original_end):
        if addressee is not None and match.group(1)[0].isupper() and match.group(1) != addressee:
            return match
    return None


def _as_written(folded: FoldedText, offset: int, match: re.Match[str]) -> bool:
    """A kinship word typed as itself: without accents ("vo", "bo"), or with its own ("vợ", "bố") — not another
    word that folds to it ("vô", "phân bổ")."""
    written = folded.evidence(offset + match.start(), offset + match.end()).casefold()
    return written.isascii() or written in _THIRD_PARTY_ACCENTED


#: Someone other than the client: family, a colleague, "she/he" in an English note about a third person.
_THIRD_PARTY = re.compile(
    r"\b(?:(?:anh|chi|em|ong|ba|co|chu) \w+ nha (?:c|chi|a|anh|em|co|chu|bac)"  # "anh Cường nhà chị"
    r"|(?<!gui )(?<!chuyen )(?<!nap )(?<!bo )(?<!dua )vo(?! (?:so|tk|tai khoan|quy|the|day))"
    r"|chong|chi nha|anh nha|em gai|em trai|anh trai|chi gai|bo(?! (?:vao|ra|tien|von|qua|lo|sung))|me"
    r"|con (?:trai|gai)|ba xa|ong xa"
    r"|giam doc|sep|dong nghiep|ban (?:cua|anh|chi)"
    r"|(?:your|his|her|their|my) (?:wife|husband|sister|brother|mother|father|son|daughter)"
    r"|phu nhan|colleague|partner|friend|neighbou?r|boss|she|he)\b"
)
_THIRD_PARTY_ACCENTED = frozenset(
    ("vợ", "chồng", "chị nhà", "anh nhà", "em gái", "em trai", "anh trai", "chị gái", "bố", "mẹ", "con trai")
) | {"con gái", "bà xã", "ông xã", "giám đốc", "sếp", "đồng nghiệp", "bạn của", "bạn anh", "bạn chị", "phu nhân"}
_AMOUNT = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:ty|ti|trieu|tr|billion|bn|million|m)\b|\bvnd\s?\d")
_MONEY_MOVED = re.compile(
    r"\b(?:gui|vao|chot|mua|dau tu|rut|chuyen|renewed|moved|invested|put|deposited|bought|placed|transferred"
    r"|opened|tai tuc|matures?|maturing|dao han)\b"
)


def _unsuitable(
    folded: FoldedText, client: Mapping[str, Any] | None, products: Sequence[Mapping[str, Any]]
) -> Iterator[Finding]:
    if not client:
        return
    risk_profile = str(client.get("risk_profile") or "").lower()
    segment = str(client.get("segment") or "")
    offered = _offer_text(folded)
    if risk_profile == "conservative":
        growth = [product for product in products if str(product.get("category") or "") in GROWTH_CATEGORIES]
        spans = [span for product in growth for span in _mentions(offered, product)]
        spans = spans or _investment_mentions(FoldedText.of(offered))  # same length: spans carry over
        if spans:
            start, end = min(spans)
            yield Finding(
                flag=UNSUITABLE_PRODUCT,
                evidence=folded.evidence(start, end),
                reason="the client's risk profile is conservative: investment products must not be offered",
            )
    elif risk_profile == "balanced":
        for product in products:
            if _high_risk(product):
                for start, end in _mentions(offered, product)[:1]:
                    yield Finding(
                        flag=UNSUITABLE_PRODUCT,
                        evidence=folded.evidence(start, end),
                        reason=f"the client's risk profile is balanced: {product.get('name')} is a high-risk product",
                    )
    if segment:
        for product in products:
            segments = _segments(product)
            if segments and segment not in segments:
                for start, end in _mentions(offered, product)[:1]:
                    yield Finding(
                        flag=UNSUITABLE_PRODUCT,
                        evidence=folded.evidence(start, end),
                        reason=f"{product.get('name')} targets {', '.join(segments)} clients; this client is {segment}",
                    )


#: What the suitability policy calls high-risk (growth) products, when a catalog row does not say its risk.
_GROWTH_PRODUCT_NAME = re.compile(r"\b(?:premier invest|equity|stocks?|growth|co phieu|tang truong)\b")


def _high_risk(product: Mapping[str, Any]) -> bool:
    risk = str(product.get("risk") or "").lower()
    if risk:
        return risk == "high"
    name = _fold(f"{product.get('name') or ''} {str(product.get('code') or '').replace('_', ' ')}")
    return str(product.get("category") or "") == "investment" and bool(_GROWTH_PRODUCT_NAME.search(name))


def _offer_text(folded: FoldedText) -> str:
    """The folded text with disclaimer sentences blanked (same length), so a disclaimer is not an offer."""
    chars = list(folded.text)
    for start, end in _sentences_of(folded):
        sentence = folded.text[start:end]
        if _is_disclaimer_span(sentence) or _NOT_AN_OFFER.search(sentence):
            chars[start:end] = " " * (end - start)
    return "".join(chars)


#: A sentence that keeps a product from the client ("không phù hợp với chị", "isn't a product I can recommend")
#: or only reports what the client asked ("cô hỏi em về quỹ đầu tư", "your question about Premier Invest").
_NOT_AN_OFFER = re.compile(
    r"\b(?:hoi|question|asked|enquiry|inquiry|enquired) (?:\w+ ){0,2}(?:ve|about|regarding)\b"
    r"|\b(?:khong|chua) (?:\w+ ){0,2}(?:phu hop|tu van|ap dung|chao|danh cho)\b|\bnot (?:\w+ ){0,2}suitable\b"
    r"|\bunsuitable\b|\b(?:isn't|is not|not) (?:a product|something) (?:i|we)\b"
    r"|\b(?:can't|cannot|not able to|unable to) (?:\w+ ){0,2}recommend\b|\bnot (?:available|eligible)\b"
)


def _misleading_rates(folded: FoldedText, products: Sequence[Mapping[str, Any]]) -> Iterator[Finding]:
    for start, end in _sentences_of(folded):
        sentence = folded.text[start:end]
        for match in _UP_TO.finditer(sentence):
            if match.group(0).startswith("den") and not re.search(r"\b(?:len|cao)\s*$", sentence[: match.start()]):
                continue
            if _NOT_A_RATE_AFTER.match(sentence[match.end() :]):
                continue
            if _RATE_CONTEXT.search(sentence) and not _RATE_CONDITIONS.search(sentence):
                yield Finding(
                    flag=MISLEADING_RATE,
                    evidence=folded.evidence(start + match.start(), start + match.end()),
                    reason='"up to" a rate without its conditions (tenor, minimum amount, how interest is paid)',
                )
        yield from _catalog_mismatches(folded, start, sentence, products)


def _catalog_mismatches(
    folded: FoldedText, offset: int, sentence: str, products: Sequence[Mapping[str, Any]]
) -> Iterator[Finding]:
    """A product named in the sentence with rate(s) none of which is its catalog rate."""
    rates = [
        (match.start(), _rate(match.group(1)), match.end())
        for match in _PERCENT.finditer(sentence)
        if not _NOT_A_RATE_AFTER.match(sentence[match.end() :])
    ]
    if not rates:
        return
    named = [
        (span, product)
        for product in products
        if product.get("rate_pct") is not None
        for span in _mentions(sentence, product)[:1]
    ]
    if not named:
        return
    by_product: dict[str, list[tuple[int, float, int]]] = {}
    for position, value, end in rates:  # each rate belongs to the nearest named product
        (_, product) = min(named, key=lambda item: abs(item[0][0] - position))
        by_product.setdefault(str(product.get("code")), []).append((position, value, end))
    for _, product in named:
        quoted = by_product.get(str(product.get("code")), [])
        catalog = float(product["rate_pct"])
        if quoted and all(abs(value - catalog) > 0.005 for _, value, _ in quoted):
            position, value, end = quoted[0]
            yield Finding(
                flag=MISLEADING_RATE,
                evidence=folded.evidence(offset + position, offset + end),
                reason=f"{product.get('name')} is quoted at {value:g}% but the catalog rate is {catalog:g}%",
            )


def check_message(
    text: str,
    *,
    language: str | None = None,
    client: dict[str, Any] | None = None,
    products: Sequence[dict[str, Any]] = (),
) -> list[Finding]:
    """Every breach of the communication rules in an outgoing message, in text order (one per flag and span).

    ``language`` is accepted for symmetry (both languages' rules always apply, a message may mix them);
    ``client`` (``risk_profile``, ``segment``) enables the suitability rule, ``products`` (catalog rows with
    ``name``, ``code``, ``category``, ``rate_pct``, ``target_segments``) the segment and catalog-rate rules.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if language is not None:
        _checked_language(language)
    folded = FoldedText.of(text)
    findings = [
        *_guaranteed_returns(folded),
        *_missing_disclaimer(folded),
        *_pressure(folded),
        *_pii(text),
        *_unsuitable(folded, client, products),
        *_misleading_rates(folded, products),
    ]
    return merged_findings(text, findings)


def merged_findings(text: str, findings: list[Finding]) -> list[Finding]:
    """One finding per flag and place: overlapping spans of one flag become their union, in text order."""
    located: list[tuple[int, int, Finding]] = []
    for finding in findings:
        start = text.find(finding.evidence)
        start = start if start >= 0 else len(text)
        located.append((start, start + len(finding.evidence), finding))
    located.sort(key=lambda item: (item[0], FLAGS.index(item[2].flag)))
    merged: list[tuple[int, int, Finding]] = []
    for start, end, finding in located:
        previous = next((item for item in reversed(merged) if item[2].flag == finding.flag), None)
        if previous is not None and start < previous[1] and start < len(text):
            index = merged.index(previous)
            union_end = max(end, previous[1])
            evidence = text[previous[0] : union_end].strip()
            merged[index] = (previous[0], union_end, previous[2].model_copy(update={"evidence": evidence}))
            continue
        merged.append((start, end, finding))
    return [finding for _, _, finding in merged]


# ----- repair -----------------------------------------------------------------------------------------------------


def _is_frame_line(line: str) -> bool:
    """A salutation / sign-off / signature line: short, no full stop; ``enforce_policy`` leaves it alone."""
    stripped = line.strip()
    words = stripped.split()
    return bool(stripped) and len(words) <= 8 and not re.search(r"[.!?]\s|[.!?]$", stripped)


def _drop_sentences(text: str, findings: list[Finding]) -> tuple[str, list[str]]:
    bad = [finding.evidence for finding in findings if finding.flag in DROPPED_SENTENCE_FLAGS]
    removed: list[str] = []
    lines: list[str] = []
    for line in text.split("\n"):
        if _is_frame_line(line) or not any(evidence in line for evidence in bad):
            lines.append(line)
            continue
        kept_parts = []
        for start, end in _sentence_spans(line):
            sentence = line[start:end]
            if any(evidence in sentence for evidence in bad):
                removed.append(sentence.strip())
            else:
                kept_parts.append(sentence)
        kept = "".join(kept_parts).rstrip()
        indent = line[: len(line) - len(line.lstrip())]
        if kept.strip():
            lines.append(indent + kept.lstrip() if not kept.startswith(indent) else kept)
        else:
            lines.append(None)  # type: ignore[arg-type]  # marks a line emptied by the repair
    result: list[str] = []
    for line in lines:
        if line is None:
            continue
        if not line.strip() and result and not result[-1].strip():
            continue  # two blank lines where a paragraph went
        result.append(line)
    return "\n".join(result), removed


def _mask_numbers(text: str) -> tuple[str, list[str]]:
    numbers = _personal_numbers(text)
    notes: list[str] = []
    for number in reversed(numbers):
        masked = MASK + number.digits[-4:]
        raw = text[number.start : number.end]
        trailing = raw[len(raw.rstrip()) :]
        text = text[: number.start] + masked + trailing + text[number.end :]
        notes.insert(0, f"{number.kind} number masked as {masked}")
    return text, notes


def _insert_before_signoff(text: str, paragraph: str) -> str:
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    content = [index for index, line in enumerate(lines) if line.strip()]
    tail = content[-3:]
    signoff = next(
        (index for index in tail if _is_frame_line(lines[index]) and lines[index].strip().endswith(",")), None
    )
    if signoff is None or signoff == content[0]:
        return "\n".join([*lines, "", paragraph]) if lines else paragraph
    head = lines[:signoff]
    while head and not head[-1].strip():
        head.pop()
    return "\n".join([*head, "", paragraph, "", *lines[signoff:]])


def enforce_policy(text: str, *, language: str) -> PolicyResult:
    """Repair a message: drop sentences that promise returns, pressure or misquote rates; mask personal numbers
    (last 4 digits kept); add the risk disclaimer where investment content lacks one.

    Lines are kept as they were otherwise; salutation and sign-off lines are never touched. What the repair
    cannot fix (e.g. an unsuitable product, which needs the RM's judgement) stays in ``findings``.
    """
    language = _checked_language(language)
    findings = check_message(text, language=language)
    repaired, removed = _drop_sentences(text, findings)
    repaired, masked = _mask_numbers(repaired)
    added: list[str] = []
    folded = FoldedText.of(repaired)
    if _investment_mentions(folded) and not _has_disclaimer(folded):
        disclaimer = risk_disclaimer(language)
        repaired = _insert_before_signoff(repaired, disclaimer)
        added.append(disclaimer)
    if removed or masked or added:
        logger.info(
            "policy repair: %d sentence(s) dropped, %d number(s) masked, %d added",
            len(removed),
            len(masked),
            len(added),
        )
    return PolicyResult(
        text=repaired, removed=[*removed, *masked], added=added, findings=check_message(repaired, language=language)
    )


# ----- an RM's own drafting rules ---------------------------------------------------------------------------------

_RULE_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (flag, re.compile(pattern), reason)
    for flag, pattern, reason in (
        (
            GUARANTEED_RETURN,
            r"\b(?:guarantee[ds]?|promise[ds]?|risk[- ]free|no risk|cam ket|dam bao|hua)\b.{0,40}"
            r"\b(?:returns?|profits?|yields?|gains?|interest|rates?|loi nhuan|lai suat|lai|sinh loi)\b"
            r"|\b(?:returns?|profits?|yields?|rates?|interest|loi nhuan|lai suat|lai)\b.{0,25}"
            r"\b(?:guaranteed|cam ket|dam bao|chac chan)\b",
            "promising returns breaks the no-guaranteed-returns rule",
        ),
        (
            PII_EXPOSURE,
            r"\b(?:full|complete|entire|whole|unmasked|day du|toan bo|nguyen)\b.{0,30}"
            r"\b(?:account|card|id|cccd|cmnd|passport|tai khoan|stk|so the|can cuoc)"
            r"|\b(?:include|add|write|show|put|give|quote|ghi|kem|dien|dua)\b.{0,30}"
            r"\b(?:account numbers?|card numbers?|national id|id numbers?|cccd|cmnd"
            r"|so tai khoan|so the|stk|so can cuoc)\b",
            "full account, card or ID numbers must be masked (last 4 digits only)",
        ),
        (
            PRESSURE_TACTIC,
            r"\b(?:push|pressure|rush|hurry|urge|nudge|force)\w*\b.{0,30}\b(?:decide|sign|commit|buy|today|now|quickly)\b"
            r"|\b(?:create|add|use|build)\b.{0,15}\burgency\b|\bfomo\b|\bdecide (?:today|now|immediately)\b"
            r"|\b(?:hoi thuc|giuc|thuc ep|ep)\b.{0,30}\b(?:khach|quyet dinh|ky)\b|\bkhan cap\b"
            r"|\bquyet dinh (?:ngay|trong hom nay)\b",
            "urging a client to decide now is a pressure tactic",
        ),
        (
            MISSING_RISK_DISCLAIMER,
            r"\b(?:skip|omit|drop|remove|leave out|no|never (?:add|include|put|mention)"
            r"|don'?t (?:add|include|put|mention)|do not (?:add|include|put|mention)|without)\b.{0,25}"
            r"\b(?:disclaimers?|risk warnings?|risk statements?|risks?)\b"
            r"|\b(?:bo|bo qua|khong (?:can )?(?:ghi|nhac|neu|dua|them)|dung (?:ghi|nhac|neu))\b.{0,25}"
            r"\b(?:rui ro|canh bao|mien tru|tuyen bo)\b",
            "investment messages must carry the risk disclaimer",
        ),
        (
            MISLEADING_RATE,
            r"\b(?:quote|state|mention|say|give|write|use|show)\w*\b.{0,30}\b(?:highest|best|maximum|max|top)\b.{0,15}\brates?\b"
            r"|\brates?\b.{0,20}\bwithout\b.{0,20}\b(?:conditions?|terms|tenor|minimum)"
            r"|\bup to \d+(?:[.,]\d+)?\s?%|\bround(?:ed|ing)? (?:up )?(?:the )?rates?\b"
            r"|\blai suat cao nhat\b|\bkhong (?:can )?(?:ghi|neu) (?:dieu kien|ky han)\b"
            r"|\blen (?:den|toi) \d+(?:[.,]\d+)?\s?%",
            "rates must be quoted as in the catalog, with their conditions",
        ),
        (
            UNSUITABLE_PRODUCT,
            r"\b(?:offer|recommend|pitch|sell|propose|push)\w*\b.{0,40}"
            r"\b(?:every(?:one| client)?|all clients|all customers|any client|regardless|conservative)\b"
            r"|\bregardless of (?:their |the )?(?:risk|profile|segment)"
            r"|\b(?:chao|ban|gioi thieu|tu van)\b.{0,40}\b(?:moi khach|tat ca khach|than trong|bat ke)\b",
            "products must match the client's risk profile and segment",
        ),
    )
)
_UNSUITABLE_NEEDS = re.compile(
    r"\b(?:invest\w*|funds?|stocks?|shares|bonds?|premier|dau tu|quy|co phieu|trai phieu|chung khoan)\b"
)


def rule_conflicts(rule_text: str) -> list[Finding]:
    """The communication rules an RM's own drafting rule would make a draft break; ``[]`` for a harmless rule."""
    if not isinstance(rule_text, str):
        raise TypeError(f"rule_text must be a string, got {type(rule_text).__name__}")
    folded = FoldedText.of(rule_text)
    findings: list[Finding] = []
    for flag, pattern, reason in _RULE_PATTERNS:
        match = pattern.search(folded.text)
        if match is None:
            continue
        if flag == PII_EXPOSURE and re.search(r"\bmask|\blast (?:4|four)\b|\b4 so cuoi\b|\bche\b", folded.text):
            continue
        if flag == GUARANTEED_RETURN and _negated(folded.text, match.start()):
            continue
        if flag == UNSUITABLE_PRODUCT and not _UNSUITABLE_NEEDS.search(folded.text):
            continue
        findings.append(Finding(flag=flag, evidence=folded.evidence(match.start(), match.end()), reason=reason))
    for finding in check_message(rule_text):  # a rule that quotes forbidden wording ("say 'only today'")
        if finding.flag in (PRESSURE_TACTIC, GUARANTEED_RETURN) and all(
            existing.flag != finding.flag for existing in findings
        ):
            findings.append(finding)
    return findings
