"""Every word the prioritization room says, in English and Vietnamese: the reasons, the list, the errors."""

from __future__ import annotations

from typing import Any

from tools.core.formatting import format_amount, format_day, format_short_date
from tools.core.language import supported_language
from tools.crm.vocabulary import source_text

SIGNALS: dict[str, dict[str, str]] = {
    "en": {"idle_cash": "idle cash", "large_inflow": "large inflows", "cd_maturing": "maturing CDs",
           "loan_maturing": "loans ending", "money_out": "money leaving", "inactive": "no recent contact",
           "birthday": "birthdays"},
    "vi": {"idle_cash": "tiền nhàn rỗi", "large_inflow": "khoản tiền lớn về", "cd_maturing": "tiền gửi sắp đáo hạn",
           "loan_maturing": "khoản vay sắp tất toán", "money_out": "tiền chuyển đi", "inactive": "lâu chưa liên hệ",
           "birthday": "sinh nhật"},
}  # fmt: skip
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "your_goal": "your goal",
        "nobody": "No eligible client for {subject} among your 20 closest matches once the bank's rules apply.",
        "head": "Who to call first for {subject}:",
        "left_out": "Left out by policy:",
        "sources": "Sources: ",
        "cannot_rank": "Cannot rank clients yet: {error}. Run `agentify index build`.",
        "understood": "A list of your top {n} clients to call for {subject} · {signals}",
        "language_name": "English",
    },
    "vi": {
        "your_goal": "mục tiêu của anh/chị",
        "nobody": "Không có khách hàng phù hợp cho {subject} trong 20 khách hàng gần nhất sau khi áp dụng chính sách.",
        "head": "Nên gọi trước cho các khách hàng sau ({subject}):",
        "left_out": "Loại theo chính sách:",
        "sources": "Nguồn: ",
        "cannot_rank": "Chưa thể xếp hạng khách hàng: {error}. Hãy chạy `agentify index build`.",
        "understood": "Danh sách {n} khách hàng nên gọi trước cho {subject} · {signals}",
        "language_name": "Vietnamese",
    },
}


def _lang(language: str) -> str:
    return supported_language(language)


REASONS: dict[str, dict[str, str]] = {
    "en": {
        "idle_cash": "Idle cash: {parts}, not invested",
        "idle_parts": "current account {casa}|savings {savings}| and ",
        "cd_maturing": "CD of {amount} maturing on {day}",
        "loan_maturing": "Loan with {amount} left ends on {day}",
        "large_inflow": "Received {amount} ({source}) on {day}",
        "never_contacted": "Never contacted",
        "inactive": "Not contacted for {days} days",
        "birthday": "Birthday on {day}",
        "min_amount": "Deposits of {deposits} cover the {minimum} minimum",
        "target_segment": "{segment} segment, targeted by {product}",
        "profile": "{segment} client, assets {aum}",
    },
    "vi": {
        "idle_cash": "Tiền nhàn rỗi: {parts} chưa đầu tư",
        "idle_parts": "tài khoản thanh toán {casa}|tiết kiệm {savings}| và ",
        "cd_maturing": "Tiền gửi có kỳ hạn {amount} đáo hạn ngày {day}",
        "loan_maturing": "Khoản vay còn {amount} tất toán ngày {day}",
        "large_inflow": "Vừa nhận {amount} ({source}) ngày {day}",
        "never_contacted": "Chưa từng được liên hệ",
        "inactive": "{days} ngày chưa được liên hệ",
        "birthday": "Sinh nhật ngày {day}",
        "min_amount": "Tiền gửi {deposits}, đủ mức tối thiểu {minimum}",
        "target_segment": "Khách hàng hạng {segment}, đúng đối tượng của {product}",
        "profile": "Khách hàng hạng {segment}, tổng tài sản {aum}",
    },
}


def reason(fact: dict[str, Any], language: str) -> str:
    """One fact of a client (``tools.signals.ranking.reason_facts``) as the RM reads it."""
    kind, lang = fact["kind"], _lang(language)
    templates = REASONS[lang]

    def money(key: str) -> str:
        return format_amount(fact[key], language)

    if kind == "idle_cash":
        casa, savings, joiner = templates["idle_parts"].split("|")
        parts = [casa.format(casa=money("casa_vnd"))] if fact["casa_vnd"] else []
        parts += [savings.format(savings=money("savings_vnd"))] if fact["savings_vnd"] else []
        return templates["idle_cash"].format(parts=joiner.join(parts))
    if kind == "inactive" and fact["days"] is None:
        return templates["never_contacted"]
    values = {
        "amount": money("amount_vnd") if "amount_vnd" in fact else "",
        "day": format_short_date(fact.get("date")),
        "source": source_text(str(fact.get("source") or ""), language),
        "days": fact.get("days"),
        "deposits": money("deposits_vnd") if "deposits_vnd" in fact else "",
        "minimum": money("minimum_vnd") if "minimum_vnd" in fact else "",
        "segment": fact.get("segment"),
        "product": fact.get("product"),
        "aum": money("aum_vnd") if "aum_vnd" in fact else "",
    }
    return templates[kind].format(**values)


def subject(product_name: str | None, language: str) -> str:
    return product_name or WORDS[_lang(language)]["your_goal"]


def answer(
    subject_text: str,
    ranked: list[dict[str, Any]],
    excluded: list[dict[str, Any]],
    names: dict[str, str],
    citations: list[str],
    language: str,
) -> str:
    """The ranked list with each client's reasons, who policy left out and why, and the sources."""
    words = WORDS[_lang(language)]
    if not ranked:
        return words["nobody"].format(subject=subject_text)
    lines = [words["head"].format(subject=subject_text)]
    for position, item in enumerate(ranked, 1):
        lines.append(f"{position}. {names.get(item['client_id'], item['client_id'])}: {'; '.join(item['reasons'])}.")
    if excluded:
        lines.append(words["left_out"])
        lines += [f"- {names.get(item['client_id'], item['client_id'])}: {item['reason']}" for item in excluded]
    if citations:
        lines.append(words["sources"] + ", ".join(citations))
    return "\n".join(lines)


def cannot_rank(error: str, language: str) -> str:
    return WORDS[_lang(language)]["cannot_rank"].format(error=error)


def understood_as(subject_text: str, signals: list[str], top_n: int, language: str) -> str:
    names = SIGNALS[_lang(language)]
    return WORDS[_lang(language)]["understood"].format(
        n=top_n, subject=subject_text, signals=", ".join(names.get(signal, signal) for signal in signals)
    )


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
