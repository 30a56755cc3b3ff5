"""The composer: a question read as *measure × filters × shape* over a small semantic model of the CRM.

The fixed list of metrics in ``semantic_layer`` answers the questions it was written for; anything else it
used to bend into the nearest metric ("average AUM" answered as the sum). Here a question is read word by
word against a lexicon of the model's parts (facts, money measures, aggregates, dimensions, enum values,
thresholds, windows, negations), as Power BI Q&A reads against its semantic model. **Every word must be
accounted for**: a content word no entry used makes the question not understood, and the answer names it,
so the engine never answers a narrower question than the one asked. The plan compiles to one SQL query
(SQLite or PostgreSQL) that the guard checks as any other; the plan restates itself in words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.core.language import detect_language
from tools.core.parsing import find_amounts
from tools.core.text import fold
from tools.reporting.semantic_layer import _MONTHS_EN, MAX_DAYS, MAX_TOP, Period, find_period
from tools.signals.thresholds import AUM_KINDS, BIRTHDAY_WINDOW_DAYS, DEPOSIT_KINDS, INACTIVE_DAYS, MATURITY_WINDOW_DAYS

__all__ = [
    "Plan",
    "Reading",
    "Vocabulary",
    "compile_plan",
    "plan_tables",
    "read_follow_up",
    "read_question",
    "spelled_out",
]

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- the semantic model


@dataclass(frozen=True)
class Fact:
    """A table of client-owned rows a question can count, sum or list."""

    table: str
    alias: str
    #: The row's date: a date column, or a timestamp read as the bank-local date.
    date_column: str
    timestamp: bool
    #: The number summed by "total" / "how much" (None: the rows are only counted).
    value: str | None
    #: The result column's name for that number.
    value_name: str
    money: bool
    #: What a listed row shows besides the client's name.
    row_columns: tuple[str, ...]


FACTS: dict[str, Fact] = {
    "accounts": Fact("accounts", "a", "a.opened_on", False, "a.balance_vnd", "balance_vnd", True,
                     ("a.kind", "a.product_code", "a.balance_vnd", "a.rate_pct", "a.maturity_on")),
    "transactions": Fact("transactions", "t", "t.posted_at", True, "t.amount_vnd", "amount_vnd", True,
                         ("t.direction", "t.category", "t.amount_vnd", "t.posted_at")),
    "interactions": Fact("interactions", "i", "i.occurred_at", True, None, "interactions", False,
                         ("i.channel", "i.topic", "i.occurred_at")),
    "tasks": Fact("tasks", "k", "k.due_on", False, None, "tasks", False, ("k.title", "k.kind", "k.due_on", "k.status")),
    "complaints": Fact("complaints", "p", "p.opened_on", False, None, "complaints", False,
                       ("p.category", "p.status", "p.opened_on", "p.summary")),
    "logins": Fact("digital_activity", "d", "d.week_start", False, "d.logins", "logins", False,
                   ("d.week_start", "d.logins")),
    "inbound": Fact("inbound_messages", "m", "m.received_at", True, None, "messages", False,
                    ("m.channel", "m.subject", "m.status", "m.received_at")),
    "sent": Fact("sent_messages", "s", "s.sent_at", True, None, "messages", False,
                 ("s.channel", "s.subject", "s.sent_at")),
}  # fmt: skip

#: Dimensions: name → (SQL expression, the fact it needs, or None for a client column).
DIMENSIONS: dict[str, tuple[str, str | None]] = {
    "segment": ("c.segment", None),
    "risk": ("c.risk_profile", None),
    "city": ("c.city", None),
    "client": ("c.full_name", None),
    "kind": ("a.kind", "accounts"),
    "product": ("a.product_code", "accounts"),
    "interaction_channel": ("i.channel", "interactions"),
    "topic": ("i.topic", "interactions"),
    "sentiment": ("i.sentiment", "interactions"),
    "direction": ("t.direction", "transactions"),
    "category": ("t.category", "transactions"),
    "txn_channel": ("t.channel", "transactions"),
    "task_kind": ("k.kind", "tasks"),
    "task_status": ("k.status", "tasks"),
    "complaint_category": ("p.category", "complaints"),
    "complaint_status": ("p.status", "complaints"),
    "message_channel": ("m.channel", "inbound"),
    "message_subject": ("m.subject", "inbound"),
    "sent_channel": ("s.channel", "sent"),
}


@dataclass(frozen=True)
class Condition:
    """One filter of the plan: a SQL condition over the fact (or the client) and the words it came from."""

    sql: str
    fact: str | None
    label: str


@dataclass(frozen=True)
class Plan:
    """What a question asks, independent of SQL."""

    fact: str | None
    #: "value" (the fact's number) or "count" (its rows); "aum", "deposits", "loans" are accounts with kinds.
    measure: str
    agg: str
    #: "number", "list" (rows or clients), "top" / "bottom" (N), "breakdown", "trend".
    shape: str
    #: The answer is about clients (who / how many / average per client), not the fact's rows.
    per_client: bool
    #: Clients with NO matching row ("never", "haven't", "without").
    negated: bool
    conditions: tuple[Condition, ...]
    group_by: str | None = None
    limit: int | None = None
    period: Period | None = None
    #: (operator, number) on the per-client value or the row value.
    threshold: tuple[str, float] | None = None
    language: str = "en"
    words: tuple[str, ...] = field(default_factory=tuple)
    #: The question as read (folded): a follow-up ("and last month?") is read against it.
    question: str = ""
    #: The money meaning asked for ("loans", "deposits", "aum"), for the restatement.
    meaning: str = ""
    #: Client columns a list shows because the question asked for them ("tên với thành phố", "names and segment").
    shown: tuple[str, ...] = ()
    #: A breakdown that ends with its total ("Zalo and email, how many each": each, and both together).
    with_total: bool = False
    #: A breakdown with each group's share of the whole ("tỷ trọng AUM theo khẩu vị rủi ro").
    with_share: bool = False
    #: A breakdown showing both how many rows and how much they add up to ("#accts, Σbal").
    with_both: bool = False
    #: Two periods compared ("this week vs last week"): the same plan over each, as JSON; shape "compare".
    #: A share ("% of my AUM in CDs"): the part and the whole, as JSON; shape "share".
    parts: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["period"] = self.period.to_json() if self.period is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        period = Period.from_json(data.get("period"))
        threshold = tuple(data["threshold"]) if data.get("threshold") else None
        return cls(
            fact=data.get("fact"),
            measure=data["measure"],
            agg=data["agg"],
            shape=data["shape"],
            per_client=bool(data.get("per_client")),
            negated=bool(data.get("negated")),
            conditions=tuple(Condition(**item) for item in data.get("conditions") or ()),
            group_by=data.get("group_by"),
            limit=data.get("limit"),
            period=period,
            threshold=threshold,
            language=data.get("language", "en"),
            words=tuple(data.get("words") or ()),
            question=str(data.get("question") or ""),
            meaning=str(data.get("meaning") or ""),
            parts=tuple(data.get("parts") or ()),
            shown=tuple(data.get("shown") or ()),
            with_total=bool(data.get("with_total")),
            with_share=bool(data.get("with_share")),
            with_both=bool(data.get("with_both")),
        )


@dataclass(frozen=True)
class Reading:
    """The outcome of reading a question: a plan, or why not (the words nobody used, or a shape not composed)."""

    plan: Plan | None
    unknown_words: tuple[str, ...] = ()
    #: The question is fully read but belongs to the fixed metrics (targets, the summary): ask them.
    legacy: bool = False
    #: Which target a legacy question is about, as the lexicon read it ("KPI HĐV" is new deposits): the fixed
    #: metrics' own words may miss it, and a summary of every target is not what was asked.
    target_metric: str | None = None


# --------------------------------------------------------------------------- the lexicon

#: (role, value, folded pattern). Longer phrases win over the words inside them.
_LEXICON: tuple[tuple[str, str, str], ...] = (
    # money measures over accounts
    ("measure", "aum", r"total asset|assets|aum|assets? under management|tai san (?:quan ly|duoi quan ly)|"
                       r"total assets|tong tai san|"
                       r"total balances?|tong so du|portfolio (?:size|value)|quy mo danh muc|book size"),
    ("measure", "rate", r"interest rates?|rates?|lai suat"),
    ("active", "active", r"active|dang hoat dong|con hieu luc|hieu luc"),
    ("measure", "loans", r"outstanding loans?|loan balances?|loans? outstanding|du no(?: vay)?|dư nợ|lending|"
                         r"loans?|khoan vay|cac khoan vay|vay|disbursements?|giai ngan|disbursed|disburse"),
    ("measure", "deposits", r"deposits?|tien gui|huy dong|deposit balances?"),
    ("kind", "cd", r"cds?|term deposits?|tds?|certificates? of deposit|tien gui co ky han|gui co ky han|co ky han|"
                   r"so tiet kiem co ky han|tgcky|tiet kiem co ky han"),
    ("kind", "casa", r"current(?=,? (?:savings|and savings|& savings|/ ?savings))|"
                     r"casa|current accounts?|payment accounts?|tai khoan thanh toan|tktt"),
    ("kind", "savings", r"savings(?: accounts?)?|tiet kiem(?: khong ky han)?"),
    ("kind", "card", r"(?:credit |debit )?cards?|the tin dung|the ghi no|the visa|the mastercard"),
    ("kind", "investment", r"investments?|investment funds?|funds?|bonds?|dau tu|chung chi quy|quy dau tu|trai phieu"),
    ("new", "new", r"new|newly opened|opened|mo moi|moi mo|mo(?= (?:tai khoan|tk|so|the|them|duoc|cd|casa))|"
                   r"moi(?! (?:thang(?! \d)|kh|khach|nguoi|tuan|ngay|loai|danh muc|san pham|kenh|segment|nhom|hang|ma|"
                   r"phan khuc|tp|mang))"),
    ("perclient", "each", r"(?:one|per|each|1) person|mot nguoi|1 nguoi|"
                          r"moi kh|moi khach(?: hang)?|per client|each client|moi nguoi|tung nguoi|each one|tung kh|"
                          r"tung ng|moi ng"),
    ("balance", "balance", r"balances?|so du|gia tri"),
    ("noun", "accounts", r"accounts?|tai khoan|tk|khoan|cac khoan|nhung khoan|so(?= (?:cd|td|tiet kiem|tien gui))"),
    ("todo", "todo", r"phai lam|can lam|phai goi|can goi|to make|need to (?:call|do|make)|have to (?:call|do|make)|"
                     r"(?:calls?|meetings?) (?:due|scheduled|planned)|toi han|den han|due"),
    ("share", "share", r"(?:va )?trong (?:do|so do)|of which|of whom|among them|of those|"
                       r"in (?:%|percentage|percent) terms|share(?: of)?|percentage(?: of)?|percent(?: of)?|%|"
                       r"ty trong|ty le|chiem|phan tram|pct|"
                       r"proportion|ti trong|ti le"),
    ("compare", "vs", r"compare with|compare to|compare|vs|versus|so voi|compared (?:to|with)|against|"
                      r"comparison|so sanh"),
    # other facts
    ("fact", "transactions", r"transactions?|txns?|tx|giao dich|gd|payments?|transfers? in|money in|money out|"
                             r"chuyen khoan|chuyen tien|chuyen|ck"),
    ("fact", "interactions", r"conversations?|trao doi|interactions?|contacts?|touchpoints?|touch points?|"
                             r"lien he|lien lac|tuong tac|tiep xuc|"
                             r"gap go|contacted|reached|spoken to|talked to|spoke to"),
    ("fact", "tasks", r"tasks?|to-?dos?|follow-?ups?|cong viec|viec|nhiem vu|dau viec"),
    ("fact", "complaints", r"complaints?|khieu nai|phan nan|than phien"),
    ("fact", "logins", r"log app|log vao app|log vao|log in|logins?|log ins?|logged in|logged into|log into|"
                       r"dang nhap|app|mobile app|mobile banking|"
                       r"digital|internet banking|ung dung"),
    ("fact", "inbound", r"inbox|inbound messages?|messages? from clients|tin nhan (?:den|cua khach)|hop thu"),
    ("fact", "sent", r"messages? i sent|sent messages?|tin nhan (?:da gui|toi gui|em gui)"),
    ("sentverb", "sent", r"(?:minh|e|em|toi|anh|chi|a|c) (?:da )?nhan(?: tin)?|did i send|do i send|i send|"
                         r"(?<!to )(?<!will )(?<!gonna )send|"
                         r"(?:e|em|toi|minh|i|chi|anh) (?:da |have |has )?(?:gui|sent)|"
                         r"da gui|gui di|i sent|"
                         r"have i sent|sent"),
    # clients
    ("clients", "clients", r"app users|users|clients?|customers?|khach hang|khach|kh|people|ai|mob|lot|folks"),
    # aggregates and shapes
    ("agg", "avg", r"average|avg|mean|trung binh|binh quan|tb"),
    ("agg", "sum", r"how (?:many|much) (?:money|tien|dong|vnd)|"
                   r"totals|total|sum|tong cong|tong so tien|tong gia tri|tong|how much|bao nhieu tien|so tien|amount|"
                   r"worth|value"),
    ("agg", "count", r"how many times?|headcount|how many|number of|count|dem|so luong|so lan|so(?= kh\b| khach)|"
                     r"so(?= (?:giao dich|gd|khoan vay|tin nhan|cuoc goi)(?![\w]))"),
    ("agg", "howmuch", r"bao nhieu|bn|may|bao nhiu|bnhieu|bao nhieu (?:ty|trieu|tien)"),
    ("agg", "max", r"highest|largest|biggest|max|maximum|cao nhat|lon nhat|nhieu nhat|most"),
    ("agg", "min", r"lowest|smallest|min|minimum|thap nhat|nho nhat|least|fewest"),
    ("list", "list", r"chuck (?:me|us)(?: a list of)?|loc|loc ra|filter|"
                     r"names?|ten|what are|what're|nhung gi|list|show(?: me)?|which|who|whose|"
                     r"liet ke|danh sach|"
                     r"nhung|nao|la ai|ai"),
    ("group", "by", r"rank(?:ed|ing)?|xep hang|divided? by|divide into|"
                    r"split|split of|by|per|theo|broken (?:down|out)(?: by| per)?|break ?down(?: of)?(?: by)?|"
                    r"split by|phan theo|"
                    r"chia theo|breakdown|phan bo|each|tung|moi|across"),
    # dimensions (after "by")
    ("dim", "segment", r"segments?|phan khuc|hang khach hang|hang"),
    ("dim", "risk", r"risk profiles?|risk|khau vi rui ro|muc do rui ro|rui ro|khau vi"),
    ("dim", "city", r"city|cities|(?:(?<=theo )|(?<=tung )|(?<=moi )|(?<=cac ))tinh|thanh pho|tinh thanh|khu vuc|tp"),
    ("dim", "product", r"ma san pham|ma sp|product codes?|"
                       r"ten sp|ten san pham|product names?|sp|product types?|san pham|loai san pham"),
    ("dim", "kind", r"account types?|account kinds?|types?|kinds?|loai tai khoan|loai"),
    ("dim", "channel", r"channels?|kenh"),
    ("dim", "group", r"nhom|groups?"),
    ("dim", "category", r"categor(?:y|ies)|danh muc|muc dich|mang|van de"),
    ("dim", "topic", r"topics?|chu de|noi dung trao doi|subjects?"),
    ("dim", "direction", r"directions?|chieu"),
    ("dim", "status", r"status|statuses|trang thai|tinh trang"),
    ("dim", "month", r"months?|thang"),
    ("trend", "month", r"trends?|xu huong|dien bien|over time|month by month|monthly|month-on-month|hang thang|"
                       r"tung thang|moi thang"),
    ("dim", "sentiment", r"sentiments?|thai do|cam xuc"),
    # client enums
    ("segment", "Diamond", r"(?:(?:phan khuc|hang|segment|nhom) )?(?:diamond|kim cuong)"),
    ("segment", "Platinum", r"(?:(?:phan khuc|hang|segment|nhom) )?(?:platinum|bach kim)"),
    ("segment", "Gold", r"(?:(?:phan khuc|hang|segment|nhom) )?(?:gold|vang)"),
    ("segment", "Standard", r"(?:(?:phan khuc|hang|segment|nhom) )?(?:standard|pho thong)"),
    ("risk", "conservative", r"(?:(?:khau vi|rui ro|risk) (?:rui ro )?)?(?:conservative|than trong)"),
    ("risk", "balanced", r"(?:(?:khau vi|rui ro|risk) (?:rui ro )?)?(?:balanced|can bang)"),
    ("risk", "growth", r"(?:(?:khau vi|rui ro|risk) (?:rui ro )?)?(?:growth|tang truong)"),
    ("city", "Hà Nội", r"ha ?noi|hn"),
    ("city", "TP. Hồ Chí Minh", r"hcmc|ho chi minh|tp\.? ?hcm|hcm|sai ?gon|sg"),
    ("city", "Đà Nẵng", r"da ?nang|(?<=o )dn|(?<=tai )dn"),  # "ở DN": Đà Nẵng ("chủ DN" is a business)
    ("city", "Cần Thơ", r"can ?tho"),
    ("city", "Hải Phòng", r"hai ?phong"),
    ("city", "Huế", r"hue"),
    ("city", "Nha Trang", r"nha ?trang"),
    # interaction enums
    ("interaction_channel", "meeting", r"face-to-face|mat truc tiep|truc tiep|in person|face to face|in-person|"
                                       r"gap mat|gap truc tiep|meetings?|met|gap|"
                                       r"cuoc gap|lan gap|buoi gap|hop|cuoc hop"),
    ("interaction_channel", "call", r"phone calls?|calls?|called|goi dien|goi|dien thoai|cuoc goi|lan goi"),
    ("interaction_channel", "email", r"e-?mails?|emailed"),
    ("interaction_channel", "chat", r"chats?|viber|nhan tin|messaging"),
    ("chat_app", "zalo", r"zalo"),
    ("chat_app", "whatsapp", r"whatsapp|whats app|wa"),
    ("chat_app", "sms", r"sms|text messages?|tin nhan sms"),
    ("fact", "inbound", r"arrived|messages?|msgs?|tin nhan|tin|e-?mails? from clients|messaged me|"
                        r"nhan cho (?:e|em|toi|minh)"),
    ("sentiment", "positive", r"positive|happy|satisfied|tich cuc|hai long|vui"),
    ("sentiment", "negative", r"negative|unhappy|dissatisfied|tieu cuc|khong hai long|buc"),
    ("sentiment", "neutral", r"neutral|trung lap|trung tinh|binh thuong"),
    # transaction enums
    ("direction", "in", r"money (?:come|comes|came|coming) in|(?:come|comes|came|coming) in|"
                        r"receive|receives|gui den|gui toi|nhan|nhan duoc|inflows?|incoming|money in|credits?|"
                        r"received|receipts?|tien vao|tien ve|"
                        r"chuyen den|ghi co|tien nhan|nhan tien"),
    ("direction", "out", r"outflows?|outgoing|money out|debits?|spent|spending|payments out|tien ra|chi tieu|"
                         r"chuyen di|ghi no|chi ra|chuyen tien ra|chuyen ra|chuyen tien di|quet the|quet|spend|spends|"
                         r"moving money out|moving out|moved out|move out|money going out|transfer out|transferred out|"
                         r"transfers? out|moved|moving|rut tien|rut|chuyen tien sang|chuyen sang|send money|"
                         r"sent money|go out|goes out|"
                         r"went out|out"),
    ("category", "transfer_external", r"(?:to|sent to|moved to) (?:other|another|external) banks?|other banks?|"
                                      r"(?:ngan hang|bank) khac|"
                                      r"external transfers?|ngan hang khac|chuyen khac ngan hang|chuyen ra ngoai|"
                                      r"lien ngan hang"),
    ("category", "salary", r"salary|salaries|payroll|luong"),
    ("category", "pension", r"pensions?|luong huu|huu tri"),
    ("category", "shopping", r"shopping|mua sam"),
    ("category", "bills", r"bills?|utilities|hoa don"),
    ("category", "dining", r"dining|restaurants?|an uong"),
    ("category", "travel", r"travel|du lich"),
    ("category", "education", r"education|tuition|school fees|hoc phi|giao duc"),
    ("category", "healthcare", r"healthcare|medical|hospital|y te|vien phi"),
    ("category", "cash_withdrawal", r"cash withdrawals?|rut tien mat|rut tien"),
    ("category", "business_income", r"business income|doanh thu|thu nhap kinh doanh"),
    ("category", "loan_repayment", r"loan repayments?|repayments?|tra no|tra gop"),
    ("category", "property_sale", r"property sales?|ban nha|ban bat dong san|ban dat"),
    ("txn_channel", "atm", r"atm|cay atm"),
    ("txn_channel", "card", r"bang the|qua the|by card|card payments?|card spend(?:ing)?|quet the"),
    ("txn_channel", "online", r"online|truc tuyen"),
    # task, complaint, message enums
    ("overdue", "overdue", r"overdue|past due|late|qua han|tre han"),
    ("open", "open", r"chua (?:duoc )?(?:giai quyet|xu ly)(?: xong)?|mo(?= (?:bn|bao nhieu|may))|open|pending|"
                     r"outstanding|unresolved|"
                     r"not resolved|dang mo|chua xong|chua hoan thanh|"
                     r"chua giai quyet|chua xu ly|ton dong|con mo|chua lam xong|chua lam|"
                     r"chua (?:giai quyet|xu ly) xong"),
    ("done", "done", r"done|completed|finished|closed|resolved|da xong|hoan thanh|da giai quyet|da xu ly|da dong"),
    ("unread", "unread", r"unread|chua doc|not read"),
    # not replied is read or unread: only a reply answers a message
    ("unread", "unreplied", r"chua tra loi|unanswered|chua (?:duoc )?phan hoi|unreplied|not (?:yet )?replied(?: to)?|"
                            r"(?:have not|haven'?t) (?:yet )?replied(?: to)?|no reply|pending reply"),
    ("task_kind", "call", r"call tasks?|calls? to make|goi lai"),
    ("task_kind", "send_document", r"documents? to send|send documents?|send docs?|gui ho so|gui tai lieu"),
    ("task_kind", "review", r"reviews?|ra soat"),
    ("complaint_category", "fees", r"fees?|phi"),
    ("complaint_category", "atm", r"atm"),
    # windows and special filters
    ("maturing", "maturing", r"matur\w*|due to mature|dao han|sap dao han|het han|expir\w*|tat toan"),
    ("birthday", "birthday", r"birthdays?|bdays?|sn|sinh nhat|bday|b-day"),
    ("inactive", "inactive", r"inactive|dormant|neglected|not (?:been )?contacted|haven'?t (?:i )?(?:been )?"
                             r"(?:contacted|called|met|spoken to|talked to|reached)|lau chua lien he|chua lien he|"
                             r"chua lien lac|khong lien lac|ngu dong|lost touch|khong hoat dong|khong con hoat dong|"
                             r"(?:haven'?t|hasn'?t|have not|has not|not) heard from (?:me|us)|never contact(?:ed)?"),
    ("negation", "not", r"w/o|without|never|no|not|haven'?t|hasn'?t|didn'?t|don'?t|doesn'?t|chua tung|chua co|chua|"
                        r"khong co|khong|ko|k"),
    ("onboarded", "onboarded", r"onboarded|onboard|onboarding|joined|new clients?|khach hang moi|khach moi|kh moi|"
                               r"mo moi"),
    ("current", "now", r"(?:as of|at|up to|till|until) the moment|"
                       r"now|currently|right now|rn|today|hien tai|hien nay|hien co|dang co|bay gio|luc nay"),
    # what belongs to the fixed metrics (the composer leaves them to the semantic layer)
    ("large", "large", r"large|big|lon|khung"),
    ("plus", "plus", r"along with|together with|\+|plus|and the|va ca|kem ca|cong luon|cong them|cong ca|cong"),
    ("also", "also", r"voi lai|va lai|ngoai ra|and also|plus also|as well as that"),
    ("where", "where", r"(?:ben|nguoi|ai) (?:chuyen|gui)(?: tien)?(?: den| toi| vao)?|from whom|who sent|senders?|"
                       r"tu ai|cong ty|company|companies|employers?|o dau|where|cho nao|noi nao|merchants?|"
                       r"counterpart(?:y|ies)|doi tac"),
    ("clock", "", r"\d{1,2}h(?:\d{2})?|\d{1,2}(?::\d{2})?\s?(?:am|pm)|(?:sang|chieu|toi) nay"),
    ("household", "household", r"households?|ho gia dinh|ca ho(?: gia dinh| gd)?|ca gia dinh|ca nha|nguoi nha|"
                               r"nguoi than|family|gia dinh|ho gd|combined with (?:his|her) (?:spouse|family)"),
    ("spouse", "spouse", r"cap vo chong|vo chong|vo/chong|vo hoac chong|spouses?|married|husband|wife|vo|chong"),
    ("noise", "", r"for (?:each|every) (?:one|of them)|(?:biggest|highest|largest|most|best) first|"
                  r"(?:in )?descending(?: order)?|desc|"
                  r"(?:sort|xep) (?:giam dan|tu cao xuong thap|tu lon den nho)|giam dan|tu cao xuong thap|"
                  r"de nghi|kinh de nghi|cu tru(?: tai| o)?|banks? with us|(?:tung|moi|theo) cap|"
                  r"each pair|rundown|run down|sits?(?: in)?|sitting(?: in| at)?|"
                  r"(?:monday|mon) (?:to|-|through|thru) (?:sunday|sun)|thu hai (?:den|toi|-) chu nhat|"
                  r"pull (?:it|them|this|that|those) up|trong so(?: cac| nhung)?|among|toi chu|den chu|bay chu|"
                  r"lan nao|bat ky lan nao|"
                  r"tinh (?:ca |luon )?(?:tu )?hom nay|"
                  r"counting today|including today|tinh tu|den hom nay|toi nay|"
                  r"den nay|toi gio|den gio|weekly report|for (?:my |the )?report|ngan hang|the bank|banking|"
                  r"sinh song|dang song|su dung|noi dung|giai quyet|kiem tra|ap dung|cham soc|giu chan|len lich|"
                  r"thuc hien|tinh ca|tinh luon|coming from|is coming|in total|all up|all told"),
    ("rowlevel", "single", r"in one transaction|one transaction|1 transaction|single|individual|one-off|"
                           r"tung (?:gd|giao dich)|moi (?:gd|giao dich)|1 (?:gd|giao dich)"),
    ("quarter", "quarter", r"q[1-4]|quy [1-4]|quy (?:i|ii|iii|iv)"),
    ("perannum", "pa", r"%/nam|/nam|p\.?a\.?|per annum|mot nam|a year"),
    ("preferred", "preferred", r"prefers?|preferred|thich|uu tien|muon duoc"),
    ("shown", "dates", r"(?:task |message )?titles?|tieu de|(?:due |maturity |onboarding |birth )?dates?|dob|"
                       r"date of birth|ngay sinh(?: nhat)?|"
                       r"ngay dao han|ngay han|han|ngay|when|khi nao|luc nao|hom nao"),
    ("legacy", "targets", r"targets?|goals?|quota|kpis?|muc tieu|"
                          r"(?:so voi|dat|vuot|hoan thanh|con thieu|con lai|bang)(?: \w+){0,3} chi tieu|"
                          r"chi tieu (?:thang|quy|nam|new|huy dong|giai ngan|aum|lien he|tiep xuc|cua|theo)|"
                          r"(?:dat|vuot|so voi) ke hoach|ke hoach (?:thang|quy|nam)|on track|attainment|"
                          r"how(?:'re| are) (?:we|you|i) tracking|tracking (?:on|against)|"
                          r"performance|hieu suat|summary|scorecard|dashboard|overview|"
                          r"tong quan|dat"),
    ("gap", "gap", r"achievements?|achieve|achieved|left to|remaining|hit|meet|reach|to reach|cham|thuc dat|"
                   r"dat duoc|de dat|"
                   r"du chi tieu|con lai|"
                   r"con thieu|thieu|still short|short|how many more|how much more"),
)  # fmt: skip


def _longest_first(pattern: str) -> list[str]:
    """The pattern's top-level alternatives, longest first: "product types?" must win over "products?"."""
    parts, depth, start, escaped = [], 0, 0, False
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    return sorted(parts, key=len, reverse=True)


_ENTRIES = tuple(
    (role, value, re.compile(rf"(?<![\w'])(?:{alternative})(?![\w'])"))
    for role, value, pattern in _LEXICON
    for alternative in _longest_first(pattern)
)

#: Words that carry no meaning of their own in a question (EN and folded VI).
_STOPWORDS = frozenset(
    """
    a about ah ak all also am an and anh any appreciate are as at ay ban bao based bat be been being believe
    ben bi biet bit book both break buoi but ca cac cai can cao chay check chi chiec chiu cho chu chuan cn co
    coi compare compared comparison con concerned could counting cua cung cuoc current currently da dag dan
    dang dau day dc de dear den deu di did do does doing dong down du dum dung duoc e either em every existing
    far filed find for from get ghi gi giam gimme gio gium giup give gom gop got grateful gui ha had has have
    hay he held hello hen her here het hey hi hien his ho hoac hoi hold holding holds hom hon how huong i
    identify if in is it its j just ke kem kept ket khi kieu kind kindly know la lam lan len let lich lieu like
    live lives living log logged long luc luon luot ly ma made make manage managing may me might mine minh
    money mot muon must my n nam nao nay ne need nen neu ng nguoi nha nhac nhat nhe nhi nhieu nho nhu nhung ntn
    nua o of oi ok okay on one ones only or other our over overall own owning owns parked phai phu please pls
    plus plz provide qua quan r ra recorded regards report result results right rn ro roi sang sao sap see
    shall she should simple sinh sitting so some song stand still tai take takes tang tell than thank thanks
    thap that the their them then there there's these they thi think this those thu thuc thuong tien tim to
    together toi too trach tren trong tu tuc u uh um up us va van vao vay ve versus via voi vong vs vu vua vui
    w waiting want was we weekly were what what's whats where whether will with within wonder would xem xep xin
    i'm i've i'd i'll im ive we've we're we'd they've they're who've who's who'd you've you're it's that's
    having even well really actually basically kinda sorta pretty quite literally lai ah oh hmm yeah yep tinh
    fine ballpark roughly approximately approx already including incl include thoi giu use
    xuong yet you your z
    """.split()  # noqa: SIM905 - a word list reads best as words
)
_WORD = re.compile(r"[\w']+")

# --------------------------------------------------------------------------- numbers, thresholds, windows

#: Particles that fold into a content word: "vậy" is no loan ("vay"), "thế" no card ("thẻ" → "the").
_ACCENTED_PARTICLE = re.compile(
    r"(?<![\w])(?:vậy|thế|nhỉ|nhé|đấy|chứ|hả|ạ|nè|ổng|bả|sếp|gấp|nghe(?=\s*(?:[.?!,]|$))|nghen)(?![\w])",
    re.IGNORECASE,
)  # "gấp" (urgent) folds into "gặp" (meet)
#: Regional words whose accents tell them from another word once folded: Southern "nhiêu" (how much, not
#: "nhiều", many), Central "mô" (which, not "mở", open), "răng" (why), "rứa" (so).
_ACCENTED_SPELLINGS = {
    "nhiêu": "bao nhiêu", "mô": "nào", "răng": "sao", "rứa": "vậy", "nớ": "đó", "ni": "này", "vô": "vào",
}  # fmt: skip
_ACCENTED_SPELLING = re.compile(
    r"(?<![\w])(?:" + "|".join(sorted(_ACCENTED_SPELLINGS, key=len, reverse=True)) + r")(?![\w])", re.IGNORECASE
)
#: Regional, chat and note-taking spellings, folded: "tui" (tôi), "nhứt" (nhất), "dzậy" (vậy), "mần" (làm), "khum"
#: (không), "ktra", "cust." (clients), "amt", "seg.", "mtg", "NTB" (new to bank), "o/s", "tgt", "30d".
_SPELLINGS = {
    "tui": "toi", "nhut": "nhat", "dzay": "", "zay": "", "z": "", "man": "lam", "hong": "khong", "hem": "khong",
    "khum": "khong", "hok": "khong", "nma": "nhung ma", "ktra": "kiem tra", "lun": "luon", "dc": "duoc",
    "cust": "clients", "custs": "clients", "amt": "amount", "amts": "amounts", "seg": "segment", "segs": "segments",
    "mtg": "meeting", "mtgs": "meetings", "ntb": "new clients", "tgt": "target", "a/c": "account", "acc": "account",
    "accs": "accounts", "o/s": "outstanding", "bal": "balance", "bals": "balances", "txn": "transaction",
    "pfb": "", "kindly": "", "revert": "", "needful": "",
    # bank-internal Vietnamese shorthand and the Southern "bữa" (day)
    "sd": "so du", "dn": "du no", "tg": "tien gui", "dh": "dao han", "kn": "khieu nai", "rr": "rui ro",
    "gn": "giai ngan", "hdv": "huy dong", "tgtk": "tien gui", "bua": "ngay",
    "cv": "cong viec", "tn": "tin nhan", "ib": "inbox", "xl": "xu ly", "rep": "tra loi", "mk": "minh",
    "bh": "bay gio", "ak": "", "uk": "", "oke": "", "okie": "", "thui": "thoi", "ntn": "nhu the nao",
}  # fmt: skip
_SPELLING = re.compile(
    r"(?<![\w/'])(?:" + "|".join(re.escape(word) for word in sorted(_SPELLINGS, key=len, reverse=True)) + r")(?![\w/'])"
)
_THRESHOLD = re.compile(
    r"(?<![\w])(?P<op>more than|greater than|over|above|exceeding|at least|minimum of|no less than|>=|>|"
    r"tren|hon|lon hon|vuot|tu|it nhat|toi thieu|"
    r"less than|fewer than|under|below|at most|no more than|<=|<|duoi|nho hon|it hon|toi da|khong qua)\s*"
    r"(?P<num>\d[\d.,]*\s*(?:[a-z]+\b)?(?:\s*(?:vnd|d|dong))?)"
    r"(?P<tail>\s*(?:tro len|tro xuong|or more|or less|and above|and up|\+))?"
)
#: A threshold whose amount is written in words ("từ năm trăm triệu trở lên", "trên hai tỷ").
_THRESHOLD_IN_WORDS = re.compile(
    r"(?<![\w])(?P<op>tren|hon|lon hon|tu|it nhat|toi thieu|duoi|nho hon|more than|over|above|at least|under|below)\s+"
    r"(?P<num>(?:(?:mot|hai|ba|bon|tu|nam|sau|bay|tam|chin|muoi|muoi|tram|nghin|ngan|trieu|ty|ti|ruoi|linh|le|"
    r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|and)\s*){2,8})"
    r"(?P<tail>\s*(?:tro len|tro xuong|or more|or less))?"
)
#: A threshold on a rate: "trên 5%", "lãi suất trên năm phần trăm", "above 5.5 percent".
_PERCENT_THRESHOLD = re.compile(
    r"(?<![\w])(?P<op>tren|hon|lon hon|tu|it nhat|duoi|nho hon|more than|over|above|at least|under|below)\s+"
    r"(?P<num>\d+(?:[.,]\d+)?|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi|one|two|three|four|five|six|seven|eight|nine|"
    r"ten)\s*(?:%|phan tram|percent|pct)"
)
_OPS = {
    "more than": ">", "greater than": ">", "over": ">", "above": ">", "exceeding": ">", "tren": ">", "hon": ">",
    "lon hon": ">", "vuot": ">", ">": ">", "at least": ">=", "minimum of": ">=", "no less than": ">=", ">=": ">=",
    "tu": ">=", "it nhat": ">=", "toi thieu": ">=", "less than": "<", "fewer than": "<", "under": "<",
    "below": "<", "duoi": "<", "nho hon": "<", "it hon": "<", "<": "<", "at most": "<=", "no more than": "<=",
    "<=": "<=", "toi da": "<=", "khong qua": "<=",
}  # fmt: skip
_TOP = re.compile(
    r"(?<![\w])(?:(?P<dir>top|bottom)\s*(?P<n1>\d{1,3})|(?P<n2>\d{1,3})\s+(?P<dir2>largest|biggest|richest|"
    r"highest|smallest|lowest|top|bottom|lon nhat|cao nhat|nho nhat|thap nhat))(?![\w])"
)
_ABBREVIATIONS = {
    "wk": "week", "wks": "weeks", "yr": "year", "yrs": "years", "mth": "month", "mths": "months", "qtr": "quarter",
    "acct": "account", "accts": "accounts", "msg": "message", "txn": "transaction", "txns": "transactions",
}  # fmt: skip
_ABBREVIATION = re.compile(rf"(?<![\w'])(?:{'|'.join(_ABBREVIATIONS)})(?![\w'])")
_SINCE_MONTH = re.compile(
    r"(?<![\w])(?:since|from|tu|ke tu)\s+(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<name>"
    + "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
    + r")(?![\w])|(?<![\w])(?:tu|ke tu|since)\s+(?:dau\s+)?thang\s+(?P<m>1[0-2]|0?[1-9])(?![\w/])"
)
_MONTH_NAME = "|".join(sorted(_MONTHS_EN, key=len, reverse=True))
_MONTH_RANGE = re.compile(  # "from June and October" is a range only with its "from": "June and October" is two
    r"(?<![\w])(?:(?:tu|from|between)\s+(?:(?:thang\s*|t)(?P<a>1[0-2]|0?[1-9])\s+(?:den|toi|to|and|-)\s+"
    rf"(?:thang\s*|t)?(?P<b>1[0-2]|0?[1-9])|(?P<na>{_MONTH_NAME})\s+(?:to|and|-|until|till|through|thru)\s+"
    rf"(?P<nb>{_MONTH_NAME}))|(?P<nc>{_MONTH_NAME})\s+(?:to|-|until|till|through|thru)\s+(?P<nd>{_MONTH_NAME}))"
    r"(?![\w/])"
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "twenty": 20, "fifteen": 15, "thirty": 30, "sixty": 60, "ninety": 90,
    "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "ba muoi": 30,
    "sau muoi": 60, "chin muoi": 90, "hai muoi": 20, "muoi lam": 15, "muoi bon": 14,
}  # fmt: skip
#: A number written as a word, where a number is expected: "top five", "five largest", "thirty days", "ba mươi ngày".
_EN_NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twenty", "fifteen",
               "thirty", "sixty", "ninety")  # fmt: skip
_VI_NUMBERS = [word for word in _NUMBER_WORDS if word not in _EN_NUMBERS]
_NUMBER_WORD = re.compile(
    r"(?<=top )(?:one|two|three|four|five|six|seven|eight|nine|ten|hai|ba|bon|nam|muoi)(?![\w])|"
    r"(?<![\w'])(?:" + "|".join(sorted(_EN_NUMBERS, key=len, reverse=True)) + r")(?= (?:largest|biggest|top|"
    r"clients?|customers?|days?|weeks?|months?|accounts?|transactions?)(?![\w]))|"
    r"(?<![\w'])(?:"
    + "|".join(sorted(_VI_NUMBERS, key=len, reverse=True))
    + r")(?= (?:kh|khach|ngay|tuan|thang|nguoi)(?![\w]))"
)
_VI_MONTHS = {
    # not "tư", "năm", "sáu": folded they are "từ" (from), "năm" (year), "sau" (next)
    "mot": 1, "gieng": 1, "hai": 2, "ba": 3, "bon": 4, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10, "muoi mot": 11, "muoi hai": 12, "chap": 12,
}  # fmt: skip
#: A clause that says why the RM asks ("chuẩn bị gọi khách tái tục", "sếp cần để so sánh trong buổi họp",
#: "to prepare for my review"): it filters nothing, so it is left out (never one holding a number or a date).
#: Where a purpose clause ends and the ask begins: "…for the branch head and I'd like to know …".
_CLAUSE_BREAK = (
    r"(?:and|but|so|then|va|nen|thi|ma|nhung|roi) (?:i|i'd|i'm|we|you|could|can|please|pls|em|chi|anh|toi|minh|cho|"
    r"xem|check)(?![\w])"
)
_PURPOSE = re.compile(
    r"(?:(?:(?<=^)|(?<=[,.;:!?]))\s*(?:chuan bi|sep (?:can|hoi|muon|bao))|(?<![\w])(?:de|for) (?:em |chi |anh |toi |"
    r"minh |e |sep )?(?:chu dong |kip |uu tien )?(?:chuan bi|so sanh|bao cao|hop|lam bao cao|goi|moi|cham soc|"
    r"len ke hoach|trinh sep|gui sep|nhan tin|tu van|follow up)|in order to|so that i can|so i can|to prepare|"
    r"i'?m preparing|preparing|(?:i'?d like|i want|i need|i plan|i'?m planning|i'?m going|we'?d like|we want) to "
    r"(?:send|call|visit|meet|invite|offer|pitch|greet|thank|reach out)|(?:em|chi|anh|toi|minh) (?:muon|sap|dinh|can) "
    r"(?:gui|goi|tham|gap|moi|tang|chuc mung|tu van))"
    r"(?:(?!(?<![\w])" + _CLAUSE_BREAK + r")[^,.;:!?\d])*(?=[,.;:!?]|$|(?<=\s)" + _CLAUSE_BREAK + r")"
    # "for my performance review", "for our weekly huddle": just the occasion, never what follows it
    r"|(?<![\w])for (?:my|the|a|our) (?:\w+ )?(?:meeting|call|review|report|huddle|presentation)s?(?![\w])"
)
_TO_DATE = re.compile(r"(?<![\w])(?:dau|to date|mtd|qtd|ytd|so far)(?![\w])")
#: "share" as a verb ("kindly share my AUM", "pls share the list", "share with me"), never "share of my AUM".
_SHARE_VERB = re.compile(
    r"(?<![\w])(?<!the )(?<!a )(?<!what )(?<!market )(?<!wallet )(?:(?:pls|please|plz|pl|kindly|can you|could you|"
    r"do|pls do|kindly do)\s+)?share(?=\s+(?:my|me|us|the|a|an|list|names?|cust|clients?|customers?|details?|with|"
    r"all|which|who|whose|how|what|total|count|number|data|figures?|numbers?|top|details|breakup|breakdown|"
    r"[a-z]+-wise)(?![\w]))"
)
_CURRENCY_FIRST = re.compile(r"(?<![\w])(?:vnd|vnđ|dong)\s*(?P<amount>\d[\d.,]*\s*(?:[a-z]{1,7})?)(?![\w])")
#: "bi nhiêu vậy hả", "còn mấy cái vậy" typed without accents: after a question word, "vay" is "vậy", no loan.
_FINAL_VAY = re.compile(
    r"(?P<asked>(?<![\w])(?:bi nhieu|bao nhieu|may cai|nhieu|may|bn|sao|gi|j|nao|ai|chua|khong|ko|hong|roi|the nao))"
    r"\s+vay(?:\s+(?:ha|ne|ta|z|a|nha|nhe|hen|ta))?\s*[?.!]*\s*$"
)
#: What only lies ahead: a window beside these words, with no "past"/"qua", is the coming one.
_AHEAD = re.compile(r"(?<![\w])(?:dao han|matur\w*|het han|expir\w*|sinh nhat|birthdays?|bdays?|due)(?![\w])")
#: A period written in Vietnamese order in English ("month this", "week before", "14 day next", "30 day past").
_NOUN_FIRST_PERIOD = re.compile(
    r"(?<![\w])(?<!by )(?<!per )(?<!each )(?<!every )(?<!theo )(?:(?P<n>\d{1,3}) )?"
    r"(?P<unit>days?|weeks?|months?|quarters?|years?) "
    r"(?P<which>this|before|previous|next|past|ago|coming|now)(?![\w])(?! (?:year|month|week|quarter|day)s?(?![\w]))"
)


def _period_in_english_order(match: re.Match[str]) -> str:
    n, unit, which = match["n"], match["unit"], match["which"]
    if which == "now" or (n is None and which in ("past", "ago", "coming")):
        return match.group(0)  # "month now" is no period; "week past" is left as written
    word = {"before": "last", "previous": "last", "ago": "past", "now": "this"}.get(which, which)
    return f"{word} {n} {unit}" if n else f"{word} {unit}"


#: A self-correction: what follows replaces the same kind of thing said just before ("khách Bạch Kim, à nhầm, khách
#: Vàng", "7 ngày tới, à thôi, 30 ngày tới", "via Zalo, I mean email").
_CORRECTION = re.compile(
    r"[,;]?\s*(?<![\w])(?:(?:a|ay|u|uh|um|ah|oh) (?:khong|nham|thoi|quen|chet|khong phai)(?: nham)?|nham roi)"
    r"(?![\w])\s*[,;]?\s*"
    r"|[,;]?\s*(?<![\w])(?:i mean|no wait|sorry|or rather|make that|scratch that|actually)\s*[,;]?\s*"
)
_WINDOW_START = re.compile(
    r"^(?:top \d+|\d+ (?:ngay|tuan|thang|days?|weeks?|months?)|(?:ca |the |this |next |last )?"
    r"(?:thang|quy|tuan|nam|month|quarter|week|year)\b)"
)


_NAMED_PERIOD = re.compile(
    r"(?<![\w])(?:ca |this |next |last )?(?:thang|quy|tuan|nam|month|quarter|week|year)"
    r"(?: (?:nay|truoc|toi|sau|qua|\d+))?(?![\w])"
)


#: Roles one correction may swap between ("qua Zalo, à không, qua email": an app for a channel).
_KIN_ROLES = ({"chat_app", "interaction_channel", "txn_channel"}, {"measure", "fact", "kind"})


def _corrections_applied(folded: str, vocabulary: Vocabulary | None) -> str | None:
    """``folded`` with each self-corrected phrase blanked: the correction's first word tells what kind of thing
    it replaces (a period or a "top N", else a lexicon role), and the last one of that kind before it goes."""
    for _ in range(3):
        marker = next((m for m in _CORRECTION.finditer(folded) if m.end() < len(folded)), None)
        if marker is None:
            return folded
        before, after = folded[: marker.start()], folded[marker.end() :]
        window = _WINDOW_START.match(after)
        cut: tuple[int, int] | None = None
        if window is not None and window.group(0).startswith("top"):
            last = list(re.finditer(r"(?<![\w])top \d+", before))
            cut = last[-1].span() if last else None
        elif window is not None:
            spans = [m.span() for m in _FUTURE.finditer(before)] + [m.span() for m in _NAMED_PERIOD.finditer(before)]
            cut = max(spans, key=lambda span: span[1]) if spans else None
        else:
            extra = vocabulary.entries() if vocabulary else ()
            first = next(iter(_scan(after, [], extra)), None)
            if first is not None and first.start <= 12:
                family = next((kin for kin in _KIN_ROLES if first.role in kin), {first.role})
                same = [item for item in _scan(before, [], extra) if item.role in family]
                cut = (same[-1].start, same[-1].end) if same else None
        if cut is None:  # a correction of what, is not clear: never read the rest as if it had not been said
            return None
        start, end = cut
        folded = f"{before[:start]}{' ' * (end - start)}{before[end:]}{' ' * (marker.end() - marker.start())}{after}"
    return folded


_CENTRAL_NAO = re.compile(
    r"(?:(?<=khach )|(?<=kh )|(?<=nguoi )|(?<=cai )|(?<=viec )|(?<=ngay ))mo(?= co | la | dang | chua | da |\s*$)"
)
#: Columns listed after a colon ("…: client | amt | maturity", "→ client, amt"): the rows, each with them.
_COLUMNS_AFTER_COLON = re.compile(r":\s*(?:clients?|kh|khach(?: hang)?|cust\w*|customers?|names?|ten)\s*[,|+/]")
_CLOCK_NOW = re.compile(r"(?:(?<=den )|(?<=toi )|(?<=bay )|(?<=hien ))h(?![\w])")
#: A day and a month by name ("1 March", "31st of January 2026", "March 1"); "may" is also Vietnamese "mấy".
_DAY_MONTH = re.compile(
    rf"(?<![\w/])(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH_NAME})|"
    rf"(?P<m2>{_MONTH_NAME})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)(?:,?\s+(?P<y>\d{{4}}))?(?![\w/])"
)
_FROM_TODAY = re.compile(
    r"(?<![\w])(?P<lead>between|from|tu)\s+(?:today|hom nay)\s+(?P<sep>and|to|until|till|den|toi)\s+"
    r"(?:het |ngay |het ngay )?(?=\d)"
)


def _numeric_date(match: re.Match[str]) -> str:
    month_name = match["m1"] or match["m2"]
    if month_name == "may" and not match["y"]:
        return match.group(0)
    day = match["d1"] or match["d2"]
    return f"{day}/{_MONTHS_EN[month_name]}" + (f"/{match['y']}" if match["y"] else "")


_MONTH_SHORTHAND = re.compile(r"(?<![\w/])(?:t|th|thg ?)(1[0-2]|[1-9])(?![\w%])(?!/)")
_MONTH_NAMED_MONTH = re.compile(
    rf"(?<![\w])(?:(?:the )?month of (?P<name>{_MONTH_NAME})|(?P<name2>{_MONTH_NAME}) month)(?![\w])"
)
_VI_MONTH_WORD = re.compile(r"(?<![\w])thang (" + "|".join(sorted(_VI_MONTHS, key=len, reverse=True)) + r")(?![\w])")
_N_BEFORE_NOUN = re.compile(
    r"(?<![\w.,])(?P<n>\d{1,3})\s+(?=(?:kh|khach(?: hang)?|nguoi(?: khach)?|clients?|customers?|accounts?|"
    r"tai khoan|khoan|transactions?|giao dich)(?![\w]))"
)
_FUTURE = re.compile(
    r"(?<![\w])(?:(?:in|within|during|over|for)\s+)?(?:the\s+)?(?:next|coming|upcoming|trong|sap toi|past|last)?\s*"
    r"(?P<n>\d{1,4})\s*(?P<unit>days?|weeks?|months?|ngay|tuan|thang)\s*(?P<tail>toi|sap toi|nua|ke tiep|tiep theo)?"
    r"(?![\w])"
)
_NEXT_PERIOD = re.compile(
    r"(?<![\w])(?P<what>next week|tuan sau|tuan toi|next month|thang sau|thang toi|"
    r"this week|tuan nay|this month|thang nay|today|hom nay|tomorrow|ngay mai|"
    r"(?:den |toi )?(?:het|cuoi) thang(?: nay)?|"
    r"(?:to|till|until|by) (?:the )?end of (?:the |this )?month|rest of the month)(?![\w])"
)


@functools.cache
def _known_words() -> frozenset[str]:
    """Every word the lexicon spells out (3 letters or more), for catching a slip of the keyboard."""
    words: set[str] = set(_STOPWORDS) | _PERIOD_WORDS | set(_MONTHS_EN) | set(_NUMBER_WORDS)
    for _, _, pattern in _LEXICON:
        for alternative in _longest_first(pattern):
            plural = re.fullmatch(r"([a-z ]+)s\?", alternative)
            spelled = [plural.group(1), plural.group(1) + "s"] if plural else [alternative]
            for text in spelled:
                if re.fullmatch(r"[a-z ]+", text):
                    words.update(text.split())
    return frozenset(word for word in words if len(word) >= 3)


#: The words periods are written with (read by ``find_period``, not by the lexicon): never "corrected".
_PERIOD_WORDS = set(
    """last next past this week weeks month months year years quarter quarters day days today yesterday tomorrow ago
    since from until till between dau nay qua truoc toi sau tuan thang nam ngay quy gio hom mai vua roi date to
    start end current previous coming upcoming within fortnight mtd qtd ytd so far""".split()  # noqa: SIM905
)


def _untelex(word: str) -> str:
    """A word typed with Telex marks left unconverted: a trailing tone letter, doubled vowels, "dd", "aw/ow/uw"."""
    bare = re.sub(r"(?<=[aeiouy])([sfrxj])(?=[a-z]*$)", "", word) if len(word) > 3 else word
    bare = re.sub(r"([sfrxj])$", "", bare) if bare == word and len(word) > 3 else bare
    return re.sub(r"aa|aw|ee|oo|ow|uw|dd", lambda match: match.group(0)[0], bare)


def _corrected(word: str) -> str:
    """``word``, or the one known word it is a slip of: a doubled last letter, or one vowel dropped."""
    known = _known_words()
    if word in known or len(word) < 3 or not word.isalpha():
        return word
    telex = _untelex(word)
    if telex != word and telex in known:  # "khachs" → "khach", "tieenf" → "tien", "duw" → "du"
        return telex
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} & known
    if len(swapped) == 1:  # two letters typed the wrong way round: "khahc" → "khach", "vya" → "vay", "dcih" → "dich"
        return swapped.pop()
    if len(word) < 4:
        return word
    if word[-1] == word[-2] and word[:-1] in known:
        return word[:-1]
    for index in range(1, len(word) + 1):  # "nhiu" → "nhieu"
        for letter in "aeiouy":
            candidate = word[:index] + letter + word[index:]
            if len(candidate) >= 5 and candidate in known:
                return candidate
    return word


# --------------------------------------------------------------------------- the taught vocabulary

#: Where the taught vocabulary lives: phrases helper sessions wrote per concept (``terms_*.tsv``) and words that
#: never change what is asked (``filler.tsv``), none of them from an evaluation set (see taught/README.md).
_TAUGHT_DIR = Path(__file__).with_name("taught")
#: Concepts whose id is not ``role:value``.
_CONCEPTS = {
    "balance": ("balance", "balance"), "clients": ("clients", "clients"), "list": ("list", "list"),
    "trend": ("trend", "month"), "dim:month": ("trend", "month"), "share": ("share", "share"),
    "compare": ("compare", "vs"), "overdue": ("overdue", "overdue"), "open": ("open", "open"), "done": ("done", "done"),
    "unread": ("unread", "unread"), "maturing": ("maturing", "maturing"), "birthday": ("birthday", "birthday"),
    "inactive": ("inactive", "inactive"), "negation": ("negation", "not"), "onboarded": ("onboarded", "onboarded"),
    "current": ("current", "now"), "preferred": ("preferred", "preferred"),
}  # fmt: skip
_GROUP_LEAD = re.compile(r"^(?:chia theo|phan theo|theo tung|theo|tung|moi|by|per|each|split by|broken down by) ")


def _lexicon_reading(phrase: str) -> set[tuple[str, str]]:
    """The (role, value) pairs the built-in lexicon reads the whole of ``phrase`` as."""
    return {(role, value) for role, value, pattern in _ENTRIES if pattern.fullmatch(phrase)}


@functools.cache
def _taught_entries() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """The taught phrases the lexicon lacks, as entries. A phrase is left out when the lexicon reads it as
    something else, when two concepts claim it, or when it is a filler word, a number or a period word:
    a teacher's slip must never turn a question the reader answers today into a different one."""
    roles = {(role, value) for role, value, _ in _LEXICON}
    claims: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(_TAUGHT_DIR.glob("terms_*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            concept, _, phrase = line.partition("\t")
            target = _CONCEPTS.get(concept) or tuple(concept.split(":", 1))
            words = re.sub(r"\s+", " ", fold(phrase)).strip(" .,;:!?")  # "a/c", "w/o", "f&b" keep their marks
            if target[0] == "dim":
                words = _GROUP_LEAD.sub("", words)
            if len(target) != 2 or target not in roles or len(words) < 2 or re.search(r"\d", words):
                continue
            claims.setdefault(words, set()).add((target[0], target[1]))
    entries = []
    for words, targets in sorted(claims.items()):
        if len(targets) != 1 or words in _STOPWORDS or words in _PERIOD_WORDS or _lexicon_reading(words):
            continue
        role, value = next(iter(targets))
        entries.append((role, value, re.compile(rf"(?<![\w']){re.escape(words)}(?![\w'])")))
    return tuple(entries)


@functools.cache
def _filler() -> tuple[frozenset[str], tuple[tuple[str, str, re.Pattern[str]], ...]]:
    """Taught words and phrases that never change what is asked ("kindly", "do the needful", "nghe"): single
    words join the stopwords, phrases are read as noise. Any holding a word the lexicon reads is left out."""
    content = _known_words() - _STOPWORDS
    words: set[str] = set()
    phrases = []
    for line in (_TAUGHT_DIR / "filler.tsv").read_text(encoding="utf-8").splitlines():
        folded = " ".join(_WORD.findall(fold(line.partition("\t")[2])))
        parts = folded.split()
        if not parts or any(part in content or part.isdigit() for part in parts) or _lexicon_reading(folded):
            continue
        if len(parts) == 1:
            words.add(folded)
        elif any(pattern.search(folded) for _, _, pattern in (*_ENTRIES, *_taught_entries())):
            continue  # a phrase the lexicon reads a piece of: "have a nice day" must not hide a "day"
        else:
            phrases.append(("noise", "", re.compile(rf"(?<![\w']){re.escape(folded)}(?![\w'])")))
    return frozenset(words), tuple(phrases)


def _literal_start(pattern: str) -> str | None:
    """The letters an entry's pattern must start with ("deposit" of "deposits?", "tong" of "tong cong"), or None
    when it starts with a group or a class: then it is tried on every question."""
    lead = "(?<![\\w'])"
    if not pattern.startswith(lead):
        return None
    body, letters, index = pattern[len(lead) :], [], 0
    if body.startswith("(?:"):
        body = body[3:]
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] == " ":
            break  # the first word ends
        if not (char.isalnum() and char.isascii()):
            break
        letters.append(char)
        index += 1
    if index < len(body) and body[index] in "?*{":
        letters = letters[:-1]  # "deposits?": the last letter may be missing
    return "".join(letters) if len(letters) >= 2 else None


@functools.cache
def _entry_index() -> tuple[
    dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]], tuple[tuple[str, str, re.Pattern[str]], ...]
]:
    """The lexicon, taught and filler entries by the letters they start with, and those that start otherwise."""
    by_start: dict[str, list[tuple[str, str, re.Pattern[str]]]] = {}
    anywhere = []
    for entry in (*_ENTRIES, *_taught_entries(), *_filler()[1]):
        start = _literal_start(entry[2].pattern)
        if start is None:
            anywhere.append(entry)
        else:
            by_start.setdefault(start, []).append(entry)
    return {start: tuple(entries) for start, entries in by_start.items()}, tuple(anywhere)


def _entries_for(folded: str) -> list[tuple[str, str, re.Pattern[str]]]:
    """The entries that can match somewhere in ``folded``: those starting with the first letters of one of its
    words (a few hundred of the three thousand), in lexicon order, so longest-first ties break as before."""
    by_start, anywhere = _entry_index()
    picked: set[tuple[str, str, re.Pattern[str]]] = set()
    chosen = list(anywhere)
    for word in set(re.findall(r"[a-z0-9]+", folded)):
        for end in range(2, len(word) + 1):
            for entry in by_start.get(word[:end], ()):
                if entry not in picked:
                    picked.add(entry)
                    chosen.append(entry)
    order = _entry_order()
    return sorted(chosen, key=lambda entry: order[entry])


@functools.cache
def _entry_order() -> dict[tuple[str, str, re.Pattern[str]], int]:
    """Each entry's rank, by value: two threads' first questions may build the tables twice, and an index of one
    build must still find its entries' ranks in the other (keyed by ``id`` it raised KeyError under load)."""
    order: dict[tuple[str, str, re.Pattern[str]], int] = {}
    for rank, entry in enumerate((*_ENTRIES, *_taught_entries(), *_filler()[1])):
        order.setdefault(entry, rank)
    return order


def _span_free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return all(end <= a or start >= b for a, b in taken)


@dataclass
class _Found:
    role: str
    value: str
    start: int
    end: int
    text: str


def _scan(
    folded: str, taken: list[tuple[int, int]], extra: tuple[tuple[str, str, re.Pattern[str]], ...] = ()
) -> list[_Found]:
    """Every lexicon entry in the question (and the bank's own names), longest first, never two over the same words."""
    candidates = []
    for role, value, pattern in (*_entries_for(folded), *extra):
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                candidates.append((_Found(role, value, match.start(), match.end(), match.group(0)), pattern))
    candidates.sort(key=lambda pair: (-(pair[0].end - pair[0].start), pair[0].start))
    chosen: list[_Found] = []
    for found, pattern in candidates:
        if not _span_free(taken, found.start, found.end):
            # "dư nợ vay mua xe": when "vay mua xe" is taken, "dư nợ vay" still reads as "dư nợ", never "nợ" as "no"
            limit = min((a for a, _ in taken if found.start < a < found.end), default=None)
            shorter = pattern.match(folded, found.start, limit) if limit is not None else None
            if shorter is None or shorter.end() <= shorter.start() or not _span_free(taken, found.start, shorter.end()):
                continue
            found = _Found(found.role, found.value, shorter.start(), shorter.end(), shorter.group(0))
        taken.append((found.start, found.end))
        chosen.append(found)
    return sorted(chosen, key=lambda found: found.start)


#: "before" with no date after it ("gửi trước 3h" is a clock, "gọi trước" is first): never a filter.
_BEFORE = frozenset({"truoc", "before"})


def _leftover(folded: str, taken: list[tuple[int, int]]) -> list[str]:
    words = []
    for match in _WORD.finditer(folded):
        word = match.group(0)
        if (
            _span_free(taken, match.start(), match.end())
            and word not in _STOPWORDS
            and word not in _filler()[0]
            and not word.isdigit()
            and not (word in _BEFORE and not re.match(r"\s*(?:ngay\s*)?\d", folded[match.end() :]))
        ):
            words.append(word)
    return words


def _future_window(today: dt.date, n: int, unit: str) -> Period | None:
    days = n * (7 if unit.startswith(("week", "tuan")) else 30 if unit.startswith(("month", "thang")) else 1)
    if not 1 <= days <= MAX_DAYS:
        return None
    end = today + dt.timedelta(days=days)
    unit = "weeks" if unit.startswith(("week", "tuan")) else "months" if unit.startswith(("month", "thang")) else "days"
    return Period(today, end, f"next {n} {unit} ({today.isoformat()} – {end.isoformat()})")


def _named_window(what: str, today: dt.date) -> Period:
    monday = today - dt.timedelta(days=today.weekday())
    if what in ("next week", "tuan sau", "tuan toi"):
        start = monday + dt.timedelta(days=7)
        return Period(start, start + dt.timedelta(days=6), f"next week ({start.isoformat()} – …)")
    if what in ("next month", "thang sau", "thang toi"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        start = dt.date(year, month, 1)
        end = (dt.date(year + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
        return Period(start, end, f"next month ({start.isoformat()} – {end.isoformat()})")
    if what in ("this week", "tuan nay"):
        return Period(monday, monday + dt.timedelta(days=6), f"this week ({monday.isoformat()} – …)")
    if what in ("this month", "thang nay"):
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Period(start, end, f"this month ({start.isoformat()} – {end.isoformat()})")
    if "het" in what or "cuoi" in what or "end of" in what or "rest of" in what:  # from today to the month's end
        end = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Period(today, end, f"to the end of the month ({today.isoformat()} – {end.isoformat()})")
    if what in ("tomorrow", "ngay mai"):
        day = today + dt.timedelta(days=1)
        return Period(day, day, "tomorrow")
    return Period(today, today, "today")


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Vocabulary:
    """Names that belong to this bank rather than to the language: its products and its clients' occupations."""

    products: tuple[tuple[str, str], ...] = ()
    occupations: tuple[str, ...] = ()
    #: The signed-in RM's own clients' full names: "AUM của chị Nguyễn Thị Giang" names one of them.
    clients: tuple[str, ...] = ()
    #: The cities the RM's clients live in ("Hội An", "Tam Kỳ"): a bank's towns are more than the big cities.
    cities: tuple[str, ...] = ()

    def client_named(self, text: str) -> str | None:
        """The full name of the RM's client a matched name (honorific included) is, or None."""
        by_name, pattern = _client_names(self)
        match = pattern.fullmatch(text)
        return by_name.get(match["name"]) if match else None

    def entries(self) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
        return _vocabulary_entries(self)


#: Other words for the occupations banks record in English ("giáo viên" is a Teacher), folded; a client word in
#: front ("khách hưu trí") is read with it, so a retiree is never read as a pension payment.
_OCCUPATION_WORDS = {
    "retiree": "retired|retirees|pensioners?|huu tri|nghi huu|ve huu|da nghi huu",
    "teacher": "teachers|giao vien|co giao|thay giao|gv",
    "engineer": "engineers|ky su",
    "software engineer": "software engineers|developers?|programmers?|ky su phan mem|lap trinh vien",
    "doctor": "doctors|physicians?|bac si|bac sy",
    "nurse": "nurses|y ta|dieu duong",
    "lawyer": "lawyers|attorneys?|luat su",
    "pharmacist": "pharmacists|duoc si|duoc sy",
    "accountant": "accountants|ke toan",
    "architect": "architects|kien truc su",
    "pilot": "pilots|phi cong",
    "business owner": "business owners|entrepreneurs?|chu doanh nghiep|doanh nhan|chu dn|sme owners?",
    "shop owner": "shop owners|shopkeepers?|chu cua hang|chu tiem|chu shop",
    "restaurant owner": "restaurant owners|chu nha hang|chu quan",
    "university lecturer": "university lecturers|lecturers?|professors?|giang vien|giang vien dai hoc",
    "company director": "company directors|directors?|giam doc|ceos?",
    "office worker": "office workers|nhan vien van phong|dan van phong",
    "civil servant": "civil servants|government employees?|cong chuc|vien chuc|cong chuc nha nuoc",
    "senior manager": "senior managers|quan ly cap cao",
    "sales executive": "sales executives|salespeople|nhan vien kinh doanh|nhan vien sales",
    "marketing manager": "marketing managers|truong phong marketing|quan ly marketing",
    "real estate investor": "real estate investors|property investors?|nha dau tu bat dong san|dau tu bds",
}
#: Other words for the catalog's products, keyed by the product's folded name.
_PRODUCT_WORDS: dict[str, tuple[str, ...]] = {
    "home loan": (r"home loans|mortgages?|housing loans?|vay mua nha|vay nha|vay mua can ho",),
    "car loan": (r"car loans|auto loans?|vay mua (?:xe|o ?to)|vay xe|vay oto",),
    "home renovation loan": (r"renovation loans?|vay sua (?:chua )?nha",),
    "business working-capital loan": (r"business loans?|working[- ]capital loans?|vay (?:kinh doanh|von luu dong)",),
    "cashback credit card": (r"cashback cards?|the (?:tin dung )?hoan tien",),
}
_CLIENT_WORD = r"(?:(?:cac |nhung |may )?(?:khach hang|khach|kh|nguoi)(?: la| lam| dang lam| nghe)? )?"


#: How an RM names a client before the name: "chị Giang", "anh Nguyễn Quốc Kiên", "Mrs Tran Thu Tuyet".
_HONORIFIC = r"(?:(?:khach hang|khach|kh|anh|chi|ong|ba|co|chu|bac|em|mr|mrs|ms|miss|client)\.? )?"


@functools.lru_cache(maxsize=64)
def _client_names(vocabulary: Vocabulary) -> tuple[dict[str, str], re.Pattern[str]]:
    """The RM's clients' names, folded, and one pattern that finds any of them (longest first)."""
    by_folded = {fold(name): name for name in vocabulary.clients if len(fold(name).split()) >= 2}
    given: dict[str, list[str]] = {}
    for folded, name in by_folded.items():
        given.setdefault(folded.split()[-1], []).append(name)
    known = _known_words()
    by_given = {  # "chị Giang" when she is the only Giang among this RM's clients, and "giang" is no other word
        f"{title} {word}": names[0]
        for word, names in given.items()
        if len(names) == 1 and len(word) >= 3 and word not in known
        for title in ("anh", "chi", "ong", "ba", "co", "chu", "bac", "mr", "mrs", "ms")
    }
    everything = {**by_given, **by_folded}
    names = "|".join(re.escape(name) for name in sorted(everything, key=len, reverse=True)) or r"(?!x)x"
    return everything, re.compile(rf"(?<![\w'])(?:{_HONORIFIC}(?P<name>{names}))(?![\w'])")


@functools.lru_cache(maxsize=64)
def _vocabulary_entries(vocabulary: Vocabulary) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """The bank's names as lexicon entries, built once per vocabulary (not on every question)."""
    found = []
    for code, name in vocabulary.products:
        for words in {fold(name), fold(code.replace("_", " ")), fold(code)}:
            if len(words) >= 3:
                found.append(("product", code, re.compile(rf"(?<![\w']){re.escape(words)}(?![\w'])")))
    for code, name in vocabulary.products:  # "vay mua nhà" is the Home Loan, never every loan
        for alias in _PRODUCT_WORDS.get(fold(name), ()):
            found.append(("product", code, re.compile(rf"(?<![\w'])(?:{alias})(?![\w'])")))
    for occupation in vocabulary.occupations:
        words = fold(occupation)
        if len(words) >= 3:
            found.append(("occupation", occupation, re.compile(rf"(?<![\w']){re.escape(words)}s?(?![\w'])")))
        if words in _OCCUPATION_WORDS:
            alternatives = f"{re.escape(words)}s?|{_OCCUPATION_WORDS[words]}"
            found.append(
                ("occupation", occupation, re.compile(rf"(?<![\w']){_CLIENT_WORD}(?:{alternatives})(?![\w'])"))
            )
    for city in vocabulary.cities:
        words = fold(city)
        if len(words) >= 3 and not any(role == "city" and pattern.fullmatch(words) for role, _v, pattern in _ENTRIES):
            spaced = r"\s?".join(re.escape(part) for part in words.split())  # "hoi an", "hoian"
            found.append(("city", city, re.compile(rf"(?<![\w']){spaced}(?![\w'])")))
    if vocabulary.clients:
        found.append(("client_name", "", _client_names(vocabulary)[1]))
    return tuple(found)


def read_question(question: str, today: dt.date, vocabulary: Vocabulary | None = None) -> Reading:
    """The plan of a question, or the words that kept it from being read. A preamble before a colon or a dash
    ("Sếp hỏi số liệu cho buổi họp chiều nay: …", "Quick one before my 2pm - …") is left out when it carries
    no word the lexicon knows as a measure, a filter or a period: nothing the answer should honour is lost."""
    reading = _read(question, today, vocabulary)
    if reading.plan is not None or reading.legacy or not reading.unknown_words:
        return reading
    asked = _without_small_talk(question, today, vocabulary)
    if asked is not None:  # "Hi there, hope you're well. … Thanks so much!": the sentences that ask
        shorter = _read(asked, today, vocabulary)
        if shorter.plan is not None or shorter.legacy:
            return shorter
        if shorter.unknown_words:  # the words that keep the ask itself from being read, not the small talk's
            question, reading = asked, shorter
    splits = [question.rpartition(separator)[::2] for separator in (":", " - ", " – ", " — ") if separator in question]
    request = _REQUEST.search(question)
    if request is not None:  # "I'm a bit worried about fund outflows, could you please pull up …": the context
        splits.append((question[: request.start()], question[request.start() :]))
    for preamble, asked in splits:
        if asked.strip() and not _preamble_adds(preamble, asked, today, vocabulary):
            shorter = _read(asked, today, vocabulary)
            if shorter.plan is not None or shorter.legacy:
                return shorter
    return reading


#: Where the request begins after the RM's context, at a clause's start: ", could you please …", ", nhờ em …".
_REQUEST = re.compile(
    r"(?<=[,.;!?])\s*(?:(?:so |and )?(?:could|can|would|will) you|(?:please|pls|kindly|plz)\b|"
    r"(?:nho|nhờ|giup|giúp|cho|xem|check|coi) (?:em|chi|chị|anh|a|e|minh|mình|toi|tôi|tui|giup|giúp|dum|dùm))",
    re.IGNORECASE,
)


#: Words that change what is asked without being a lexicon word ("median", "except", "only"): a sentence that holds
#: one is never small talk.
_MODIFIERS = frozenset(
    """median mode except excluding exclude excl only just but not no never without rather instead separately
    minus net gross per each every none any other others same different ratio rate growth change changes
    increase decrease drop rise vs versus than more less fewer most least first last next previous top bottom
    chi ngoai tru tru khong chua ko k tung moi cac rieng""".split()  # noqa: SIM905
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def _without_small_talk(question: str, today: dt.date, vocabulary: Vocabulary | None) -> str | None:
    """The question without its sentences of small talk ("Hope you're well.", "Thanks so much!", "I'm preparing my
    report for the branch head."): a sentence that names nothing the lexicon reads, no period, no number and no
    word that changes what is asked. None when there is nothing to leave out, or nothing would be left."""
    sentences = [
        clause.strip()
        for piece in _SENTENCE.findall(question)
        for clause in re.split(r"(?<=[,;])\s+", piece)
        if clause.strip()
    ]  # sentences, and the clauses of each ("…, could you please pull up my top 5 clients by AUM?")
    if len(sentences) < 2:
        return None
    kept = []
    for sentence in sentences:
        folded = fold(_ACCENTED_PARTICLE.sub(" ", sentence))
        found, period, threshold = _glance(sentence, today, vocabulary)  # one scan of the sentence
        read = [item for item in found if item.role != "noise"]
        words = set(_WORD.findall(folded))
        if read or period or threshold or re.search(r"\d", folded) or words & _MODIFIERS:
            kept.append(sentence)  # "which clients had a product we've since discontinued?" is no small talk
    if not kept or len(kept) == len(sentences):
        return None
    return " ".join(kept)


#: The roles a preamble may hold and still be left out: none changes what is asked.
_PREAMBLE_ROLES = frozenset({"clients", "list", "noise", "shown", "clock", "current"})


def _glance(text: str, today: dt.date, vocabulary: Vocabulary | None) -> tuple[list[_Found], bool, bool]:
    """A quick read of a piece of a question: the entries found, whether a period, whether a threshold."""
    folded = fold(_ACCENTED_PARTICLE.sub(" ", text))
    period = bool(find_period(folded, today, is_folded=True) or _FUTURE.search(folded) or _NEXT_PERIOD.search(folded))
    return _scan(folded, [], vocabulary.entries() if vocabulary else ()), period, bool(_THRESHOLD.search(folded))


def lexicon_reading(text: str, vocabulary: Vocabulary | None = None) -> tuple[str, list[tuple[str, str, int, int]]]:
    """The folded text and every lexicon entry in it as (role, value, start, end), in order: the reporting words
    are the bank's words, and other rooms (prioritization's filters) read a request with the same ones."""
    folded = fold(_ACCENTED_PARTICLE.sub(" ", text))
    found = _scan(folded, [], vocabulary.entries() if vocabulary else ())
    return folded, [(item.role, item.value, item.start, item.end) for item in found]


def _named(text: str, today: dt.date, vocabulary: Vocabulary | None) -> tuple[set[tuple[str, str]], bool, bool]:
    """What ``text`` names: its (role, value) pairs beyond the harmless ones, whether a period, whether a threshold."""
    found, period, threshold = _glance(text, today, vocabulary)
    if not any(item.role == "group" for item in found):  # "nhóm khách kim cương": a dimension word breaks nothing down
        found = [item for item in found if item.role != "dim"]
    return {(item.role, item.value) for item in found if item.role not in _PREAMBLE_ROLES}, period, threshold


#: A preamble this long is a sentence about the RM's day ("Sáng mai em có buổi cà phê với …"), not a label.
_CONTEXT_WORDS = 5


def _preamble_adds(preamble: str, asked: str, today: dt.date, vocabulary: Vocabulary | None) -> bool:
    """Whether a preamble names something the question after it does not (then it must be honoured, so it is
    not left out): a measure, a filter, a threshold, or a period when the question names none. A meeting's
    time ("trước 3h", "sáng mai") beside a question with its own period, or a segment the question repeats
    ("cà phê với nhóm khách kim cương: … trong số khách kim cương …"), adds nothing."""
    said, said_period, said_threshold = _named(preamble, today, vocabulary)
    asked_names, asked_period, _ = _named(asked, today, vocabulary)
    a_label = len(_WORD.findall(preamble)) < _CONTEXT_WORDS  # "Tháng 10:" dates what follows; a sentence does not
    return bool(said - asked_names) or said_threshold or (said_period and not asked_period and a_label)


def spelled_out(question: str) -> str:
    """The question folded, with regional, chat and note-taking shorthand written out and a self-correction applied
    ("tháng này, à không, cả quý này"): what the fixed metrics read too."""
    question = _ACCENTED_SPELLING.sub(lambda match: _ACCENTED_SPELLINGS[match.group(0).lower()], question)
    folded = fold(_ACCENTED_PARTICLE.sub(" ", question))
    folded = _SPELLING.sub(lambda match: _SPELLINGS[match.group(0)], folded)
    return _corrections_applied(folded, None) or folded


def _read(question: str, today: dt.date, vocabulary: Vocabulary | None = None) -> Reading:
    """The plan of one question text, or the words that kept it from being read."""
    if re.search(r"!=|≠|<>|¬", question):  # "segment != Standard": an exclusion the composer does not write
        return Reading(None, ("≠",))
    question = question.replace("≤", "<=").replace("≥", ">=").replace("Σ", " total ").replace("∑", " total ")
    question = re.sub(r"#(?=\s*[A-Za-z])", " number of ", question)  # "#accts": how many
    question = re.sub(r"\s*(?:→|->|=>)\s*", ": ", question)  # "… → client, amt": the columns asked
    folded = _PURPOSE.sub(lambda match: " " * len(match.group(0)), spelled_out(question))
    folded = _CENTRAL_NAO.sub("nao", folded)  # Central "khách mô có …": which clients
    folded = re.sub(r"\(\s*in\s*\)", "(inflows)", folded)  # "txns > 500M (in)": money in, never a lost "in"
    particles = [m.span(1) for m in re.finditer(r"(?<![\w])(khong|ko|k|chua|nhi)\s*\?", folded)]
    folded = folded.replace("?", " ").replace("!", " ")
    folded = _ABBREVIATION.sub(lambda match: _ABBREVIATIONS[match.group(0)], folded)
    folded = _NUMBER_WORD.sub(lambda match: str(_NUMBER_WORDS[match.group(0)]), folded)
    folded = re.sub(r"(?<![\w])(\d{1,3})d(?![\w])", r"\1 days", folded)  # "90d"
    folded = re.sub(r"(?<![\w])no\.(?= )", "number of", folded)  # "no. of Gold cust."
    folded = _VI_MONTH_WORD.sub(lambda match: f"thang {_VI_MONTHS[match.group(1)]}", folded)
    folded = _MONTH_SHORTHAND.sub(r"thang \1", folded)  # "t10", "th9", "thg 11": tháng 10, 9, 11
    folded = _CLOCK_NOW.sub("gio", folded)  # "đến h", "bây h": giờ (now)
    corrected = _corrections_applied(folded, vocabulary)  # "top 3, à không, top 5": top 5
    if corrected is None:
        return Reading(None)
    folded = corrected
    folded = re.sub(r"(?<![\w])as (?:of|at|on) (?:today|date|now)(?![\w])", "now", folded)  # no day's period
    folded = _NOUN_FIRST_PERIOD.sub(_period_in_english_order, folded)  # "month this", "14 day next", "week before"
    folded = re.sub(r"(?<![\w])or (?:not|no)(?:\s+(?:ah|ar|leh|lah|one))?\s*$", "", folded.rstrip(" ?.!"))  # a yes/no
    folded = re.sub(
        r"(?:(?<=over )|(?<=than )|(?<=above ))an? (?=(?:ty|ti|bil|billion|trieu|million|mil)(?![\w]))", "1 ", folded
    )
    folded = _FINAL_VAY.sub(lambda match: match["asked"] + " " * (len(match.group(0)) - len(match["asked"])), folded)
    folded = _SHARE_VERB.sub(lambda match: " " * len(match.group(0)), folded)  # "pls share cust name": show
    folded = re.sub(r"(?<![\w])fortnight(?![\w])", "2 weeks", folded)
    folded = _DAY_MONTH.sub(_numeric_date, folded)  # "1 March", "January 31, 2026": 1/3, 31/1/2026
    folded = _CURRENCY_FIRST.sub(lambda match: f"{match['amount']} vnd", folded)  # "VND 500M": 500m vnd
    folded = _FROM_TODAY.sub(lambda match: f"{match['lead']} {today:%d/%m/%Y} {match['sep']} ", folded)
    folded = _MONTH_NAMED_MONTH.sub(lambda match: match["name"] or match["name2"], folded)  # "Oct month": Oct
    folded = _WORD.sub(lambda match: _corrected(match.group(0)), folded)
    folded = re.sub(r"(?<=\w)'s(?![\w])", "  ", folded)  # "this month's target", "who's": the same length
    folded = re.sub(r"(?<=s)'(?![\w])", " ", folded)  # "my clients' balances"
    taken: list[tuple[int, int]] = []
    if re.search(r"(?<![\w])(?:co|da|duoc)(?![\w])", folded):  # "có … không?": a yes/no question
        taken.extend(particles)
        taken.extend(
            spoken.span(1)
            for spoken in re.finditer(
                r"(?<![\w])(khong|ko|k)(?= (?:xem|cho|nhe|vay|a|em|anh|chi|giup|gium|dum|nha|ha|list|"
                r"liet)(?![\w])|\s*[,.;])",
                folded,
            )
        )
    particle = re.search(r"(?<![\w])(?:khong|ko|k|chua|ko a|khong a|chua a|nhi)\s*$", folded.rstrip(" ."))
    if particle and re.search(r"(?<![\w])(?:co|da|duoc)(?![\w])", folded):  # "có … không?": a yes/no question
        taken.append(particle.span())
    future: Period | None = None
    period: Period | None = None
    top: tuple[str, int] | None = None
    threshold: tuple[str, float] | None = None
    money_threshold = False

    match = _TOP.search(folded)
    if match:
        direction = (match["dir"] or match["dir2"] or "top").lower()
        bottom = direction in ("bottom", "smallest", "lowest", "nho nhat", "thap nhat")
        top = ("bottom" if bottom else "top", int(match["n1"] or match["n2"]))
        taken.append(match.span())
    rate_threshold: tuple[str, float] | None = None
    threshold_at = -1
    percent = _PERCENT_THRESHOLD.search(folded)
    if percent:
        number = percent["num"].replace(",", ".")
        value = float(number) if re.fullmatch(r"\d+(?:\.\d+)?", number) else _NUMBER_WORDS.get(number)
        if value is not None:
            rate_threshold = (_OPS[percent["op"]], float(value))
            taken.append(percent.span())
    match = _THRESHOLD.search(folded) or _THRESHOLD_IN_WORDS.search(folded)
    if match and match.re is _THRESHOLD_IN_WORDS:
        amounts = find_amounts(match["num"])
        if amounts and amounts[0].value_vnd and amounts[0].value_vnd >= 1_000_000:
            threshold, money_threshold = (_OPS[match["op"]], float(amounts[0].value_vnd)), True
            taken.append(match.span())
        match = None
    if match:
        raw = match["num"].strip()
        amounts = find_amounts(raw)
        if amounts and amounts[0].value_vnd and amounts[0].value_vnd >= 1000:
            threshold, money_threshold = (_OPS[match["op"]], float(amounts[0].value_vnd)), True
        elif re.fullmatch(r"\d{1,6}", raw) and match["op"] != "tu":
            threshold = (_OPS[match["op"]], float(raw))
        if threshold is not None:
            if match["tail"] and match["tail"].strip() in ("tro xuong", "or less"):
                threshold = ("<=", threshold[1])
            taken.append(match.span())
            threshold_at = match.start()
    found_period = find_period(folded, today, is_folded=True)
    if found_period is not None and _TO_DATE.search(folded[slice(*found_period[1])]):
        whole, span = found_period  # "từ đầu quý đến giờ", "QTD": the quarter so far, not the whole quarter
        if whole.start <= today < whole.end:
            found_period = (
                Period(whole.start, today, f"to date ({whole.start.isoformat()} – {today.isoformat()})"),
                span,
            )
    months = _MONTH_RANGE.search(folded)
    if months:
        first = int(months["a"]) if months["a"] else _MONTHS_EN[months["na"] or months["nc"]]
        last = int(months["b"]) if months["b"] else _MONTHS_EN[months["nb"] or months["nd"]]
        if 1 <= first <= last <= 12:
            opens = dt.date(today.year, first, 1)
            closes = (dt.date(today.year + (last == 12), last % 12 + 1, 1)) - dt.timedelta(days=1)
            found_period = (Period(opens, closes, f"{opens.isoformat()} – {closes.isoformat()}"), months.span())
    since = _SINCE_MONTH.search(folded) if not months else None
    if since:
        month = int(since["m"]) if since["m"] else _MONTHS_EN[since["name"]]
        begins = dt.date(today.year, month, int(since["day"] or 1)) if month <= today.month else None
        if begins is not None:
            found_period = (Period(begins, today, f"since {begins.isoformat()}"), since.span())
    second: tuple[Period, tuple[int, int]] | None = None
    if found_period is not None:
        left, right = found_period[1]
        second = find_period(folded[:left] + "_" * (right - left) + folded[right:], today, is_folded=True)
        if second is not None and (
            second[0].start <= found_period[0].start <= found_period[0].end <= second[0].end
            or found_period[0].start <= second[0].start <= second[0].end <= found_period[0].end
        ):  # "from June to October this year": the year only says which June; "… đến hôm nay": where it ends
            narrower = (
                found_period
                if second[0].start == second[0].end
                or found_period[0].end - found_period[0].start <= second[0].end - second[0].start
                else second
            )
            taken.append(second[1] if narrower is found_period else found_period[1])
            found_period, second = narrower, None
        if second is not None:
            taken.append(second[1])
    match = _FUTURE.search(folded)
    if (
        match
        and _span_free(taken, *match.span())
        and re.search(r"next|coming|upcoming|toi|nua|ke tiep|tiep theo|within", match.group(0))
    ):
        future = _future_window(today, int(match["n"]), match["unit"])
        if future is None:
            return Reading(None, (match.group(0),))
        taken.append(match.span())
    if future is None:
        match = next(
            (
                named
                for named in _NEXT_PERIOD.finditer(folded)
                if named["what"] not in ("this week", "tuan nay", "this month", "thang nay", "today", "hom nay")
            ),
            None,
        )
        if (
            match
            and match["what"]
            in (
                "next week",
                "tuan sau",
                "tuan toi",
                "next month",
                "thang sau",
                "thang toi",
                "tomorrow",
                "ngay mai",
            )
        ) or (match and any(word in match["what"] for word in ("het", "cuoi", "end of", "rest of"))):
            future = _named_window(match["what"], today)
            taken.append(match.span())
    if future is None and found_period is not None and _span_free(taken, *found_period[1]):
        period = found_period[0]
        taken.append(found_period[1])
    elif future is None:
        match = _FUTURE.search(folded)  # "in 30 days", "30 ngay": a past window unless said otherwise
        if match and _span_free(taken, *match.span()):
            n, unit = int(match["n"]), match["unit"]
            days = n * (7 if unit.startswith(("week", "tuan")) else 30 if unit.startswith(("month", "thang")) else 1)
            ahead = _AHEAD.search(folded) and not re.search(r"past|last|qua|truoc|vua roi|gan day", match.group(0))
            if ahead and 1 <= days <= MAX_DAYS:  # "CD đáo hạn 30 ngày", "birthdays 7 days": what comes, not what was
                future = _future_window(today, n, match["unit"])
                taken.append(match.span())
            elif 1 <= days <= MAX_DAYS:
                unit = (
                    "weeks"
                    if unit.startswith(("week", "tuan"))
                    else "months"
                    if unit.startswith(("month", "thang"))
                    else "days"
                )
                period = Period(today - dt.timedelta(days=days), today, f"last {n} {unit}")
                taken.append(match.span())

    counted = _N_BEFORE_NOUN.search(folded) if top is None else None
    counted_free = counted is not None and _span_free(taken, *counted.span("n"))
    if counted is not None and counted_free:
        taken.append(counted.span("n"))
    found = _scan(folded, taken, vocabulary.entries() if vocabulary else ())
    if counted and top is None and any(item.role == "agg" and item.value in ("max", "min") for item in found):
        bottom = any(item.role == "agg" and item.value == "min" for item in found)
        top = ("bottom" if bottom else "top", int(counted["n"]))
    elif counted is not None and counted_free:
        return Reading(None, (counted["n"],))
    unknown = _leftover(folded, taken)
    if unknown:
        return Reading(None, tuple(dict.fromkeys(unknown)))
    for item in found:
        if item.role == "client_name" and vocabulary is not None:
            item.value = vocabulary.client_named(item.text) or ""
            if vocabulary.clients.count(item.value) > 1:
                return Reading(None)  # two of the RM's clients share that name: never one answer for both
    roles: dict[str, list[_Found]] = {}
    for item in found:
        roles.setdefault(item.role, []).append(item)
    for index, item in enumerate(found[:-1]):  # "của từng khoản", "each CD": every row, not a breakdown by kind
        after = found[index + 1]
        between = folded[item.end : after.start].strip()
        if (
            item.role == "group"
            and item.value == "by"
            and (
                (not between and after.role == "noun")
                or (not between and after.role == "fact" and after.value in ("inbound", "sent", "transactions"))
                # "the maturity date for each deposit": every row
                or (
                    not between
                    and after.role == "measure"
                    and after.value in ("deposits", "loans")
                    and not after.text.endswith("s")
                )
                or (not between and after.role == "kind" and any(o.text == after.text for o in found[:index]))
                # "spent by my clients", "across all my customers": every client, not a breakdown by client
                or (after.role == "clients" and (item.text == "across" or between in ("my", "all my", "all of my")))
            )
        ):
            roles["group"].remove(item)
            if not roles["group"]:
                del roles["group"]
            if after.role == "clients":
                roles["clients"].remove(after)
                if not roles["clients"]:
                    del roles["clients"]
        elif item.role == "group" and after.role == "clients" and not between and not _values(roles, "dim"):
            roles["group"].remove(item)  # "AUM by client", "dư nợ theo từng khách": every client with their value
            if not roles["group"]:
                del roles["group"]
            roles.setdefault("list", [_Found("list", "list", 0, 0, "")])
            roles["byclient"] = [_Found("byclient", "client", 0, 0, "")]
    if (
        "maturing" not in roles
        and future is not None
        and any("dao han" in item.text or "maturity" in item.text for item in roles.get("shown", []))
    ):  # "CD nào đến ngày đáo hạn trong 2 tuần tới": the window is the maturity's
        roles["maturing"] = [_Found("maturing", "maturing", 0, 0, "")]
    amount_words = [item for item in roles.get("agg", []) if item.text in _AMOUNT_COLUMN]
    if (
        amount_words
        and len(roles["agg"]) == len(amount_words)
        and (
            "shown" in roles
            or any(item.text in _NAME_COLUMN for item in roles.get("list", []))
            or _COLUMNS_AFTER_COLON.search(folded)
        )
    ):  # "KH, số tiền, ngày", "tên khách, số tiền": the amount is a column of each row, not a total
        del roles["agg"]
        roles.setdefault("list", [_Found("list", "list", 0, 0, "")])
    for item in list(roles.get("kind", [])):  # "huy động mới (tính cả CASA)": CASA is counted in, not the only kind
        if re.search(
            r"(?:tinh ca|ke ca|including|incl|bao gom|gom ca)\s*$", folded[max(0, item.start - 14) : item.start]
        ):
            roles["kind"].remove(item)
            if not roles["kind"]:
                del roles["kind"]
    if threshold_at >= 0 and _after_a_row_noun(found, threshold_at):
        roles.setdefault("rowlevel", [_Found("rowlevel", "single", 0, 0, "")])  # "giao dịch nào > 100tr": each row
    if rate_threshold is not None:
        roles["rate_filter"] = [_Found("rate_filter", f"{rate_threshold[0]} {rate_threshold[1]:g}", 0, 0, "")]
    language = detect_language(question)
    if second is None and language == "vi" and [item.text for item in roles.get("compare", [])] == ["vs"]:
        roles["plus"] = roles.pop("compare")  # "tên kh vs số dư": Zalo's "vs" is "với" (with), one period only
    if (
        any(item.text == "chi tieu" for item in roles.get("direction", []))
        and (set(_values(roles, "measure")) & {"aum", "deposits", "loans"} or "interactions" in _values(roles, "fact"))
        and not any(role in roles for role in ("category", "txn_channel", "kind"))
        and "transactions" not in _values(roles, "fact")
    ):  # "huy động mới đạt mấy % chỉ tiêu": folded, a target ("chỉ tiêu") reads as spending ("chi tiêu")
        return Reading(None, legacy=True, target_metric=_target_metric(roles))
    if "legacy" in roles or any("chi tieu" in item.text for item in roles.get("gap", [])):
        return Reading(None, legacy=True, target_metric=_target_metric(roles))
    # "how much is left" only against a target; "… với lại …": two questions; "ở đâu": a counterparty, not read
    if "gap" in roles or "also" in roles or "where" in roles:
        return Reading(None)
    try:
        if second is not None:
            if period is None:  # two periods named, neither the answer's: "since June" beside "next week"
                raise _NotComposed("two periods named but not compared")
            # two separate periods named ("tháng 10 với tháng 9", "Oct and Sep"): the value in each, and the change
            parts = []
            for each in sorted((period, second[0]), key=lambda window: window.start):  # the change: later − earlier
                part = _compose(dict(roles), found, today, period=each, future=None, top=top, threshold=threshold,
                                money_threshold=money_threshold, language=language, comparing=True)  # fmt: skip
                if part.shape != "number":
                    raise _NotComposed("only single numbers are compared across periods")
                parts.append(dataclasses.replace(part, question=each.label).to_json())
            plan = dataclasses.replace(Plan.from_json(parts[0]), shape="compare", parts=tuple(parts))
        elif "share" in roles and _values(roles, "measure") == ["rate"]:
            del roles["share"]  # "lãi suất cao nhất là bao nhiêu %": a rate is a percentage already
            plan = _compose(roles, found, today, period=period, future=future, top=top, threshold=threshold,
                            money_threshold=money_threshold, language=language)  # fmt: skip
        elif "share" in roles and "group" in roles and _values(roles, "dim"):  # each group's share of the whole
            del roles["share"]
            plan = _compose(roles, found, today, period=period, future=future, top=top, threshold=threshold,
                            money_threshold=money_threshold, language=language)  # fmt: skip
            if plan.shape != "breakdown" or plan.with_total:
                raise _NotComposed("a share of something other than a breakdown")
            plan = dataclasses.replace(plan, with_share=True)
        elif "share" in roles:
            plan = _share(roles, found, today, period=period, future=future, threshold=threshold,
                          money_threshold=money_threshold, language=language)  # fmt: skip
        else:
            plan = _compose(roles, found, today, period=period, future=future, top=top, threshold=threshold,
                            money_threshold=money_threshold, language=language)  # fmt: skip
    except _NotComposed as error:
        logger.debug("composer: %s", error)
        return Reading(None, legacy=isinstance(error, _FollowUp))
    return Reading(dataclasses.replace(plan, question=folded.strip()))


#: Words that name the amount column ("số tiền", "amount") rather than a total ("tổng", "total", "how much").
_AMOUNT_COLUMN = frozenset({"so tien", "amount", "amounts", "amt", "amts", "gia tri", "value", "worth"})
#: Words that ask for the client's name as a column.
_NAME_COLUMN = frozenset({"ten", "name", "names", "ten kh", "ten khach"})


def _target_metric(roles: dict[str, list[_Found]]) -> str | None:
    """The one target metric the measure words name (new deposits, new loans, AUM, contacts), or None."""
    measures, facts = _values(roles, "measure"), _values(roles, "fact")
    if len(measures) == 1 and not facts:
        return {"aum": "aum", "deposits": "new_deposits", "loans": "new_loans"}.get(measures[0])
    return "client_contacts" if not measures and facts == ["interactions"] else None


_FOLLOW_UP_LEAD = re.compile(
    r"^(?:and|what about|how about|and for|same for|same but|con|the con|va|vay con|con voi|the|con thi)(?![\w])\s*"
)


def read_follow_up(question: str, previous: str, today: dt.date, vocabulary: Vocabulary | None = None) -> Reading:
    """A follow-up read against the previous question: its period replaces the previous one's, anything else
    (a breakdown, a segment) is added to it. "and last month?" after "new loans this month" is new loans last month."""
    text = _FOLLOW_UP_LEAD.sub("", fold(question).strip(" ?!.")).strip()
    if not text or not previous:
        return Reading(None, legacy=True)
    base = previous
    if find_period(text, today) or _NEXT_PERIOD.search(text) or _FUTURE.search(text) or _SINCE_MONTH.search(text):
        for pattern_span in (find_period(base, today, is_folded=True),):
            if pattern_span is not None:
                start, end = pattern_span[1]
                base = f"{base[:start]} {base[end:]}"
        for pattern in (_NEXT_PERIOD, _FUTURE, _SINCE_MONTH):
            base = pattern.sub(" ", base)
    reading = read_question(f"{base} {text}", today, vocabulary)
    if reading.plan is None:
        return reading
    return dataclasses.replace(reading, plan=dataclasses.replace(reading.plan, language=detect_language(question)))


class _NotComposed(ValueError):
    """Every word is known, but not in a shape the composer builds: said, never bent into a nearby one."""


class _FollowUp(_NotComposed):
    """No subject of its own ("and last month?"): the thread's previous question decides."""


_FACT_ROLES = ("fact", "measure", "kind", "noun", "interaction_channel", "balance")


def _after_a_row_noun(found: list[_Found], at: int) -> bool:
    """A threshold right after a transaction or account word and its filters ("giao dịch chuyển sang ngân hàng khác
    nào > 100tr", "CDs over 1bn") is on each row, not on a client's total."""
    skipped = ("list", "noise", "direction", "category", "txn_channel", "kind", "rowlevel", "maturing")
    for item in reversed([item for item in found if item.end <= at]):
        if at - item.end > 48:
            return False
        if (
            (item.role in ("fact", "noun") and item.value in ("transactions", "accounts"))
            or (item.role == "kind" and at - item.end <= 8)
            or (item.role == "direction" and item.text.endswith(("flows", "flow")) and at - item.end <= 8)
        ):  # "inflows over a tỷ": each inflow
            return True
        if item.role not in skipped:
            return False
    return False


def _clients_are_the_subject(found: list[_Found]) -> bool:
    """ "Which clients …", "how many clients", "clients with …": the answer is about clients. In "client contacts"
    or "tiếp xúc khách hàng bao nhiêu lần" the word only says whose the contacts are."""
    for index, item in enumerate(found):
        if item.role != "clients":
            continue
        before = found[index - 1] if index else None
        after = found[index + 1] if index + 1 < len(found) else None
        compound = item.text in ("client", "customer") and after is not None and after.role in _FACT_ROLES
        object_of_verb = (
            before is not None
            and before.role in ("fact", "interaction_channel", "sentverb")
            and not (after is not None and after.role in ("list", "negation"))
        )
        if compound or object_of_verb:
            continue  # "client contacts", "tiếp xúc khách hàng bao nhiêu lần": whose the rows are
        if before is not None and before.role in ("list", "agg", "segment", "risk", "city", "perclient"):
            return True
        if after is not None and after.role in (
            "list",
            "negation",
            "inactive",
            "birthday",
            "onboarded",
            "segment",
            "risk",
            "city",
        ):
            return True
        if after is None or after.role in ("measure", "kind", "noun", "balance", "maturing", "agg", "group"):
            return after is None or (after.role != "group" and item.text not in ("client", "customer"))
    return False


#: Which enum roles say a value of which dimension word ("negative sentiment", "sp đầu tư", "kênh Zalo").
_DIMENSION_OF_VALUES = {
    "sentiment": ("sentiment",), "channel": ("interaction_channel", "chat_app", "txn_channel"),
    "product": ("kind",), "kind": ("kind",), "segment": ("segment",), "risk": ("risk",), "city": ("city",),
    "category": ("category", "complaint_category"), "direction": ("direction",), "status": ("open", "done", "unread"),
    "group": ("segment", "risk", "category", "complaint_category"),
}  # fmt: skip


def _named_by_its_value(dimension: str, roles: dict[str, list[_Found]]) -> bool:
    return any(role in roles for role in _DIMENSION_OF_VALUES.get(dimension, ()))


def _counts_rows(found: list[_Found], roles: tuple[str, ...] = ("fact", "clients", "noun")) -> bool:
    """ "bao nhiêu giao dịch", "mấy lần": how many is asked of the rows, right after the words."""
    for index, item in enumerate(found[:-1]):
        if item.role == "agg" and item.value == "howmuch" and found[index + 1].role in roles:
            return found[index + 1].start - item.end <= 1
    return False


#: The dimension a value role's values belong to, per fact.
_VALUE_DIMENSION = {
    ("segment", None): "segment", ("risk", None): "risk", ("city", None): "city",
    ("interaction_channel", "interactions"): "interaction_channel", ("sentiment", "interactions"): "sentiment",
    ("category", "transactions"): "category", ("direction", "transactions"): "direction",
    ("txn_channel", "transactions"): "txn_channel", ("kind", "accounts"): "kind",
    ("chat_app", "sent"): "sent_channel", ("chat_app", "inbound"): "message_channel",
}  # fmt: skip


def _several_values(roles: dict[str, list[_Found]], fact: str | None) -> str | None:
    """The dimension of which the question names two or more values ("Zalo và email", "calls and meetings")."""
    for (role, of_fact), dimension in _VALUE_DIMENSION.items():
        values = _values(roles, role)
        if role == "chat_app" and fact in ("sent", "inbound") and "email" in _values(roles, "interaction_channel"):
            values = [*values, "email"]
        if len(values) >= 2 and (of_fact is None or of_fact == fact):
            return dimension
    return None


def _values(roles: dict[str, list[_Found]], role: str) -> list[str]:
    return list(dict.fromkeys(item.value for item in roles.get(role, [])))


#: The values a breakdown's dimension word may be followed by as examples ("theo từng loại (gọi, gửi tài liệu…)").
_EXAMPLES_OF = {
    "product": ("product",),
    "status": ("open", "done", "unread"),  # "theo trạng thái, mở bao nhiêu, đã xử lý bao nhiêu": each status
    "kind": ("task_kind", "interaction_channel", "category", "complaint_category"),
    "channel": ("interaction_channel", "chat_app", "txn_channel"),
    "category": ("category", "complaint_category"),
    "group": ("category", "complaint_category"),
    "segment": ("segment",), "risk": ("risk",), "city": ("city",), "sentiment": ("sentiment",),
}  # fmt: skip
#: The client columns a list can show when a question names them.
_CLIENT_COLUMNS = {"segment": "c.segment", "risk": "c.risk_profile", "city": "c.city"}
#: A channel word as the bank records a client's preferred channel.
_PREFERRED = {"call": "phone", "chat": "zalo"}
#: The roles that pick a part of a whole ("Gold clients", "in CDs", "positive interactions").
_PART_ROLES = ("segment", "risk", "city", "kind", "sentiment", "interaction_channel", "chat_app", "category",
               "direction", "txn_channel", "occupation", "onboarded")  # fmt: skip


def _share(roles: dict[str, list[_Found]], found: list[_Found], today: dt.date, **options: Any) -> Plan:
    """The part named by a value ("Gold", "CD", "positive") as a percentage of the same measure without it."""
    base = {role: items for role, items in roles.items() if role not in ("share", "list")}
    if all(item.value in ("howmuch", "count", "sum") for item in roles.get("agg", [])):
        amount = "measure" in base or "balance" in base
        base["agg"] = [_Found("agg", "sum" if amount else "howmuch", 0, 0, "")]  # a share of a total or of a count
    named = [role for role in _PART_ROLES if role in base]
    said = min(roles["share"], key=lambda item: item.start)
    before = [role for role in named if any(item.start < said.start and item.end > 0 for item in base[role])]
    after = [role for role in named if any(item.start > said.start for item in base[role])]
    # "card chiếm bao nhiêu % tổng tiền chi ra": the part comes before "chiếm"; "tỷ lệ khách tăng trưởng": after
    named = (before or named) if said.text.startswith("chiem") else (after or named)
    subject_roles = ("measure", "fact", "noun", "balance", "clients")
    if not named or (named == ["kind"] and not any(role in base for role in subject_roles)):
        raise _NotComposed("a share of what?")
    whole_roles = {role: items for role, items in base.items() if role not in named and role != "dim"}
    if named == ["kind"] and not any(role in whole_roles for role in subject_roles):
        raise _NotComposed("a share of what?")
    part = _compose(dict(base), found, today, top=None, combined=True, **options)  # "Diamond + Platinum": together
    if "onboarded" in named:  # "khách mới onboard từ đầu năm chiếm bao nhiêu %": the period is the onboarding's
        options = {**options, "period": None}
    whole = _compose(whole_roles, found, today, top=None, **options)
    if part.shape != "number" or whole.shape != "number":
        raise _NotComposed("a share of a list")
    if _number_label(part) != _number_label(whole):
        raise _NotComposed("a share of one measure in another")
    return dataclasses.replace(part, shape="share", parts=(part.to_json(), whole.to_json()))


def _compose(
    roles: dict[str, list[_Found]],
    found: list[_Found],
    today: dt.date,
    *,
    period: Period | None,
    future: Period | None,
    top: tuple[str, int] | None,
    threshold: tuple[str, float] | None,
    money_threshold: bool,
    language: str,
    comparing: bool = False,
    combined: bool = False,
) -> Plan:
    conditions: list[Condition] = []
    words: list[str] = []
    group_by: str | None = None
    if any(item.text in ("ai", "people") for item in roles.get("clients", [])):
        roles.setdefault("list", [_Found("list", "list", 0, 0, "")])  # "của ai", "là ai": who, a list
    if "clients" not in roles and any(item.text in ("who", "whose", "la ai") for item in roles.get("list", [])):
        roles["clients"] = [_Found("clients", "clients", 0, 0, "")]  # "who's got more than 5 tỷ": clients, each
    grouped = _values(roles, "dim") if "group" in roles else []
    has_subject = any(role in roles for role in ("measure", "fact", "noun", "balance", "clients"))
    if len(grouped) == 1 and has_subject:  # "count by kind (calls, documents, meetings…)": examples, not a filter
        for role in _EXAMPLES_OF.get(grouped[0], ()):
            roles.pop(role, None)
    if (
        "kind" in roles
        and _values(roles, "kind") == ["card"]
        and (any(role in roles for role in ("direction", "category")) or _values(roles, "fact") == ["transactions"])
    ):  # "card spend", "quẹt thẻ", "card payments": the card is how the money moved
        roles["txn_channel"] = [_Found("txn_channel", "card", 0, 0, "card")]
        del roles["kind"]
    if "preferred" in roles:  # "clients who prefer Zalo": how they like to be reached, a client column
        channels = _values(roles, "chat_app") + _values(roles, "interaction_channel")
        preferred = sorted({_PREFERRED.get(value, value) for value in channels})
        if not preferred or any(value not in ("email", "zalo", "whatsapp", "phone") for value in preferred):
            raise _NotComposed("a preferred channel the bank does not record")
        roles["preferred_channel"] = [_Found("preferred_channel", value, 0, 0, value) for value in preferred]
        for role in ("chat_app", "interaction_channel", "preferred"):
            roles.pop(role, None)
        if [item.value for item in roles.get("fact", [])] == ["interactions"]:
            roles.pop("fact")
        roles.setdefault("clients", [_Found("clients", "clients", 0, 0, "clients")])
    if (
        "group" in roles
        and set(_values(roles, "dim")) & {"segment", "risk", "city"}
        and not any(role in roles for role in ("measure", "kind", "fact", "noun", "balance"))
    ):
        roles.setdefault("clients", [_Found("clients", "clients", 0, 0, "clients")])  # "risk profile split of my book"
    if "rate_filter" in roles and "measure" in roles:  # "CD hưởng lãi suất trên 5%": the rate is the filter
        kept = [item for item in roles["measure"] if item.value != "rate"]
        if kept:
            roles["measure"] = kept
        else:
            del roles["measure"]
    if money_threshold and "measure" in roles and ("list" in roles or "plus" in roles):
        kept = [item for item in roles["measure"] if item.value != "rate"]  # "CD > 100tr … + lãi suất": a column
        if kept:
            roles["measure"] = kept
        else:
            del roles["measure"]
    measures = _values(roles, "measure")
    kinds = _values(roles, "kind")
    facts = _values(roles, "fact")
    aggs = _values(roles, "agg")
    has_clients = "perclient" in roles or (
        "clients" in roles
        and (
            _clients_are_the_subject(found)
            or any(item.end == 0 for item in roles["clients"])  # implied by the question
        )
    )
    negated = "negation" in roles or "inactive" in roles
    subject_roles = (
        "rate_filter",
        "product",
        "occupation",
        "client_name",
        "measure",
        "kind",
        "fact",
        "clients",
        "noun",
        "balance",
        "interaction_channel",
        "direction",
        "category",
        "overdue",
        "unread",
        "birthday",
        "inactive",
        "maturing",
        "onboarded",
        "txn_channel",
    )
    if not any(role in roles for role in subject_roles):
        raise _FollowUp("no subject: a follow-up of the previous question, or not a question about the book")
    if "spouse" in roles and "client_name" not in roles:  # "which clients' spouse is also my client": the pairs
        allowed = {"spouse", "clients", "list", "noise", "shown", "agg"}
        if set(roles) - allowed or _values(roles, "agg") or "clients" not in roles:
            raise _NotComposed("a household's totals or a spouse with other conditions")
        said = tuple(item.text for item in found)
        return Plan(fact="relationships", measure="count", agg="count", shape="spouses", per_client=True,
                    negated=False, conditions=(), language=language, words=said)  # fmt: skip
    if comparing:  # "X this month vs last month (each month)": one number per period
        roles.pop("trend", None)
        if "group" in roles and _values(roles, "dim") == ["month"]:  # "the total for each month": each period's
            roles.pop("group")
            roles.pop("dim")
        roles.pop("list", None)
        if not any(role in roles for role in ("agg", "list")):
            roles["agg"] = [_Found("agg", "howmuch", 0, 0, "")]
        aggs = _values(roles, "agg")
    if "quarter" in roles:
        raise _NotComposed("a quarter beside another period")
    if (
        "compare" in roles
        and not comparing
        and not any(
            len(_values(roles, role)) > 1
            for role in ("segment", "risk", "kind", "interaction_channel", "category", "city")
        )
    ):
        raise _NotComposed("a comparison of two periods is not composed yet")
    if "sentverb" in roles:
        if facts not in (["inbound"], ["sent"], []):
            raise _NotComposed("sent what?")
        facts = ["sent"]
    if "rowlevel" in roles and not facts and any(item.text.endswith(("gd", "giao dich")) for item in roles["rowlevel"]):
        facts = ["transactions"]  # "từng gd > 500tr"
    if "todo" in roles and not facts:
        facts = ["tasks"]
    # --- which fact
    if "noun" in roles and any(role in roles for role in ("direction", "category", "txn_channel")) and not measures:
        del roles["noun"]  # "nhận lương về tk": the transactions into the account
        facts = facts or ["transactions"]
    if "direction" in roles and (facts == ["inbound"] or "unread" in roles):
        del roles["direction"]  # "khách nhắn Zalo cho em": a message received
    if len(measures) > 1 or (measures and facts) or len(facts) > 1:
        raise _NotComposed(f"several facts: {measures + facts}")
    if negated and measures == ["aum"] and kinds:
        raise _NotComposed("clients without a kind, with their AUM: two measures")  # "không nắm giữ … kèm tổng tài sản"
    if "open" in roles and "done" in roles:
        raise _NotComposed("open and done at once")  # "chưa làm xong" read in two pieces: never both filters
    if "inactive" in roles:
        if measures or facts not in ([], ["interactions"]):
            raise _NotComposed("not contacted, and another measure: two questions in one")
        facts = ["interactions"]
    if "maturing" in roles and not facts:
        facts = ["accounts"]
    fact: str | None = None
    measure = "count"
    if measures or kinds or "noun" in roles or "balance" in roles or "product" in roles or "rate_filter" in roles:
        fact = "accounts"
        measure = measures[0] if measures else "value"
    elif facts:
        fact = facts[0]
        measure = "value" if FACTS[fact].value else "count"
    if fact is None and "unread" in roles:
        fact, measure = "inbound", "count"
    if fact is None and any(r in roles for r in ("direction", "category", "txn_channel")):
        fact, measure = "transactions", "value"

    # --- a trend is month by month over a window (the year so far unless one is named)
    wants_trend = "trend" in roles or ("group" in roles and _values(roles, "dim") == ["month"])
    if wants_trend and fact == "accounts" and measure not in ("deposits", "loans") and "new" not in roles:
        raise _NotComposed("balances have no history to show month by month")
    if wants_trend and period is None and future is None and fact is not None:
        period = Period(
            today.replace(month=1, day=1), today, f"year to date ({today.year}-01-01 – {today.isoformat()})"
        )

    if "onboarded" in roles and not (fact is not None and "new" in roles and fact != "accounts"):
        # "clients onboarded this year, their average AUM": the period is the onboarding's, a filter on the clients
        onboarding = period or _named_window("this month", today)
        conditions.append(Condition(_between("c.onboarded_on", onboarding), None, f"onboarded:{onboarding.label}"))
        period = None
        has_clients = True

    # --- account kinds and money meanings
    if fact == "accounts":
        flow = "new" in roles or (period is not None and measure in ("deposits", "loans") and "current" not in roles)
        wanted: tuple[str, ...] = ()
        if measure == "rate" and threshold is not None:
            raise _NotComposed("a threshold on a rate")
        if measure == "aum":
            wanted = AUM_KINDS
        elif measure == "deposits":
            wanted = DEPOSIT_KINDS
        elif measure == "loans":
            wanted = ("loan",)
        if not wanted and not kinds and "maturing" in roles:
            wanted = ("cd", "loan")  # what matures
        if (
            not wanted
            and not kinds
            and measure == "value"
            and "product" not in roles
            and not ("noun" in roles and "balance" not in roles)
        ):
            wanted = AUM_KINDS  # a client's "balance" is what they hold with the bank; what they owe is a loan
        if kinds == ["card"] and measure == "loans":
            wanted = ()  # "dư nợ thẻ tín dụng": what is owed on cards
        if kinds:
            if wanted and not set(kinds) <= set(wanted):
                raise _NotComposed(f"{kinds} outside {measure}")
            wanted = tuple(kinds)
        if wanted:
            kinds_said = "kinds:" + ",".join(wanted) if kinds or (measure == "value" and "balance" not in roles) else ""
            conditions.append(Condition(f"a.kind IN ({', '.join(repr(k) for k in wanted)})", "accounts", kinds_said))
        if "maturing" in roles:
            window = future or period or _future_window(today, MATURITY_WINDOW_DAYS, "days")
            assert window is not None
            if window.end >= today:  # what will mature is still active; what matured in a past month may not be
                conditions.append(Condition("a.status = 'active'", "accounts", "active"))
            conditions.append(Condition(_between("a.maturity_on", window), "accounts", f"maturing:{window.label}"))
            period = future = None
        elif flow:
            window = period or future or _named_window("this month", today)
            if future is not None:
                raise _NotComposed("new accounts in the future")
            conditions.append(Condition(_between("a.opened_on", window), "accounts", f"opened:{window.label}"))
            period = None
        else:
            if period is not None and not (period.start <= today <= period.end):
                raise _NotComposed("balances have no history")
            conditions.append(Condition("a.status = 'active'", "accounts", "active"))
            period = None
        measure = measure if measure in ("aum", "rate") else "value"

    # --- enum filters
    apps = _values(roles, "chat_app")
    if fact in ("inbound", "sent") and _values(roles, "interaction_channel") == ["email"]:
        apps = [*apps, "email"]  # "qua Zalo, và qua email": one filter of the messages' channels
        roles.setdefault("chat_app", []).append(_Found("chat_app", "email", 0, 0, "email"))
        roles.pop("interaction_channel")
    if apps:
        if fact in ("inbound", "sent"):
            column = "m.channel" if fact == "inbound" else "s.channel"
            conditions.append(Condition(f"{column} IN ({', '.join(repr(a) for a in apps)})", fact,
                                        f"channel:{','.join(apps)}"))  # fmt: skip
        elif fact in (None, "interactions"):
            roles.setdefault("interaction_channel", []).append(_Found("interaction_channel", "chat", 0, 0, "chat"))
        else:
            raise _NotComposed(f"a chat app does not filter {fact}")
    for role, column, fact_name in (
        ("interaction_channel", "i.channel", "interactions"),
        ("sentiment", "i.sentiment", "interactions"),
        ("direction", "t.direction", "transactions"),
        ("category", "t.category", "transactions"),
        ("txn_channel", "t.channel", "transactions"),
        ("task_kind", "k.kind", "tasks"),
        ("complaint_category", "p.category", "complaints"),
    ):
        values = _values(roles, role)
        if not values:
            continue
        if role == "interaction_channel" and fact is None:
            fact, measure = "interactions", "count"
        if role == "interaction_channel" and fact == "tasks":
            column, fact_name = "k.kind", "tasks"
            values = [value for value in values if value in ("call", "email", "meeting")]
        if role == "complaint_category" and fact != "complaints":
            raise _NotComposed("a complaint category without complaints")
        if fact != fact_name:
            if role == "interaction_channel" and fact in ("inbound", "sent") and values == ["email"]:
                column, fact_name = ("m.channel" if fact == "inbound" else "s.channel"), fact
            elif role == "interaction_channel" and fact == "interactions":
                pass
            else:
                raise _NotComposed(f"{role} does not filter {fact}")
        conditions.append(Condition(f"{column} IN ({', '.join(repr(v) for v in values)})", fact_name,
                                    f"{role}:{','.join(values)}"))  # fmt: skip
    for rate in _values(roles, "rate_filter"):
        if fact != "accounts":
            raise _NotComposed("a rate filters accounts")
        conditions.append(Condition(f"a.rate_pct {rate}", "accounts", f"rate {rate}%"))
    products = _values(roles, "product")
    if products:
        if fact != "accounts":
            raise _NotComposed("a product names accounts")
        conditions.append(Condition(f"a.product_code IN ({', '.join(repr(code) for code in products)})", "accounts",
                                    f"product:{','.join(products)}"))  # fmt: skip
    names = _values(roles, "client_name")
    if names:
        if "" in names:
            raise _NotComposed("a client name that is not one of this RM's clients")
        quoted = ", ".join(_sql_text(name) for name in names)
        if "household" in roles:  # the client and the clients related to them ("vợ/chồng" alone: the spouse)
            relation = " AND r.relation = 'spouse'" if "spouse" in roles else ""
            sql = (f"(c.full_name IN ({quoted}) OR c.id IN (SELECT r.related_client_id FROM relationships r "
                   f"JOIN clients k ON k.id = r.client_id WHERE k.rm_id = :rm_id AND k.full_name IN ({quoted})"
                   f"{relation}))")  # fmt: skip
            conditions.append(Condition(sql, None, f"household:{','.join(names)}"))
            roles.pop("household")
            roles.pop("spouse", None)
        else:
            conditions.append(Condition(f"c.full_name IN ({quoted})", None, f"client:{','.join(names)}"))
    elif "household" in roles:
        raise _NotComposed("whose household?")
    for role, column in (
        ("occupation", "c.occupation"),
        ("segment", "c.segment"),
        ("risk", "c.risk_profile"),
        ("city", "c.city"),
        ("preferred_channel", "c.preferred_channel"),
    ):
        values = _values(roles, role)
        if values:
            conditions.append(Condition(f"{column} IN ({', '.join(repr(v) for v in values)})", None,
                                        f"{role}:{','.join(values)}"))  # fmt: skip
    if "overdue" in roles:
        if fact not in (None, "tasks"):
            raise _NotComposed("overdue without tasks")
        fact, measure = "tasks", "count"
        conditions += [
            Condition("k.status = 'open'", "tasks", "open"),
            Condition("k.due_on < :today", "tasks", "overdue"),
        ]
    if fact == "accounts" and "open" in roles and all(item.text in ("outstanding", "con") for item in roles["open"]):
        del roles["open"]  # "how much is still outstanding" on a loan: what is owed
    if "open" in roles or "done" in roles or "unread" in roles:
        status_of = {"tasks": "k.status", "complaints": "p.status", "inbound": "m.status"}
        if fact not in status_of:
            raise _NotComposed("a status without tasks, complaints or messages")
        if "unread" in roles and _values(roles, "unread") == ["unreplied"]:
            if fact != "inbound":
                raise _NotComposed("a reply to something other than a message")
            conditions.append(Condition("m.status <> 'replied'", fact, "unreplied"))
        elif "unread" in roles:
            conditions.append(Condition(f"{status_of[fact]} = 'unread'", fact, "unread"))
        elif "open" in roles and "overdue" not in roles:
            conditions.append(Condition(f"{status_of[fact]} = 'open'", fact, "open"))
        elif "done" in roles:
            done = "'done'" if fact == "tasks" else "'resolved'" if fact == "complaints" else "'replied'"
            conditions.append(Condition(f"{status_of[fact]} = {done}", fact, "done"))
    if fact == "logins" and negated:
        conditions.append(Condition("d.logins > 0", "logins", "logged in"))

    # --- birthdays and onboarding (client columns)
    if "birthday" in roles:
        window = future or period or _future_window(today, BIRTHDAY_WINDOW_DAYS, "days")
        assert window is not None
        conditions.append(Condition(_birthday(window), None, f"birthday:{window.label}"))
        period = future = None
        has_clients = True
    # --- the window of the fact's rows
    if fact is not None and fact != "accounts":
        window = period or future
        if "inactive" in roles and window is None:
            window = Period(today - dt.timedelta(days=INACTIVE_DAYS), today, f"last {INACTIVE_DAYS} days")
        if window is not None:
            column = FACTS[fact].date_column
            if FACTS[fact].timestamp:
                column = f"DATE({column})"
            if fact == "tasks" and "done" in roles:
                column = "DATE(k.completed_at)"  # "tasks I completed in October": when they were done
            if fact == "logins" and window.end == today:  # a week counts when it starts inside the window
                conditions.append(Condition(f"d.week_start > '{window.start.isoformat()}'", "logins", window.label))
            else:
                conditions.append(Condition(_between(column, window), fact, window.label))
        period = future = None
    if period is not None or future is not None:
        raise _NotComposed("a period that nothing is dated by")

    # --- dimension
    if wants_trend:
        group_by = "month"
    elif "group" in roles and not _values(roles, "dim") and (top is not None or "agg" in roles):
        pass  # "top 5 clients by balance": ranked by the measure, not broken down
    elif "group" in roles and not _values(roles, "dim") and _values(roles, "kind") and fact == "accounts":
        group_by = "kind"  # "chia theo casa / savings / cd"
    elif "group" in roles:
        dims = _values(roles, "dim")
        if len(dims) == 2 and "group" in dims:
            dims.remove("group")  # "chia theo khẩu vị rủi ro, mỗi nhóm bao nhiêu": the groups are the risk profiles
        if len(dims) != 1:
            raise _NotComposed(f"group by {dims}")
        group_by = _dimension(dims[0], fact)
    elif _values(roles, "dim"):
        asked = _values(roles, "dim")
        dims = [dim for dim in asked if not _named_by_its_value(dim, roles)]
        single_value = len(asked) == 1 and any(
            len(_values(roles, role)) == 1 for role in _DIMENSION_OF_VALUES.get(asked[0], ())
        )
        if top is not None and len(dims) == 1 and fact is not None and not has_clients:
            group_by, dims = _dimension(dims[0], fact), []  # "top 3 products by AUM": the largest groups
        elif (
            len(asked) == 1
            and "list" in roles
            and aggs
            and fact is not None
            and not single_value
            and not any(item.text in ("who", "whose", "la ai") for item in roles["list"])  # "who, how much, what
        ):  # category": each row with its columns
            group_by = _dimension(asked[0], fact)  # "qua kênh nào bao nhiêu lần": how many per channel
            dims = []
        elif dims and not aggs and ("shown" in roles or "plus" in roles) and "list" not in roles:
            roles["list"] = [_Found("list", "list", 0, 0, "")]  # "overdue tasks – cust., type, due date": columns
        elif dims and not (
            "list" in roles and (not aggs or any(item.text in ("who", "whose", "la ai") for item in roles["list"]))
        ):  # "open complaints? who + category", "who, how much and what category": shown in the list
            raise _NotComposed(f"dimension words without 'by': {dims}")

    # --- shape ("bao nhiêu" is how much of an amount, how many of rows)
    asked_how_much = "howmuch" in aggs
    if "list" in roles and any(item.text == "may" for item in roles.get("agg", [])):
        aggs = [a for a in aggs if a != "howmuch"]  # "mấy khách … ai": the clients, not how many
    amount_asked = any(
        item.value == "sum" and item.text.startswith(("bao nhieu", "how much")) for item in roles.get("agg", [])
    )
    if amount_asked and asked_how_much and _counts_rows(found) and fact is not None and FACTS[fact].value is not None:
        raise _NotComposed("how much and how many at once")  # "được bao nhiêu tiền và mở bao nhiêu tài khoản"
    asked_twice = [item for item in roles.get("agg", []) if item.value == "howmuch"]
    if (
        len(asked_twice) >= 2
        and group_by is not None
        and _counts_rows(found)
        and fact is not None
        and FACTS[fact].value is not None
    ):
        raise _NotComposed("how many and how much at once")  # "mỗi mã bao nhiêu khoản, dư nợ bao nhiêu"
    if "howmuch" in aggs and "sum" in aggs and _counts_rows(found) and fact is not None and FACTS[fact].value:
        aggs = ["sum", "count"]  # "được mấy khoản vay, tổng bao nhiêu tiền": how many, and their total
    if "howmuch" in aggs:
        amount = (
            fact is not None
            and (measure == "aum" or FACTS[fact].value is not None)
            and (not has_clients or group_by is not None)
            and not _counts_rows(found)
        )
        aggs = [a for a in aggs if a != "howmuch"] or ["sum" if amount else "count"]
    if group_by is not None and fact is not None and FACTS[fact].value is None and set(aggs) <= {"max", "min", "count"}:
        aggs = ["count"]  # "which channel most", "category nào nhiều nhất": the counts, largest first
    if group_by is not None and fact is not None and FACTS[fact].value and set(aggs) <= {"max", "min"} and aggs:
        aggs = ["sum"]  # "chia theo từng loại, loại nào nhiều nhất": the totals per kind, largest first
    if (
        group_by is not None
        and top is not None
        and fact is not None
        and (measure == "aum" or FACTS[fact].value)
        and set(aggs) <= {"max", "min", "sum"}
    ):
        aggs = ["sum"]  # "top 3 products by AUM": the largest totals
    if group_by is not None and "sum" in aggs and set(aggs) <= {"sum", "max", "min"}:
        aggs = ["sum"]  # "the total per category, and which is largest": the totals, largest first
    if (
        "perclient" in roles
        and fact is not None
        and (measure == "aum" or FACTS[fact].value is not None)
        and set(aggs) <= {"sum", "count"}
        and group_by is None
        and top is None
    ):
        aggs, has_clients = [], True  # "AUM từng người bao nhiêu": each client with their amount
        roles.setdefault("list", [_Found("list", "list", 0, 0, "")])
    if "large" in roles and threshold is None:
        raise _NotComposed("'large' without a threshold")
    if top is not None and len(aggs) > 1:
        aggs = [a for a in aggs if a not in ("max", "min")] or aggs[:1]
    agg = aggs[0] if len(aggs) == 1 else ("count" if aggs == ["sum", "count"] or aggs == ["count", "sum"] else "")
    both_asked = (
        fact is not None
        and FACTS[fact].value is not None
        and (set(aggs) == {"sum", "count"} or (aggs == ["count"] and bool(measures) and measure != "rate"))
    )  # "số giao dịch và tổng số tiền của mỗi hạng mục", "#accts, Σbal": both, per group
    if set(aggs) == {"sum", "count"} and fact is not None and FACTS[fact].value is not None:
        agg = "sum"  # the total, shown with how many rows it adds up
    if len(aggs) > 1 and not agg:
        if set(aggs) == {"sum", "avg"}:
            agg = "avg"
        elif {"max", "min"} <= set(aggs) and set(aggs) <= {"sum", "max", "min"} and top is None:
            agg = "range"  # "lowest and highest rate": both
        elif set(aggs) in ({"sum", "max"}, {"sum", "min"}) and not has_clients and "plus" in roles:
            agg = "sum_" + ("max" if "max" in aggs else "min")  # "total + largest single one": both
        elif set(aggs) <= {"sum", "max", "min"}:
            agg = "max" if "max" in aggs else "min"
        else:
            raise _NotComposed(f"aggregates {aggs}")
    if fact == "logins" and agg == "count" and not has_clients:
        agg = "sum"  # "login app tổng cộng bao nhiêu lần": the logins, never the weekly rows they are kept in
    listing = "list" in roles
    if (
        listing
        and asked_how_much
        and group_by is None
        and top is None
        and fact is not None
        and not negated
        and not {"max", "min"} & set(aggs)
    ):
        agg = ""  # "which clients, how much": the list, with the amounts
    if listing and agg == "sum" and (has_clients or "negation" not in roles) and group_by is None and top is None:
        agg = ""  # "who and how much": the list, with the amounts
    limit = None
    if top is not None:
        shape, limit = top[0], top[1]
        if not 1 <= limit <= MAX_TOP:
            raise _NotComposed("top N out of range")
    elif group_by is not None:
        shape = "trend" if group_by == "month" else "breakdown"
    elif agg in ("range", "sum_max", "sum_min"):
        if has_clients and measure != "rate":
            raise _NotComposed("the lowest and highest client")
        shape = "number"
    elif agg in ("max", "min") and (listing or has_clients):
        shape, limit = ("top" if agg == "max" else "bottom"), 1
    elif agg in ("count", "sum", "avg", "max", "min"):
        shape = "number"
    elif listing or has_clients:
        shape = "list"
    elif fact is not None and measure not in ("aum", "rate") and FACTS[fact].value is None:
        shape, agg = "list", "count"  # "my open tasks", "các việc chưa hoàn thành": the rows themselves
    else:
        shape = "number"
        agg = "sum" if fact is not None and (measure == "aum" or FACTS[fact].value) else "count"
    if not agg:
        agg = "sum" if shape in ("top", "bottom", "breakdown", "trend") and fact and FACTS[fact].value else "count"
    if agg == "sum" and fact is not None and FACTS[fact].value is None:
        agg = "count"
    if agg in ("avg", "max", "min") and fact is not None and FACTS[fact].value is None and not has_clients:
        raise _NotComposed(f"{agg} of rows that have no amount")

    per_client = has_clients or negated or (measure == "aum" and (agg == "avg" or threshold is not None or listing))
    if "noun" in roles and shape in ("list", "top", "bottom") and not negated:
        per_client = False  # "which accounts of my clients …": the accounts
    if shape in ("top", "bottom") and "clients" in roles and "noun" not in roles:
        per_client = True  # "top 5 clients by logins"
    if shape in ("top", "bottom") and measure == "aum":
        per_client = True  # "top 5 by AUM": clients ranked by what they hold
    top_clients = shape in ("top", "bottom") and "clients" in roles and "noun" not in roles
    if _counts_rows(found, ("fact",)) and fact is not None and not negated and group_by is None and not top_clients:
        per_client = False  # "nhắn cho khách được bao nhiêu tin": the messages, not the clients
    a_single_row = agg in ("max", "min") and any(
        item.role == "fact"
        and item.value == "transactions"
        and item.text.split()[0] in ("giao", "gd", "transaction", "transactions", "payment", "payments", "txn")
        for item in found
    )  # "giao dịch lớn nhất", "the largest payment": one transaction, not a client's total
    if ("rowlevel" in roles and not negated) or measure == "rate" or a_single_row:
        per_client = False  # "a single payment above 5 tỷ", "từng giao dịch", a rate: each row on its own
    if (
        shape == "list"
        and per_client
        and fact is not None
        and not negated
        and threshold is None
        and measure != "aum"
        # "the total each one transferred": each client's amount; "the topic of each one": each interaction
        and not ("perclient" in roles and FACTS[fact].value is not None)
    ):
        per_client = False  # "open tasks due this week, whose and what": the rows, each with its client
    if "byclient" in roles:
        if shape != "list" or negated:
            raise _NotComposed("by client, in another shape")
        per_client = True  # "new deposits by client": each client's total
    if group_by is not None and fact is not None:
        if agg == "avg" and (measure == "aum" or "perclient" in roles):
            if group_by not in _CLIENT_COLUMNS or threshold is not None or negated:
                raise _NotComposed("an average per client by a dimension of the rows")
            per_client = True  # "AUM bình quân mỗi khách theo segment": each client's total, averaged per segment
        else:
            per_client = False
    if fact is None:
        per_client = True
        if shape not in ("list", "number", "breakdown") or agg not in ("count",):
            if not (shape == "list" or agg == "count"):
                raise _NotComposed("clients with no measure")
            agg = "count"
    if threshold is not None and not money_threshold and fact is not None and FACTS[fact].money and not has_clients:
        raise _NotComposed("a plain number compared with money")
    if negated and fact is None:
        raise _NotComposed("a negation of nothing")
    if group_by == "month" and fact is None:
        raise _NotComposed("a trend of clients")
    if group_by is not None and per_client and shape != "breakdown":
        raise _NotComposed("a per-client breakdown")
    if group_by is not None and negated:
        raise _NotComposed("a breakdown of clients without something")
    with_total = False
    several = _several_values(roles, fact)
    if (
        shape == "number"
        and agg in ("sum", "count")
        and group_by is None
        and several
        and (not per_client or fact is None)
        and not negated
        and threshold is None
    ):
        group_by, shape, with_total = several, "breakdown", True  # each value asked for, and all of them together
    elif (
        shape == "number" and agg in ("sum", "count") and group_by is None and several and not negated and not combined
    ):
        raise _NotComposed("several values named, each asked for, in a shape without a breakdown")
    words.extend(item.text for item in found)
    return Plan(
        fact=fact,
        measure=measure,
        agg=agg,
        shape=shape,
        per_client=per_client,
        negated=negated,
        conditions=tuple(conditions),
        group_by=group_by,
        limit=limit,
        period=None,
        threshold=threshold,
        language=language,
        words=tuple(words),
        meaning=measures[0] if measures else "",
        with_total=with_total,
        with_both=both_asked and shape in ("breakdown", "number") and agg in ("sum", "count"),
        shown=tuple(_CLIENT_COLUMNS[dim] for dim in _values(roles, "dim") if dim in _CLIENT_COLUMNS and shape == "list")
        if group_by is None
        else (),
    )


def _dimension(word: str, fact: str | None) -> str:
    """The dimension a "by …" word names for this fact."""
    if word in ("segment", "risk", "city", "month"):
        return word
    mapping = {
        ("product", "accounts"): "product", ("kind", "accounts"): "kind", ("product", None): "product",
        ("channel", "interactions"): "interaction_channel", ("channel", "transactions"): "txn_channel",
        ("channel", "inbound"): "message_channel", ("category", "transactions"): "category",
        ("category", "complaints"): "complaint_category", ("direction", "transactions"): "direction",
        ("status", "tasks"): "task_status", ("status", "complaints"): "complaint_status",
        ("kind", "tasks"): "task_kind", ("sentiment", "interactions"): "sentiment", ("kind", None): "kind",
        ("kind", "complaints"): "complaint_category", ("kind", "transactions"): "category",
        ("kind", "interactions"): "interaction_channel", ("kind", "inbound"): "message_channel",
        ("channel", "sent"): "sent_channel", ("group", "transactions"): "category",
        ("group", "complaints"): "complaint_category", ("group", None): "segment", ("group", "accounts"): "segment",
        ("topic", "interactions"): "topic", ("topic", "complaints"): "complaint_category",
        ("topic", "transactions"): "category", ("topic", "inbound"): "message_subject",
    }  # fmt: skip
    dimension = mapping.get((word, fact))
    if dimension is None:
        raise _NotComposed(f"no dimension {word!r} for {fact}")
    return dimension


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _between(column: str, window: Period) -> str:
    return f"{column} BETWEEN '{window.start.isoformat()}' AND '{window.end.isoformat()}'"


def _birthday(window: Period) -> str:
    """The month-day of the date of birth inside the window (a window over New Year wraps)."""
    start, end = window.start.strftime("%m-%d"), window.end.strftime("%m-%d")
    if (window.end - window.start).days >= 365:
        return "c.date_of_birth IS NOT NULL"
    day = "{MMDD}"
    if start <= end and window.start.year == window.end.year:
        return f"{day} BETWEEN '{start}' AND '{end}'"
    return f"({day} >= '{start}' OR {day} <= '{end}')"


# --------------------------------------------------------------------------- SQL


def _dialect_sql(sql: str, dialect: str) -> str:
    """The few dialect-specific pieces, written as placeholders above."""
    if dialect == "sqlite":
        sql = sql.replace("{MMDD}", "strftime('%m-%d', c.date_of_birth)")
        return sql
    sql = sql.replace("{MMDD}", "to_char(c.date_of_birth, 'MM-DD')")
    sql = re.sub(r"'(\d{4}-\d{2}-\d{2})'", r"CAST('\1' AS DATE)", sql)
    sql = re.sub(r"DATE\(([a-z]\.\w+)\)", r"CAST(\1 AS DATE)", sql)
    sql = re.sub(r"strftime\('%Y-%m', (CAST\([a-z]\.\w+ AS DATE\)|[a-z]\.\w+)\)", r"to_char(\1, 'YYYY-MM')", sql)
    return sql.replace(":today", "CAST(:today AS DATE)")


def _op_sql(threshold: tuple[str, float]) -> str:
    op, number = threshold
    return f"{op} {int(number) if number == int(number) else number}"


def plan_tables(plan: Plan) -> set[str]:
    """The CRM tables the plan's query reads (the schemas the graph fetches)."""
    tables = {"clients"}
    if plan.fact == "relationships":
        tables.add("relationships")
    elif plan.fact is not None:
        tables.add(FACTS[plan.fact].table)
    if plan.group_by == "product":
        tables.add("products")
    for raw in plan.parts:
        tables |= plan_tables(Plan.from_json(raw))
    return tables


def compile_plan(plan: Plan, dialect: str) -> str:
    """One read query for the plan, with ``:rm_id`` / ``:today`` for the guard to bind."""
    if plan.shape == "spouses":  # both clients of this RM, each pair from both sides as the bank stores it
        return (
            "WITH pairs AS (SELECT r.client_id, r.related_client_id FROM relationships r WHERE r.relation = 'spouse' "
            "AND r.related_client_id IN (SELECT c.id FROM clients c WHERE c.rm_id = :rm_id)), "
            "named AS (SELECT c.id, c.full_name FROM clients c WHERE c.rm_id = :rm_id AND c.id IN "
            "(SELECT p.client_id FROM pairs p UNION SELECT p.related_client_id FROM pairs p)) "
            "SELECT a.full_name, b.full_name AS spouse FROM pairs p JOIN named a ON a.id = p.client_id "
            "JOIN named b ON b.id = p.related_client_id ORDER BY a.full_name"
        )
    if plan.shape == "share":
        part, whole = (Plan.from_json(raw) for raw in plan.parts)
        a, b = _number_label(part), _number_label(whole)
        part_sql, whole_sql = compile_plan(part, dialect), compile_plan(whole, dialect)
        return (f"SELECT ROUND(100.0 * p.{a} / NULLIF(w.{b}, 0), 1) AS share_pct, p.{a} AS part, w.{b} AS whole "
                f"FROM ({part_sql}) AS p CROSS JOIN ({whole_sql}) AS w")  # fmt: skip
    if plan.parts:  # each period's number, one row each, then the change from the first to the second
        values = []
        for raw in plan.parts:
            part = Plan.from_json(raw)
            label = (part.question or "").split(" (")[0].replace("'", "")
            values.append((label, f"(SELECT x.{_number_label(part)} FROM ({compile_plan(part, dialect)}) AS x)"))
        rows = [f"SELECT '{label}' AS period, {value} AS value" for label, value in values]
        rows.append(f"SELECT 'change' AS period, {values[1][1]} - {values[0][1]} AS value")
        return " UNION ALL ".join(rows)
    client_where = " AND ".join(["c.rm_id = :rm_id", *(cond.sql for cond in plan.conditions if cond.fact is None)])
    fact_conditions = [cond.sql for cond in plan.conditions if cond.fact is not None]
    if plan.fact is None:
        sql = _clients_only(plan, client_where)
    elif plan.per_client:
        sql = _per_client(plan, client_where, fact_conditions)
    else:
        sql = _over_rows(plan, client_where, fact_conditions)
    if plan.with_share:
        label = _number_label(plan)
        sql = (f"SELECT g.*, ROUND(100.0 * g.{label} / NULLIF(SUM(g.{label}) OVER (), 0), 1) AS share_pct "
               f"FROM ({sql}) AS g ORDER BY g.{label} DESC")  # fmt: skip
    return _dialect_sql(sql, "sqlite" if dialect == "sqlite" else "postgresql")


def _clients_only(plan: Plan, client_where: str) -> str:
    if plan.group_by is not None:
        dimension = DIMENSIONS[plan.group_by][0]
        if DIMENSIONS[plan.group_by][1] is not None:
            raise _NotComposed("a client breakdown by an account column")
        grouped = (f"SELECT {dimension} AS {plan.group_by}, COUNT(*) AS clients FROM clients c WHERE {client_where} "
                   f"GROUP BY {dimension} ORDER BY clients DESC")  # fmt: skip
        if plan.with_total:
            total = f"SELECT 'total' AS {plan.group_by}, COUNT(*) AS clients FROM clients c WHERE {client_where}"
            return f"SELECT * FROM ({grouped}) AS b UNION ALL {total}"
        return grouped
    if plan.agg == "count" and plan.shape == "number":
        return f"SELECT COUNT(*) AS clients FROM clients c WHERE {client_where}"
    shown = "".join(
        column
        for prefix, column in (("birthday:", ", c.date_of_birth"), ("onboarded:", ", c.onboarded_on"))
        if any(cond.label.startswith(prefix) for cond in plan.conditions)
    )
    shown += "".join(f", {column}" for column in plan.shown)
    return f"SELECT c.full_name{shown} FROM clients c WHERE {client_where} ORDER BY c.full_name"


def _number_label(plan: Plan) -> str:
    """The name of the first column of a single-number plan's query (as ``_per_client`` / ``_over_rows`` write it)."""
    _, name = _value_expr(plan)
    if plan.fact is None or plan.per_client:
        return (
            "clients"
            if plan.agg == "count" or plan.fact is None
            else (name if plan.agg == "sum" else f"{plan.agg}_{name}")
        )
    if plan.agg == "count" and name != FACTS[plan.fact].value_name:
        return "count"
    return name if plan.agg in ("sum", "count") else f"{plan.agg}_{name}"


def _value_expr(plan: Plan) -> tuple[str, str]:
    """(the number one row contributes, the result column's name); per client, the amount a threshold compares."""
    fact = FACTS[plan.fact or "accounts"]
    if plan.per_client and fact.value is not None and plan.measure != "aum" and plan.measure != "rate":
        return str(fact.value), fact.value_name
    if plan.measure == "aum":
        return "a.balance_vnd", "aum"
    if plan.measure == "rate":
        return "a.rate_pct", "rate_pct"
    if plan.agg == "count" or fact.value is None:
        return "1", fact.value_name if fact.value is None else "count"
    return str(fact.value), fact.value_name


def _per_client(plan: Plan, client_where: str, fact_conditions: list[str]) -> str:
    """Clients with their value of the fact (zero for none): who, how many, the average per client, top N."""
    fact = FACTS[plan.fact or "accounts"]
    value, name = _value_expr(plan)
    matched = " AND ".join([f"{fact.alias}.client_id IS NOT NULL", *fact_conditions])
    counting = value == "1"
    # who was never contacted, or when last: an RM asking who is neglected wants to see since when
    last = (
        f", MAX(CASE WHEN {fact.alias}.client_id IS NOT NULL THEN DATE({fact.alias}.occurred_at) END) AS last_contacted"
        if plan.fact == "interactions" and plan.negated
        else ""
    )
    # the fact is summed per client once, then joined to the clients: one pass over the rows, not one per client
    last_inner = last.replace(f", MAX(CASE WHEN {fact.alias}.client_id IS NOT NULL THEN", ", MAX(CASE WHEN 1 = 1 THEN")
    per_fact = (
        f"SELECT {fact.alias}.client_id AS client_id, COALESCE(SUM(CASE WHEN {matched} THEN {value} END), 0) AS v, "
        f"COUNT(CASE WHEN {matched} THEN 1 END) AS n{last_inner} "
        f"FROM {fact.table} {fact.alias} GROUP BY {fact.alias}.client_id"
    )
    grouped = _CLIENT_COLUMNS.get(plan.group_by or "") if plan.shape == "breakdown" else None
    per_client = (
        f"SELECT c.id AS client_id, c.full_name, COALESCE(f.v, 0) AS {name}, COALESCE(f.n, 0) AS matched"
        f"{', f.last_contacted' if last else ''}{f', {grouped} AS {plan.group_by}' if grouped else ''} "
        f"FROM clients c LEFT JOIN ({per_fact}) AS f ON f.client_id = c.id WHERE {client_where}"
    )
    where = ["matched = 0" if plan.negated else ""]
    if plan.threshold is not None:
        where.append(f"{name} {_op_sql(plan.threshold)}")
    elif (
        not plan.negated
        and (plan.shape in ("list", "top", "bottom") or plan.agg == "count")
        and not (plan.measure == "aum" and plan.shape in ("top", "bottom"))
    ):
        where.append("matched > 0")
    condition = " AND ".join(part for part in where if part)
    filtered = f" WHERE {condition}" if condition else ""
    head = f"WITH per_client AS ({per_client}) "
    if grouped:  # each client counts once in its group, one with nothing as 0
        return (f"{head}SELECT {plan.group_by}, ROUND(AVG({name})) AS avg_{name}, COUNT(*) AS clients FROM per_client"
                f"{filtered} GROUP BY {plan.group_by} ORDER BY avg_{name} DESC")  # fmt: skip
    if plan.shape == "number":
        if plan.agg == "count":
            return f"{head}SELECT COUNT(*) AS clients FROM per_client{filtered}"
        if plan.agg == "avg":
            return f"{head}SELECT ROUND(AVG({name})) AS avg_{name}, COUNT(*) AS clients FROM per_client{filtered}"
        if plan.agg in ("max", "min"):
            return f"{head}SELECT {plan.agg.upper()}({name}) AS {plan.agg}_{name} FROM per_client{filtered}"
        return f"{head}SELECT SUM({name}) AS {name} FROM per_client{filtered}"
    if plan.shape in ("top", "bottom"):
        order = "DESC" if plan.shape == "top" else "ASC"
        return (f"{head}SELECT client_id, full_name, {name} FROM per_client{filtered} "
                f"ORDER BY {name} {order}, full_name LIMIT {plan.limit or 5}")  # fmt: skip
    if plan.negated:
        shown = ", last_contacted" if last else ""
        order = "last_contacted NULLS FIRST, full_name" if last else "full_name"
        return f"{head}SELECT client_id, full_name{shown} FROM per_client{filtered} ORDER BY {order}"
    if counting and plan.threshold is None:
        return f"{head}SELECT client_id, full_name, {name} FROM per_client{filtered} ORDER BY full_name"
    return f"{head}SELECT client_id, full_name, {name} FROM per_client{filtered} ORDER BY {name} DESC, full_name"


def _over_rows(plan: Plan, client_where: str, fact_conditions: list[str]) -> str:
    """The fact's rows of the RM's clients: one number, a breakdown, a trend, a list, the top N rows."""
    fact = FACTS[plan.fact or "accounts"]
    value, name = _value_expr(plan)
    where = " AND ".join([client_where, *fact_conditions])
    if plan.threshold is not None and fact.value is not None:  # on each row's amount, whatever is counted
        where += f" AND {fact.value if value == '1' else value} {_op_sql(plan.threshold)}"
    source = f"FROM {fact.table} {fact.alias} JOIN clients c ON c.id = {fact.alias}.client_id WHERE {where}"
    client_columns = (plan.shape in ("list", "top", "bottom") and plan.group_by is None) or (
        plan.group_by is not None and DIMENSIONS.get(plan.group_by, ("", None))[1] is None and plan.group_by != "month"
    )
    if not client_columns:  # the RM's clients as a list of ids: one pass over the rows, no join per client
        facts_where = " AND ".join(
            [f"{fact.alias}.client_id IN (SELECT c.id FROM clients c WHERE {client_where})", *fact_conditions]
        )
        if plan.threshold is not None and fact.value is not None:
            facts_where += f" AND {fact.value if value == '1' else value} {_op_sql(plan.threshold)}"
        source = f"FROM {fact.table} {fact.alias} WHERE {facts_where}"
    if plan.agg == "range" and plan.shape == "number":
        return f"SELECT MIN({value}) AS min_{name}, MAX({value}) AS max_{name}, COUNT(*) AS {fact.table} {source}"
    if plan.agg in ("sum_max", "sum_min") and plan.shape == "number":
        other = plan.agg.split("_")[1]
        return f"SELECT SUM({value}) AS {name}, {other.upper()}({value}) AS {other}_{name} {source}"
    agg = {"sum": "SUM", "avg": "AVG", "max": "MAX", "min": "MIN", "count": "COUNT"}[plan.agg]
    column = f"{agg}({value})" if value != "1" or agg != "COUNT" else "COUNT(*)"
    if agg == "AVG":
        column = f"ROUND(AVG({value}), 2)" if plan.measure == "rate" else f"ROUND(AVG({value}))"
    label = f"{plan.agg}_{name}" if plan.agg not in ("sum", "count") else name
    if plan.agg == "count" and value != "1":
        column, label = "COUNT(*)", "count"
    if plan.shape == "number":
        counted = (
            plan.with_both
            or plan.agg == "avg"
            or (plan.agg == "sum" and plan.fact != "accounts")
            or any(cond.label.startswith("maturing:") for cond in plan.conditions)
        )
        extra = f", COUNT(*) AS {fact.table if plan.fact != 'logins' else 'weeks'}" if counted else ""
        if plan.agg == "sum":
            column = f"COALESCE({column}, 0)"
        return f"SELECT {column} AS {label}{extra} {source}"
    if plan.shape in ("breakdown", "trend") or (plan.group_by is not None and plan.shape in ("top", "bottom")):
        assert plan.group_by is not None
        if plan.group_by == "month":
            date = f"DATE({fact.date_column})" if fact.timestamp else fact.date_column
            if plan.fact == "accounts":
                date = "a.opened_on"
            dimension = f"strftime('%Y-%m', {date})"
            return (f"SELECT {dimension} AS month, {column} AS {label} {source} "
                    f"GROUP BY {dimension} ORDER BY month")  # fmt: skip
        dimension, needs = DIMENSIONS[plan.group_by]
        if needs is not None and needs != plan.fact:
            raise _NotComposed(f"{plan.group_by} does not break down {plan.fact}")
        # each group shows how many rows and how much they add up to: "#accts, Σbal", "số giao dịch và tổng tiền"
        both = ""
        if plan.with_both and plan.agg == "sum":
            both = f", COUNT(*) AS {fact.table}"
        elif plan.with_both and plan.agg == "count":
            both = f", SUM({value}) AS {name}"
        if plan.group_by == "product":  # the catalog's name beside the code: RMs know products by name
            source = source.replace(
                "FROM accounts a ", "FROM accounts a LEFT JOIN products pr ON pr.code = a.product_code ", 1
            )
            limit = f" LIMIT {plan.limit}" if plan.limit else ""
            return (f"SELECT a.product_code AS product, pr.name AS product_name, {column} AS {label}{both} {source} "
                    f"GROUP BY a.product_code, pr.name ORDER BY {label} DESC{limit}")  # fmt: skip
        limit = f" LIMIT {plan.limit}" if plan.limit else ""
        grouped = (f"SELECT {dimension} AS {plan.group_by}, {column} AS {label}{both} {source} "
                   f"GROUP BY {dimension} ORDER BY {label} DESC{limit}")  # fmt: skip
        if plan.with_total:
            total = f"SELECT 'total' AS {plan.group_by}, {column} AS {label} {source}"
            return f"SELECT * FROM ({grouped}) AS b UNION ALL {total}"
        return grouped
    shown = ", ".join([*fact.row_columns, *([value] if value != "1" and value not in fact.row_columns else [])])
    if plan.shape in ("top", "bottom"):
        order = "DESC" if plan.shape == "top" else "ASC"
        ordered = value if value != "1" else fact.date_column
        # the N rows first, over the RM's clients as an id list; then their clients' names: a join of N rows
        inner_where = " AND ".join(
            [f"{fact.alias}.client_id IN (SELECT c.id FROM clients c WHERE {client_where})", *fact_conditions]
        )
        if plan.threshold is not None and fact.value is not None:
            inner_where += f" AND {fact.value if value == '1' else value} {_op_sql(plan.threshold)}"
        picked = (
            f"SELECT {fact.alias}.client_id AS client_id, {shown}, {ordered} AS ranked FROM {fact.table} "
            f"{fact.alias} WHERE {inner_where} ORDER BY {ordered} {order} LIMIT {plan.limit or 5}"
        )
        names = ", ".join(f"x.{column.split('.')[1]}" for column in shown.split(", "))
        return (f"SELECT c.full_name, {names} FROM ({picked}) AS x JOIN clients c ON c.id = x.client_id "
                f"ORDER BY x.ranked {order}")  # fmt: skip
    return f"SELECT c.full_name, {shown} {source} ORDER BY {fact.date_column}, c.full_name"
