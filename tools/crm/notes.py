"""The deterministic engine for meeting notes: free text in, structured log and tasks out.

It works with no model and is the fallback whenever a model's output is unusable.
Notes come terse or rambling, in English, Vietnamese (with or without
diacritics) or a mix. Everything is matched on an accent-folded, lower-cased
copy of the note, but every span kept (location, topic, due text) is cut
from the original, so what the RM confirms is what they wrote.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from prompts import load_prompt
from tools.core.language import detect_language
from tools.core.llm.models import span_in, structured_call
from tools.core.parsing import find_amounts, find_dates, spelled_phone, vietnamese_dates
from tools.core.text import fold, fold_chars, normalize_phone, normalize_text, without_quotes
from tools.crm.amounts import deal_amount
from tools.crm.followup_cues import (
    NOTHING_TO_DO,
    SELF_CORRECTION,
    fallback_kind,
    rm_cue,
    starts_with_action,
    task_kind,
)
from tools.crm.followups import FollowUpsNotReady, shipped_reader

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

# ----- vocabulary (accent-folded, lower case) ------------------------------------------------

_CHANNELS: list[tuple[str, re.Pattern[str]]] = [
    ("chat", re.compile(
        r"\b(zalo|whatsapp|viber|telegram|messenger|chat|texted|sms|nhan tin|inbox(ed)?|nhan(?=\s*:)|nhan zalo|"
        r"nhan (?:qua|wa)(?!\s*(?:e-?mail|mail|dien thoai|dt|phone|call))|ib)\b"
    )),
    ("email", re.compile(r"\b(e-?mails?|e-?mailed|mail(ed)?|thu dien tu)\b")),
    ("call", re.compile(
        r"\b(call(ed)?|phoned|rang|phone call|on the phone|goi dien|goi cho|dien thoai|cuoc goi|goi|dien cho|goi dt|dt cho|dt voi|dt vs|"
        r"video call|facetime|dien (?:o|ong|ba|anh|chi|a|c|e|b|cho)|by phone|over the phone|qua dien thoai|"
        r"dien(?=\s*:)|call received|call held|phone(?=\s*(?:[|;\n/]|$))|(?:whatsapp|zalo|viber|facetime) call|call (?:qua )?(?:zalo|whatsapp))\b"
    )),
    ("meeting", re.compile(
        r"\b(met|meet(ing)?|visit(ed)?|ran into|bumped into|lunch|dinner|coffee|cafe|ca phe|gap|hop|tham|ghe|tiep khach|tiep (?:anh|chi|ong|ba|a|c)|in person|"
        r"drinks?|breakfast|brunch|di an|an trua|an toi|an sang|uong|cf|swung by|dropped by|stopped by|popped by|walked|"
        r"den (?:van phong|chi nhanh|nha|cong ty|cty)|(?:come|came|comes) to|ra (?:chi nhanh|phong giao dich|quay|pgd)|"
        r"at (the|his|her|their) (office|branch|home|house))\b"
    )),
]  # fmt: skip

_PLACE_NOUNS = (
    r"coffee\s*(?:house|shop)|cafe|café|restaurant|hotel|office|branch|home|house|villa|apartment|club|mall|plaza|"
    r"tower|building|bar|lounge|company|factory|showroom|hospital|clinic|school|golf\s+club|golf\s+course|center|centre|"
    r"warehouse|plant|workshop|project\s+site|construction\s+site|site|store|shop|venue|market|industrial\s+park"
)
#: A place named by its kind and then its own name, in Vietnamese or English: "nhà máy Yên Phong", "kho Cát Lái",
#: "chi nhánh Quận 1", "bệnh viện Bạch Mai", "KCN VSIP 1", "showroom VinFast Long Biên", "Landmark 81".
_VI_PLACE_HEADS = (
    r"nha\s+may|xuong(?:\s+may)?|kho(?:\s+hang)?|cong\s+truong|khu\s+cong\s+nghiep|kcn|chi\s+nhanh|"
    r"phong\s+giao\s+dich|pgd|benh\s+vien|nha\s+hang|quan(?:\s+(?:ca\s*phe|cafe|an))?|toa\s+nha|trung\s+tam|"
    r"sieu\s+thi|cho|showroom|khach\s+san|resort|san\s+golf|cong\s+ty|cty|van\s+phong|du\s+an"
)
_PROPER_WORD = r"(?:[A-ZĐ0-9][\w'’&-]*|[a-z]?\d[\w'’]*)"
#: A company "of Mr Tuan" is his company, not a place called "Mr Tuan".
_NOT_A_PLACE_NAME = frozenset(
    {"mr", "mrs", "ms", "dr", "anh", "chị", "chi", "em", "ông", "ong", "bà", "ba", "a", "c", "e"}
)
_PLACE_HEAD = re.compile(rf"(?<![\w])(?:{_VI_PLACE_HEADS})\s+")
_PLACE_NAME = re.compile(rf"{_PROPER_WORD}(?:[ \t]+{_PROPER_WORD}){{0,5}}")  # one line: a name does not wrap
_LOCATION = re.compile(
    rf"\b(?:at|in|visited|visiting|toured|went to|dropped by|stopped by)\s+(?:a|an|the|his|her|their|our)?\s*(?P<place>(?:[\w'&-]+\s+){{0,3}}?(?:{_PLACE_NOUNS}))\b",
    re.IGNORECASE,
)
_PROPER_PLACE = re.compile(
    r"\b(?:at\s+(?P<en>(?!(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\b)"
    r"[A-ZĐ][\w'’&-]*(?:\s+(?:[A-ZĐ0-9][\w'’&-]*)){1,5})|(?:tại|ở|o)\s+(?P<vi>[A-ZĐ][\w'’&-]*"
    r"(?:\s+[A-ZĐ0-9][\w'’&-]*){0,5}))"
)
_VI_LOCATION = re.compile(
    r"\b(?:tai|o)\s+(?P<place>(?:quan\s+(?:ca\s*phe|cafe|an)|ca\s*phe|cafe|coffee|nha\s+hang|khach\s+san|van\s+phong|"
    r"chi\s+nhanh|nha\s+rieng|nha|biet\s+thu|cong\s+ty|phong\s+giao\s+dich|phong\s+kham|toa\s+nha|trung\s+tam(?:\s+thuong\s+mai)?|"
    r"san\s+golf|benh\s+vien|truong|sieu\s+thi|resort)(?:\s+(?!(?:va|de|noi|ve|ban|cua|anh|chi|em|ong|ba|roi)\b)\w+){0,3})"
    r"(?=[,.;!?]|\s+(?:va|de|noi|ve|ban|cua|anh|chi|em|ong|ba|roi)\b|$)"
)  # fmt: skip

#: Product kinds by their words, in the order that decides when several are named: a protection policy sold with a
#: loan is insurance; a term named by its length ("kỳ hạn 12 tháng", "12m TD") is a CD; a card named by its limit.
_PRODUCTS: list[tuple[str, re.Pattern[str]]] = [
    ("insurance", re.compile(
        r"\b(insurance|insurence|insurace|bao hiem|bh|policy|policies|life cover|health cover|nhan tho|life shield|"
        r"life sheild|life shied|stbh|"
        r"life protect|protection plan)\b"
    )),
    ("cd", re.compile(
        r"\b(cd|cds|certificate of deposit|chung chi tien gui|ccgt|term deposit|fixed deposit|(?<!the )td|fd|fds|co ky han|"
        r"ky han\s*\d+\s*(?:thang|th|t)?|\d+\s*(?:m|mth|mths|month)s?\s+(?:cd|td|fd|term)|tien gui ky han|"
        r"ky han (?:mot|hai|ba|bon|sau|chin|muoi|muoi hai|mười hai) thang|\d+[- ]?months? (?:fixed |term )?deposit|"
        r"fixed[- ]rate (?:\d+[- ]?months? )?deposit|so ky han|gui ky han|tgckh|tgck|tg co ky han|ckh|"
        r"\d+\s*-?\s*(?:months?|thang|th)\s+ky han)\b"
    )),
    ("card", re.compile(
        r"\b(credit card|debit card|card|crad|cards|visa|mastercard|jcb|amex|the tin dung|the ghi no|the atm|the visa|"
        r"the bi khoa|khoa the|mat the|the cua|mo the|han muc the|the platinum|the cashback|nang han muc the|card limit|limit the|"
        r"han muc the|debit|the debit|lounge|the td|the tin dung|quet the|the bi tu choi)\b"
    )),
    ("loan", re.compile(
        r"\b(loan|loans|mortgage|morgage|mortage|refinanc\w*|borrow\w*|credit line|line of credit|revolving line|"
        r"working capital|working cap|wc line|wc|overdraft|vay|khoan vay|the chap|(?<!the )tin dung|giai ngan|von luu dong|thau chi|"
        r"vld|hmtd|working captial|facility|facilities|"
        r"han muc vay)\b"
    )),
    ("investment", re.compile(
        r"\b(invest\w*|invets\w*|premier|fund|funds|bond|bonds|stock|stocks|equit\w*|portfolio|dau tu|quy|trai phieu|co phieu|"
        r"chung khoan|danh muc|quan ly tai san)\b"
    )),
    ("savings", re.compile(r"\b(savings?|savngs|savigns|flexi savings|(?<!initial )(?<!first )(?<!opening )deposit|tiet kiem|gui tien|so tiet kiem)\b")),
    ("casa", re.compile(
        r"\b(current account|current acct|current a/c|checking account|checking acct|payment account|payment acct|casa|"
        r"tk tt|tktt|tai khoan tt|"
        r"tai khoan thanh toan|tk thanh toan|payroll|"
        r"tra luong|tk luong|tai khoan luong|chi luong|current acc|tk cong ty|tai khoan cong ty)\b"
    )),
]  # fmt: skip

_POSITIVE = re.compile(
    r"\b(keen|interested|happy|pleased|excited|positive|love[sd]?|(?<!would )(?<!'d )(?<!’d )likes?(?! to)|liked|satisfied|great|eager|agreed|"
    r"on board|enthusiastic|thrilled|hai long|quan tam|thich|vui|vui ve|hao hung|dong y|ung|tich cuc|thien chi|"
    r"nhiet tinh|hung thu|san sang|an tuong|upbeat|stoked|delighted|glad|chuffed|optimistic|receptive|warm|"
    r"vui ra mat|ung y|ung lam|rat ung|man ma|phan khoi|hai long lam|pumped|psyched|over the moon|thrilled|cheerful|happy chap|hype|hyped|dzui|zui|hang hai|ok lam|oke lam|"
    r"vui lam|rat vui|phan khich|roi rit|cam on (?:\w+ )?(?:mai|nhieu lam|rat nhieu)|chirpy|in good spirits|in fine form|top spirits|high spirits|on lam|"
    r"ung ghe|thich lam|keen as|rapt|(?:very|really|so) into it|chipper|amazing|thanked (?:us|me|the bank)|co mo|coi mo|"
    r"tin minh hon|haha)\b|[👍😊😄😁🥰😍🔥🎉🤩]"
)
_NEGATIVE = re.compile(
    r"\b(unhappy|angry|upset|annoyed|frustrated|complain\w*|disappointed|negative|furious|worried|concerned|"
    r"dissatisfied|reluctant|declined|refused|khong hai long|buc|buc minh|phan nan|khieu nai|kho chiu|bummed|cross(?!-)|"
    r"miffed|irked|peeved|hoi phien|phien phuc|buc boi|ngan ngam|hoi nong|nong mat|nong nay|grumbl\w*|dissatisf\w*|irritat\w*|"
    r"tu choi|that vong|lo lang|chan|grumpy|irritated|fed up|unimpressed|sceptical|skeptical|hoi cau|cau gat|"
    r"cau lam|gian du|than phien|phien long|khong vui|bat binh|khong ung|bat man|none too happy|cau vi|kha cau|rat cau|"
    r"cau kinh|hoi buc|cranky|shitty|filthy|not impressed|sort it out|fix it|buc lam|sulky|sulking|sulked|huffy|"
    r"moody|pouty|testy|snippy|tetchy|shirty|gay gat|(?:kha|hoi|rat|viet) gat|unacceptable|doa (?:chuyen|dong)|"
    r"threaten\w* to (?:leave|move|close))\b|[😤😡😠🙄😞😒]"
)
_NEGATION = (
    r"(?:\b(?:not|no longer|never|khong(?! khi)|chua|chang|ko|k|(?<!chi )(?<!c )(?<!em )(?<!co )hong|cha|"
    r"no(?! (?:hoi|rat|kha|bi|lai|cung|van|dang|da|se|thi|noi|bao|hoai)))|n't)"
)
#: A mood said to be neither ("bình thường", "ko vui ko buồn", "fairly neutral"): it decides, whatever else is said.
_NEUTRAL = re.compile(
    r"\b(binh thuong|bt|neutral|neither|so-so|so so|tam tam|binh binh|khong vui (?:cung )?khong buon|ko vui ko buon|khong to ra|ko to ra|"
    r"khong the hien|ko the hien|no strong feelings|matter[- ]of[- ]fact|nothing more|no strong view|"
    # said to be undecided: "không rõ thích hay không", "chưa đồng ý cũng chưa từ chối", "bit hesitant"
    r"khong ro (?:la )?(?:\w+ )?(?:thich|ung|vui) hay khong|chua dong y cung chua tu choi|khong \w+ lam ma cung khong|"
    r"hesitant|undecided|on the fence|lukewarm|non-?committal|(?<!bo )phan van(?! hanh))\b"
)
#: Everyday words that fold to a mood word ("ứng dụng" ~ ưng, "giải thích" ~ thích, "thích hợp"): blanked first;
#: typed with its accents, "ứng" is never "ưng" ("cung ứng"), but without them "cung ung" is "cũng ưng".
_NOT_A_MOOD = re.compile(
    r"\b(?:giai thich|thich hop|ung dung|ung tien|ung vien|ung pho|ung xu|ung cu|ung truoc|dap ung|phan ung|tuong ung|"
    r"hieu ung|ung luong)\b"
)
#: Not wanting to leave is loyalty, not a complaint: "clearly not interested in moving", "không có ý định chuyển".
_STAYING = re.compile(
    r"\b(?:not|no longer|never)\s+(?:\w+\s+){0,2}?interested in (?:moving|switching|leaving|changing|going)\b|"
    r"\b(?:khong|ko|chua)\s+(?:co y\s+)?(?:dinh|muon)\s+chuyen\b"
)


def _shouted(text: str) -> bool:
    """A note typed in capitals ("GAP A BAO TAI VP. KH RAT HAO HUNG"): a capital says nothing about a word."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 10 and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _proper_nouns_blanked(mood_text: str, text: str) -> str:
    """Mood words typed with a capital inside a sentence are names ("PGD Lê Chân", "quán Vui"), not moods."""
    if _shouted(text):
        return mood_text
    for pattern in (_POSITIVE, _NEGATIVE):
        for word in pattern.finditer(mood_text):
            typed = text[word.start() : word.end()]
            before = text[: word.start()].rstrip(" \t")
            if typed[:1].isupper() and before and before[-1] not in ".!?:;\n-–•*>(\"“”'":
                mood_text = mood_text[: word.start()] + "_" * len(typed) + mood_text[word.end() :]
    return mood_text


#: Mood words that fold onto everyday words and are read only as typed: "rất hăng" (eager), not hàng / hãng.
_TYPED_POSITIVE = re.compile(r"(?i)(?<!\w)hăng(?!\w)")
#: A sentence that is only the verdict: "Positive.", "Neutral overall.", "Negative!" — it decides.
_MOOD_VERDICT = re.compile(
    r"(?:^|[.!?\n]\s*)(?P<mood>(?:positive|negative|neutral))(?:\s+overall)?\s*(?:[.!\n]|$)", re.I
)
#: A line that states the mood: "Mood: ưng", "Cảm xúc: hơi cáu", "Sentiment - keen".
_MOOD_LABEL = re.compile(r"(?:^|\n|[;/])\s*(?:mood|cam xuc|thai do|sentiment|tam trang)\s*[:\-–]\s*(?P<mood>[^\n/;]*)")
#: A negative word denied ("ko phàn nàn gì", "not worried", "no complaints"): not a complaint.
_NEGATED_NEGATIVE = re.compile(
    rf"{_NEGATION}\s+(?:\w+\s+){{0,2}}?(phan nan|lo lang|than phien|buc|complain\w*|worried|concerned|upset|annoyed)\b"
)
_NEGATED_POSITIVE = re.compile(
    rf"{_NEGATION}\s+(?:\w+\s+){{0,2}}?"
    r"(keen|interested|happy|pleased|satisfied|thrilled|impressed|excited|quan tam|hai long|thich|vui|ung|man ma)\b"
)

# Words that start an action item, and the task kind each implies.
_RECURRENCE = re.compile(
    r"\b(every|each|moi|hang)\s+(?P<days>[\w\s,]+?)(?=\s+(until|till|den khi|cho den khi)\b|[.,;]|$)"
)
_UNTIL = re.compile(r"\b(?:until|till|den khi|cho den khi)\s+(?P<cond>[^.;\n]+)")
_RRULE_DAYS = {
    "monday": "MO", "mon": "MO", "tuesday": "TU", "tue": "TU", "wednesday": "WE", "wed": "WE", "thursday": "TH",
    "thu": "TH", "friday": "FR", "fri": "FR", "saturday": "SA", "sat": "SA", "sunday": "SU", "sun": "SU",
    "thu 2": "MO", "thu hai": "MO", "thu 3": "TU", "thu ba": "TU", "thu 4": "WE", "thu tu": "WE", "thu 5": "TH",
    "thu nam": "TH", "thu 6": "FR", "thu sau": "FR", "thu 7": "SA", "thu bay": "SA", "chu nhat": "SU",
}  # fmt: skip
_TOPIC = re.compile(
    r"\b(?:talked about|talked through|discussed|discussing|about|regarding|re:|on the topic of|interested in|"
    r"asked about|enquired about|inquired about|wants?|looking for|ban ve|trao doi ve|noi ve|hoi ve|tu van|"
    r"quan tam den|quan tam|muon)\s+(?P<topic>(?:[^.;,!?\n]|[.,](?=\d)){3,80})"
)
_TOPIC_STOP = re.compile(
    r"\s+(?:which|that|who|for his|for her|for their|and|but|so|because|he|she|they|anh ay|chi ay|"
    r"khoang|tam|vi|nhung|va|de|cho)\b"
)
_HONORIFIC_NAME = re.compile(
    r"(?<![\w])(?:mr|mrs|ms|miss|dr|anh|chi|ong|ba|co|chu|bac|khach hang|kh|client)\.?\s*:?\s+"
    r"(?P<name>[a-z][a-z']*(?:\s+[a-z][a-z']*){0,3})"
)
_NAME_STOP = {
    "at", "in", "on", "and", "to", "for", "about", "with", "from", "today", "yesterday", "this", "that", "the",
    "o", "tai", "va", "ve", "de", "cho", "voi", "hom", "sang", "chieu", "toi", "nay", "qua", "da", "sdt", "so",
    "phone", "tel", "who", "he", "she", "his", "her", "is", "was", "seemed", "said", "noi", "muon", "can", "hoi",
    "ban", "trao", "goi", "gap", "re", "regarding", "luc", "sau", "vua", "moi", "rat", "co", "khong",
}  # fmt: skip
_PHONE = re.compile(r"(?<!\d)(?:\+?84[\s.-]?|0)\d{2,3}[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\d)")


@dataclass
class ExtractedTask:
    kind: str
    title: str
    due_on: dt.date | None
    due_text: str | None
    recurrence: str | None = None
    until_condition: str | None = None


@dataclass
class NoteExtraction:
    """What the note says, before it is matched to a client."""

    language: str
    client_name: str | None
    phone: str | None
    channel: str | None
    location: str | None
    topic: str | None
    product_category: str | None
    amount_vnd: int | None
    amount_text: str | None
    sentiment: str
    summary: str
    tasks: list[ExtractedTask] = field(default_factory=list)
    #: Fields the reading is unsure of (several amounts or product kinds named, moods both ways): the card marks
    #: them for the RM to check instead of filling them silently.
    uncertain: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON (ISO due dates): what a paused thread checkpoints."""
        data = {key: value for key, value in self.__dict__.items() if key != "tasks"}
        data["tasks"] = [
            {**task.__dict__, "due_on": task.due_on.isoformat() if task.due_on else None} for task in self.tasks
        ]
        return data


_ABBREVIATION = re.compile(r"\b(mr|mrs|ms|dr|st|no|vs|etc|e\.g|i\.e)\.$", re.IGNORECASE)


#: What an RM types to the assistant, not about the client: "Record this information on the CRM:", "log this -".
_COMMAND_PREFIX = re.compile(
    r"^\s*(?:(?:please|pls)\s+)?(?:record|log|save|note|ghi lai|ghi nhan|luu|cap nhat)\b[^:\n]{0,40}"
    r"(?:crm|this|these|note|lai|giup e|giup em|giup minh|thong tin)\b\s*[:\-–,.]*\s*"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LABELLED_PHONE = re.compile(
    r"(?:\b(?:s[đd]t|số điện thoại|so dien thoai|phone|tel|mobile|mob|đt|dt)\b\.?\s*:?\s*)?" + _PHONE.pattern,
    re.IGNORECASE,
)


def _without_contacts(text: str) -> str:
    """The text with phone numbers (and their label) and e-mail addresses blanked out, keeping every position."""
    for pattern in (_EMAIL, _LABELLED_PHONE):
        text = pattern.sub(lambda match: " " * len(match.group()), text)
    return text


def clean_summary(text: str) -> str:
    """The log's summary: the note without the command typed to the assistant and without phone numbers or e-mail
    addresses (they are the client's contact data, kept in the client record, not repeated in every log)."""
    folded = fold_chars(text)
    prefix = _COMMAND_PREFIX.match(folded)
    cleaned = text[prefix.end() :] if prefix else text
    cleaned = _without_contacts(cleaned)
    cleaned = re.sub(r"\(\s*\)|\[\s*\]", "", cleaned)
    cleaned = re.sub(r"[ \t]{2,}", " ", re.sub(r"\s+([,.;:])", r"\1", cleaned))
    return cleaned.strip(" ,;:-–")


def _named_place(text: str) -> str | None:
    """The first place written as its kind and its own name ("nhà máy Yên Phong", "kho Cát Lái", "chi nhánh Quận 1"),
    verbatim from the note: the kind is matched without diacritics, the name as the RM capitalized it."""
    folded = fold_chars(text)  # same length as the text: positions carry over
    for head in _PLACE_HEAD.finditer(folded):
        written = text[head.start() : head.end()].strip().lower()
        if (written == "cho" or written.startswith("quan")) and not written.startswith(("chợ", "quán")):
            continue  # "cho" (for) and "quận" (a district) are not "chợ" (a market) and "quán" (a café)
        name = _PLACE_NAME.match(text, head.end())
        if name is not None and name.group().split()[0].lower().strip(".") not in _NOT_A_PLACE_NAME:
            return text[head.start() : name.end()].strip(" ,.")
    return None


#: Where a place is introduced: a preposition, or a verb of going there ("ghé Phúc Long Đồng Khởi").
_PLACE_CUE = re.compile(
    r"(?:^|(?<=[\s,(]))(?:(?:at|in|@|tai|o|ghe|xuong|ra|den|toi|visited|visiting|toured|walked|swung by|"
    r"dropped by|stopped by|popped by|dropped in on(?: [\w.]+){1,3} at|cafe|cf|coffee|ca phe)\s+|"
    r"(?:gap|dia diem|location|venue|noi gap|met at|meeting at|where|place)\s*:\s*)"
)
#: Words that end a place's name: a companion, a purpose, a time, a person, a verb of what happened next.
_PLACE_STOP = frozenset(
    [
        "tai",
        "xong",
        "mo",
        "at",
        "tham",
        "gan",
        "tat",
        "du",
        "ngoi",
        "rut",
        "nop",
        "o",
        "last",
        "night",
        "morning",
        "afternoon",
        "evening",
        "yesterday",
        "with",
        "w",
        "vs",
        "voi",
        "cung",
        "cua",
        "to",
        "for",
        "de",
        "and",
        "va",
        "about",
        "ve",
        "re",
        "regarding",
        "hoi",
        "noi",
        "thi",
        "luc",
        "because",
        "vi",
        "roi",
        "khi",
        "sau",
        "truoc",
        "anh",
        "chi",
        "em",
        "ong",
        "ba",
        "a",
        "c",
        "e",
        "mr",
        "mrs",
        "ms",
        "mdm",
        "dr",
        "him",
        "her",
        "them",
        "he",
        "she",
        "they",
        "we",
        "i",
        "today",
        "tonight",
        "chieu",
        "sang",
        "trua",
        "toi",
        "toi",
        "nay",
        "nay",
        "this",
        "that",
        "who",
        "which",
        "where",
        "when",
        "while",
        "as",
        "after",
        "before",
        "since",
        "until",
        "yesterday",
        "tomorrow",
        "mai",
        "hnay",
        "review",
        "discuss",
        "discussed",
        "talk",
        "talked",
        "ban",
        "bao",
        "gui",
        "goi",
        "uong",
        "an",
        "ky",
        "lam",
        "xem",
        "dua",
        "gap",
        "met",
        "meet",
        "meeting",
        "lunch",
        "dinner",
        "drinks",
        "nhan",
        "chat",
        "tu",
        "van",
        "pitch",
        "went",
        "qua",
        "sang",
        "xuong",
        "to",
        "from",
        "so",
        "but",
        "nhung",
        "ma",
        "la",
        "thay",
        "duoc",
    ]
)
#: Place cues as typed with other diacritics: other words ("tái" renew, "tối" evening, "ô" Mr, "đèn").
_CUES_TYPED_OTHERWISE = frozenset({"tái", "tải", "tài", "ô", "ồ", "ố", "tối", "tội", "đèn", "đen", "xương"})
#: Cities and provinces: where someone travelled, not a meeting place ("ra Hà Nội dự đám cưới").
_CITIES = frozenset({
    "ha noi", "hanoi", "sai gon", "saigon", "hcm", "tp hcm", "ho chi minh", "da nang", "hai phong", "can tho",
    "bac ninh", "binh duong", "dong nai", "nha trang", "da lat", "hue", "vung tau", "quang ninh", "singapore",
})  # fmt: skip
#: Words that make a phrase a place: its kind in either language, or a chain's name.
_PLACE_WORD = re.compile(
    rf"\b(?:{_PLACE_NOUNS}|{_VI_PLACE_HEADS}|cafe|ca phe|caphe|coffee|cf|cn|pgd|highlands|starbucks|phuc long|cong ca phe|"
    r"the coffee house|pizza|vincom|aeon|lotte|landmark|times city|royal city|bitexco|sheraton|marriott|metropole|"
    r"sofitel|intercontinental|hilton|hyatt|park hyatt|saigon centre|campus|hospital|benh vien|cho|kcn|khu)\b"
)
#: Titles that start a person's name, never a place's ("cty Mr Tuan" is his company; "Vincom Bà Triệu" a street).
_PERSON_TITLES = frozenset({"mr", "mrs", "ms", "mdm", "dr", "miss", "madam"})
#: Stop words that are also a place's kind when they come first ("tại xưởng Hòa Khánh": a workshop).
_PLACE_KIND_FIRST = frozenset({"xuong", "toi", "ra"})
#: A phrase that is only these words is no particular place ("his office", "the bank", "nhà", "quán cà phê").
_GENERIC_PLACE_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "our",
        "my",
        "its",
        "your",
        "this",
        "that",
        "office",
        "branch",
        "bank",
        "other",
        "khac",
        "ngan",
        "hang",
        "home",
        "house",
        "place",
        "apartment",
        "flat",
        "company",
        "cong",
        "ty",
        "cty",
        "van",
        "phong",
        "nha",
        "rieng",
        "chi",
        "nhanh",
        "ngan",
        "hang",
        "quan",
        "ca",
        "phe",
        "cafe",
        "coffee",
        "shop",
        "restaurant",
        "nha",
        "hang",
        "site",
        "factory",
        "warehouse",
        "xuong",
        "kho",
        "khach",
        "hang",
        "kh",
        "client",
        "store",
        "shop",
        "mall",
        "hotel",
        "there",
        "here",
        "do",
        "day",
        "person",
        "phone",
        "zalo",
    ]
)
_NOT_A_PLACE_START = re.compile(
    r"^(?:\d+\s*(?:days?|weeks?|months?|years?|ngay|tuan|thang|nam|h|pm|am|gio|phut)\b|person|total|full|"
    r"(?:mon|tue|wed|thu|fri|sat|sun)\w*\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\b|"
    r"(?:the )?(?:morning|afternoon|evening|end|meantime|future|past|addition|case|fact|time|terms?|cash)\b|"
    r"t[2-7]\b|thu\s*\d|cuoi|dau|giua|khoang|tam|around|about|roughly|approx\w*|c\.\s*\d|least|most|best|worst|\d)"
)


def _place_phrase(text: str) -> str | None:
    """The first place the note names after a place cue, verbatim, when it is a particular place.

    Its words run until a stop word, punctuation or seven words; it counts when it has a word of its own
    (not only "his office", "nhà", "quán cà phê"), and when a brand's or street's name follows its kind
    ("highlands ninh kieu", "the Long Chau pharmacy on Kim Ma") it keeps it.
    """
    folded = fold_chars(text).lower()
    found: list[tuple[bool, str]] = []
    for cue in _PLACE_CUE.finditer(folded):
        if folded[cue.start() : cue.start() + 2] == "o " and text[cue.start()] in "ôÔ":
            continue  # "ô Thắng" (Mr Thắng), not "ở" (at)
        if (
            folded[cue.start() : cue.start() + 2] == "o "
            and text[cue.start()] in "oO"
            and re.search(r"\b(?:gap|voi|vs|cho|hen|goi|cung|w/?)\s*$", folded[max(0, cue.start() - 6) : cue.start()])
            and text[cue.end() : cue.end() + 1].isupper()
        ):
            continue  # "gap o Phuc" typed without accents: met ông Phúc, not "at Phuc"
        start = cue.end()
        if re.search(
            r"\b(?:annoyed|upset|angry|mad|frustrated|pleased|happy|surprised|shocked|good|bad|looked|looking|"
            r"laughed|aimed|arrive[ds]?|arriving)\s*$",
            folded[max(0, cue.start() - 12) : cue.start()],
        ):
            continue  # "annoyed at Q2 underperformance": not where they met
        written_first = text[start : start + 2]
        typed_cue = text[cue.start() : cue.end()].strip().lower()
        if folded[cue.start() : cue.end()].strip() == "@":
            typed_cue = "@"
        if typed_cue in _CUES_TYPED_OTHERWISE:
            continue  # "tái tục" is not "tại", "tối" not "tới", "Cà Phê" inside a café's own name
        if typed_cue == "xưởng":
            start = cue.start()  # "xưởng gỗ Đồng Kỵ": a workshop is the place's kind, not "xuống" (went down to)
        if cue.group().strip() in {"cafe", "cf", "coffee", "ca phe"} and not text[cue.start() : cue.end()].islower():
            continue  # "The Coffee House": inside a café's own name
        if _NOT_A_PLACE_START.match(folded[start:]):
            continue
        words = list(re.finditer(r"[^\s,.;:!?()|]+", folded[start : start + 120]))
        taken: list[re.Match[str]] = []
        for word in words:
            if taken and folded[start + taken[-1].end() : start + word.start()].strip(" \t"):
                break  # punctuation or a new line between them
            if word.group() == "&" and taken and text[start + word.end() + 1 : start + word.end() + 2].isupper():
                taken.append(word)  # "Tranquil Books & Coffee"
                continue
            if not re.search(r"\w", word.group()):
                break  # "Landmark 81 - wants…"
            bare = word.group().strip("'’\"")
            following = words[words.index(word) + 1].group() if word is not words[-1] else ""
            written = text[start + word.start() : start + word.end()]
            part_of_name = (
                (taken and written[:1].isupper() and bare not in _PERSON_TITLES)  # "chợ Quảng Bá", "on Kim Ma"
                or (bare == "xuong" and taken and taken[-1].group() == "nha")  # nhà xưởng (a factory)
                or (bare == "chi" and following == "nhanh")  # chi nhánh (a branch), not chị
                or (bare == "on" and taken)  # "The Coffee House on Le Loi"
                or (  # "La Badiane", "Le Petit Bistro": a capitalized first word of a name that goes on
                    not taken
                    and written[:1].isupper()
                    and bare not in _PERSON_TITLES
                    and text[start + word.end() + 1 : start + word.end() + 2].isupper()
                )
            )
            if bare.rstrip("/") in _PLACE_STOP and not part_of_name and not (not taken and bare in _PLACE_KIND_FIRST):
                break
            if bare == "hom" and following in {"nay", "qua", "truoc", "kia"}:
                break  # hôm nay / hôm qua: a time, not "Sao Hôm"
            taken.append(word)
            name_goes_on = following[:1].isalnum() and text[start + word.end() + 1 : start + word.end() + 2].isupper()
            if len(taken) >= 7 and not (name_goes_on and len(taken) < 10):
                break  # a place runs seven words, or on to ten while its own name goes on ("… Buffet Lê Thánh Tôn")
        while taken and taken[-1].group() in {"on", "the", "at", "of"}:
            taken.pop()
        if not taken:
            continue
        phrase_folded = folded[start : start + taken[-1].end()]
        own = [w for w in re.findall(r"[a-z0-9'’&]+", phrase_folded) if w not in _GENERIC_PLACE_WORDS]
        if not own or all(w in _PLACE_STOP or w in _NOT_A_PLACE_NAME for w in own):
            continue
        if len(own) == 1 and own[0].isdigit() and not _PLACE_WORD.search(phrase_folded):
            continue  # "in 3": a number; "chi nhánh Quận 1" is a branch
        if phrase_folded.strip() in _CITIES:
            continue  # "ra Hà Nội dự đám cưới": the trip, not where they met
        place = re.sub(r"^(?:the|a|an|tận|tan)\s+", "", text[start : start + taken[-1].end()].strip(" ,."))
        place = re.sub(r"^(?:cf|cafe|café|cà phê|ca phe|coffee)\s+(?=[A-ZĐ])", "", place)  # "cf Cộng Cà Phê …"
        if cue.group().strip() in {"cafe", "cf", "coffee", "ca phe"} and not written_first[:1].isupper():
            continue  # "cafe với anh": a coffee, not a café's name
        found.append((bool(_PLACE_WORD.search(phrase_folded)), place))
    # The first place named as a place ("nhà máy Quế Võ", "Highlands …") over a bare name read after "ở" ("o Thang").
    return next((place for is_place, place in found if is_place), found[0][1] if found else None)


#: A product named only to be set aside: "not for him", "ông không thích mấy cái quỹ", "someday, nothing concrete".
_SET_ASIDE = re.compile(
    r"(?:not for (?:him|her|them)|nothing concrete|someday|some day|maybe later|not now|"
    r"(?:khong|ko|k|chua) (?:thich|can|quan tam|muon)(?: \w+){0,3}$)"
)


def _product_counts(folded: str) -> dict[str, int]:
    """How often each product kind is named (a product named only to be set aside does not count)."""
    counts: dict[str, int] = {}
    for name, pattern in _PRODUCTS:
        for match in pattern.finditer(folded):
            before = folded[max(0, match.start() - 40) : match.start()]
            after = folded[match.end() : match.end() + 40]
            if _SET_ASIDE.search(before) or re.match(
                r"[^.;]*?(?:not for (?:him|her|them)|nothing concrete|someday)", after
            ):
                continue
            counts[name] = counts.get(name, 0) + 1
    return counts


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: a full stop after "Mr" or inside "1.5" does not end a sentence."""
    spans, start = [], 0
    for match in re.finditer(r"[.;!?\n]", text):
        end = match.end()
        if match.group() == "." and (
            _ABBREVIATION.search(text[start:end])
            or (end < len(text) and text[end].isdigit() and match.start() > 0 and text[match.start() - 1].isdigit())
        ):
            continue
        spans.append((start, match.start()))
        start = end
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clauses(text: str) -> list[tuple[int, int]]:
    """Sentence and clause boundaries (spans into ``text``); an "and" that starts a new action splits too."""
    spans: list[tuple[int, int]] = []
    for start, end in _sentences(text):
        folded = fold_chars(text[start:end])
        cuts = [start]
        for joint in re.finditer(
            r"(?:,\s*|\s+)(?:and|then|also|va|roi|sau do|con|thi la|thi|voi lai|xong)\s+|,\s*|\s*[+&]\s*|\s+[-–•]\s+",
            folded,
        ):
            if starts_with_action(folded[joint.start() :]):
                cuts.append(start + joint.start())
        cuts.append(end)
        spans.extend((a, b) for a, b in itertools.pairwise(cuts) if text[a:b].strip(" ,"))
    return spans


def _is_action(
    folded_clause: str, *, has_date: bool, after_action: bool, vietnamese: bool, opening: bool = False
) -> bool:
    """A follow-up, not the story: a cue ("need to", "cần", "nhớ"), or an action verb with a date or after an action.

    "Gặp anh Minh ở quán cà phê" opening a note is the meeting itself, not a task.
    """
    if NOTHING_TO_DO.search(folded_clause):
        return False
    if rm_cue(folded_clause, vietnamese=vietnamese) or _recurrence(folded_clause)[0] is not None:
        return True
    if opening:  # the note's first clause is what happened ("Email from Son Pham…"), unless it says otherwise
        return False
    return starts_with_action(folded_clause) and (has_date or after_action)


def _recurrence(folded_clause: str) -> tuple[str | None, str | None]:
    match = _RECURRENCE.search(folded_clause)
    if not match:
        return None, None
    days_text = match.group("days")
    days = []
    for name, code in sorted(_RRULE_DAYS.items(), key=lambda item: -len(item[0])):
        if re.search(rf"\b{name}\b", days_text) and code not in days:
            days.append(code)
            days_text = re.sub(rf"\b{name}\b", " ", days_text)
    order = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
    if days:
        rule = "FREQ=WEEKLY;BYDAY=" + ",".join(sorted(days, key=order.index))
    elif re.search(r"\b(day|ngay)\b", match.group("days")):
        rule = "FREQ=DAILY"
    elif re.search(r"\b(week|tuan)\b", match.group("days")):
        rule = "FREQ=WEEKLY"
    elif re.search(r"\b(month|thang)\b", match.group("days")):
        rule = "FREQ=MONTHLY"
    else:
        return None, None
    until = _UNTIL.search(folded_clause)
    return rule, (until.group("cond").strip() if until else None)


def _task_title(clause: str, kind: str, due_text: str | None, *, recurring: bool = False) -> str:
    title = clause.strip(" ,")
    if due_text and not recurring:
        title = re.sub(
            r"\s*\b(?:by|on|before|vao|truoc|trước|vào)?\s*" + re.escape(due_text) + r"\b", "", title, flags=re.I
        )
    lead = re.compile(
        r"^(?:and|then|also|và|va|rồi|roi|sau đó|sau do|i|we|em|mình|minh|tôi|toi|remind me to|remember to|"
        r"need to|have to|must|will|should|cần|can|phải|phai|sẽ|se|nhớ|nho)\s+",
        re.IGNORECASE,
    )
    title = title.strip()
    taken_back = _ENDS_CORRECTED.search(fold_chars(title).lower())
    if taken_back is not None and len(fold_chars(title)) == len(title):
        title = title[: taken_back.start()]  # "Call her, no wait": the correction is not part of what to do
    while lead.match(title):
        title = lead.sub("", title, count=1)
    title = title.strip(" ,")
    return (title[:1].upper() + title[1:]) if title else kind.replace("_", " ").capitalize()


#: Words after an honorific that are pronouns, not names: "anh ấy", "chị ta", "ông đó".
_PRONOUN_AFTER_HONORIFIC = frozenset({"ay", "ta", "do", "kia", "nay", "oi"})


def _client_name(folded: str, text: str) -> str | None:
    """The name after the first honorific; in a note typed with capitals, only the capitalized words of it
    ("chị Oan gửi email" is Oan, "anh ấy" is nobody)."""
    cased = any(ch.isupper() for ch in text) and len(text) == len(folded)
    position = 0
    while (match := _HONORIFIC_NAME.search(folded, position)) is not None:
        position = match.start("name")  # "ghi chú cho anh Bảo": "chú" took no name, "anh" may still take one
        words: list[str] = []
        offset = match.start("name")
        for word in match.group("name").split():
            at = folded.find(word, offset)
            offset = at + len(word)
            if word in _NAME_STOP or (not words and word in _PRONOUN_AFTER_HONORIFIC):
                break
            if cased and not text[at : at + 1].isupper():
                break
            if word.endswith("'s"):  # "Mr. Son's loan": the name ends at the possessive
                words.append(word[:-2])
                break
            words.append(word)
        if words:
            start = match.start("name")
            length = len(" ".join(words))
            original = text[start : start + length].removesuffix("'s").removesuffix("’s")
            # Keep the RM's own spelling (diacritics included) when the folded copy lines up with the original.
            return original if fold(original) == " ".join(words) else " ".join(words).title()
    return None


def _first_channel(folded: str, original: str) -> str | None:
    """The channel named first in the story ("met … then he called" was a meeting)."""
    if re.search(r"\b(?:video call|call video|goi video|facetime)\b", folded):
        return "call"  # a video call on Zalo or WhatsApp is a call, not a chat
    folded = re.sub(r"\b(?:so dien thoai|sdt|so dt)\b", lambda m: " " * len(m.group()), folded)  # a number, not a call
    hits = [(match.start(), name) for name, pattern in _CHANNELS if (match := pattern.search(folded))]
    if re.search(r"\bnhắn\b", original, re.IGNORECASE):  # "nhắn" (message); folded "nhan" is also "nhận"
        hits.append((folded.find("nhan"), "chat"))
    if (whatsapp := re.search(r"\bWA\b", original)) and len(original) == len(folded):  # WhatsApp; "wa" is "quá"
        hits.append((whatsapp.start(), "chat"))
    return min(hits)[1] if hits else None


def _rule_tasks(
    text: str, folded: str, today: dt.date, language: str
) -> tuple[list[ExtractedTask], list[tuple[int, int]]]:
    """The rules' follow-ups, clause by clause, and the clauses that are the story (the fallback reader)."""
    tasks: list[ExtractedTask] = []
    story: list[tuple[int, int]] = []
    after_action = False
    vietnamese = vietnamese_dates(text)
    clauses = _clauses(text)
    for index, (start, end) in enumerate(clauses):
        clause = text[start:end]
        folded_clause = folded[start:end]
        dates = find_dates(clause, today, vietnamese=vietnamese)
        action = _is_action(
            folded_clause,
            has_date=bool(dates),
            after_action=after_action,
            vietnamese=language == "vi",
            opening=index == 0 and len(clauses) > 1,
        )
        kind = (task_kind(folded_clause) or fallback_kind(folded_clause)) if action else None
        after_action = kind is not None
        if kind is None:
            story.append((start, end))
            continue
        tasks.append(_task(clause, folded_clause, kind, dates))
    return tasks, story


#: A day that heads a list of follow-ups on its line: "Thứ 3: gửi HĐ + gọi kế toán", "Mon - send X, call Y".
_DAY_HEADING = re.compile(r"(?:^|[.;]\s*)(?P<day>[^.;:\n]{1,20}?)\s*:")
#: A follow-up given the day of the one before it.
_SAME_DAY = re.compile(
    r"\b(?:same\s+day|at\s+the\s+same\s+time|cung\s+ngay|cung\s+luc|luon\s+hom\s+do|(?:gui\s+)?kem|dinh\s+kem|"
    r"attach(?:ed|ing)?|along\s+with\s+it|with\s+it)\b"
)
#: A follow-up's words that end with a correction: "call her Wednesday, no wait".
_ENDS_CORRECTED = re.compile(rf"[\s,.;:–-]*(?:{SELF_CORRECTION.pattern})\W*$")


#: A period, not a day ("next week", "tuần sau", "tháng sau"): the follow-up has no due date for the RM to trust;
#: the card asks for one.
_VAGUE_PERIODS = frozenset({"next_week", "next_month"})


def _task(clause: str, folded_clause: str, kind: str, dates: list[Any]) -> ExtractedTask:
    rule, until = _recurrence(folded_clause)
    due = dates[0] if dates else None
    for earlier, later in itertools.pairwise(dates):
        if SELF_CORRECTION.search(folded_clause[earlier.end : later.start].lower()):
            due = later  # the day said after the correction stands
    for taken_back in dates:
        if taken_back is not due and rule is None:  # "call her on Friday, no wait, Thursday": Friday is no title
            clause = _task_title(clause, kind, taken_back.text)
    vague = due is not None and due.kind in _VAGUE_PERIODS
    return ExtractedTask(
        kind=kind,
        title=_task_title(clause, kind, due.text if due else None, recurring=rule is not None),
        due_on=due.date if due and not vague else None,
        due_text=due.text if due else None,
        recurrence=rule,
        until_condition=until,
    )


def _learned_tasks(text: str, folded: str, today: dt.date) -> tuple[list[ExtractedTask], list[tuple[int, int]]] | None:
    """The learned reader's follow-ups and story (runs of pieces it tagged as story); None without its weights."""
    try:
        reader = shipped_reader()
    except FollowUpsNotReady as error:
        logger.warning("%s; the rules read the follow-ups", error)
        return None
    spans, cut, labels = reader.read(text)
    vietnamese = vietnamese_dates(text)
    tasks: list[ExtractedTask] = []
    previous_dates: list[Any] = []
    previous_end = 0
    for span in spans:
        clause, folded_clause = text[span.start : span.end], folded[span.start : span.end]
        if NOTHING_TO_DO.search(folded_clause):
            continue
        dates = find_dates(clause, today, vietnamese=vietnamese)
        if not dates:  # "Thứ 3: gửi HĐ chi lương + gọi kế toán": the day heading the list is each one's day
            line = text[max(0, text.rfind("\n", 0, span.start) + 1) : span.start]
            for head in reversed(list(_DAY_HEADING.finditer(line))):
                dates = find_dates(head.group("day"), today, vietnamese=vietnamese)
                if dates:
                    break
        after = folded[span.end : span.end + 40].lower()
        correction = SELF_CORRECTION.match(after.lstrip(" ,-–"))
        ends_corrected = _ENDS_CORRECTED.search(folded_clause.lower())
        if correction is not None or (ends_corrected is not None and dates and dates[-1].end <= ends_corrected.start()):
            offset = (
                span.end + (len(after) - len(after.lstrip(" ,-–"))) + correction.end()
                if correction is not None
                else span.end  # "call her Wednesday, no wait": the correction ended the follow-up's own words
            )
            corrected = find_dates(text[offset : offset + 45], today, vietnamese=vietnamese)
            between = folded[offset : offset + corrected[0].start].lower() if corrected else ""
            # "call her Wednesday, no wait, she's travelling, make it Thursday": a few words, no new action, then the day
            if corrected and len(between.split()) <= 5 and not task_kind(between) and not starts_with_action(between):
                for taken_back in dates:  # "on Tuesday, no wait, Wednesday": the day after the correction
                    clause = _task_title(clause, span.kind, taken_back.text)
                dates = [corrected[0]]
        if not dates and _SAME_DAY.search(folded_clause.lower()):
            dates = previous_dates  # "ring him on Monday and send the form the same day"
        if span.kind == "other" and not dates:
            continue  # no action of a known kind and no day: the reader's guess is a story clause, not a task
        lowered = folded_clause.lower()
        restated = dates and tasks and not task_kind(lowered) and not starts_with_action(lowered)
        gap = folded[previous_end : span.start].lower()
        if restated and (
            SELF_CORRECTION.search(gap) or re.match(r"\s*(?:make (?:it|that)|doi (?:sang|thanh))\b", lowered)
        ):
            # "call her Wednesday, no wait, she's travelling, make it Thursday": the day of the one before, corrected
            earlier = tasks[-1]
            tasks[-1] = dataclasses.replace(
                earlier,
                title=_task_title(earlier.title, earlier.kind, earlier.due_text),
                due_on=dates[-1].date,
                due_text=dates[-1].text,
            )
            previous_end = span.end
            continue
        tasks.append(_task(clause, folded_clause, span.kind, dates))
        previous_dates = dates[-1:]
        previous_end = span.end
    story: list[tuple[int, int]] = []
    for (piece, label), previous in zip(zip(cut, labels, strict=True), [None, *labels[:-1]], strict=True):
        if label != "O":
            continue
        if previous == "O" and story:  # a run of story pieces is one span of the note, as written
            story[-1] = (story[-1][0], piece.end)
        else:
            story.append((piece.start, piece.end))
    return tasks, story


def extract_note(note: str, today: dt.date) -> NoteExtraction:
    """Read a note the way a careful assistant would, with rules only."""
    text = normalize_text(note).strip()  # spans are positions in the NFC text, whatever the keyboard sent
    folded = fold_chars(text)
    language = detect_language(text)

    phone = None
    for match in _PHONE.finditer(text):
        phone = normalize_phone(match.group(0))
        if phone:
            break
    phone = phone or spelled_phone(folded.lower())

    learned = _learned_tasks(text, folded, today)
    if learned is not None:
        tasks, story_spans = learned
    else:
        tasks, story_spans = _rule_tasks(text, folded, today, language)
    narrative = [folded[a:b] for a, b in story_spans]

    story = " ".join(narrative) or folded
    location = _place_phrase(text)
    label = re.search(r"\b(?:met at|meeting at|kenh|channel|via)\s*:\s*(?P<value>[^|\n;]*)", folded.lower())
    labelled_channel = _first_channel(label.group("value"), label.group("value")) if label else None
    if labelled_channel not in (None, "meeting") and location:
        location = None  # "Met at: WhatsApp" / "Met at: phone call" names the channel, not a place
    if location and re.fullmatch(r"(?i)n/?a|none|-+|tbc|tbd", location.strip()):
        location = None
    # The story's own channel; else a place they were at means in person ("Mr Son @ Starbucks"); else any mention.
    outside = without_quotes(folded)
    # A pasted message, then the RM's line ("… - c Tâm nhắn", "… (email c Oanh sáng nay)"): the RM says the channel
    quoted_channel = None
    if outside != folded:
        told = " ".join(outside[a:b] for a, b in story_spans) or outside
        # "… — nhắn zalo sáng nay. E gọi lại cho ông liền": the call or visit that followed the message is the talk
        direct = [
            (m.start(), name)
            for name, pattern in _CHANNELS
            if name in ("call", "meeting") and (m := pattern.search(told))
        ]
        quoted_channel = min(direct)[1] if direct else _first_channel(told, without_quotes(text))
    channel = (
        labelled_channel
        or quoted_channel
        or _first_channel(story, text)
        or ("meeting" if location else None)
        or _first_channel(folded, text)
    )

    location_match = _LOCATION.search(text) or _VI_LOCATION.search(folded)
    named = _named_place(text)
    if location is not None:
        pass
    elif named is not None:  # a place's kind and its own name is the most specific reading
        location = named
    elif location_match:
        start, end = location_match.span("place")
        location = text[start:end].strip(" ,.")
    elif proper := _PROPER_PLACE.search(text):
        location = (proper.group("en") or proper.group("vi")).strip(" ,.")
    if channel not in (None, "meeting"):
        location = None  # a place is logged where they met; on a call it is only where the client was, or a topic
    topic = None
    topic_match = _TOPIC.search(folded)
    if topic_match:
        start = topic_match.start("topic")
        stop = _TOPIC_STOP.search(folded, start)
        end = min(stop.start() if stop else topic_match.end("topic"), topic_match.end("topic"))
        topic = text[start:end].strip(" ,.") or None
    mentions = _product_counts(folded)
    product = next(
        (name for name, pattern in _PRODUCTS if pattern.search(topic_match.group("topic") if topic_match else "")), None
    )
    if product not in mentions:  # the topic's product, unless it was named only to be set aside
        order = [name for name, _ in _PRODUCTS]
        product = max(mentions, key=lambda name: (mentions[name], -order.index(name))) if mentions else None

    amounts = find_amounts(text)
    amount, amount_sure = deal_amount(text, folded, amounts)

    sentiment = "neutral"
    mood_line = _MOOD_LABEL.search(folded) or _MOOD_VERDICT.search(folded)
    mood_text = mood_line.group("mood") if mood_line else folded  # "Mood: ok" / "Cảm xúc: …" says it outright
    if not mood_line and len(text) == len(folded):
        for typed in re.finditer(r"(?<!\w)[ứỨ]ng(?!\w)", text):
            mood_text = mood_text[: typed.start()] + "___" + mood_text[typed.end() :]
    mood_text = _NOT_A_MOOD.sub(lambda word: "_" * len(word.group()), mood_text)
    if not mood_line and len(text) == len(folded):
        mood_text = _proper_nouns_blanked(mood_text, text)
    positive = len(_POSITIVE.findall(mood_text)) - len(_NEGATED_POSITIVE.findall(mood_text))
    if not mood_line:
        positive += len(_TYPED_POSITIVE.findall(text))
    negative = (
        len(_NEGATIVE.findall(mood_text))
        + len(_NEGATED_POSITIVE.findall(mood_text))
        - len(_NEGATED_NEGATIVE.findall(mood_text))
    )
    negative -= len(_STAYING.findall(mood_text))
    if _NEUTRAL.search(mood_text) or (mood_line and re.fullmatch(r"\W*(?:ok|okay|-|n/a|normal)?\W*", mood_text)):
        positive = negative = 0  # "giọng bình thường, ko phàn nàn gì": said to be neither
    if negative > 0 and negative >= positive:
        sentiment = "negative"
    elif positive > 0:
        sentiment = "positive"

    uncertain = []
    if not amount_sure:
        uncertain.append("amount_vnd")
    if len({name for name, pattern in _PRODUCTS if pattern.search(folded)}) > 1:
        uncertain.append("product_category")
    if positive > 0 and negative > 0:
        uncertain.append("sentiment")

    contactless = _without_contacts(text)  # same length: the clause spans still apply
    summary = " ".join(contactless[a:b].strip(" ,") for a, b in story_spans).rstrip(" .")
    summary = clean_summary(summary) or clean_summary(text) or text
    return NoteExtraction(
        language=language,
        client_name=_client_name(folded, text),
        phone=phone,
        channel=channel,
        location=location,
        topic=topic,
        product_category=product,
        amount_vnd=amount.value_vnd if amount else None,
        amount_text=amount.text if amount else None,
        sentiment=sentiment,
        summary=summary[:1000],
        tasks=tasks,
        uncertain=uncertain,
    )


# ----- the model's reading, merged into the rules' -------------------------------------------


class TaskSpans(BaseModel):
    """A follow-up as the model copied it from the note."""

    kind: Literal["call", "email", "send_document", "meeting", "review", "other"]
    title: str = Field(description="what to do, in the note's words")
    due_text: str | None = Field(default=None, description="the date words copied verbatim, e.g. 'next Wednesday'")


class NoteSpans(BaseModel):
    """The model's reading of a note: verbatim spans only; code converts amounts and dates."""

    client_name: str | None = None
    phone: str | None = None
    channel: Literal["meeting", "call", "email", "chat"] | None = None
    location_text: str | None = None
    topic: str | None = None
    product_category: Literal["casa", "savings", "cd", "loan", "card", "investment", "insurance"] | None = None
    amount_text: str | None = Field(default=None, description="the amount copied verbatim, e.g. '800m vnd'")
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    tasks: list[TaskSpans] = Field(default_factory=list)


def merge_model_spans(spans: NoteSpans, note: str, rules: NoteExtraction, today: dt.date) -> NoteExtraction:
    """The rules' reading, with gaps filled from the model's verbatim spans (converted by code).

    The model fills in; it does not overrule: a small model turns the meeting itself into a task
    and misreads channels, so a field the rules found stays; the mood is always the rules'. A span that is not in the note is a
    hallucination and is dropped; a model task needs a due date copied from the note, in the future,
    on a day no rule-found task already has (the model tends to restate those under another kind).
    """

    def verbatim(value: str | None) -> str | None:
        return value if value and span_in(note, value) else None

    amount_text = verbatim(spans.amount_text)
    amounts = find_amounts(amount_text) if amount_text else []
    covered = {task.due_on for task in rules.tasks}  # the model names the same follow-up with another kind
    extra: list[ExtractedTask] = []
    for task in spans.tasks:
        due_text = verbatim(task.due_text)
        due_dates = find_dates(due_text, today) if due_text else []
        due_on = due_dates[0].date if due_dates else None
        if due_on is None or due_on <= today or due_on in covered:
            continue
        covered.add(due_on)
        extra.append(
            ExtractedTask(kind=task.kind, title=task.title.strip() or task.kind, due_on=due_on, due_text=due_text)
        )
    phone = normalize_phone(spans.phone) if spans.phone and span_in(note, spans.phone) else None
    return NoteExtraction(
        language=rules.language,
        client_name=rules.client_name or verbatim(spans.client_name),
        phone=rules.phone or phone,
        channel=rules.channel or spans.channel,
        location=rules.location or verbatim(spans.location_text),
        topic=rules.topic or verbatim(spans.topic),
        product_category=rules.product_category or spans.product_category,
        amount_vnd=rules.amount_vnd if rules.amount_vnd is not None else (amounts[0].value_vnd if amounts else None),
        amount_text=rules.amount_text or amount_text,
        # "Neutral" is the rules' answer, not a gap: on blind sets the model's mood was wrong more often than not
        # where the rules read neutral (sentiment 0.95 → 0.80 with it), so the mood stays the rules'.
        sentiment=rules.sentiment,
        summary=rules.summary,
        tasks=[*rules.tasks, *extra],
        uncertain=rules.uncertain,
    )


def read_note(note: str, today: dt.date, model: BaseChatModel | None) -> tuple[NoteExtraction, str]:
    """The note read by the rules, completed by the model when one is configured: (reading, "rules" | "model")."""
    rules = extract_note(note, today)
    if model is None:
        return rules, "rules"
    prompt = load_prompt("data_entry/extract").format(weekday=today.strftime("%A"), today=today.isoformat(), note=note)
    outcome = structured_call(
        model, NoteSpans, [HumanMessage(content=prompt)], fallback=NoteSpans, task="data_entry.extract"
    )
    if not outcome.from_model:
        return rules, "rules"
    return merge_model_spans(outcome.value, normalize_text(note), rules, today), "model"


#: What a correction may change of a reading (the client is found again when it names one).
_CORRECTABLE = ("client_name", "phone", "channel", "location", "topic", "product_category", "amount_vnd", "amount_text")


def apply_correction(previous: dict[str, Any], correction: NoteExtraction) -> dict[str, Any]:
    """What the RM's correction says replaces what the note said; the rest stays."""
    merged = dict(previous)
    for name in _CORRECTABLE:
        value = getattr(correction, name)
        if value is not None:
            merged[name] = value
    if correction.sentiment != "neutral":
        merged["sentiment"] = correction.sentiment
    # What the correction states, changed or confirmed ("the amount is 1 tỷ" confirms the 1 tỷ read).
    said = {name for name in _CORRECTABLE if getattr(correction, name) is not None}
    said |= {"sentiment"} if correction.sentiment != "neutral" else set()
    merged["uncertain"] = [name for name in previous.get("uncertain", []) if name not in said]  # the RM said it now
    if correction.tasks:
        corrected_kinds = {task.kind for task in correction.tasks}
        kept = [task for task in previous.get("tasks", []) if task["kind"] not in corrected_kinds]
        merged["tasks"] = kept + correction.to_json()["tasks"]
    return merged
