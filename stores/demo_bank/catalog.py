"""The demo bank's product catalog, product sheets and internal policies.

The sheets and policies are what the product / policy retrieval indexes read,
so they state the facts the use cases need in plain words: rates with their
conditions, eligibility, fees, each product's risk level, and the rules an RM
must follow (suitability, communication, complaints, privacy, contact).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from stores.demo_bank.content import BANK_NAME_EN, BANK_NAME_VI


@dataclass(frozen=True)
class ProductSpec:
    """One catalog row plus the words of its product sheet."""

    code: str
    name: str
    name_vi: str
    category: str
    summary: str
    rate_pct: float | None
    min_amount_vnd: int | None
    target_segments: str | None
    active: bool
    risk: str  # low / moderate / high: what suitability compares with the client's risk profile
    tenor_months: int | None
    features_en: tuple[str, ...]
    features_vi: tuple[str, ...]
    eligibility_en: str
    eligibility_vi: str
    fees_en: str
    fees_vi: str
    rates_en: str
    rates_vi: str


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        code="CASA_STD",
        name="Everyday Current Account",
        name_vi="Tài khoản thanh toán",
        category="casa",
        summary="Everyday current account with free online transfers and a debit card.",
        rate_pct=0.1,
        min_amount_vnd=None,
        target_segments=None,
        active=True,
        risk="low",
        tenor_months=None,
        features_en=("Free domestic online transfers", "Contactless debit card", "Salary and bill payments in the app"),
        features_vi=(
            "Miễn phí chuyển khoản trực tuyến trong nước",
            "Thẻ ghi nợ không tiếp xúc",
            "Nhận lương, thanh toán hóa đơn trên ứng dụng",
        ),
        eligibility_en="Vietnamese citizens and residents aged 15 or over with a valid ID.",
        eligibility_vi="Công dân Việt Nam và người cư trú từ 15 tuổi, có giấy tờ tùy thân hợp lệ.",
        fees_en="No monthly fee when the average balance is at least VND 2 million; otherwise VND 11,000 a month.",
        fees_vi="Miễn phí quản lý khi số dư bình quân từ 2 triệu đồng; nếu không, 11.000 đồng/tháng.",
        rates_en="Demand interest of 0.1% p.a. on the daily balance, paid monthly.",
        rates_vi="Lãi suất không kỳ hạn 0,1%/năm tính trên số dư cuối ngày, trả hằng tháng.",
    ),
    ProductSpec(
        code="CASA_PREMIER",
        name="Premier Current Account",
        name_vi="Tài khoản thanh toán Premier",
        category="casa",
        summary="Current account for priority clients: a dedicated RM, airport lounges, fee-free transfers.",
        rate_pct=0.5,
        min_amount_vnd=500_000_000,
        target_segments="Diamond,Platinum",
        active=True,
        risk="low",
        tenor_months=None,
        features_en=("A dedicated relationship manager", "Airport lounge access", "Free international transfers"),
        features_vi=("Chuyên viên quan hệ khách hàng riêng", "Phòng chờ sân bay", "Miễn phí chuyển tiền quốc tế"),
        eligibility_en="Diamond and Platinum clients, or total balances of at least VND 500 million.",
        eligibility_vi="Khách hàng Diamond, Platinum hoặc tổng số dư từ 500 triệu đồng.",
        fees_en="Free while total balances stay at or above VND 500 million; VND 200,000 a month below that.",
        fees_vi="Miễn phí khi tổng số dư từ 500 triệu đồng; dưới mức này thu 200.000 đồng/tháng.",
        rates_en="0.5% p.a. on the daily balance, paid monthly.",
        rates_vi="0,5%/năm trên số dư cuối ngày, trả hằng tháng.",
    ),
    ProductSpec(
        code="SAV_FLEX",
        name="Flexible Savings",
        name_vi="Tiết kiệm linh hoạt",
        category="savings",
        summary="Savings account with partial withdrawals at any time and a better rate than the current account.",
        rate_pct=3.0,
        min_amount_vnd=10_000_000,
        target_segments=None,
        active=True,
        risk="low",
        tenor_months=None,
        features_en=("Withdraw part of the balance any time", "Top up online", "Interest credited monthly"),
        features_vi=("Rút một phần bất cứ lúc nào", "Nộp thêm trực tuyến", "Lãi nhập gốc hằng tháng"),
        eligibility_en="Any individual client; opening amount from VND 10 million.",
        eligibility_vi="Mọi khách hàng cá nhân; số tiền mở từ 10 triệu đồng.",
        fees_en="No fees.",
        fees_vi="Không thu phí.",
        rates_en="3.0% p.a. on balances from VND 10 million; 0.5% p.a. below that.",
        rates_vi="3,0%/năm cho số dư từ 10 triệu đồng; dưới mức này 0,5%/năm.",
    ),
    *(
        ProductSpec(
            code=f"CD_{months}M",
            name=f"{months}-month Certificate of Deposit",
            name_vi=f"Tiền gửi có kỳ hạn {months} tháng",
            category="cd",
            summary=f"Fixed rate for {months} months; interest paid at maturity.",
            rate_pct=rate,
            min_amount_vnd=minimum,
            target_segments=segments,
            active=True,
            risk="low",
            tenor_months=months,
            features_en=(
                f"Fixed rate of {rate}% p.a. for the whole {months}-month term",
                "Automatic renewal at the prevailing rate unless instructed otherwise",
                "Covered by deposit insurance up to the legal limit",
            ),
            features_vi=(
                f"Lãi suất cố định {str(rate).replace('.', ',')}%/năm trong suốt kỳ hạn {months} tháng",
                "Tự động tái tục theo lãi suất hiện hành nếu khách không có yêu cầu khác",
                "Được bảo hiểm tiền gửi theo quy định",
            ),
            eligibility_en=f"Individual clients; from VND {minimum // 1_000_000:,} million.",
            eligibility_vi=f"Khách hàng cá nhân; số tiền gửi từ {minimum // 1_000_000:,} triệu đồng.".replace(",", "."),
            fees_en="No fees. Early withdrawal earns the demand rate of 0.1% p.a. instead of the fixed rate.",
            fees_vi="Không thu phí. Rút trước hạn hưởng lãi không kỳ hạn 0,1%/năm thay cho lãi suất cố định.",
            rates_en=(
                f"{rate}% p.a., interest paid at maturity, for deposits from VND {minimum // 1_000_000:,} million. "
                "Rates are set monthly; the rate on the opening date applies for the whole term."
            ),
            rates_vi=(
                f"{str(rate).replace('.', ',')}%/năm, lĩnh lãi cuối kỳ, áp dụng cho khoản gửi từ "
                f"{minimum // 1_000_000} triệu đồng. Lãi suất công bố hằng tháng; lãi suất tại ngày gửi áp dụng cho "
                "cả kỳ hạn."
            ),
        )
        for months, rate, minimum, segments in (
            (3, 3.6, 10_000_000, None),
            (6, 4.6, 10_000_000, None),
            (12, 5.2, 100_000_000, "Diamond,Platinum,Gold"),
            (24, 5.6, 100_000_000, "Diamond,Platinum,Gold"),
        )
    ),
    ProductSpec(
        code="CD_TET_PROMO",
        name="Tet 13-month Deposit (promotion ended)",
        name_vi="Tiền gửi Tết 13 tháng (đã kết thúc)",
        category="cd",
        summary="Lunar New Year promotional deposit; no longer open for new deposits.",
        rate_pct=6.0,
        min_amount_vnd=500_000_000,
        target_segments="Diamond,Platinum",
        active=False,
        risk="low",
        tenor_months=13,
        features_en=(
            "Promotional 6.0% p.a. for 13 months",
            "Closed to new deposits; existing deposits run to maturity",
        ),
        features_vi=("Lãi suất ưu đãi 6,0%/năm kỳ hạn 13 tháng", "Ngừng nhận tiền gửi mới; khoản hiện có giữ đến hạn"),
        eligibility_en="No longer offered.",
        eligibility_vi="Không còn áp dụng cho khoản gửi mới.",
        fees_en="Early withdrawal earns 0.1% p.a.",
        fees_vi="Rút trước hạn hưởng lãi 0,1%/năm.",
        rates_en="6.0% p.a. for deposits opened during the promotion, paid at maturity.",
        rates_vi="6,0%/năm cho khoản gửi mở trong thời gian khuyến mại, lĩnh lãi cuối kỳ.",
    ),
    ProductSpec(
        code="HOME_LOAN",
        name="Home Loan",
        name_vi="Vay mua nhà",
        category="loan",
        summary="Mortgage up to 25 years and 70% of the property value; rate fixed for the first 12 months.",
        rate_pct=8.5,
        min_amount_vnd=200_000_000,
        target_segments=None,
        active=True,
        risk="low",
        tenor_months=240,
        features_en=("Up to 70% of the property value", "Terms up to 25 years", "Fixed rate for the first 12 months"),
        features_vi=("Cho vay đến 70% giá trị tài sản", "Thời hạn đến 25 năm", "Cố định lãi suất 12 tháng đầu"),
        eligibility_en=(
            "Age 20 to 65, stable income, debt service at most 50% of monthly income, "
            "and age at maturity no more than 70."
        ),
        eligibility_vi=(
            "Từ 20 đến 65 tuổi, thu nhập ổn định, nghĩa vụ trả nợ tối đa 50% thu nhập, tuổi khi đáo hạn không quá 70."
        ),
        fees_en="Early repayment fee of 2% in years 1-3, 1% in years 4-5, none after.",
        fees_vi="Phí trả nợ trước hạn 2% trong năm 1-3, 1% năm 4-5, miễn phí từ năm thứ 6.",
        rates_en="8.5% p.a. fixed for 12 months, then the base rate plus a 3.5% margin.",
        rates_vi="8,5%/năm cố định 12 tháng, sau đó bằng lãi suất cơ sở cộng biên độ 3,5%.",
    ),
    ProductSpec(
        code="RENO_LOAN",
        name="Home Renovation Loan",
        name_vi="Vay sửa chữa nhà",
        category="loan",
        summary="Renovation loan up to VND 2 billion over up to 10 years.",
        rate_pct=9.5,
        min_amount_vnd=50_000_000,
        target_segments=None,
        active=True,
        risk="low",
        tenor_months=60,
        features_en=("Up to VND 2 billion", "Terms up to 10 years", "Disbursed in stages against invoices"),
        features_vi=("Hạn mức đến 2 tỷ đồng", "Thời hạn đến 10 năm", "Giải ngân theo tiến độ hóa đơn"),
        eligibility_en="Home owners aged 20 to 65 with a stable income.",
        eligibility_vi="Chủ sở hữu nhà từ 20 đến 65 tuổi, có thu nhập ổn định.",
        fees_en="Early repayment fee of 1% in the first 3 years.",
        fees_vi="Phí trả nợ trước hạn 1% trong 3 năm đầu.",
        rates_en="9.5% p.a. fixed for 6 months, then the base rate plus a 4% margin.",
        rates_vi="9,5%/năm cố định 6 tháng, sau đó bằng lãi suất cơ sở cộng biên độ 4%.",
    ),
    ProductSpec(
        code="AUTO_LOAN",
        name="Car Loan",
        name_vi="Vay mua ô tô",
        category="loan",
        summary="Car loan up to 80% of the car price over up to 7 years.",
        rate_pct=9.0,
        min_amount_vnd=100_000_000,
        target_segments=None,
        active=True,
        risk="low",
        tenor_months=60,
        features_en=("Up to 80% of the car price", "Terms up to 7 years", "Approval within 24 hours"),
        features_vi=("Cho vay đến 80% giá xe", "Thời hạn đến 7 năm", "Phê duyệt trong 24 giờ"),
        eligibility_en="Age 20 to 65, monthly income from VND 15 million.",
        eligibility_vi="Từ 20 đến 65 tuổi, thu nhập từ 15 triệu đồng/tháng.",
        fees_en="Early repayment fee of 1.5% in the first 2 years.",
        fees_vi="Phí trả nợ trước hạn 1,5% trong 2 năm đầu.",
        rates_en="9.0% p.a. fixed for 12 months, then variable.",
        rates_vi="9,0%/năm cố định 12 tháng, sau đó thả nổi.",
    ),
    ProductSpec(
        code="BIZ_LOAN",
        name="Business Working-Capital Loan",
        name_vi="Vay vốn kinh doanh",
        category="loan",
        summary="12-month revolving working-capital loan for household businesses and business owners.",
        rate_pct=10.0,
        min_amount_vnd=500_000_000,
        target_segments="Diamond,Platinum,Gold",
        active=True,
        risk="low",
        tenor_months=12,
        features_en=("12-month term, renewable", "Secured by property or deposits", "Draw down as needed"),
        features_vi=(
            "Kỳ hạn 12 tháng, có thể gia hạn",
            "Tài sản bảo đảm là bất động sản hoặc tiền gửi",
            "Rút vốn theo nhu cầu",
        ),
        eligibility_en="Business owners with at least 2 years of trading and a business registration.",
        eligibility_vi="Chủ doanh nghiệp, hộ kinh doanh hoạt động từ 2 năm, có đăng ký kinh doanh.",
        fees_en="Arrangement fee of 0.3% of the limit.",
        fees_vi="Phí thu xếp 0,3% hạn mức.",
        rates_en="10.0% p.a., reviewed at each renewal.",
        rates_vi="10,0%/năm, xem xét lại khi gia hạn.",
    ),
    ProductSpec(
        code="CARD_PLATINUM",
        name="Platinum Credit Card",
        name_vi="Thẻ tín dụng Platinum",
        category="card",
        summary="Travel credit card: 1.5% cash back abroad, lounge access, travel insurance.",
        rate_pct=27.0,
        min_amount_vnd=None,
        target_segments="Diamond,Platinum",
        active=True,
        risk="low",
        tenor_months=None,
        features_en=("1.5% cash back on foreign spending", "Airport lounge access", "Free travel insurance"),
        features_vi=("Hoàn tiền 1,5% chi tiêu nước ngoài", "Phòng chờ sân bay", "Bảo hiểm du lịch miễn phí"),
        eligibility_en="Monthly income from VND 30 million, or Diamond and Platinum clients.",
        eligibility_vi="Thu nhập từ 30 triệu đồng/tháng hoặc khách hàng Diamond, Platinum.",
        fees_en="Annual fee VND 1,500,000, waived with spending of VND 150 million a year.",
        fees_vi="Phí thường niên 1.500.000 đồng, miễn khi chi tiêu từ 150 triệu đồng/năm.",
        rates_en="27% p.a. on balances not paid in full by the due date; up to 45 interest-free days.",
        rates_vi="27%/năm trên dư nợ không thanh toán đủ đúng hạn; miễn lãi đến 45 ngày.",
    ),
    ProductSpec(
        code="CARD_CASHBACK",
        name="Cashback Credit Card",
        name_vi="Thẻ tín dụng Hoàn tiền",
        category="card",
        summary="Everyday credit card with 5% cash back at supermarkets and 1% elsewhere.",
        rate_pct=29.0,
        min_amount_vnd=None,
        target_segments="Gold,Standard",
        active=True,
        risk="low",
        tenor_months=None,
        features_en=("5% cash back at supermarkets (up to VND 300,000 a month)", "1% on other spending"),
        features_vi=("Hoàn 5% tại siêu thị (tối đa 300.000 đồng/tháng)", "Hoàn 1% cho chi tiêu khác"),
        eligibility_en="Monthly income from VND 8 million.",
        eligibility_vi="Thu nhập từ 8 triệu đồng/tháng.",
        fees_en="Annual fee VND 499,000, waived in the first year.",
        fees_vi="Phí thường niên 499.000 đồng, miễn năm đầu.",
        rates_en="29% p.a. on balances not paid in full by the due date.",
        rates_vi="29%/năm trên dư nợ không thanh toán đủ đúng hạn.",
    ),
    ProductSpec(
        code="PREMIER_INVEST",
        name="Premier Invest",
        name_vi="Premier Invest",
        category="investment",
        summary="Managed portfolio of Vietnamese equities and bonds for growth-oriented priority clients.",
        rate_pct=None,
        min_amount_vnd=1_000_000_000,
        target_segments="Diamond,Platinum",
        active=True,
        risk="high",
        tenor_months=None,
        features_en=(
            "Managed by the bank's licensed fund management partner",
            "Around 70% equities and 30% bonds, rebalanced quarterly",
            "Quarterly performance report and an annual review with the RM",
        ),
        features_vi=(
            "Quản lý bởi đối tác quản lý quỹ được cấp phép",
            "Khoảng 70% cổ phiếu và 30% trái phiếu, tái cân bằng hằng quý",
            "Báo cáo hiệu quả hằng quý và rà soát hằng năm cùng RM",
        ),
        eligibility_en=(
            "Diamond and Platinum clients investing at least VND 1 billion, with a growth risk profile assessed "
            "in the last 12 months. Not suitable for conservative or balanced clients."
        ),
        eligibility_vi=(
            "Khách hàng Diamond, Platinum đầu tư từ 1 tỷ đồng, có khẩu vị rủi ro tăng trưởng được đánh giá trong 12 "
            "tháng gần nhất. Không phù hợp với khách hàng thận trọng hoặc cân bằng."
        ),
        fees_en=(
            "Management fee 1.5% a year; performance fee 10% of returns above 8% a year; no exit fee after 12 months."
        ),
        fees_vi="Phí quản lý 1,5%/năm; phí thưởng 10% lợi nhuận vượt 8%/năm; miễn phí rút vốn sau 12 tháng.",
        rates_en=(
            "No fixed or guaranteed return. Returns depend on market performance and the capital can fall in value."
        ),
        rates_vi="Không có lợi nhuận cố định hay cam kết. Lợi nhuận phụ thuộc thị trường và giá trị vốn có thể giảm.",
    ),
    ProductSpec(
        code="BOND_FUND",
        name="An Khang Bond Fund",
        name_vi="Quỹ Trái phiếu An Khang",
        category="investment",
        summary="Open-ended fund of government and investment-grade corporate bonds; daily liquidity.",
        rate_pct=None,
        min_amount_vnd=10_000_000,
        target_segments="Diamond,Platinum,Gold",
        active=True,
        risk="moderate",
        tenor_months=None,
        features_en=("Government and investment-grade corporate bonds", "Buy and sell on any working day"),
        features_vi=("Trái phiếu chính phủ và doanh nghiệp xếp hạng tín nhiệm tốt", "Mua bán vào mọi ngày làm việc"),
        eligibility_en="Clients with a balanced or growth risk profile; from VND 10 million.",
        eligibility_vi="Khách hàng có khẩu vị rủi ro cân bằng hoặc tăng trưởng; từ 10 triệu đồng.",
        fees_en="Management fee 0.8% a year; redemption fee 0.5% within 6 months, none after.",
        fees_vi="Phí quản lý 0,8%/năm; phí bán lại 0,5% trong 6 tháng đầu, sau đó miễn phí.",
        rates_en="No guaranteed return; the fund's unit price moves with bond prices and interest rates.",
        rates_vi="Không cam kết lợi nhuận; giá chứng chỉ quỹ biến động theo giá trái phiếu và lãi suất.",
    ),
    ProductSpec(
        code="LIFE_PROTECT",
        name="Life Protect",
        name_vi="Bảo hiểm nhân thọ An Khang Life Protect",
        category="insurance",
        summary="Term life and critical illness cover from the bank's insurance partner.",
        rate_pct=None,
        min_amount_vnd=None,
        target_segments=None,
        active=True,
        risk="low",
        tenor_months=None,
        features_en=("Term life cover up to VND 10 billion", "Critical illness rider", "21-day free look period"),
        features_vi=("Bảo vệ nhân thọ đến 10 tỷ đồng", "Quyền lợi bệnh hiểm nghèo", "21 ngày cân nhắc miễn phí"),
        eligibility_en="Age 18 to 60 at entry, subject to health declaration.",
        eligibility_vi="Từ 18 đến 60 tuổi khi tham gia, theo kê khai sức khỏe.",
        fees_en="Premium depends on age and cover; purchase must never be a condition for a loan.",
        fees_vi="Phí bảo hiểm theo tuổi và số tiền bảo hiểm; không được ép mua kèm khoản vay.",
        rates_en="Not a savings product; no investment return.",
        rates_vi="Không phải sản phẩm tiết kiệm; không có lợi nhuận đầu tư.",
    ),
    ProductSpec(
        code="GREEN_BIZ_LOAN",
        name="Green Biz Loan",
        name_vi="Vay kinh doanh xanh Green Biz",
        category="loan",
        summary=(
            "Loan for business owners investing in solar power, energy-efficient equipment or electric vehicles, "
            "at a lower rate than the standard Business Working-Capital Loan."
        ),
        rate_pct=6.8,
        min_amount_vnd=300_000_000,
        target_segments="Diamond,Platinum,Gold",
        active=True,
        risk="low",
        tenor_months=60,
        features_en=(
            "Terms up to 60 months",
            "Finances up to 70% of the green investment",
            "No early repayment fee after the second year",
        ),
        features_vi=(
            "Kỳ hạn đến 60 tháng",
            "Tài trợ đến 70% giá trị khoản đầu tư xanh",
            "Miễn phí trả nợ trước hạn từ năm thứ ba",
        ),
        eligibility_en=(
            "Business owners with at least 2 years of trading and a business registration, and a green investment "
            "(solar panels, energy-efficient machinery, electric vehicles) backed by a supplier's quote; "
            "loans from VND 300 million."
        ),
        eligibility_vi=(
            "Chủ doanh nghiệp, hộ kinh doanh hoạt động từ 2 năm, có đăng ký kinh doanh và dự án đầu tư xanh "
            "(điện mặt trời, máy móc tiết kiệm năng lượng, xe điện) có báo giá của nhà cung cấp; vay từ 300 triệu đồng."
        ),
        fees_en="Arrangement fee of 0.2% of the loan; early repayment fee of 1% in the first 2 years, none after.",
        fees_vi="Phí thu xếp 0,2% khoản vay; phí trả nợ trước hạn 1% trong 2 năm đầu, sau đó miễn phí.",
        rates_en="6.8% p.a. fixed for the first 24 months, then the bank's base rate plus 2.5%.",
        rates_vi="6,8%/năm cố định trong 24 tháng đầu, sau đó bằng lãi suất cơ sở cộng 2,5%.",
    ),
)

_RISK_WORDS = {
    "low": ("Low (suitable for every risk profile)", "Thấp (phù hợp mọi khẩu vị rủi ro)"),
    "moderate": ("Moderate (balanced and growth profiles only)", "Trung bình (chỉ khách hàng cân bằng, tăng trưởng)"),
    "high": ("High (growth profile only)", "Cao (chỉ khách hàng tăng trưởng)"),
}
_INVESTMENT_DISCLAIMER_EN = (
    "Investment products are not bank deposits, are not covered by deposit insurance and may lose value. "
    "Past performance does not guarantee future results."
)
_INVESTMENT_DISCLAIMER_VI = (
    "Sản phẩm đầu tư không phải là tiền gửi, không được bảo hiểm tiền gửi và có thể mất vốn. "
    "Kết quả trong quá khứ không đảm bảo kết quả tương lai."
)


def product_rows() -> list[dict[str, Any]]:
    """The ``products`` table."""
    return [
        {
            "code": spec.code,
            "name": spec.name,
            "category": spec.category,
            "summary": spec.summary,
            "rate_pct": spec.rate_pct,
            "min_amount_vnd": spec.min_amount_vnd,
            "target_segments": spec.target_segments,
            "active": spec.active,
        }
        for spec in PRODUCTS
    ]


def product_sheet(spec: ProductSpec) -> str:
    """A product sheet in markdown: English first, then the same facts in Vietnamese."""
    risk_en, risk_vi = _RISK_WORDS[spec.risk]
    segments = spec.target_segments.replace(",", ", ") if spec.target_segments else "all segments"
    segments_vi = spec.target_segments.replace(",", ", ") if spec.target_segments else "mọi phân khúc"
    lines = [
        f"# {spec.name} ({spec.code})",
        "",
        spec.summary,
        "",
        f"- Category: {spec.category}",
        f"- Target segments: {segments}",
        f"- Risk level: {risk_en}",
    ]
    if not spec.active:
        lines.append("- Status: no longer sold to new clients")
    lines += ["", "## Key features", *(f"- {item}" for item in spec.features_en)]
    lines += ["", "## Eligibility", spec.eligibility_en, "", "## Fees", spec.fees_en, "", "## Rates", spec.rates_en]
    if spec.category == "investment":
        lines += ["", "## Risk disclosure", _INVESTMENT_DISCLAIMER_EN]
    lines += [
        "",
        "---",
        "",
        f"# {spec.name_vi} ({spec.code})",
        "",
        f"- Phân khúc mục tiêu: {segments_vi}",
        f"- Mức độ rủi ro: {risk_vi}",
    ]
    if not spec.active:
        lines.append("- Tình trạng: ngừng bán cho khách hàng mới")
    lines += ["", "## Đặc điểm nổi bật", *(f"- {item}" for item in spec.features_vi)]
    lines += ["", "## Điều kiện", spec.eligibility_vi, "", "## Phí", spec.fees_vi, "", "## Lãi suất", spec.rates_vi]
    if spec.category == "investment":
        lines += ["", "## Công bố rủi ro", _INVESTMENT_DISCLAIMER_VI]
    return "\n".join(lines) + "\n"


_POLICIES: tuple[tuple[str, str, str], ...] = (
    (
        "DOC-POL-SUITABILITY",
        "Suitability: matching products to the client's risk profile",
        f"""# Suitability policy / Chính sách phù hợp sản phẩm

Every investment recommendation at {BANK_NAME_EN} must match the client's risk profile, assessed in the
last 12 months. The product sheet states each product's risk level.

| Client risk profile | May be offered | Must NOT be offered |
|---|---|---|
| conservative | current accounts, savings, CDs, insurance | any investment product (Bond Fund, Premier Invest) |
| balanced | the above plus the An Khang Bond Fund | high-risk (growth) products such as Premier Invest |
| growth | every product, including Premier Invest | — |

Rules:
1. Conservative clients must never be offered growth investment products such as Premier Invest, even if they ask
   about returns. Offer a certificate of deposit instead and record the request.
2. A risk profile older than 12 months must be reassessed before any investment recommendation.
3. Clients aged 70 or over need a second meeting, with a family member invited, before investing.
4. Investment recommendations are for clients in the product's target segments only (see the product sheet).
5. Record the reason a product is suitable in the interaction log.

## Tiếng Việt
1. Khách hàng thận trọng (conservative) tuyệt đối không được chào bán sản phẩm đầu tư tăng trưởng như Premier Invest.
2. Khách hàng cân bằng (balanced) chỉ được tư vấn Quỹ Trái phiếu An Khang, không tư vấn Premier Invest.
3. Hồ sơ khẩu vị rủi ro quá 12 tháng phải được đánh giá lại trước khi tư vấn đầu tư.
4. Khách hàng từ 70 tuổi cần buổi gặp thứ hai, có mời người thân, trước khi đầu tư.
5. Ghi rõ lý do sản phẩm phù hợp trong nhật ký tương tác.
""",
    ),
    (
        "DOC-POL-COMMS",
        "Client communication rules",
        """# Client communication rules / Quy tắc giao tiếp với khách hàng

Applies to every message an RM sends: email, Zalo, WhatsApp, SMS, letters.

1. **No guaranteed returns and no promissory language.** Never write that an investment is "guaranteed",
   "risk-free", "sure to" rise or "cam kết lợi nhuận". Only deposits have a contractual rate.
2. **Risk disclaimer for investment products.** Any message that mentions an investment product (Premier Invest,
   the Bond Fund) must carry this disclaimer: "Investment products are not deposits, are not covered by deposit
   insurance and may lose value. Past performance does not guarantee future results." In Vietnamese: "Sản phẩm đầu
   tư không phải là tiền gửi, không được bảo hiểm tiền gửi và có thể mất vốn."
3. **No pressure tactics.** No "only today", "last chance", "act now or lose out", "chỉ hôm nay", "cơ hội cuối cùng",
   no repeated messages after the client has declined.
4. **Protect personal data.** Never include a full account number, card number or national ID (mask all but the
   last 4 digits), never mention another client or a family member's finances, never send documents with ID
   images over chat apps.
5. **Quote rates with their conditions.** A rate is always written with its tenor, minimum amount, how interest is
   paid and the date it applies from, e.g. "5.2% p.a. for 12 months, from VND 100 million, interest at maturity".
6. Write in the client's language (Vietnamese or English) and address the client with the recorded honorific.
7. Messages about a product the client is not eligible or suitable for must not be sent (see the suitability policy).
""",
    ),
    (
        "DOC-POL-ELIGIBILITY",
        "Product eligibility rules",
        """# Product eligibility rules / Điều kiện sản phẩm

- Clients must be at least 18 for credit and investment products (15 for current accounts).
- Loans: debt service at most 50% of monthly income; age at loan maturity at most 70; no loan while a payment is
  more than 30 days overdue.
- Business loans: at least 2 years of trading; segments Diamond, Platinum and Gold.
- Certificates of deposit: minimums per tenor as on the product sheet (VND 10 million for 3 and 6 months,
  VND 100 million for 12 and 24 months).
- Premier Invest: Diamond or Platinum, at least VND 1 billion, growth risk profile.
- Premier Current Account: Diamond or Platinum, or total balances of at least VND 500 million.
- Products marked inactive in the catalog (e.g. the Tet 13-month deposit) must not be offered.

## Tiếng Việt
- Khách hàng từ 18 tuổi với sản phẩm tín dụng và đầu tư.
- Vay: nghĩa vụ trả nợ tối đa 50% thu nhập; tuổi khi đáo hạn không quá 70.
- Sản phẩm ngừng bán (active = false) không được chào bán.
""",
    ),
    (
        "DOC-POL-COMPLAINTS",
        "Complaint handling",
        """# Complaint handling / Xử lý khiếu nại

1. Acknowledge every complaint within 24 hours and log it in the complaints register.
2. Resolve within 15 working days; escalate to the branch manager after 10 working days.
3. **While a client has an open complaint, do not cross-sell or send product offers.** Resolve the complaint first;
   follow-up contact is about the complaint only.
4. The RM calls the client within 2 working days after resolution to confirm they are satisfied.
5. Never ask a client to withdraw a complaint in exchange for a fee waiver or any benefit.

## Tiếng Việt
Khi khách hàng có khiếu nại đang mở, RM không được bán chéo hay gửi ưu đãi sản phẩm; ưu tiên giải quyết khiếu nại
trước. Phản hồi trong 24 giờ, giải quyết trong 15 ngày làm việc.
""",
    ),
    (
        "DOC-POL-PRIVACY",
        "Personal data protection",
        """# Personal data protection / Bảo vệ dữ liệu cá nhân

Under Vietnam's personal data protection rules (Decree 13/2023/ND-CP) the bank processes client data only for the
purposes the client agreed to.

- Share client data only with staff who need it to serve the client.
- Do not copy client lists to personal devices, personal email or personal chat accounts.
- Before text leaves the bank (for example to an external AI service), mask names, phone numbers, emails, national
  IDs, account and card numbers and addresses.
- Report any suspected data leak to the Data Protection Officer within 24 hours.
- Clients may ask for a copy of their data or for it to be corrected; forward such requests within 2 working days.

## Tiếng Việt
Không gửi dữ liệu khách hàng qua tài khoản cá nhân; che thông tin cá nhân trước khi gửi ra ngoài ngân hàng; báo cáo
rò rỉ dữ liệu trong 24 giờ.
""",
    ),
    (
        "DOC-POL-INBOX",
        "Client inbox: topics and urgency",
        """# Client inbox: topics and urgency / Hộp thư khách hàng: chủ đề và mức độ khẩn

Every inbound client message (Zalo, e-mail, SMS, app chat) gets ONE topic and ONE urgency.

## Topics (one per message: the thing the client needs the bank to act on first)
- `card_issue` — a card blocked, lost, stolen, swallowed by an ATM, declined, not delivered, its limit, a card
  charge the client does not recognise.
- `transfer_issue` — a transfer or remittance not received, failed, delayed, sent to the wrong account, a
  SWIFT/interbank problem.
- `complaint` — the main point is dissatisfaction: a wrong or unfair fee, bad service, a staff member's
  behaviour, a promise not kept, a threat to leave or to complain further (when the message is mostly about a
  card or a transfer going wrong, the topic is that instead).
- `loan_request` — a new loan or mortgage, a bigger limit, refinancing, repayment schedule, early repayment,
  loan documents.
- `account_details` — balance, statements, confirmations, updating personal details (phone, address, e-mail,
  ID), the app or OTP login, opening or closing an account's paperwork.
- `product_inquiry` — questions about a deposit, CD, fund, insurance, card or other product's rates, terms,
  features, or wanting to open/buy one (not a loan).
- `appointment` — asking for, moving or confirming a meeting, a call at a time, a branch visit.
- `other` — thanks, greetings, personal news, invitations, anything that asks nothing of the bank.

Order when two fit: card_issue, transfer_issue, complaint, loan_request, account_details, product_inquiry,
appointment, other.

## Urgency
- `high` — money or access at risk now, or needed today/tomorrow: a card blocked or lost (especially abroad),
  suspected fraud or an unrecognised charge, a transfer missing that is needed now, a repeated complaint or
  one threatening to leave / go to the press / regulator, an explicit deadline within one working day.
- `normal` — needs an answer within two working days: product and loan questions, detail updates, meeting
  requests, a first complaint without threats, a fee question.
- `low` — no action needed soon: thanks, greetings, news, "when you have time", documents for later,
  information only.

Tiếng Việt: mỗi tin nhắn một chủ đề (ưu tiên theo thứ tự trên) và một mức khẩn: cao (tiền hoặc quyền truy cập
đang bị ảnh hưởng, cần trong hôm nay/ngày mai, khiếu nại lặp lại hoặc dọa rời ngân hàng), bình thường (trả lời
trong 2 ngày làm việc), thấp (không cần xử lý sớm).
""",
    ),
    (
        "DOC-POL-CONTACT",
        "Client contact standards",
        """# Client contact standards / Tiêu chuẩn liên hệ khách hàng

- Diamond clients: at least one contact a month and a portfolio review every quarter.
- Platinum clients: at least one contact a quarter.
- Gold and Standard clients: at least one contact every 90 days.
- A client with no logged interaction in the last 90 days is **inactive** and should be contacted this week.
- Maturing deposits: contact the client at least 7 days before maturity with renewal options.
- Birthdays: send greetings on the day, in the client's language and preferred channel.
- Large incoming funds (VND 1 billion or more): contact the client within 3 working days.
- Idle cash: current and savings balances of VND 500 million or more that have sat still for a month; offer a
  deposit or an investment that fits the client.

## Tiếng Việt
Khách hàng không có tương tác trong 90 ngày được coi là không hoạt động và cần được liên hệ trong tuần. Liên hệ khách
hàng ít nhất 7 ngày trước khi tiền gửi đến hạn.
""",
    ),
)


def document_rows(today: dt.date) -> list[dict[str, Any]]:
    """The ``documents`` table: a sheet per product, then the policies, all in force on ``today``."""
    effective = dt.date(today.year, 1, 1) if today.month > 1 else dt.date(today.year - 1, 7, 1)
    rows: list[dict[str, Any]] = [
        {
            "id": f"DOC-P-{spec.code}",
            "kind": "product",
            "product_code": spec.code,
            "title": f"{spec.name} — product sheet / {spec.name_vi}",
            "body": product_sheet(spec),
            "effective_on": effective,
        }
        for spec in PRODUCTS
    ]
    rows += [
        {
            "id": doc_id,
            "kind": "policy",
            "product_code": None,
            "title": title,
            "body": body.replace("{bank_vi}", BANK_NAME_VI),
            "effective_on": effective,
        }
        for doc_id, title, body in _POLICIES
    ]
    return rows
