"""Product & policy Q&A: the documents' own lines, cited by id; comparisons as tables; "not in our documents"
rather than a neighbour's figure; a model's prose only when every figure in it is in the cited lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage

from stores.db import Database
from stores.fixtures import load_fixture
from tests.fakes import ScriptedChatModel
from tools.knowledge.qa import answer_question, asked_part, figures_supported, load_catalog, named_products

FIXTURE = Path(__file__).resolve().parents[3] / "evals" / "datasets" / "qa" / "fixture.json"


@pytest.fixture
def docs_db(sqlite_db: Database) -> Database:
    load_fixture(sqlite_db, json.loads(FIXTURE.read_text(encoding="utf-8")))
    return sqlite_db


def test_the_seeds_comparison_is_a_table_of_both_sheets(docs_db: Database) -> None:
    found = answer_question(docs_db, "What's the eligibility for our Green Biz loan, and how does it compare to the "
                                     "standard one?")  # fmt: skip
    assert found.status == "answered" and found.table is not None
    assert {"DOC-P-GREEN_BIZ_LOAN", "DOC-P-BIZ_LOAN"} <= set(found.sources)  # "the standard one": its sheet says so
    assert "6.8% p.a." in found.text and "10.0% p.a." in found.text and "300 million" in found.text
    assert found.table[0][1:] == ["Green Biz Loan", "Business Working-Capital Loan"]


def test_a_fee_the_sheet_does_not_state_is_not_answered(docs_db: Database) -> None:
    found = answer_question(docs_db, "Cash advance fee on the platinum card?")
    assert found.status == "not_in_documents" and found.sources == []
    assert "cash" in found.missing or "advance" in found.missing
    assert not re.search(r"\d", found.text)  # no figure from a neighbouring line


def test_a_term_the_bank_does_not_offer_is_named(docs_db: Database) -> None:
    found = answer_question(docs_db, "what's our rate on an 18m CD?")
    assert found.status == "not_in_documents" and found.missing == ["18-month"]


def test_market_data_and_past_returns_are_never_in_the_documents(docs_db: Database) -> None:
    assert answer_question(docs_db, "USD/VND rate today?").status == "not_in_documents"
    assert answer_question(docs_db, "What return did Premier Invest make last year?").status == "not_in_documents"
    # ... but a performance FEE is a fee the sheet states
    fees = answer_question(docs_db, "Premier Invest performance fee?")
    assert fees.status == "answered" and "10%" in fees.text


def test_a_vietnamese_question_gets_the_vietnamese_lines(docs_db: Database) -> None:
    found = answer_question(docs_db, "lai suat cd 12 thang bn vay")
    assert found.language == "vi" and found.sources == ["DOC-P-CD_12M"] and "5,2%/năm" in found.text


def test_a_policy_question_cites_the_policy(docs_db: Database) -> None:
    found = answer_question(docs_db, "Nếu nghi ngờ rò rỉ dữ liệu khách hàng thì phải báo cáo trong bao lâu?")
    assert found.sources == ["DOC-POL-PRIVACY"] and "24 giờ" in found.text


def test_loose_names_and_shorthand_find_the_product(docs_db: Database) -> None:
    catalog = load_catalog(docs_db)
    assert named_products(catalog, "plat card annual fee?")[0] == ["CARD_PLATINUM"]
    assert named_products(catalog, "kh 66 tuoi vay oto dc ko")[0] == ["AUTO_LOAN"]
    assert named_products(catalog, "6 vs 12 month CD rates")[0] == ["CD_12M", "CD_6M"]


def test_the_story_is_not_the_question() -> None:
    question = "My client is 74 and sold land last year. What is the minimum for the 12-month CD?"
    assert asked_part(question) == "What is the minimum for the 12-month CD?"


def test_a_models_prose_is_kept_only_when_its_figures_are_the_documents(docs_db: Database) -> None:
    honest = ScriptedChatModel(script=[AIMessage(content="The 12-month CD pays 5.2% p.a. from VND 100 million.")])
    found = answer_question(docs_db, "rate on the 12m CD?", model=honest)
    assert found.engine == "model" and found.text.startswith("The 12-month CD pays 5.2%")
    inventing = ScriptedChatModel(script=[AIMessage(content="The 12-month CD pays 5.9% p.a.")])
    found = answer_question(docs_db, "rate on the 12m CD?", model=inventing)
    assert found.engine == "documents" and "5.9" not in found.text and "5.2% p.a." in found.text
    assert figures_supported("6,8% a year", "6.8% p.a.") and not figures_supported("7%", "6.8% p.a.")


def test_an_empty_question_is_an_error(docs_db: Database) -> None:
    with pytest.raises(ValueError, match="question is required"):
        answer_question(docs_db, "   ")


def test_nicknames_negations_and_times_are_read(docs_db: Database) -> None:
    catalog = load_catalog(docs_db)
    assert named_products(catalog, "phi thuong nien the bach kim bn")[0] == ["CARD_PLATINUM"]
    assert named_products(catalog, "Vay vốn kinh doanh (gói thường, không phải gói xanh): phí thu xếp?")[0] == [
        "BIZ_LOAN"
    ]
    elapsed = answer_question(docs_db, "KH gửi 12 tháng được 5 tháng giờ muốn rút trước hạn, hưởng lãi bao nhiêu?")
    assert elapsed.status == "answered" and "0,1%/năm" in elapsed.text  # 5 months gone, not a 5-month term


def test_what_one_sheet_never_states_is_not_answered(docs_db: Database) -> None:
    assert answer_question(docs_db, "Do we have a USD savings account?").status == "not_in_documents"
    limit = answer_question(docs_db, "What's the maximum credit limit on the Platinum card?")
    assert limit.status == "not_in_documents"  # "up to 45 interest-free days" is no credit limit
    early = answer_question(docs_db, "Phí trả nợ trước hạn của gói vay vốn kinh doanh là bao nhiêu %?")
    assert early.status == "not_in_documents"
