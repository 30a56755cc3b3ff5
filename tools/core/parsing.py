"""Deterministic parsing of what RMs write: money amounts and relative dates, English and Vietnamese.

These are the code half of the "verbatim span" contract: a model (or the rules
here) finds the span, e.g. ``800m vnd`` or ``thứ 4 tuần sau``, and only this code
turns it into a number or a date. Vietnamese is matched with and without
diacritics, because RMs type both.

Amounts: ``triệu``/``tr``/``củ``/``m``/``million`` = 10^6 VND; ``tỷ``/``ty``/``tỏi``/
``bn``/``b``/``billion`` = 10^9; ``k``/``nghìn``/``ngàn`` = 10^3; "1.2 tỷ" and
"1,2 tỷ" are both 1.2 × 10^9 (before a unit a single separator is always the
decimal point); "1 tỷ 2", "1ty2" and "1 tỷ 200 triệu" are 1.2 × 10^9; bare "800.000.000đ" or
"VND 800,000,000" are read with thousands separators.

Dates, relative to the RM's today (Asia/Ho_Chi_Minh): tomorrow / ngày mai is
the next calendar day, weekends included; "next <weekday>" and a bare weekday
are the first such weekday after today; "thứ X tuần sau" is weekday X of the
next Monday–Sunday week ("T2" … "T7" are thứ 2 … thứ 7); end of the month / cuối tháng is its last day; "in N
days/weeks" (a fortnight: 14 days), "N ngày nữa", "by the 14th" (this month's, or next month's once past),
"T+2" / "within 5 business days" (Mon–Fri),
"end-Nov" (that month's last day), explicit dates (25/10, 25/10/2025, 2025-10-25,
Oct 25, 25 October). "by <date>" means due on that date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tools.core.text import fold_chars, normalize_phone

# ----- amounts -------------------------------------------------------------------------------

_UNIT_MULTIPLIERS: dict[str, int] = {
    "ty": 10**9, "ti": 10**9, "toi": 10**9, "bn": 10**9, "b": 10**9, "bil": 10**9, "billion": 10**9,
    "billions": 10**9, "trieu": 10**6, "tr": 10**6, "cu": 10**6, "m": 10**6, "mil": 10**6, "mn": 10**6,
    "million": 10**6, "millions": 10**6, "mio": 10**6, "chai": 10**6, "k": 10**3, "nghin": 10**3, "ngan": 10**3,
    "thousand": 10**3,
}  # fmt: skip
_UNITS = "|".join(sorted(_UNIT_MULTIPLIERS, key=len, reverse=True))
_NUMBER = r"\d+(?:[.,]\d+)*"
# "1 tỷ 2" / "1 ty 200": a second number right after the unit, in the next unit down.
_AMOUNT = re.compile(
    rf"(?:(?<![\w.,])|(?<=vnd)|(?<=VND))(?P<number>{_NUMBER})\s*(?P<unit>{_UNITS})(?![a-z²])(?!(?<=[^yiru])\d)"
    # "1ty5", "1tr2": a tail glued to the unit is one; after a space it must not start something else
    rf"(?:(?<=[yiu])(?P<glued>\d{{1,3}})(?![\d.,%/])|"
    rf"\s*(?P<tail>\d{{1,3}}|ruoi\b)(?![\d.,]*\s*(?:{_UNITS}|%|m2|nam|năm|thang|ngay|tuan|days?|weeks?|months?|years?)\b))?"
    rf"(?:\s*(?:vnd|vnđ|dong|d|đ)\b)?",
)
_PLAIN_CURRENCY = re.compile(
    rf"(?:(?:vnd|vnđ)\s*(?P<before>{_NUMBER}))|(?:(?P<after>{_NUMBER})\s*(?:vnd|vnđ|dong|đ|d)\b)"
)


@dataclass(frozen=True)
class AmountSpan:
    text: str
    value_vnd: int
    start: int
    end: int


def _to_number(text: str, *, has_unit: bool) -> float | None:
    """Read "1.2", "1,2", "1.250", "800.000.000", "800,000,000" the way a Vietnamese or English RM means them."""
    separators = re.findall(r"[.,]", text)
    if not separators:
        return float(text)
    groups = re.split(r"[.,]", text)
    if len(separators) > 1:
        if len(set(separators)) == 1:  # 800.000.000 or 800,000,000
            return float("".join(groups)) if all(len(g) == 3 for g in groups[1:]) else None
        # 1,234.5 or 1.234,5: the last separator is the decimal one
        decimal_sep = separators[-1]
        integer, _, fraction = text.rpartition(decimal_sep)
        return float(re.sub(r"[.,]", "", integer) + "." + fraction)
    integer, fraction = groups
    if not has_unit and len(fraction) == 3:
        return float(integer + fraction)  # "800.000" with no unit is eight hundred thousand
    return float(integer + "." + fraction)  # before a unit one separator is a decimal point: "1.250 tỷ" = 1.25 tỷ


def find_amounts(text: str) -> list[AmountSpan]:
    """Every money amount in the text, in order, with the exact span it came from."""
    folded = fold_chars(text)
    spans: list[AmountSpan] = []
    taken: list[tuple[int, int]] = []
    position = 0
    while (match := _AMOUNT.search(folded, position)) is not None:
        position = match.end()
        unit = match.group("unit")
        number = _to_number(match.group("number"), has_unit=True)
        if unit in ("m", "mn", "mil", "million", "millions", "k", "thousand") and re.fullmatch(
            r"\d{1,3},\d{3}", match.group("number")
        ):
            number = float(match.group("number").replace(",", ""))  # "3,000m": English thousands, not 3.000
        if unit in ("k", "nghin", "ngan") and re.fullmatch(r"\d{1,3}\.\d{3}", match.group("number")):
            number = float(match.group("number").replace(".", ""))  # "2.500k": two thousand five hundred k
        if number is None:
            continue
        if unit in ("b", "m") and _looks_like_other_unit(folded, match):
            position = match.end("unit")  # "CD 6m 1ty2": the months take no tail; what follows may be money
            continue
        if unit == "chai" and number < 10:
            continue  # "700 chai" is Southern slang for 700 triệu; "2 chai nước" are bottles
        typed_toi = text[match.start("unit") : match.end("unit")].lower() == "tỏi" and len(text) == len(folded)
        if not _typed_as_toi(text, folded, match):
            continue  # "tôi", "tối", "tới" typed with their own accents are no tỏi (billion)
        if (
            unit == "toi"
            and not typed_toi
            and (
                re.search(r"\b(?:thu|t)\s*$", folded[max(0, match.start() - 5) : match.start()])
                or re.match(r"\s+(?:khi|nay|mai|qua|nua|luc|gio|ngay|thu)\b", folded[match.end() : match.end() + 6])
            )
        ):
            continue  # "thứ 2 tới khi…", "2 tối nay": until / evening, not tỏi (billion)
        multiplier = _UNIT_MULTIPLIERS[unit]
        value = number * multiplier
        tail = match.group("tail") or match.group("glued")
        if tail == "ruoi":  # "1 tỷ rưỡi": and a half
            value += multiplier / 2
        elif tail and multiplier >= 10**6:
            value += float("0." + tail) * multiplier if len(tail) < 3 else int(tail) * multiplier // 1000
        start, end = match.span()
        spans.append(AmountSpan(text[start:end].strip(), round(value), start, end))
        taken.append((start, end))
    words = _vi_word_amounts(text, folded, taken)
    taken += [(span.start, span.end) for span in words]
    words += _en_word_amounts(text, folded, taken)
    taken += [(span.start, span.end) for span in words]
    spans = _merge_compounds(text, sorted(spans + words, key=lambda span: span.start))
    for match in _PLAIN_CURRENCY.finditer(folded):
        start, end = match.span()
        if any(start < t_end and end > t_start for t_start, t_end in taken):
            continue
        raw = match.group("before") or match.group("after")
        number = _to_number(raw, has_unit=False)
        if number is None or number < 1000:
            continue
        spans.append(AmountSpan(text[start:end].strip(), int(number), start, end))
    spans.sort(key=lambda span: span.start)
    return spans


#: Vietnamese number words (accents folded), as voice-to-text writes amounts: "tám trăm triệu", "một tỷ rưỡi".
_VI_DIGITS = {"khong": 0, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7,
              "tam": 8, "chin": 9}  # fmt: skip
_VI_DIGITS_ALT = "|".join(_VI_DIGITS)
_VI_NUMBER_WORD = r"(?:khong|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|chuc|tram|linh|le)"
#: The digits as typed with their accents: a tail typed otherwise ("năm tỷ bả hào hứng": bả, her) is no digit.
_VI_DIGITS_TYPED = frozenset(
    {"không", "một", "mốt", "hai", "ba", "bốn", "tư", "năm", "lăm", "nhăm", "sáu", "bảy", "bẩy", "tám", "chín"}
)
_VI_WORD_AMOUNT = re.compile(
    rf"\b(?P<number>(?:\d\s+(?=tram\b))?{_VI_NUMBER_WORD}(?:\s+{_VI_NUMBER_WORD})*|(?=(?:ty|toi|ti)\s+ruoi\b))"
    rf"\s*(?P<unit>ty|ti|toi|trieu|cu|nghin|ngan)\b"
    rf"(?:\s+(?P<tail>ruoi|(?:{_VI_DIGITS_ALT})(?!\s+(?:thang|nam|ngay|tuan|trieu|nghin|ngan|tram|muoi|ty))))?"
)


def _vi_number(words: list[str]) -> int | None:
    """A number below a thousand in Vietnamese words: "sáu trăm năm mươi" = 650, "mười hai" = 12, "ba" = 3."""
    total, current = 0, 0
    if not words:
        return 1  # "tỷ rưỡi": one and a half
    for index, word in enumerate(words):
        if word.isdigit() and index == 0:  # "5 trăm triệu"
            current = int(word)
            continue
        if word in _VI_DIGITS:
            current += _VI_DIGITS[word]
        elif word in ("muoi", "chuc"):  # "mười" (10) alone or first, "mươi" / "chục" (×10) after a digit
            current = current * 10 if current else 10
        elif word == "tram":
            total += (current or 1) * 100
            current = 0
        elif word in ("linh", "le"):
            continue
        else:
            return None
        if index > 0 and words[index - 1] == "muoi" and word in _VI_DIGITS and current > 100:
            return None
    return total + current or None


def _typed_as_toi(text: str, folded: str, match: re.Match[str]) -> bool:
    """A unit read as "toi" is tỏi (billion) only when typed so, or with no accents at all."""
    if match.group("unit") != "toi" or len(text) != len(folded):
        return True
    return text[match.start("unit") : match.end("unit")].lower() in ("tỏi", "toi")


def _vi_word_amounts(text: str, folded: str, taken: list[tuple[int, int]]) -> list[AmountSpan]:
    spans = []
    for match in _VI_WORD_AMOUNT.finditer(folded):
        start, end = match.span()
        if any(start < t_end and end > t_start for t_start, t_end in taken):
            continue
        number_words = match.group("number").split()
        typed_about = len(text) == len(folded) and text[start : start + 3].lower() in ("tầm", "tâm")
        if len(number_words) > 1 and number_words[0] == "tam" and typed_about:
            number_words = number_words[1:]  # "tầm bốn mươi triệu": about forty million, not tám (8)
            start = match.start("number") + len(match.group("number")) - len(" ".join(number_words))
        typed_four = len(text) == len(folded) and text[start : start + 2].lower() == "tư"
        if len(number_words) > 1 and number_words[0] == "tu" and number_words[1] in _VI_DIGITS and not typed_four:
            number_words = number_words[1:]  # "từ hai tỷ": from two billion, not tư-hai (4 + 2)
            start = match.start("number") + len(match.group("number")) - len(" ".join(number_words))
        number = _vi_number(number_words)
        if number is None:
            continue
        if number_words and number_words[0] == "chuc" and re.search(r"\b(?:may|vai|hang)\s*$", folded[:start]):
            continue  # "mấy chục nghìn", "vài chục triệu": a few tens, no amount to log
        unit_start = match.start("unit")
        if text[start : start + 1].isupper() and text[unit_start : unit_start + 1].isupper():
            continue  # "Bà Triệu", "Hai Bà Trưng": a street's name, not three million
        if not _typed_as_toi(text, folded, match):
            continue  # "Thứ Năm tôi gửi": tôi (I) is no tỏi (billion)
        multiplier = _UNIT_MULTIPLIERS[match.group("unit")]
        value = number * multiplier
        tail = match.group("tail")
        if tail and tail != "ruoi" and len(text) == len(folded):
            typed_tail = text[match.start("tail") : match.end("tail")].lower()
            if typed_tail != tail and typed_tail not in _VI_DIGITS_TYPED:
                tail = None
                end = match.start("tail")
        if tail == "ruoi":  # "một tỷ rưỡi": and a half
            value += multiplier // 2
        elif tail:  # "một tỷ tám": the next digit, in tenths
            value += _VI_DIGITS[tail] * multiplier // 10
        spans.append(AmountSpan(text[start:end].strip(), value, start, end))
    return spans


#: English number words, as dictation writes amounts: "two point five billion", "eight hundred million dong".
_EN_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_NUMBER_WORD = "|".join(sorted(_EN_NUMBERS, key=len, reverse=True))
_EN_WORD_AMOUNT = re.compile(
    rf"\b(?P<half>half\s+a)?(?P<number>(?:(?:{_EN_NUMBER_WORD}|hundred|and)[\s-]+)*?(?:{_EN_NUMBER_WORD}|hundred))?"
    rf"(?:\s+point\s+(?P<fraction>(?:zero|{_EN_NUMBER_WORD})(?:\s+(?:zero|{_EN_NUMBER_WORD}))*))?"
    rf"\s+(?P<unit>billion|million|mil|thousand)\b"
    # "one billion two", "two billion four": the next unit down, as RMs say it ("một tỷ hai")
    rf"(?:\s+(?P<tail>{'|'.join(w for w in ('one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'))})"
    rf"(?!\s+(?:{_EN_NUMBER_WORD}|hundred|million|mil|thousand|months?|years?|weeks?|days?|percent)\b))?"
    rf"(?:\s+(?:dong|vnd))?"
)
_DIGIT_WORDS = {"zero": 0, **{k: v for k, v in _EN_NUMBERS.items() if v < 10 and k != "a"}}


def _en_number(words: list[str]) -> int | None:
    total, current = 0, 0
    for word in words:
        if word == "and":
            continue
        if word == "hundred":
            current = (current or 1) * 100
        elif word in _EN_NUMBERS:
            current += _EN_NUMBERS[word]
        else:
            return None
    return total + current or None


def _en_word_amounts(text: str, folded: str, taken: list[tuple[int, int]]) -> list[AmountSpan]:
    spans = []
    for match in _EN_WORD_AMOUNT.finditer(folded.lower()):
        start, end = match.span()
        if any(start < t_end and end > t_start for t_start, t_end in taken) or not (
            match.group("number") or match.group("half")
        ):
            continue
        number: float = (
            0.5 if match.group("half") else float(_en_number(re.split(r"[\s-]+", match.group("number").strip())) or 0)
        )
        if not number:
            continue
        if match.group("fraction"):
            digits = [str(_DIGIT_WORDS.get(word, "")) for word in match.group("fraction").split()]
            if not all(digits):
                continue
            number += float("0." + "".join(digits))
        multiplier = {"billion": 10**9, "million": 10**6, "mil": 10**6, "thousand": 10**3}[match.group("unit")]
        if match.group("tail") and multiplier == 10**9:
            number += _DIGIT_WORDS[match.group("tail")] / 10
        value = round(number * multiplier)
        spans.append(AmountSpan(text[start:end].strip(), value, start, end))
    return spans


def _merge_compounds(text: str, spans: list[AmountSpan]) -> list[AmountSpan]:
    """ "1 tỷ 200 triệu" is one amount: a billions span followed directly by a smaller one."""
    merged: list[AmountSpan] = []
    for span in spans:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.value_vnd % 10**9 == 0
            and span.value_vnd < 10**9
            and text[previous.end : span.start].strip() in ("", "và", "va", "and")
        ):
            merged[-1] = AmountSpan(
                text[previous.start : span.end].strip(), previous.value_vnd + span.value_vnd, previous.start, span.end
            )
        else:
            merged.append(span)
    return merged


def _looks_like_other_unit(folded: str, match: re.Match[str]) -> bool:
    """ "m"/"b" are money in a bank note unless the words around are about size: "80m2", "a 3m wide room"."""
    after = folded[match.end() : match.end() + 2]
    if after.startswith(("2", "²")):
        return True
    number = match.group("number")
    if match.group("unit") == "m" and number.isdigit() and int(number) <= 60:
        before = folded[max(0, match.start() - 12) : match.start()]
        later = folded[match.end() : match.end() + 10]
        if re.search(r"\b(?:into|roll\w*|for|term|tenor|ky han|kh|cd|td|fd|so)\s*(?:a\s+)?$", before) or re.match(
            r"\s*(?:td|cd|fd|term|deposit|tenor|ky han)\b", later
        ):
            return True  # "roll into 12m", "a 6m TD": months, not millions
    window = folded[max(0, match.start() - 30) : match.end() + 20]
    measures = ("dien tich", "square", "sqm", "wide", "long", "tall", "high", "meter", "metre", "met vuong",
                "rong", "dai", "cao", "cach", "away", "distance", "km")  # fmt: skip
    return any(re.search(rf"\b{word}\b", window) for word in measures)


def parse_amount_vnd(text: str) -> int | None:
    """The first money amount in ``text`` in VND, or None."""
    spans = find_amounts(text)
    return spans[0].value_vnd if spans else None


# ----- dates ---------------------------------------------------------------------------------

_WEEKDAYS_EN = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
# "thứ hai" … "thứ bảy", "thứ 2" … "thứ 7", "chủ nhật" / "cn"
_WEEKDAYS_VI = {
    "hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "bon": 2, "4": 2, "nam": 3, "5": 3, "sau": 4, "6": 4,
    "bay": 5, "7": 5,
}  # fmt: skip
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "muoi": 10,
}  # fmt: skip

_EN_WEEKDAY = "|".join(sorted(_WEEKDAYS_EN, key=len, reverse=True))
_VI_COUNT_WORD = r"(?:mot|mốt|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|muoi|mươi)"
#: What a number counts when "thu 2" is not Monday: "bị thu 2 lần", "thu 3 triệu".
_COUNTED = r"(?:lan|lượt|luot|cai|nguoi|ty|trieu|tr|nghin|k)"
_VI_WEEKDAY = r"thu\s*(?:hai|ba|tu|bon|nam|sau|bay|[2-7])|t[2-7]|chu\s*nhat|cn"  # "T5" = thứ 5, as RMs type it
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_YEAR = r"(?:,?\s*(?P<y>\d{4}))?"
_END_OF = r"(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?"
_SPAN_UNIT = r"days?|weeks?|wks?|months?|mths?"
_COUNT = r"\d+|one|two|three|four|five|six|seven|ten|an?|mot|hai|ba|bon|nam|sau|bay|muoi"

_DATE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    # "Mon 21st", "on Tue 4/11": the date given with its weekday is the date
    ("weekday_dated", re.compile(
        rf"\b(?:on\s+)?(?:{_EN_WEEKDAY})\.?,?\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:(?:st|nd|rd|th)\b|[/-](?P<m>\d{{1,2}})\b)"
    )),
    # dictated: "ngày mùng năm tháng năm", "ngày mười hai tháng này", "mùng hai tháng một"
    ("vi_words_day_month", re.compile(
        rf"\b(?:ngay\s+(?:mung\s+|mong\s+)?|mung\s+|mong\s+)(?P<dw>\d{{1,2}}|{_VI_COUNT_WORD}(?:\s+{_VI_COUNT_WORD}){{0,2}})"
        rf"\s+thang\s+(?P<mw>nay|sau|toi|gieng|chap|{_VI_COUNT_WORD}(?:\s+{_VI_COUNT_WORD})?)\b"
    )),
    ("dmy", re.compile(r"\b(?:ngay\s*)?(?P<d>\d{1,2})[/-](?P<m>\d{1,2})(?:[/-](?P<y>\d{2,4}))?\b(?![.,]\d)")),
    ("dmy", re.compile(r"\b(?:ngay\s*)?(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b")),
    ("month_day", re.compile(rf"\b(?P<mon>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}")),
    ("day_month", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_NAMES})\b\.?{_YEAR}")),
    ("vi_day_month", re.compile(r"\bngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})(?:\s+nam\s+(?P<y>\d{4}))?\b")),
    ("day_after_tomorrow", re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b|\bngay\s+(?:kia|mot)\b|\bmot\b(?=\s|$)")),
    ("tomorrow", re.compile(r"\b(?:tomorrow|tomorow|tommorow|tmrw?|tmr|ngay\s*mai|mai)\b")),
    ("today", re.compile(
        # "bữa ni", "chiều ni": "nay" in the Centre's speech
        r"\b(?:today|tonight|this\s+evening|(?:hom|bua|toi|chieu|trua)\s*(?:nay|ni)|trong\s+ngay|eod)\b"
    )),
    ("vi_weekday_next_week", re.compile(rf"\b(?P<wd>{_VI_WEEKDAY})\s+(?:tuan\s*(?:sau|toi))\b")),
    ("vi_weekday_this_week", re.compile(rf"\b(?P<wd>{_VI_WEEKDAY})\s+(?:tuan\s*nay|nay)\b")),
    ("vi_weekday", re.compile(rf"\b(?P<wd>{_VI_WEEKDAY})\s+toi\b(?!\s*nay)")),  # "thứ Hai tới": the coming one
    ("en_weekday_next_week", re.compile(rf"\b(?P<wd>{_EN_WEEKDAY})\b\.?\s+(?:of\s+)?next\s+week\b")),
    # British: "Tuesday week", "a week on Friday", "a week from Thursday" = that weekday a week after the next one
    ("en_weekday_week_after", re.compile(
        rf"\b(?:(?:on\s+)?(?P<wd>{_EN_WEEKDAY})\s+week\b(?!\s*(?:end|day|ly))|a\s+week\s+(?:on|from)\s+(?P<wd2>{_EN_WEEKDAY})\b)"
    )),
    ("en_next_weekday", re.compile(rf"\b(?:next|nxt|coming|this\s+coming)\s+(?P<wd>{_EN_WEEKDAY})\b")),
    ("en_this_weekday", re.compile(rf"\bthis\s+(?P<wd>{_EN_WEEKDAY})\b")),
    # not "bị thu 2 lần" (charged twice), "thu 3 triệu" (collected 3 million)
    ("vi_weekday", re.compile(rf"\b(?P<wd>{_VI_WEEKDAY})\b(?!\s*(?:{_COUNTED}\b|%))")),
    ("en_weekday", re.compile(rf"\b(?:on\s+)?(?P<wd>{_EN_WEEKDAY})\b")),
    ("end_of_next_month", re.compile(r"\b(?:end\s+of\s+next\s+month|cuoi\s+thang\s+(?:sau|toi))\b")),
    ("end_of_named_month", re.compile(rf"\b(?:end[\s-](?:of\s+)?|cuoi\s+thang\s+)(?P<mon>{_MONTH_NAMES})\b\.?")),
    ("end_of_month", re.compile(rf"\b(?:{_END_OF}month|month[\s-]end|eom|cuoi\s+thang(?:\s+nay)?)\b")),
    # "trước ngày 20", "vào ngày 5": a day of the month with no month named
    ("ordinal_day", re.compile(
        r"\b(?:truoc|vao|den|toi|han|before|by|cham nhat(?:\s+la)?|muon nhat(?:\s+la)?|khong qua)\s+ngay\s+"
        r"(?P<d>\d{1,2})\b(?!\s*(?:[/.-]\d|thang|\d))"
    )),
    ("ordinal_day", re.compile(
        r"\b(?:on|by|before|until|the|no later than|latest)\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)\b"
        r"(?!\s+(?:of\s+)?[a-z]{3})"
    )),
    ("business_days", re.compile(
        r"\bt\s*\+\s*(?P<n>\d{1,2})\b|\b(?:in|within|after)\s+(?P<n2>\d{1,2}|one|two|three|four|five|ten)\s+"
        r"(?:business|working|bank)\s+days?\b|\b(?P<n3>\d{1,2}|mot|hai|ba|bon|nam|sau|bay|muoi)\s+ngay\s+lam\s+viec\b"
    )),
    ("fortnight", re.compile(r"\b(?:in\s+)?a\s+fortnight\b|\b(?:in\s+)?two\s+weeks'?\s+time\b")),
    ("end_of_week", re.compile(rf"\b(?:{_END_OF}week|eow|cuoi\s+tuan(?:\s+nay)?)\b")),
    ("next_week", re.compile(r"\b(?:early\s+)?next\s+week\b|\b(?:dau\s+)?tuan\s*(?:sau|toi)\b")),
    ("next_month", re.compile(r"\bnext\s+month\b|\bthang\s+(?:sau|toi)\b")),
    ("in_n", re.compile(rf"\b(?:in|within|after)\s+(?P<n>{_COUNT})\s*(?P<u>{_SPAN_UNIT})\b")),
    ("n_from_now", re.compile(rf"\b(?P<n>{_COUNT})\s*(?P<u>{_SPAN_UNIT})\s+(?:from\s+(?:now|today)|later)\b")),
    ("vi_n_nua", re.compile(rf"\b(?:(?:sau|trong)\s+)?(?P<n>{_COUNT})\s+(?P<u>ngay|tuan|thang)\s+(?:nua|toi)\b")),
    ("vi_sau_n", re.compile(rf"\b(?:sau|trong(?:\s+vong)?)\s+(?P<n>{_COUNT})\s+(?P<u>ngay|tuan|thang)\b")),
]  # fmt: skip


@dataclass(frozen=True)
class DateSpan:
    text: str
    date: dt.date
    start: int
    end: int
    kind: str


def _vi_weekday(token: str) -> int:
    token = re.sub(r"\s+", " ", token.strip())
    if token in ("chu nhat", "cn") or token.startswith("chu"):
        return 6
    if re.fullmatch(r"t[2-7]", token):  # "T2" … "T7"
        return int(token[1]) - 2
    return _WEEKDAYS_VI[token.removeprefix("thu").strip()]


def _count(token: str) -> int:
    return int(token) if token.isdigit() else _NUMBER_WORDS[token]


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _next_weekday_after(today: dt.date, weekday: int) -> dt.date:
    """The first such weekday strictly after today."""
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _explicit(today: dt.date, day: int, month: int, year: int | None) -> dt.date | None:
    """A calendar date; with no year, the next such date from today (a due date is not in the past)."""
    if year is not None and year < 100:
        year += 2000
    try:
        candidate = dt.date(year or today.year, month, day)
    except ValueError:
        return None
    if year is None and candidate < today - dt.timedelta(days=31):
        try:
            candidate = dt.date(today.year + 1, month, day)
        except ValueError:
            return None
    return candidate


def _day_of_month_ahead(today: dt.date, day_of_month: int) -> dt.date | None:
    """That day of this month, or of the next once it has passed."""
    candidate = _explicit(today, day_of_month, today.month, today.year)
    if candidate is not None and candidate > today:
        return candidate
    following = _add_months(today.replace(day=1), 1)
    return _explicit(today, day_of_month, following.month, following.year)


_VI_UNITS = {"mot": 1, "mốt": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7,
             "tam": 8, "chin": 9}  # fmt: skip


def _vi_words_number(words: str) -> int | None:
    """1–31 in Vietnamese words, folded: "năm" 5, "mười hai" 12, "hai mươi mốt" 21, "hai lăm" 25."""
    tokens = words.replace("mươi", "muoi").split()
    if tokens and tokens[0] == "muoi":  # mười, mười hai
        rest = tokens[1:]
        return 10 + (_VI_UNITS.get(rest[0], -100) if rest else 0) if len(rest) <= 1 else None
    if len(tokens) == 1:
        return _VI_UNITS.get(tokens[0])
    tens = _VI_UNITS.get(tokens[0])
    if tens is None:
        return None
    rest = tokens[2:] if tokens[1] == "muoi" else tokens[1:]
    if len(rest) > 1:
        return None
    unit = _VI_UNITS.get(rest[0]) if rest else 0
    return tens * 10 + unit if unit is not None else None


def _resolve(kind: str, match: re.Match[str], today: dt.date) -> dt.date | None:
    groups = match.groupdict()
    if kind == "iso":
        return _explicit(today, int(groups["d"]), int(groups["m"]), int(groups["y"]))
    if kind in ("dmy", "vi_day_month"):
        day, month = int(groups["d"]), int(groups["m"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _explicit(today, day, month, int(groups["y"]) if groups.get("y") else None)
    if kind in ("month_day", "day_month"):
        return _explicit(today, int(groups["d"]), _MONTHS[groups["mon"]], int(groups["y"]) if groups.get("y") else None)
    if kind == "weekday_dated":
        if groups.get("m"):
            return _explicit(today, int(groups["d"]), int(groups["m"]), None)
        return _day_of_month_ahead(today, int(groups["d"]))
    if kind == "vi_words_day_month":
        day_number = int(groups["dw"]) if groups["dw"].isdigit() else _vi_words_number(groups["dw"])
        words = groups["mw"]
        named_year: int | None = None
        if words in ("nay", "sau", "toi"):
            month_start = _add_months(today.replace(day=1), 0 if words == "nay" else 1)
            named_month: int | None = month_start.month
            named_year = month_start.year
        else:
            named_month = {"gieng": 1, "chap": 12}.get(words) or _vi_words_number(words)
        if day_number is None or named_month is None or not 1 <= named_month <= 12:
            return None
        return _explicit(today, day_number, named_month, named_year)
    if kind == "today":
        return today
    if kind == "tomorrow":
        return today + dt.timedelta(days=1)
    if kind == "day_after_tomorrow":
        return today + dt.timedelta(days=2)
    if kind == "vi_weekday_next_week":
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        return next_monday + dt.timedelta(days=_vi_weekday(groups["wd"]))
    if kind == "en_weekday_next_week":
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        return next_monday + dt.timedelta(days=_WEEKDAYS_EN[groups["wd"]])
    if kind == "vi_weekday_this_week":
        monday = today - dt.timedelta(days=today.weekday())
        return monday + dt.timedelta(days=_vi_weekday(groups["wd"]))
    if kind == "en_weekday_week_after":
        return _next_weekday_after(today, _WEEKDAYS_EN[groups["wd"] or groups["wd2"]]) + dt.timedelta(days=7)
    if kind in ("en_next_weekday", "en_weekday", "en_this_weekday"):
        return _next_weekday_after(today, _WEEKDAYS_EN[groups["wd"]])
    if kind == "vi_weekday":
        return _next_weekday_after(today, _vi_weekday(groups["wd"]))
    if kind == "end_of_month":
        return _end_of_month(today)
    if kind == "end_of_named_month":
        month = _MONTHS[groups["mon"]]
        year = today.year + (1 if month < today.month else 0)
        return _end_of_month(dt.date(year, month, 1))
    if kind == "ordinal_day":  # "by the 14th": that day of this month, or of the next once it has passed
        return _day_of_month_ahead(today, int(groups["d"]))
    if kind == "business_days":  # "T+2", "within 5 business days": Monday to Friday only
        remaining = _count(groups["n"] or groups["n2"] or groups["n3"])
        business_day = today
        while remaining > 0:
            business_day += dt.timedelta(days=1)
            if business_day.weekday() < 5:
                remaining -= 1
        return business_day
    if kind == "fortnight":
        return today + dt.timedelta(days=14)
    if kind == "end_of_next_month":
        return _end_of_month(_add_months(today.replace(day=1), 1))
    if kind == "end_of_week":
        return today + dt.timedelta(days=(4 - today.weekday()) % 7)  # Friday, the end of the working week
    if kind == "next_week":
        return today + dt.timedelta(days=7 - today.weekday())  # its Monday
    if kind == "next_month":
        return _add_months(today.replace(day=1), 1)
    count = _count(groups["n"])
    unit = groups["u"]
    if unit.startswith(("day", "ngay")):
        return today + dt.timedelta(days=count)
    if unit.startswith(("w", "tuan")):
        return today + dt.timedelta(weeks=count)
    return _add_months(today, count)


def find_dates(text: str, today: dt.date, *, vietnamese: bool | None = None) -> list[DateSpan]:
    """Every date expression in the text, resolved against ``today``; the longest match wins an overlap.

    ``vietnamese``: whether the note around this text is Vietnamese (a clause cut from it may not show it:
    "check điều kiện thu nhập thứ 6" is "income", not "Thursday"); by default the text's own words decide.
    """
    folded = fold_chars(text)
    vi = _vi_context(folded) if vietnamese is None else vietnamese
    found: list[DateSpan] = []
    for kind, pattern in _DATE_PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < span.end and end > span.start for span in found):
                continue
            weekday = match.group("wd") if kind == "en_weekday" else ""
            if weekday and not weekday.endswith("day") and not _weekday_context(folded, match, vi):
                continue  # "sat", "wed", "thu" (thu nhập), "tue"… are weekdays only after on/by/next/this
            bare_mai = kind == "tomorrow" and match.group(0) == "mai"
            if bare_mai and (not vi or _after_honorific(folded, start) or _in_a_name(text, start)):
                continue  # "chị Mai", "Phan Thị Mai" are names
            if kind == "day_after_tomorrow" and match.group(0) == "mot" and not vi:
                continue
            if kind == "vi_weekday" and match.group("wd") == "cn" and not vi:
                continue
            resolved = _resolve(kind, match, today)
            if resolved is not None:
                found.append(DateSpan(text[start:end].strip(), resolved, start, end, kind))
    found.sort(key=lambda span: span.start)
    return found


def _weekday_context(folded: str, match: re.Match[str], vietnamese: bool) -> bool:
    """Short weekday names that are also words ("sat", "mon", "wed", "sun", "thu" in thu nhập) count only after
    on/by/next/this; in a note that is not Vietnamese, "Mon"/"Tue"/"Wed"/"Thu"/"Fri" count anywhere ("call Tue")."""
    before = folded[max(0, match.start() - 8) : match.start()]
    if re.search(r"\b(on|by|next|this|until|before)\s*$", before) or match.group(0).startswith("on "):
        return True
    weekday = match.group("wd")
    if weekday not in {"mon", "tue", "tues", "wed", "weds", "thu", "thur", "thurs", "fri"}:
        return False
    if weekday == "thu" and re.match(r"\s*(?:nhap|phi|tien|no|hoi|ho|ve|lai|hang|lua)\b", folded[match.end() :]):
        return False  # "thu nhập", "thu phí": income, fees, whatever language the note is in
    if not vietnamese or weekday in {"tues", "wed", "weds", "thur", "thurs", "fri"}:
        return True  # "fri", "wed" are no Vietnamese words
    # Code-mixed ("send proposal Thu & call lại"): "mon"/"tue"/"thu" right after an English word of a follow-up
    # are weekdays, unless Vietnamese carries on ("thu nhập", "thu phí")
    after = folded[match.end() : match.end() + 8]
    previous = re.search(r"([a-z/'-]+)\s*$", folded[max(0, match.start() - 16) : match.start()])
    return (
        previous is not None
        and previous.group(1) in _ENGLISH_BEFORE_A_DAY
        and not re.match(r"\s*(?:nhap|phi|tien|no|hoi|ho|ve|lai|mua|hang)\b", after)
    )


#: English words a follow-up puts right before its day in a code-mixed note ("call back Thu", "deck Mon").
_ENGLISH_BEFORE_A_DAY = frozenset(
    [
        "call",
        "back",
        "send",
        "meet",
        "meeting",
        "mtg",
        "ring",
        "email",
        "mail",
        "visit",
        "review",
        "check",
        "sign",
        "form",
        "forms",
        "deck",
        "sheet",
        "factsheet",
        "proposal",
        "brochure",
        "docs",
        "documents",
        "contract",
        "draft",
        "him",
        "her",
        "them",
        "up",
        "fu",
        "f/u",
        "again",
        "due",
        "appointment",
        "lunch",
        "coffee",
        "it",
        "this",
        "that",
        "report",
        "pack",
        "app",
        "application",
        "quote",
        "illustration",
    ]
)


def _after_honorific(folded: str, start: int) -> bool:
    """ "chị Mai", "cô Mai": a given name, not "tomorrow"."""
    return bool(re.search(r"\b(anh|chi|em|co|ba|ong|chu|bac|mr|ms|mrs|kh)\s+$", folded[max(0, start - 6) : start]))


def _in_a_name(text: str, start: int) -> bool:
    """ "Phan Thị Mai", "Ngọc Mai", "c Mai": a capitalized word after another capitalized word of the same
    sentence, or after the shorthand of an honorific."""
    if not text[start : start + 1].isupper():
        return False
    if re.search(r"(?:^|\s)[acebôo]\s+$", text[:start]):
        return True
    before = re.search(r"(\S+)\s+$", text[:start])
    return before is not None and before.group(1)[:1].isupper() and before.group(1)[-1] not in ".!?:;"


def vietnamese_dates(text: str) -> bool:
    """Whether a note's date words read as Vietnamese ("thu 6", "mai", "mot"): pass it for clauses cut from it."""
    return _vi_context(fold_chars(text).lower())


_VI_DATE_CONTEXT = re.compile(
    r"\b(gap|goi|gui|hen|khach|anh|chi|em|ngay|va|cho|voi|can|se|cua|nhe|roi|duoc|dc|ko|khong|ho so)\b"
)


def _vi_context(folded: str) -> bool:
    return bool(
        re.search(
            r"\b(gap|goi|gui|hen|khach|anh|chi|em|ngay|va|cho|voi|can|se|cua|nhe|roi|duoc|dc|ko|khong|ho so)\b", folded
        )
    )


def resolve_date(expression: str, today: dt.date) -> dt.date | None:
    """The date a single expression ("by next Wednesday", "thứ 4 tuần sau") stands for, or None."""
    spans = find_dates(expression, today)
    return spans[0].date if spans else None


#: A phone number dictated digit by digit starts with zero: "không chín một tám…", "oh nine one two…".
_SPELLED_DIGITS = {**{word: str(value) for word, value in _VI_DIGITS.items()},
                   **{word: str(value) for word, value in _DIGIT_WORDS.items()}, "oh": "0"}  # fmt: skip
_SPELLED_PHONE = re.compile(rf"\b(?:khong|zero|oh)(?:[\s,.-]+(?:{'|'.join(_SPELLED_DIGITS)})\b){{8,11}}")


def spelled_phone(folded: str) -> str | None:
    """A phone number dictated digit by digit in folded, lower-case text: a number all the same."""
    for match in _SPELLED_PHONE.finditer(folded):
        digits = "".join(_SPELLED_DIGITS[word] for word in re.findall(r"[a-z]+", match.group(0)))
        if phone := normalize_phone(digits):
            return phone
    return None


# ----- ages ----------------------------------------------------------------------------------------


_AGE_UNIT = r"(?P<unit>tuoi|years?(?: old)?|yo|y/o|yrs?|t\b)"
_AGE_RANGE = re.compile(
    r"(?:aged?|tuoi|do tuoi|from)?\s*(?:tu\s*)?(?:du\s*)?(?P<low>[1-9]\d)\s*(?:tuoi\s*)?(?:-|–|~|to|den|toi|->|and)\s*"
    rf"(?P<high>[1-9]\d)\s*{_AGE_UNIT}?"
)
_AGE_OVER = re.compile(
    r"(?:aged?|tuoi|clients?|khach(?: hang)?|tu)\s*(?:tu\s*)?(?:du\s*)?(?P<age>[1-9]\d)\s*(?:tuoi\s*)?"
    r"(?:or over|and over|or older|and older|and above|or above|\+|tro len|tro di)"
)
_AGE_BOUND = re.compile(
    r"(?P<op>under|below|younger than|over|above|older than|at least|up to|duoi|tren|tu|hon|ngoai|khong qua|"
    rf"toi da)\s*(?:du\s*)?(?P<age>[1-9]\d)\s*{_AGE_UNIT}|\bu(?P<under>[2-7]0)\b"
)


#: "Entry age up to 65", "tuổi tối đa 60": a cap said of the age, with no unit after the number.
_AGE_CAP = re.compile(r"\b(?:age|tuoi)\b[^.;]{0,20}?\b(?:up to|max(?:imum)?|toi da|khong qua)\s*(?P<age>[1-9]\d)\b")


_AGE_BARE = re.compile(
    r"\b(?:cust\w*|clients?|customers?|khach(?: hang)?|kh|people|ppl|gold|platinum|diamond|standard)\s+(?:aged\s+)?"
    r"(?P<op>under|below|over|above|duoi|tren)\s+(?P<age>[1-9]\d)\b"
    r"(?!\s*(?:m\b|tr\b|trieu|ty|ti\b|bn|b\b|k\b|%|cu\b|ngay|days?|thang|months?|weeks?|tuan))"
)


def age_band(folded: str) -> tuple[int | None, int | None, str]:
    """The ages a folded text bounds (youngest, oldest, its words): "55-65 tuổi", "aged 55 or over", "từ đủ 21
    đến 65 tuổi", "under 70 years old", "entry age up to 65 years"; (None, None, "") when it bounds none."""
    match = _AGE_RANGE.search(folded)
    if match and (
        match["unit"]
        or re.search(r"(?:aged?|tuoi|do tuoi|between)\s*(?:tu|from)?\s*(?:du\s*)?$", folded[: match.start("low")])
    ):
        low, high = int(match["low"]), int(match["high"])
        if 15 <= low <= high <= 100:
            return low, high, match.group(0).strip()
    over = _AGE_OVER.search(folded)
    if over:  # "aged 55 or over", "khách 60 tuổi trở lên"
        return int(over["age"]), None, over.group(0).strip()
    match = _AGE_BOUND.search(folded)
    if match:
        if match["under"]:
            return None, int(match["under"]) - 1, match.group(0).strip()
        age = int(match["age"])
        if match["op"] in ("under", "below", "younger than", "duoi"):
            return None, age - 1, match.group(0).strip()
        if match["op"] in ("up to", "khong qua", "toi da"):
            return None, age, match.group(0).strip()
        if match["op"] in ("at least", "tu"):
            return age, None, match.group(0).strip()
        return age + 1, None, match.group(0).strip()
    cap = _AGE_CAP.search(folded)
    if cap:
        return None, int(cap["age"]), cap.group(0).strip()
    bare = _AGE_BARE.search(folded)
    if bare:  # "gold cust under 40 w/ heavy travel": right after the clients, a bare number is their age
        age = int(bare["age"])
        below = bare["op"] in ("under", "below", "duoi")
        return (None, age - 1, bare.group(0).strip()) if below else (age + 1, None, bare.group(0).strip())
    return None, None, ""


# ----- durations said in words ------------------------------------------------------------------------------------


_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
               "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
               "forty": 40, "forty five": 45, "fifty": 50, "sixty": 60, "ninety": 90, "a": 1, "an": 1}  # fmt: skip
_SPOKEN_DURATION = re.compile(
    rf"\b(?P<vi>{_VI_NUMBER_WORD}(?:\s+{_VI_NUMBER_WORD})*)\s+(?P<vi_unit>ngay|tuan|thang)\b"
    rf"|\b(?P<en>{'|'.join(sorted(_EN_NUMBERS, key=len, reverse=True))})\s+(?P<en_unit>days?|weeks?|months?)\b"
)


def durations_in_digits(folded: str) -> str:
    """A folded text with durations said in words written in digits ("trong ba mươi ngày tới" → "trong 30 ngày
    tới", "the next two weeks" → "the next 2 weeks"), so the windows a request gives are read however typed."""

    def digits(match: re.Match[str]) -> str:
        if match["en"]:
            return f"{_EN_NUMBERS[match['en']]} {match['en_unit']}"
        words = match["vi"].split()
        lead = ""
        if words[0] == "tu":  # a leading "tư" is always "từ" (from): "từ mười ngày" is ten days, "từ tháng 10" a date
            lead, words = "tu ", words[1:]
        if not words or words == ["mot"] or words[0] in ("linh", "le"):  # "300 củ một tháng" is a rate
            return match.group(0)
        number = _vi_number(words)
        return f"{lead}{number} {match['vi_unit']}" if number else match.group(0)

    return _SPOKEN_DURATION.sub(digits, folded)
