"""Every word the inbox triage says, in English and Vietnamese."""

from __future__ import annotations

from typing import Any

from tools.core.language import supported_language

TOPIC_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "card_issue": "card", "transfer_issue": "transfer", "complaint": "complaint", "loan_request": "loan",
        "account_details": "account details", "product_inquiry": "product question", "appointment": "appointment",
        "other": "other",
    },
    "vi": {
        "card_issue": "thẻ", "transfer_issue": "chuyển tiền", "complaint": "khiếu nại", "loan_request": "vay",
        "account_details": "thông tin tài khoản", "product_inquiry": "hỏi sản phẩm", "appointment": "lịch hẹn",
        "other": "khác",
    },
}  # fmt: skip
URGENCY_HEADS: dict[str, dict[str, str]] = {
    "en": {"high": "Urgent (today)", "normal": "Within two working days", "low": "When you have time"},
    "vi": {"high": "Khẩn (trong hôm nay)", "normal": "Trong 2 ngày làm việc", "low": "Khi rảnh"},
}
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "empty": "You have no unread client messages.",
        "head": "Your {count} unread client message(s), by urgency (the bank's inbox policy, DOC-POL-INBOX):",
        "understood": "Your {count} unread client messages, each given a topic and an urgency as DOC-POL-INBOX "
        "defines them, grouped by urgency",
        "not_ready": "I can't read your inbox right now: the triage model is not installed on this server. "
        "Your messages are unchanged; please open the inbox in the web app.",
        "review": "I drafted a reply to each of the {count} message(s), in your voice and the client's language, "
        "checked against bank policy. Save them to your drafts (to review, edit and send like the morning drafts) "
        "and mark these messages read?",
        "saved": "Saved {saved} reply draft(s) to your drafts and marked {marked} message(s) read. Open Drafts to "
        "review, edit and send them; a sent reply marks its message replied.",
        "already": "The replies were already in your drafts; nothing was saved twice.",
        "not_saved": "Nothing was saved: the messages stay unread and no reply was drafted into your drafts.",
        "flagged": "{count} reply draft(s) carry a policy flag to look at before sending.",
    },
    "vi": {
        "empty": "Anh/chị không có tin nhắn khách hàng nào chưa đọc.",
        "head": "{count} tin nhắn khách hàng chưa đọc, theo mức khẩn (chính sách hộp thư DOC-POL-INBOX):",
        "understood": "{count} tin nhắn khách hàng chưa đọc, mỗi tin một chủ đề và mức khẩn theo DOC-POL-INBOX, "
        "nhóm theo mức khẩn",
        "not_ready": "Em chưa đọc được hộp thư lúc này: mô hình phân loại chưa được cài trên máy chủ. Tin nhắn vẫn "
        "giữ nguyên; anh/chị mở hộp thư trên ứng dụng web giúp em.",
        "review": "Em đã soạn sẵn thư trả lời cho {count} tin nhắn, theo giọng văn của anh/chị và ngôn ngữ của khách, "
        "đã kiểm tra theo chính sách ngân hàng. Lưu vào mục Bản nháp (để xem, sửa và gửi như bản nháp buổi sáng) và "
        "đánh dấu các tin nhắn này là đã đọc?",
        "saved": "Đã lưu {saved} bản nháp trả lời vào mục Bản nháp và đánh dấu {marked} tin nhắn đã đọc. Anh/chị mở "
        "Bản nháp để xem, sửa và gửi; gửi xong tin nhắn được đánh dấu đã trả lời.",
        "already": "Các bản nháp trả lời đã có sẵn trong mục Bản nháp; không lưu trùng.",
        "not_saved": "Chưa lưu gì: tin nhắn vẫn chưa đọc và không có bản nháp trả lời nào được lưu.",
        "flagged": "{count} bản nháp trả lời có cảnh báo chính sách cần xem trước khi gửi.",
    },
}
#: How much of a message's first line a summary line shows.
SUMMARY_CHARS = 90


def _summary(message: dict[str, Any]) -> str:
    first = next((line.strip() for line in str(message.get("body") or "").splitlines() if line.strip()), "")
    return first if len(first) <= SUMMARY_CHARS else first[: SUMMARY_CHARS - 1].rstrip() + "…"


def inbox(messages: list[dict[str, Any]], language: str) -> str:
    lang = supported_language(language)
    words = WORDS[lang]
    if not messages:
        return words["empty"]
    lines = [words["head"].format(count=len(messages))]
    for urgency in ("high", "normal", "low"):
        group = [message for message in messages if message.get("urgency") == urgency]
        if not group:
            continue
        lines += ["", f"{URGENCY_HEADS[lang][urgency]} ({len(group)})"]
        for message in group:
            topic = TOPIC_NAMES[lang].get(str(message.get("topic")), str(message.get("topic")))
            when = str(message.get("received_at") or "")[:16].replace("T", " ")
            lines.append(f"- {message['client']} · {message['channel']} · {when} · {topic}: {_summary(message)}")
    return "\n".join(lines)


def understood_as(count: int, language: str) -> str:
    return WORDS[supported_language(language)]["understood"].format(count=count)


def not_ready(language: str) -> str:
    return WORDS[supported_language(language)]["not_ready"]


def review(count: int, language: str) -> str:
    return WORDS[supported_language(language)]["review"].format(count=count)


def saved(saved_count: int, marked: int, flagged: int, language: str) -> str:
    words = WORDS[supported_language(language)]
    lines = [words["saved"].format(saved=saved_count, marked=marked) if saved_count or marked else words["already"]]
    if flagged:
        lines.append(words["flagged"].format(count=flagged))
    return " ".join(lines)


def not_saved(language: str) -> str:
    return WORDS[supported_language(language)]["not_saved"]
