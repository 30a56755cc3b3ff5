"""Every word the prioritization room says, in English and Vietnamese: the reasons, the list, the errors."""

from __future__ import annotations

from typing import Any

from graphs.signal_words import MEASURES, filters_text
from tools.core.formatting import format_amount, format_day, format_number, format_short_date
from tools.core.language import supported_language
from tools.crm.vocabulary import category_text, source_text
from tools.signals.criteria import Criteria

SIGNALS: dict[str, dict[str, str]] = {
    "en": {"idle_cash": "idle cash", "large_inflow": "large inflows", "cd_maturing": "maturing deposits",
           "loan_maturing": "loans ending", "attrition": "signs of leaving", "money_out": "money sent to other banks",
           "inactive": "no recent contact",
           "birthday": "birthdays", "travel": "travel spend", "business": "business activity",
           "green": "green projects in your notes", "education": "education plans in your notes",
           "home": "home purchase plans in your notes", "retirement": "retirement plans in your notes",
           "family": "family protection in your notes", "salary": "salary", "spend": "card spend",
           "expansion": "expansion plans in your notes", "study_abroad": "study abroad in your notes",
           "salary_stopped": "salary that stopped", "login_drop": "app logins that fell",
           "matured_not_rolled": "deposits matured and not rolled over"},
    "vi": {"idle_cash": "tiền nhàn rỗi", "large_inflow": "khoản tiền lớn về", "cd_maturing": "tiền gửi sắp đáo hạn",
           "loan_maturing": "khoản vay sắp tất toán", "attrition": "dấu hiệu rời bỏ",
           "money_out": "tiền chuyển sang ngân hàng khác", "inactive": "lâu chưa liên hệ",
           "birthday": "sinh nhật", "travel": "chi tiêu du lịch", "business": "hoạt động kinh doanh",
           "green": "dự án xanh trong ghi chú", "education": "kế hoạch học tập trong ghi chú",
           "home": "kế hoạch mua nhà trong ghi chú", "retirement": "kế hoạch nghỉ hưu trong ghi chú",
           "family": "bảo vệ gia đình trong ghi chú", "salary": "lương", "spend": "chi tiêu thẻ",
           "expansion": "kế hoạch mở rộng trong ghi chú", "study_abroad": "du học trong ghi chú",
           "salary_stopped": "lương ngừng về", "login_drop": "đăng nhập ứng dụng giảm",
           "matured_not_rolled": "tiền gửi đáo hạn không tái tục"},
}  # fmt: skip
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "your_goal": "your goal",
        "nobody": "No eligible client for {subject}: {matching} of your {clients} clients match the request, "
                  "and the bank's rules leave none of them.",
        "no_match": "None of your {clients} clients matches the request ({filters}).",
        "head": "Who to call first for {subject}:",
        "no_evidence": "None of the {matching} matching clients shows {signals}; the largest relationships instead:",
        "left_out": "Left out by policy:",
        "sources": "Sources: ",
        "understood": "A list of the top {n} of your {matching} clients{filters} for {subject}, ranked by {signals}",
        "understood_usual": "A list of the top {n} of your {matching} clients{filters} for {subject}, ranked by the "
                            "usual reasons for it: {signals}",
        "ordered": ", largest {measure} first",
        "language_name": "English",
    },
    "vi": {
        "your_goal": "mục tiêu của anh/chị",
        "nobody": "Không có khách hàng đủ điều kiện cho {subject}: {matching} trên {clients} khách hàng khớp yêu "
                  "cầu nhưng đều bị loại theo chính sách.",
        "no_match": "Không khách hàng nào trong {clients} khách hàng khớp yêu cầu ({filters}).",
        "head": "Nên gọi trước cho các khách hàng sau ({subject}):",
        "no_evidence": "Không khách hàng nào trong {matching} khách hàng khớp có {signals}; thay vào đó là các khách "
                       "hàng có quan hệ lớn nhất:",
        "left_out": "Loại theo chính sách:",
        "sources": "Nguồn: ",
        "understood": "Danh sách {n} khách hàng hàng đầu trong {matching} khách hàng{filters} cho {subject}, xếp "
                      "theo {signals}",
        "understood_usual": "Danh sách {n} khách hàng hàng đầu trong {matching} khách hàng{filters} cho {subject}, "
                            "xếp theo các lý do thường gặp: {signals}",
        "ordered": ", {measure} lớn nhất xếp trước",
        "language_name": "Vietnamese",
    },
}  # fmt: skip


def _lang(language: str) -> str:
    return supported_language(language)


REASONS: dict[str, dict[str, str]] = {
    "en": {
        "idle_cash": "Idle cash: {parts}, not invested",
        "idle_new": " ({new} of it arrived in the last month)",
        "fewer": "Only {count} of your {matching} matching clients show {signals}.",
        "idle_parts": "current account {casa}|savings {savings}| and ",
        "cd_maturing": "CD of {amount} maturing on {day}",
        "loan_maturing": "Loan with {amount} left ends on {day}",
        "large_inflow": "Received {amount} ({source}) on {day}",
        "never_contacted": "Never contacted",
        "inactive": "Not contacted for {days} days",
        "birthday": "Birthday on {day}",
        "travel": "Travel spend of {amount} in 90 days ({payments} payments{merchants})",
        "occupation": "Works as {occupation}",
        "business": "Business receipts of {amount} in 90 days",
        "note": "Your note of {day}: “{words}”{size}",
        "note_undated": "Your note: “{words}”",
        "salary": "Monthly salary of about {amount}",
        "spend": "Card spend of {amount} in 90 days",
        "paid": "Paid {amount} for {category} in 90 days",
        "measure": "{measure}: {amount}",
        "sign_money_out": "Sent {amount} to other banks (latest {day}{counterparty})",
        "sign_salary_stopped": "Salary stopped: last one arrived on {day}",
        "sign_matured_not_rolled": "Deposit of {amount} matured on {day}, not rolled over",
        "sign_login_drop": "App logins fell from {before} to {recent} a week",
        "sign_competitor": "Your note of {day} mentions “{words}”",
        "sign_complaint": "Open complaint ({category}) since {day}",
        "sign_inactive": "Not contacted for {days} days",
        "sign_inactive_never": "Never contacted",
        "min_amount": "Deposits of {deposits} cover the {minimum} minimum",
        "target_segment": "{segment} segment, targeted by {product}",
        "profile": "{segment} client, assets {aum}",
        "at_stake": "At stake: assets of {aum}",
    },
    "vi": {
        "idle_cash": "Tiền nhàn rỗi: {parts} chưa đầu tư",
        "idle_new": " (trong đó {new} mới về trong tháng qua)",
        "fewer": "Chỉ {count} trong {matching} khách hàng khớp yêu cầu có {signals}.",
        "idle_parts": "tài khoản thanh toán {casa}|tiết kiệm {savings}| và ",
        "cd_maturing": "Tiền gửi {amount} đáo hạn ngày {day}",
        "loan_maturing": "Khoản vay còn {amount} tất toán ngày {day}",
        "large_inflow": "Vừa nhận {amount} ({source}) ngày {day}",
        "never_contacted": "Chưa từng được liên hệ",
        "inactive": "{days} ngày chưa được liên hệ",
        "birthday": "Sinh nhật ngày {day}",
        "travel": "Chi tiêu du lịch {amount} trong 90 ngày ({payments} giao dịch{merchants})",
        "occupation": "Nghề nghiệp: {occupation}",
        "business": "Thu từ kinh doanh {amount} trong 90 ngày",
        "note": "Ghi chú ngày {day}: “{words}”{size}",
        "note_undated": "Ghi chú: “{words}”",
        "salary": "Lương hằng tháng khoảng {amount}",
        "spend": "Chi tiêu thẻ {amount} trong 90 ngày",
        "paid": "Đã chi {amount} cho {category} trong 90 ngày",
        "measure": "{measure}: {amount}",
        "sign_money_out": "Đã chuyển {amount} sang ngân hàng khác (gần nhất {day}{counterparty})",
        "sign_salary_stopped": "Lương ngừng về: lần cuối ngày {day}",
        "sign_matured_not_rolled": "Tiền gửi {amount} đáo hạn ngày {day}, không tái tục",
        "sign_login_drop": "Đăng nhập ứng dụng giảm từ {before} xuống {recent} lần/tuần",
        "sign_competitor": "Ghi chú ngày {day} nhắc “{words}”",
        "sign_complaint": "Khiếu nại ({category}) đang mở từ {day}",
        "sign_inactive": "{days} ngày chưa được liên hệ",
        "sign_inactive_never": "Chưa từng được liên hệ",
        "min_amount": "Tiền gửi {deposits}, đủ mức tối thiểu {minimum}",
        "target_segment": "Khách hàng hạng {segment}, đúng đối tượng của {product}",
        "profile": "Khách hàng hạng {segment}, tổng tài sản {aum}",
        "at_stake": "Tài sản có thể mất: {aum}",
    },
}


def reason(fact: dict[str, Any], language: str) -> str:
    """One fact of a client (``tools.signals.ranking``) as the RM reads it."""
    kind, lang = fact["kind"], _lang(language)
    templates = REASONS[lang]

    def money(key: str) -> str:
        return format_amount(fact[key], language)

    if kind == "idle_cash":
        casa, savings, joiner = templates["idle_parts"].split("|")
        parts = [casa.format(casa=money("casa_vnd"))] if fact["casa_vnd"] else []
        parts += [savings.format(savings=money("savings_vnd"))] if fact["savings_vnd"] else []
        text = templates["idle_cash"].format(parts=joiner.join(parts))
        return text + (templates["idle_new"].format(new=money("new_vnd")) if fact.get("new_vnd") else "")
    if kind in ("inactive", "sign_inactive") and fact.get("days") is None:
        return templates["never_contacted"]
    if kind == "note" and not fact.get("date"):
        kind = "note_undated"
    merchants = fact.get("merchants") or []
    values = {
        "amount": money("amount_vnd") if fact.get("amount_vnd") is not None else "",
        "day": format_short_date(fact.get("date")),
        "source": source_text(str(fact.get("source") or ""), language),
        "days": fact.get("days"),
        "deposits": money("deposits_vnd") if "deposits_vnd" in fact else "",
        "minimum": money("minimum_vnd") if "minimum_vnd" in fact else "",
        "segment": fact.get("segment"),
        "product": fact.get("product"),
        "aum": money("aum_vnd") if "aum_vnd" in fact else "",
        "payments": fact.get("payments"),
        "merchants": (": " + ", ".join(merchants)) if merchants else "",
        "occupation": fact.get("occupation"),
        "words": fact.get("words"),
        "measure": MEASURES[lang].get(str(fact.get("measure")), str(fact.get("measure"))).capitalize(),
        "counterparty": f", {fact['counterparty']}" if fact.get("counterparty") else "",
        "before": format_number(fact.get("before") or 0, language),
        "recent": format_number(fact.get("recent") or 0, language),
        "category": category_text(str(fact.get("category") or ""), language),
        "size": f" ({format_amount(fact['note_amount_vnd'], language)})" if fact.get("note_amount_vnd") else "",
    }
    return " ".join(templates[kind].format(**values).split())  # a fact without an amount leaves no double space


def subject(product_name: str | None, language: str) -> str:
    return product_name or WORDS[_lang(language)]["your_goal"]


def answer(
    subject_text: str,
    ranked: list[dict[str, Any]],
    excluded: list[dict[str, Any]],
    names: dict[str, str],
    citations: list[str],
    counts: dict[str, int],
    language: str,
    criteria: Criteria | None = None,
    signals: list[str] | None = None,
) -> str:
    """The ranked list with each client's reasons, who policy left out and why, and the sources."""
    lang = _lang(language)
    words = WORDS[lang]
    clients, matching = counts.get("clients", 0), counts.get("matching", 0)
    if not ranked:
        if not matching and criteria is not None:
            return words["no_match"].format(clients=clients, filters=filters_text(criteria, language))
        return words["nobody"].format(subject=subject_text, matching=matching, clients=clients)
    lines = [words["head"].format(subject=subject_text)]
    if not counts.get("with_evidence", 1) and signals:
        lines = [words["no_evidence"].format(matching=matching, signals=_signals_text(signals, language))]
    for position, item in enumerate(ranked, 1):
        lines.append(f"{position}. {names.get(item['client_id'], item['client_id'])}: {'; '.join(item['reasons'])}.")
    if signals and counts.get("with_evidence", 0) and len(ranked) < counts.get("top_n", 0):
        lines.append(REASONS[lang]["fewer"].format(count=len(ranked), matching=matching,
                                                   signals=_signals_text(signals, language)))  # fmt: skip
    if excluded:
        lines.append(words["left_out"])
        lines += [f"- {names.get(item['client_id'], item['client_id'])}: {item['reason']}" for item in excluded]
    if citations:
        lines.append(words["sources"] + ", ".join(citations))
    return "\n".join(lines)


def _signals_text(signals: list[str], language: str) -> str:
    names = SIGNALS[_lang(language)]
    return ", ".join(names.get(signal, signal) for signal in signals)


def understood_as(
    subject_text: str,
    criteria: Criteria,
    signals: list[str],
    named: bool,
    top_n: int,
    counts: dict[str, int],
    language: str,
) -> str:
    """What was understood and computed: how many clients matched which filters, the goals, the product."""
    lang = _lang(language)
    words = WORDS[lang]
    filters = filters_text(criteria, language)
    line = words["understood" if named else "understood_usual"].format(
        n=top_n, matching=counts.get("matching", 0), filters=f" ({filters})" if filters else "",
        subject=subject_text, signals=_signals_text(signals, language),
    )  # fmt: skip
    if criteria.order_by in MEASURES[lang] and criteria.order_by != "inactive":  # the request's own order, said back
        line += words["ordered"].format(measure=MEASURES[lang][str(criteria.order_by)])
    return line


def language_name(language: str) -> str:
    return WORDS[_lang(language)]["language_name"]


# ----- the day plan ("who should I call today?") ---------------------------------------------------------------

PLAN: dict[str, dict[str, str]] = {
    "en": {
        "today": "today", "tomorrow": "tomorrow", "this_week": "this week",
        "head": "Your calls for {window} ({dates}), {count} client{plural}, most pressing first:",
        "more": "…and {count} more.",
        "nothing": "Nothing due {window} ({dates}): no open complaint, unread message, task due, maturity within "
                   "{days} days or birthday among your clients. For a product, ask e.g. “Top clients for Premier "
                   "Invest”.",
        "understood": "A list of your calls for {window} ({dates}): open complaints, unread messages, tasks due, "
                      "maturities within {days} days, birthdays",
        "complaint": "open complaint since {since}: {summary}",
        "urgent_message": "urgent unread {channel} of {received_on}: “{subject}”",
        "message": "unread {channel} of {received_on}: “{subject}”",
        "task_overdue": "overdue task (due {due_on}): {title}",
        "task_due": "task due {due_on}: {title}",
        "maturity_soon": "{account} of {amount} matures on {on} (in {days_left} days)",
        "maturity": "{account} of {amount} matures on {on} (in {days_left} days)",
        "birthday_today": "birthday today ({age})",
        "birthday": "birthday on {on} ({age})",
        "cd_maturity": "CD", "loan_maturity": "loan",
    },
    "vi": {
        "today": "hôm nay", "tomorrow": "ngày mai", "this_week": "tuần này",
        "head": "Danh sách gọi {window} ({dates}), {count} khách hàng{plural}, việc gấp trước:",
        "more": "…và {count} khách hàng khác.",
        "nothing": "Không có việc gì đến hạn {window} ({dates}): không có khiếu nại đang mở, tin nhắn chưa đọc, việc "
                   "đến hạn, khoản đáo hạn trong {days} ngày hay sinh nhật nào. Để tìm khách cho một sản phẩm, hãy "
                   "hỏi ví dụ “Khách hàng nào phù hợp với Premier Invest?”.",
        "understood": "Danh sách khách hàng cần gọi {window} ({dates}): khiếu nại đang mở, tin nhắn chưa đọc, việc "
                      "đến hạn, khoản đáo hạn trong {days} ngày, sinh nhật",
        "complaint": "khiếu nại đang mở từ {since}: {summary}",
        "urgent_message": "tin {channel} khẩn chưa đọc ngày {received_on}: “{subject}”",
        "message": "tin {channel} chưa đọc ngày {received_on}: “{subject}”",
        "task_overdue": "việc quá hạn (hạn {due_on}): {title}",
        "task_due": "việc đến hạn {due_on}: {title}",
        "maturity_soon": "{account} {amount} đáo hạn ngày {on} (còn {days_left} ngày)",
        "maturity": "{account} {amount} đáo hạn ngày {on} (còn {days_left} ngày)",
        "birthday_today": "sinh nhật hôm nay ({age} tuổi)",
        "birthday": "sinh nhật ngày {on} ({age} tuổi)",
        "cd_maturity": "Tiền gửi có kỳ hạn", "loan_maturity": "Khoản vay",
    },
}  # fmt: skip
#: Clients listed in the answer; the rest are counted ("…and 4 more") and all are in the result.
PLAN_SHOWN = 10


def _plan_dates(first: str, last: str, language: str) -> str:
    if first == last:
        return format_day(first, language)
    return f"{format_day(first, language)} – {format_day(last, language)}"


def plan_reason(reason: dict[str, Any], language: str) -> str:
    """One reason to call, as the RM reads it."""
    words = PLAN[_lang(language)]
    values = {key: format_short_date(value) if key in ("since", "received_on", "due_on", "on") else value
              for key, value in reason.items()}  # fmt: skip
    if "amount_vnd" in reason:
        values["amount"] = format_amount(reason["amount_vnd"], language)
    if "account" in reason:
        values["account"] = words[reason["account"]]
    if "subject" in reason:
        subject = " ".join(str(reason["subject"]).split())
        values["subject"] = subject if len(subject) <= 60 else subject[:57] + "…"
    return words[reason["kind"]].format(**values)


def day_plan(
    plan: list[dict[str, Any]], names: dict[str, str], window: str, first: str, last: str, days: int, language: str
) -> str:
    """The plan, one numbered line per client with every reason; or what was checked when nothing is due."""
    words = PLAN[_lang(language)]
    when, dates = words[window], _plan_dates(first, last, language)
    if not plan:
        return words["nothing"].format(window=when, dates=dates, days=days)
    plural = "s" if len(plan) != 1 and _lang(language) == "en" else ""
    lines = [words["head"].format(window=when, dates=dates, count=len(plan), plural=plural)]
    for position, entry in enumerate(plan[:PLAN_SHOWN], 1):
        reasons = "; ".join(plan_reason(reason, language) for reason in entry["reasons"])
        lines.append(f"{position}. {names.get(entry['client_id'], entry['client_id'])}: {reasons}")
    if len(plan) > PLAN_SHOWN:
        lines.append(words["more"].format(count=len(plan) - PLAN_SHOWN))
    return "\n".join(lines)


def day_plan_understood(window: str, first: str, last: str, days: int, language: str) -> str:
    words = PLAN[_lang(language)]
    return words["understood"].format(window=words[window], dates=_plan_dates(first, last, language), days=days)
