"""Words the demo bank is made of: people, places, merchants and what RMs and clients write.

Kept apart from the generator so the text can be read and improved without
touching the logic. Everything here is plain data: nothing runs at import.
Vietnamese text is written as Vietnamese people write it (diacritics, names in
family-middle-given order); bank transfer descriptions are upper-case without
accents, as Vietnamese core-banking systems print them.
"""

from __future__ import annotations

from dataclasses import dataclass

BANK_NAME_EN = "An Khang Bank"
BANK_NAME_VI = "Ngân hàng An Khang"
BANK_EMAIL_DOMAIN = "bank.example"
CLIENT_EMAIL_DOMAINS = ("mail.example", "post.example", "inbox.example", "webmail.example", "corp.example.vn")

# --- names ------------------------------------------------------------------------------------------------------

# Family names with their approximate share of the population (percent).
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 31.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 4.0),
    ("Huỳnh", 3.0),
    ("Phan", 4.5),
    ("Vũ", 3.0),
    ("Võ", 3.0),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.7),
    ("Trương", 0.8),
    ("Lương", 0.5),
    ("Mai", 0.5),
    ("Cao", 0.4),
    ("Lâm", 0.4),
    ("Tô", 0.3),
    ("Hà", 0.4),
    ("Đoàn", 0.6),
    ("Tạ", 0.3),
    ("Châu", 0.3),
    ("Thái", 0.3),
    ("Trịnh", 0.5),
    ("Kiều", 0.2),
    ("Quách", 0.2),
)

MIDDLE_MALE: tuple[tuple[str, float], ...] = (
    ("Văn", 22.0),
    ("Đức", 9.0),
    ("Minh", 10.0),
    ("Quang", 7.0),
    ("Hữu", 6.0),
    ("Công", 5.0),
    ("Thành", 5.0),
    ("Xuân", 4.0),
    ("Ngọc", 3.0),
    ("Hoàng", 4.0),
    ("Tuấn", 3.0),
    ("Gia", 3.0),
    ("Anh", 3.0),
    ("Quốc", 5.0),
    ("Trọng", 3.0),
    ("Thanh", 3.0),
    ("Việt", 2.0),
    ("Đình", 3.0),
    ("Bảo", 2.0),
    ("Nhật", 2.0),
)

MIDDLE_FEMALE: tuple[tuple[str, float], ...] = (
    ("Thị", 30.0),
    ("Ngọc", 8.0),
    ("Thu", 6.0),
    ("Thanh", 6.0),
    ("Minh", 4.0),
    ("Phương", 4.0),
    ("Kim", 4.0),
    ("Bảo", 3.0),
    ("Hồng", 4.0),
    ("Mai", 3.0),
    ("Diệu", 2.0),
    ("Khánh", 3.0),
    ("Thùy", 4.0),
    ("Hoài", 2.0),
    ("Bích", 3.0),
    ("Mỹ", 3.0),
    ("Quỳnh", 2.0),
    ("Lan", 2.0),
    ("Hải", 2.0),
    ("Tuyết", 2.0),
)

GIVEN_MALE: tuple[str, ...] = (
    "Minh", "Hùng", "Dũng", "Tuấn", "Sơn", "Nam", "Hải", "Long", "Phong", "Quân", "Khoa", "Huy", "Bình", "Thắng",
    "Trung", "Đạt", "Hiếu", "Kiên", "Tùng", "Cường", "Thành", "Phúc", "Lâm", "Khải", "Vinh", "Toàn", "Hoàng", "Tài",
    "Đức", "Duy", "An", "Bảo", "Khang", "Nhân", "Thịnh", "Tâm", "Nghĩa", "Lộc", "Quang", "Việt", "Hưng", "Tiến",
    "Trí", "Hiển", "Khánh", "Định",
)  # fmt: skip

GIVEN_FEMALE: tuple[str, ...] = (
    "Lan", "Hương", "Hoa", "Mai", "Linh", "Trang", "Thảo", "Ngọc", "Hà", "Phương", "Oanh", "Dung", "Hạnh", "Yến",
    "Vy", "Nhung", "Thủy", "Hằng", "Quỳnh", "Anh", "Châu", "Giang", "Uyên", "Nhi", "Trâm", "Hiền", "Huyền", "Loan",
    "Diệp", "My", "Thư", "Tâm", "Ly", "Vân", "Xuân", "Nga", "Thúy", "Liên", "Tuyết", "Như", "Khánh", "Hồng",
)  # fmt: skip

# --- places -----------------------------------------------------------------------------------------------------

# Client cities with their share of the bank's book (percent).
CITIES: tuple[tuple[str, float], ...] = (
    ("TP. Hồ Chí Minh", 36.0),
    ("Hà Nội", 30.0),
    ("Đà Nẵng", 7.0),
    ("Hải Phòng", 6.0),
    ("Cần Thơ", 4.0),
    ("Nha Trang", 3.0),
    ("Biên Hòa", 3.0),
    ("Huế", 2.5),
    ("Vũng Tàu", 2.5),
    ("Hạ Long", 2.0),
    ("Thủ Dầu Một", 2.0),
    ("Vinh", 2.0),
)

# The order in which new RMs are placed: most RMs work in the two big cities.
BRANCH_ROTATION: tuple[str, ...] = (
    "Hà Nội",
    "TP. Hồ Chí Minh",
    "TP. Hồ Chí Minh",
    "Đà Nẵng",
    "Hà Nội",
    "Hải Phòng",
    "TP. Hồ Chí Minh",
    "Cần Thơ",
    "Hà Nội",
    "Nha Trang",
    "TP. Hồ Chí Minh",
    "Huế",
    "Hà Nội",
    "Biên Hòa",
)

# Meeting places an RM writes in the log, per city (the branch first).
MEETING_PLACES: dict[str, tuple[str, ...]] = {
    "TP. Hồ Chí Minh": (
        "Chi nhánh Quận 1",
        "Highlands Coffee Nguyễn Huệ",
        "Văn phòng khách hàng, Quận 3",
        "Nhà khách hàng, Thảo Điền",
        "The Coffee House Phú Mỹ Hưng",
    ),
    "Hà Nội": (
        "Chi nhánh Hoàn Kiếm",
        "Cộng Cà Phê Tràng Tiền",
        "Văn phòng khách hàng, Cầu Giấy",
        "Nhà khách hàng, Tây Hồ",
        "Phòng khách VIP, chi nhánh Ba Đình",
    ),
    "Đà Nẵng": ("Chi nhánh Hải Châu", "Quán cà phê ven sông Hàn", "Văn phòng khách hàng, Sơn Trà"),
    "Hải Phòng": ("Chi nhánh Lê Chân", "Văn phòng khách hàng, Ngô Quyền", "Quán cà phê Cầu Đất"),
    "Cần Thơ": ("Chi nhánh Ninh Kiều", "Quán cà phê bến Ninh Kiều", "Cửa hàng của khách hàng"),
}
DEFAULT_MEETING_PLACES: tuple[str, ...] = ("Chi nhánh", "Quán cà phê gần chi nhánh", "Văn phòng khách hàng")

# --- occupations -----------------------------------------------------------------------------------------------

INCOME_SALARY = "salary"
INCOME_BUSINESS = "business"
INCOME_PENSION = "pension"

# (occupation, income kind, weight per segment Diamond, Platinum, Gold, Standard)
OCCUPATIONS: tuple[tuple[str, str, tuple[float, float, float, float]], ...] = (
    ("Business owner", INCOME_BUSINESS, (30, 18, 8, 4)),
    ("Company director", INCOME_SALARY, (18, 12, 4, 0.5)),
    ("Real estate investor", INCOME_BUSINESS, (14, 6, 2, 0.5)),
    ("Doctor", INCOME_SALARY, (8, 10, 6, 2)),
    ("Lawyer", INCOME_SALARY, (5, 7, 4, 1)),
    ("Architect", INCOME_SALARY, (3, 6, 5, 2)),
    ("Pilot", INCOME_SALARY, (2, 4, 2, 0.2)),
    ("Senior manager", INCOME_SALARY, (6, 14, 10, 3)),
    ("Software engineer", INCOME_SALARY, (2, 6, 12, 8)),
    ("Engineer", INCOME_SALARY, (1, 4, 9, 9)),
    ("Accountant", INCOME_SALARY, (0.5, 2, 7, 9)),
    ("Pharmacist", INCOME_SALARY, (0.5, 2, 4, 4)),
    ("Marketing manager", INCOME_SALARY, (1, 4, 7, 4)),
    ("University lecturer", INCOME_SALARY, (0.5, 2, 4, 4)),
    ("Teacher", INCOME_SALARY, (0, 0.5, 3, 9)),
    ("Nurse", INCOME_SALARY, (0, 0.2, 2, 6)),
    ("Office worker", INCOME_SALARY, (0, 0.5, 4, 16)),
    ("Sales executive", INCOME_SALARY, (0, 1, 4, 9)),
    ("Civil servant", INCOME_SALARY, (0, 1, 4, 8)),
    ("Shop owner", INCOME_BUSINESS, (1, 3, 6, 9)),
    ("Restaurant owner", INCOME_BUSINESS, (2, 4, 4, 3)),
)
RETIREE = "Retiree"

EMPLOYERS: tuple[str, ...] = (
    "CONG TY TNHH MINH PHAT",
    "CONG TY CP CONG NGHE SAO VIET",
    "BENH VIEN DA KHOA AN BINH",
    "CONG TY LUAT HOANG LONG",
    "TRUONG THPT LE QUY DON",
    "CONG TY CP XAY DUNG THANH DAT",
    "CONG TY TNHH THUONG MAI HUNG THINH",
    "TONG CONG TY HANG KHONG VIET",
    "CONG TY CP DUOC PHAM BINH AN",
    "CONG TY TNHH KIEN TRUC NHAT NAM",
    "TRUONG DAI HOC KINH TE",
    "CONG TY CP PHAN MEM LAC HONG",
)

# (category, direction, channel, counterparties, English description, Vietnamese description)
SPENDING: tuple[tuple[str, str, tuple[str, ...], str, str], ...] = (
    ("shopping", "card", ("WinMart", "Co.opmart", "AEON Mall", "Shopee", "Tiki", "Lazada", "Uniqlo Đồng Khởi"),
     "Card purchase", "THANH TOAN THE"),
    ("bills", "online", ("EVN", "Sawaco", "Viettel Internet", "VNPT", "FPT Telecom", "Ban quản lý chung cư"),
     "Monthly bill", "THANH TOAN HOA DON THANG"),
    ("dining", "card", ("Pizza 4P's", "Highlands Coffee", "Phở Thìn", "Gogi House", "Nhà hàng Ngon"),
     "Restaurant", "AN UONG"),
    ("travel", "card", ("Vietnam Airlines", "Vietjet Air", "Agoda", "Traveloka", "Vinpearl Resort"),
     "Travel booking", "DAT VE DU LICH"),
    ("healthcare", "card", ("Bệnh viện FV", "Vinmec", "Nhà thuốc Long Châu", "Phòng khám Hoàn Mỹ"),
     "Medical expenses", "CHI PHI Y TE"),
    ("education", "transfer", ("Trường Quốc tế Việt Úc", "ILA Việt Nam", "Đại học RMIT", "Trường Tiểu học Lê Lợi"),
     "Tuition fee", "HOC PHI"),
    ("transfer_external", "transfer", ("Vietcombank", "Techcombank", "BIDV", "VPBank", "ACB", "MB Bank"),
     "Transfer to another bank", "CHUYEN KHOAN LIEN NGAN HANG"),
    ("cash_withdrawal", "atm", ("ATM An Khang",), "ATM withdrawal", "RUT TIEN ATM"),
)  # fmt: skip

# Relative weight of each spending category above.
SPENDING_WEIGHTS: tuple[float, ...] = (30, 20, 12, 8, 7, 8, 9, 6)

OTHER_BANKS: tuple[str, ...] = ("Vietcombank", "Techcombank", "BIDV", "VPBank", "ACB", "MB Bank", "Sacombank", "TPBank")

# --- RM voices --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """How one RM writes, in both languages; fixed per RM so a model can learn it from the sent messages.

    Templates use {hon} / {Hon} (Vietnamese honorific, lower / capitalised),
    {title} (Mr. / Ms. / Mrs.), {given} and {family}.
    """

    vi_salutation: str
    vi_signoff: str
    en_salutation: str
    en_signoff: str
    self_vi: str  # how the RM calls themself in Vietnamese: "em" or "tôi"
    signature: str  # "given", "short" (middle + given), "full", "full_title"
    phrases_vi: tuple[str, str]
    phrases_en: tuple[str, str]
    length: int  # 1 short, 2 medium, 3 long
    emoji: bool


VI_SALUTATIONS: tuple[str, ...] = (
    "Kính gửi {hon} {given},",
    "Chào {hon} {given},",
    "Dạ chào {hon} {given},",
    "Thân gửi {hon} {given},",
    "Kính chào {hon} {given},",
    "{Hon} {given} thân mến,",
    "Xin chào {hon} {given},",
)
VI_SIGNOFFS: tuple[str, ...] = (
    "Trân trọng,",
    "Thân mến,",
    "Thân ái,",
    "Kính thư,",
    "Trân trọng cảm ơn,",
    "Kính chúc sức khỏe,",
    "Thân,",
    "Xin cảm ơn,",
)
EN_SALUTATIONS: tuple[str, ...] = (
    "Dear {title} {given},",
    "Hi {given},",
    "Hello {title} {given},",
    "Dear {given},",
    "Good day {title} {given},",
    "Dear {title} {family},",
    "Hi {title} {given},",
)
EN_SIGNOFFS: tuple[str, ...] = (
    "Best regards,",
    "Warm regards,",
    "Cheers,",
    "Kind regards,",
    "Sincerely,",
    "Many thanks,",
    "Best,",
    "Yours sincerely,",
)

PHRASES_VI: tuple[str, ...] = (
    "{Self} luôn sẵn sàng hỗ trợ {hon} bất cứ lúc nào.",
    "Chúc {hon} và gia đình nhiều sức khỏe, bình an.",
    "Nếu {hon} cần thêm thông tin, {hon} cứ nhắn {self} nhé.",
    "Rất mong tiếp tục được đồng hành cùng {hon}.",
    "{Self} xin cảm ơn {hon} đã luôn tin tưởng {bank}.",
    "Chúc {hon} một tuần làm việc hiệu quả.",
    "{Self} sẽ gọi lại để trao đổi chi tiết hơn với {hon}.",
    "Mọi thắc mắc {hon} vui lòng phản hồi trực tiếp cho {self}.",
)
PHRASES_EN: tuple[str, ...] = (
    "Please don't hesitate to reach out anytime.",
    "Wishing you and your family all the best.",
    "Happy to walk you through the details whenever suits you.",
    "Thank you for your continued trust in {bank}.",
    "Have a wonderful week ahead.",
    "I'll give you a quick call to follow up.",
    "Just reply to this message if anything is unclear.",
    "It's always a pleasure working with you.",
)

# The first RMs get hand-written, coherent personas; later RMs combine the lists above.
PERSONAS: tuple[Voice, ...] = (
    Voice(
        vi_salutation="Kính gửi {hon} {given},",
        vi_signoff="Trân trọng,",
        en_salutation="Dear {title} {given},",
        en_signoff="Warm regards,",
        self_vi="em",
        signature="short",
        phrases_vi=(
            "{Self} luôn sẵn sàng hỗ trợ {hon} bất cứ lúc nào.",
            "Chúc {hon} và gia đình nhiều sức khỏe, bình an.",
        ),
        phrases_en=("Please don't hesitate to reach out anytime.", "Wishing you and your family all the best."),
        length=2,
        emoji=False,
    ),
    Voice(
        vi_salutation="Chào {hon} {given},",
        vi_signoff="Thân mến,",
        en_salutation="Hi {given},",
        en_signoff="Cheers,",
        self_vi="em",
        signature="given",
        phrases_vi=(
            "Nếu {hon} cần thêm thông tin, {hon} cứ nhắn {self} nhé.",
            "Chúc {hon} một tuần làm việc hiệu quả.",
        ),
        phrases_en=("Just reply to this message if anything is unclear.", "Have a wonderful week ahead."),
        length=1,
        emoji=True,
    ),
    Voice(
        vi_salutation="Kính chào {hon} {given},",
        vi_signoff="Kính thư,",
        en_salutation="Dear {title} {family},",
        en_signoff="Yours sincerely,",
        self_vi="tôi",
        signature="full_title",
        phrases_vi=(
            "{Self} xin cảm ơn {hon} đã luôn tin tưởng {bank}.",
            "Rất mong tiếp tục được đồng hành cùng {hon}.",
        ),
        phrases_en=("Thank you for your continued trust in {bank}.", "It's always a pleasure working with you."),
        length=3,
        emoji=False,
    ),
    Voice(
        vi_salutation="Dạ chào {hon} {given},",
        vi_signoff="Trân trọng cảm ơn,",
        en_salutation="Hello {title} {given},",
        en_signoff="Kind regards,",
        self_vi="em",
        signature="full",
        phrases_vi=(
            "{Self} sẽ gọi lại để trao đổi chi tiết hơn với {hon}.",
            "Mọi thắc mắc {hon} vui lòng phản hồi trực tiếp cho {self}.",
        ),
        phrases_en=(
            "I'll give you a quick call to follow up.",
            "Happy to walk you through the details whenever suits you.",
        ),
        length=2,
        emoji=False,
    ),
    Voice(
        vi_salutation="{Hon} {given} thân mến,",
        vi_signoff="Thân ái,",
        en_salutation="Dear {given},",
        en_signoff="Best,",
        self_vi="em",
        signature="short",
        phrases_vi=("Chúc {hon} và gia đình nhiều sức khỏe, bình an.", "Rất mong tiếp tục được đồng hành cùng {hon}."),
        phrases_en=("Wishing you and your family all the best.", "It's always a pleasure working with you."),
        length=2,
        emoji=True,
    ),
    Voice(
        vi_salutation="Thân gửi {hon} {given},",
        vi_signoff="Kính chúc sức khỏe,",
        en_salutation="Good day {title} {given},",
        en_signoff="Sincerely,",
        self_vi="tôi",
        signature="full_title",
        phrases_vi=(
            "{Self} xin cảm ơn {hon} đã luôn tin tưởng {bank}.",
            "Mọi thắc mắc {hon} vui lòng phản hồi trực tiếp cho {self}.",
        ),
        phrases_en=("Thank you for your continued trust in {bank}.", "Please don't hesitate to reach out anytime."),
        length=3,
        emoji=False,
    ),
    Voice(
        vi_salutation="Xin chào {hon} {given},",
        vi_signoff="Thân,",
        en_salutation="Hi {title} {given},",
        en_signoff="Many thanks,",
        self_vi="em",
        signature="given",
        phrases_vi=(
            "Nếu {hon} cần thêm thông tin, {hon} cứ nhắn {self} nhé.",
            "{Self} luôn sẵn sàng hỗ trợ {hon} bất cứ lúc nào.",
        ),
        phrases_en=("Just reply to this message if anything is unclear.", "I'll give you a quick call to follow up."),
        length=1,
        emoji=False,
    ),
    Voice(
        vi_salutation="Kính gửi {hon} {given},",
        vi_signoff="Xin cảm ơn,",
        en_salutation="Dear {title} {given},",
        en_signoff="Best regards,",
        self_vi="tôi",
        signature="full",
        phrases_vi=(
            "Rất mong tiếp tục được đồng hành cùng {hon}.",
            "{Self} sẽ gọi lại để trao đổi chi tiết hơn với {hon}.",
        ),
        phrases_en=("Happy to walk you through the details whenever suits you.", "Have a wonderful week ahead."),
        length=2,
        emoji=False,
    ),
)

# --- what RMs write to clients (sent_messages) --------------------------------------------------------------------
# Core paragraphs per topic; {amount}, {date}, {product}, {rate}, {age_wish} are filled by the generator.

SENT_SUBJECTS: dict[str, tuple[str, str]] = {
    "birthday": ("Chúc mừng sinh nhật {hon} {given}", "Happy birthday, {given}!"),
    "cd_maturity": ("Khoản tiền gửi của {hon} sắp đến hạn", "Your certificate of deposit is maturing soon"),
    "follow_up": ("Thông tin sau buổi trao đổi", "Following up on our conversation"),
    "offer_deposit": ("Lãi suất tiền gửi ưu đãi tháng này", "This month's deposit rates"),
    "offer_invest": ("Giới thiệu Premier Invest", "Introducing Premier Invest"),
    "loan_followup": ("Hồ sơ vay của {hon}", "Your loan application"),
    "document": ("Tài liệu {self} đã hứa gửi {hon}", "The documents I promised"),
}

SENT_CORE_VI: dict[str, tuple[str, ...]] = {
    "birthday": (
        "Nhân dịp sinh nhật {hon}, {self} xin gửi tới {hon} lời chúc sức khỏe, hạnh phúc và thật nhiều niềm vui.",
        "{Self} xin chúc mừng sinh nhật {hon}! Chúc {hon} tuổi mới an khang, thịnh vượng và luôn tràn đầy năng lượng.",
    ),
    "cd_maturity": (
        "Khoản tiền gửi có kỳ hạn {amount} của {hon} sẽ đến hạn vào ngày {date}. {Self} xin gửi {hon} các lựa chọn "
        "tái tục: kỳ hạn 12 tháng lãi suất {rate}%/năm (áp dụng cho khoản gửi từ 100 triệu đồng, lĩnh lãi cuối kỳ).",
        "{Self} xin thông báo khoản tiền gửi {amount} của {hon} đáo hạn ngày {date}. {Hon} muốn tái tục hay chuyển "
        "sang kỳ hạn khác, {hon} cho {self} biết để {self} chuẩn bị hồ sơ trước nhé.",
    ),
    "follow_up": (
        "Cảm ơn {hon} đã dành thời gian trao đổi với {self} hôm trước. {Self} đã ghi nhận nhu cầu của {hon} về "
        "{product} "
        "và sẽ gửi {hon} bảng so sánh chi tiết trong tuần này.",
        "Như đã trao đổi, {self} gửi {hon} tóm tắt các bước tiếp theo cho {product}. {Hon} xem giúp {self} và phản hồi "
        "khi thuận tiện.",
    ),
    "offer_deposit": (
        "Tháng này {bank} áp dụng lãi suất {rate}%/năm cho tiền gửi kỳ hạn 12 tháng, số tiền từ 100 triệu đồng, lĩnh "
        "lãi cuối kỳ. {Hon} có khoản tiền nhàn rỗi có thể cân nhắc để tối ưu lợi ích.",
    ),
    "offer_invest": (
        "{Self} xin giới thiệu Premier Invest, danh mục đầu tư được quản lý chuyên nghiệp, phù hợp với khẩu vị rủi ro "
        "tăng trưởng của {hon}. Lưu ý: sản phẩm đầu tư không phải tiền gửi, không được bảo hiểm tiền gửi và có thể "
        "mất vốn; lợi nhuận trong quá khứ không đảm bảo kết quả tương lai.",
    ),
    "loan_followup": (
        "Hồ sơ vay {amount} của {hon} đã được tiếp nhận. {Self} cần bổ sung sao kê lương 6 tháng gần nhất để hoàn tất "
        "thẩm định. Lãi suất {rate}%/năm cố định 12 tháng đầu, sau đó thả nổi theo quy định.",
    ),
    "document": (
        "{Self} gửi {hon} bảng lãi suất và điều kiện sản phẩm {product} như đã hứa. {Hon} xem tài liệu đính kèm giúp "
        "{self} nhé.",
    ),
}

SENT_CORE_EN: dict[str, tuple[str, ...]] = {
    "birthday": (
        "On behalf of everyone at {bank}, happy birthday! I hope the year ahead brings you health and happiness.",
        "Wishing you a very happy birthday and a wonderful year ahead.",
    ),
    "cd_maturity": (
        "Your certificate of deposit of {amount} matures on {date}. If you would like to renew, our 12-month rate "
        "is {rate}% p.a. for deposits from VND 100 million, interest paid at maturity.",
        "A quick reminder that your {amount} deposit matures on {date}. Let me know whether you would like to roll "
        "it over or move it to another tenor, and I will prepare the paperwork.",
    ),
    "follow_up": (
        "Thank you for taking the time to meet with me. I've noted your interest in {product} and will send you a "
        "detailed comparison this week.",
        "As discussed, here is a short summary of the next steps for {product}. Have a look when convenient.",
    ),
    "offer_deposit": (
        "This month {bank} offers {rate}% p.a. on 12-month deposits from VND 100 million, interest paid at "
        "maturity. It may be a good fit for funds you are not using right now.",
    ),
    "offer_invest": (
        "I'd like to introduce Premier Invest, our professionally managed portfolio for growth-oriented investors. "
        "Please note: investment products are not deposits, are not covered by deposit insurance and may lose "
        "value; past performance does not guarantee future results.",
    ),
    "loan_followup": (
        "We have received your loan application for {amount}. To complete the assessment, could you send your last "
        "six months of salary statements? The rate is {rate}% p.a. fixed for the first 12 months, then variable.",
    ),
    "document": ("As promised, please find attached the rate sheet and terms for {product}.",),
}

# Extra courtesy lines long-winded RMs add.
SENT_EXTRA_VI: tuple[str, ...] = (
    "{Self} xin phép được cập nhật thêm thông tin đến {hon} trong thời gian tới.",
    "Một lần nữa, {self} xin cảm ơn {hon} đã dành thời gian.",
)
SENT_EXTRA_EN: tuple[str, ...] = (
    "I will keep you posted on any updates.",
    "Thank you again for your time.",
)

# --- what clients write to RMs (inbound_messages) -----------------------------------------------------------------
# topic -> (subject vi, subject en, bodies vi, bodies en); {rm} is how the client addresses the RM.

INBOUND: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "card_issue": (
        "Thẻ bị khóa",
        "My card is blocked",
        (
            "{rm} ơi, thẻ tín dụng của {me} bị khóa khi thanh toán ở nước ngoài, {me} đang cần dùng gấp, "
            "giúp {me} với.",
            "Chào {rm}, {me} bị mất thẻ ghi nợ sáng nay, {rm} khóa thẻ giúp {me} ngay được không?",
            "{rm} ơi, thẻ của {me} bị trừ tiền 2 lần cho một giao dịch ở siêu thị, {rm} kiểm tra giúp {me}.",
        ),
        (
            "Hi {rm}, my credit card was declined abroad twice today and I need it urgently. Can you help?",
            "Hello {rm}, I lost my debit card this morning. Please block it as soon as possible.",
            "Hi {rm}, I was charged twice for the same purchase on my card. Could you look into it?",
        ),
    ),
    "loan_request": (
        "Hỏi về khoản vay",
        "Loan enquiry",
        (
            "Chào {rm}, {me} đang tính vay khoảng {amount} để sửa nhà, {rm} tư vấn giúp {me} lãi suất và thủ tục nhé.",
            "{rm} ơi, {me} muốn vay mua căn hộ khoảng {amount}, cần chuẩn bị hồ sơ gì vậy?",
        ),
        (
            "Hi {rm}, I'm thinking of borrowing about {amount} to renovate my house. What rate could I get?",
            "Hello {rm}, I'd like to apply for a home loan of around {amount}. What documents do you need?",
        ),
    ),
    "product_inquiry": (
        "Lãi suất tiết kiệm",
        "Deposit rates",
        (
            "Chào {rm}, {me} muốn hỏi lãi suất tiết kiệm 12 tháng hiện tại là bao nhiêu?",
            "{rm} ơi, sản phẩm Premier Invest có phù hợp với {me} không, {rm} gửi thông tin giúp {me} nhé.",
            "Chào {rm}, {me} có khoản tiền nhàn rỗi, nên gửi kỳ hạn nào thì tốt?",
        ),
        (
            "Hi {rm}, what is the current 12-month deposit rate?",
            "Hello {rm}, could you send me some information about Premier Invest?",
            "Hi {rm}, I have some spare cash. Which term deposit would you suggest?",
        ),
    ),
    "complaint": (
        "Khiếu nại phí chuyển tiền",
        "Complaint about fees",
        (
            "{rm}, {me} rất không hài lòng vì bị thu phí chuyển khoản sai. Đây là lần thứ hai rồi, đề nghị xử lý ngay.",
            "{me} đã gọi tổng đài 3 lần mà chưa ai giải quyết việc thẻ bị khóa. {me} rất thất vọng.",
        ),
        (
            "{rm}, I'm very unhappy: I was charged a wrong transfer fee again. Please sort this out immediately.",
            "I have called the hotline three times and nobody has fixed my blocked card. This is unacceptable.",
        ),
    ),
    "appointment": (
        "Hẹn gặp",
        "Meeting request",
        (
            "Chào {rm}, tuần sau {me} ghé chi nhánh được không? {me} muốn trao đổi về khoản tiền gửi sắp đến hạn.",
            "{rm} ơi, chiều thứ Sáu {rm} có rảnh không, {me} muốn gặp để bàn về kế hoạch tài chính.",
        ),
        (
            "Hi {rm}, could we meet at the branch next week? I'd like to discuss my maturing deposit.",
            "Hello {rm}, are you free on Friday afternoon? I'd like to talk about my financial plan.",
        ),
    ),
    "transfer_issue": (
        "Chuyển tiền chưa đến",
        "Transfer not received",
        (
            "{rm} ơi, {me} chuyển {amount} sang ngân hàng khác từ hôm qua mà bên nhận chưa nhận được, "
            "{rm} kiểm tra gấp giúp.",
        ),
        (
            "Hi {rm}, I transferred {amount} to another bank yesterday and it still hasn't arrived. "
            "Please check urgently.",
        ),
    ),
    "account_details": (
        "Sao kê tài khoản",
        "Account statement",
        (
            "Chào {rm}, {rm} gửi giúp {me} sao kê tài khoản 3 tháng gần nhất để {me} làm hồ sơ visa nhé.",
            "{rm} ơi, số dư tài khoản tiết kiệm của {me} hiện là bao nhiêu vậy?",
        ),
        (
            "Hi {rm}, could you send me my account statement for the last three months? I need it for a visa.",
            "Hello {rm}, what is the current balance of my savings account?",
        ),
    ),
    "other": (
        "Cảm ơn",
        "Thank you",
        ("Cảm ơn {rm} đã hỗ trợ {me} tuần trước nhé, mọi việc ổn rồi.", "Chúc mừng năm mới {rm}, chúc {rm} sức khỏe!"),
        ("Thanks for your help last week, {rm}, everything is sorted now.", "Happy New Year, {rm}! All the best."),
    ),
}
INBOUND_WEIGHTS: dict[str, float] = {
    "card_issue": 14,
    "loan_request": 12,
    "product_inquiry": 26,
    "complaint": 0,  # complaints come from the clients who have an open one
    "appointment": 16,
    "transfer_issue": 8,
    "account_details": 12,
    "other": 12,
}

# --- the RM's meeting log (interactions) ---------------------------------------------------------------------------
# (key, product category or None, topic vi, topic en, summary vi, summary en)

INTERACTION_TOPICS: tuple[tuple[str, str | None, str, str, str, str], ...] = (
    ("review", None, "Rà soát danh mục", "Portfolio review",
     "Rà soát danh mục tiền gửi và đầu tư cùng {hon}. Khách hài lòng với lợi suất hiện tại.",
     "Reviewed deposits and investments with the client. Happy with current returns."),
    ("cd", "cd", "Tái tục tiền gửi", "Deposit renewal",
     "{Hon} hỏi về lãi suất tái tục kỳ hạn 12 tháng cho khoản {amount}.",
     "Client asked about 12-month renewal rates for {amount}."),
    ("home_loan", "loan", "Tư vấn vay mua nhà", "Home loan enquiry",
     "{Hon} có nhu cầu vay {amount} mua căn hộ, cần bảng lãi suất và danh sách hồ sơ.",
     "Client wants a {amount} mortgage for an apartment; needs the rate sheet and document checklist."),
    ("reno_loan", "loan", "Vay sửa nhà", "Renovation loan",
     "{Hon} muốn vay {amount} sửa nhà, đã gửi điều kiện vay.",
     "Client wants to borrow {amount} for renovation; sent the loan conditions."),
    ("invest", "investment", "Tư vấn đầu tư", "Investment advice",
     "Giới thiệu Premier Invest và quỹ trái phiếu, {hon} quan tâm khoản {amount}. Đã giải thích rủi ro.",
     "Presented Premier Invest and the bond fund; interested in {amount}. Explained the risks."),
    ("insurance", "insurance", "Bảo hiểm", "Insurance needs",
     "Trao đổi nhu cầu bảo hiểm nhân thọ cho gia đình {hon}.",
     "Discussed life insurance cover for the client's family."),
    ("card", "card", "Thẻ tín dụng", "Credit card",
     "{Hon} muốn nâng hạn mức thẻ tín dụng trước chuyến du lịch.",
     "Client wants a higher credit card limit before travelling."),
    ("checkin", None, "Hỏi thăm định kỳ", "Regular check-in",
     "Gọi hỏi thăm định kỳ, {hon} không có nhu cầu mới.",
     "Routine check-in call; no new needs."),
    ("birthday", None, "Chúc mừng sinh nhật", "Birthday greetings",
     "Gọi chúc mừng sinh nhật {hon}, khách rất vui.",
     "Called to wish the client a happy birthday; well received."),
    ("savings", "savings", "Tiết kiệm linh hoạt", "Flexible savings",
     "{Hon} hỏi về tiết kiệm linh hoạt cho khoản {amount} dự phòng.",
     "Client asked about flexible savings for a {amount} emergency fund."),
)  # fmt: skip

NOTE_TEMPLATES_VI: tuple[str, ...] = (
    "Gặp {hon} {given} ({phone}) ở {place}, {hon} muốn {need} khoảng {amount}, mai gửi bảng lãi suất, thứ 4 gọi lại.",
    "gọi {hon} {given} {phone}: quan tâm {need} {amount}, hẹn tuần sau gặp ở chi nhánh",
)
NOTE_TEMPLATES_EN: tuple[str, ...] = (
    "Met {title} {given} {phone} at {place}, wants to {need} about {amount}, send rate sheet tomorrow, call back Wed.",
    "call w/ {title} {given} ({phone}) - interested in {need}, {amount}. meet at branch next week",
)
NEEDS: dict[str, tuple[str, str]] = {
    "cd": ("gửi tiết kiệm", "put money in a term deposit"),
    "home_loan": ("vay mua nhà", "take a home loan"),
    "reno_loan": ("vay sửa nhà", "borrow for a renovation"),
    "invest": ("đầu tư", "invest"),
    "savings": ("mở tài khoản tiết kiệm", "open a savings account"),
}

ATTRITION_NOTES: tuple[str, str] = (
    "{Hon} phàn nàn lãi suất thấp hơn ngân hàng khác, đang cân nhắc chuyển tiền sang {other_bank}.",
    "Client says rates are better at {other_bank} and is considering moving funds there.",
)
COMPLAINT_NOTES: tuple[str, str] = (
    "{Hon} bức xúc về khiếu nại chưa được xử lý: {summary}",
    "Client upset that the complaint is still open: {summary}",
)

# --- complaints ----------------------------------------------------------------------------------------------------
# (category, summary vi, summary en)
COMPLAINTS: tuple[tuple[str, str, str], ...] = (
    ("card", "Thẻ bị khóa khi thanh toán ở nước ngoài hai lần.", "Card blocked twice while paying abroad."),
    (
        "fees",
        "Bị thu phí chuyển khoản liên ngân hàng không đúng biểu phí.",
        "Charged an interbank transfer fee not in the tariff.",
    ),
    (
        "transfer",
        "Giao dịch chuyển tiền bị treo 3 ngày chưa hoàn tiền.",
        "Transfer stuck for three days, not refunded.",
    ),
    ("app", "Ứng dụng ngân hàng lỗi đăng nhập sau khi cập nhật.", "Mobile app login fails since the last update."),
    ("service", "Chờ tại quầy hơn 45 phút, nhân viên thiếu hướng dẫn.", "Waited 45 minutes at the counter, no help."),
    ("loan", "Hồ sơ giải ngân khoản vay bị chậm so với cam kết.", "Loan disbursement later than promised."),
    ("atm", "ATM không nhả tiền nhưng tài khoản vẫn bị trừ.", "ATM did not dispense cash but the account was debited."),
)

# --- tasks ---------------------------------------------------------------------------------------------------------
# topic key -> (kind, title vi, title en)
FOLLOW_UP_TASKS: dict[str, tuple[str, str, str]] = {
    "review": ("review", "Cập nhật hồ sơ rủi ro cho {name}", "Update the risk profile of {name}"),
    "cd": ("send_document", "Gửi bảng lãi suất tái tục cho {name}", "Send renewal rates to {name}"),
    "home_loan": ("send_document", "Gửi danh sách hồ sơ vay cho {name}", "Send the loan document checklist to {name}"),
    "reno_loan": ("call", "Gọi lại {name} về khoản vay sửa nhà", "Call {name} back about the renovation loan"),
    "invest": ("meeting", "Hẹn gặp {name} trình bày Premier Invest", "Meet {name} to present Premier Invest"),
    "insurance": ("send_document", "Gửi minh họa bảo hiểm cho {name}", "Send the insurance illustration to {name}"),
    "card": ("other", "Đề xuất nâng hạn mức thẻ cho {name}", "Request a card limit increase for {name}"),
    "checkin": ("call", "Gọi hỏi thăm {name}", "Check in with {name}"),
    "birthday": ("email", "Gửi quà sinh nhật cho {name}", "Send a birthday gift to {name}"),
    "savings": ("email", "Gửi điều kiện tiết kiệm linh hoạt cho {name}", "Email flexible savings terms to {name}"),
}

# (RRULE, title vi, title en, until vi, until en)
RECURRING_TASKS: tuple[tuple[str, str, str, str, str], ...] = (
    ("FREQ=WEEKLY;BYDAY=MO,FR", "Gọi {name} cập nhật tiến độ giải ngân", "Call {name} about the disbursement progress",
     "đến khi khoản vay được giải ngân", "until the loan is disbursed"),
    ("FREQ=MONTHLY;BYMONTHDAY=25", "Nhắc {name} thanh toán khoản vay", "Remind {name} about the loan instalment",
     "đến khi khoản vay được tất toán", "until the loan is fully repaid"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "Cập nhật thị trường cho {name}", "Send {name} a market update",
     "đến khi khách quyết định về Premier Invest", "until the client decides on Premier Invest"),
    ("FREQ=WEEKLY;BYDAY=TU", "Theo dõi khiếu nại của {name}", "Follow up on the complaint of {name}",
     "đến khi khiếu nại được giải quyết", "until the complaint is resolved"),
)  # fmt: skip
