"""Every word the briefing room says, in English and Vietnamese: one screen an RM reads in 30 seconds."""

from __future__ import annotations

from typing import Any

from tools.core.formatting import format_amount, format_number, format_short_date
from tools.core.language import supported_language
from tools.crm.vocabulary import category_text
from tools.signals.thresholds import BILLION

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Briefing: {name}",
        "age": "{age} years old",
        "speaks": "speaks {language}, prefers {channel}",
        "risk": "{risk} risk profile",
        "household": "Household with us: {members}.",
        "other_rm": "a household member banks with us ({relation})",
        "money": "Money: AUM {aum}",
        "parts": " ({parts})",
        "casa": "current accounts {amount}",
        "deposits": "deposits {amount}",
        "investments": "investments {amount}",
        "loans": "; loans outstanding {loans}",
        "holding": "{product} {amount}",
        "holding_rate": "{product} {amount} at {rate}",
        "holdings": "Holdings: {items}.",
        "holding_due": "{holding}, matures {date}",
        "recent": "Recent money moves (30 days): {items}.",
        "move_in": "{date} in {amount}{source}",
        "move_out": "{date} out {amount}{source}",
        "coming": "Coming up: {items}.",
        "nothing_coming": "Coming up: nothing in the next 60 days.",
        "maturity": "{product} {amount} matures {date} (in {days} days)",
        "maturity_today": "{product} {amount} matures today, {date}",
        "birthday": "birthday {date} (turns {age}, in {days} days)",
        "birthday_today": "birthday today, {date} (turns {age})",
        "task": 'task "{title}" due {date}',
        "happened": "What happened: {items}.",
        "no_contact": "What happened: no interaction on record.",
        "interaction": "{date} {channel} about {topic} ({sentiment}): {summary}",
        "complaint_open": "OPEN complaint since {date}: {category} — {summary}",
        "complaint_resolved": "complaint resolved ({date}): {category}",
        "points": "Talking points:",
        "no_points": "Talking points: a routine check-in; nothing pressing on record.",
        "point_complaint": "Start with the open complaint ({category}, since {date}): say where it stands before "
        "anything else.",
        "point_maturity": "{product} of {amount} matures {date}, in {days} days: ask about renewal or what the money "
        "is for next.",
        "point_birthday": "Birthday {date} (turns {age}): wish them well.",
        "point_large_inflow": "{amount} came in on {date}{source}: ask about plans for it.",
        "point_idle_cash": "{amount} sits in current accounts: offer to put it to work.",
        "point_unhappy_last": "Last contact {date} about {topic} was negative: check it was put right.",
        "point_overdue_task": 'Overdue: "{title}" was due {date}.',
        "point_inactive": "No contact for {days} days: reconnect.",
        "point_inactive_never": "No contact on record: introduce yourself.",
        "point_last_topic": "Follow up on the last conversation ({date}, {topic}).",
        "understood": "A briefing on {name} ({client_id}) before your call",
    },
    "vi": {
        "title": "Tóm tắt khách hàng: {name}",
        "age": "{age} tuổi",
        "speaks": "dùng {language}, ưa liên hệ qua {channel}",
        "risk": "khẩu vị rủi ro {risk}",
        "household": "Người nhà giao dịch với ngân hàng: {members}.",
        "other_rm": "một người nhà là khách của RM khác ({relation})",
        "money": "Tài sản: AUM {aum}",
        "parts": " ({parts})",
        "casa": "thanh toán {amount}",
        "deposits": "tiền gửi {amount}",
        "investments": "đầu tư {amount}",
        "loans": "; dư nợ vay {loans}",
        "holding": "{product} {amount}",
        "holding_rate": "{product} {amount}, lãi {rate}",
        "holdings": "Sản phẩm đang có: {items}.",
        "holding_due": "{holding}, đáo hạn {date}",
        "recent": "Giao dịch đáng chú ý (30 ngày): {items}.",
        "move_in": "{date} nhận {amount}{source}",
        "move_out": "{date} chuyển đi {amount}{source}",
        "coming": "Sắp tới: {items}.",
        "nothing_coming": "Sắp tới: không có gì trong 60 ngày tới.",
        "maturity": "{product} {amount} đáo hạn {date} (còn {days} ngày)",
        "maturity_today": "{product} {amount} đáo hạn hôm nay, {date}",
        "birthday": "sinh nhật {date} (tròn {age} tuổi, còn {days} ngày)",
        "birthday_today": "sinh nhật hôm nay, {date} (tròn {age} tuổi)",
        "task": 'việc "{title}" hạn {date}',
        "happened": "Đã diễn ra: {items}.",
        "no_contact": "Đã diễn ra: chưa có tương tác nào được ghi nhận.",
        "interaction": "{date} {channel} về {topic} ({sentiment}): {summary}",
        "complaint_open": "Khiếu nại ĐANG MỞ từ {date}: {category} — {summary}",
        "complaint_resolved": "khiếu nại đã xử lý ({date}): {category}",
        "points": "Gợi ý trao đổi:",
        "no_points": "Gợi ý trao đổi: hỏi thăm định kỳ; không có việc gì gấp.",
        "point_complaint": "Mở đầu bằng khiếu nại đang mở ({category}, từ {date}): cập nhật tình hình trước khi nói "
        "chuyện khác.",
        "point_maturity": "{product} {amount} đáo hạn {date}, còn {days} ngày: hỏi về tái tục hoặc kế hoạch cho "
        "khoản tiền.",
        "point_birthday": "Sinh nhật {date} (tròn {age} tuổi): gửi lời chúc.",
        "point_large_inflow": "Nhận {amount} ngày {date}{source}: hỏi kế hoạch sử dụng.",
        "point_idle_cash": "{amount} đang nằm trong tài khoản thanh toán: đề xuất phương án sinh lời.",
        "point_unhappy_last": "Lần liên hệ {date} về {topic} không vui: kiểm tra đã được khắc phục chưa.",
        "point_overdue_task": 'Quá hạn: "{title}" hạn {date}.',
        "point_inactive": "{days} ngày chưa liên hệ: kết nối lại.",
        "point_inactive_never": "Chưa từng liên hệ: giới thiệu bản thân.",
        "point_last_topic": "Hỏi tiếp về lần trao đổi gần nhất ({date}, {topic}).",
        "understood": "Tóm tắt về {name} ({client_id}) trước cuộc gọi",
    },
}
VALUES: dict[str, dict[str, str]] = {
    "en": {"vi": "Vietnamese", "en": "English", "positive": "positive", "neutral": "neutral", "negative": "negative",
           "spouse": "spouse", "parent": "parent", "child": "child", "sibling": "sibling"},
    "vi": {"vi": "tiếng Việt", "en": "tiếng Anh", "positive": "tích cực", "neutral": "bình thường",
           "negative": "tiêu cực", "spouse": "vợ/chồng", "parent": "bố/mẹ", "child": "con", "sibling": "anh chị em",
           "conservative": "thận trọng", "balanced": "cân bằng", "growth": "tăng trưởng", "meeting": "gặp",
           "call": "gọi", "email": "email", "chat": "nhắn tin", "phone": "điện thoại"},
}  # fmt: skip


#: The date a talking point names, by its kind (an account's point is its maturity, never its opening).
POINT_DATES = {"complaint": "opened_on", "maturity": "maturity_on", "birthday": "date", "large_inflow": "posted_at",
               "unhappy_last": "occurred_at", "overdue_task": "due_on", "last_topic": "occurred_at"}  # fmt: skip


def _lang(language: str) -> str:
    return supported_language(language)


def _value(value: Any, language: str) -> str:
    return VALUES[_lang(language)].get(str(value), str(value or "—"))


def money(vnd: Any, language: str) -> str:
    """An amount as the RM says it; in Vietnamese a billion-size one also in full ("1,5 tỷ (1.500.000.000 đ)")."""
    amount = int(vnd or 0)
    short = format_amount(amount, _lang(language))
    if _lang(language) == "vi" and abs(amount) >= BILLION:
        return f"{short} ({format_number(amount, 'vi', decimals=0)} đ)"
    return short


def client_name(profile: dict[str, Any]) -> str:
    return f"{profile.get('honorific') or ''} {profile.get('full_name') or ''}".strip()


def _who(briefing: dict[str, Any], language: str) -> list[str]:
    words, profile = WORDS[_lang(language)], briefing["profile"]
    facts = [str(profile.get("segment") or "")]
    if profile.get("age") is not None:
        facts.append(words["age"].format(age=profile["age"]))
    facts += [str(value) for value in (profile.get("occupation"), profile.get("city")) if value]
    facts.append(words["speaks"].format(language=_value(profile.get("language"), language),
                                        channel=_value(profile.get("preferred_channel"), language)))  # fmt: skip
    if profile.get("risk_profile"):
        facts.append(words["risk"].format(risk=_value(profile["risk_profile"], language)))
    lines = [f"**{words['title'].format(name=client_name(profile))}** · {' · '.join(f for f in facts if f)}"]
    members = []
    for member in briefing["household"]:
        relation = _value(member.get("relation"), language)
        if member.get("managed_by_another_rm"):
            members.append(words["other_rm"].format(relation=relation))
        else:
            members.append(f"{relation} {client_name(member)} ({member.get('segment')})")
    if members:
        lines.append(words["household"].format(members="; ".join(members)))
    return lines


def _money_lines(briefing: dict[str, Any], language: str) -> list[str]:
    words, totals = WORDS[_lang(language)], briefing["totals"]
    line = words["money"].format(aum=money(totals.get("aum_vnd"), language))
    parts = [words[key].format(amount=money(totals[column], language)) for key, column in (
        ("casa", "casa_vnd"), ("deposits", "savings_and_cd_vnd"), ("investments", "investments_vnd"))
        if totals.get(column)]  # fmt: skip
    if parts:
        line += words["parts"].format(parts=", ".join(parts))
    if totals.get("loans_outstanding_vnd"):
        line += words["loans"].format(loans=money(totals["loans_outstanding_vnd"], language))
    lines = [line + "."]
    items = []
    for account in briefing["holdings"]:
        key = "holding_rate" if account.get("rate_pct") else "holding"
        rate = f"{format_number(float(account.get('rate_pct') or 0), _lang(language))}%"
        amount = money(account.get("balance_vnd"), language)
        item = words[key].format(product=account.get("product_name"), amount=amount, rate=rate)
        if account.get("maturity_on"):  # a maturity beyond the weeks ahead is still asked about ("any maturing?")
            item = words["holding_due"].format(holding=item, date=format_short_date(account["maturity_on"]))
        items.append(item)
    if items:
        lines.append(words["holdings"].format(items="; ".join(items)))
    moves = [_move(row, language) for row in briefing["notable_transactions"]]
    if moves:
        lines.append(words["recent"].format(items="; ".join(moves)))
    return lines


def _said(text: Any) -> str:
    """A logged sentence inside a list: its own full stop goes (the list has its own)."""
    return str(text or "").strip().rstrip(".")


def _source(row: dict[str, Any], language: str) -> str:
    said = [category_text(row.get("category"), _lang(language)), str(row.get("counterparty") or "")]
    said = [part for part in said if part]
    return f" ({', '.join(said)})" if said else ""


def _move(row: dict[str, Any], language: str) -> str:
    key = "move_in" if row.get("direction") == "in" else "move_out"
    return WORDS[_lang(language)][key].format(date=format_short_date(row.get("posted_at")),
                                              amount=money(row.get("amount_vnd"), language),
                                              source=_source(row, language))  # fmt: skip


def _coming(briefing: dict[str, Any], language: str) -> str:
    words = WORDS[_lang(language)]
    items = []
    for account in briefing["maturities"]:
        key = "maturity_today" if account["days_left"] == 0 else "maturity"
        items.append(words[key].format(product=account.get("product_name"), days=account["days_left"],
                                       amount=money(account.get("balance_vnd"), language),
                                       date=format_short_date(account.get("maturity_on"))))  # fmt: skip
    birthday = briefing.get("birthday")
    if birthday:
        key = "birthday_today" if birthday["days_until"] == 0 else "birthday"
        items.append(words[key].format(date=format_short_date(birthday["date"]), age=birthday["age"],
                                       days=birthday["days_until"]))  # fmt: skip
    for task in briefing["open_tasks"]:
        items.append(words["task"].format(title=task.get("title"), date=format_short_date(task.get("due_on"))))
    return words["coming"].format(items="; ".join(items)) if items else words["nothing_coming"]


def _happened(briefing: dict[str, Any], language: str) -> str:
    words = WORDS[_lang(language)]
    items = []
    for complaint in briefing["complaints"]:
        key = "complaint_open" if complaint.get("status") == "open" else "complaint_resolved"
        items.append(words[key].format(date=format_short_date(complaint.get("opened_on")),
                                       category=category_text(complaint.get("category"), _lang(language)),
                                       summary=_said(complaint.get("summary"))))  # fmt: skip
    for row in briefing["interactions"]:
        items.append(words["interaction"].format(date=format_short_date(row.get("occurred_at")),
                                                 channel=_value(row.get("channel"), language),
                                                 topic=row.get("topic") or "—",
                                                 sentiment=_value(row.get("sentiment"), language),
                                                 summary=_said(row.get("summary"))))  # fmt: skip
    return words["happened"].format(items="; ".join(items)) if items else words["no_contact"]


def _point(point: dict[str, Any], language: str) -> str:
    words, kind, facts = WORDS[_lang(language)], point["kind"], point["facts"]
    if kind == "inactive" and facts.get("days") is None:
        return words["point_inactive_never"]
    values = {
        "category": category_text(facts.get("category"), _lang(language)),
        "date": format_short_date(facts.get(POINT_DATES.get(kind, "date"))),
        "product": facts.get("product_name"),
        "amount": money(facts.get("balance_vnd") or facts.get("amount_vnd"), language),
        "days": facts.get("days_left", facts.get("days")),
        "age": facts.get("age"),
        "source": _source(facts, language) if kind == "large_inflow" else "",
        "topic": facts.get("topic") or "—",
        "title": facts.get("title") or "",
    }
    return words[f"point_{kind}"].format(**values)


def briefing(briefing: dict[str, Any], language: str) -> str:
    """The screen: who, money, what's coming, what happened, then the talking points."""
    words = WORDS[_lang(language)]
    lines = [*_who(briefing, language), *_money_lines(briefing, language), _coming(briefing, language),
             _happened(briefing, language)]  # fmt: skip
    points = briefing["talking_points"]
    if points:
        lines.append(words["points"])
        lines += [f"{number}. {_point(point, language)}" for number, point in enumerate(points, start=1)]
    else:
        lines.append(words["no_points"])
    return "\n".join(lines)


def understood_as(briefing: dict[str, Any], language: str) -> str:
    return WORDS[_lang(language)]["understood"].format(name=client_name(briefing["profile"]),
                                                       client_id=briefing["client_id"])  # fmt: skip
