"""Every word the inquiry bot says to a customer, in English and Vietnamese."""

from __future__ import annotations

from typing import Any

from tools.core.language import supported_language
from tools.inquiry.escalation import CODE_MINUTES, HOTLINE

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "sources": "Source",
        "contact_centre": "I have passed your message to our contact centre (reference {ref}); an adviser will reply "
        "within two working days.",
        "urgent": "I have passed your message to our contact centre as urgent (reference {ref}); an adviser will "
        "contact you today. For anything that cannot wait, call our free 24/7 hotline {hotline}.",
        "card": "If your card may be lost or misused, lock it now in the app (Cards → Lock card) or through the "
        "hotline. The bank will never ask you for an OTP.",
        "unanswered": "I could not find this in our public information.",
        "rm_offer": "If you are a client and want your relationship manager to handle it, type the phone number "
        "you registered with us.",
        "code_sent": "If this number is registered with us, we have sent it a 6-digit code by SMS (valid "
        f"{CODE_MINUTES} minutes). Type the code here and your message goes straight to your relationship manager.",
        "wrong_code": "That code did not work. Please check the SMS and type the 6 digits again, or call {hotline}.",
        "handed_to_rm": "Thank you, you are verified. Your message is now in your relationship manager's inbox "
        "(reference {ref}); they will contact you.",
        "too_many_codes": "Too many codes were asked for in this conversation. Please call our hotline {hotline}.",
    },
    "vi": {
        "sources": "Nguồn",
        "contact_centre": "Tôi đã chuyển tin nhắn của Quý khách tới trung tâm chăm sóc khách hàng (mã {ref}); chuyên "
        "viên sẽ phản hồi trong vòng 2 ngày làm việc.",
        "urgent": "Tôi đã chuyển tin nhắn của Quý khách tới trung tâm chăm sóc khách hàng ở mức khẩn (mã {ref}); "
        "chuyên viên sẽ liên hệ Quý khách trong ngày. Việc cần xử lý ngay, Quý khách vui lòng gọi tổng đài miễn phí "
        "24/7 {hotline}.",
        "card": "Nếu thẻ có thể bị mất hoặc bị lợi dụng, Quý khách vui lòng khóa thẻ ngay trên ứng dụng (Thẻ → Khóa "
        "thẻ) hoặc qua tổng đài. Ngân hàng không bao giờ hỏi mã OTP.",
        "unanswered": "Tôi chưa tìm thấy thông tin này trong tài liệu công khai của ngân hàng.",
        "rm_offer": "Nếu Quý khách là khách hàng của ngân hàng và muốn chuyên viên quan hệ khách hàng của mình xử lý, "
        "vui lòng nhập số điện thoại đã đăng ký.",
        "code_sent": "Nếu số điện thoại này đã đăng ký với ngân hàng, chúng tôi đã gửi mã 6 số qua SMS (hiệu lực "
        f"{CODE_MINUTES} phút). Quý khách nhập mã tại đây để tin nhắn được chuyển thẳng tới chuyên viên của mình.",
        "wrong_code": "Mã chưa đúng. Quý khách vui lòng kiểm tra SMS và nhập lại 6 số, hoặc gọi {hotline}.",
        "handed_to_rm": "Cảm ơn Quý khách, xác thực thành công. Tin nhắn đã được chuyển vào hộp thư của chuyên viên "
        "quan hệ khách hàng (mã {ref}); chuyên viên sẽ liên hệ Quý khách.",
        "too_many_codes": "Quý khách đã yêu cầu quá nhiều mã trong cuộc trò chuyện này. Vui lòng gọi tổng đài "
        "{hotline}.",
    },
}
#: Topics where the customer should protect their money before anything else.
_MONEY_AT_RISK = ("card_issue", "transfer_issue")


def _words(language: str) -> dict[str, str]:
    return WORDS[supported_language(language)]


def answer(text: str, sources: list[str], language: str) -> str:
    return f"{text}\n\n{_words(language)['sources']}: {', '.join(sources)}" if sources else text


def handed_to_contact_centre(ref: str, urgent: bool, topic: str, found: dict[str, Any], language: str) -> str:
    words = _words(language)
    lines = []
    if found.get("answered") and found.get("text"):
        lines.append(answer(str(found["text"]), list(found.get("sources") or []), language))
    elif not urgent:
        lines.append(words["unanswered"])
    if urgent and topic in _MONEY_AT_RISK:
        lines.append(words["card"])
    lines.append(words["urgent" if urgent else "contact_centre"].format(ref=ref, hotline=HOTLINE))
    lines.append(words["rm_offer"])
    return "\n\n".join(lines)


def code_sent(language: str) -> str:
    return _words(language)["code_sent"]


def wrong_code(language: str) -> str:
    return _words(language)["wrong_code"].format(hotline=HOTLINE)


def handed_to_rm(ref: str, language: str) -> str:
    return _words(language)["handed_to_rm"].format(ref=ref)


def too_many_codes(language: str) -> str:
    return _words(language)["too_many_codes"].format(hotline=HOTLINE)
