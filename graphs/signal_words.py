"""Words two or more rooms say the same way: a request's filters, and a sign that a client is leaving.

The prioritization and the attrition scan repeat the same filters ("Diamond, in Hà Nội, deposits ≥ 2 billion
VND"); next best action and the attrition scan name the same signs with their facts and dates. Rooms stay
independent of each other; the shared words live here once.
"""

from __future__ import annotations

from typing import Any

from tools.core.formatting import format_amount, format_date, format_number
from tools.core.language import supported_language
from tools.crm.vocabulary import category_text
from tools.signals.criteria import Criteria

#: Goals with a date ahead, which a request's "in the next 30 days" bounds.
DATED_GOALS = frozenset({"cd_maturing", "loan_maturing", "birthday"})
MEASURES: dict[str, dict[str, str]] = {
    "en": {"deposits": "deposits", "idle": "current and savings money sitting still",
           "cash": "current and savings balances", "aum": "total assets",
           "term_deposits": "savings and term deposits (current accounts left out)",
           "maturing": "deposit maturing", "matured": "deposit matured and not rolled over",
           "business_monthly": "average monthly business receipts (last 3 months)",
           "investment": "investments", "loan": "loans outstanding", "income": "monthly income",
           "casa": "current account balance", "casa_idle": "current account money sitting still",
           "inflow": "money received", "money_out": "money sent to other banks", "inactive": "days without contact",
           "travel": "travel spend", "spend": "card spend"},
    "vi": {"deposits": "tiền gửi", "idle": "tiền nằm yên trong tài khoản thanh toán và tiết kiệm",
           "cash": "số dư thanh toán và tiết kiệm", "aum": "tổng tài sản",
           "term_deposits": "tiền gửi tiết kiệm và có kỳ hạn (không tính tài khoản thanh toán)",
           "maturing": "khoản tiền gửi đáo hạn", "matured": "tiền gửi đã đáo hạn không tái tục",
           "business_monthly": "doanh thu bình quân mỗi tháng (3 tháng gần nhất)",
           "investment": "đầu tư", "loan": "dư nợ vay", "income": "thu nhập hằng tháng",
           "casa": "số dư tài khoản thanh toán", "casa_idle": "tiền nằm yên trong tài khoản thanh toán",
           "inflow": "khoản tiền nhận về", "money_out": "tiền chuyển sang ngân hàng khác",
           "inactive": "số ngày chưa liên hệ", "travel": "chi tiêu du lịch", "spend": "chi tiêu thẻ"},
}  # fmt: skip
HOLDINGS: dict[str, dict[str, str]] = {
    "en": {"credit_card": "a credit card", "card": "a card", "investment": "an investment", "cd": "a term deposit",
           "savings": "savings", "loan": "a loan", "casa": "a current account", "insurance": "insurance"},
    "vi": {"credit_card": "thẻ tín dụng", "card": "thẻ", "investment": "sản phẩm đầu tư", "cd": "tiền gửi có kỳ hạn",
           "savings": "tiết kiệm", "loan": "khoản vay", "casa": "tài khoản thanh toán", "insurance": "bảo hiểm"},
}  # fmt: skip
FILTERS: dict[str, dict[str, str]] = {
    "en": {
        "or": " or ",
        "segment": "{value}", "risk": "{value} risk profile", "city": "in {value}",
        "age_between": "aged {low}–{high}", "age_min": "aged {low}+", "age_max": "aged up to {high}",
        "amount_min": "{measure} ≥ {amount}", "amount_max": "{measure} < {amount}",
        "without": "without {value}", "holding": "holding {value}", "no_complaint": "no open complaint",
        "due_within": "due within the next {days} days", "occupation": "working as “{value}”",
    },
    "vi": {
        "or": " hoặc ",
        "segment": "hạng {value}", "risk": "khẩu vị {value}", "city": "ở {value}",
        "age_between": "từ {low} đến {high} tuổi", "age_min": "từ {low} tuổi", "age_max": "đến {high} tuổi",
        "amount_min": "{measure} ≥ {amount}", "amount_max": "{measure} < {amount}",
        "without": "chưa có {value}", "holding": "đang có {value}", "no_complaint": "không có khiếu nại mở",
        "due_within": "đến hạn trong {days} ngày tới", "occupation": "nghề “{value}”",
    },
}  # fmt: skip
RISKS = {"vi": {"conservative": "thận trọng", "balanced": "cân bằng", "growth": "tăng trưởng"}}


def _lang(language: str) -> str:
    return supported_language(language)


def filters_text(criteria: Criteria, language: str) -> str:
    """Every filter the request stated, as the answer repeats it ("Diamond, conservative risk profile, in Hà Nội")."""
    lang = _lang(language)
    words = FILTERS[lang]
    joiner = words["or"]
    parts: list[str] = []
    if criteria.segments:
        parts.append(words["segment"].format(value=joiner.join(criteria.segments)))
    if criteria.risk_profiles:
        risks = [RISKS.get(lang, {}).get(risk, risk) for risk in criteria.risk_profiles]
        parts.append(words["risk"].format(value=joiner.join(risks)))
    if criteria.cities:
        parts.append(words["city"].format(value=joiner.join(criteria.cities)))
    if criteria.occupations:  # in the request's own words ("làm IT"): a group of the CRM's free-text occupations
        parts.append(
            words["occupation"].format(value=criteria.words.get("occupation", ", ".join(criteria.occupations)))
        )
    if criteria.age_min is not None and criteria.age_max is not None:
        parts.append(words["age_between"].format(low=criteria.age_min, high=criteria.age_max))
    elif criteria.age_min is not None:
        parts.append(words["age_min"].format(low=criteria.age_min))
    elif criteria.age_max is not None:
        parts.append(words["age_max"].format(high=criteria.age_max))
    for measure, operator, amount in criteria.amounts:
        key = "amount_min" if operator == ">=" else "amount_max"
        parts.append(words[key].format(measure=MEASURES[lang].get(measure, measure),
                                       amount=format_amount(amount, language)))  # fmt: skip
    for key in ("without", "holding"):
        for value in getattr(criteria, key):
            parts.append(words[key].format(value=HOLDINGS[lang].get(value, value)))
    if criteria.no_complaint:
        parts.append(words["no_complaint"])
    if criteria.ahead_days and set(criteria.goals) & DATED_GOALS:
        parts.append(words["due_within"].format(days=criteria.ahead_days))
    return ", ".join(parts)


SIGNS: dict[str, dict[str, str]] = {
    "en": {
        "money_out": "{amount} sent to other banks (latest {day}{counterparty})",
        "salary_stopped": "salary stopped (last on {day})",
        "matured_not_rolled": "deposit of {amount} matured on {day}, not rolled over",
        "login_drop": "app logins fell from {before} to {recent} a week",
        "competitor": "note of {day} mentions “{words}”",
        "complaint": "open {category} complaint since {day}",
        "inactive": "no contact for {days} days",
    },
    "vi": {
        "money_out": "đã chuyển {amount} sang ngân hàng khác (gần nhất {day}{counterparty})",
        "salary_stopped": "lương ngừng về (lần cuối {day})",
        "matured_not_rolled": "tiền gửi {amount} đáo hạn ngày {day}, không tái tục",
        "login_drop": "đăng nhập ứng dụng giảm từ {before} xuống {recent} lần/tuần",
        "competitor": "ghi chú ngày {day} nhắc “{words}”",
        "complaint": "khiếu nại về {category} đang mở từ {day}",
        "inactive": "{days} ngày chưa liên hệ",
    },
}


def sign_line(sign: dict[str, Any], language: str) -> str:
    """One sign of leaving (``tools.signals.attrition``) with its fact and date."""
    template = SIGNS[_lang(language)].get(str(sign.get("kind")))
    if template is None:
        return str(sign.get("kind"))
    return template.format(
        amount=format_amount(sign.get("amount_vnd"), language), day=format_date(sign.get("date"), language),
        counterparty=f", {sign['counterparty']}" if sign.get("counterparty") else "",
        before=format_number(sign.get("before") or 0, language, decimals=1),
        recent=format_number(sign.get("recent") or 0, language, decimals=1), words=sign.get("words"),
        category=category_text(sign.get("category"), language), days=sign.get("days"),
    )  # fmt: skip
