"""The rules' cues for follow-ups: action words, the kind a follow-up's words name, "nothing to do".

Shared by the rule reader (``tools.crm.notes``) and the learned one (``tools.crm.followups``), which reads
the rules' opinion of each piece as one more feature.
"""

from __future__ import annotations

import datetime as dt
import re

from tools.core.parsing import find_dates

#: What a client is sent: a follow-up named by one of these alone ("Fund factsheet Mon") sends a document.
DOCUMENT_WORDS = (
    r"pack|info|information|brochure|document\w*|"
    r"docs?|proposal|quote|quotation|term ?sheet|form|forms|contract|details|deck|file|tai lieu|thong tin|"
    r"ho so|bao gia|hop dong|bieu mau|to roi|de xuat|hs|hd|factsheet|fact sheet|illustration|statement|schedule|"
    r"table|minh hoa|bang lai|bang tinh|bang|lich tra no|lich|sao ke|xac nhan|confirmation|bao cao|report|ppt|slides|"
    r"presentation|questionnaire|checklist|huong dan|bieu phi|prospectus|application|mau don|don dang ky|mau dang ky|"
    r"phieu dang ky|to khai|bieu lai suat|bieu lai"
)
DOCUMENT_NOUN = re.compile(rf"\b(?:{DOCUMENT_WORDS})\b")
#: Documents in their own right, not information: sent by e-mail, they are still a document sent.
PAPER_WORDS = (
    r"brochure|factsheet|fact sheet|forms?|proposal|term ?sheet|contract|deck|illustration|prospectus|application|"
    r"checklist|report|quote|quotation|statement|minh hoa|hop dong|to roi|de xuat|bieu mau|bao gia|bang minh hoa"
)

TASK_KINDS: list[tuple[str, re.Pattern[str]]] = [
    # "gửi email xác nhận": an e-mail sent, with no document in its own right in it
    ("email", re.compile(rf"\b(?:gui|send)\s+(?:an?\s+)?(?:e-?mail|mail)\b(?!.*\b(?:{PAPER_WORDS})\b)")),
    ("send_document", re.compile(rf"\b(send|sending|sent|share|forward|prepare|gui|chuan bi|soan)\b.*\b({DOCUMENT_WORDS})\b")),
    # "email her the brochure", "zalo c form": a document in its own right, sent by any means (an e-mail of
    # "xác nhận", "hướng dẫn", details or rates is an e-mail)
    ("send_document", re.compile(rf"\b(e-?mail|mail|zalo|whatsapp)\b.*\b({PAPER_WORDS})\b")),
    ("email", re.compile(r"\b(e-?mail|mail|gui mail|gui email)\b")),
    ("call", re.compile(r"\b(call|called|ring|rung|phone|phoned|follow[- ]?up call|goi|goi dien|goi lai|lien he lai)\b")),
    ("meeting", re.compile(
        r"\b(meet|meeting|mtg|visit|site visit|catch up|set up a meeting|schedule|hen gap|gap lai|gap|hen|tham(?! dinh)|"
        r"(?:buoi|cuoc) hop|hop (?:review|ban|danh gia|ky)|"
        r"qua cty|qua cong ty|qua nha|qua van phong|ghe|xuong)\b"
    )),
    ("review", re.compile(
        r"\b(review|reviewed|check|checked|follow up on|monitor|track|kiem tra|xem lai|theo doi|ra soat|danh gia|tham dinh|"
        r"check lai|xem xet)\b"
    )),
]  # fmt: skip
ACTION_CUE = re.compile(
    r"\b(need to|needs to|have to|has to|must|should|will|shall|i'll|i will|to do|todo|remind me to|remember to|"
    r"plan to|going to|gonna|promised to|follow up|next step|phai|se|nho|hen|de nghi|cam ket|"
    r"can phai|nhac|nho la|ke hoach)\b"
)
ACTION_VERB_START = re.compile(
    r"^\s*(?:(?:and|then|also|va|roi|sau do|con|thi la|thi|voi lai|xong)\s+)?(?:(?:i|we|em|minh|toi|tui|rm|the rm)\s+)?(?:(?:will|shall|need to|have to|must|"
    r"should|can|going to|gonna|se|can phai|phai|nho)\s+)?(send|call|ring|phone|email|e-mail|mail|meet|visit|review|check|follow|"
    r"schedule|prepare|share|forward|set|arrange|book|organi[sz]e|submit|open|process|complete|draft|"
    r"gui|goi|hen|gap|kiem tra|xem lai|ra soat|danh gia|theo doi|chuan bi|soan|lien he|chot|lam|nop|sap xep|mo|"
    r"qua|ghe|tham dinh|kich hoat|bao|xin|nhac|dat lich|activate|escalate|mtg|site visit|reply|ask|chase|"
    r"remind|confirm)\b"
)
#: What RMs put before a follow-up: "pls send…", "fu: call Tue", "f/u - email", "next: …", "-> …".
FOLLOW_UP_LEAD = re.compile(
    r"^\s*(?:(?:[-•*+>]+|pls|please|plz|fu|f/u|follow[- ]?ups?|next steps?|todo|to do|->|=>|actions?|action items?|"
    r"viec can lam|buoc tiep theo|can lam)\s*[:\-–]?\s*)+"
)

#: A time of day right after a follow-up's day: "10h", "9h30", "14:00", "3pm".
_CLOCK_TIME = re.compile(r"^\s*\d{1,2}\s*(?:h|g|:|am|pm)\s*\d{0,2}\s*(?:am|pm|sang|chieu|toi)?\b")

ANY_DAY = dt.date(2000, 1, 3)  # only the position of a date matters when splitting clauses


CLIENT_SUBJECT = re.compile(
    r"\b(he|she|they|client|ong|ba|anh|chi|c|a|kh|khach|khach hang|ong ay|ba ay|anh ay|chi ay)\s+$"
)
#: The RM as the object: the client will do it ("call me back", "gọi lại cho em", "báo lại mình").
FOR_THE_RM = re.compile(
    r"\b(?:call|ring|email|text|message|get back to|reply to|revert to|tell|let)\s+me\b|\bme\s+back\b|"
    r"\b(?:goi|nhan|bao|gui|phan hoi|tra loi|lien he)(?:\s+lai)?\s+(?:cho\s+)?(?:em|minh(?!\s+hoa)|toi(?!\s+(?:nay|mai|qua|thu|t\d|chu nhat|cn)))\b(?!\s+(?:se|gui|goi))"
)
NOTHING_TO_DO = re.compile(
    r"\b(nothing|no|without|khong|chua)\s+(?:\w+\s+){0,2}?(to do|follow[- ]?up|action|further|can lam|lam gi|viec gi)"
    # "e hẹn dịp khác", "another time": put off with no day, not a follow-up
    r"|\b(?:hen|de|gap)\s+(?:\w+\s+)?(?:dip|luc|bua|hom)\s+khac\b|\b(?:another|some other) time\b"
    # "không cần em gọi lại hay gửi giấy tờ gì", "no need to call her back": an action said not to be needed
    r"|\b(?:khong can|ko can|k can|chua can|no need to|don'?t need to|do not need to|needn'?t)\s+(?:\w+\s+){0,2}?"
    r"(?:goi|gui|lien he|hen|gap|call|send|email|meet|follow)\b"
)


def rm_cue(folded_clause: str, *, vietnamese: bool) -> bool:
    """A cue that the RM has something to do: "need to", "cần", "nhớ"… but not the client's "ông cần vay"."""
    cues = list(ACTION_CUE.finditer(folded_clause))
    if vietnamese:
        cues += list(re.finditer(r"\bcan\b", folded_clause))  # "cần" once accents are folded
    return any(not CLIENT_SUBJECT.search(folded_clause[: cue.start()]) for cue in cues)


def starts_with_action(folded_clause: str) -> bool:
    """An action verb first, possibly after its date: "gửi hợp đồng", "thứ 6 tuần sau gửi hợp đồng"."""
    rest = FOLLOW_UP_LEAD.sub("", folded_clause.lstrip(", +&"))
    if ACTION_VERB_START.match(rest):
        return True
    lead = re.match(r"(?:(?:and|then|also|va|roi|sau do|con|thi la|thi|voi lai|xong)\s+)*", rest)
    rest = rest[lead.end() if lead else 0 :]
    dates = find_dates(rest, ANY_DAY)
    if dates and dates[0].start == 0:
        after = _CLOCK_TIME.sub("", rest[dates[0].end :].lstrip(" ,:"), count=1).lstrip(" ,:")
        after = re.sub(r"^e\s+", "", after)  # "Mai 10h e qua phòng khám": after its day, "e" is the RM
        return bool(ACTION_VERB_START.match(after))
    return False


def task_kind(folded_clause: str) -> str | None:
    for kind, pattern in TASK_KINDS:
        if pattern.search(folded_clause):
            return kind
    return None


def fallback_kind(folded_clause: str) -> str | None:
    """An action with no specific object: "send" still means a document; anything else is "other"."""
    if re.search(r"\b(send|gui|share|forward)\b", folded_clause):
        return "send_document"
    return "other" if starts_with_action(folded_clause) else None


#: A day or an amount taken back and another given: "on Tuesday, no wait, Wednesday", "thứ 3 à nhầm thứ 4",
#: "vay tám trăm triệu à không, … bảy trăm rưỡi".
SELF_CORRECTION = re.compile(
    r"\b(?:no wait|wait no|no sorry|sorry|i mean|make that|actually|a nham|nham|a khong|khong phai)\b"
)
