"""Every word the next-best-action room says, in English and Vietnamese: the reason and its facts."""

from __future__ import annotations

from typing import Any

from graphs.signal_words import sign_line
from tools.core.formatting import format_amount, format_date, format_number
from tools.core.language import supported_language
from tools.crm.vocabulary import category_text

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "complaint_followup": "Complaint follow-up",
        "cd_maturity": "CD maturing",
        "loan_maturity": "Loan maturing",
        "birthday": "Birthday",
        "large_deposit": "Large deposit",
        "attrition_risk": "Attrition risk",
        "idle_cash": "Idle cash",
        "inactive": "No recent contact",
        "cross_sell": "Cross-sell",
    },
    "vi": {
        "complaint_followup": "Xử lý khiếu nại",
        "cd_maturity": "Chứng chỉ tiền gửi đáo hạn",
        "loan_maturity": "Khoản vay đến hạn",
        "birthday": "Sinh nhật",
        "large_deposit": "Khoản tiền lớn về tài khoản",
        "attrition_risk": "Nguy cơ rời bỏ",
        "idle_cash": "Tiền nhàn rỗi",
        "inactive": "Lâu chưa liên hệ",
        "cross_sell": "Bán chéo",
    },
}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "no_trigger": "{name}: no trigger today; a routine check-in is the best next step.",
        "complaint_first": " An open complaint comes first (bank policy).",
        "also": " Also: ",
        "suggested": "Suggested message:",
        "understood": "Next best action for {name}",
        "understood_lead": "Next best action for {name} · {label}",
    },
    "vi": {
        "no_trigger": "{name}: không có tín hiệu nào cần hành động hôm nay; nên liên hệ chăm sóc định kỳ.",
        "complaint_first": " Khiếu nại đang mở được ưu tiên trước.",
        "also": " Ngoài ra: ",
        "suggested": "Tin nhắn gợi ý:",
        "understood": "Hành động tiếp theo với {name}",
        "understood_lead": "Hành động tiếp theo với {name} · {label}",
    },
}


def _lang(language: str) -> str:
    return supported_language(language)


def fact_line(trigger: dict[str, Any], language: str) -> str:
    """The concrete facts of one trigger, for the RM (the reason) and for the model's prompt."""
    kind, f = trigger["kind"], trigger["facts"]
    vi = language == "vi"
    amount = format_amount(f.get("amount_vnd"), language)
    product = f.get("product_name") or category_text(f.get("category") or f.get("product_code"), language)
    if kind == "cd_maturity" and f.get("matured"):
        due = format_date(f["maturity_on"], language)
        if vi:
            return f"chứng chỉ tiền gửi {amount} đã đáo hạn ngày {due}, chưa tái tục, tiền vẫn ở ngân hàng"
        return f"{product} of {amount} matured on {due}, not renewed, the money still with us"
    if kind in ("cd_maturity", "loan_maturity"):
        due, days = format_date(f["maturity_on"], language), f["days_left"]
        rate = format_number(f["rate_pct"], language) + "%" if f.get("rate_pct") else None
        if kind == "cd_maturity" and vi:
            return f"chứng chỉ tiền gửi {amount} đáo hạn ngày {due} (còn {days} ngày" + (
                f", {rate}/năm)" if rate else ")"
            )
        if kind == "cd_maturity":
            return f"{product} of {amount} matures on {due} ({days} days left" + (f", {rate} p.a.)" if rate else ")")
        if vi:
            return f"khoản vay dư nợ {amount} đến hạn ngày {due} (còn {days} ngày)"
        return f"{product}, {amount} outstanding, matures on {due} ({days} days left)"
    if kind == "birthday":
        age, when, until = f["age"], format_date(f["date"], language), f["days_until"]
        if until == 0:
            return f"sinh nhật hôm nay (tròn {age} tuổi)" if vi else f"birthday today (turns {age})"
        if vi:
            return f"sinh nhật ngày {when} (còn {until} ngày, tròn {age} tuổi)"
        return f"birthday on {when} (in {until} days, turns {age})"
    if kind == "large_deposit":
        source = ", ".join(str(v) for v in (f.get("category"), f.get("counterparty")) if v).replace("_", " ")
        when = format_date(f.get("posted_on"), language)
        line = f"nhận {amount} ngày {when}" if vi else f"inbound {amount} on {when}"
        return line + (f" ({source})" if source else "")
    if kind == "idle_cash":
        out = format_amount(f.get("outflow_30d_vnd"), language)
        if vi:
            return f"{amount} trong tài khoản thanh toán và tiết kiệm, chi ra 30 ngày qua {out}"
        return f"{amount} in current and savings accounts, {out} out in the last 30 days"
    if kind == "inactive":
        if f.get("days_since_contact") is None:
            return "chưa có lần liên hệ nào được ghi nhận" if vi else "no interaction ever logged"
        when, days = format_date(f.get("last_contacted_on"), language), f["days_since_contact"]
        return (
            f"{days} ngày chưa liên hệ (lần cuối {when})" if vi else f"no interaction for {days} days (last on {when})"
        )
    if kind == "complaint_followup":
        when, category, days = (
            format_date(f.get("opened_on"), language),
            category_text(f.get("category"), language),
            f.get("days_open"),
        )
        summary = f": {str(f['summary']).rstrip('.')}" if f.get("summary") else ""
        if vi:
            return f"khiếu nại về {category} đang mở từ {when} ({days} ngày){summary}"
        return f"open {category} complaint since {when} ({days} days){summary}"
    if kind == "attrition_risk":
        return "; ".join(sign_line(sign, language) for sign in f.get("signs") or [])
    if kind == "cross_sell" and f.get("lead"):
        when = format_date(f.get("noted_on"), language)
        what = product or str(f.get("topic") or "")
        money = f" ({amount})" if f.get("amount_vnd") else ""
        tasks = f.get("tasks") or []
        due = "; ".join(f"{t['title']} ({format_date(t['due_on'], language)})" for t in tasks)
        if vi:
            return f"khách quan tâm {what}{money}, ghi nhận ngày {when}" + (f"; việc cần làm: {due}" if due else "")
        return f"lead logged on {when}: {what}{money}" + (f"; open tasks: {due}" if due else "")
    if kind == "cross_sell" and f.get("evidence"):
        if vi:
            return f"{product} phù hợp với cách khách đang dùng tiền (theo dữ liệu giao dịch và ghi chú)"
        return f"{product} fits how the client uses their money (from their transactions and your notes)"
    if kind == "cross_sell":
        aum, segment, category = (
            format_amount(f.get("aum_vnd"), language),
            f.get("segment"),
            category_text(f.get("category"), language),
        )
        if f.get("holds_category"):  # another savings plan for a saver: never "without savings"
            return (
                f"khách hàng {segment}: {product} phù hợp (AUM {aum})"
                if vi
                else f"{segment} client: {product} fits ({aum} AUM)"
            )
        if vi:
            return f"khách hàng {segment} chưa có {category}: {product} phù hợp (AUM {aum})"
        return f"{segment} client without {category}: {product} fits ({aum} AUM)"
    return str(kind)


def reason(name: str, triggers: list[dict[str, Any]], language: str) -> str:
    """Why this action: the leading trigger's facts, policy precedence, then up to three others."""
    words, labels = WORDS[_lang(language)], LABELS[_lang(language)]
    if not triggers:
        return words["no_trigger"].format(name=name)
    lead, others = triggers[0], triggers[1:]
    text = f"{name} — {labels[lead['kind']]}: {fact_line(lead, language)}."
    if lead["kind"] == "complaint_followup" and others:
        text += words["complaint_first"]
    if others:
        text += words["also"] + "; ".join(f"{labels[t['kind']]}: {fact_line(t, language)}" for t in others[:3]) + "."
    return text


def answer(reason_text: str, message: str, language: str) -> str:
    return f"{reason_text}\n\n{WORDS[_lang(language)]['suggested']}\n{message}"


def understood_as(name: str, action: str | None, language: str) -> str:
    words = WORDS[_lang(language)]
    if action is None:
        return words["understood"].format(name=name)
    return words["understood_lead"].format(name=name, label=LABELS[_lang(language)][action])
