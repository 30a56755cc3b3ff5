"""Which words of a request an answer did not use: the coverage check every answer about the book goes through.

A request's *modifiers* (a segment, an aggregate such as "average", a breakdown "by product", a period "last
week", a list, a risk profile, a channel, a city) change what the right answer is. Each is a concept with its
English and Vietnamese words (with or without diacritics, folded). The room says in its ``understood_as``
line what it computed, in the same words; a concept of the request that its line does not carry was not
honoured, and the answer names it instead of silently answering a narrower question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.core.text import FoldedText


@dataclass(frozen=True)
class Concept:
    #: What was asked, as a key: "segment:Diamond", "aggregate:average", "period:last_week", "by:product".
    key: str
    #: The request's own words for it (what the answer names when it is not honoured).
    words: str


#: key → the folded phrases that say it (a request and an understood-as line are read with the same table).
_TABLE: tuple[tuple[str, str], ...] = (
    ("segment:Diamond", r"diamond|kim cuong"),
    ("segment:Platinum", r"platinum|bach kim"),
    ("segment:Gold", r"gold|(?:hang|phan khuc|khach|kh) vang"),
    ("segment:Standard", r"standard|pho thong"),
    ("aggregate:average", r"average|avg|mean|trung binh|binh quan"),
    ("aggregate:median", r"median|trung vi"),
    ("aggregate:max", r"highest|largest|biggest|maximum|cao nhat|lon nhat"),
    ("aggregate:min", r"lowest|smallest|minimum|thap nhat|nho nhat"),
    ("aggregate:share", r"share of|percentage|percent of|ratio|ty le|ti le|phan tram"),
    ("by:segment", r"(?:by|per|across) segments?|theo phan khuc|tung phan khuc"),
    ("by:product", r"(?:by|per) (?:product(?: type)?|type of product|account (?:type|kind))|theo (?:san pham|loai)"),
    ("by:month", r"(?:by|per) month|month by month|monthly|theo thang|tung thang"),
    ("by:week", r"(?:by|per) week|week by week|weekly|theo tuan|tung tuan"),
    ("by:city", r"(?:by|per) (?:city|branch|region)|theo (?:thanh pho|chi nhanh|khu vuc|tinh)"),
    ("by:channel", r"(?:by|per) channel|theo kenh"),
    ("by:risk", r"(?:by|per) risk(?: profile)?|theo (?:khau vi|muc do) rui ro"),
    ("by:client", r"(?:by|per) client|(?:for )?each client|theo (?:tung )?khach hang|moi khach"),
    ("period:today", r"today|hom nay"),
    ("period:yesterday", r"yesterday|hom qua"),
    ("period:this_week", r"this week|tuan nay"),
    ("period:last_week", r"last week|previous week|past week|tuan truoc|tuan roi|tuan vua roi"),
    ("period:next_week", r"next week|tuan sau|tuan toi"),
    ("period:this_month", r"this month|month to date|mtd|thang nay"),
    ("period:last_month", r"last month|previous month|thang truoc|thang roi"),
    ("period:next_month", r"next month|thang sau|thang toi"),
    ("period:this_quarter", r"this quarter|quarter to date|qtd|quy nay"),
    ("period:last_quarter", r"last quarter|previous quarter|quy truoc"),
    ("period:this_year", r"this year|nam nay"),
    ("period:ytd", r"year to date|ytd|tu dau nam"),
    ("period:last_year", r"last year|nam ngoai|nam truoc"),
    ("period:days", r"(?:last|past|next|in the next|in the last) \d+ days?|\d+ ngay (?:qua|toi|nua|gan day)"),
    ("risk:conservative", r"conservative|than trong"),
    ("risk:balanced", r"balanced|can bang"),
    ("risk:growth", r"growth investors?|growth risk|growth profile|(?:khau vi|rui ro|nha dau tu) tang truong"),
    ("channel:zalo", r"(?:by|via|through|on|qua|bang) zalo"),
    ("channel:email", r"(?:by|via|through|qua|bang) e-?mail"),
    ("channel:meeting", r"in person|face to face|meetings|gap mat|gap truc tiep"),
    ("channel:call", r"phone calls|cuoc goi dien thoai"),
    ("city:Hanoi", r"ha ?noi"),
    ("city:HCMC", r"hcmc|ho chi minh|sai ?gon|saigon|tp ?hcm"),
    ("city:Da Nang", r"da ?nang"),
    ("list:clients", r"list|liet ke|danh sach"),
)  # fmt: skip
_PATTERNS = tuple((key, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")) for key, pattern in _TABLE)


def concepts(text: str) -> list[Concept]:
    """The modifiers a text asks for (or an understood-as line says it honoured), in the order written, each with
    the text's own words for it."""
    folded = FoldedText.of(" ".join(text.split()))
    found: dict[str, tuple[int, str]] = {}
    for key, pattern in _PATTERNS:
        match = pattern.search(folded.text)
        if match and key not in found:
            found[key] = (match.start(), folded.evidence(match.start(), match.end()))
    return [Concept(key, words) for key, (_, words) in sorted(found.items(), key=lambda item: item[1][0])]


def uncovered(request: str, understood_as: str) -> list[Concept]:
    """The request's modifiers that ``understood_as`` does not carry: what the answer must name."""
    understood = {concept.key for concept in concepts(understood_as)}
    return [concept for concept in concepts(request) if concept.key not in understood]
