"""Every word the performance room says, in English and Vietnamese: metric names, refusals, answers, lists."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tools.core.formatting import format_amount, format_number, format_short_date
from tools.core.language import supported_language
from tools.reporting.composer import FACTS, Plan
from tools.reporting.render import bar_chart_svg, bullet_list, elapsed_share, pace_phrase, target_phrase
from tools.reporting.semantic_layer import (
    LIST_METRICS,
    METRICS,
    MONEY_METRICS,
    POINT_IN_TIME,
    REFUSE_OTHER_RM,
    REFUSE_SYSTEM,
    REFUSE_WRITE,
    ReportQuery,
)

MAX_CHART_ROWS = 24
#: A model's result column that holds money, by its name.
_MONEY_COLUMN = re.compile(r"(vnd|aum|balance|amount|deposit|loan|value)", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

NAMES: dict[str, dict[str, str]] = {
    "en": {
        "aum": "AUM", "new_deposits": "New deposits", "new_loans": "New loans", "client_contacts": "Client contacts",
        "targets": "Targets", "performance_summary": "Performance vs targets", "open_tasks": "Open tasks",
        "overdue_tasks": "Overdue tasks", "inactive_clients": "Inactive clients",
        "upcoming_maturities": "Upcoming maturities", "client_count": "Clients", "top_clients": "Top clients by AUM",
        "complaints_open": "Open complaints", "client_list": "Clients", "average_aum": "Average AUM per client",
    },
    "vi": {
        "aum": "AUM (tài sản quản lý)", "new_deposits": "Tiền gửi mới", "new_loans": "Giải ngân mới",
        "client_contacts": "Số lần liên hệ khách hàng", "targets": "Chỉ tiêu",
        "performance_summary": "Kết quả so với chỉ tiêu", "open_tasks": "Công việc đang mở",
        "overdue_tasks": "Công việc quá hạn", "inactive_clients": "Khách hàng lâu chưa liên hệ",
        "upcoming_maturities": "Sắp đáo hạn", "client_count": "Số khách hàng",
        "top_clients": "Khách hàng có AUM lớn nhất", "complaints_open": "Khiếu nại đang mở",
        "client_list": "Khách hàng", "average_aum": "AUM trung bình mỗi khách hàng",
    },
}  # fmt: skip
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "help": "I did not understand that question. I can answer questions about: {metrics}. For example: "
        '"What is my AUM?", "New deposits this month by segment".',
        "failure": "Sorry, I could not answer this question. You can ask me about: {metrics}.",
        "refusal": "I can't do that: {reason}",
        "no_results": "no results",
        "no_results_model": "No results.",
        "found": "Here is what I found",
        "cut_short": "(The result was cut short.)",
        "top_by_loan": "Top clients by loan balance",
        "by_segment": "by segment",
        "by_month": "by month",
        "account": "account",
        "accounts": "accounts",
        "due": "due",
        "last_contacted": "last contacted",
        "never_contacted": "never contacted",
        "matures": "matures",
        "missing": "—",
        "understood_model": "Your question, answered by a query the model wrote",
        "list": "list",
        "vs_target": "vs target, percent of target",
        "to_go": "to go",
        "top": "top {n}",
        "of_clients": "your {n} client{s}",
    },
    "vi": {
        "help": 'Tôi chưa hiểu câu hỏi này. Tôi có thể trả lời về: {metrics}. Ví dụ: "AUM của tôi là bao nhiêu?", '
        '"Tiền gửi mới tháng này theo phân khúc".',
        "failure": "Xin lỗi, tôi không trả lời được câu hỏi này. Anh/chị có thể hỏi về: {metrics}.",
        "refusal": "Tôi không thể thực hiện yêu cầu này: {reason}",
        "no_results": "không có kết quả",
        "no_results_model": "Không có kết quả.",
        "found": "Kết quả",
        "cut_short": "(Kết quả đã được rút gọn.)",
        "top_by_loan": "Khách hàng có dư nợ vay lớn nhất",
        "by_segment": "theo phân khúc",
        "by_month": "theo tháng",
        "account": "khoản",
        "accounts": "khoản",
        "due": "hạn",
        "last_contacted": "liên hệ lần cuối",
        "never_contacted": "chưa từng liên hệ",
        "matures": "đáo hạn",
        "missing": "chưa có",
        "understood_model": "Câu hỏi của anh/chị, trả lời bằng truy vấn do mô hình viết",
        "list": "danh sách",
        "vs_target": "so với chỉ tiêu, tỷ lệ phần trăm",
        "to_go": "còn thiếu",
        "top": "top {n}",
        "of_clients": "{n} khách hàng của anh/chị",
    },
}
REFUSALS_VI = {
    REFUSE_OTHER_RM: "Tôi chỉ đọc được dữ liệu khách hàng của chính anh/chị.",
    REFUSE_WRITE: "Ở đây tôi chỉ đọc dữ liệu; thay đổi dữ liệu phải qua luồng nhập liệu.",
    REFUSE_SYSTEM: "Tôi chỉ báo cáo về khách hàng của anh/chị; không truy cập bảng hệ thống hay thông tin đăng nhập.",
}


def _lang(language: str) -> str:
    return supported_language(language)


def _metric_list(language: str) -> str:
    names = NAMES[_lang(language)]
    return ", ".join(names.get(metric, metric.replace("_", " ")) for metric in METRICS)


def help_answer(language: str, unknown: list[str] | None = None, *, uncombined: bool = False) -> str:
    """What I can answer; first, the words of the question I could not read, or that I read every word but cannot
    put them together into one query yet."""
    text = WORDS[_lang(language)]["help"].format(metrics=_metric_list(language))
    if uncombined:
        text = COMPOSED[_lang(language)]["uncombined"] + " " + text
    elif unknown:
        words = ", ".join(f"“{word}”" for word in unknown[:6])
        text = COMPOSED[_lang(language)]["unknown"].format(words=words) + " " + text
    return text


def failure_answer(language: str) -> str:
    return WORDS[_lang(language)]["failure"].format(metrics=_metric_list(language))


def refusal_reason(reason: str, language: str) -> str:
    return REFUSALS_VI.get(reason, reason) if language == "vi" else reason


def refusal(reason: str, language: str) -> str:
    return WORDS[_lang(language)]["refusal"].format(reason=refusal_reason(reason, language))


def cut_short(language: str) -> str:
    return WORDS[_lang(language)]["cut_short"]


def _title(query: ReportQuery, language: str) -> str:
    words = WORDS[_lang(language)]
    title = NAMES[_lang(language)].get(query.metric, query.metric)
    if query.metric == "aum" and query.filters.get("per") == "client":
        title = NAMES[_lang(language)]["average_aum"]
    if query.metric == "top_clients" and query.filters.get("rank_by") == "loan":
        title = words["top_by_loan"]
    if query.filters.get("segment"):
        title += f" – {query.filters['segment']}"
    return title


def _period_text(query: ReportQuery, language: str) -> str:
    if query.period is None or (query.metric in POINT_IN_TIME and query.filters.get("onboarded") != "in_period"):
        return ""
    if language == "vi":
        return f" ({query.period.start:%d/%m/%Y} – {query.period.end:%d/%m/%Y})"
    return f", {query.period.label}"


#: The semantic layer's period names in Vietnamese (its labels are English).
PERIODS_VI = {
    "today": "hôm nay", "yesterday": "hôm qua", "this week": "tuần này", "last week": "tuần trước",
    "this month": "tháng này", "last month": "tháng trước", "this quarter": "quý này", "last quarter": "quý trước",
    "year to date": "từ đầu năm", "this year": "năm nay", "last year": "năm ngoái",
}  # fmt: skip
_LAST_DAYS = re.compile(r"^last (\d+) days$")


def period_words(query: ReportQuery, language: str) -> str:
    """The period a query covers, in words of the language ("last week" / "tuần trước"), with its dates."""
    if query.period is None or (query.metric in POINT_IN_TIME and query.filters.get("onboarded") != "in_period"):
        return ""
    name = query.period.label.split(" (")[0]
    if language == "vi":
        days = _LAST_DAYS.match(name)
        name = f"{days.group(1)} ngày qua" if days else PERIODS_VI.get(name, name)
    return f"{name} ({format_short_date(query.period.start)} – {format_short_date(query.period.end)})"


def understood_as(query: ReportQuery, language: str) -> str:
    """The rules' reading in one line, in the words the coverage check reads: the measure and its filters, the
    breakdown, a list or a count, the comparison with a target, the period."""
    words = WORDS[_lang(language)]
    parts = [_title(query, language)]
    if query.metric in ("targets", "performance_summary"):
        parts.append(words["vs_target"])
    if query.group_by in ("segment", "month"):
        parts.append(words[f"by_{query.group_by}"])
    if query.metric in LIST_METRICS and query.filters.get("output") not in ("count", "sum"):
        parts.append(words["list"] if not query.limit else words["top"].format(n=query.limit))
    period = period_words(query, language)
    if period:
        parts.append(period)
    return " · ".join(parts)


def understood_by_model(language: str) -> str:
    return WORDS[_lang(language)]["understood_model"]


def cell(value: Any, language: str, *, money: bool = False) -> str:
    if value is None:
        return WORDS[_lang(language)]["missing"]
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return format_amount(value, language) if money else format_number(value, language)
    text = str(value)
    if language == "vi" and _ISO_DATE.fullmatch(text):
        return format_short_date(text)
    return text


def _row_dict(columns: list[str], row: list[Any]) -> dict[str, Any]:
    return dict(zip(columns, row, strict=False))


def _list_line(metric: str, item: dict[str, Any], language: str) -> str:
    words = WORDS[_lang(language)]
    if metric in ("open_tasks", "overdue_tasks"):
        return f"{item.get('title')} – {item.get('client_name')} ({words['due']} {cell(item.get('due_on'), language)})"
    if metric == "complaints_open":
        return f"{item.get('client_name')}: {item.get('category')} ({cell(item.get('opened_on'), language)}) – " + str(
            item.get("summary") or ""
        )
    if metric == "inactive_clients":
        last = item.get("last_contacted")
        when = f"{words['last_contacted']} {cell(last, language)}" if last else words["never_contacted"]
        return f"{item.get('full_name')} ({item.get('segment')}) – {when}"
    if metric == "upcoming_maturities":
        amount = format_amount(item.get("amount_vnd"), language)
        return f"{item.get('client_name')}: {item.get('kind')} {amount}, {words['matures']} " + cell(
            item.get("maturity_on"), language
        )
    balance = item.get("loan_balance", item.get("aum"))  # top clients by AUM, or by what they owe
    return f"{item.get('full_name')} ({item.get('segment')}): {format_amount(balance, language)}"


def _chart(title: str, items: list[tuple[str, float]], language: str, money: bool) -> str | None:
    if not 2 <= len(items) <= MAX_CHART_ROWS:
        return None
    return bar_chart_svg(
        title,
        items,
        value_label=(lambda v: format_amount(v, language)) if money else (lambda v: format_number(v, language)),
    )


def rules_answer(
    query: ReportQuery,
    columns: list[str],
    rows: list[list[Any]],
    truncated: bool,
    language: str,
    today: dt.date | None = None,
) -> tuple[str, str | None]:
    """The rules' result in words (and a chart for a breakdown); a target also against the time gone by ``today``."""
    words, names = WORDS[_lang(language)], NAMES[_lang(language)]
    metric = query.metric
    title = _title(query, language)
    period = _period_text(query, language)
    if not rows:
        return f"{title}{period}: {words['no_results']}.", None
    money = metric in MONEY_METRICS
    elapsed = elapsed_share(query.period.start, query.period.end, today) if today and query.period else None

    def against_target(base: str, item: dict[str, Any]) -> str:
        """Attainment, what is left, and (for a flow) the pace against the time gone."""
        phrase = target_phrase(item.get("actual"), item.get("target"), language, money=base in MONEY_METRICS)
        left = item.get("remaining")
        if left:
            phrase += f"; {cell(left, language, money=base in MONEY_METRICS)} {words['to_go']}"
        pace = pace_phrase(item.get("actual"), item.get("target"), elapsed, language) if base != "aum" else ""
        return f"{phrase}; {pace}" if pace else phrase

    if metric == "targets":
        item = _row_dict(columns, rows[0])
        base = query.filters.get("target_metric", "aum")
        return f"{names.get(base, base)} ({item.get('period')}): {against_target(base, item)}", None
    if metric == "performance_summary":
        lines = []
        for row in rows:
            item = _row_dict(columns, row)
            base = str(item.get("metric"))
            lines.append(f"{names.get(base, base)}: {against_target(base, item)}")
        return f"{title}{period}:\n{bullet_list(lines, language)}", None
    if metric == "upcoming_maturities" and query.filters.get("output") == "sum":
        item = _row_dict(columns, rows[0])
        count = int(item.get("accounts") or 0)
        noun = words["account"] if count == 1 else words["accounts"]
        total = format_amount(item.get("amount_vnd") or 0, language)
        return f"{title}{period}: {total} ({count} {noun})", None
    if metric == "aum" and query.filters.get("per") == "client":
        return _average_answer(query, title, columns, rows, language)
    if query.filters.get("output") == "count" or metric not in LIST_METRICS:
        if query.group_by in ("segment", "month") and len(columns) == 2:
            items = [(str(row[0]), float(row[1] or 0)) for row in rows]
            lines = [f"{label}: {cell(value, language, money=money)}" for label, value in items]
            by = words[f"by_{query.group_by}"]
            return f"{title} {by}{period}:\n{bullet_list(lines, language)}", _chart(
                f"{title} {by}", items, language, money
            )
        return f"{title}{period}: {cell(rows[0][-1], language, money=money)}", None
    lines = [_list_line(metric, _row_dict(columns, row), language) for row in rows]
    more = " (+)" if truncated else ""
    return f"{title}{period}: {len(rows)}{more}\n{bullet_list(lines, language)}", None


def clients_phrase(count: int, language: str) -> str:
    return WORDS[_lang(language)]["of_clients"].format(n=count, s="" if count == 1 else "s")


def _average_answer(
    query: ReportQuery, title: str, columns: list[str], rows: list[list[Any]], language: str
) -> tuple[str, str | None]:
    """The average per client, with how many clients it is over (per segment: a line and a bar each)."""
    items = [_row_dict(columns, row) for row in rows]
    if query.group_by == "segment":
        lines = [
            f"{item['segment']}: {format_amount(item['avg_aum'], language)} "
            f"({clients_phrase(int(item['clients']), language)})"
            for item in items
        ]
        by = WORDS[_lang(language)]["by_segment"]
        bars = [(str(item["segment"]), float(item["avg_aum"] or 0)) for item in items]
        return f"{title} {by}:\n{bullet_list(lines, language)}", _chart(f"{title} {by}", bars, language, True)
    item = items[0]
    count = int(item.get("clients") or 0)
    return f"{title}: {format_amount(item.get('avg_aum') or 0, language)} ({clients_phrase(count, language)})", None


def model_answer(columns: list[str], rows: list[list[Any]], language: str) -> tuple[str, str | None]:
    """A model query's result in words: a target comparison, one value, or a list (a chart for label/value)."""
    words = WORDS[_lang(language)]
    if not rows:
        return words["no_results_model"], None
    lower = [column.lower() for column in columns]
    if "actual" in lower and "target" in lower:
        lines = []
        for row in rows:
            item = _row_dict(lower, row)
            label = item.get("metric") or item.get("period") or ""
            money = str(label) not in ("client_contacts",)
            phrase = target_phrase(item.get("actual"), item.get("target"), language, money=money)
            lines.append(f"{label}: {phrase}" if label else phrase)
        return bullet_list(lines, language), None
    if len(rows) == 1 and len(columns) == 1:
        money = bool(_MONEY_COLUMN.search(columns[0]))
        return f"{columns[0].replace('_', ' ')}: {cell(rows[0][0], language, money=money)}", None
    lines = []
    for row in rows:
        pairs = zip(columns, row, strict=False)
        lines.append(" · ".join(cell(value, language, money=bool(_MONEY_COLUMN.search(name))) for name, value in pairs))
    chart = None
    if len(columns) == 2 and all(
        isinstance(row[1], (int, float)) and not isinstance(row[1], bool) and not isinstance(row[0], (int, float))
        for row in rows
    ):
        items = [(str(row[0]), float(row[1])) for row in rows]
        chart = _chart(columns[1].replace("_", " "), items, language, bool(_MONEY_COLUMN.search(columns[1])))
    return f"{words['found']} ({len(rows)}):\n{bullet_list(lines, language)}", chart


# ----- the composer's plans --------------------------------------------------------------------

COMPOSED: dict[str, dict[str, str]] = {
    "en": {
        "unknown": "I could not read {words} in your question, so I will not guess an answer.",
        "uncombined": "I know each word of your question but cannot put them together into one query yet, "
        "so I will not guess an answer.",
        "avg": "Average", "sum": "Total", "count": "Number of", "max": "Highest", "min": "Lowest",
        "range": "Lowest and highest", "sum_max": "Total and largest", "sum_min": "Total and smallest",
        "per_client": "per client", "aum": "AUM", "balance": "balance", "accounts": "accounts",
        "transactions": "transaction amount", "transactions_count": "transactions", "interactions": "interactions",
        "tasks": "tasks", "complaints": "complaints", "logins": "app logins", "inbound": "client messages",
        "sent": "messages you sent", "clients": "your clients", "list": "list", "top": "top {n}",
        "bottom": "bottom {n}", "by": "by", "without": "clients with no", "with": "clients with",
        "trend": "by month", "rows": "rows", "of": "of", "vs": "vs", "share": "Share (%) of", "in": "in",
        "spouses": "Your clients whose spouse is also your client",
        "new_loans": "new loans", "loan_balance": "loan balance",
        "new_deposits": "new deposits", "deposits": "deposits",
    },
    "vi": {
        "unknown": "Tôi chưa đọc được {words} trong câu hỏi, nên tôi không đoán câu trả lời.",
        "uncombined": "Tôi hiểu từng từ trong câu hỏi nhưng chưa ghép được chúng thành một truy vấn, "
        "nên tôi không đoán câu trả lời.",
        "avg": "Trung bình", "sum": "Tổng", "count": "Số", "max": "Cao nhất", "min": "Thấp nhất",
        "range": "Thấp nhất và cao nhất", "sum_max": "Tổng và lớn nhất", "sum_min": "Tổng và nhỏ nhất",
        "per_client": "mỗi khách hàng", "aum": "AUM", "balance": "số dư", "accounts": "tài khoản",
        "transactions": "giá trị giao dịch", "transactions_count": "giao dịch", "interactions": "lần liên hệ",
        "tasks": "công việc", "complaints": "khiếu nại", "logins": "lượt đăng nhập app",
        "inbound": "tin nhắn của khách",
        "sent": "tin nhắn đã gửi", "clients": "khách hàng của anh/chị", "list": "danh sách", "top": "top {n}",
        "bottom": "{n} thấp nhất", "by": "theo", "without": "khách hàng chưa có", "with": "khách hàng có",
        "trend": "theo tháng", "rows": "dòng", "of": "của", "vs": "so với", "share": "Tỷ trọng (%) của", "in": "trong",
        "spouses": "Khách hàng có vợ/chồng cũng là khách hàng của anh/chị",
        "new_loans": "giải ngân mới", "loan_balance": "dư nợ",
        "new_deposits": "huy động mới", "deposits": "tiền gửi",
    },
}  # fmt: skip
_CONDITION_WORDS: dict[str, dict[str, str]] = {
    "en": {"active": "", "open": "open", "done": "done", "overdue": "overdue", "unread": "unread",
           "unreplied": "not replied to",
           "logged in": "logged in"},
    "vi": {"active": "", "open": "đang mở", "done": "đã xong", "overdue": "quá hạn", "unread": "chưa đọc",
           "unreplied": "chưa trả lời",
           "logged in": "đăng nhập"},
}  # fmt: skip
_DIMENSION_WORDS: dict[str, dict[str, str]] = {
    "en": {"segment": "segment", "risk": "risk profile", "city": "city", "client": "client", "kind": "account type",
           "product": "product", "interaction_channel": "channel", "sentiment": "sentiment", "direction": "direction",
           "category": "category", "txn_channel": "channel", "task_kind": "task type", "task_status": "status",
           "complaint_category": "category", "complaint_status": "status", "message_channel": "channel",
           "sent_channel": "channel", "topic": "topic", "message_subject": "subject",
           "month": "month"},
    "vi": {"segment": "phân khúc", "risk": "khẩu vị rủi ro", "city": "thành phố", "client": "khách hàng",
           "kind": "loại tài khoản", "product": "sản phẩm", "interaction_channel": "kênh", "sentiment": "thái độ",
           "direction": "chiều", "category": "danh mục", "txn_channel": "kênh", "task_kind": "loại công việc",
           "task_status": "trạng thái", "complaint_category": "danh mục", "complaint_status": "trạng thái",
           "message_channel": "kênh", "sent_channel": "kênh", "topic": "chủ đề", "message_subject": "tiêu đề",
           "month": "tháng"},
}  # fmt: skip


def _condition_text(label: str, language: str) -> str:
    """A plan's filter in words: "segment:Diamond" → "Diamond", "kinds:cd" → "cd", a window keeps its dates."""
    fixed = _CONDITION_WORDS[_lang(language)]
    if label in fixed or not label:
        return fixed.get(label, "")
    name, _, value = label.partition(":")
    if not value:
        return label
    if name in ("maturing", "birthday", "opened", "onboarded"):
        return f"{name} {value}"
    if name == "category" and language == "en":
        return value.replace("_", " ")
    return value.replace(",", "/").replace("_", " ")


def _measure_text(plan: Plan, language: str) -> str:
    words = COMPOSED[_lang(language)]
    if plan.measure == "aum":
        return words["aum"]
    if plan.fact == "accounts":
        flow = any(cond.label.startswith("opened:") for cond in plan.conditions)
        meaning = {
            "loans": ("new_loans" if flow else "loan_balance"),
            "deposits": ("new_deposits" if flow else "deposits"),
        }
        if plan.agg != "count" and plan.meaning in meaning:
            return words[meaning[plan.meaning]]
        return words["balance"] if plan.agg != "count" else words["accounts"]
    if plan.fact == "transactions" and plan.agg == "count":
        return words["transactions_count"]
    return words.get(plan.fact or "clients", plan.fact or "")


def composed_understood(plan: Plan, language: str) -> str:
    """The plan restated: the aggregate and measure, each filter, the breakdown or list, the threshold."""
    words = COMPOSED[_lang(language)]
    if plan.shape == "spouses":
        return words["spouses"]
    if plan.shape == "share":
        part, whole = (Plan.from_json(raw) for raw in plan.parts)
        of_part, of_whole = composed_understood(part, language), composed_understood(whole, language)
        return f"{words['share']} {of_part} {words['in']} {of_whole}"
    if plan.parts:
        compared = [Plan.from_json(raw) for raw in plan.parts]
        return f" {words['vs']} ".join(composed_understood(part, language) for part in compared)
    measure = _measure_text(plan, language)
    if plan.fact is None:
        head = words["clients"]
    elif plan.shape == "list" and plan.agg == "count":
        head = measure[:1].upper() + measure[1:]  # "Tasks · open · list", not "Number of tasks"
    else:
        head = f"{words[plan.agg]} {measure}"
    if plan.fact is not None and plan.agg == "avg" and plan.per_client:
        head += f" {words['per_client']}"
    parts = [head]
    if plan.negated:
        parts.append(f"{words['without']} {measure}")
    elif plan.per_client and plan.fact is not None and plan.agg != "avg":
        parts.append(words["clients"])
    parts += [text for text in (_condition_text(cond.label, language) for cond in plan.conditions) if text]
    if plan.threshold is not None:
        op, number = plan.threshold
        money = plan.fact is not None and (plan.measure == "aum" or FACTS[plan.fact].money)
        parts.append(f"{op} {cell(number, language, money=money)}")
    if plan.group_by is not None:
        parts.append(f"{words['by']} {_DIMENSION_WORDS[_lang(language)][plan.group_by]}")
    if plan.shape == "list":
        parts.append(words["list"])
    elif plan.shape in ("top", "bottom"):
        parts.append(words[plan.shape].format(n=plan.limit))
    return " · ".join(parts)


def composed_answer(plan: Plan, columns: list[str], rows: list[list[Any]], language: str) -> tuple[str, str | None]:
    """The composed result in words: one number (with how many it is over), a breakdown with a chart, a list."""
    title = composed_understood(plan, language)
    if not rows:
        return f"{title}: {WORDS[_lang(language)]['no_results']}.", None
    money_names = {
        f"{prefix}{name}" for prefix in ("", "avg_", "max_", "min_") for name in ("aum", "balance_vnd", "amount_vnd")
    }

    def shown(name: str, value: Any) -> str:
        return cell(value, language, money=name in money_names)

    if plan.shape == "share":
        item = _row_dict(columns, rows[0])
        whole_plan = Plan.from_json(plan.parts[1])
        money = whole_plan.measure == "aum" or bool(whole_plan.fact and FACTS[whole_plan.fact].money)
        part, whole = (cell(item.get(key), language, money=money) for key in ("part", "whole"))
        return f"{title}: {cell(item.get('share_pct'), language)}% ({part} / {whole})", None
    if plan.shape == "compare":
        lines = [f"{row[0]}: {shown(columns[1], row[1])}" for row in rows]
        return f"{title}:\n{bullet_list(lines, language)}", None
    if plan.shape == "number":
        item = _row_dict(columns, rows[0])
        first = columns[0]
        extra = [
            clients_phrase(int(value or 0), language)
            if name == "clients"
            else f"{shown(name, value)} {name.replace('_', ' ')}"
            for name, value in item.items()
            if name != first
        ]
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{title}: {shown(first, item[first])}{tail}", None
    if plan.shape in ("breakdown", "trend") and len(columns) == 2:
        items = [(cell(row[0], language), float(row[1] or 0)) for row in rows]
        lines = [f"{label}: {shown(columns[1], value)}" for label, value in items]
        return f"{title}:\n{bullet_list(lines, language)}", _chart(title, items, language, columns[1] in money_names)
    words = WORDS[_lang(language)]

    def line(row: list[Any]) -> str:
        parts = []
        for name, value in zip(columns, row, strict=False):
            if name == "client_id":
                continue  # the name is what the RM reads; the id stays in the result for the app
            if name == "last_contacted":
                parts.append(
                    f"{words['last_contacted']} {cell(value, language)}" if value else words["never_contacted"]
                )
            else:
                parts.append(shown(name, value))
        return " · ".join(parts)

    return f"{title}: {len(rows)}\n{bullet_list([line(row) for row in rows], language)}", None
