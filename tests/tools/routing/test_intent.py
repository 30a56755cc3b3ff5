"""The co-pilot's intent rules on a labelled set of messy EN/VI messages (accents or not).

``DEV`` is the set the rules were tuned on; ``HELD_OUT`` was written after the rules were frozen,
so its accuracy is the honest figure. Both must stay above a floor, and a few cases are exact.
"""

from __future__ import annotations

import pytest

from tools.routing.intent import INTENTS, classify_intent, is_follow_up

P, N, R, D, W, OTHER = "prioritization", "next_best_action", "performance_report", "data_entry", "drafting", "other"

DEV: list[tuple[str, str]] = [
    # prioritization
    ("top clients for Premier Invest", P),
    ("Find top clients for the new 'Premier Invest' account", P),
    ("who should I call about idle cash?", P),
    ("which customers fit the new bond fund", P),
    ("give me 5 clients to pitch the travel card", P),
    ("Tôi nên gọi cho khách hàng nào về tiền nhàn rỗi?", P),
    ("khách hàng nào phù hợp với Premier Invest?", P),
    ("khach hang nao phu hop voi bao hiem nhan tho", P),
    ("danh sách khách nên chào gói tiết kiệm mới", P),
    ("rank my clients for the CD campaign pls", P),
    ("who to target for insurance this week", P),
    ("nen goi cho ai ve khoan dao han CD", P),
    # next best action
    ("what should I do with Mr Son?", N),
    ("next best action for Tran Thi Lan", N),
    ("nên làm gì với anh Sơn?", N),
    ("nen lam gi voi chi Lan", N),
    ("NBA for Le Van Minh", N),
    ("what should i offer Ms Oanh next", N),
    ("how should I approach Mr Duc after his complaint?", N),
    ("bước tiếp theo với chị Hoa là gì", N),
    ("next step with mr son pls", N),
    ("anh Sơn thì nên chào gì", N),
    # performance
    ("my AUM this month", R),
    ("What is my AUM?", R),
    ("how many new deposits did I open this month?", R),
    ("doanh số tháng này của tôi", R),
    ("doanh so thang truoc", R),
    ("tổng số dư tiền gửi của khách hàng tôi", R),
    ("how much came in through transactions this month", R),
    ("AUM by segment", R),
    ("bao nhiêu khách hàng mới trong quý này?", R),
    ("show my portfolio breakdown", R),
    ("total loans disbursed last quarter", R),
    ("báo cáo huy động vốn tháng này", R),
    # data entry
    (
        "Met Mr. Son Pham 0823912039 at a coffee house, talked about a renovation loan for his apartment, which needs"
        " about 800m vnd. He seemed keen. I need to send him the info pack by tomorrow and call him next Wednesday.",
        D,
    ),
    ("Gặp chị Lan ở văn phòng, chị quan tâm gửi tiết kiệm 2 tỷ, hẹn gọi lại thứ sáu", D),
    ("gap chi Lan hom nay, chi muon mo the tin dung, hen goi lai tuan sau", D),
    ("Called Mrs Hoa, she complained about card fees. Follow up tomorrow.", D),
    ("Spoke with Mr Minh re CD renewal, he wants 12 months. call back next monday", D),
    ("had lunch with Oanh Le, interested in insurance, send her the brochure by friday", D),
    ("Đã gọi điện cho anh Đức, anh ấy lo lắng về lãi suất, sẽ gửi bảng lãi suất ngày mai", D),
    ("met son at vincom, keen on 1.5b savings, remind me to call thu 3", D),
    ("vua goi cho chi Hoa, chi hai long voi dich vu", D),
    ("Meeting with Mr Duc: discussed loan top-up 500m, he will decide next week", D),
    # drafting
    ("draft a birthday message for Mr Son", W),
    ("write an email to Tran Thi Lan about her CD maturity", W),
    ("soạn tin nhắn chúc mừng sinh nhật chị Lan", W),
    ("soan tin chuc mung sinh nhat anh Son", W),
    ("compose a thank you note to Ms Oanh", W),
    ("write a quick sms to mr minh reminding him his loan matures", W),
    ("viết lời chúc sinh nhật cho anh Đức", W),
    ("prepare a follow-up email for Mrs Hoa about her complaint", W),
    # other
    ("hello", OTHER),
    ("xin chào", OTHER),
    ("thanks!", OTHER),
    ("what can you do?", OTHER),
    ("bạn làm được gì?", OTHER),
    ("what's the weather in Hanoi", OTHER),
    ("tell me a joke", OTHER),
    ("ok", OTHER),
    ("cam on em", OTHER),
    ("who are you", OTHER),
]

# Written after the rules were frozen; never tuned on.
HELD_OUT: list[tuple[str, str]] = [
    ("which of my clients should hear about Premier Invest first?", P),
    ("ai phù hợp nhất cho sản phẩm quỹ đầu tư mới?", P),
    ("clients with idle cash I should contact", P),
    ("suggest a next action for Pham Van Son", N),
    ("chị Lan dạo này thế nào, em nên làm gì tiếp?", N),
    ("what do I do about Mr Duc's complaint", N),
    ("net inflow this month?", R),
    ("số lượng tài khoản mới tháng trước là bao nhiêu", R),
    ("how are my numbers this quarter", R),
    ("AUM cua toi thang nay", R),
    ("Coffee with Mrs Oanh this morning. She is moving 3 ty from another bank. Send docs tomorrow.", D),
    ("gặp anh Minh tại chi nhánh, anh muốn vay mua xe 700tr, hẹn gửi hồ sơ thứ hai", D),
    ("talked to Lan about her savings, she'll think about it, call her friday", D),
    ("just called Mr Son - no answer, try again tomorrow", D),
    ("draft a message to Mr Minh about his loan maturing", W),
    ("soạn email cảm ơn chị Oanh", W),
    ("write a birthday wish for Lan", W),
    ("good morning!", OTHER),
    ("how do I reset my password", OTHER),
    ("chào em, hôm nay thế nào", OTHER),
]


def accuracy(cases: list[tuple[str, str]]) -> tuple[float, list[tuple[str, str, str]]]:
    guesses: list[tuple[str, str, str]] = [(text, label, classify_intent(text).intent) for text, label in cases]
    wrong = [item for item in guesses if item[1] != item[2]]
    return 1 - len(wrong) / len(cases), wrong


def test_the_sets_are_labelled_with_known_intents_and_cover_each() -> None:
    assert len(DEV) >= 60 and len(HELD_OUT) >= 20
    for cases in (DEV, HELD_OUT):
        assert {label for _, label in cases} == set(INTENTS)


def test_dev_set_accuracy() -> None:
    score, wrong = accuracy(DEV)
    assert score >= 0.95, wrong


def test_held_out_accuracy() -> None:
    score, wrong = accuracy(HELD_OUT)
    assert score >= 0.8, wrong


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("top clients for Premier Invest", P),
        ("nên làm gì với anh Sơn", N),
        ("nen lam gi voi anh Son", N),
        ("Gặp chị Lan ở quán cà phê, hẹn gọi lại thứ ba", D),
        ("draft a birthday message for Mr Son", W),
        ("my AUM this month", R),
        ("", OTHER),
    ],
)
def test_examples_from_the_brief(text: str, intent: str) -> None:
    guess = classify_intent(text)
    assert guess.intent == intent
    assert 0 < guess.confidence <= 1 and guess.reason


def test_a_bare_follow_up_stays_in_the_previous_use_case_only_when_there_is_one() -> None:
    assert is_follow_up("and last month?") and is_follow_up("còn tháng trước?")
    assert classify_intent("and last month?", previous_intent=R).intent == R
    assert classify_intent("còn tháng trước thì sao?", previous_intent=R).intent == R
    assert classify_intent("and last month?").intent == OTHER
    assert classify_intent("and last month?", previous_intent=D).intent == OTHER  # a note is never implied
    assert not is_follow_up("Met Mr. Son at a coffee house and he wants a loan, call him next Tuesday")
