"""The rule-based reading of meeting notes, in English, Vietnamese and without diacritics."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from tools.crm.notes import extract_note

FRIDAY = dt.date(2025, 10, 24)


def _tasks(note: str) -> list[tuple[str, str | None]]:
    return [(task.kind, task.due_on.isoformat() if task.due_on else None) for task in extract_note(note, FRIDAY).tasks]


def test_the_design_documents_example() -> None:
    note = (
        "Record this information on the CRM. Met Mr. Son Pham 0823912039 at a coffee house, talked about a "
        "renovation loan for his apartment, which needs about 800m vnd. He seemed keen. I need to send him the "
        "info pack by tomorrow and call him next Wednesday."
    )
    extraction = extract_note(note, FRIDAY)
    assert extraction.language == "en"
    assert (extraction.client_name, extraction.phone) == ("Son Pham", "0823912039")
    assert (extraction.channel, extraction.location) == ("meeting", "coffee house")
    assert extraction.topic == "a renovation loan"
    assert (extraction.product_category, extraction.amount_vnd, extraction.amount_text) == (
        "loan",
        800_000_000,
        "800m vnd",
    )
    assert extraction.sentiment == "positive"
    assert _tasks(note) == [("send_document", "2025-10-25"), ("call", "2025-10-29")]
    assert [task.due_text for task in extraction.tasks] == ["tomorrow", "next Wednesday"]


def test_a_vietnamese_note() -> None:
    note = (
        "Gặp anh Minh 0901234567 ở quán cà phê Highlands, trao đổi về khoản vay mua nhà 1,2 tỷ. Anh ấy rất quan tâm. "
        "Cần gửi tài liệu trước thứ 6 tuần sau và gọi lại vào cuối tháng."
    )
    extraction = extract_note(note, FRIDAY)
    assert extraction.language == "vi"
    assert (extraction.client_name, extraction.phone, extraction.channel) == ("Minh", "0901234567", "meeting")
    assert extraction.location == "quán cà phê Highlands"
    assert (extraction.product_category, extraction.amount_vnd, extraction.sentiment) == (
        "loan",
        1_200_000_000,
        "positive",
    )
    assert _tasks(note) == [("send_document", "2025-10-31"), ("call", "2025-10-31")]


def test_vietnamese_without_diacritics_and_a_complaint() -> None:
    note = "gap chi oanh tai chi nhanh, chi ay khong hai long vi the bi khoa. nho goi lai ngay mai"
    extraction = extract_note(note, FRIDAY)
    assert (extraction.language, extraction.channel, extraction.location) == ("vi", "meeting", "chi nhanh")
    assert (extraction.product_category, extraction.sentiment) == ("card", "negative")
    assert _tasks(note) == [("call", "2025-10-25")]


def test_negated_interest_is_negative_and_an_emailed_brochure_is_a_task() -> None:
    note = "Called Ms Dung re her CD maturing, 1.5 tỷ, she's not interested in rolling over. Email her the brochure in 3 days"
    extraction = extract_note(note, FRIDAY)
    assert (extraction.client_name, extraction.channel, extraction.product_category) == ("Dung", "call", "cd")
    assert (extraction.amount_vnd, extraction.sentiment) == (1_500_000_000, "negative")
    assert _tasks(note) == [("send_document", "2025-10-27")]  # a brochure e-mailed is a document sent


def test_recurring_task_with_an_until_condition() -> None:
    extraction = extract_note(
        "Remind me to check on Mr. Son's loan application every Monday and Friday until it's approved", FRIDAY
    )
    assert extraction.client_name == "Son"
    [task] = extraction.tasks
    assert (task.kind, task.recurrence, task.until_condition) == ("review", "FREQ=WEEKLY;BYDAY=MO,FR", "it's approved")
    assert task.due_on == dt.date(2025, 10, 27)


def test_the_story_is_not_a_task() -> None:
    assert _tasks("Quick call w/ Mrs Lan - happy w/ service, no action.") == []
    assert _tasks("Khách hàng Nguyễn Văn Minh gọi điện phàn nàn về phí chuyển tiền.") == []
    assert _tasks("He can invest 2bn next month, met him at the Sheraton hotel") == []


def test_channels() -> None:
    assert extract_note("zalo voi anh Binh, hoi ve the tin dung", FRIDAY).channel == "chat"
    assert extract_note("Emailed Mr Hai the quarterly statement", FRIDAY).channel == "email"
    assert extract_note("Gọi điện cho chị Hoa về sổ tiết kiệm", FRIDAY).channel == "call"
    assert extract_note("zalo voi anh Binh, hoi ve the tin dung", FRIDAY).product_category == "card"
    # a meal or drinks are met in person; "điện cho" is a call
    assert extract_note("drinks w/ Khoi at Landmark 81, wants a bond fund", FRIDAY).channel == "meeting"
    assert extract_note("trưa đi ăn với ô Thắng, ô than lãi vay cao", FRIDAY).channel == "meeting"
    assert extract_note("hnay điện cho bà Lan, bà muốn gửi thêm 500 củ", FRIDAY).channel == "call"


def test_a_clause_that_starts_with_its_date_is_a_task() -> None:
    assert _tasks("Gặp chị Oanh ở phòng khám. Thứ 6 tuần sau gửi hợp đồng cho chị.") == [
        ("send_document", "2025-10-31")
    ]
    assert _tasks("Anh Long gọi. Ngày mai xem lại danh mục của anh, thứ 7 tuần sau gọi lại.") == [
        ("review", "2025-10-25"),
        ("call", "2025-11-01"),
    ]
    assert _tasks("Ông Thắng nhắn tin. Next Saturday gặp ông ở nhà.") == [("meeting", "2025-10-25")]


def test_more_action_verbs_and_the_other_kind() -> None:
    tasks = _tasks("Met Mrs Dung. Arrange a property valuation by 28/11 and send the term sheet next Tuesday.")
    # A valuation is arranged (other) or attended (meeting): either reading, on its own day, next to the term sheet.
    assert tasks[0] in {("other", "2025-11-28"), ("meeting", "2025-11-28")}
    assert tasks[1:] == [("send_document", "2025-10-28")]
    assert _tasks("Call w/ Mr Tuan. Set a meeting next Monday, and send the report in 2 days.") == [
        ("meeting", "2025-10-27"),
        ("send_document", "2025-10-26"),
    ]


def test_follow_ups_joined_with_plus_or_ampersand_and_led_by_shorthand() -> None:
    assert _tasks("call w/ Bao re a mortgage. check his credit file tmrw + call back in 5 days") == [
        ("review", "2025-10-25"),
        ("call", "2025-10-29"),
    ]
    assert _tasks("chat w/ Hong on zalo re a car loan. fu: send app form Mon & call Wed") == [
        ("send_document", "2025-10-27"),
        ("call", "2025-10-29"),
    ]
    assert _tasks("gặp a Bảo ở Highlands, a muốn vay mua xe 800tr. gửi hs vay T5 & gọi a T2 tuần sau") == [
        ("send_document", "2025-10-30"),
        ("call", "2025-10-27"),
    ]


def test_a_checklist_of_follow_ups_under_a_heading() -> None:
    note = "KH: c Tâm\nNội dung: muốn mở TK thanh toán\nViệc cần làm:\n- gửi form mở TK thứ 2\n- hẹn gặp ký hs 25/11"
    assert _tasks(note) == [("send_document", "2025-10-27"), ("meeting", "2025-11-25")]
    assert _tasks("Met Ms Lan at the branch. Next steps: - call her Tue - send the rate sheet tmrw") == [
        ("call", "2025-10-28"),
        ("send_document", "2025-10-25"),
    ]


def test_a_dictated_note_with_its_fillers() -> None:
    note = "chị ưng ý lắm, thì thứ hai mình gửi chị bảng minh họa quyền lợi, ngày 5/11 gọi chị chốt"
    assert _tasks(note) == [("send_document", "2025-10-27"), ("call", "2025-11-05")]


def test_a_visit_is_a_meeting_and_an_appraisal_a_review() -> None:
    assert _tasks("gọi a Hải, a cần vay vốn lưu động 2 tỷ. thẩm định hs T6 + T3 qua cty a ấy") == [
        ("review", "2025-10-31"),
        ("meeting", "2025-10-28"),
    ]


def test_a_name_that_is_also_a_date_word() -> None:
    assert _tasks("gap chi mai o cafe highlands. thu 5 tuan sau gui hop dong") == [("send_document", "2025-10-30")]


def test_the_first_channel_named_wins_and_chat_needs_its_accent() -> None:
    assert extract_note("Ông Thắng ghé chi nhánh phàn nàn. Ngày mai gọi lại cho ông.", FRIDAY).channel == "meeting"
    assert (
        extract_note("Chị Nhung nhắn hỏi vay 300 củ sửa nhà, em hẹn gặp chị thứ 6 tuần sau.", FRIDAY).channel == "chat"
    )


def test_places_with_proper_names() -> None:
    assert extract_note("Gặp Mr Tuấn tại Vincom Center, bàn về đầu tư", FRIDAY).location == "Vincom Center"
    assert extract_note("Gặp chị Oanh ở bệnh viện Việt Đức. Chị rất vui.", FRIDAY).location == "bệnh viện Việt Đức"
    assert (
        extract_note("Dinner at Madame Lam restaurant last night with Ms Anh", FRIDAY).location
        == "Madame Lam restaurant"
    )


@pytest.mark.parametrize(
    ("note", "place"),
    [
        ("ghé a Hải ở kho Long Biên, a cần vay vốn lưu động", "kho Long Biên"),
        ("gặp ô Thắng ở nhà máy Yên Phong ô muốn vay 10 tỷ", "nhà máy Yên Phong"),
        ("xuong nha may Tu Son cua o Thang, o muon vay", "nha may Tu Son"),
        ("Dạ em gặp anh Khoa tại chi nhánh Quận 1 ạ", "chi nhánh Quận 1"),
        ("site visit at KCN VSIP 1 w/ Mr Hai", "KCN VSIP 1"),
        ("drinks w/ Khoi at Landmark 81 - wants to save 300m", "Landmark 81"),
        ("lunch at Pizza 4P's Le Thanh Ton w/ Ms Han", "Pizza 4P's Le Thanh Ton"),
        ("visited the Di An warehouse with Mr Binh", "Di An warehouse"),
        ("KH: a Hùng\nGặp tại xưởng Hòa Khánh\nNội dung: vay vốn lưu động", "xưởng Hòa Khánh"),  # ends with its line
    ],
)
def test_a_place_named_by_its_kind_and_its_own_name(note: str, place: str) -> None:
    assert extract_note(note, FRIDAY).location == place


@pytest.mark.parametrize(
    ("note", "category"),
    [
        ("gặp a Hải, a muốn mua bh Life Shield kèm khoản vay mua nhà, số tiền bh 2 tỷ", "insurance"),  # for a loan
        ("c Mai gọi hỏi gửi kỳ hạn 12 tháng 3 tỷ, ưng lãi suất", "cd"),  # a term named by its length
        ("her 6m TD (3bn) matures 15/8, keen to roll into 12m", "cd"),
        ("zalo vs c Sarah hỏi nâng hạn mức thẻ lên 150tr", "card"),  # a card named by its limit
        ("Mai on viber, her credit crad was declined in Bangkok", "card"),  # misspelled
        ("email from Ms Hong re a morgage for an apartment in Thu Duc", "loan"),
        ("gọi c Tâm, c phàn nàn phí ck của tk thanh toán", "casa"),
        ("he wants to roll his 6mth FD", "cd"),  # FD: a fixed deposit
        ("ông muốn gửi kỳ hạn sáu tháng cho an toàn", "cd"),  # the term in words
        ("a muốn nâng hạn mức vay vốn lưu động lên 4 tỷ", "loan"),  # a loan's limit, not a card's
        ("put 300m into the bond fund, signed. Might want a credit card someday, nothing concrete", "investment"),
        ("keen to add 5bn into Premier Invest, his bro looking at a home loan but not for him", "investment"),
        ("open a payment acct for her online shop", "casa"),
        ("c phàn nàn thẻ debit bị khóa khi đi Đà Lạt", "card"),
    ],
)
def test_product_categories_from_features_misspellings_and_purpose(note: str, category: str) -> None:
    assert extract_note(note, FRIDAY).product_category == category


@pytest.mark.parametrize(
    ("note", "sentiment"),
    [
        ("drinks w/ Khoi - wants to put 300m into the bond fund. stoked.", "positive"),
        ("chat w/ Hong on zalo re a car loan. upbeat.", "positive"),
        ("visited Mr Thang - not thrilled w/ our service lately", "negative"),
        ("Viber from Mr Khoi - card got blocked in Singapore, v grumpy", "negative"),
        ("ô than lãi vay vốn lưu động cao, ko vui", "negative"),
        ("Chị ấy hơi cáu vì tuần trước nhận được mấy tin nhắn", "negative"),
        ("Anh ấy vui ra mặt khi nghe về gói vay", "positive"),
        ("chị không mặn mà lắm với quỹ", "negative"),
        ("He's pumped about the new orders", "positive"),
        ("she wasn't thrilled w/ the premium", "negative"),  # n't inside the word
        ("Hong is bummed the fund dipped", "negative"),
        ("goi a Long, a hoi lai suat, giong binh thuong, ko phan nan gi", "neutral"),  # said to be neither
        ("ông nói chuyện từ tốn, không tỏ ra vui hay không vui", "neutral"),
        ("interested in the bond fund but wants more history first. Fairly neutral overall.", "neutral"),
        ("asked about a cross-sell of the card", "neutral"),  # "cross-sell" is not "cross"
        ("no complaints about the app this time", "neutral"),
    ],
)
def test_short_mood_words_in_either_language(note: str, sentiment: str) -> None:
    assert extract_note(note, FRIDAY).sentiment == sentiment


@pytest.mark.parametrize(
    ("note", "summary"),
    [
        ("Record this information on the CRM: Met Mr Son Pham 0823912039 at a coffee house, he wants a loan.",
         "Met Mr Son Pham at a coffee house, he wants a loan"),
        ("log this: call w/ Sarah (sdt 0908123456), she has 900m idle. sarah@mail.com", "call w/ Sarah, she has 900m idle"),
        ("luu CRM: gặp chị Oanh ở bệnh viện Việt Đức", "gặp chị Oanh ở bệnh viện Việt Đức"),
    ],
)  # fmt: skip
def test_the_summary_drops_the_command_and_the_contact_data(note: str, summary: str) -> None:
    assert extract_note(note, FRIDAY).summary == summary


def test_words_that_look_like_place_kinds_are_not_places() -> None:
    assert extract_note("gửi cho Sơn bảng lãi suất, gọi lại T5", FRIDAY).location is None  # "cho" is "for"
    assert extract_note("ghé cty Mr Tuan, a phàn nàn app lỗi", FRIDAY).location is None  # his company, not a name


def test_the_opening_clause_is_the_story_and_the_clients_needs_are_not_tasks() -> None:
    note = "Gặp ông Thắng, ông cần vay vốn lưu động 3 tỷ. Review báo cáo tài chính trước ngày 18/11, hẹn gặp lại ông thứ 6 tuần sau."
    assert _tasks(note) == [("review", "2025-11-18"), ("meeting", "2025-10-31")]
    assert extract_note(note, FRIDAY).product_category == "loan"
    assert _tasks("Email from Son Pham re his CD maturing 5/11. Send renewal docs by 3/11.") == [
        ("send_document", "2025-11-03")
    ]


def test_nothing_to_follow_up_means_no_task() -> None:
    assert _tasks("Quick WhatsApp check-in with Ms Anh, nothing to follow up, she's happy.") == []
    assert _tasks("Gặp chị Oanh, khoản vay đã duyệt. Chưa cần làm gì thêm.") == []


def test_thu_is_not_thursday_in_vietnamese() -> None:
    assert _tasks("goi cho c Tam, c muon mo the nhung thu nhap chua du. cuoi thang goi lai") == [("call", "2025-10-31")]


def test_running_into_a_client_is_a_meeting_and_places_can_be_one_word() -> None:
    extraction = extract_note("Ran into Son Pham at Hanoi Club, chatted about his CD", FRIDAY)
    assert (extraction.channel, extraction.location) == ("meeting", "Hanoi Club")
    assert extract_note("Gặp anh Hải tại Starbucks, bàn về thẻ", FRIDAY).location == "Starbucks"
    assert extract_note("gap anh Bao o Vincom Ba Trieu", FRIDAY).location == "Vincom Ba Trieu"


def test_a_decomposed_note_reads_exactly_like_the_composed_one() -> None:
    """Some phone keyboards send Vietnamese accents decomposed (NFD): the reading, spans included, is the same."""
    note = "Gặp chị Oanh ở văn phòng, chị muốn gửi tiết kiệm 1,2 tỷ. Hẹn gọi lại thứ Sáu."
    decomposed = unicodedata.normalize("NFD", note)
    assert decomposed != note
    assert extract_note(decomposed, FRIDAY) == extract_note(note, FRIDAY)


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        ("căn hộ giá 4 tỷ 2, anh muốn vay 3 tỷ 2", 3_200_000_000),  # a price, then the loan
        ("doanh thu năm ngoái 120 tỷ, ông muốn nâng hạn mức thêm 5 tỷ", 5_000_000_000),  # a revenue
        ("cô em gái vừa vay 600 triệu mua nhà, chị muốn thử quỹ trái phiếu khoảng 200 củ", 200_000_000),
        ("wants to top up WC line by 2bn; current 3bn o/s", 2_000_000_000),  # what is owed already
        ("borrow 2ty2 on 3ty5 property", 2_200_000_000),
        ("c muon tra truoc 500tr khoan vay nha", 500_000_000),  # prepaying is the deal
        ("her 6m TD (3bn) matures 15/8, keen to roll into 12m", 3_000_000_000),  # 6m / 12m are terms
        ("gặp ở Highlands Bà Triệu, chị gửi 300 triệu", 300_000_000),  # "Bà Triệu" is a street, not 3 million
        ("b muon gui ky han 6 thang 1 ty ruoi", 1_500_000_000),
    ],
)
def test_the_deal_amount_among_background_amounts(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    ("note", "place"),
    [
        ("cafe Highlands Tran Duy Hung voi a Bao, a muon gui 800tr", "Highlands Tran Duy Hung"),  # "cafe" + a name
        ("a Khoi ghe cf Cong Ca Thao Dien, muon vay 3 ty 2", "Cong Ca Thao Dien"),
        ("Bà Dung ra Hà Nội dự đám cưới, hẹn mình cà phê ở Cộng Cà Phê Nhà Thờ sáng nay", "Cộng Cà Phê Nhà Thờ"),
        ("chị Oanh ghé chi nhánh Quận 1 tất toán sổ cũ", "chi nhánh Quận 1"),  # a district's number is its name
        ("gap o Thang tai nha may Que Vo; vay von luu dong 5 ty", "nha may Que Vo"),  # a place over a name
        ("ngồi với chị Mai ở The Coffee House Hoàng Quốc Việt gần hai tiếng", "The Coffee House Hoàng Quốc Việt"),
    ],
)
def test_the_place_they_met(note: str, place: str) -> None:
    assert extract_note(note, FRIDAY).location == place


def test_a_place_means_in_person_and_wa_is_whatsapp() -> None:
    assert extract_note("Mr Son @ Starbucks Hoan Kiem; wants to roll 1.5bn; - call Mon", FRIDAY).channel == "meeting"
    assert extract_note("Khoi WA; asked abt Premier Invest; no f/u", FRIDAY).channel == "chat"
    assert extract_note("call c Oanh, c muon nang limit the len 200tr", FRIDAY).product_category == "card"
    assert extract_note("wants to top up WC line by 2bn", FRIDAY).product_category == "loan"
    assert extract_note("c hoi vay mua oto 750 trieu, hoi nong vi ho so cham", FRIDAY).sentiment == "negative"


def test_labelled_notes_say_their_place_and_mood() -> None:
    note = "KH: ô Minh\nGặp: chi nhánh Lê Chân\nND: pitch trái phiếu nhưng ô ko thích, confirm tái tục 5 tỷ\nMood: ok"
    extraction = extract_note(note, FRIDAY)
    assert (extraction.location, extraction.sentiment) == ("chi nhánh Lê Chân", "neutral")  # the Mood line decides
    assert extract_note("KH: Binh / Zalo video call ~30p / Mood: hơi cáu", FRIDAY).channel == "call"
    assert extract_note("Điện ô Thắng bữa nay, ổng muốn vay 5 tỷ", FRIDAY).channel == "call"
    assert extract_note("Mood so-so, bit worried abt tariffs", FRIDAY).sentiment == "neutral"


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        ("bả tính gởi kỳ hạn 12 tháng tỷ rưỡi", 1_500_000_000),
        ("bả gởi tiết kiệm thêm 5 trăm triệu", 500_000_000),
        ("phí tầm 40 triệu/năm, gọi lại mỗi thứ 2 tới khi ông chốt", 40_000_000),  # "2 tới" is not 2 tỏi
        ("chị có khoản vay nhà 2 tỷ 5, giờ muốn mua bảo hiểm mệnh giá 1 tỏi", 1_000_000_000),
        ("a Hải mua xe 1,2 tỷ, cần vay 850tr", 850_000_000),
        ("limit is still 80m only, he is asking to raise to 150 mil", 150_000_000),
    ],
)
def test_the_deal_amount_is_what_the_client_wants(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


def test_more_channel_and_mood_words() -> None:
    assert extract_note("KH có số điện thoại 0945678901 đã đến chi nhánh Quận 1 gặp RM", FRIDAY).channel == "meeting"
    assert extract_note("RM đã tiếp nhận email của chị Sarah phàn nàn về phí", FRIDAY).channel == "email"
    assert extract_note("Circled back w/ c Oanh by phone re: Life Shield", FRIDAY).channel == "call"
    assert extract_note("muon vay mua nha 4 ty 2 / hype lam luon", FRIDAY).sentiment == "positive"
    assert extract_note("Binh called in, grumbling about FX fees", FRIDAY).sentiment == "negative"
    # the RM writing of themself in the third person: "RM sẽ gọi … và gửi …" are two follow-ups
    note = "Bà chưa quyết định. RM sẽ gọi điện cho bà vào thứ Hai và gửi bảng lãi suất trước ngày 31/10."
    assert _tasks(note) == [("call", "2025-10-27"), ("send_document", "2025-10-31")]


def test_dictated_notes_spell_amounts_and_correct_themselves() -> None:
    assert extract_note("um so she wants two point five billion into the bond fund", FRIDAY).amount_vnd == 2_500_000_000
    assert extract_note("he wants to borrow eight hundred million dong", FRIDAY).amount_vnd == 800_000_000
    assert extract_note("about half a billion for a CD", FRIDAY).amount_vnd == 500_000_000
    # the day said after "no wait" / "à nhầm" stands
    assert _tasks("Met Mr Son. Send him the form on Tuesday, no wait, Wednesday.") == [("send_document", "2025-10-29")]
    assert _tasks("gặp a Bảo. gửi hs thứ 3 à nhầm thứ 4 nha") == [("send_document", "2025-10-29")]


def test_pipe_separated_notes_with_a_met_at_label() -> None:
    note = "Client: Khoi | Met at: The Coffee House Thao Dien | Discussed: Bond Fund VND 500m; upbeat | Next steps: send factsheet Mon"
    extraction = extract_note(note, FRIDAY)
    assert (extraction.location, extraction.channel, extraction.amount_vnd) == (
        "The Coffee House Thao Dien",
        "meeting",
        500_000_000,
    )
    assert [(t.kind, t.due_on.isoformat()) for t in extraction.tasks] == [("send_document", "2025-10-27")]
    whatsapp = extract_note("Client: Ms Han | Met at: WhatsApp | Discussed: car loan 800m | Next steps: none", FRIDAY)
    assert (whatsapp.location, whatsapp.channel) == (None, "chat")  # the label names the channel, not a place
    annoyed = extract_note("Met Mr Tuan at Sofitel Metropole, wants to add 3,000m but annoyed at Q2 results", FRIDAY)
    assert (annoyed.location, annoyed.amount_vnd) == ("Sofitel Metropole", 3_000_000_000)  # English thousands
    assert extract_note("Current Account for her shop, initial deposit VND 150m", FRIDAY).product_category == "casa"


def test_a_roll_over_and_an_early_closing() -> None:
    note = "Called Mr Son regarding his 1.5 billion CD that matured. He will roll 1 billion into a new 12-month CD."
    assert extract_note(note, FRIDAY).amount_vnd == 1_000_000_000
    assert extract_note("kh muon tat toan som so 1ty5 de vao quy trai phieu 1ty", FRIDAY).amount_vnd == 1_000_000_000
    assert extract_note("ghe nha xuong Tan Uyen gap mr Binh, vay 4 ty", FRIDAY).location == "nha xuong Tan Uyen"
    assert extract_note("kh goi phan nan phi ck quoc te tren tk tt", FRIDAY).product_category == "casa"


def test_memo_style_and_factory_notes() -> None:
    # the passive voice of bank memos is a follow-up, of the kind its verb names
    assert _tasks("c Oanh met at Vinhomes. Mood: ok. File to be reviewed by 30/10.") == [("review", "2025-10-30")]
    # a day heading a list is each item's day
    note = "SĐT 0956 789 012 gọi: muốn mở chi lương. Thứ 3: gửi HĐ chi lương + gọi kế toán c Loan."
    assert _tasks(note) == [("send_document", "2025-10-28"), ("call", "2025-10-28")]
    # "c Mai" is a name, not tomorrow; DT is a revenue; HMTD / VLĐ are loans
    assert _tasks("Ghé c Mai ở xưởng may. Gọi kế toán c Mai thứ 5.") == [("call", "2025-10-30")]
    factory = extract_note("ông Minh gọi hỏi gia hạn HMTD 6 tỷ cho cty, DT ~250 tỷ/năm, 120 CN", FRIDAY)
    assert (factory.amount_vnd, factory.product_category) == (6_000_000_000, "loan")
    assert (
        extract_note("Meeting held at the branch. Dissatisfaction expressed re returns.", FRIDAY).sentiment
        == "negative"
    )
    assert extract_note("Ghé ô Phúc tại xưởng gỗ Tân Uyên, ông cần vay", FRIDAY).location == "xưởng gỗ Tân Uyên"


def test_a_follow_up_on_the_same_day_as_the_one_before() -> None:
    note = "Zalo from Mr Phuc: he wants a 12-month CD. I shall ring him on Monday and send the form the same day."
    assert _tasks(note) == [("call", "2025-10-27"), ("send_document", "2025-10-27")]


def test_a_clause_with_no_action_and_no_day_is_not_a_task() -> None:
    note = "c Oanh email hoi vay mua can ho 3,2 ty, binh thuong, can bo sung giay to, gui checklist trong ngay"
    assert _tasks(note) == [("send_document", "2025-10-24")]


def test_a_place_is_logged_only_for_a_meeting() -> None:
    on_a_call = extract_note("c Oanh email hoi vay mua can ho 3,2 ty o Thu Duc, goi 2 tuan nua", FRIDAY)
    assert (on_a_call.channel, on_a_call.location) == ("email", None)
    met = extract_note("gap c Oanh o Highlands Coffee Thu Duc, vay 3,2 ty", FRIDAY)
    assert (met.channel, met.location) == ("meeting", "Highlands Coffee Thu Duc")


def test_a_dictated_phone_number_is_a_phone_number() -> None:
    note = "Ừm ghi nhanh, chiều nay có số không chín một tám bảy bảy bảy tám tám chín gọi cho em, xưng là bà Lan"
    assert extract_note(note, FRIDAY).phone == "0918777889"
    assert extract_note("call from oh nine one two, three four five, six seven eight", FRIDAY).phone == "0912345678"
    assert extract_note("bà gửi năm trăm triệu, một tỷ hai", FRIDAY).phone is None


@pytest.mark.parametrize(
    ("note", "name"),
    [
        ("À ừm ghi chú cho anh Báo nhé, chiều nay em ngồi với anh ấy ở Highlands", "Báo"),  # "chú cho" is no name
        ("Rồi, chị Oan gửi email cho em sáng nay", "Oan"),  # only the capitalized words of a cased note
        ("Gọi anh ấy chiều nay, anh ấy bận", None),  # "anh ấy" is "he"
        ("gap chi oanh o highlands", "oanh"),  # an all-lowercase note keeps its words, as typed
    ],
)
def test_the_name_after_an_honorific(note: str, name: str | None) -> None:
    assert extract_note(note, FRIDAY).client_name == name


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        # an amount taken back is not the deal
        ("anh muốn gửi kỳ hạn mười hai tháng hai tỷ à không, một tỷ tám thôi", 1_800_000_000),
        ("another three billion, no sorry, three point five billion on top of the existing three", 3_500_000_000),
        # what a house sold for, or was offered for, is background
        ("con trai bà vừa bán căn nhà bên Long Biên được sáu tỷ, giờ bà muốn gửi một tỷ hai", 1_200_000_000),
        ("có người trả căn nhà ba mươi tỷ mà bà chưa bán. Bà muốn gửi tiết kiệm bảy trăm triệu", 700_000_000),
    ],
)
def test_amounts_taken_back_or_in_the_background(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    ("note", "sentiment"),
    [
        ("a muon vay them, a dzui lam", "positive"),
        ("ba che lai suat thap, ba hoi bat man", "negative"),
        ("E ấy hăng hái lắm", "positive"),
        ("a ok lắm 👍 gửi bảng minh họa", "positive"),
        ("ổng hơi bực vì giải ngân bị delay 😤", "negative"),
        ("He was none too happy about the penalty", "negative"),
        ("ghé chi nhánh Cầu Giấy, mùng 5 gọi lại", "neutral"),  # places and dates are no moods
    ],
)
def test_more_mood_words_and_emoji(note: str, sentiment: str) -> None:
    assert extract_note(note, FRIDAY).sentiment == sentiment


def test_a_day_on_its_own_after_a_follow_up_is_its_day() -> None:
    note = "Email from Ms Oanh re: 6M CD.\nNext steps:\n- Send CD booking form after Tet holiday, on 3/11"
    assert _tasks(note) == [("send_document", "2025-11-03")]


def test_a_day_restated_after_a_correction_re_dates_the_follow_up_before() -> None:
    note = "so send her the CD form Monday and call her Wednesday, no wait, she's travelling, make it Thursday"
    tasks = extract_note(note, FRIDAY).tasks
    assert [(t.kind, t.due_on.isoformat() if t.due_on else None) for t in tasks] == [
        ("send_document", "2025-10-27"),
        ("call", "2025-10-30"),
    ]
    assert "Wednesday" not in tasks[1].title
    note = "I'll send the term sheet tomorrow and call her back on Friday, no wait, Thursday, Thursday works better"
    tasks = extract_note(note, FRIDAY).tasks
    assert [(t.kind, t.due_on.isoformat() if t.due_on else None) for t in tasks] == [
        ("send_document", "2025-10-25"),
        ("call", "2025-10-30"),
    ]
    assert "Friday" not in tasks[1].title


def test_an_amount_alone_after_a_comma_belongs_to_the_wish_before_it() -> None:
    note = "Con trai bà vừa bán căn nhà được sáu tỷ, giờ bà muốn gửi kỳ hạn mười hai tháng, một tỷ hai. Bà vui."
    assert extract_note(note, FRIDAY).amount_vnd == 1_200_000_000  # "căn" (a flat) is not "cần" (needs)


@pytest.mark.parametrize(
    ("note", "place"),
    [
        ("gap o Phuc tai vua lua Lap Vo, ong muon bo 700 chai vo Bond Fund", "vua lua Lap Vo"),  # "o" = ông here
        ("À hôm nay em xuống tận nhà máy Quế Võ của ông Thắng", "nhà máy Quế Võ"),  # "tận": all the way to
        ("Đi thăm nhà máy Tân Uyên của anh Bình cùng anh Tài bên thẩm định.", "nhà máy Tân Uyên"),  # Tài is a name
        ("Ông Phuc come to chi nhánh Quận 3. He has 4 billion at other bank.", "chi nhánh Quận 3"),
    ],
)
def test_places_and_what_only_looks_like_one(note: str, place: str) -> None:
    assert extract_note(note, FRIDAY).location == place


@pytest.mark.parametrize(
    ("note", "product"),
    [
        ("place VND 4bn in a fixed-rate 6-month deposit at 4.5%", "cd"),
        ("Opening of flexible savigns acct with 80tr requested", "savings"),
        ("wants to increase his working captial line by 2bn", "loan"),
        ("nhà máy mới tuyển 300 CN, muốn mở chi lương bên mình", "casa"),
    ],
)
def test_products_named_by_their_features_or_misspelled(note: str, product: str) -> None:
    assert extract_note(note, FRIDAY).product_category == product


@pytest.mark.parametrize(
    ("note", "channel"),
    [
        ("Client: Mrs Lan | Met at: phone | Discussed: 12m CD", "call"),
        ("Spoke to Ms Ngoc Anh on a WhatsApp call this afternoon", "call"),
        ("Ông Phuc come to chi nhánh Quận 3, wants Life Shield", "meeting"),
        ('c Hong nhan: "em oi chi muon mo tai khoan thanh toan"', "chat"),
        ("so yeah, emails back and forth with Mrs Dung about the bond fund", "email"),
    ],
)
def test_more_ways_to_say_the_channel(note: str, channel: str) -> None:
    assert extract_note(note, FRIDAY).channel == channel


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        ("Anh dinh vay mua can ho, tam 2,8 ty, gia can ho khoang 4 ty a.", 2_800_000_000),
        ("She is after a car loan of roughly 900m towards a 1.1bn car.", 900_000_000),
        ("Home Loan VND 4.5bn for a 6.5bn villa; excited", 4_500_000_000),
        ("can I open a 6-month CD with 150m? also my friend wants a 1bn loan lol", 150_000_000),
    ],
)
def test_the_deal_not_the_price_nor_a_friends_deal(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


def test_a_name_that_reads_as_a_negation_does_not_deny_a_mood() -> None:
    # "Hồng" folds to "hong", which is also Southern "hông" (not): after an honorific it is a name
    assert extract_note("Chị Hồng phàn nàn chờ quầy gần 1 tiếng.", FRIDAY).sentiment == "negative"
    assert extract_note("muon tai tuc 12 thang nhung cau vi lai suat giam", FRIDAY).sentiment == "negative"


def test_the_kind_of_an_unsure_follow_up() -> None:
    # a report is a document; a check is a review, whatever the classifier guessed
    assert _tasks("Họp với Mr Tuấn. Cuối tuần này gửi báo cáo danh mục.") == [("send_document", "2025-10-24")]
    note = "Call held with Ong Phuc. Waiver request to be checked with card centre by Tue."
    assert _tasks(note) == [("review", "2025-10-28")]


def test_a_document_emailed_is_sent_and_an_email_of_information_is_an_email() -> None:
    assert _tasks("zalo from ms oanh. pls email her the brochure mon") == [("send_document", "2025-10-27")]
    assert _tasks("Sarah muốn chuyển 500 triệu. Gửi email xác nhận cuối tuần này.") == [("email", "2025-10-24")]


def test_a_pasted_message_then_the_rms_own_line() -> None:
    note = (
        '"Hi Khoa! Could I get a Visa Platinum before my Japan trip? I\'ll spend around 80m." - Sarah whatsapp '
        "/ -> send card app form EOD, follow up call Fri"
    )
    extraction = extract_note(note, FRIDAY)
    assert extraction.channel == "chat"  # the RM's line says how it came, whatever the message talks about
    assert [(t.kind, t.due_on.isoformat() if t.due_on else None) for t in extraction.tasks] == [
        ("send_document", "2025-10-24"),
        ("call", "2025-10-31"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tôi đã hứa thứ Hai tới sẽ gọi lại", "2025-10-27"),  # "thứ Hai tới": the coming Monday
        ("chậm nhất ngày 25 tháng này sẽ gọi lại", "2025-10-25"),
    ],
)
def test_vietnamese_days_written_out(text: str, expected: str) -> None:
    assert [t.due_on.isoformat() for t in extract_note(text, FRIDAY).tasks if t.due_on] == [expected]


def test_toi_is_a_billion_only_when_typed_so() -> None:
    assert (
        extract_note("Thứ Năm tôi gửi bảng minh họa, phí bốn mươi triệu đồng mỗi năm", FRIDAY).amount_vnd == 40_000_000
    )
    assert extract_note("chị Tâm bị trừ phí chuyển tiền 55.000 đồng ba lần", FRIDAY).amount_vnd in (None, 55_000)


def test_a_wish_is_no_mood_and_the_talk_after_a_message_is_the_channel() -> None:
    note = '"Hi, I\'d like to move 800 million into a 12-month term deposit. Thanks, Sarah" — email của Ms Sarah.'
    assert extract_note(note, FRIDAY).sentiment == "neutral"  # "I'd like to" asks; it is no liking
    note = (
        '"Chào chị Hà, em là Ngọc kế toán bên cty ông Thắng. Sếp em muốn vay 2,5 tỷ." — kế toán nhắn zalo sáng nay. '
        "E gọi lại cho ô Thắng liền, ổng vui vẻ lắm. T5 này gọi lại chốt lịch."
    )
    assert extract_note(note, FRIDAY).channel == "call"  # the call that followed the message is the interaction


def test_a_credit_card_written_short_is_a_card() -> None:
    assert extract_note("c phan nan the td bi tru phi thuong nien 2 lan", FRIDAY).product_category == "card"


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        # the deal word right before an amount governs it, over a cue a few words back
        ("Chị Mai định mua căn hộ tầm 3 tỷ, trả trước 1 tỷ, cần vay 2 tỷ trong 15 năm.", 2_000_000_000),
        ("Anh Long tính mở rộng kho khoảng 4 tỷ, muốn hạn mức 600 triệu cho thẻ công ty.", 600_000_000),
        # money the deal comes from, is kept aside or is already there is not the deal
        ("Ms Lan will take 700m from her 2bn savings to put into the bond fund.", 700_000_000),
        ("Bà Hoa giữ lại 500 triệu tiêu Tết, còn lại 1 tỷ 5 muốn gửi kỳ hạn 6 tháng.", 1_500_000_000),
        ("Anh Tùng cần thêm 4 tỷ vốn lưu động ngoài khoản 6 tỷ đang vay.", 4_000_000_000),
        ("Mr Hai has 3bn in a CD he doesn't want to break; wants a 900m car loan.", 900_000_000),
        # a deal word after the amount, said of it
        ("Chị Thu bán xe được 800tr, phần còn lại 300tr chị muốn gửi tiết kiệm.", 300_000_000),
        # a term written like an amount is months, not millions
        ("Ông Phúc chốt certificate of deposit 6M, 2 tỷ, lãi 5%.", 2_000_000_000),
    ],
)
def test_the_amount_a_deal_word_governs(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    ("note", "sentiment"),
    [
        # everyday words that fold onto mood words are not moods
        ("Gặp chị Lan, em hướng dẫn chị cài ứng dụng và giải thích biểu phí. Mai gửi hướng dẫn.", "neutral"),
        ("Gap chi Lan, huong dan cai ung dung, giai thich bieu phi, goi y goi thich hop.", "neutral"),
        ("Anh Nam hỏi đáp ứng điều kiện vay không, chưa quyết.", "neutral"),
        # without diacritics "cung ung" is "cũng ưng"; typed as "hăng" the client is eager
        ("goi a Nam, a thay lai suat cung ung", "positive"),
        ("Gặp anh Nam, rất hăng, muốn làm hồ sơ ngay.", "positive"),
        ("Met Ms Lan, a bit sulky about the fee.", "negative"),
        ("Chị Lan cảm ơn rối rít vì được hỗ trợ nhanh.", "positive"),
    ],
)
def test_moods_are_not_read_from_words_that_only_look_like_them(note: str, sentiment: str) -> None:
    assert extract_note(note, FRIDAY).sentiment == sentiment


@pytest.mark.parametrize(
    ("note", "channel"),
    [
        ("vua dt voi a Nam xong, a muon vay 1 ty", "call"),
        ("c Lan nhan wa hoi mo the, mai gui form", "chat"),
        ("c Lan nhắn qua Zalo hỏi mở thẻ", "chat"),
        ("chị Lan gửi hồ sơ, em nhận qua email sáng nay", "email"),
    ],
)
def test_shorthand_channels(note: str, channel: str) -> None:
    assert extract_note(note, FRIDAY).channel == channel


def test_a_promise_reported_in_the_past_is_still_a_follow_up() -> None:
    """Polite narrative notes report the promise: "Em đã thưa với anh là thứ Tư em sẽ gửi…" is a task."""
    note = (
        "Dạ chiều nay em có gọi điện cho anh Long. Anh đang là trưởng phòng của một công ty, chị nhà bán hàng "
        "online. Anh muốn mở một tài khoản thanh toán mới. Anh nói chuyện từ tốn. Em đã thưa với anh là thứ Tư em "
        "sẽ gửi anh mẫu đơn mở tài khoản, và trong 3 ngày làm việc em sẽ hẹn gặp anh tại chi nhánh."
    )
    assert _tasks(note) == [("send_document", "2025-10-29"), ("meeting", "2025-10-29")]
    note = (
        "Dạ tối nay em có cuộc gọi với chị Lan. Chị muốn gửi có kỳ hạn 6 tháng. Chị rất vui. Em đã hứa trong ngày "
        "sẽ gửi email xác nhận lãi suất, và trong 5 ngày làm việc em sẽ rà lại hồ sơ của chị."
    )
    assert _tasks(note) == [("email", "2025-10-24"), ("review", "2025-10-31")]


@pytest.mark.parametrize(
    ("note", "tasks"),
    [
        # an action said not to be needed is no task
        (
            "Chị Lan nhắn Zalo hỏi lãi suất rồi cảm ơn. Chị dặn thứ Hai chị sẽ tự ra quầy, không cần em gọi lại hay gửi gì.",
            [],
        ),
        ("Ms Lan will come in on Monday herself, no need to call her.", []),
        # a note that opens with a part of the day and a weekday says when it happened
        ("Chiều T6 ghé chị Lan ở tiệm, chị muốn mở tài khoản. T3 gửi form.", [("send_document", "2025-10-28")]),
        # "gửi kèm" goes with the follow-up before it
        (
            "Chị Lan hỏi bảo hiểm. T2 trả lời email, gửi kèm brochure.",
            [("email", "2025-10-27"), ("send_document", "2025-10-27")],
        ),
        # a period is not a day; "chậm nhất ngày 5" is the 5th ahead
        (
            "Gặp anh Long. Gửi hợp đồng chậm nhất ngày 5, hẹn cafe tuần sau.",
            [("send_document", "2025-11-05"), ("meeting", None)],
        ),
        # a meeting called "họp"
        ("Anh Long vui. 2 tuần nữa em mời anh một buổi họp review danh mục.", [("meeting", "2025-11-07")]),
    ],
)
def test_follow_ups_said_otherwise(note: str, tasks: list[tuple[str, str | None]]) -> None:
    assert _tasks(note) == tasks


@pytest.mark.parametrize(
    ("note", "place"),
    [
        ("cf voi a Long o Cong Caphe Ba Trieu, a muon vay. t3 tuan sau hen a ra showroom", "Cong Caphe Ba Trieu"),
        ("an trua voi c Lan o nha hang Hoang Yen Buffet Le Thanh Ton. c vui", "nha hang Hoang Yen Buffet Le Thanh Ton"),
        ("Sáng nay em được ông mời xuống tham quan xưởng gỗ Đồng Kỵ của gia đình ông.", "xưởng gỗ Đồng Kỵ"),
    ],
)
def test_named_places_kept_whole(note: str, place: str) -> None:
    assert extract_note(note, FRIDAY).location == place


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        ("She wants to prepay VND 400m of her VND 3bn home loan from her bonus.", 400_000_000),
        ("Anh muốn trả trước 300 triệu off the 1,8 tỷ khoản vay.", 300_000_000),
        ("a hỏi mua quỹ 200tr qua app, đang có 900tr nhàn rỗi nhưng muốn thử trước", 200_000_000),
        ("Lúc đầu chị muốn vay 3 tỷ, em tính thu nhập thì chỉ nên 2 tỷ 4, chị đồng ý vay 2 tỷ 4.", 2_400_000_000),
        ("car's ~900tr, he's putting 200 down so he needs about 700 củ", 700_000_000),
    ],
)
def test_the_part_not_the_whole(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    ("note", "sentiment"),
    [
        ("Gặp chị Lan tại PGD Lê Chân, mở TK thanh toán xong. FU: không", "neutral"),  # "Chân" is a street
        ("Lunch with Mr Long. Very pleased with the fund, and clearly not interested in moving to HSBC.", "positive"),
        ("Call with Mr Long about the loan. Tone was matter-of-fact.", "neutral"),
        ("Video call w/ Lan. Very into it, already read the factsheet.", "positive"),
    ],
)
def test_moods_said_in_passing(note: str, sentiment: str) -> None:
    assert extract_note(note, FRIDAY).sentiment == sentiment


@pytest.mark.parametrize(
    ("note", "category"),
    [
        ("KH: ô Long\nND: ô muốn gửi TGCKH 6 tháng 2 tỷ.", "cd"),
        ("chú Long wants to put 1 tỷ into a 12-month kỳ hạn when the old one rolls.", "cd"),
    ],
)
def test_term_deposits_by_their_abbreviations(note: str, category: str) -> None:
    assert extract_note(note, FRIDAY).product_category == category


@pytest.mark.parametrize(
    ("note", "tasks"),
    [
        # a colleague's action and a recap's opening are not the RM's follow-ups
        (
            "Team — quick recap of Sunday lunch with Mr Long at La Badiane. He wants Life Shield cover. "
            "Hieu (Bancassurance) will run the illustration.\nActions: send him the illustration by Wednesday.",
            [("send_document", "2025-10-29")],
        ),
        # what the RM already did, with no day, is story; "hẹn dịp khác" is no follow-up
        ("Chị Lan email hỏi thẻ. E rep gửi link đăng ký kèm biểu phí. E hẹn dịp khác gặp.", []),
        # "bữa ni" is today in the Centre's speech; "bị thu 2 lần" is twice, not Monday
        ("Anh Long phàn nàn phí bị thu 2 lần. Bữa ni e gửi email xác nhận hoàn phí.", [("email", "2025-10-24")]),
        # a day, a time, then "e" doing it
        ("Chị Lan nhắn chốt gửi 1 tỷ. Mai 10h e qua phòng khám chị lấy chữ ký.", [("meeting", "2025-10-25")]),
    ],
)
def test_follow_ups_that_are_not_the_rms_or_not_ahead(note: str, tasks: list[tuple[str, str | None]]) -> None:
    assert _tasks(note) == tasks


def test_a_place_after_at_is_not_a_number() -> None:
    note = "Lunch with Mr Long at La Badiane today; the VN-Index at roughly 1,270 did not worry him."
    assert extract_note(note, FRIDAY).location == "La Badiane"


def test_a_colleagues_line_in_a_day_summary_is_theirs() -> None:
    note = (
        "EOD 24/10 – KH: Mr Long\n- Gặp KH tại chi nhánh, có c Linh (Treasury) join cùng.\n"
        "- c Linh (Treasury) confirm giữ rate cho KH đến 10/11.\nF/U:\n- e: gửi bảng LS mai\n- e + a Tùng: hẹn gặp KH T4"
    )
    assert _tasks(note) == [("send_document", "2025-10-25"), ("meeting", "2025-10-29")]


@pytest.mark.parametrize(
    ("note", "amount"),
    [
        # a change of mind: the later amount stands
        ("Lúc đầu ông bảo hạn mức 200 triệu, bà gạt đi, hai ông bà thống nhất 100 triệu.", 100_000_000),
        ("Anh định vay 700 triệu, nhưng sáng nay báo bố mẹ cho thêm nên chỉ cần vay 500 triệu.", 500_000_000),
        ("She first said 800m for the CD, then changed it to 1bn after talking to her son.", 1_000_000_000),
        # a valuation is not the deal
        ("ô hỏi HMTD 5 tỷ, TSĐB nhà xưởng định giá sơ bộ ~12 tỷ", 5_000_000_000),
        # "báo lãi" (told her the rate) is not a change of mind
        ("c muốn chuyển 600tr qua gửi kỳ hạn 6 tháng. E báo lãi 4,5%, c ưng, còn 300tr để lại chi tiêu.", 600_000_000),
    ],
)
def test_the_amount_after_a_change_of_mind(note: str, amount: int) -> None:
    assert extract_note(note, FRIDAY).amount_vnd == amount


@pytest.mark.parametrize(
    ("note", "sentiment"),
    [
        (
            "Met Mr Long. His wife keeps complaining about the old car haha. Positive. Send term sheet tomorrow.",
            "positive",
        ),
        ("Lên xưởng gặp ông Long, ông nói tin mình hơn, không khí rất vui.", "positive"),  # "không khí" is the air
        ("e Lan nhắn báo mất thẻ, em nó hơi bực vì gọi tổng đài hoài.", "negative"),  # "nó" (she) is no "no"
        ("Chị Lan hỏi Life Shield, hỏi nhiều câu kỹ, không rõ thích hay không.", "neutral"),
        ("Chị trả lời lịch sự, chưa đồng ý cũng chưa từ chối.", "neutral"),
        ("Mr Long emailed, khá gay gắt, said it was unacceptable.", "negative"),
        # "bộ phận vận hành" (operations) is not "phân vân" (undecided)
        ("Chị Lan phàn nàn phí, giọng khá bực. Em check lại với bộ phận vận hành.", "negative"),
    ],
)
def test_moods_stated_outright_or_undecided(note: str, sentiment: str) -> None:
    assert extract_note(note, FRIDAY).sentiment == sentiment


def test_what_a_client_or_their_family_will_do_is_not_the_rms() -> None:
    note = (
        "Bà Lan nhắn Zalo sáng nay, bà rất hào hứng. Em: thứ 3 gửi term sheet Premier Invest; hẹn gặp bà ở chi nhánh "
        "ngày 2/11 để ký. Chị Vy sẽ đọc kỹ điều khoản trước."
    )
    assert _tasks(note) == [("send_document", "2025-10-28"), ("meeting", "2025-11-02")]
    note = (
        "Anh Long email về hạn mức. Em trả lời: em sẽ review báo cáo tài chính trong 3 ngày làm việc. "
        "Huy sẽ gửi bảng kê công nợ phải thu."
    )
    assert _tasks(note) == [("review", "2025-10-29")]


@pytest.mark.parametrize(
    ("note", "sentiment"),
    [
        ("GHE NHA BA LAN. BA MUON GUI THEM 1 TY KY HAN 6T. BA HAI LONG LAI SUAT. 4/11 GOI NHAC BA.", "positive"),
        ("CALL MR TUAN. HE WANTS 5BN INTO PREMIER INVEST. VERY KEEN. SEND TERM SHEET EOD.", "positive"),
        ("DT O PHUC. SO CKH 3 TY DAO HAN, O CHE LAI THAP, HOI BUC. TUAN SAU QUA NHA O.", "negative"),
    ],
)
def test_a_note_typed_in_capitals_keeps_its_mood(note: str, sentiment: str) -> None:
    """In a note typed in capitals a capital marks no name: "RAT HAO HUNG" is a mood, as "rất hào hứng" is."""
    assert extract_note(note, FRIDAY).sentiment == sentiment


def test_a_deposit_with_a_term_abbreviated_ckh_is_a_cd() -> None:
    assert extract_note("DT O PHUC. SO CKH 3 TY DAO HAN HOM QUA, O MUON TAI TUC.", FRIDAY).product_category == "cd"
