"""A prioritization request read into criteria: hard filters a client must pass and soft goals that rank them.

"Conservative or balanced Diamond clients in Hà Nội with at least 2 tỷ in deposits, no credit card yet, who
travel a lot — top 5": the segment, the risk profiles, the city, the amount floor, "without a card" and the
number are filters and a limit (a client failing one is not shown); "travel a lot" is a goal (it ranks). The
bank's words for segments, risk profiles, cities, account kinds and negation are the reporting lexicon's
(``tools.reporting.composer.lexicon_reading``: EN, VI, no diacritics, shorthand, typing slips), so a filter
reads the same way in a report and in a ranking; the goals are this module's lexicon below. Every criterion
keeps the words it came from, so the answer can say what it understood.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from tools.core.parsing import age_band, durations_in_digits, find_amounts
from tools.core.text import fold
from tools.products.catalog import short_names
from tools.reporting.composer import Vocabulary, lexicon_reading

#: Goals a request can rank by, with the folded words that ask for them (EN, VI with and without diacritics).
GOAL_WORDS: dict[str, str] = {
    "attrition": r"at risk of (?:leaving|churn\w*|attrition)|risk of (?:leaving|losing)|churn\w*|attrition|"
    r"leav(?:e|ing) (?:us|the bank)|about to leave|likely to leave|might leave|flight risk|retention|retain|"
    r"win.?back|losing (?:them|clients)|(?:about|going|likely) to lose|(?:might|may|could) lose|lose (?:them|him|her)|"
    r"roi bo|bo di|roi di|nguy co (?:\w+ )?(?:mat|roi|bo|chuyen|nghi)|nghi choi|"
    r"bo (?:minh|ngan hang minh|nh minh|bank minh)(?![\w])|"
    r"co (?:the|kha nang) (?:roi|bo|chuyen)|giu chan|giu khach|mat khach|sap (?:roi|bo|chuyen)|ngung giao dich|"
    r"(?:muon|dinh|tinh|sap|co y) roi|dau hieu (?:muon )?(?:roi|bo|churn)|leave (?:the bank|us)|"
    r"tut (?:so du|aum)",
    "money_out": r"(?:moving|move|moved|shifting|shifted|transferring|transferred|sending|sent|taking|took|"
    r"pulling|pulled|withdrawing|withdrew|wiring|wired|wire|wires) "
    r"(?:(?:their|the|all|most|more|much|of|a lot of|large|big) ){0,3}"
    r"(?:money|funds|cash|savings|deposits|balances?) (?:\w+ ){0,2}(?:out|away|elsewhere|to (?:other|another) banks?)|"
    r"outflows?|money (?:leaving|going out)|transfers? (?:out )?to (?:other|another|external) banks?|"
    r"out to (?:other|another|external|competitor) banks?|"
    r"chuyen (?:\S+ ){0,6}(?:ngan hang|nh|bank|ben|tk) khac|chuyen (?:het )?tien (?:di|ra)|"
    r"rut (?:het )?tien|rut von|tien chay (?:ra|di)|dong tien ra",
    "cd_maturing": r"matur\w*|dao han|dao hang|het (?:ky )?han|sap dao|rollover|roll over|tai tuc|renew\w*|expir\w+",
    "large_inflow": r"inflows?|large (?:deposit|payment|transfer|incoming)s?|windfall|just (?:received|got paid)|"
    r"big (?:deposit|transfer|payment)s?|money (?:came|coming) in|tien ve|tien moi ve|"
    r"vua (?:nhan|ve|co) (?:\w+ ){0,2}(?:tien|khoan)|vua nhan|moi nhan|tien moi ve|khoan moi ve|"
    r"khoan (?:tien )?(?:lon|to) (?:vua )?ve|ban (?:nha|dat|bds|bat dong san)|property sale",
    "idle_cash": r"idle|uninvested|not invested|sitting (?:in|on)|parked|cash[- ]rich|excess (?:cash|liquidity)|"
    r"high (?:casa|balance)s?|large (?:casa|balance)s?|(?:big|large|high) cash|nhan roi|de khong|tien nam|"
    r"tien de|chua dau tu|so du (?:lon|cao|khung|nhieu)|casa (?:lon|cao|nhieu|khung|day)|du tien|nhieu tien mat|"
    r"tien mat (?:lon|nhieu)|nam (?:khong|im|yen)|de yen|(?:khong|ko|chua) (?:dung|dong) (?:toi|den)",
    "loan_maturing": r"loans? (?:ending|maturing|ends|about to end|nearly (?:repaid|paid off))|"
    r"(?:paid|paying) off (?:their|the) loan|sap tat toan|khoan vay (?:sap|gan) (?:het|dao han|tat toan)|"
    r"vay sap (?:het|dao han)",
    "travel": r"travel\w*|trips?|flights?|fly(?:ing)?|flies|airlines?|hotels?|abroad|overseas|foreign (?:spend|"
    r"currency|transactions?|payments?)|spend\w* (?:abroad|overseas)|lounge|frequent flyer|du lich|"
    # goods that go abroad are exports, not travel
    r"(?<!hang )(?<!xuat )(?<!ban )di nuoc ngoai|(?<!hang di )(?<!hang )(?<!xuat )(?<!ban )(?<!sang )nuoc ngoai|"
    r"bay nhieu|di cong tac|cong tac|ve may bay|khach san|chi tieu (?:o )?nuoc ngoai|ngoai te",
    "business": r"business(?:es)? owners?|own (?:a|their) (?:business|company|shop)|entrepreneurs?|sme|smes|"
    r"self.employed|merchants?|traders?|company owners?|founders?|business (?:income|receipts|revenue|clients?)|"
    r"expan\w+|grow(?:ing)? (?:their|the) business|chu doanh nghiep|doanh nghiep|doanh nhan|chu dn|kinh doanh|"
    r"ho kinh doanh|hkd|tieu thuong|buon ban|chu (?:shop|cua hang|tiem|xuong|cong ty)|"
    r"xuat khau|exporters?|exporting|xuat hang|hang (?:hoa )?(?:di|ra|sang) nuoc ngoai|"
    r"ban (?:hang )?(?:ra|sang) nuoc ngoai",
    "expansion": r"expan\w+|grow(?:ing)? (?:their|the) business|(?:vay )?sua chua|cai tao|renovat\w*|"
    r"new (?:branch|store|shop|factory|warehouse|workshop)e?s?|"
    r"bigger (?:factory|store|warehouse|workshop)|mo rong|mo them|them chi nhanh|them cua hang|xuong moi|"
    r"nha xuong|day chuyen|may moc",
    "green": r"green (?:project|energy|building|loan|investment|business|factory|transition|initiative)s?|solar|"
    r"renewables?|sustainab\w*|esg|clean energy|energy.(?:saving|efficien\w*)|electric (?:vehicle|car)s?|"
    r"carbon|du an xanh|nang luong xanh|tang truong xanh|chuyen doi xanh|nha xuong xanh|tin dung xanh|"
    r"dien mat troi|dien gio|nang luong (?:mat troi|tai tao|sach)|pin mat troi|tam pin|ap mai|"
    r"tiet kiem nang luong|ben vung|xe dien",
    "study_abroad": r"stud(?:y|ying|ies) (?:abroad|overseas)|"
    r"(?:go|going|gone|heading) abroad (?:to|for) (?:study|school|university)|"
    r"overseas (?:study|university|school|tuition)|international school|du hoc|di hoc (?:o )?"
    r"(?:nuoc ngoai|nc ngoai|nn|uc|my|anh|canada|singapore|nhat|han)|hoc (?:o )?(?:nuoc ngoai|nc ngoai)|"
    r"chung minh tai chinh|visa du hoc|(?:hoc|study\w*|university|uni|college|dai hoc|truong hoc|tuition|hoc phi|"
    r"enrol\w*|nhap hoc)\W+(?:\w+\W+){0,5}(?:o |in |at |tai )(?:uc|my|canada|singapore|nhat ban|han quoc|"
    r"sydney|melbourne|brisbane|london|manchester|toronto|vancouver|boston|new york|california|tokyo|seoul|"
    r"australia|america|england|uk|usa|japan|korea|germany|duc|phap|france|new zealand)\b|"
    r"(?:hoc|study\w*|university|uni|college|dai hoc|truong hoc|tuition|hoc phi|enrol\w*|nhap hoc)\W+(?:\w+\W+){0,5}"
    r"(?:canada|singapore|nhat ban|han quoc|"
    r"sydney|melbourne|brisbane|london|manchester|toronto|vancouver|boston|new york|california|tokyo|seoul|"
    r"australia|america|england|uk|usa|japan|korea|germany|duc|phap|france|new zealand|abroad|overseas)\b",
    "education": r"tuition|university fees?|school fees?|education\w*|hoc phi|hoc hanh|con (?:\w+ ){0,2}(?:di )?hoc|"
    r"cho con hoc|"
    r"tuong lai hoc van|quy hoc van",
    "home": r"(?:buy|buying|purchase|purchasing) (?:a |an |their )?(?:house|home|flat|apartment|property)|mortgage|"
    r"home loan|housing|mua nha|mua (?:can ho|chung cu|dat)|vay mua nha|xay nha",
    "retirement": r"retire\w*|pension\w*|nghi huu|huu tri|ve huu|luong huu",
    "family": r"(?:protect|protection|cover) (?:for )?(?:their |the )?family|young famil\w+|new(?:born| baby)|"
    r"children|kids|bao ve gia dinh|con nho|sinh con|em be|life (?:cover|insurance|protection)|bao hiem nhan tho|"
    r"new (?:dad|mom|mum|parents?)|moi co con|vua co con",
    "inactive": r"inactive|dormant|not (?:been )?(?:contacted|called|spoken to|met|in touch)|"
    r"haven.?t (?:\w+ )?(?:called|contacted|talked|spoken|met|reached)|hasn.?t been (?:contacted|called)|"
    r"no (?:recent )?(?:contact|calls?|interaction)s?|without (?:a |any )?(?:contact|call)|neglected|forgotten|"
    r"(?:chua|khong|ko|k|not been|haven.?t been|never been) (?:\w+ ){0,2}(?:lien he|lien lac|contacted|called)|"
    r"(?:lau|lau roi|lau nhat) (?:chua|khong|ko|k) (?:\w+ )?(?:lien he|lien lac|goi|gap|cham soc|noi chuyen)|"
    r"(?:chua|khong|ko|k) (?:\w+ )?(?:lien he|lien lac|goi dien|goi|gap|cham soc|tuong tac)(?:/(?:goi|gap|lien he))? "
    r"(?:lau|lau roi|hon|tu|qua|tren|\d)|bo quen|it lien lac|khong hoat dong|ngu dong",
    "birthday": r"birthdays?|sinh nhat|sinh nhut|sn\b|bday",
    "salary_stopped": r"(?:salary|salaries|payroll|pay|paychecks?|wages?|luong|chi luong) (?:\w+ ){0,8}"
    r"(?:stopped|stop|no longer|not (?:coming|arriving|landing)|hasn.?t|ceased|moved|away|elsewhere|gone|"
    r"disappeared|ngung|dung|khong con|ko con|"
    r"k con|hong con|mat|het|chuyen (?:sang|qua|di))|(?:stopped|no longer) (?:\w+ ){0,3}(?:salary|payroll|luong)|"
    r"(?:ngung|dung|mat|khong con|ko con) (?:\w+ ){0,2}(?:nhan )?luong|"
    r"(?:khong|ko|k|chua|hong) (?:\w+ ){0,2}(?:thay )?luong (?:\w+ ){0,2}(?:ve|vao)|"
    r"luong (?:\w+ ){0,3}(?:khong|ko|k|chua|hong) (?:\w+ ){0,2}(?:ve|vao)",
    "matured_not_rolled": r"(?:dao han|matured?|het han)\W+(?:\w+\W+){0,8}?(?:khong|ko|k|chua|not|never|wasn.?t|"
    r"weren.?t|without)\s+(?:\w+\s+)?(?:tai tuc|gui lai|roll\w*|renew\w*|reinvest\w*|gia han)|"
    r"not (?:been )?(?:rolled over|renewed)|(?:khong|ko|chua) (?:duoc )?tai tuc",
    "login_drop": r"logins? (?:\w+ ){0,4}(?:dropped|fell|fallen|stopped|gone|down|to zero|zero)|"
    r"(?:stopped|quit|no longer) (?:using|logging (?:in|into|on)|opening) (?:the |our )?(?:app|mobile|ebanking)|"
    r"(?:khong|ko|k|ngung|bo|it) (?:con )?(?:dang nhap|vao app|dung app|xai app|login)|"
    r"(?:dang nhap|login) (?:\w+ ){0,3}(?:giam|ve 0|bang 0|ve khong|it han|tut)",
    "salary": r"salary|payroll|paycheck|chi luong|nhan luong|tra luong",
    "spend": r"(?:big|heavy|high|large) spend\w*|spends? (?:a lot|heavily)|card spend\w*|swip\w+|"
    r"(?:use|uses|using) (?:their |the )?(?:debit )?cards? (?:a lot|often)|chi tieu (?:nhieu|lon|manh)|"
    r"quet (?:the )?(?:\w+ )?nhieu|quet the",
}
#: Goals only an RM's notes can show (a plan the client talked about): read from the notes.
NOTE_GOALS = frozenset({"expansion", "green", "study_abroad", "education", "home", "retirement", "family"})
#: Product categories the lexicon does not name as account kinds.
_CATEGORY_WORDS: dict[str, str] = {
    "insurance": r"insurance|bancassurance|life cover|bao hiem|bh nhan tho|bhnt",
    "investment": r"funds?|mutual funds?|bonds?|equit\w+|stocks?|quy (?:dau tu|mo|trai phieu|co phieu)|chung chi quy|"
    r"trai phieu|co phieu|ccq",
    "credit_card": r"credit cards?|the tin dung|cc",
    "cd": r"tgckh|tien gui co ky han|term deposits?|fixed deposits?|time deposits?|\btd\b|\bcds?\b|so tiet kiem",
    "card": r"cards?|the (?:visa|master\w*|du lich|tin dung|ghi no|travel|cashback)|visa|mastercard|"
    r"the(?=\s*(?:$|[^\w\s]|(?:nao|gi|cua|ben|voi|o|tai|nhe|nha|de|luon|chua|khong|ko|moi|nua)\b))",  # thẻ, not "the"
    "loan": r"loans?|khoan vay|vay",
}
#: Words that end a negation's reach before a holding: "RM không hề biết tài khoản", "tiền nằm không trong tài
#: khoản thanh toán" (sitting idle) — a verb of another kind, a preposition or a new clause.
_SCOPE_BREAK = (
    r"trong|ngoai|biet|hieu|thay|noi|nghe|hoi|nho|nam|de|ma|nhung|khi|neu|vi|boi|nen|sau|truoc|"
    r"in|into|know|knew|knows|see|saw|say|said|tell|told|think|sure|because|but|that|which|who|when|if|after|before|"
    r"new|moi|"  # "no new savings in the last 90 days": none opened lately, which is no holding
    r"tinh|ke|count|counting|including|include"  # "(ko tính tk thanh toán)": left out of a sum, not a missing account
)
_NOT_BREAK = rf"(?!(?:{_SCOPE_BREAK})\b)[\w/]+"
_NEGATION = re.compile(
    r"(?<![\w])(?:without|w/o|no|not|never|lacking|don.?t|doesn.?t|do not|does not|didn.?t|haven.?t|hasn.?t|not yet|"
    rf"chua|khong|ko|k|hong|hok|kg|chua tung)\s+(?:{_NOT_BREAK}\s+){{0,3}}$"
)
#: "leave out anyone who already holds the fund", "trừ những ai hiện đang có khoản vay": holders left out.
_LEAVE_OUT = re.compile(
    r"(?:leave out|leaving out|exclude|excluding|skip|except|minus|other than|tru|ngoai tru|loai|bo qua)\s+"
    r"(?:(?!by\b|theo\b|top\b|sort\b|xep\b|rank\b)[\w/]+\s+){0,5}$"
)
#: What joins a second holding to a negated first one: "no card or loan", "chưa gửi tiết kiệm hay đầu tư gì".
_LISTED_NEXT = re.compile(rf"^\s*(?:,|/|or|nor|and|hay|hoac|va|cung|lan)\s*(?:{_NOT_BREAK}\s+){{0,2}}$")
_TERM_AFTER = re.compile(r"^\s*(?P<n>\d{1,2})\s*(?:t\b|th\b|thang|m\b|months?|mo\b|nam|years?|y\b)")
_THIS_ONE = re.compile(r"^\s*(?:nay|do|this|that|it|ay)\b")
_HOLDING = re.compile(
    r"(?:with|has|have|having|hold|holds|holding|own|owns|already|dang co|da co|co san|dang (?:dung|so huu)|"
    r"dang giu)\s+(?:(?:a|an|the|their|an active)\s+)?$"
)
_TOP = re.compile(
    r"\btop\s*-?\s*(?P<top>\d{1,2})\b|\b(?P<count>\d{1,2})\s+(?:(?:best|top|most \w+|potential|likely)\s+)?"
    r"(?:clients?|customers?|prospects?|names?|people|persons?|candidates?|khach(?: hang)?|kh|nguoi|ten|ong ba|"
    r"anh chi)\b"
)
_GENERATION = re.compile(r"\b(?P<decade>[5-9]|0)x\b|\bthe he (?P<gen>[5-9])x\b")
_AMOUNT_FLOOR = re.compile(
    r"(?:at least|minimum(?: of)?|min\.?|no less than|from|over|above|more than|greater than|exceeding|upwards of|"
    r">=|>|≥|tu|tren|it nhat|toi thieu|hon|lon hon|vuot|co tren|co tu)\s*(?:la\s*)?$"
)
_AMOUNT_CEILING = re.compile(
    r"(?:under|below|less than|at most|no more than|up to|<=|<|≤|duoi|nho hon|it hon|toi da|khong qua)\s*(?:la\s*)?$"
)
_FLOOR_AFTER = re.compile(r"^\s*(?:vnd|dong|d)?\s*(?:\+|tro len|or more|and above|and up|plus|upward)")
_MEASURE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "money_out",
        re.compile(
            r"chuyen (?:tien )?(?:sang|qua|di|ra)|moved out|sent (?:out|to other)|"
            r"transfer\w* (?:out|to other)|outflows?|wir(?:e|es|ed|ing)\b|out to (?:other|another) banks?"
        ),
    ),
    (
        "inflow",
        re.compile(
            r"received|receiv\w+|inflows?|incoming|came in|coming in|credited|nhan (?:duoc|ve|them)|vua nhan|"
            r"chuyen ve|ve tai khoan|ve tk|tien ve|do ve"
        ),
    ),
    (
        "casa",
        re.compile(
            r"casa|current accounts?|checking|tai khoan thanh toan|tk thanh toan|tktt|thanh toan|"
            r"khong ky han|payment accounts?"
        ),
    ),
    (
        "idle",
        re.compile(
            r"idle|nhan roi|tien mat|cash|so du|kha dung|available|san co|sitting|nam im|nam yen|"
            r"de khong|de yen"
        ),
    ),
    ("investment", re.compile(r"invest\w*|dau tu|fund|\bquy\b(?! mo)")),
    ("loan", re.compile(r"loan|vay(?!\s*(?:\?|$|a\b|ta\b|nhi\b|ha\b))|du no|outstanding")),  # "…1 tỷ vay?": vậy
    ("income", re.compile(r"salary|income|luong|thu nhap")),
    ("deposits", re.compile(r"deposit|tien gui|savings?|tiet kiem|\btd\b|\bcd\b|gui")),
    ("aum", re.compile(r"\baum\b|assets?|tai san|tong|total|portfolio|relationship|book|wealth")),
)
_MEASURE_BY_NAME = dict(_MEASURE_WORDS)
#: "ai nhiều … nhất lên đầu", "largest AUM", "sorted by deposits": the request orders the list itself.
_ORDER_CUE = re.compile(
    r"\b(?:most|largest|biggest|highest|greatest|longest|richest|top \w+ by|sorted by|ranked by|order(?:ed)? by|"
    r"by (?:size|amount|aum|balance)|nhieu nhat|lon nhat|cao nhat|lau nhat|to nhat|xep theo|sap xep theo|"
    r"uu tien (?:\w+ ){0,3}(?:lon|nhieu|cao)|(?:lon|nhieu|cao) (?:nhat )?(?:len dau|xep truoc|truoc)|"
    r"(?:nhieu|lon|cao|lau|to|moi) (?:\w+ ){0,4}(?:nhat|nhut)|(?:xep|sort|sap xep|rank\w*) (?:theo|by)|"
    r"(?:\w+ ){0,2}(?:cao|lon|nhieu) (?:truoc|len truoc|len dau)|top \d+ theo|theo (?:so du|aum|tai san|so tien))"
)
_ORDER_MEASURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("money_out", re.compile(r"money out|moved|outflows?|chuyen (?:tien )?(?:di|ra|sang)|rut")),
    ("attrition", re.compile(r"nguy co|risk|rui ro|likely to leave")),
    (
        "note_amount",
        re.compile(
            r"projects?|du an|quy mo|nhu cau (?:von|vay)|loan need|size of (?:the |their )?(?:loan|need|project)|"
            r"(?:kh |khach |client )?(?:can|muon) vay|loan amounts?|amount (?:they )?(?:need|want)|"
            r"biggest (?:need|project|plan)"
        ),
    ),
    (
        "note_recent",
        re.compile(
            r"recent (?:convo|conversation|note|meeting|talk)s?|(?:moi|gan) (?:nhat|nhut)|latest|"
            r"newest|most recent"
        ),
    ),
    ("maturing", re.compile(r"matur\w*|dao han|den han")),
    ("inactive", re.compile(r"contact\w*|lien he|lien lac|chua (?:goi|gap)|silent|im lang|khong tuong tac")),
    ("travel", re.compile(r"travel|du lich|bay|trip")),
    ("spend", re.compile(r"spend|chi tieu|quet the")),
    *_MEASURE_WORDS,
)
#: "trong 30 ngày qua", "over the last 60 days", "6 tháng gần đây": how far back the evidence may be.
_WINDOW = re.compile(
    r"(?:last|past|previous|over the last|in the last|within|trong|qua|gan day|vong)\s*(?P<n>\d{1,3})\s*"
    r"(?P<unit>days?|ngay|weeks?|tuan|months?|thang)|(?P<n2>\d{1,3})\s*(?P<unit2>days?|ngay|weeks?|tuan|months?|thang)"
    r"\s*(?:qua|gan day|gan nhat|vua qua|tro lai day|ago|recently|nay|tro len|or more|or longer)|"
    r"(?:at least|for|it nhat|hon|tren|suot|min|minimum|toi thieu)\s*(?P<n3>\d{1,3})\s*"
    r"(?P<unit3>days?|ngay|weeks?|tuan|months?|thang)"
)
_UNIT_DAYS = {"day": 1, "ngay": 1, "week": 7, "tuan": 7, "month": 30, "thang": 30}
#: An amount of the RM's own context (a target, a shortfall, a bonus, a fee): never a filter on clients.
_CONTEXT_AMOUNT = re.compile(
    r"(?:thieu|chi tieu|kpi|target|quota|shortfall|giai ngan|disburse\w*|thuong|bonus|phi|fees?|room|ngan sach|"
    r"budget|doanh so|con thieu|raise|huy dong|premium|lai)\W+(?:\w+\W+){0,2}$"
)
#: A loan the client would take ("cần vay từ 500 triệu"): a need, never a filter on the loans they hold.
_LOAN_NEED = re.compile(
    r"(?:need|needs|want|wants|looking for|borrow\w*|can vay|muon vay|vay (?:them|moi)|"
    r"khoan vay (?:toi thieu|tu|tren)|ticket|size|han muc|du an|projects?|quy mo)\W+(?:\w+\W+){0,3}$"
)
#: "Gold trở lên", "Gold and above": that segment and every one above it.
_SEGMENT_UP = re.compile(r"^\s*(?:tro len|and above|or above|or higher|and up|upwards|\+|tro len tren)")
_SEGMENT_OFF = re.compile(
    r"^\W*(?:(?:\w+\W+){0,2}(?:de (?:tuan|thang|lan|dot) sau|later|next (?:week|time|month)|"
    r"khong lay|ko lay|bo qua|thi khong|excluded|not included)|(?:da co|already has|already have) (?:\w+ ){0,3}"
    r"(?:lo|cham soc|covered|banker))"
)
_SEGMENT_EXCEPT = re.compile(r"(?:except|excluding|other than|not|tru|ngoai tru|khong phai|ko phai|bo)\s*$")
_SEGMENT_AFTER_CLIENTS = re.compile(r"\b(?:khach hang|clients?|customers?)\s+(standard|gold|platinum|diamond)\b")
_UPGRADE_TO = re.compile(
    r"(?:nang|len|upgrad\w*|promot\w*|move\w* up|bump\w* up|nang cap|chuyen len|tier up)\s+"
    r"(?:(?:to|len|hang|them|tier|segment|into|the|a|an)\s+){0,2}$"
)
_SEGMENT_ORDER = ("Standard", "Gold", "Platinum", "Diamond")
#: Spending the request names ("swipe at supermarkets, shopping, dining"): the card spend that counts.
_SPEND_CATEGORIES: dict[str, str] = {
    "groceries": r"supermarkets?|groceries|grocery|sieu thi|di cho|tap hoa",
    "shopping": r"shopping|mua sam|shop",
    "dining": r"dining|restaurants?|an uong|nha hang|cafe|coffee",
    "travel": r"travel|du lich|hotels?|flights?|khach san",
    "education": r"education|tuition|hoc phi|giao duc",
    "healthcare": r"health\w*|hospital|y te|benh vien",
}


@dataclass(frozen=True)
class Criteria:
    """What a request asks: filters (exact), goals (ranking), and the words each came from."""

    segments: tuple[str, ...] = ()
    risk_profiles: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    #: (measure, operator, VND): measure ∈ deposits, idle, aum, investment, loan, income; operator ">=" or "<".
    amounts: tuple[tuple[str, str, int], ...] = ()
    #: Product categories or product codes the client must not hold ("no credit card yet").
    without: tuple[str, ...] = ()
    #: ...or must hold ("already has a home loan").
    holding: tuple[str, ...] = ()
    #: Occupations the request names ("kh làm IT", "các thầy cô giáo", "chủ ks/homestay"): keys of
    #: ``OCCUPATION_GROUPS``; a client's occupation must be one of them.
    occupations: tuple[str, ...] = ()
    #: No open complaint asked for explicitly.
    no_complaint: bool = False
    goals: tuple[str, ...] = ()
    top_n: int | None = None
    #: The measure or goal the request orders by ("largest AUM first"), else None (the evidence decides).
    order_by: str | None = None
    #: How far back evidence may be, in days ("in the last 30 days"), else each goal's own window.
    window_days: int | None = None
    #: How far ahead an event may be ("từ nay tới cuối tháng 11": a birthday), in days.
    ahead_days: int | None = None
    #: ...and from how many days ahead ("maturing Dec-Jan" asked in November starts on 1 December).
    ahead_from_days: int | None = None
    #: Spending categories the request names (for card spend).
    spend_categories: tuple[str, ...] = ()
    #: Amounts read but not applied as filters (a loan the client would take), as (measure, VND).
    needs: tuple[tuple[str, int], ...] = ()
    words: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_state(cls, data: dict[str, Any] | None) -> Criteria:
        """Criteria back from a graph's state (plain JSON: lists where the fields are tuples)."""
        values = dict(data or {})
        for key in (
            "segments",
            "risk_profiles",
            "cities",
            "occupations",
            "without",
            "holding",
            "goals",
            "spend_categories",
        ):
            values[key] = tuple(values.get(key) or ())
        for key in ("amounts", "needs"):
            values[key] = tuple(tuple(item) for item in values.get(key) or ())
        return cls(**values)

    @property
    def filters(self) -> bool:
        return bool(
            self.segments or self.risk_profiles or self.cities or self.occupations or self.age_min is not None
            or self.age_max is not None or self.amounts or self.without or self.holding or self.no_complaint
        )  # fmt: skip


#: Occupations a request may name, each as (how a request says it of clients, what a client's occupation reads):
#: the CRM's occupation is free text ("Kỹ sư phần mềm", "Chủ homestay"), so a group names it in everyday words.
OCCUPATION_GROUPS: dict[str, tuple[str, str]] = {
    "it": (
        r"(?:lam|dan|nganh|ben|ky su|nhan vien|works? in|working in) it|it (?:engineers?|staff|guys|people|"
        r"professionals?)|cntt|cong nghe thong tin|lap trinh vien|programmers?|software engineers?|developers?",
        r"\bit\b|cntt|cong nghe thong tin|phan mem|lap trinh|software|developer|programmer",
    ),
    "teacher": (
        r"giao vien|giang vien|thay co(?: giao)?|thay giao|co giao|teachers?|lecturers?|\bgv\b",
        r"giao vien|giang vien|teacher|lecturer|hieu truong",
    ),
    "retiree": (
        r"(?:bac|cu|ong|ba|co|chu|kh|khach|khach hang|clients?|nguoi|nhung|cac) (?:\w+ )?(?:da )?"
        r"(?:huu tri|nghi huu|ve huu)|retirees?|pensioners?|retired (?:clients?|people|customers?)",
        r"huu tri|nghi huu|ve huu|retire|pension",
    ),
    "doctor": (r"bac si|bac sy|doctors?|physicians?", r"bac si|bac sy|doctor|physician|surgeon"),
    "pharmacist": (r"duoc si|pharmacists?|chu nha thuoc|pharmacy owners?", r"duoc si|pharmac|nha thuoc"),
    "hotel": (
        r"chu (?:\w+ )?(?:khach san|ks|homestay|resort|nha nghi)|(?:hotel|homestay|resort) owners?|"
        r"(?:khach san|homestay) owners?",
        r"khach san|homestay|hotel|resort|nha nghi",
    ),
    "civil_servant": (
        r"cong chuc|vien chuc|civil servants?|government (?:staff|employees?)",
        r"cong chuc|vien chuc|civil servant|can bo",
    ),
    "accountant": (r"ke toan|accountants?", r"ke toan|accountant"),
}
_OCCUPATION_ASKED = {key: re.compile(rf"(?<![\w])(?:{asked})(?![\w])") for key, (asked, _) in OCCUPATION_GROUPS.items()}
_OCCUPATION_HELD = {key: re.compile(held) for key, (_, held) in OCCUPATION_GROUPS.items()}


def occupation_matches(occupation: str, wanted: tuple[str, ...]) -> bool:
    """Whether a client's occupation (free text) is one of the groups a request named."""
    folded = fold(occupation)
    return any(_OCCUPATION_HELD[key].search(folded) for key in wanted if key in _OCCUPATION_HELD)


def _compiled(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])")


_GOALS = {goal: _compiled(words) for goal, words in GOAL_WORDS.items()}
_CATEGORIES = {category: _compiled(words) for category, words in _CATEGORY_WORDS.items()}
_COMPLAINT_FREE = _compiled(
    r"no (?:open |pending )?complaints?|without (?:a |an |any )?(?:open )?complaints?|not complain\w*|"
    r"khong (?:co )?khieu nai|chua (?:co )?khieu nai|ko (?:co )?khieu nai|k khieu nai|khong phan nan"
)
#: Words that make "tăng trưởng" / "growth" a client's risk profile rather than a business's or a fund's growth.
_RISK_CONTEXT = re.compile(
    r"khau vi|risk|profile|appetite|investors?|nha dau tu|rui ro|conservative|balanced|"
    r"than trong|can bang"
)
_QUOTES = re.compile(r"[\"'‘’“”«»`]")


#: "Don't flag people because a large payment came in", "không tính học phí du học": a goal named to be left out.
_EXCLUDING = re.compile(
    r"(?:don.?t|do not|never|except|excluding|exclude|skip|leave out|ignore|not (?:because|just|simply)|"
    r"khong tinh|ko tinh|k tinh|tru|ngoai tru|bo qua|loai (?:ra|bo)?|dung tinh)\b(?:\W+\w+){0,20}\W*$"
)
#: "ai mới có tiền về nhiều … cũng không phải", "a large inflow is not a sign": named, then said not to count.
_NOT_AFTER = re.compile(
    r"^\w*(?:\W+\w+){0,12}?\W+(?:cung (?:khong|ko|dau) phai|"
    r"(?:khong|ko|dau) phai (?:la )?(?:dau hieu|nguy co|roi bo|rui ro|bo minh|bo di|roi di)|"
    r"(?:is|are|isn.?t|aren.?t) not (?:a |an )?(?:sign|signal|risk|flight risk|reason)|(?:khong|ko) phai\W*$)"
)


def _excluded_here(folded: str, start: int) -> bool:
    """Whether the words at ``start`` are named to be left out (a clause that says not to count them)."""
    clause = re.split(r"[.;!?]|\bbut\b|\bnhung\b", folded[max(0, start - 100) : start])[-1]
    after = re.split(r"[.;!?]|\bbut\b|\bnhung\b|\bma\b", folded[start : start + 100])[0]
    return bool(_EXCLUDING.search(clause) or _NOT_AFTER.match(after))


_EVENT = r"seminars?|workshops?|webinars?|events?|hoi thao|su kien|toa dam|campaigns?|promos?"
_EVENT_AFTER = re.compile(rf"^\W*(?:\w+\W+){{0,2}}(?:{_EVENT})\b")
_EVENT_BEFORE = re.compile(rf"\b(?:{_EVENT})\W+(?:\w+\W+){{0,2}}$")


def _only_a_topic(folded: str, goal: str) -> bool:
    """Whether every mention of ``goal`` names an event's theme ("the retirement-income seminar"), the RM's
    occasion for the list rather than what the clients must show."""
    matches = list(_GOALS[goal].finditer(folded))
    return bool(matches) and all(
        _EVENT_AFTER.match(folded[m.end() : m.end() + 30])
        or _EVENT_BEFORE.search(folded[max(0, m.start() - 30) : m.start()])
        for m in matches
    )


def goals_in(text: str) -> list[str]:
    """The goals the text's own words ask for, in the order of ``GOAL_WORDS``."""
    folded = fold(_QUOTES.sub(" ", text))
    found = [goal for goal, pattern in _GOALS.items() if any(not _excluded_here(folded, m.start())
                                                                for m in pattern.finditer(folded))]  # fmt: skip
    for specific, general in (
        ("salary_stopped", "salary"),
        ("matured_not_rolled", "cd_maturing"),
        ("matured_not_rolled", "money_out"),
        ("study_abroad", "education"),
        ("money_out", "attrition"),
        ("study_abroad", "travel"),
    ):
        if (
            specific in found
            and general in found
            and (specific == "salary_stopped" or not _GOALS[general].search(_GOALS[specific].sub(" ", folded)))
        ):
            found.remove(general)  # "lương không còn về" is the sign, not a wish for payroll clients
    return found


def spend_matches(category: str, wanted: tuple[str, ...]) -> bool:
    """Whether a transaction category is one of the spending kinds a request named ("siêu thị" → groceries)."""
    folded = fold(category.replace("_", " "))
    return any(_compiled(_SPEND_CATEGORIES[name]).search(folded) or name in folded for name in wanted)


#: What a business owner says when the business grows (a note's words, not a request's).
_EXPANSION = re.compile(
    r"(?<![\w])(?:expan\w+|grow(?:ing)? the business|new (?:branch|store|shop|factory|warehouse|workshop|line)s?|"
    r"second (?:branch|store|factory)|mo rong|mo them|xay (?:them )?xuong|xuong moi|kho moi|chi nhanh moi|"
    r"them chi nhanh|them cua hang|nang cap (?:nha xuong|day chuyen)|day chuyen moi|mua (?:them )?may moc|"
    r"tang von|von luu dong|working capital|sua chua|cai tao|nang cap|renovat\w*|refurbish\w*|upgrad\w*)(?![\w])"
)


def note_mentions(goal: str, note: str) -> str | None:
    """The words of a note that speak of ``goal`` ("điện mặt trời" for green), or None."""
    pattern = _EXPANSION if goal == "expansion" else _GOALS.get(goal)  # a note's words for growing, not a request's
    if pattern is None:
        return None
    match = pattern.search(fold(note))
    return match.group(0) if match else None


#: The amount a goal is about, when a number in the request has no measure word of its own (">200tr" of transfers).
_GOAL_MEASURES = {"money_out": "money_out", "large_inflow": "inflow", "idle_cash": "idle", "salary": "income",
                  "travel": "travel", "spend": "spend", "cd_maturing": "maturing",
                  "matured_not_rolled": "matured"}  # fmt: skip
#: Words that add balances up: the amount is of the sum they name.
_AGGREGATE = re.compile(
    r"\btong\b|\btotal\b|combined|\bcong\b|(?<=[a-z)])\s*\+\s*(?=[a-z(])|tinh (?:ca|luon)|bao gom|including|across|"
    r"\bgop\b|all together|"
    r"\bsum\b"
)
_TERM_DEPOSIT = re.compile(r"\bcds?\b|term deposits?|\btd\b|co ky han|tgckh|fixed deposits?|time deposits?")
_SAVINGS = re.compile(r"savings?|tiet kiem")
_ASSETS = re.compile(r"\baum\b|assets?|tai san|portfolio|wealth|relationship")
#: "(không tính tk thanh toán)", "excluding current accounts": the current account is left out of the sum.
_CASA_LEFT_OUT = re.compile(
    r"(?:khong|ko|k|chua|not|excluding|excl\.?|except|tru|ngoai|minus)\s+(?:tinh|ke|counting|including|count)?\s*"
    r"(?:the\s+|cac\s+)?(?:casa|current accounts?|tk ?tt|tk thanh toan|tai khoan thanh toan|tien thanh toan)"
)
#: Between two amounts (or right after the second), the second corrects the first: a Zalo "*", "à không", "ý là".
_CORRECTED_AMOUNT = re.compile(r"\*|\ba khong\b|\by la\b|\bi mean\b|\bsorry\b|\bnham\b|\bsua lai\b|\bcorrection\b")
_MONTHLY = re.compile(
    r"\s*(?:/\s*(?:thang|th|month|mth|mo)\b|(?:per|a|moi|mot|1)\s+(?:thang|month)\b|(?:thang|monthly)\b)"
)
_MONEY_SENT = re.compile(
    r"(?:chuyen|ck) (?:tien )?(?:di|ra|sang|qua)\b|(?:moved|sent|transferred|wired) (?:\w+ )?(?:to|out)\b|outflows?"
)
_TO_OTHER_BANKS = re.compile(r"\s*(?:\w+\s+){0,2}(?:to|sang|qua|ra) (?:other|another|ngan hang khac|nh khac|bank khac)")
_PURPOSE = re.compile(r"\b(?:de|nham|to|so that|in order|for (?:my|the|a|an))\b")


def _measure(before: str, after: str) -> str:
    """What an amount is of: the nearest measure word after it, else before it; total assets when none. A purpose
    clause after it ("… để em tư vấn gửi có kỳ hạn") says what the RM will do, not what the amount is."""
    if _MONEY_SENT.search(before[-45:]) or _TO_OTHER_BANKS.match(after):
        return "money_out"  # "chuyển tiền qua bank khác tổng trên 500tr": the sum sent, not what the client holds
    purpose = _PURPOSE.search(after)
    after = after[: purpose.start()] if purpose else after
    if _MONTHLY.match(after) and not re.search(r"chi tieu|spend|quet|travel|du lich", before[-40:]):
        if re.search(r"doanh thu|doanh so|revenue|receipts?|sales|thu tien hang|tien hang|ban hang", before[-60:]):
            return "business_monthly"  # "doanh thu về tài khoản bình quân 300 củ một tháng"
        return "income"  # "lương về trên 40tr/tháng", "salary >150m/mth": a monthly amount is what they earn
    near = before[-50:] + " " + after[:60]
    if _AGGREGATE.search(near):  # "tổng tài sản (tiền gửi + đầu tư)", "CASA + tiết kiệm", "across current, savings
        if _ASSETS.search(near) or _MEASURE_BY_NAME["investment"].search(near):  # and term deposits"
            return "aum"
        if _TERM_DEPOSIT.search(near):
            return "deposits"
        if _MEASURE_BY_NAME["casa"].search(near) and _SAVINGS.search(near):
            return "cash"
        if _MEASURE_BY_NAME["deposits"].search(near):
            return "deposits"
    best: tuple[int, str] | None = None
    for name, pattern in _MEASURE_WORDS:
        for match in pattern.finditer(after[:40]):
            distance = match.start()
            if best is None or distance < best[0]:
                best = (distance, name)
        for match in pattern.finditer(before[-40:]):
            distance = len(before[-40:]) - match.end() + 1
            if best is None or distance < best[0]:
                best = (distance, name)
    if best and best[1] == "deposits" and _CASA_LEFT_OUT.search(near):
        return "term_deposits"  # "tiền gửi từ 2 tỷ (ko tính tk thanh toán)": savings and term deposits only
    if best and best[1] in ("idle", "casa"):
        near = before[-40:] + " " + after[:40]
        if _MEASURE_BY_NAME["casa"].search(near) and _MEASURE_BY_NAME["idle"].search(near):
            return "casa_idle"  # "sitting in their current accounts": the settled current-account balance
    return best[1] if best else ""


def _generation_years(folded: str) -> tuple[int, int] | None:
    match = _GENERATION.search(folded)
    if not match:
        return None
    decade = int(match["decade"] or match["gen"])
    start = 2000 if decade == 0 else 1900 + decade * 10
    return start, start + 9


def read_criteria(
    request: str,
    today: dt.date,
    vocabulary: Vocabulary | None = None,
    product_names: dict[str, str] | None = None,
    product_code: str | None = None,
) -> Criteria:
    """The request's filters, goals and limit. ``product_names``: code → name of the catalog, so "without the
    Travel Card" is a product; ``product_code``: the product offered, never a filter on itself."""
    text = _QUOTES.sub(" ", request)
    folded, entries = lexicon_reading(text, vocabulary)
    words: dict[str, str] = {}
    segments: list[str] = []
    risks: list[str] = []
    cities: list[str] = []
    without: list[str] = []
    holding: list[str] = []
    said_segments = [entry for entry in entries if entry[0] == "segment"]
    for match in _SEGMENT_AFTER_CLIENTS.finditer(folded):  # "khách hàng Gold": "khách hàng" took the "hạng"
        if not any(start <= match.start(1) < end for _role, _value, start, end in said_segments):
            entries = [*entries, ("segment", match.group(1).title(), match.start(1), match.end(1))]
    entries.sort(key=lambda entry: entry[2])
    for role, value, start, end in entries:
        said = folded[start:end]
        if role == "segment" and value not in segments:
            if (
                _SEGMENT_OFF.match(folded[end:])
                or _SEGMENT_EXCEPT.search(folded[max(0, start - 20) : start])
                or _UPGRADE_TO.search(folded[max(0, start - 30) : start])
            ):
                continue  # "Gold để tuần sau", "except Gold", "đề xuất nâng hạng Platinum": the tier they would reach
            segments.append(value)
            words.setdefault("segment", said)
            if _SEGMENT_UP.match(folded[end:]) and value in _SEGMENT_ORDER:
                segments += [up for up in _SEGMENT_ORDER[_SEGMENT_ORDER.index(value) + 1 :] if up not in segments]
        elif role == "risk" and value not in risks:
            near = folded[max(0, start - 25) : end + 25]
            client_next = re.match(r"\W{0,3}(?:clients?|customers?|investors?|profiles?)\b", folded[end:])
            if value == "growth" and not (_RISK_CONTEXT.search(near) or client_next):
                continue  # "Tăng trưởng xanh", "Quỹ Tăng Trưởng": growth of a business or a fund's name
            risks.append(value)
            words.setdefault("risk", said)
        elif role == "city" and value not in cities:
            cities.append(value)
            words.setdefault("city", said)
    # Holdings: a category or product named right after a negation ("chưa có thẻ") or a "has" ("already holds").
    named: list[tuple[int, int, str]] = []
    for role, value, start, end in entries:
        kind = role == "kind" and value in ("card", "investment", "cd", "savings", "loan", "casa")
        if kind and value == "card" and _CATEGORIES["credit_card"].search(folded[start:end]):
            value = "credit_card"  # "chưa có thẻ tín dụng": a debit card does not count
        if kind or (role == "product" and value and value != product_code):
            named.append((start, end, value))
    for category, pattern in _CATEGORIES.items():
        for match in pattern.finditer(folded):
            if not any(a < match.end() and match.start() < b for a, b, _ in named):
                named.append((match.start(), match.end(), category))
    for code, name in (product_names or {}).items():
        for match in (
            m for form in short_names(name) for m in re.finditer(rf"(?<![\w]){re.escape(form)}(?![\w])", folded)
        ):  # the words of a product's name are that product, and its head noun with it ("thẻ Travel Miles")
            named = [item for item in named if not (item[0] < match.end() and match.start() - 2 <= item[1])]
            if code != product_code:  # the product offered is no filter on itself: its own rules say who holds it
                named.append((match.start(), match.end(), code))
    negated_until = -1
    if product_code:  # "chưa mua trái phiếu này", "not already in the fund": the product offered, which its rules check
        named = [item for item in named if not _THIS_ONE.match(folded[item[1] :])]
        offered_numbers = set(re.findall(r"\d+", fold((product_names or {}).get(product_code, ""))))
        # "chưa có FD 12T" while offering the 12-month deposit: the product offered, by its term
        named = [
            item
            for item in named
            if not ((term := _TERM_AFTER.match(folded[item[1] :])) and term["n"] in offered_numbers)
        ]
    for start, end, value in sorted(named):
        before = folded[max(0, start - 40) : start]
        listed = (negated_until >= 0 and _LISTED_NEXT.match(folded[negated_until:start]) is not None
                  and not _HOLDING.search(before))  # fmt: skip
        if _NEGATION.search(before) or _LEAVE_OUT.search(before) or listed:  # "chưa gửi tiết kiệm hay đầu tư"
            negated_until = end
            if value not in without:
                without.append(value)
                words.setdefault("without", folded[start:end])
        elif _HOLDING.search(before) and value not in holding:
            holding.append(value)
            words.setdefault("holding", folded[start:end])
    amounts: list[tuple[str, str, int]] = []
    needs: list[tuple[str, int]] = []
    plain = folded  # the request without the catalog's names: "Premier Invest (min 2 tỷ)" is no investment measure
    for name in (product_names or {}).values():
        for name_words in {fold(_QUOTES.sub(" ", name)), *short_names(name)}:  # "Premier Invest (tối thiểu 2 tỷ)"
            if len(name_words) >= 4:
                plain = re.sub(rf"(?<![\w]){re.escape(name_words)}(?![\w])", lambda m: " " * len(m.group(0)), plain)
    age_min, age_max, age_words = age_band(folded)
    last_end = -1
    for span in find_amounts(text):
        start, end = _folded_span(text, folded, span.start, span.end)
        between = folded[last_end:start] + text[span.end : span.end + 2]
        if amounts and last_end >= 0 and _CORRECTED_AMOUNT.search(between):
            # "trên 50tr … *500tr nha, e gõ thiếu số 0", "500 triệu à không 1 tỷ": the amount said again, corrected
            measure, operator, _old = amounts.pop()
            amounts.append((measure, operator, int(span.value_vnd)))
            words["amount"] = folded[start:end]
            last_end = end
            continue
        last_end = end
        before, after = folded[max(0, start - 30) : start], folded[end:]
        if _AMOUNT_CEILING.search(before):
            operator = "<"
        elif _AMOUNT_FLOOR.search(before) or _FLOOR_AFTER.match(after):
            operator = ">="
        else:
            operator = ">="  # "khách có 2 tỷ tiền gửi": an amount a client has is at least that much
        if _CONTEXT_AMOUNT.search(before) and not _AMOUNT_FLOOR.search(before):
            continue  # "chỉ tiêu còn thiếu 3 tỷ": the RM's target, not the client's money
        measure = _measure(plain[:start], plain[end:])
        if measure == "loan" or _LOAN_NEED.search(folded[max(0, start - 40) : start]):
            needs.append(("loan", int(span.value_vnd)))  # the loan they would take, not one they hold
            continue
        amounts.append((measure, operator, int(span.value_vnd)))
        words.setdefault("amount", folded[start:end])
    goals = goals_in(request)
    topics = [goal for goal in goals if _only_a_topic(folded, goal)]
    occupations = []
    for key, pattern in _OCCUPATION_ASKED.items():
        if (asked := pattern.search(folded)) is not None:
            occupations.append(key)
            words.setdefault("occupation", asked.group(0))
            said_apart = folded[: asked.start()] + " " + folded[asked.end() :]
            if key == "retiree" and "retirement" in goals and not _GOALS["retirement"].search(said_apart):
                goals.remove("retirement")  # "các bác hưu trí" are who, not a retirement plan in the notes
    has_filters = segments or risks or cities or occupations or without or holding or amounts or age_words
    if topics and (has_filters or len(topics) < len(goals)):
        goals = [goal for goal in goals if goal not in topics]  # "for the retirement-income seminar, clients aged 55+"
    if {"attrition", "money_out"} & set(goals) and "idle_cash" in goals and not re.search(r"idle|nhan roi", folded):
        goals.remove("idle_cash")  # "rút tiền" is a sign of leaving, not idle money
    maturing = "cd_maturing" in goals  # "FD maturing next 30 days, only those >= 1bn": the deposit that matures
    balance_words = ("", "deposits") if "idle_cash" in goals else ("", "deposits", "idle")  # "số dư trên 1 tỷ"
    amounts = [(("maturing" if maturing and measure in balance_words else measure)
                or _GOAL_MEASURES.get(next(iter(goals), ""), "aum"), operator, amount)
               for measure, operator, amount in amounts]  # fmt: skip
    order_by = _order_by(folded, goals)
    if maturing and order_by == "deposits":
        order_by = "maturing"  # "biggest FD first" among deposits coming due: the amount that matures
    goal_measures = {_GOAL_MEASURES[goal] for goal in goals if goal in _GOAL_MEASURES}
    if order_by in set(_GOAL_MEASURES.values()) - goal_measures and goals and goals[0] in _GOAL_MEASURES:
        order_by = _GOAL_MEASURES[goals[0]]  # "rút ra luôn, sort số tiền": the amount of what was asked about
    top = _TOP.search(folded)
    top_n = None
    if top:
        number = int(top["top"] or top["count"])
        if 1 <= number <= 50:
            top_n = number
    if age_words:
        words["age"] = age_words
    generation = _generation_years(folded)
    if generation is not None:  # "khách 8x": born in the 1980s
        words["age"] = _GENERATION.search(folded).group(0)  # type: ignore[union-attr]
        age_min = today.year - generation[1] - 1
        age_max = today.year - generation[0]
    return Criteria(
        segments=tuple(segments), risk_profiles=tuple(risks or _risk_in_words(folded)), cities=tuple(cities),
        occupations=tuple(occupations),
        age_min=age_min,
        age_max=age_max, amounts=tuple(amounts), without=tuple(without), holding=tuple(holding),
        no_complaint=bool(_COMPLAINT_FREE.search(folded)), goals=tuple(goals), top_n=top_n, words=words,
        order_by=order_by, window_days=_window_days(durations_in_digits(folded), today),
        ahead_days=_ahead_days(durations_in_digits(folded), today), ahead_from_days=_ahead_from(folded, today),
        needs=tuple(needs),
        spend_categories=tuple(name for name, words in _SPEND_CATEGORIES.items() if _compiled(words).search(folded)),
    )  # fmt: skip


_HIGH_RISK = re.compile(
    r"chiu (?:duoc )?rui ro cao|chap nhan rui ro cao|khau vi (?:rui ro )?cao|high risk (?:appetite|"
    r"tolerance)|aggressive (?:investors?|clients?|profiles?)|risk.?takers?"
)
_LOW_RISK = re.compile(
    r"khong (?:chiu|thich|chap nhan) (?:duoc )?rui ro|ngai rui ro|so rui ro|risk.?averse|"
    r"low risk (?:appetite|tolerance)"
)


def _risk_in_words(folded: str) -> tuple[str, ...]:
    """A risk profile said in everyday words ("chịu rủi ro cao", "risk-averse")."""
    if _HIGH_RISK.search(folded):
        return ("growth",)
    if _LOW_RISK.search(folded):
        return ("conservative",)
    return ()


def _order_by(folded: str, goals: list[str] | None = None) -> str | None:
    """The measure the request orders by: the measure word nearest an order cue ("nhiều tiền nhàn rỗi nhất"); a cue
    with no measure of its own ("sort theo số tiền") orders by the goal's amount."""
    best: tuple[int, str] | None = None
    cues = list(_ORDER_CUE.finditer(folded))
    for cue in cues:
        for name, pattern in _ORDER_MEASURES:
            for match in pattern.finditer(folded, max(0, cue.start() - 40), min(len(folded), cue.end() + 40)):
                inside = cue.start() <= match.start() < cue.end()
                distance = 0 if inside else min(abs(match.start() - cue.end()), abs(cue.start() - match.end()))
                if best is None or distance < best[0]:
                    best = (distance, name)
    if best is None and cues and goals:
        return _GOAL_MEASURES.get(goals[0])
    if (
        best
        and best[1] == "idle"
        and any(_MEASURE_BY_NAME["casa"].search(folded, c.start(), c.end() + 20) for c in cues)
    ):
        return "casa"  # "theo số dư CASA": the current-account balance
    return best[1] if best and best[1] != "attrition" else None  # the risk is what the ranking scores anyway


_MONTH_END = re.compile(
    r"(?:toi|den|truoc|until|by|before) (?:the )?(?:cuoi|het|end of)(?: the)? (?:thang|month)(?: (?P<month>\d{1,2}))?|"
    r"(?:cuoi|het) thang(?: (?P<month2>\d{1,2}))?"
)
_AHEAD = re.compile(
    r"(?:trong|within|in the next|next|toi|sap toi)\s*(?P<n>\d{1,3})\s*(?P<unit>days?|ngay|weeks?|tuan)"
    r"\s*(?:toi|next|ahead|sap toi|nua)?"
)


_MONTH_NAMES = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
                "nov": 11, "dec": 12}  # fmt: skip
_MONTH = r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?|(?:thang|t)\s?(?:1[0-2]|0?[1-9]))"
_MONTH_RANGE = re.compile(rf"\b(?P<first>{_MONTH})\s*(?:-|–|to|den|toi|and|va|&)\s*(?P<last>{_MONTH})(?![\w])")


def _month_number(said: str) -> int | None:
    digits = re.search(r"\d+", said)
    if digits:
        return int(digits.group(0))
    return _MONTH_NAMES.get(said[:3])


def _ahead_from(folded: str, today: dt.date) -> int | None:
    """Where a range of months asked ahead starts ("maturing Dec-Jan" in November: 1 December), in days."""
    months = _MONTH_RANGE.search(folded)
    first_month = _month_number(months["first"]) if months else None
    if first_month is None or not 1 <= first_month <= 12 or first_month == today.month:
        return None
    year = today.year + (1 if first_month < today.month else 0)
    return (dt.date(year, first_month, 1) - today).days


def _ahead_days(folded: str, today: dt.date) -> int | None:
    """How far ahead the request looks for an event: "trong 2 tuần tới", "tới cuối tháng 11", "maturing Dec-Jan"."""
    months = _MONTH_RANGE.search(folded)
    if months and (last_month := _month_number(months["last"])) is not None and 1 <= last_month <= 12:
        year = today.year + (1 if last_month < today.month else 0)
        last = dt.date(year + last_month // 12, last_month % 12 + 1, 1) - dt.timedelta(days=1)
        return max(0, (last - today).days) or None
    end = _MONTH_END.search(folded)
    if end:
        raw = end["month"] or end["month2"]
        month = int(raw) if raw and 1 <= int(raw) <= 12 else today.month
        year = today.year + (1 if month < today.month else 0)
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        return max(0, (last - today).days) or None
    match = _AHEAD.search(folded)
    if match:
        return int(match["n"]) * _UNIT_DAYS.get(match["unit"].rstrip("s"), 1)
    return None


_SINCE_MONTH = re.compile(
    rf"\b(?:since|tu)\s+(?:(?:dau|early|the start of|the beginning of)\s+)?(?P<month>{_MONTH})(?![\w])"
)


def _window_days(folded: str, today: dt.date | None = None) -> int | None:
    since = _SINCE_MONTH.search(folded) if today is not None else None
    if since and today is not None and (month := _month_number(since["month"])) is not None and 1 <= month <= 12:
        start = dt.date(today.year - (1 if month > today.month else 0), month, 1)  # "since Sep": its first day
        return (today - start).days or None
    match = _WINDOW.search(folded)
    if not match:
        return None
    number = int(match["n"] or match["n2"] or match["n3"])
    unit = (match["unit"] or match["unit2"] or match["unit3"]).rstrip("s")
    days = number * _UNIT_DAYS.get(unit, 1)
    return days if 0 < days <= 730 else None


def _folded_span(text: str, folded: str, start: int, end: int) -> tuple[int, int]:
    """Where an amount found in the original text sits in the folded text (folding keeps most lengths)."""
    said = fold(text[start:end])
    position = folded.find(said, max(0, len(fold(text[:start])) - 5))
    if position < 0:
        position = folded.find(said)
    return (position, position + len(said)) if position >= 0 else (0, 0)
