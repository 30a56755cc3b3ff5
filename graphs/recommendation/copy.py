"""Every word the recommendation room says, in English and Vietnamese."""

from __future__ import annotations

from typing import Any

from tools.core.formatting import format_amount
from tools.core.language import supported_language

_RELATIONS = {
    "en": {"spouse": "spouse", "parent": "parent", "child": "child", "sibling": "sibling"},
    "vi": {"spouse": "vợ/chồng", "parent": "bố/mẹ", "child": "con", "sibling": "anh/chị/em"},
}


def offers(found: dict[str, Any], label: str, language: str) -> str:
    lang = supported_language(language)
    relation = _RELATIONS[lang].get(str(found.get("relation")), "")
    if found.get("other_rms_relative"):
        return (
            f"Một người thân ({relation}) của {label} là khách hàng của ngân hàng, do RM khác phụ trách; em không "
            "xem được dữ liệu của họ."
            if lang == "vi"
            else f"A household member ({relation}) of {label} banks with us with another RM; I can't use their data."
        )
    if not found["offers"]:
        because = found.get("blocked") or ""
        return (f"Hiện chưa nên chào sản phẩm nào, vì {because}." if lang == "vi"
                else f"Nothing to offer now, because {because}.")  # fmt: skip
    head = "Nên chào (tốt nhất trước):" if lang == "vi" else "What to offer, best first:"
    lines = [head] + [f"{rank}. {offer['reason']}" for rank, offer in enumerate(found["offers"], 1)]
    ruled = [f"{code} ({why})" for code, why in list(found["excluded"].items())[:4]]
    if ruled:
        lines.append(("Không chào: " if lang == "vi" else "Not offered: ") + "; ".join(ruled))
    return "\n".join(lines)


#: Beyond this many months of spending the buffer is said as "more than": 424.6 months is no figure to read.
BUFFER_SHOWN_MONTHS = 24


def protection(review: dict[str, Any], label: str, language: str) -> str:
    """The protection picture: care spending of the household, dependants, cover held, buffer."""
    lang = supported_language(language)
    vi = lang == "vi"
    lines = [f"Rà soát bảo vệ tài chính cho {label}:" if vi else f"Protection review for {label}:"]
    health = review.get("health") or []
    if health:
        parts = []
        for spend in health:
            who = "" if spend["whose"] == "client" else f"{_RELATIONS[lang].get(spend['whose'], spend['whose'])}: "
            where = f" ({', '.join(spend['places'])})" if spend.get("places") else ""
            parts.append(f"{who}{format_amount(int(spend['total_vnd']), lang)}{where}")
        lines.append(("- Chi y tế 6 tháng: " if vi else "- Health spending in six months: ") + "; ".join(parts))
    else:
        lines.append("- Không thấy chi y tế trong 6 tháng" if vi else "- No health spending in six months")
    dependants = [_RELATIONS[lang].get(relation, relation) for relation in review.get("dependants") or []]
    insured = ", ".join(review.get("insured") or []) or ("chưa có" if vi else "none")
    if vi:
        lines.append(f"- Người phụ thuộc: {', '.join(dependants) or 'không có'}; bảo hiểm đang có: {insured}")
    else:
        lines.append(f"- Dependants: {', '.join(dependants) or 'none'}; insurance held: {insured}")
    months = review.get("buffer_months")
    if months is not None and months > BUFFER_SHOWN_MONTHS:
        lines.append(f"- Tiền linh hoạt đủ hơn {BUFFER_SHOWN_MONTHS} tháng chi tiêu" if vi
                     else f"- Liquid money covers more than {BUFFER_SHOWN_MONTHS} months of spending")  # fmt: skip
    elif months is not None:
        lines.append(f"- Tiền linh hoạt đủ {months} tháng chi tiêu" if vi
                     else f"- Liquid money covers {months} months of spending")  # fmt: skip
    return "\n".join(lines)


def understood_as(found: dict[str, Any], label: str, language: str) -> str:
    lang = supported_language(language)
    relation = _RELATIONS[lang].get(str(found.get("relation")), "")
    if found.get("protection"):
        who = (f"{relation} của {label}" if relation else label) if lang == "vi" else (
            f"the {relation} of {label}" if relation else label)  # fmt: skip
        return (f"Rà soát bảo vệ cho {who}: chi y tế của gia đình, người phụ thuộc, bảo hiểm và tiền dự phòng; chỉ "
                "bảo hiểm, tiết kiệm và tiền gửi" if lang == "vi"
                else f"A protection review for {who}: the household's health spending, dependants, cover and buffer; "
                     "insurance, savings and deposits only")  # fmt: skip
    if lang == "vi":
        who = f"{relation} của {label}" if relation else label
        return f"Sản phẩm nên chào cho {who}: theo giao dịch 6 tháng, tài sản, sự kiện và quy định của ngân hàng"
    who = f"the {relation} of {label}" if relation else label
    return f"Products to offer {who}: from six months of transactions, holdings, events and the bank's rules"


def not_found(language: str) -> str:
    return ("Không tìm thấy khách hàng này trong danh sách của anh/chị." if supported_language(language) == "vi"
            else "That client is not one of your clients.")  # fmt: skip
