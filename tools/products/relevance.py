"""Relevance between what a client does or an RM asks and the bank's product sheets: TF-IDF over the sheets' words
(seed 002), with the bridge words that turn a transaction or a need ("travel", "bay Singapore") into the words sheets
use ("lounge", "airport", "foreign spending").
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping

from tools.core.text import fold

#: What a transaction's category, counterparty or description says, in the words product sheets use (folded
#: patterns → words). The seed's TF-IDF compares the client's behaviour with the sheets; these bridge the two.
NEED_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"travel|airline|airways|vietjet|bamboo|hotel|agoda|booking|traveloka|du lich|ve may bay|khach san|duty free|"
        r"fl(?:y|ies|ying|ights?)\b|di bay|bay (?:di|sang|ra|qua)|chuyen bay|abroad|overseas|nuoc ngoai",
        "travel lounge airport abroad foreign spending travel insurance",
    ),
    (
        r"health|hospital|clinic|pharma|medical|medic|doctor|benh vien|nha thuoc|phong kham|y te|kham",
        "critical illness life cover protect insurance health",
    ),
    (
        r"shopping|supermarket|grocer|coop|co op|winmart|bach hoa|lotte|aeon|big c|mart|sieu thi|"
        r"cho (?:dem|ben thanh|dau moi)",
        "supermarkets cash back spending",
    ),
    (
        r"education|tuition|school|university|hoc phi|dai hoc|du hoc|"
        r"truong (?:hoc|mam non|mau giao|tieu hoc|thcs|thpt|lien cap|quoc te|dai hoc|cao dang)",
        "savings flexible withdraw education",
    ),
    (r"salary|payroll|luong", "salary current account debit card transfers"),
    (
        r"business|sales|supplier|invoice|receipt|revenue|wholesale|doanh thu|hang hoa|nha cung cap|ban hang|company",
        "business working-capital trading business owners",
    ),
    (
        r"solar|pin mat troi|dien mat troi|electric vehicle|xe dien|energy|nang luong",
        "green solar energy-efficient electric vehicles green investment",
    ),
    (
        r"property|real estate|apartment|can ho|chung cu|bat dong san|mua nha|nha dat|land|townhouse|mua can|"
        r"can dau tien|first (?:home|flat)|buying a (?:house|flat|home)|purchas\w* a \S+ ?(?:house|flat|home)",
        "home mortgage property",
    ),
    (
        r"renovat|improvement|construction|furniture|noi that|xay dung|sua nha|interior|vat lieu",
        "renovation home owners",
    ),
    (
        r"\bcar\b|auto|toyota|honda|hyundai|kia|mazda|ford|vinfast|vf ?\d|showroom|o to|oto|xe hoi|"
        r"(?:mua|vay|tra gop|doi) xe|con xe|xe \d cho|lan banh",
        "car loan",
    ),
    (
        r"insurance|bao hiem|premium|dies?\b|death|cancer|critical|illness|ung thu|benh hiem ngheo|qua doi|"
        r"breadwinner|tru cot|protect\w*|bao ve|family covered|benh nang|om nang|menh he|"
        r"co chuyen (?:gi|chi|j)|\bcover\w*|provided for|should (?:he|she) die|sole earner|fall seriously|"
        r"(?:one|the other) (?:dies|mat)|mat som|"
        r"seriously ill|giai doan \d|gong no|lo truoc|nuoi con",
        "life cover protect insurance critical illness term life",
    ),
    (
        r"emergenc\w*|part of it|partial|any ?time|whenever|bat cu luc nao|rut mot phan|du phong|khan cap|"
        r"access (?:to )?(?:his |her |the |their )?(?:money|cash|funds)|can rut|rut (?:ra )?duoc|linh hoat|"
        r"any day|short notice|take (?:the )?(?:money|it|cash) out|draw on (?:it )?at any|phong than|"
        r"(?:dut|rut) (?:ra|duoc)|dut mot it|rainy day",
        "withdraw part balance any time flexible savings",
    ),
    (
        r"fixed rate|lock in|locked|won'?t touch|at maturity|co dinh|cuoi ky|ky han|term deposit|tien gui|"
        r"gui tiet kiem",
        "fixed rate interest paid at maturity certificate deposit term",
    ),
    (
        r"kitchen|bathroom|redo|repaint|contractor|extension|floor|bep|nha ve sinh|cai tao|sua chua|chong tham|"
        r"nang nen|lot gac|lam lai (?:nha|bep|mat tien|toan bo)|waterproof\w*|re-?roof\w*|xua nha|sua lai|mai dot|"
        r"dot nat|sua mai|leak\w* roof",
        "renovation home owners",
    ),
    (
        r"stock up|inventory|revolving|credit line|working capital|nhap hang|von luu dong|xoay vong|han muc|"
        r"om hang|rut den (?:do|day)|draw (?:it )?(?:when|as) (?:needed|orders)|von xoay",
        "working-capital revolving draw down business",
    ),
    (r"government bond|bonds?|trai phieu|coupon", "bond fund government corporate bonds"),
    (
        r"better (?:yield|return|rate|interest)|higher (?:yield|return|rate|interest)|more interest|yield|"
        r"lai (?:suat )?(?:cao|tot)|sinh loi|loi suat|lai hon|lai deu|giu von|an toan|khong (?:muon )?mat von|"
        r"safe\w*|capital (?:protect|guarant)\w*|steady (?:interest|income)|lose (?:any )?(?:capital|money)|"
        r"capital loss|mat (?:dong|tien)|untouched|known rate",
        "fixed rate interest certificate deposit bond fund returns",
    ),
    (
        r"portfolio|equit\w*|\bstocks\b|shares|co phieu|danh muc|managed|quan ly chuyen nghiep",
        "premier invest portfolio equities growth managed",
    ),
    (
        r"relationship manager|dedicated|international transfer|chuyen tien quoc te|priority banking|"
        r"send\w* (?:money|tuition|funds) (?:to|abroad|overseas)|transfer\w* abroad|fees? on each transfer|"
        r"(?:chuyen|gui) tien (?:cho con|qua|sang|ra nuoc ngoai|di nuoc ngoai)",
        "premier dedicated relationship manager international transfers airport lounge",
    ),
    (
        r"xe tai dien|oto tai dien|oto dien|electric (?:truck|van|bus)|xe dien|ev\b|pin mat troi|tam pin|ap mai|"
        r"tiet kiem dien|giam tien dien",
        "green solar energy-efficient electric vehicles green investment",
    ),
    (r"salary|nhan luong|contactless|khong tiep xuc|debit", "salary current account debit card contactless"),
    (
        r"quet(?: the)?|the (?:quet|ghi no|atm|debit|napas)|swipe|pay by card|pay at the \w+ without cash",
        "debit card contactless payments",
    ),
    (r"cash ?back|hoan tien|hoan lai|tra lai (?:chut|it|\d)|supermarket|sieu thi", "cash back supermarkets"),
    (r"invest|securities|\bstocks\b|chung khoan|\bfund\b|\bquy\b", "investment fund returns growth bond"),
)
#: Each pattern from a word's start ("auto" is not "autumn"); stems ("renovat") may end anywhere.
_COMPILED = tuple((re.compile(rf"\b(?:{pattern})"), words) for pattern, words in NEED_WORDS)
_TOKEN = re.compile(r"[a-z]{3,}")
#: Words every sheet and every need uses, in both languages: they say nothing about which product fits.
_COMMON = frozenset(
    """the and for with from that this are not any all can has have per year years month months each its your
    khong cho cua duoc nhung cac mot nay khi hoac trong theo tren duoi sau truoc tai lai nam thang moi hang
    khach hang voi cung nhu neu thi rat nhieu them muon can
    nha nhe thoi luon dzay hok hong tui roi anh ong mun nao sao gium dum cai kia""".split()  # noqa: SIM905
)


def expansions(text: str) -> list[str]:
    return list(_expansions(text))


@functools.lru_cache(maxsize=65_536)
def _expansions(text: str) -> tuple[str, ...]:
    """Read once per text: a batch meets the same categories and counterparties for every client and product."""
    folded = fold(text)
    return tuple(words for pattern, words in _COMPILED if pattern.search(folded))


def tokens(text: str) -> list[str]:
    """The words that can tell products apart, and each pair of neighbours ("nhan luong" is not "nhan tho")."""
    words = [token for token in _TOKEN.findall(fold(text)) if token not in _COMMON]
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]


def tfidf(documents: Mapping[str, str]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    tokenized = {key: Counter(tokens(text)) for key, text in documents.items()}
    frequency: Counter[str] = Counter()
    for counts in tokenized.values():
        frequency.update(set(counts))
    total = len(documents)
    idf = {term: math.log((1 + total) / (1 + count)) + 1.0 for term, count in frequency.items()}
    vectors = {}
    for key, counts in tokenized.items():
        vector = {term: (1 + math.log(count)) * idf[term] for term, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors[key] = {term: value / norm for term, value in vector.items()}
    return vectors, idf


def cosine(query: Mapping[str, float], vector: Mapping[str, float], idf: Mapping[str, float]) -> float:
    weighted = {term: value * idf.get(term, 0.0) for term, value in query.items()}
    norm = math.sqrt(sum(value * value for value in weighted.values())) or 1.0
    return sum(value * vector.get(term, 0.0) for term, value in weighted.items()) / norm
