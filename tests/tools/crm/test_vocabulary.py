"""The CRM's values in the words an RM reads."""

from __future__ import annotations

from tools.crm.vocabulary import category_text, source_text


def test_categories_and_sources_in_both_languages() -> None:
    assert category_text("cd", "vi") == "chứng chỉ tiền gửi" and category_text("cd", "en") == "cd"
    assert category_text("app", "vi") == "ứng dụng"  # a complaint category
    assert category_text("transfer_external", "en") == "transfer external"
    assert source_text("property_sale", "vi") == "bán bất động sản"
    assert source_text("dividend_income", "en") == "dividend income"
