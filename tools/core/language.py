"""Which language an RM wrote in: one detector for notes, questions, requests and drafts.

Vietnamese is recognized with or without diacritics: by its letters when they are there (two or more, in
words that do not start with a capital: a client's name such as "Nguyễn Văn Minh" in an English request
says nothing about the request's language, nor do money words such as "tỷ" and "củ", which English notes
use too), else by its words ("thang nay", "bao nhieu", "khach hang"), weighed against English function words.
"""

from __future__ import annotations

import re

from tools.core.text import fold

_VI_LETTERS = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)
#: Money words English-writing RMs borrow ("1.5 tỷ", "200 củ"): their letters say nothing about the language.
_MONEY_WORDS = re.compile(r"\b(?:tỷ|tỉ|củ|triệu|đồng|nghìn|ngàn)\b", re.IGNORECASE)
_VI_PHRASES = (
    "anh", "chi", "ong", "ba", "em", "khach", "khach hang", "gap", "goi", "gui", "ngay", "tuan", "thang", "thang nay",
    "vay", "tien", "trieu", "ty", "can", "voi", "va", "cua", "cua toi", "cho", "ve", "hen", "da", "se", "muon",
    "quan tam", "tiet kiem", "hop dong", "tai lieu", "xin chao", "chao", "cam on", "toi", "ban", "lam gi", "bao nhieu",
    "duoc", "quy", "nam nay", "hom nay", "con", "theo", "chi tieu", "nhung", "lien he", "tien gui", "huy dong",
    "giai ngan", "dao han", "phan khuc", "nao", "cac", "chua", "khong", "la gi", "tu dau", "soan", "tin nhan", "nen",
    "giup", "mot", "moi", "vao", "he thong", "ten", "kh",
)  # fmt: skip
#: Vietnamese words as they read without diacritics (words that are also common English words are left out).
_VI_WORDS = re.compile(r"\b(" + "|".join(sorted(_VI_PHRASES, key=len, reverse=True)) + r")\b")
#: English function words that are not also common Vietnamese words once accents are gone ("do", "can", "me" are).
_EN_WORDS = re.compile(
    r"\b(the|and|to|he|she|him|her|with|about|need|will|met|call|send|by|for|at|what|how|you|your|my|is|are|"
    r"this|that|hello|please|show|of|who|which|would|should|hi|thanks|thank|i|am|was|were|does|did|have|has)\b"
)


_CAPITALIZED = re.compile(r"\b[^\W\d_a-zăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]\w*")


def supported_language(language: object) -> str:
    """The language words are written in: ``vi`` for Vietnamese, ``en`` for anything else (one rule, every room)."""
    return "vi" if language == "vi" else "en"


def detect_language(text: str) -> str:
    """``vi`` when the text reads as Vietnamese (with or without diacritics), else ``en``."""
    common_words = _CAPITALIZED.sub(" ", _MONEY_WORDS.sub(" ", text))
    if len(_VI_LETTERS.findall(common_words)) >= 2:
        return "vi"
    folded = fold(text)
    return "vi" if len(_VI_WORDS.findall(folded)) > len(_EN_WORDS.findall(folded)) else "en"
