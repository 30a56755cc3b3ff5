"""Every word the data-entry room says, in English and Vietnamese: the card, the remarks, the outcome."""

from __future__ import annotations

from typing import Any

from tools.core.formatting import format_amount, format_day
from tools.core.language import supported_language

WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "card_title": "**Confirm this CRM log**",
        "labels": ("Client", "Channel", "Location", "Topic", "Amount", "Sentiment", "Tasks"),
        "channels": {"meeting": "Meeting", "call": "Call", "email": "Email", "chat": "Chat"},
        "tasks": {"call": "Call", "email": "Email", "send_document": "Send documents", "meeting": "Meeting",
                  "review": "Review", "other": "Other"},
        "sentiments": {},
        "no_channel": "No channel in the note: logged as a meeting.",
        "no_due_date": "“{title}”: no date given, due tomorrow.",
        "edit_not_applied": "Edit not applied: {problem}",
        "edit_read": "Amount read as {amount}: check it and confirm to log it.",
        "check": "[CONFIRM]",
        "until": "until",
        "possible_duplicate": "This client already has a log at {when} that reads alike (“{summary}”): confirm only if "
        "this is a new conversation.",
        "default_topic": "Client conversation",
        "logged": "Logged in the CRM:",
        "client": "Client",
        "topic": "Topic",
        "location": "Location",
        "new_tasks": "- New tasks:",
        "cancelled": "Cancelled: nothing was logged.",
        "understood": "A {channel} note about {client}{tasks}",
        "understood_tasks": " · {count} follow-up(s)",
    },
    "vi": {
        "card_title": "**Xác nhận ghi nhận vào CRM**",
        "labels": ("Khách hàng", "Hình thức", "Địa điểm", "Chủ đề", "Số tiền", "Thái độ", "Việc cần làm"),
        "channels": {"meeting": "Gặp mặt", "call": "Gọi điện", "email": "Email", "chat": "Nhắn tin"},
        "tasks": {"call": "Gọi điện", "email": "Email", "send_document": "Gửi tài liệu", "meeting": "Gặp mặt",
                  "review": "Rà soát", "other": "Khác"},
        "sentiments": {"positive": "tích cực", "neutral": "trung lập", "negative": "tiêu cực"},
        "no_channel": "Không rõ hình thức liên hệ: ghi là gặp mặt.",
        "no_due_date": "“{title}”: không có hạn, đặt là ngày mai.",
        "edit_not_applied": "Chưa áp dụng chỉnh sửa: {problem}",
        "edit_read": "Số tiền được hiểu là {amount}: kiểm tra lại rồi xác nhận để ghi.",
        "check": "[KIỂM TRA]",
        "until": "đến khi",
        "possible_duplicate": "Khách này đã có một ghi nhận tương tự lúc {when} (“{summary}”): chỉ xác nhận nếu đây "
        "là cuộc trao đổi mới.",
        "default_topic": "Trao đổi với khách hàng",
        "logged": "Đã ghi nhận vào CRM:",
        "client": "Khách hàng",
        "topic": "Chủ đề",
        "location": "Địa điểm",
        "new_tasks": "- Việc cần làm:",
        "cancelled": "Đã huỷ: không có gì được ghi.",
        "understood": "Ghi chú {channel} với {client}{tasks}",
        "understood_tasks": " · {count} việc cần làm",
    },
}  # fmt: skip


def _words(language: str) -> dict[str, Any]:
    return WORDS[supported_language(language)]


def default_topic(language: str) -> str:
    return str(_words(language)["default_topic"])


def remark(code: str, facts: dict[str, Any], language: str) -> str:
    """A default the proposal took, in words (an amount in the RM's number style)."""
    if "amount_vnd" in facts:
        facts = {**facts, "amount": format_amount(facts["amount_vnd"], language)}
    return str(_words(language)[code]).format(**facts)


def edit_not_applied(problem: str, language: str) -> str:
    return str(_words(language)["edit_not_applied"]).format(problem=problem)


def card(
    proposal: dict[str, Any], client_label: str | None, notes: list[str], language: str, uncertain: tuple[str, ...] = ()
) -> str:
    """The confirmation card: the log and tasks exactly as they would be written, then the notes; a field the reading
    is unsure of carries a check mark for the RM."""
    words = _words(language)
    labels = words["labels"]
    sentiment = proposal["sentiment"]

    def mark(field_name: str) -> str:
        return f" {words['check']}" if field_name in uncertain else ""

    lines = [
        words["card_title"],
        "",
        f"- {labels[0]}: {client_label}",
        f"- {labels[1]}: {words['channels'][proposal['channel']]}",
        f"- {labels[2]}: {proposal.get('location') or '—'}",
        f"- {labels[3]}: {proposal['topic']}{mark('product_category')}",
        f"- {labels[4]}: {format_amount(proposal.get('amount_vnd'), language)}{mark('amount_vnd')}",
        f"- {labels[5]}: {words['sentiments'].get(sentiment, sentiment)}{mark('sentiment')}",
        f"- {labels[6]}:" + ("" if proposal["tasks"] else " —"),
    ]
    lines += [
        f"  - {words['tasks'][task['kind']]}: {task['title']} ({format_day(task['due_on'], language)})"
        + (f" ↻ {task['recurrence']}" if task.get("recurrence") else "")
        + (f" {words['until']} {task['until_condition']}" if task.get("until_condition") else "")
        for task in proposal["tasks"]
    ]
    lines += [f"\n> {note}" for note in notes]
    return "\n".join(lines)


def logged(interaction: dict[str, Any], tasks: list[dict[str, Any]], client_label: str | None, language: str) -> str:
    """What was logged, as the RM reads it afterwards."""
    words = _words(language)
    amount = interaction.get("amount_vnd")
    lines = [
        words["logged"],
        f"- {words['client']}: {client_label}",
        f"- {words['topic']}: {interaction.get('topic')}" + (f" ({format_amount(amount, language)})" if amount else ""),
    ]
    if interaction.get("location"):
        lines.append(f"- {words['location']}: {interaction['location']}")
    if tasks:
        lines.append(words["new_tasks"])
        lines += [f"  - {task['title']} ({format_day(task['due_on'], language)})" for task in tasks]
    return "\n".join(lines)


def cancelled(language: str) -> str:
    return str(_words(language)["cancelled"])


def understood_as(proposal: dict[str, Any], client_label: str | None, language: str) -> str:
    """One line: the kind of note, whose, and how many follow-ups."""
    words = _words(language)
    count = len(proposal.get("tasks") or [])
    tasks = words["understood_tasks"].format(count=count) if count else ""
    channel = words["channels"][proposal["channel"]].lower()
    return str(words["understood"]).format(channel=channel, client=client_label or "—", tasks=tasks)
