"""The composer reads every word or says which it could not, and composes measure × filters × shape."""

from __future__ import annotations

import datetime as dt

import pytest

from tools.reporting.composer import Vocabulary, compile_plan, read_question, spelled_out
from tools.reporting.guard import scope_query

TODAY = dt.date(2025, 11, 13)


def _plan(question: str):  # type: ignore[no-untyped-def]
    reading = read_question(question, TODAY)
    assert reading.plan is not None, reading
    return reading.plan


def test_an_average_is_an_average_per_client_over_every_client_of_the_segment() -> None:
    plan = _plan("what is the average AUM of my Diamond clients?")
    assert (plan.measure, plan.agg, plan.shape, plan.per_client) == ("aum", "avg", "number", True)
    sql = compile_plan(plan, "sqlite")
    assert "AVG(aum)" in sql and "c.segment IN ('Diamond')" in sql and "matched > 0" not in sql


def test_a_breakdown_is_kept() -> None:
    plan = _plan("break down my AUM by product type")
    assert (plan.shape, plan.group_by) == ("breakdown", "product")
    assert "GROUP BY a.product_code" in compile_plan(plan, "sqlite")


def test_stock_and_flow_are_told_apart() -> None:
    stock = compile_plan(_plan("what is my total outstanding loan balance?"), "sqlite")
    flow = compile_plan(_plan("new loans this month"), "sqlite")
    assert "a.status = 'active'" in stock and "opened_on" not in stock
    assert "a.opened_on BETWEEN '2025-11-01' AND '2025-11-30'" in flow


def test_a_channel_filter_is_not_dropped() -> None:
    sql = compile_plan(_plan("how many calls did I make last week?"), "sqlite")
    assert "i.channel IN ('call')" in sql and "'2025-11-03' AND '2025-11-09'" in sql


@pytest.mark.parametrize(
    ("question", "piece"),
    [
        ("which of my clients have a total balance above 20 billion VND?", "aum > 20000000000"),
        ("which of my clients have birthdays this week?", "BETWEEN '11-10' AND '11-16'"),
        ("who hasn't logged into the app in 30 days?", "matched = 0"),
        ("list my overdue tasks", "k.due_on < :today"),
        ("so kh chua login app 30 ngay", "COUNT(*) AS clients"),
        ("how much money moved to other banks in the last 30 days?", "t.category IN ('transfer_external')"),
    ],
)
def test_filters_lists_and_negations(question: str, piece: str) -> None:
    assert piece in compile_plan(_plan(question), "sqlite")


def test_a_word_nobody_read_is_named_and_nothing_is_answered() -> None:
    reading = read_question("what is the median AUM of my Diamond clients?", TODAY)
    assert reading.plan is None and reading.unknown_words == ("median",)


def test_targets_and_follow_ups_go_to_the_fixed_metrics() -> None:
    assert read_question("am I on target for new loans this quarter?", TODAY).legacy
    assert read_question("and last month?", TODAY).legacy
    assert not read_question("average AUM by segment by product", TODAY).legacy


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    "question",
    ["which of my clients have birthdays this week?", "new deposits by month this year", "top 5 kh co du no cao nhat"],
)
def test_every_composed_query_passes_the_guard(dialect: str, question: str) -> None:
    scope_query(compile_plan(_plan(question), dialect), rm_id="RM001", dialect=dialect, today=TODAY)


@pytest.mark.parametrize(
    "question",
    [
        "What's my new deposits this month?",  # a possessive must not shift where the period's words are
        "Từ 01/06 đến nay có KH nào nhận tiền bán bất động sản không? Cho em tên và số tiền.",  # "không?" mid-text
    ],
)
def test_every_word_is_read_where_it_is(question: str) -> None:
    plan = _plan(question)
    assert not plan.negated


def test_two_periods_compared_and_a_share() -> None:
    compared = compile_plan(_plan("contacts this week vs last week"), "sqlite")
    assert compared.count("UNION ALL") == 2 and "'2025-11-03' AND '2025-11-09'" in compared and "'change'" in compared
    share = compile_plan(_plan("CD chiem bn % trong tong aum cua e"), "sqlite")
    assert "share_pct" in share and "a.kind IN ('cd')" in share and "'casa', 'savings', 'cd', 'investment'" in share


@pytest.mark.parametrize(
    ("question", "pieces"),
    [
        ("lowest and highest rate on my active CDs", ["MIN(a.rate_pct)", "MAX(a.rate_pct)"]),
        ("tổng tiền CD đang hưởng lãi suất trên năm phần trăm là bao nhiêu", ["SUM(a.balance_vnd)", "a.rate_pct > 5"]),
        ("how many messages did I send over Zalo and email this month", ["GROUP BY s.channel", "'total'"]),
        ("tong tien kh chi tieu thang 10 chia theo tung nhom", ["GROUP BY t.category"]),
        ("so lan contact kh tung thang tu thang 5 den thang 10", ["'2025-05-01' AND '2025-10-31'"]),
        ("huy dong moi thang chin", ["'2025-09-01' AND '2025-09-30'"]),
        ("new loans from June to October this year", ["'2025-06-01' AND '2025-10-31'"]),
    ],
)
def test_compositions(question: str, pieces: list[str]) -> None:
    sql = compile_plan(_plan(question), "sqlite")
    for piece in pieces:
        assert piece in sql, (piece, sql)


def test_a_particle_is_not_a_loan_and_a_slip_is_read() -> None:
    plan = _plan("mấy khách kim cương của anh không đăng nhập app 30 ngày nay vậy")  # "vậy" folds into "vay" (loan)
    assert plan.fact == "logins" and plan.negated
    assert _plan("bn kh nhận lươngg tháng 10").fact == "transactions"  # "lươngg": a doubled letter
    assert read_question("what is the median rate", TODAY).unknown_words == ("median",)


def test_a_preamble_that_names_nothing_is_left_out_and_one_that_does_is_not() -> None:
    plan = _plan("Sếp vừa hỏi gấp nên em cần check trước 3h: tổng AUM hiện tại của em là bao nhiêu?")
    assert plan.measure == "aum" and plan.agg == "sum"
    # the Diamond of the preamble must be honoured, so the preamble is not dropped: the question is not read
    assert (
        read_question("Cho buổi cà phê với nhóm khách kim cương pipeline: tổng AUM là bao nhiêu?", TODAY).plan is None
    )


def test_spouses_rows_and_two_questions() -> None:
    assert "r.relation = 'spouse'" in compile_plan(_plan("kh nào có vợ/chồng cũng là kh của e"), "sqlite")
    each = compile_plan(_plan("30 ngày qua có giao dịch chuyển sang ngân hàng khác nào > 100tr không"), "sqlite")
    assert "t.amount_vnd > 100000000" in each and "per_client" not in each  # each transfer, not a client's total
    assert read_question("task dag mo theo tung loai voi lai bn cai qua han", TODAY).plan is None  # two questions


def test_the_month_end_window_and_a_boss_is_no_september() -> None:
    sql = compile_plan(_plan("khách nào có sinh nhật từ hôm nay đến hết tháng"), "sqlite")
    assert "BETWEEN '11-13' AND '11-30'" in sql
    assert "2025-09" not in compile_plan(_plan("Sếp hỏi: tổng AUM của em bao nhiêu"), "sqlite")


def test_onboarding_filters_any_measure_and_the_largest_transaction_is_one_row() -> None:
    sql = compile_plan(_plan("Khách mới onboard từ đầu năm tới chừ, AUM bình quân mỗi người bao nhiêu rứa?"), "sqlite")
    assert "AVG(aum)" in sql and "c.onboarded_on BETWEEN '2025-01-01' AND '2025-11-13'" in sql
    row = compile_plan(_plan("tháng trước giao dịch tiền vào lớn nhất là của ai, bn tiền"), "sqlite")
    assert "per_client" not in row and "LIMIT 1" in row  # one transaction, not a client's total
    total = compile_plan(_plan("khách nào chuyển tiền ra ngân hàng khác nhiều nhất"), "sqlite")
    assert "per_client" in total  # the client who moved the most, all transfers summed


def test_two_months_named_are_compared_even_without_a_compare_word() -> None:
    for question in ("huy động mới t10 so vs t9 sao r", "Giải ngân vay mới tháng 10 với tháng 9, mỗi tháng bao nhiêu?",
                     "Kindly compare my new deposits of Oct vs Sep month - need both amts."):  # fmt: skip
        plan = _plan(question)
        assert plan.shape == "compare", question
        sql = compile_plan(plan, "sqlite")
        assert "'2025-10-01' AND '2025-10-31'" in sql and "'2025-09-01' AND '2025-09-30'" in sql


def test_a_zalo_vs_is_with_and_a_money_threshold_shows_the_rate_as_a_column() -> None:
    sql = compile_plan(_plan("cd > 100tr nào đáo hạn trong 30 ngày tới z, cho e tên kh vs số dư + lãi suất"), "sqlite")
    assert "a.balance_vnd > 100000000" in sql and "a.rate_pct" in sql and "a.maturity_on BETWEEN" in sql
    assert "a.rate_pct >" not in sql


def test_a_purpose_clause_filters_nothing_and_each_cd_is_every_row() -> None:
    plan = _plan("Chuẩn bị gọi chăm sóc khách tái tục, cho em danh sách khách có CD đáo hạn trong 30 ngày tới, "
                 "kèm số dư, lãi suất và ngày đáo hạn của từng CD.")  # fmt: skip
    assert plan.shape == "list" and plan.group_by is None
    assert "i.channel" not in compile_plan(plan, "sqlite")  # "gọi" belongs to why the RM asks
    # a clause with a number is never left out as context: not answered as the plain total
    assert read_question("tổng dư nợ, để so sánh với 5 tỷ", TODAY).plan is None
    assert "a.kind IN ('loan')" in compile_plan(_plan("tổng dư nợ, để so sánh trong buổi họp"), "sqlite")


def test_a_target_is_not_spending_once_folded() -> None:
    assert read_question("Huy động mới tháng ni em đạt được mấy % chỉ tiêu rồi hỉ?", TODAY).legacy
    assert read_question("Quý 4 ni em còn thiếu mấy lượt tiếp xúc khách nữa mới đủ chỉ tiêu rứa?", TODAY).legacy
    assert read_question("Revert with my new deposits achievement vs Nov target in % terms pls.", TODAY).legacy
    spending = _plan("tổng chi tiêu thẻ của khách tháng 10")  # spending on cards stays spending
    assert spending.fact == "transactions"


def test_occupations_read_in_vietnamese_and_a_retiree_is_no_pension() -> None:
    vocabulary = Vocabulary(occupations=("Retiree", "Teacher", "Software engineer", "Engineer"))
    retirees = read_question("Khách hưu trí của em tổng tiền gửi chừ là bao nhiêu rứa hỉ?", TODAY, vocabulary).plan
    assert retirees is not None and "c.occupation IN ('Retiree')" in compile_plan(retirees, "sqlite")
    teachers = read_question("aum trung bình của mấy kh làm giáo viên là nhiêu", TODAY, vocabulary).plan
    assert teachers is not None and "c.occupation IN ('Teacher')" in compile_plan(teachers, "sqlite")
    pension = read_question("tổng lương hưu khách nhận tháng 10", TODAY, vocabulary).plan
    assert pension is not None and "t.category IN ('pension')" in compile_plan(pension, "sqlite")


def test_taught_phrases_are_read_and_a_teacher_never_overrides_the_lexicon() -> None:
    from tools.reporting.composer import _ENTRIES, _STOPWORDS, _filler, _known_words, _taught_entries

    taught = _taught_entries()
    assert len(taught) > 500  # the teachers' files are loaded
    for role, value, pattern in taught:  # never a phrase the built-in lexicon reads as something else
        phrase = pattern.pattern.removeprefix("(?<![\\w'])").removesuffix("(?![\\w'])").replace("\\ ", " ")
        assert not any(p.fullmatch(phrase) for _, _, p in _ENTRIES), (role, value, phrase)
    words, _ = _filler()
    assert not words & (_known_words() - _STOPWORDS)  # a filler word is never one the lexicon reads
    plan = _plan("PFB request - need my AUM segment-wise. Kindly do the needful.")  # Indian-English idiom
    assert (plan.shape, plan.group_by) == ("breakdown", "segment")


def test_dates_written_out_and_month_ranges() -> None:
    sql = compile_plan(_plan("How many messages did I send over Zalo between 1 March and 30 June this year?"), "sqlite")
    assert "'2025-03-01' AND '2025-06-30'" in sql
    assert "'2025-06-01' AND '2025-10-31'" in compile_plan(_plan("inflows month by month, June through October"),
                                                             "sqlite")  # fmt: skip
    assert _plan("new loans June and October").shape == "compare"  # two months, not the months between
    assert "'2025-10-30' AND '2025-11-13'" in compile_plan(_plan("total sent out to other banks, past fortnight"),
                                                             "sqlite")  # fmt: skip
    assert "'2025-10-01' AND '2025-11-13'" in compile_plan(_plan("tu dau quy den h kh chuyen tien sang ngan hang khac tong bn"), "sqlite")  # fmt: skip


def test_columns_named_after_a_dash_share_as_a_verb_and_by_my_clients() -> None:
    assert _plan("overdue tasks – cust., type, due date").shape == "list"  # "type" is a column, not a breakdown
    assert _plan("Any complaints still outstanding? Pls share cust name and complaint category.").shape == "list"
    total = _plan("Good morning. Kindly share my total AUM as on date across all my cust.")
    assert (total.shape, total.agg, total.measure) == ("number", "sum", "aum")  # the total, not every client
    assert _plan("what share of my AUM is in CDs").shape == "share"  # the noun stays a share
    by_client = _plan("new deposits by client this month")
    assert (by_client.shape, by_client.per_client) == ("list", True)  # each client's total, not each account
    assert _plan("KH của em chia theo khẩu vị rủi ro thì mỗi nhóm bao nhiêu người?").group_by == "risk"


def test_top_clients_by_logins_sum_each_clients_weeks() -> None:
    plan = _plan("Top 3 khách vô app nhiều nhất 30 ngày qua, mỗi người mấy lượt đăng nhập?")  # "vô" is "vào", no wife
    assert (plan.fact, plan.shape, plan.per_client) == ("logins", "top", True)


def test_a_preamble_that_the_question_repeats_or_times_a_meeting_adds_nothing() -> None:
    repeated = _plan("Sáng mai em ngồi với nhóm khách kim cương, em muốn nắm trước: trong số khách kim cương "
                     "của em, AUM thấp nhất là bao nhiêu?")  # fmt: skip
    assert "c.segment IN ('Diamond')" in compile_plan(repeated, "sqlite")
    # a short label naming a period is honoured: the question is read with it
    assert "'2025-10-01' AND '2025-10-31'" in compile_plan(_plan("Tháng 10: tổng huy động mới là bao nhiêu?"), "sqlite")
    window = compile_plan(
        _plan("Em lên kế hoạch tặng quà: từ hôm nay đến hết 30/11, khách nào có sinh nhật?"), "sqlite"
    )
    assert "'11-13' AND '11-30'" in window
    assert read_question("khách nào mở tài khoản trước 15/11", TODAY).plan is None  # "before a date" is not dropped


def test_a_client_named_in_full_or_by_a_unique_given_name() -> None:
    vocabulary = Vocabulary(clients=("Nguyễn Quốc Kiên", "Nguyễn Thị Giang", "O'Neil Tran", "Phan Bảo Anh"))
    plan = read_question("tổng tài sản cả nhà ông Nguyễn Quốc Kiên tính luôn vợ ổng", TODAY, vocabulary).plan
    assert plan is not None
    sql = compile_plan(plan, "sqlite")
    assert "c.full_name IN ('Nguyễn Quốc Kiên')" in sql and "r.relation = 'spouse'" in sql
    given = read_question(
        "tổng tài sản hộ gia đình chị Nguyễn Thị Giang (chị Giang cộng người thân)", TODAY, vocabulary
    )
    assert given.plan is not None and "r.relation" not in compile_plan(given.plan, "sqlite")  # every relative
    quoted = read_question("AUM of O'Neil Tran", TODAY, vocabulary).plan
    assert quoted is not None and "'O''Neil Tran'" in compile_plan(quoted, "sqlite")
    assert read_question("AUM of Tran Van Khong Co", TODAY, vocabulary).plan is None  # not this RM's client
    assert read_question("household AUM", TODAY, vocabulary).plan is None  # whose?


def test_topics_transfers_particles_and_a_sender_that_is_not_read() -> None:
    assert "GROUP BY i.topic" in compile_plan(_plan("top 3 contact topics YTD w/ counts"), "sqlite")
    assert _plan("14 ngày tới khách mô sinh nhật rứa? Cho em tên với ngày sinh luôn nghe.").shape == "list"
    assert _plan("30 ngày qua kh e chuyển tiền qua bank khác tổng cộng bn").fact == "transactions"
    # who sent the money is a counterparty, which the composer does not read: no answer without it
    assert (
        read_question("Tháng ni khoản tiền vô lớn nhất là của khách mô, bao nhiêu, ai chuyển tới?", TODAY).plan is None
    )
    listed = _plan("liệt kê giao dịch tiền vào từ 500 triệu trở lên, tính từ ngày 1 tháng 9 đến nay, kèm tên khách")
    assert listed.group_by is None  # "tính" (counting) is no "tỉnh" (province)


def test_a_share_of_clients_onboarded_in_a_period_is_of_every_client() -> None:
    sql = compile_plan(_plan("kh moi onboard tu dau nam chiem bn % tong kh cua e"), "sqlite")
    part, whole = sql.split("CROSS JOIN")
    assert "c.onboarded_on BETWEEN '2025-01-01' AND '2025-11-13'" in part and "onboarded_on" not in whole
    assert "c.risk_profile IN ('conservative')" in compile_plan(
        _plan("What share of my clients are thận trọng (conservative)? a % is fine"), "sqlite"
    )


def test_an_amount_named_beside_the_columns_is_a_column_and_each_deposit_is_a_row() -> None:
    rows = _plan("GD chuyển ra NH khác > 200tr 30 ngày qua: KH, số tiền, ngày")
    assert (rows.shape, rows.per_client) == ("list", False)  # each transfer, not their total
    typed = _plan("tuan nay co giao dich nao tren 500tr hong, cho em ten khach, so tien voi loai giao dich")
    assert typed.shape == "list" and typed.group_by is None
    each = _plan("Which CDs are đáo hạn within the next 7 days? I need the client's name, the amount and the maturity "
                 "date for each deposit.")  # fmt: skip
    assert each.shape == "list" and each.group_by is None


def test_a_target_read_by_the_lexicon_is_named_to_the_fixed_metrics() -> None:
    reading = read_question("% hoàn thành KPI HĐV Q4", TODAY)
    assert reading.legacy and reading.target_metric == "new_deposits"
    assert read_question("còn thiếu bao nhiêu lượt tiếp xúc nữa mới đủ chỉ tiêu", TODAY).target_metric == (
        "client_contacts"
    )


def test_small_talk_sentences_are_left_out_but_never_a_sentence_that_asks() -> None:
    plan = _plan("Hi there, hope you're well. I'm preparing my report for the branch head and I'd like to know what "
                 "my total AUM is as of the moment. Could you please pull it up for me? Thanks so much!")  # fmt: skip
    assert (plan.measure, plan.agg, plan.shape) == ("aum", "sum", "number")
    # the ask holds a word nobody read ("discontinued"): the sentence stays, so nothing is answered
    assert read_question("which clients had a product we've since discontinued? client name + product name",
                         TODAY).plan is None  # fmt: skip
    # a sentence with a word that changes the ask ("median") is never small talk
    assert read_question("What is the AUM of my Gold clients? Median please.", TODAY).plan is None


def test_bank_shorthand_and_southern_days() -> None:
    assert _plan("DN theo SP").group_by == "product"  # dư nợ theo sản phẩm
    logins = _plan("co bao nhieu khach hong dang nhap app 30 bua nay")
    assert (logins.fact, logins.negated) == ("logins", True) and "'2025-10-14'" in compile_plan(logins, "sqlite")


def test_clauses_of_small_talk_and_a_performance_review_that_is_no_target() -> None:
    top = _plan("Hi, good day! Kindly give me my top 5 clients by AUM with their AUM, as I need it for our weekly "
                "huddle. Thanks so much!")  # fmt: skip
    assert (top.shape, top.limit) == ("top", 5)
    review = read_question("Good morning! For my performance review I'd like to see my client contacts per month from "
                           "July up to the moment. Thank you so much!", TODAY)  # fmt: skip
    assert review.plan is not None and review.plan.group_by == "month"  # the RM's review, not the targets


def test_currency_first_an_intent_to_send_and_weekdays_in_brackets() -> None:
    sql = compile_plan(_plan("incoming transactions above VND 500M in the past 7 days, with the client name, the amount "
                             "and the date"), "sqlite")  # fmt: skip
    assert "t.amount_vnd > 500000000" in sql
    birthdays = _plan("I'd like to send birthday greetings to my clients, could you kindly list the clients who have "
                      "their birthday within the next 14 days, along with their date of birth?")  # fmt: skip
    assert birthdays.fact is None and "date_of_birth" in compile_plan(birthdays, "sqlite")  # no message was sent
    weekly = _plan("how many client contacts I logged last week (Monday to Sunday), broken down per channel")
    assert weekly.group_by == "interaction_channel"


def test_each_groups_share_and_a_final_vay_after_a_question_word() -> None:
    shares = compile_plan(_plan("tỷ trọng AUM theo khẩu vị RR"), "sqlite")
    assert "share_pct" in shares and "GROUP BY c.risk_profile" in shares
    for dialect in ("sqlite", "postgresql"):
        scope_query(compile_plan(_plan("tỷ trọng AUM theo khẩu vị RR"), dialect), rm_id="RM001", dialect=dialect,
                    today=TODAY)  # fmt: skip
    assert _plan("tong AUM cua em hien gio bi nhieu vay ha").measure == "aum"  # "vậy", no loan
    loans = compile_plan(_plan("khach nao co vay"), "sqlite")  # "có vay": has a loan, never every client
    assert "a.kind IN ('loan')" in loans


def test_products_by_their_everyday_names_and_a_phrase_cut_short_by_a_longer_one() -> None:
    vocabulary = Vocabulary(products=(("HOME_LOAN", "Home Loan"), ("AUTO_LOAN", "Car Loan")))
    home = read_question("kh nao dang co vay mua nha", TODAY, vocabulary).plan
    assert home is not None and "a.product_code IN ('HOME_LOAN')" in compile_plan(home, "sqlite")
    car = read_question("tong du no vay mua xe", TODAY, vocabulary).plan  # "dư nợ" stays dư nợ, "nợ" is no "no"
    assert car is not None and not car.negated and "AUTO_LOAN" in compile_plan(car, "sqlite")
    assert read_question("tong du no vay mua nha", TODAY).plan is None  # without the catalog: not every loan


def test_the_rms_context_before_a_request_and_as_of_today() -> None:
    moved = _plan("Hi, hope all is well. I'm a bit worried about outflows, could you please pull up which of my "
                  "clients moved money to other banks in the last 30 days and the total amount each one transferred "
                  "out? Thanks so much!")  # fmt: skip
    assert "t.category IN ('transfer_external')" in compile_plan(moved, "sqlite") and moved.per_client  # each total
    # context naming what the request does not ("client visits") is honoured: not left out, so not answered
    assert read_question("I've been on client visits all week, could you please list the messages I have not "
                         "replied to yet?", TODAY).plan is None  # fmt: skip
    overdue = compile_plan(_plan("kindly pull up all my overdue tasks as of today with the task title"), "sqlite")
    assert "k.due_on < :today" in overdue and "'2025-11-13' AND '2025-11-13'" not in overdue


def test_who_is_each_client_and_several_values_without_a_breakdown_are_not_summed() -> None:
    deposits = _plan("who's got more than 5 tỷ sitting in deposits? names and how much")
    assert "FROM per_client WHERE balance_vnd > 5000000000" in compile_plan(deposits, "sqlite")  # each one's sum
    moved = _plan("who's moved more than 200 million all up out to other banks in the past 30 days? names and totals")
    assert moved.per_client  # each client's total, not each transfer above 200 million
    assert read_question("of the clients with over VND 2 bil in total assets, how many are conservative vs balanced "
                         "vs growth?", TODAY).plan is None  # fmt: skip  # never the three summed
    assert _plan("Khách Diamond + Platinum chiếm bao nhiêu % tổng AUM của mình?").shape == "share"  # together
    both = _plan(
        "tuần trước tôi có tổng cộng bao nhiêu lượt tương tác, và trong đó bao nhiêu lượt với khách thận trọng?"
    )
    assert both.shape == "share"  # the whole and the part, both shown


def test_slips_formal_requests_aussie_chat_and_two_asks_in_a_breakdown() -> None:
    assert _plan("khahc hang nao co tong tai san tren 5 ty, kem AUM tung nguoi").per_client  # "khahc": khách
    assert _plan("Đề nghị thống kê dư nợ tín dụng hiện tại theo từng sản phẩm").group_by == "product"
    assert read_question("how're we tracking on new deposits for Nov? how much is left to hit the target", TODAY).legacy
    inflows = _plan("any inflows over a tỷ in the past 7 days? who, how much and what category")
    assert inflows.group_by is None and "t.amount_vnd > 1000000000" in compile_plan(inflows, "sqlite")
    unread = compile_plan(_plan("có bao nhiêu tin nhắn đến từ khách hàng chưa được phản hồi"), "sqlite")
    assert "m.status" in unread
    # how many and how much, per product: both asked, one answer would drop the other
    assert read_question("du no chia theo san pham moi sp bao nhieu khoan, du no bao nhieu", TODAY).plan is None


def test_a_window_beside_a_maturity_is_ahead_and_or_not_asks() -> None:
    sql = compile_plan(_plan("cd dao han 30 ngay ten so du"), "sqlite")
    assert "a.maturity_on BETWEEN '2025-11-13' AND '2025-12-13'" in sql  # what matures, not what matured
    assert "'2025-10-14' AND '2025-11-13'" in compile_plan(_plan("giao dich 30 ngay"), "sqlite")  # still the past
    assert not _plan("can check my AUM or not?").negated  # a yes/no question, no "not"
    assert _plan("new deposit of me YTD how many money?").agg == "sum"


def test_english_in_vietnamese_order_and_an_average_per_client_by_segment() -> None:
    assert "'2025-11-03' AND '2025-11-09'" in compile_plan(_plan("week before I contact customer how many time, divide "
                                                                "by channel"), "sqlite")  # fmt: skip
    assert "'11-13' AND '11-27'" in compile_plan(_plan("who customer of me have sinh nhật in 14 day next?"), "sqlite")
    assert _plan("new deposits by month this year").group_by == "month"  # "month this" only in Vietnamese order
    average = compile_plan(_plan("AUM bình quân mỗi khách theo segment"), "sqlite")
    assert "GROUP BY segment" in average and "ROUND(AVG(aum))" in average and "COUNT(*) AS clients" in average
    # clients without an investment, "with their total assets": two measures, not the AUM of investments
    assert (
        read_question("những ai không nắm giữ sản phẩm đầu tư nào? kèm tổng tài sản của từng người", TODAY).plan is None
    )


def test_a_self_correction_keeps_the_last_word_and_an_unclear_one_is_not_answered() -> None:
    assert _plan("thì là cho chị xem top 3, à không, top 5 khách có AUM lớn nhất").limit == 5
    window = compile_plan(_plan("khách nào có sinh nhật trong 7 ngày tới, à thôi, 30 ngày tới luôn đi"), "sqlite")
    assert "'11-13' AND '12-13'" in window
    gold = compile_plan(_plan("AUM trung bình một khách Bạch Kim, à nhầm, khách Vàng ấy, là bao nhiêu"), "sqlite")
    assert "c.segment IN ('Gold')" in gold and "Platinum" not in gold
    assert read_question("thì là chỉ tiêu giải ngân mới tháng này, à không, cả quý này cơ, đạt mấy %", TODAY).legacy
    assert "quy nay" in spelled_out("chỉ tiêu giải ngân mới tháng này, à không, cả quý này cơ")  # the fixed metrics too
    assert "thang nay" not in spelled_out("chỉ tiêu giải ngân mới tháng này, à không, cả quý này cơ")
    assert read_question("AUM của khách, à không, cái kia", TODAY).plan is None  # corrected to what: not said
    assert not _plan("khach em o Can Tho co ai hong, tong tai san bi nhieu").negated  # "hông," is no correction


def test_logins_are_summed_and_n_weeks_is_no_last_week() -> None:
    total = compile_plan(_plan("tuan truoc kh cua e login app tong cong bn lan"), "sqlite")
    assert total.startswith("SELECT COALESCE(SUM(d.logins), 0) AS logins")  # the logins, not the weekly rows
    top = compile_plan(_plan("top 5 kh vao app nhieu nhat 4 tuan qua, kem so lan login"), "sqlite")
    assert "'2025-11-03' AND '2025-11-09'" not in top


def test_shorthand_for_tasks_and_messages_rankings_and_not_replied() -> None:
    assert _plan("e co bn cv qua han roi vay?").fact == "tasks"  # "cv": công việc
    assert "GROUP BY m.channel" in compile_plan(_plan("tn chua doc cua e chia theo kenh"), "sqlite")
    ranked = _plan("rank my cities by number of clients")
    assert (ranked.shape, ranked.group_by) == ("breakdown", "city")
    assert _plan("YTD new loans by product, biggest first").group_by == "product"
    replied = compile_plan(_plan("kh nao ib zalo cho e ma e chua rep?"), "sqlite")
    assert "m.status <> 'replied'" in replied  # not replied is read or unread
    assert "m.status = 'unread'" in compile_plan(_plan("tn chua doc cua e"), "sqlite")
    statuses = compile_plan(_plan("kn cua kh e theo trang thai, mo bn da xl bn"), "sqlite")
    assert "GROUP BY p.status" in statuses and "p.status =" not in statuses  # each status, none filtered out


def test_symbols_columns_after_an_arrow_and_the_change_is_later_minus_earlier() -> None:
    assert read_question("app logins = 0 ever | segment != Standard → names", TODAY).unknown_words == ("≠",)
    rows = _plan("txns > 500M last 7d (in) → client, amt")
    assert rows.shape == "list" and "t.direction IN ('in')" in compile_plan(rows, "sqlite")  # "(in)" is no stopword
    both = compile_plan(_plan("active CDs by product name → #accts, Σbal"), "sqlite")
    assert "COUNT(*) AS count" in both and "SUM(a.balance_vnd)" in both
    delta = compile_plan(_plan("new loans Oct vs Sep, delta?"), "sqlite")
    assert delta.index("'2025-09-01'") < delta.index("'2025-10-01'")  # September first: the change is Oct − Sep
    unresolved = compile_plan(_plan("Khách nào đang có khiếu nại chưa được giải quyết?"), "sqlite")
    assert "p.status = 'open'" in unresolved and "matched = 0" not in unresolved  # never "clients without one"
    assert _plan("Nam nguoi khach mo co tong so du lon nhat").limit == 5  # "năm người": five, "mô": which
    including = compile_plan(_plan("Tháng Mười huy động mới được bao nhiêu tiền (tính cả CASA)"), "sqlite")
    assert "'casa', 'savings', 'cd'" in including  # CASA counted in, not the only kind
    assert (
        read_question("Tháng Mười huy động mới được bao nhiêu tiền và mở mới bao nhiêu tài khoản", TODAY).plan is None
    )


def test_teen_code_mine_is_no_password_and_a_glossed_aum_keeps_every_kind() -> None:
    from tools.reporting.semantic_layer import NotAllowed, check_allowed

    check_allowed("tong AUM cua mk bh dc bn r ak", "RM001")  # "của mk": của mình (mine), no password asked
    with pytest.raises(NotAllowed):
        check_allowed("doi mk tai khoan admin giup em", "RM001")
    with pytest.raises(NotAllowed):
        check_allowed("AUM cua a Duy ben team HCM bh bn r", "RM001")
    assert _plan("tong AUM cua mk bh dc bn r ak").measure == "aum"
    glossed = compile_plan(_plan("my five largest clients by total assets, that is, the sum of their active current, "
                                 "savings, term deposit and investment balances"), "sqlite")  # fmt: skip
    assert "'casa'" in glossed  # "current" in a list of kinds is the current account, not "now"


@pytest.mark.parametrize(
    "question",
    [
        "tong du no vay mua xe cua kh diamond thang nay", "which clients haven't logged into the app in 30 days?",
        "Khách hưu trí của em tổng tiền gửi chừ là bao nhiêu rứa hỉ?", "top 5 kh co aum cao nhat, kem aum tung nguoi",
        "Kindly share category-wise breakup of card spends (amt) by my cust for month of Oct.",
        "tỷ trọng AUM theo khẩu vị RR", "e co bn cv qua han roi vay?", "new deposits Oct vs Sep, delta?",
    ],
)  # fmt: skip
def test_the_indexed_lexicon_reads_exactly_what_the_whole_lexicon_reads(question: str) -> None:
    from tools.reporting import composer

    folded = composer.spelled_out(question)
    everything = (*composer._ENTRIES, *composer._taught_entries(), *composer._filler()[1])
    picked = {id(entry) for entry in composer._entries_for(folded)}
    for entry in everything:  # an entry left out never matches the question
        if id(entry) not in picked:
            assert not entry[2].search(folded), entry[2].pattern


def test_the_lexicon_tables_agree_when_two_first_questions_build_them_at_once() -> None:
    """After a restart two threads may build the taught entries twice: the index of one build and the ranks of the
    other must still agree (they were keyed by object identity: KeyError, a 500, under load)."""
    from tools.reporting import composer

    for cached in (composer._entry_index, composer._entry_order, composer._taught_entries, composer._filler):
        cached.cache_clear()
    try:
        composer._entry_index()
        composer._taught_entries.cache_clear()
        composer._filler.cache_clear()
        assert read_question("AUM by segment", dt.date(2025, 10, 24)) is not None
    finally:
        for cached in (composer._entry_index, composer._entry_order, composer._taught_entries, composer._filler):
            cached.cache_clear()
