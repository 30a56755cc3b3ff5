"""The masker (``tools.policy.masking``): each kind of personal data by its class, the look-alikes kept, restore."""

from __future__ import annotations

import pytest

from tools.policy.masking import Masker, find_pii, luhn_valid

BANK = ["Phạm Văn Sơn", "Nguyễn Thị Lan", "John Carter", "Đặng Thu Hà"]


def kinds(text: str) -> dict[str, str]:
    return {span.text: span.kind for span in find_pii(text, BANK)}


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("gọi a Sơn 0912 345 678 nhé", "0912 345 678", "phone"),
        ("call +84 912.345.678 tmrw", "+84 912.345.678", "phone"),
        ("office (028) 3822 1234", "(028) 3822 1234", "phone"),
        ("mail lan.nguyen@gmail.com pls", "lan.nguyen@gmail.com", "email"),
        ("CCCD 001089012345 cấp 2021", "001089012345", "national_id"),
        ("CMND: 025678123", "025678123", "national_id"),
        ("passport B1234567 expires", "B1234567", "national_id"),
        ("STK 1903 5678 9012 34 Techcombank", "1903 5678 9012 34", "account_number"),
        ("a/c no. 12345678901", "12345678901", "account_number"),
        ("thẻ 4111 1111 1111 1111 bị khóa", "4111 1111 1111 1111", "card_number"),
        ("nhà số 12 ngõ 34 Trần Duy Hưng, Cầu Giấy", "số 12 ngõ 34 Trần Duy Hưng", "address"),
        ("lives at 45/7 Nguyen Trai, P.2, Q.5", "45/7 Nguyen Trai", "address"),
        ("số cũ 0912 004 771 đã cắt", "0912 004 771", "phone"),  # "đ" of "đã" is no currency
        ("credit card 4024-0071-8834-5523 đang xin", "4024-0071-8834-5523", "card_number"),
        ("Ông đọc số CMND cũ của mình là 012047356 để đối chiếu", "012047356", "national_id"),
        ("Hộ chiếu Cộng hòa Pháp số 19FV48213 của anh Julien", "19FV48213", "national_id"),
        ("passport renewed: old TK8821047, new one is TS4410926", "TS4410926", "national_id"),
        ("STK ACB của vợ (Nguyễn Thị Kim Oanh): 21456789", "21456789", "account_number"),
        ("họp tại nhà bà ở 15 nguyen van huong, thao dien", "15 nguyen van huong", "address"),
        ("Flat 12B, Vinhomes", "Flat 12B", "address"),
    ],
)
def test_each_kind_is_found_by_its_shape_and_cue(text: str, secret: str, kind: str) -> None:
    assert kinds(text).get(secret) == kind


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("gặp anh Phạm Văn Sơn hôm qua", "Phạm Văn Sơn"),  # the bank's own client, whole
        ("pham van son goi lai", "pham van son"),  # typed without accents or capitals
        ("Son Pham asked about the CD", "Son Pham"),  # Western order
        ("chi lan goi bao", "lan"),  # a client's given name after a title, in lower case
        ("nhờ c Ngọc Anh ký", "Ngọc Anh"),  # a name not in the CRM, after a title, with its second word
        ("vợ anh ấy là chị Nguyễn Thị Mai", "Nguyễn Thị Mai"),  # a surname and name words
        ("nguyen thi mai goi", "nguyen thi mai"),
        ("Mr. Carter and his assistant Anna Smith", "Anna Smith"),
        ("ký tên Đặng Thu Hà", "Đặng Thu Hà"),  # the RM's own name too
    ],
)
def test_people_are_found_by_the_bank_the_titles_and_the_lexicons(text: str, name: str) -> None:
    assert kinds(text).get(name) == "person"


@pytest.mark.parametrize(
    "text",
    [
        "hoa hồng tháng này 5tr, an toàn, bình thường",  # everyday words that are also given names
        "em mai gửi hồ sơ nhé",  # "em" a pronoun, "mai" tomorrow
        "em viết giúp chị, cảm ơn em, em định gửi",  # verbs whose folded form is a name
        "số tiền 1 500 000 000 VND, mã GD 253451234567",  # an amount, a reference
        "khách ở Ba Đình và Thu Duc, chi nhánh Hải Châu",  # places built like names
        "công ty Minh Phát và quỹ Phát Lộc",  # a business and a product
        "văn phòng ở đường Lê Quý Đôn",  # a street named after a person, no house number
        "CD 12 tháng lãi 6.5%, 12 Diamond clients, ngày 2025-10-24",
        "thẻ đuôi 1234",  # the last four digits
    ],
)
def test_look_alikes_are_not_masked(text: str) -> None:
    assert find_pii(text, BANK) == []


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


def test_placeholders_are_shared_within_a_request_and_restored_in_the_answer() -> None:
    masker = Masker(BANK)
    first = masker.mask("Draft a birthday note for anh Phạm Văn Sơn, 0912 345 678")
    second = masker.mask("Phạm Văn Sơn prefers Zalo")
    assert first == "Draft a birthday note for anh [PERSON_1], [PHONE_1]"
    assert second == "[PERSON_1] prefers Zalo"
    answer = "Chúc mừng sinh nhật anh [PERSON_1]! Em gọi [PHONE_1] nhé."
    assert masker.restore(answer) == "Chúc mừng sinh nhật anh Phạm Văn Sơn! Em gọi 0912 345 678 nhé."
    assert Masker(BANK).restore(answer) == answer  # another request's masker knows none of them


def test_the_projects_own_prompts_mask_to_themselves() -> None:
    """Every prompt passes the masker on its way to an outside model: its instructions must come out whole
    ("The note may be English" once lost "English", "(a loan ends soon)" its "loan")."""
    from tests.drivers import PROJECT_ROOT

    prompts = sorted((PROJECT_ROOT / "prompts").rglob("*.md"))
    assert prompts
    for path in prompts:
        assert find_pii(path.read_text(encoding="utf-8"), BANK) == [], path.name
