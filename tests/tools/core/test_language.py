"""One language detector for notes, questions, requests and drafts."""

from __future__ import annotations

import pytest

from tools.core.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Met him at the branch", "en"),
        ("gap anh ay o chi nhanh, can gui tai lieu", "vi"),
        ("Gặp anh ấy", "vi"),
        ("xin chào", "vi"),  # short, one accent: the words decide
        ("Cảm ơn", "vi"),
        ("aum thang nay", "vi"),
        ("How am I doing?", "en"),
        ("Café meeting with Mr Son", "en"),  # a French accent is not Vietnamese
        ("Call with Pham Van Son about refinancing, 1 tỷ 2 outstanding. Call back in 1 week.", "en"),
        ("Email from Son Pham re his CD - wants to roll over 1.5 tỷ into a new 12M CD.", "en"),
        ("them mot khach hang moi ten Nguyen Van A vao he thong", "vi"),
        ("Client: Nguyễn Văn Minh, 0901234567. What's my next best action?", "en"),  # a name is not a language
        ("GẶP ANH SƠN Ở VĂN PHÒNG", "vi"),
        ("Đã gặp Ông Sơn", "vi"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hello, what can you do?", "en"),
        ("what is my AUM this month?", "en"),
        ("Show me the clients who should hear about Premier Invest", "en"),
        ("khach hang nao can goi hom nay", "vi"),
        ("toi can biet doanh so thang nay", "vi"),
        ("Gặp chị Lan ở quán cà phê", "vi"),
    ],
)
def test_chat_questions_are_read_in_their_language(text: str, language: str) -> None:
    # "can" and "do" are Vietnamese words too once accents are dropped: they must not decide alone.
    assert detect_language(text) == language


def test_every_room_writes_in_vietnamese_or_english() -> None:
    from tools.core.language import supported_language

    assert [supported_language(value) for value in ("vi", "en", "fr", None, "")] == ["vi", "en", "en", "en", "en"]
