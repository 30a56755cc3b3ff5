"""Learning an RM's voice from sent messages, generalising it to any client, and learning from draft edits."""

from __future__ import annotations

from typing import Any

import pytest

from tools.voice.tone import (
    LanguageVoice,
    ToneProfile,
    address,
    fill_template,
    learn_from_edit,
    learn_tone,
    split_message,
)

CLIENTS: dict[str, dict[str, Any]] = {
    "C1": {"id": "C1", "full_name": "Pham Van Son", "honorific": "Mr", "language": "en"},
    "C2": {"id": "C2", "full_name": "Lê Thị Oanh", "honorific": "Chị", "language": "vi"},
    "C3": {"id": "C3", "full_name": "Nguyễn Văn Minh", "honorific": "Anh", "language": "vi"},
    "C4": {"id": "C4", "full_name": "Tran Thi Lan", "honorific": "Ms", "language": "en"},
    "C5": {"id": "C5", "full_name": "Hoàng Văn Nam", "honorific": "Ông", "language": "vi"},
}


def _msg(client_id: str | None, body: str) -> dict[str, Any]:
    return {"client_id": client_id, "body": body}


# A formal RM: "Dear Mr. Son," / "Warm regards," / "Thu Hà"; in Vietnamese "Kính gửi chị Oanh," and "em".
FORMAL = [
    _msg("C1", "Dear Mr. Son,\n\nYour deposit of 1.5B VND matures on 5 November.\n\n"
               "Please don't hesitate to reach out anytime.\n\nWarm regards,\nThu Hà"),
    _msg("C4", "Dear Ms. Lan,\n\nThank you for meeting me yesterday about the card.\n\n"
               "Please don't hesitate to reach out anytime.\n\nWarm regards,\nThu Hà"),
    _msg("C2", "Kính gửi chị Oanh,\n\nKhoản tiền gửi 2 tỷ của chị sẽ đến hạn ngày 05/11.\n\n"
               "Em luôn sẵn sàng hỗ trợ chị bất cứ lúc nào.\n\nTrân trọng,\nThu Hà"),
    _msg("C3", "Kính gửi anh Minh,\n\nEm gửi anh bảng lãi suất như đã hứa.\n\n"
               "Em luôn sẵn sàng hỗ trợ anh bất cứ lúc nào.\n\nTrân trọng,\nThu Hà"),
]  # fmt: skip
# A casual RM: "Hi Son!" / "Cheers," / "Khoa", emoji, contractions; in Vietnamese "Chào anh Minh," … "nhé".
CASUAL = [
    _msg("C1", "Hi Son,\n\nHappy birthday! 🎉 Just reply to this message if anything is unclear.\n\nCheers,\nKhoa"),
    _msg("C4", "Hi Lan,\n\nI'll send the rate sheet today. Just reply to this message if anything is unclear.\n\n"
               "Cheers,\nKhoa"),
    _msg("C3", "Chào anh Minh,\n\nEm gửi anh thông tin nhé. Nếu anh cần thêm thông tin, anh cứ nhắn em nhé.\n\n"
               "Thân mến,\nKhoa"),
    _msg("C2", "Chào chị Oanh,\n\nEm đã nhận hồ sơ của chị. Nếu chị cần thêm thông tin, chị cứ nhắn em nhé.\n\n"
               "Thân mến,\nKhoa"),
]  # fmt: skip
# A very formal Vietnamese RM who says "tôi" and signs with a two-line signature.
TOI = [
    _msg(cid, f"Kính chào {hon} {given},\n\n{opening}\n\nTôi xin cảm ơn {hon} đã luôn tin tưởng ngân hàng.\n\n"
              "Kính thư,\nVõ Hoài Huyền\nChuyên viên Quan hệ Khách hàng")
    for cid, hon, given, opening in (
        ("C2", "chị", "Oanh", "Tôi xin gửi chị bảng lãi suất tháng này."),
        ("C3", "anh", "Minh", "Hồ sơ vay của anh đã được tiếp nhận."),
        ("C5", "ông", "Nam", "Tôi xin thông báo khoản tiền gửi của ông sắp đáo hạn."),
    )
]  # fmt: skip


def test_a_formal_voice_is_learned_as_templates() -> None:
    tone = learn_tone({"id": "RM1"}, FORMAL, CLIENTS)
    en, vi = tone.languages["en"], tone.languages["vi"]
    assert en.salutation == "Dear {title} {given},"
    assert (en.signoff, en.signature, en.self_word) == ("Warm regards,", "Thu Hà", "I")
    assert en.phrases == ["Please don't hesitate to reach out anytime."]
    assert en.formality == "formal" and en.emoji is False and en.messages == 2
    assert vi.salutation == "Kính gửi {hon} {given},"
    assert (vi.signoff, vi.self_word) == ("Trân trọng,", "em")
    assert vi.phrases == ["{Self} luôn sẵn sàng hỗ trợ {hon} bất cứ lúc nào."]


def test_a_casual_voice_differs_from_the_formal_one() -> None:
    tone = learn_tone({"id": "RM2"}, CASUAL, CLIENTS)
    en, vi = tone.languages["en"], tone.languages["vi"]
    assert (en.salutation, en.signoff, en.signature) == ("Hi {given},", "Cheers,", "Khoa")
    assert en.formality == "casual" and en.emoji is True
    assert (vi.salutation, vi.signoff, vi.formality) == ("Chào {hon} {given},", "Thân mến,", "casual")
    assert vi.phrases == ["Nếu {hon} cần thêm thông tin, {hon} cứ nhắn {self} nhé."]


def test_self_word_and_a_two_line_signature() -> None:
    vi = learn_tone({"id": "RM3"}, TOI, CLIENTS).languages["vi"]
    assert vi.self_word == "tôi"
    assert vi.salutation == "Kính chào {hon} {given},"
    assert vi.signature == "Võ Hoài Huyền\nChuyên viên Quan hệ Khách hàng"
    assert vi.phrases == ["{Self} xin cảm ơn {hon} đã luôn tin tưởng ngân hàng."]
    assert "en" not in learn_tone({"id": "RM3"}, TOI, CLIENTS).languages


@pytest.mark.parametrize(
    ("client", "language", "expected"),
    [
        ({"full_name": "Đỗ Thị Mai", "honorific": "Mrs"}, "en", "Dear Mrs. Mai,"),
        ({"full_name": "Đỗ Thị Mai", "honorific": "Bà"}, "en", "Dear Mrs. Mai,"),  # a Vietnamese honorific, en mail
        ({"full_name": "Đỗ Văn Hùng", "honorific": "Ông"}, "vi", "Kính gửi ông Hùng,"),
        ({"full_name": "Đỗ Văn Hùng", "honorific": "Mr"}, "vi", "Kính gửi anh Hùng,"),  # an English one, vi mail
        ({"full_name": "Đỗ Thị Mai", "honorific": "Ms"}, "vi", "Kính gửi chị Mai,"),
        ({"full_name": "Đỗ Thị Mai", "honorific": ""}, "en", "Dear Đỗ Thị Mai,"),  # no title: the full name
        ({"full_name": "Đỗ Thị Mai", "honorific": None}, "vi", "Kính gửi Quý khách Đỗ Thị Mai,"),
        ({"full_name": "Kim Ji-hoon", "honorific": "Mr"}, "en", "Dear Mr. Kim,"),  # a romanized Korean given name
    ],
)
def test_the_salutation_fits_a_client_never_written_to(client: dict[str, Any], language: str, expected: str) -> None:
    tone = learn_tone({"id": "RM1"}, FORMAL, CLIENTS)
    assert address(tone.voice(language), client, language) == expected


def test_family_name_salutation_and_unknown_recipients() -> None:
    messages = [
        _msg("C1", "Dear Mr. Pham,\n\nThank you.\n\nYours sincerely,\nKhoa"),
        _msg(None, "Dear valued client,\n\nOur rates change next month.\n\nYours sincerely,\nKhoa"),
        _msg("C9", "Dear Mr. X,\n\nThank you for your time.\n\nYours sincerely,\nKhoa"),  # not a known client
    ]
    en = learn_tone({"id": "RM9"}, messages, CLIENTS).languages["en"]
    assert en.salutation == "Dear {title} {family},"
    assert (en.signoff, en.signature, en.messages) == ("Yours sincerely,", "Khoa", 3)
    assert address(en, CLIENTS["C4"], "en") == "Dear Ms. Tran,"


def test_a_language_never_written_in_gets_the_default_voice_with_the_rm_signature() -> None:
    tone = learn_tone({"id": "RM3"}, TOI, CLIENTS)
    en = tone.voice("en")
    assert en.messages == 0 and en.salutation == "Dear {title} {given},"
    assert en.signature == "Võ Hoài Huyền"  # the name line, not the Vietnamese job title
    assert learn_tone({"id": "RM0"}, [], CLIENTS).voice("vi").signature == ""


def test_split_message_reads_the_parts() -> None:
    parts = split_message("Hi Son,\n\nLine one.\nLine two.\n\nSecond paragraph.\n\nCheers,\nKhoa\nRM | Bank")
    assert parts.salutation == "Hi Son,"
    assert parts.paragraphs == ["Line one. Line two.", "Second paragraph."]
    assert (parts.signoff, parts.signature) == ("Cheers,", "Khoa\nRM | Bank")


def test_learn_from_edit_changes_salutation_signoff_and_adds_a_phrase() -> None:
    tone = learn_tone({"id": "RM1"}, FORMAL, CLIENTS)
    client = CLIENTS["C4"]
    original = "Dear Ms. Lan,\n\nYour CD matures in 12 days.\n\nWarm regards,\nThu Hà"
    edited = "Hello Lan,\n\nYour CD matures in 12 days. Have a lovely weekend.\n\nBest wishes,\nThu Hà"
    learned = learn_from_edit(tone, language="en", client=client, original=original, edited=edited)
    assert learned is not None
    voice = learned.languages["en"]
    assert voice.salutation == "Hello {given},"
    assert voice.signoff == "Best wishes,"
    assert voice.phrases[0] == "Have a lovely weekend."
    assert learned.languages["vi"] == tone.languages["vi"]
    assert address(voice, CLIENTS["C1"], "en") == "Hello Son,"


def test_learn_from_edit_generalises_a_vietnamese_salutation() -> None:
    tone = learn_tone({"id": "RM1"}, FORMAL, CLIENTS)
    original = "Kính gửi anh Minh,\n\nEm gửi anh thông tin.\n\nTrân trọng,\nThu Hà"
    edited = "Anh Minh thân mến,\n\nEm gửi anh thông tin.\n\nThân ái,\nHà"
    learned = learn_from_edit(tone, language="vi", client=CLIENTS["C3"], original=original, edited=edited)
    assert learned is not None
    vi = learned.languages["vi"]
    assert (vi.salutation, vi.signoff, vi.signature) == ("{Hon} {given} thân mến,", "Thân ái,", "Hà")
    assert address(vi, CLIENTS["C5"], "vi") == "Ông Nam thân mến,"


def test_learn_from_edit_returns_none_when_nothing_learnable_changed() -> None:
    tone = learn_tone({"id": "RM1"}, FORMAL, CLIENTS)
    original = "Dear Ms. Lan,\n\nYour CD of 1.5B VND matures in 12 days.\n\nWarm regards,\nThu Hà"
    # Only facts changed (a number): nothing about the RM's voice.
    edited = "Dear Ms. Lan,\n\nYour CD of 1.6B VND matures in 11 days.\n\nWarm regards,\nThu Hà"
    assert learn_from_edit(tone, language="en", client=CLIENTS["C4"], original=original, edited=original) is None
    assert learn_from_edit(tone, language="en", client=CLIENTS["C4"], original=original, edited=edited) is None


def test_profile_round_trips_as_json() -> None:
    tone = ToneProfile(rm_id="RM1", languages={"en": LanguageVoice(salutation="Hi {given},", signoff="Cheers,",
                                                                     self_word="I")})  # fmt: skip
    assert ToneProfile.model_validate_json(tone.model_dump_json()) == tone


def test_a_sign_off_that_names_the_client_is_learned_as_a_template_and_fits_any_client() -> None:
    wishes = [
        _msg(cid, f"Dạ em chào {hon} {given},\n\n{opening}\n\nEm chúc {hon} nhiều sức khỏe,\nEm Yến")
        for cid, hon, given, opening in (
            ("C2", "chị", "Oanh", "Em gửi chị bảng lãi suất tháng này ạ."),
            ("C3", "anh", "Minh", "Hồ sơ của anh đã được tiếp nhận ạ."),
            ("C5", "ông", "Nam", "Khoản tiền gửi của ông sắp đáo hạn ạ."),
        )
    ]
    voice = learn_tone({"id": "RM5"}, wishes, CLIENTS).languages["vi"]
    assert voice.signoff == "{Self} chúc {hon} nhiều sức khỏe,"
    assert voice.signature == "Em Yến"
    never_written_to = {"full_name": "Đỗ Thị Cúc", "honorific": "Bà", "language": "vi"}
    assert fill_template(voice.signoff, never_written_to, self_word=voice.self_word) == "Em chúc bà nhiều sức khỏe,"
