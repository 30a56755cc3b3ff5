"""Amounts and dates as RMs write them, in English, Vietnamese, and without diacritics."""

from __future__ import annotations

import datetime as dt

import pytest

from tools.core.parsing import age_band, durations_in_digits, find_amounts, find_dates, parse_amount_vnd, resolve_date

FRIDAY = dt.date(2025, 10, 24)  # a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("needs about 800m vnd", 800_000_000),
        ("800M VND renovation loan", 800_000_000),
        ("vay 800 triệu", 800_000_000),
        ("vay 800 trieu de sua nha", 800_000_000),
        ("khoảng 500tr", 500_000_000),
        ("gửi 300 củ", 300_000_000),
        ("1.2 tỷ", 1_200_000_000),
        ("1,2 tỷ", 1_200_000_000),
        ("1,2 ty", 1_200_000_000),
        ("1 tỷ 2", 1_200_000_000),
        ("1 tỷ 200 triệu", 1_200_000_000),
        ("2 tỏi", 2_000_000_000),
        ("1.5bn", 1_500_000_000),
        ("1.5B VND CD", 1_500_000_000),
        ("2 billion", 2_000_000_000),
        ("a 3 million deposit", 3_000_000),
        ("500k", 500_000),
        ("VND 800,000,000", 800_000_000),
        ("800.000.000đ", 800_000_000),
        ("800.000.000 VND", 800_000_000),
        ("1.250 tỷ", 1_250_000_000),  # before a unit, one separator is a decimal point
        ("1 ty 2 va 300 trieu", 1_200_000_000),
        ("no amount here", None),
        ("apartment of 80m2 in District 7", None),
        ("call in 3 days", None),
        ("tám trăm triệu", 800_000_000),  # number words, as voice-to-text writes them
        ("một tỷ rưỡi", 1_500_000_000),
        ("dư nợ còn khoảng một tỷ tám, chị nói", 1_800_000_000),
        ("sáu trăm năm mươi triệu", 650_000_000),
        ("năm mươi triệu", 50_000_000),
        ("một tỷ hai trăm triệu", 1_200_000_000),
        ("mot ty hai ky han sau thang", 1_200_000_000),
        ("1.5 mio", 1_500_000),
        ("sau hai tuần", None),  # number words without a money unit are not money
        ("vay mua nha tam 2ty5", 2_500_000_000),  # unit and tail run together, as typed on a phone
        ("CD 1ty5 cua a", 1_500_000_000),
        ("1ty250", 1_250_000_000),
        ("luong 3tr5/thang", 3_500_000),
        ("nhà 150m2 ở Q2", None),  # an area, not money
        ("bỏ thêm ba tỏi", 3_000_000_000),
        ("năm củ", 5_000_000),
        ("co tu hai ty tien gui", 2_000_000_000),  # từ (from) typed without accents, not tư (four)
        ("tư hai tỷ", 6_000_000_000),
    ],
)
def test_amounts(text: str, expected: int | None) -> None:
    assert parse_amount_vnd(text) == expected


def test_amount_spans_are_verbatim() -> None:
    text = "Chị Oanh gửi 1,5 tỷ và muốn vay thêm 300 triệu"
    spans = find_amounts(text)
    assert [(span.text, span.value_vnd) for span in spans] == [("1,5 tỷ", 1_500_000_000), ("300 triệu", 300_000_000)]
    assert all(text[span.start : span.end].strip() == span.text for span in spans)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("tomorrow", "2025-10-25"),  # a Saturday: weekends included
        ("by tomorrow", "2025-10-25"),
        ("ngày mai", "2025-10-25"),
        ("ngay mai", "2025-10-25"),
        ("tmr", "2025-10-25"),
        ("next Wednesday", "2025-10-29"),
        ("next wed", "2025-10-29"),
        ("next Friday", "2025-10-31"),  # the first Friday after today
        ("next Monday", "2025-10-27"),
        ("on Wednesday", "2025-10-29"),
        ("thứ 4 tuần sau", "2025-10-29"),
        ("thứ tư tuần sau", "2025-10-29"),
        ("thu 6 tuan sau", "2025-10-31"),
        ("thứ hai tuần sau", "2025-10-27"),
        ("chủ nhật tuần sau", "2025-11-02"),
        ("thứ 5 tuần tới", "2025-10-30"),
        ("end of the month", "2025-10-31"),
        ("by end of month", "2025-10-31"),
        ("cuối tháng", "2025-10-31"),
        ("cuoi thang", "2025-10-31"),
        ("in 3 days", "2025-10-27"),
        ("in two weeks", "2025-11-07"),
        ("3 ngày nữa", "2025-10-27"),
        ("sau 2 tuần", "2025-11-07"),
        ("by 30/10", "2025-10-30"),
        ("ngày 5/11", "2025-11-05"),
        ("2025-11-15", "2025-11-15"),
        ("15/11/2025", "2025-11-15"),
        ("Nov 3", "2025-11-03"),
        ("3rd November", "2025-11-03"),
        ("today", "2025-10-24"),
        ("hôm nay", "2025-10-24"),
        ("day after tomorrow", "2025-10-26"),
        ("next week", "2025-10-27"),
        ("tuần sau", "2025-10-27"),
        ("next month", "2025-11-01"),
        ("5/1", "2026-01-05"),  # no year and long past: the next one
        ("T5", "2025-10-30"),  # RMs' shorthand for thứ 5
        ("gửi hs T4 tuần sau", "2025-10-29"),
        ("call Tue", "2025-10-28"),  # an abbreviated weekday in an English note
    ],
)
def test_dates(expression: str, expected: str) -> None:
    assert resolve_date(expression, FRIDAY) == dt.date.fromisoformat(expected)


def test_dates_in_a_note_keep_their_spans() -> None:
    note = "I need to send him the info pack by tomorrow and call him next Wednesday."
    spans = find_dates(note, FRIDAY)
    assert [(span.text, span.date.isoformat()) for span in spans] == [
        ("tomorrow", "2025-10-25"),
        ("next Wednesday", "2025-10-29"),
    ]


def test_words_that_look_like_dates_are_not_dates() -> None:
    assert find_dates("Met at the Sun Plaza coffee house, he was sat down", FRIDAY) == []
    assert find_dates("interest rate 5.2 percent", FRIDAY) == []
    assert resolve_date("meet on 15.11.2025", FRIDAY) == dt.date(2025, 11, 15)


def test_spans_of_weeks_and_months_as_abbreviated() -> None:
    today = dt.date(2025, 7, 3)
    assert [d.date for d in find_dates("review mtg in 2 wks", today)] == [dt.date(2025, 7, 17)]
    assert [d.date for d in find_dates("check back in 3 mths", today)] == [dt.date(2025, 10, 3)]


def test_a_clause_cut_from_a_vietnamese_note_reads_its_dates_as_vietnamese() -> None:
    today = dt.date(2025, 11, 27)  # a Thursday
    clause = "check dieu kien thu nhap cua c thu 6"  # "thu nhap" is income; "thu 6" is Friday
    assert [d.date for d in find_dates(clause, today, vietnamese=True)] == [dt.date(2025, 11, 28)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("revert in a fortnight", dt.date(2025, 11, 19)),
        ("send it by the 14th", dt.date(2025, 11, 14)),
        ("by the 3rd", dt.date(2025, 12, 3)),  # the 3rd of this month has passed
        ("decision end-Nov", dt.date(2025, 11, 30)),
        ("bữa nay gọi lại", dt.date(2025, 11, 5)),
        ("send T/S EOD", dt.date(2025, 11, 5)),
    ],
)
def test_more_ways_to_write_a_day(text: str, expected: dt.date) -> None:
    assert [d.date for d in find_dates(text, dt.date(2025, 11, 5))][:1] == [expected]


def test_business_days_skip_the_weekend() -> None:
    thursday = dt.date(2025, 11, 6)
    assert [d.date for d in find_dates("settle T+2", thursday)] == [dt.date(2025, 11, 10)]
    assert [d.date for d in find_dates("within 5 business days", thursday)] == [dt.date(2025, 11, 13)]
    assert [d.date for d in find_dates("trong 3 ngày làm việc", thursday)] == [dt.date(2025, 11, 11)]


def test_british_week_on_days() -> None:
    wednesday = dt.date(2025, 9, 10)
    # "Tuesday week" / "a week on Friday": that weekday a week after the coming one
    assert [d.date for d in find_dates("ring her on Tuesday week", wednesday)] == [dt.date(2025, 9, 23)]
    assert [d.date for d in find_dates("site visit a week on Friday", wednesday)] == [dt.date(2025, 9, 19)]
    assert [d.date for d in find_dates("call Friday weekend plans", wednesday)] == [dt.date(2025, 9, 12)]


def test_english_weekday_abbreviations_in_a_code_mixed_note() -> None:
    wednesday = dt.date(2025, 9, 10)
    assert [d.date for d in find_dates("call back Fri", wednesday, vietnamese=True)] == [dt.date(2025, 9, 12)]
    assert [d.date for d in find_dates("send proposal Thu & goi lai", wednesday, vietnamese=True)] == [
        dt.date(2025, 9, 11)
    ]
    assert [d.date for d in find_dates("call him Mon", wednesday, vietnamese=True)] == [dt.date(2025, 9, 15)]
    # Vietnamese words that look like them stay words
    assert find_dates("check thu nhap cua chi", wednesday, vietnamese=True) == []
    assert find_dates("goi mon an", wednesday, vietnamese=True) == []


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("CD 1ty5 toi 5/12", [1_500_000_000]),  # a tail glued to its unit, whatever comes after
        ("CD 6m 1ty2 cua ong", [1_200_000_000]),  # a CD's 6m are months, and take no tail
        ("bo tam 700 chai vo Bond Fund", [700_000_000]),  # Southern slang: chai = triệu
        ("mua 2 chai nuoc", []),  # bottles
        ("tang han muc them 2 tỏi nữa", [2_000_000_000]),  # typed tỏi is a billion, even before "nữa"
        ("2 tối nay gọi", []),
    ],
)
def test_shorthand_amounts(text: str, amounts: list[int]) -> None:
    assert [span.value_vnd for span in find_amounts(text)] == amounts


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("hẹn gặp anh ấy ngày mùng năm tháng năm để ký", dt.date(2025, 4, 27), dt.date(2025, 5, 5)),
        ("ngày mười hai tháng này gọi nhắc", dt.date(2025, 8, 1), dt.date(2025, 8, 12)),
        ("mùng hai tháng một gọi bà", dt.date(2025, 12, 31), dt.date(2026, 1, 2)),
        ("ngày hai mươi mốt tháng sau", dt.date(2025, 3, 3), dt.date(2025, 4, 21)),
        ("trong ba ngày làm việc em xem lại", dt.date(2025, 3, 3), dt.date(2025, 3, 6)),
        ("Call on Mon 21st to discuss", dt.date(2025, 4, 10), dt.date(2025, 4, 21)),
        ("meet on Tue 4/11", dt.date(2025, 10, 30), dt.date(2025, 11, 4)),
    ],
)
def test_dictated_days_and_days_given_with_their_weekday(text: str, today: dt.date, expected: dt.date) -> None:
    assert [d.date for d in find_dates(text, today)] == [expected]


def test_thu_nhap_is_income_in_any_note() -> None:
    today = dt.date(2025, 1, 25)
    assert [d.date for d in find_dates("e review ho so thu nhap cua a truoc 31/1", today)] == [dt.date(2025, 1, 31)]
    assert find_dates("two months = 2 thang", today) == []  # a span, not a day


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("she wants a six month CD, one billion two, she was pleased", [1_200_000_000]),
        ("borrow two billion four, she was happy", [2_400_000_000]),
        ("three hundred mil basically", [300_000_000]),
        ("two billion in stocks", [2_000_000_000]),
        ("phí tầm 2.500k/tháng", [2_500_000]),
    ],
)
def test_spoken_amounts_and_thousands_of_k(text: str, amounts: list[int]) -> None:
    assert [span.value_vnd for span in find_amounts(text)] == amounts


def test_a_day_of_the_month_with_no_month() -> None:
    assert [d.date for d in find_dates("trước ngày 20 gửi bà mẫu hồ sơ", dt.date(2025, 1, 10))] == [
        dt.date(2025, 1, 20)
    ]
    assert [d.date for d in find_dates("truoc ngay 5 gui hd", dt.date(2025, 9, 10))] == [dt.date(2025, 10, 5)]
    assert [d.date for d in find_dates("truoc ngay 5/12", dt.date(2025, 11, 1))] == [dt.date(2025, 12, 5)]


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("keen to place VND2bn fresh funds", [2_000_000_000]),  # the currency glued to the number
        ("sum assured VND3bn, premium abt 65m p.a.", [3_000_000_000, 65_000_000]),
        ("phí khoảng ba chục triệu một năm", [30_000_000]),  # "chục": tens
        ("chỉ có trăm năm chục triệu tiền hàng", [150_000_000]),
        ("có mấy chục nghìn thôi", []),  # a few tens of thousands: no amount
        ("muốn tham gia năm tỷ bả hào hứng lắm", [5_000_000_000]),  # "bả" (her) is no digit after "tỷ"
        ("một tỷ mốt", [1_100_000_000]),
        ("lương tầm bốn mươi triệu", [40_000_000]),  # "tầm" (about) is not tám (8)
    ],
)
def test_amounts_written_every_way(text: str, amounts: list[int]) -> None:
    assert [span.value_vnd for span in find_amounts(text)] == amounts


def test_a_weekday_is_not_a_count() -> None:
    today = dt.date(2025, 10, 24)
    assert find_dates("phí bị thu 2 lần trong tháng", today, vietnamese=True) == []
    assert [d.date for d in find_dates("gọi lại thứ 2", today, vietnamese=True)] == [dt.date(2025, 10, 27)]
    assert [d.date for d in find_dates("bữa ni e gửi", today, vietnamese=True)] == [today]


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("trong ba muoi ngay toi", "trong 30 ngay toi"),
        ("trong sau muoi ngay vua roi", "trong 60 ngay vua roi"),
        ("hai muoi tu ngay", "24 ngay"),
        ("tu muoi ngay tro len", "tu 10 ngay tro len"),  # the leading "tư" is "từ", from
        ("tu thang 10", "tu thang 10"),  # a date, not four months
        ("ba tram cu mot thang", "ba tram cu mot thang"),  # a rate, not a window
        ("in the next two weeks", "in the next 2 weeks"),
    ],
)
def test_durations_said_in_words_are_written_in_digits(said: str, written: str) -> None:
    assert durations_in_digits(said) == written


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("cac co chu 55-65 tuoi", (55, 65)),
        ("khach tu du 21 tuoi den 60 tuoi", (21, 60)),
        ("khach hang tu du 55 tuoi tro len", (55, None)),
        ("under 70 years old", (None, 69)),
        ("entry age up to 65", (None, 65)),
        ("gold cust under 40 w/ travel", (None, 39)),
        ("customers under 40m", (None, None)),  # money, not an age
        ("con tu 0-15 tuoi", (None, None)),
    ],
)
def test_age_bands_in_everyday_words(text: str, band: tuple[int | None, int | None]) -> None:
    assert age_band(text)[:2] == band
