"""Requests read into filters, goals, a limit and an order: EN and VI, with and without diacritics, shorthand."""

from __future__ import annotations

import datetime as dt

import pytest

from tools.reporting.composer import Vocabulary
from tools.signals.criteria import goals_in, note_mentions, read_criteria

TODAY = dt.date(2026, 6, 1)
PRODUCTS = {"CARD_TRAVEL": "Thẻ tín dụng Travel Miles", "PREMIER_INVEST": "Premier Invest"}


def test_the_seeds_example_keeps_the_segment_and_the_number() -> None:
    criteria = read_criteria("Analyze my 'Diamond' clients. Who are my top 3 prospects for this new account?", TODAY)
    assert criteria.segments == ("Diamond",) and criteria.top_n == 3 and criteria.filters


@pytest.mark.parametrize(
    "request_text",
    [
        "khach kim cuong hoac bach kim, than trong, tien gui tu 2 ty tro len, chua co the tin dung o Ha Noi, 25-35 tuoi",
        "Khách Diamond hoặc Platinum, khẩu vị thận trọng, tiền gửi từ 2 tỷ trở lên, chưa có thẻ tín dụng, ở Hà Nội, "
        "tuổi từ 25 đến 35",
    ],
)
def test_every_kind_of_filter_in_vietnamese(request_text: str) -> None:
    criteria = read_criteria(request_text, TODAY)
    assert criteria.segments == ("Diamond", "Platinum") and criteria.risk_profiles == ("conservative",)
    assert criteria.cities == ("Hà Nội",) and (criteria.age_min, criteria.age_max) == (25, 35)
    assert criteria.amounts == (("deposits", ">=", 2_000_000_000),) and criteria.without == ("credit_card",)


def test_segments_and_above_and_segments_left_for_later() -> None:
    assert read_criteria("Khách Gold trở lên, AUM trên 1bn", TODAY).segments == ("Gold", "Platinum", "Diamond")
    later = read_criteria("Trong khách Diamond và Platinum, ai muốn rời bỏ? Gold để tuần sau.", TODAY)
    assert later.segments == ("Diamond", "Platinum") and later.goals == ("attrition",)


def test_context_amounts_and_loan_needs_are_not_filters() -> None:
    target = read_criteria("Chỉ tiêu huy động còn thiếu 3 tỷ. Top 5 khách có trên 500tr nằm im trong tài khoản "
                           "thanh toán, ai nhiều tiền nhàn rỗi nhất lên đầu", TODAY)  # fmt: skip
    assert target.amounts == (("casa_idle", ">=", 500_000_000),) and target.order_by == "idle" and target.top_n == 5
    need = read_criteria("Ai đang tính mua nhà, cần vay từ 500 triệu trở lên?", TODAY)
    assert need.amounts == () and need.needs == (("loan", 500_000_000),) and need.goals == ("home",)


def test_a_products_own_name_is_no_measure_and_a_named_holding_is_a_filter() -> None:
    premier = read_criteria("Premier Invest (min 2 billion), best first", TODAY, product_names=PRODUCTS,
                            product_code="PREMIER_INVEST")  # fmt: skip
    assert premier.amounts == (("aum", ">=", 2_000_000_000),)
    travellers = read_criteria("kh nao hay bay nc ngoai ma chua co the Travel Miles?", TODAY, product_names=PRODUCTS)
    assert travellers.without == ("CARD_TRAVEL",) and "travel" in travellers.goals


@pytest.mark.parametrize(
    ("request_text", "goals"),
    [
        ("Which of my clients are most at risk of leaving?", ("attrition",)),
        ("kh nao co nguy co roi bo", ("attrition",)),
        ("Top 3 clients who have moved the most money out to other banks", ("money_out",)),
        ("check giup e kh nao luong ko con ve tk ben minh nua", ("salary_stopped",)),
        ("top 3 kh Diamond lau nhat chua gap/goi (hon 90 ngay)", ("inactive",)),
        ("business owners who talked about a green project in a meeting", ("business", "green")),
        ("kh nao co con sap di hoc nc ngoai", ("study_abroad",)),
    ],
)
def test_goals_in_many_registers(request_text: str, goals: tuple[str, ...]) -> None:
    assert tuple(goals_in(request_text)) == goals


def test_windows_orders_and_spend_kinds() -> None:
    inflow = read_criteria("Khách Gold vừa nhận khoản tiền lớn trên 500 triệu trong 30 ngày qua?", TODAY)
    assert inflow.amounts == (("inflow", ">=", 500_000_000),) and inflow.window_days == 30
    assert read_criteria("5 người có tổng tài sản (AUM) lớn nhất", TODAY).order_by == "aum"
    spend = read_criteria("people who swipe their debit card a lot at supermarkets and dining", TODAY)
    assert "spend" in spend.goals and set(spend.spend_categories) == {"groceries", "dining"}


def test_a_note_mentions_a_goal_in_its_own_words() -> None:
    assert note_mentions("green", "Anh muốn lắp điện mặt trời áp mái cho nhà xưởng") == "dien mat troi"
    assert note_mentions("green", "Chị mua áo xanh") is None  # a colour is not a green project


def test_goals_named_to_be_left_out_are_not_goals() -> None:
    asked = goals_in("Who is most at risk of leaving? Please don't flag people simply because a large payment came in.")
    assert asked == ["attrition"]
    assert "education" not in goals_in("Top 3 khách chuyển tiền sang ngân hàng khác? Không tính học phí du học.")


def test_ages_over_and_risk_in_everyday_words() -> None:
    older = read_criteria("clients aged 55 or over, conservative or balanced in profile", TODAY)
    assert (older.age_min, older.age_max) == (55, None) and older.risk_profiles == ("conservative", "balanced")
    assert read_criteria("chi lay kh chiu rui ro cao, co tu 200tr nhan roi", TODAY).risk_profiles == ("growth",)
    assert read_criteria("workshop 'Tăng trưởng xanh & mở rộng sản xuất'", TODAY).risk_profiles == ()


def test_holders_left_out_in_so_many_words() -> None:
    fund = read_criteria("at least 500 million in their current account, and leave out anyone who already holds the fund",
                         TODAY)  # fmt: skip
    assert fund.without == ("investment",) and fund.holding == ()
    assert read_criteria("khách đang tìm mua nhà, trừ những ai hiện đang có khoản vay", TODAY).without == ("loan",)
    # A list's own order is no exclusion: "skip open complaints. Top 5 by CASA balance."
    assert "casa" not in read_criteria("skip open complaints top 5 by CASA balance", TODAY).without


@pytest.mark.parametrize(
    "request_text",
    [
        "Khách Gold nào đang để trên 500tr nằm không trong tài khoản thanh toán dzậy em?",
        "có mấy khách rút tiền sang ngân hàng khác mà RM không hề biết tài khoản nào, ai sắp rời bỏ?",
    ],
)
def test_a_not_before_another_verb_is_no_missing_holding(request_text: str) -> None:
    assert read_criteria(request_text, TODAY).without == ()


def test_holdings_listed_after_a_negation_are_all_missing_and_a_with_after_a_comma_is_held() -> None:
    listed = read_criteria("kh de tien trong TK thanh toan, chua gui tiet kiem hay dau tu gi het", TODAY)
    assert listed.without == ("savings", "investment")
    assert read_criteria("clients without a card, with a loan", TODAY).holding == ("loan",)


def test_the_english_the_is_no_card_but_the_vietnamese_the_is() -> None:
    assert read_criteria("clients who are not the owners of a business", TODAY).without == ()
    assert read_criteria("khách đi nước ngoài nhiều mà chưa có thẻ nào", TODAY).without == ("card",)


@pytest.mark.parametrize(
    ("request_text", "measure"),
    [
        ("Khách Gold có tổng tài sản tại mình (tiền gửi + đầu tư) từ 1,5 tỷ trở lên", "aum"),
        ("khách có tổng tiền gửi (tính luôn CASA) từ 2 tỷ trở lên", "deposits"),
        ("khách có từ 1 tỷ trong CASA + tiết kiệm linh hoạt", "cash"),
        ("at least 2 billion with us across current, savings and term deposits combined", "deposits"),
        ("kh khau vi conservative co tu hai tỷ tiền gửi trở lên, tính cả tk tt, tiết kiệm vs CD", "deposits"),
    ],
)
def test_an_amount_of_a_sum_is_of_that_sum(request_text: str, measure: str) -> None:
    (amount,) = read_criteria(request_text, TODAY).amounts
    assert amount[0] == measure and amount[2] in (1_000_000_000, 1_500_000_000, 2_000_000_000)


def test_the_tier_a_client_would_be_upgraded_to_is_no_filter() -> None:
    assert read_criteria("Gold nào AUM qua 2 tỷ r thì đề xuất nâng Platinum", TODAY).segments == ("Gold",)
    assert read_criteria("Khách hàng Gold đủ điều kiện nâng hạng Platinum", TODAY).segments == ("Gold",)
    assert read_criteria("which Gold clients could be upgraded to Platinum?", TODAY).segments == ("Gold",)


@pytest.mark.parametrize(
    ("request_text", "goals"),
    [
        ("những khách trước đây nhận lương đều đặn nhưng từ tháng 5 đến nay không thấy lương về nữa",
         ("salary_stopped",)),
        ("who stopped getting their salary here or whose app logins dropped to zero?", ("salary_stopped", "login_drop")),
        ("anyone wiring big money (300M+) out to other banks lately?", ("money_out",)),
    ],
)  # fmt: skip
def test_signs_of_leaving_in_everyday_words(request_text: str, goals: tuple[str, ...]) -> None:
    assert read_criteria(request_text, TODAY).goals == goals


def test_an_events_theme_is_no_goal_beside_real_filters() -> None:
    seminar = read_criteria("For the retirement-income seminar, clients aged 55 or over with at least 2 billion", TODAY)
    assert seminar.goals == () and seminar.age_min == 55
    assert read_criteria("Which clients talked about retirement?", TODAY).goals == ("retirement",)


def test_this_product_is_the_offered_one_not_a_category_to_leave_out() -> None:
    bond = read_criteria("khách conservative, chưa mua trái phiếu này", TODAY, product_code="BOND_TV")
    assert bond.without == ()
    assert read_criteria("khách chưa mua trái phiếu", TODAY, product_code="BOND_TV").without == ("investment",)


def test_the_head_noun_of_the_offered_products_name_is_that_product() -> None:
    offered = read_criteria("kh nao hay bay nc ngoai ma chua co the Travel Miles?", TODAY, product_names=PRODUCTS,
                            product_code="CARD_TRAVEL")  # fmt: skip
    assert offered.without == () and "travel" in offered.goals


def test_no_new_product_lately_is_no_missing_holding() -> None:
    assert read_criteria("≥ 500tr on CASA, no new savings/CD in the last 90 days", TODAY).without == ()


@pytest.mark.parametrize(
    "request_text",
    [
        "ông bà không xài app xưa giờ thì đâu phải bỏ mình, ai mới có tiền về nhiều cũng không phải. Ai sắp rời bỏ?",
        "Khách Gold nào sắp rời mình? Đừng tính mấy người chỉ chuyển tiền qua lại giữa các tài khoản của chính họ hay "
        "mới có tiền bán đất về nha",
    ],
)
def test_signs_named_and_then_said_not_to_count_are_no_goals(request_text: str) -> None:
    assert read_criteria(request_text, TODAY).goals == ("attrition",)


def test_shorthand_sums_left_out_and_slang_for_leaving() -> None:
    # The k of "sổ TK" is no "không": the deposits are what is asked about, not missing.
    maturing = read_criteria("Trong 30 ngày tới ai có sổ TK / CCTG đáo hạn? list theo ngày", TODAY)
    assert maturing.without == () and maturing.goals == ("cd_maturing",) and maturing.ahead_days == 30
    # "(ko tính tk thanh toán)": the current account is left out of the sum, it is no missing account.
    term = read_criteria("kh khau vi than trong, tien gui tu 2 ty tro len (ko tinh tk thanh toan)", TODAY)
    assert term.without == () and term.amounts == (("term_deposits", ">=", 2_000_000_000),)
    assert "attrition" in read_criteria("ai dang co nguy co nghi choi vs minh?", TODAY).goals
    assert "attrition" in read_criteria("kh nào có dấu hiệu sắp bỏ mình qua nh khác", TODAY).goals


def test_the_towns_of_the_rms_clients_are_cities() -> None:
    towns = Vocabulary(cities=("Hội An", "Tam Kỳ"))
    criteria = read_criteria("các cô chú 55-65 tuổi ở Hội An chưa có thẻ tín dụng", TODAY, towns)
    assert criteria.cities == ("Hội An",) and (criteria.age_min, criteria.age_max) == (55, 65)
    assert read_criteria("các cô chú ở Hội An", TODAY).cities == ()  # a town no client lives in is no city


def test_occupations_deposits_coming_due_and_the_words_around_amounts() -> None:
    it = read_criteria("list giup e kh lam IT, luong ve tk tren 40tr/thang ma chua co the tin dung nao", TODAY)
    assert it.occupations == ("it",) and it.amounts == (("income", ">=", 40_000_000),)
    assert read_criteria("who has it?", TODAY).occupations == ()  # the English "it" is no trade
    retirees = read_criteria("co nhg bac huu tri o Hue, khau vi conservative", TODAY)
    assert retirees.occupations == ("retiree",) and "retirement" not in retirees.goals  # who they are, not a plan
    due = read_criteria("list cust w/ FD maturing next 30 days, only those >= VND 1bn. biggest first", TODAY)
    assert due.amounts == (("maturing", ">=", 1_000_000_000),) and due.order_by == "maturing"
    # "…1 tỷ vậy?" typed without accents is no loan
    asked = read_criteria("FD nao dao han trong 30 ngay toi ma so du tren 1 ty vay?", TODAY)
    assert asked.needs == () and asked.amounts == (("maturing", ">=", 1_000_000_000),)
    gone = read_criteria("list kh co FD dao han trong 2 thang qua ma ko tai tuc, sort so tien lon truoc", TODAY)
    assert gone.goals == ("matured_not_rolled",) and gone.order_by == "matured"
    # Goods that go abroad are exports, not travel; the offered deposit named by its term is no missing holding.
    assert read_criteria("mấy anh chị làm thủy sản có hàng đi nước ngoài", TODAY).goals == ("business",)
    names = {"CD_12M": "Tiền gửi có kỳ hạn 12 tháng"}
    assert read_criteria("ai chua co FD 12T?", TODAY, None, names, "CD_12M").without == ()
    assert read_criteria("ai chua co FD?", TODAY, None, names, "CD_12M").without == ("cd",)
    assert read_criteria("chu ks / homestay o DN", TODAY).cities == ("Đà Nẵng",)
    assert read_criteria("chu DN o Hoi An", TODAY).cities == ()  # "chủ DN" is a business owner


def test_windows_said_in_words_months_and_corrections() -> None:
    today = dt.date(2026, 11, 23)
    spoken = read_criteria("ai có chứng chỉ tiền gửi đáo hạng trong ba mươi ngày tới từ năm trăm triệu", today)
    assert spoken.goals == ("cd_maturing",) and spoken.ahead_days == 30  # a voice slip ("đáo hạng") and 30 in words
    assert spoken.amounts == (("maturing", ">=", 500_000_000),)
    months = read_criteria("conservative customers aged 55+ with FD maturing Dec-Jan. Biggest maturing first", today)
    assert months.ahead_days == (dt.date(2027, 1, 31) - today).days and months.order_by == "maturing"
    assert read_criteria("anyone mention life cover in mtgs since sep?", today).window_days == 83
    corrected = read_criteria("ai chuyen tien qua bank khac tong tren 50tr trong 2 thang?\n*500tr nha, e go thieu so 0",
                              today)  # fmt: skip
    assert corrected.amounts == (("money_out", ">=", 500_000_000),)
    assert read_criteria("gold cust under 40 w/ heavy travel spend", today).age_max == 39
    revenue = read_criteria("chủ hộ kinh doanh doanh thu bình quân ba trăm củ một tháng trong ba tháng gần đây", today)
    assert revenue.amounts == (("business_monthly", ">=", 300_000_000),) and revenue.window_days == 90
