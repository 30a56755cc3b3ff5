"""The CRM API as one signed-in RM: search, 360, catalog, validated idempotent writes."""

from __future__ import annotations

import datetime as dt
import re
import threading
from typing import Any

import pytest
from sqlalchemy import func, select, update

from stores.db import Database
from stores.schema import Client, crm_table
from tools.core.text import strip_accents
from tools.crm.api import ClientNotFound, CrmApi, IdempotencyConflict, WriteRejected, _bare_name_positions
from tools.crm.resolution import resolve_client

TODAY = dt.date(2025, 10, 24)


def _count(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(crm_table(table))).scalar_one())


def _note(**overrides: Any) -> dict[str, Any]:
    note: dict[str, Any] = {
        "client_id": "C0001",
        "occurred_at": "2025-10-24T10:00:00+07:00",
        "channel": "meeting",
        "location": "coffee house",
        "topic": "Renovation loan",
        "summary": "Discussed a renovation loan of about 800M VND.",
        "amount_vnd": 800_000_000,
        "sentiment": "positive",
        "source_text": "Met Mr. Son Pham at a coffee house…",
        "tasks": [
            {"title": "Send the info pack", "kind": "send_document", "due_on": "2025-10-25"},
            {"title": "Follow-up call", "kind": "call", "due_on": "2025-10-29"},
        ],
    }
    note.update(overrides)
    return note


# ----- search -----------------------------------------------------------------------------


def test_find_by_phone_only_among_own_clients(bank_db: Database) -> None:
    mine = CrmApi(bank_db, "RM001").find_clients(phone="+84 823 912 039")
    assert [match.id for match in mine] == ["C0001"]
    assert mine[0].matched_on == "phone"
    assert CrmApi(bank_db, "RM002").find_clients(phone="0823912039") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nguyen Van Minh", {"C0002", "C0003"}),  # two clients share the name: both come back
        ("nguyễn văn minh", {"C0002", "C0003"}),
        ("Son Pham", {"C0001"}),  # given name first, as in English
        ("Mr. Son Pham", {"C0001"}),
        ("Pham Van Sonn", {"C0001"}),  # a typo
        ("chị Oanh", {"C0004"}),
        ("Le Thi Oanh", {"C0004"}),
        ("Tran Thi Dung", set()),  # RM002's client
        ("Hoàng Đức Bình", set()),
        ("Zed Nobody", set()),
    ],
)
def test_find_by_name_is_fuzzy_and_accent_insensitive(bank_db: Database, query: str, expected: set[str]) -> None:
    found = {match.id for match in CrmApi(bank_db, "RM001").find_clients(name=query)}
    assert found == expected


def test_a_phone_match_wins_over_a_name(bank_db: Database) -> None:
    found = CrmApi(bank_db, "RM001").find_clients(phone="0912345678", name="Nguyen Van Minh")
    assert [match.id for match in found] == ["C0003"]


def test_search_needs_something_to_search_for(bank_db: Database) -> None:
    with pytest.raises(ValueError, match="phone number or a name"):
        CrmApi(bank_db, "RM001").find_clients()


# ----- client 360 -------------------------------------------------------------------------


def test_client_360_gathers_the_whole_picture(bank_db: Database) -> None:
    view = CrmApi(bank_db, "RM001").client_360("C0001", today=TODAY)
    assert view.profile["full_name"] == "Pham Van Son"
    assert view.profile["age"] == 45
    assert {row["id"] for row in view.holdings} == {"A0001", "A0002", "A0003"}
    assert view.totals["aum_vnd"] == 1_500_000_000 + 350_000_000
    assert view.totals["loans_outstanding_vnd"] == 2_000_000_000
    assert [row["id"] for row in view.recent_transactions] == ["T0002", "T0001"]  # newest first
    assert [row["id"] for row in view.open_tasks] == ["K0001"]
    assert view.days_since_contact == 44
    assert view.last_contacted_at == "2025-09-10T14:00:00+07:00"


def test_household_hides_another_rms_client(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    sibling = api.client_360("C0004", today=TODAY).household
    assert sibling == [{"relation": "sibling", "managed_by_another_rm": True}]
    assert "C0101" not in str(sibling) and "Dung" not in str(sibling)
    family = api.client_360("C0002", today=TODAY).household
    assert family == [
        {
            "relation": "child",
            "client_id": "C0003",
            "full_name": "Nguyễn Văn Minh",
            "honorific": "Ông",
            "segment": "Platinum",
        }
    ]
    assert api.client_360("C0004", today=TODAY).complaints[0]["status"] == "open"


def test_another_rms_client_looks_like_no_client(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    with pytest.raises(ClientNotFound) as other:
        api.client_360("C0101")
    with pytest.raises(ClientNotFound) as missing:
        api.client_360("C9999")
    assert str(other.value).replace("C0101", "X") == str(missing.value).replace("C9999", "X")


def test_catalog_lists_the_crm_tables_with_their_columns() -> None:
    names = [table.name for table in CrmApi.list_tables()]
    assert "clients" in names and "targets" in names
    assert not [name for name in names if name.startswith("agentify")]
    schema = CrmApi.table_schema("accounts")
    columns = {column.name: column for column in schema.columns}
    assert columns["kind"].allowed_values == ["casa", "savings", "cd", "loan", "card", "investment"]
    assert columns["client_id"].references == "clients.id"
    assert columns["maturity_on"].nullable and not columns["balance_vnd"].nullable
    with pytest.raises(LookupError):
        CrmApi.table_schema("agentify_api_tokens")


# ----- writes -----------------------------------------------------------------------------


def test_interaction_and_tasks_are_written_once_per_key(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    interactions, tasks = _count(bank_db, "interactions"), _count(bank_db, "tasks")
    first = api.create_interaction(_note(), idempotency_key="note-1")
    assert first.interaction is not None and not first.replayed
    assert first.interaction["rm_id"] == "RM001" and first.interaction["amount_vnd"] == 800_000_000
    assert [task["due_on"] for task in first.tasks] == ["2025-10-25", "2025-10-29"]
    assert {task["interaction_id"] for task in first.tasks} == {first.interaction["id"]}

    again = api.create_interaction(_note(), idempotency_key="note-1")
    assert again.replayed
    assert again.interaction == first.interaction and again.tasks == first.tasks
    assert _count(bank_db, "interactions") == interactions + 1
    assert _count(bank_db, "tasks") == tasks + 2


def test_same_key_other_request_is_a_conflict(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    api.create_interaction(_note(), idempotency_key="note-2")
    with pytest.raises(IdempotencyConflict):
        api.create_interaction(_note(amount_vnd=900_000_000), idempotency_key="note-2")


def test_keys_are_per_rm(bank_db: Database) -> None:
    CrmApi(bank_db, "RM001").create_interaction(_note(), idempotency_key="shared")
    written = CrmApi(bank_db, "RM002").create_interaction(_note(client_id="C0101", tasks=[]), idempotency_key="shared")
    assert not written.replayed and written.interaction is not None
    assert written.interaction["client_id"] == "C0101"


def test_concurrent_retries_write_once(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    before = _count(bank_db, "interactions")
    results: list[Any] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            results.append(api.create_interaction(_note(), idempotency_key="race"))
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _count(bank_db, "interactions") == before + 1
    assert len({result.interaction["id"] for result in results}) == 1
    assert sum(not result.replayed for result in results) == 1


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"channel": "pigeon"}, "channel must be one of"),
        ({"sentiment": "ecstatic"}, "sentiment must be one of"),
        ({"occurred_at": "last Tuesday"}, "occurred_at"),
        ({"amount_vnd": -1}, "amount_vnd"),
        ({"topic": ""}, "topic"),
        ({"rm_id": "RM002"}, "rm_id"),  # the RM comes from the sign-in, never from the payload
        ({"tasks": [{"title": "x", "kind": "lunch", "due_on": "2025-10-25"}]}, "kind must be one of"),
        ({"tasks": [{"title": "x", "kind": "call", "due_on": "next week"}]}, "due_on"),
        ({"tasks": [{"title": "x", "kind": "call", "due_on": "2025-10-25", "recurrence": "EVERY MONDAY"}]}, "RRULE"),
        ({"product_code": "NO_SUCH_PRODUCT"}, "not in the catalog"),
    ],
)
def test_invalid_writes_are_rejected_and_nothing_is_written(
    bank_db: Database, overrides: dict[str, Any], fragment: str
) -> None:
    before = (_count(bank_db, "interactions"), _count(bank_db, "tasks"))
    with pytest.raises(WriteRejected, match=fragment):
        CrmApi(bank_db, "RM001").create_interaction(_note(**overrides), idempotency_key="bad")
    assert (_count(bank_db, "interactions"), _count(bank_db, "tasks")) == before


def test_writing_for_another_rms_client_is_refused(bank_db: Database) -> None:
    before = _count(bank_db, "interactions")
    with pytest.raises(ClientNotFound):
        CrmApi(bank_db, "RM001").create_interaction(_note(client_id="C0101"), idempotency_key="other")
    with pytest.raises(ClientNotFound):
        CrmApi(bank_db, "RM001").create_tasks(
            [{"client_id": "C0102", "title": "x", "kind": "call", "due_on": "2025-10-25"}], idempotency_key="t"
        )
    assert _count(bank_db, "interactions") == before
    # A failed write does not burn its key: the corrected request goes through.
    assert CrmApi(bank_db, "RM001").create_interaction(_note(), idempotency_key="other").interaction is not None


def test_create_tasks_standalone_and_recurring(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    tasks = [
        {"client_id": "C0001", "title": "Check loan application", "kind": "review", "due_on": "2025-10-27",
         "recurrence": "RRULE:FREQ=WEEKLY;BYDAY=MO,FR", "until_condition": "loan approved"},
        {"client_id": "C0001", "title": "Send CD options", "kind": "send_document", "due_on": "2025-10-28",
         "interaction_id": "I0001"},
    ]  # fmt: skip
    written = api.create_tasks(tasks, idempotency_key="tasks-1")
    assert [task["recurrence"] for task in written.tasks] == ["FREQ=WEEKLY;BYDAY=MO,FR", None]
    assert written.tasks[1]["interaction_id"] == "I0001"
    assert api.create_tasks(tasks, idempotency_key="tasks-1").replayed
    with pytest.raises(WriteRejected, match="is not about client"):
        api.create_tasks(
            [{"client_id": "C0002", "title": "x", "kind": "call", "due_on": "2025-10-25", "interaction_id": "I0001"}],
            idempotency_key="tasks-2",
        )
    with pytest.raises(WriteRejected, match="client_id is required"):
        api.create_tasks([{"title": "x", "kind": "call", "due_on": "2025-10-25"}], idempotency_key="tasks-3")
    with pytest.raises(WriteRejected, match="idempotency key"):
        api.create_tasks(tasks, idempotency_key="")


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"summary": "nul\x00byte"}, "NUL"),
        ({"amount_vnd": 10**30}, "amount_vnd"),
        ({"client_id": "C" * 65}, "client_id"),
    ],
)
def test_hostile_values_are_validation_errors(bank_db: Database, overrides: dict[str, Any], fragment: str) -> None:
    with pytest.raises(WriteRejected, match=fragment):
        CrmApi(bank_db, "RM001").create_interaction(_note(**overrides), idempotency_key="hostile")


def test_the_longest_key_fits_on_both_backends(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    assert api.create_interaction(_note(), idempotency_key="k" * 128).interaction is not None
    assert api.create_interaction(_note(), idempotency_key="k" * 128).replayed
    with pytest.raises(WriteRejected, match="idempotency key"):
        api.create_interaction(_note(), idempotency_key="k" * 129)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oanh Le emailed asking about fees", ["C0004"]),  # no honorific, Western order
        ("Pham Son came by the branch", ["C0001"]),
        ("gap anh Nguyen Van Mihn hom nay", ["C0002", "C0003"]),  # a typo, and two clients share the name
        ("chị Oanh gọi điện", ["C0004"]),  # honorific + given name
        ("Met Mrs Tran Thi Dung", []),  # RM002's client; "Thị" alone matches nobody
        ("Minh phoned", ["C0002", "C0003"]),  # a bare capitalized given name counts (weakly): two Minhs
        ("minh phoned", []),  # not capitalized: a word, not a name
        ("a Oanh gọi hỏi thẻ", ["C0004"]),  # Zalo shorthand for anh / chị / em / ông / bà
        (
            "hôm nay anh mình muốn vay thêm, chị Oanh gọi báo",
            ["C0004"],
        ),  # "mình" (we) is not "Minh": the accents differ
        ("gặp c Oanh ở Vincom Đồng Khởi", ["C0004"]),  # a capitalized word inside a place name is not a name
        ("Dạ em gặp khách mới ạ. Anh ấy hỏi thẻ", []),  # "ạ" (a polite particle) is not "a" (anh)
        ("o Son goi hoi vay", ["C0001"]),  # ô without diacritics
        ("ở Son Tra gặp khách mới", []),  # "ở" (at) is not "ô", and "Son Tra" is a place
        ("Sơn email hỏi vay sửa nhà 1.5 tỷ", ["C0001"]),  # a given name opening a Vietnamese note
        ("Oanh Zalo'd me about the card", ["C0004"]),  # an app's name after it is not a second name word
        ("Pha Van Son called", ["C0001"]),  # a last letter dropped
        ("gặp chị Oanhh ở chi nhánh", ["C0004"]),  # a last letter doubled
        ("met Mr Sonn Pham", ["C0001"]),
        ("goi c Le Thi Oaanh", ["C0004"]),  # a letter doubled inside
    ],
)
def test_clients_mentioned_in_free_text(bank_db: Database, text: str, expected: list[str]) -> None:
    found = CrmApi(bank_db, "RM001").clients_mentioned(text)
    best = [match.id for match in found if match.score == found[0].score] if found else []
    assert sorted(best) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("em đã đọc lại hồ sơ thì đúng là có chương trình miễn phí", []),  # "thì đúng" is not Thị Dung
        ("gặp chị Trần Thị Dung ở chi nhánh", ["C0101"]),
        ("Binh emailed about the card", ["C0102"]),  # an English client's given name comes first
        ("Hoang called", []),  # Hoàng is his surname: a bare surname is not a name
        ("ông Thắng gọi hỏi vay", []),  # not a fuzzy cousin of the surname Hoàng
        ("Gặp chị Lê Thị Dung Anh tại chi nhánh", []),  # a longer name: someone else
        ("KH: chị Trần Thị Dung\nKênh: Zalo", ["C0101"]),  # the next line's capital does not lengthen the name
        ("Gọi bà Dung. Bà hài lòng với lãi suất", ["C0101"]),  # "hài" (pleased) is not a given name after "Bà"
    ],
)
def test_everyday_words_and_surnames_are_not_names(bank_db: Database, text: str, expected: list[str]) -> None:
    found = CrmApi(bank_db, "RM002").clients_mentioned(text)
    assert sorted(match.id for match in found if match.score == found[0].score) == expected if found else not expected


def test_a_person_who_is_not_a_client_named_first_means_asking(bank_db: Database) -> None:
    """ "a Quang, bà Dung's friend": the note is about Quang, who is not a client; client Dung is only offered."""
    api = CrmApi(bank_db, "RM002")
    asked = resolve_client(api, "a Quang bạn bà Dung giới thiệu qua, gặp ở Starbucks Lê Lợi")
    assert asked.client is None and [match.id for match in asked.candidates] == ["C0101"]
    assert resolve_client(api, "Gặp bà Dung cùng anh Quang con trai bà").client.id == "C0101"  # named after her
    assert resolve_client(api, "gặp bà Dung, a muốn gửi thêm").client.id == "C0101"  # "a muốn": he wants, no name
    assert resolve_client(api, "KH: Bà Trần Thị Dung\nNội dung: gửi 500tr").client.id == "C0101"  # KH: then Bà
    # a person met, named without an honorific, who is no client: "Mr Binh introduced us" is only an aside
    asked = resolve_client(api, "Touched base w/ Long Vo - restaurant owner, Mr Binh introduced us. Wants a 4B loan")
    assert asked.client is None and [match.id for match in asked.candidates] == ["C0102"]
    assert resolve_client(api, "Met Mr Binh at the factory").client.id == "C0102"
    # "Bac Ninh" is a province and "a. Anh muốn" a pronoun: neither is a stranger
    assert resolve_client(api, "Em ve nha may Bac Ninh gap anh Binh a. Anh muon vay 10 ty").client.id == "C0102"
    # a client named first with an honorific, another client's full name later (who referred her): ask, offer both
    asked = resolve_client(api, "Tối nay c Dung nhắn SMS, c muốn mở tài khoản. C kể Hoàng Đức Bình giới thiệu c qua")
    assert asked.client is None and [m.id for m in asked.candidates] == ["C0101", "C0102"]
    # a colleague named in the note is not the client, even when a client has that name
    assert resolve_client(api, "Ghi chu cho Dung (PO): Dung gap anh Long, anh muon mo the").client is None
    assert (
        resolve_client(api, "Note for file (thay Dung, junior RM): Dung called Mr Binh, he wants a loan").client.id
        == "C0102"
    )
    # "… ở Hoàng Đức, bình thường": a comma ends a name, so "Đức, bình" is not Hoàng Đức Bình
    assert resolve_client(api, "c Dung email hoi vay o Hoang Duc, binh thuong").client.id == "C0101"
    # the one who wants the product is someone the client brought along
    note = "Chị Dung dẫn bạn là chị Thảo ghé chi nhánh. Chị Thảo chưa có tài khoản, muốn gửi 600 triệu. Gửi hồ sơ cho chị Thảo."
    assert resolve_client(api, note).client is None
    note = "Gặp bà Dung, con rể bà là anh Khang ngồi cùng. Bà muốn đưa 3 tỏi vào quỹ, anh Khang hỏi kỹ phí."
    assert resolve_client(api, note).client.id == "C0101"  # Khang only asks: Dung wants it


def test_an_honorific_typed_with_other_diacritics_is_another_word(bank_db: Database) -> None:
    """ "có" (has) is not "cô", "chỉ" (only) not "chị": what follows is at most a bare name, not "Ms Oanh"."""
    api = CrmApi(bank_db, "RM001")
    assert api.clients_mentioned("chị Oanh gọi")[0].score == 1.0
    assert api.clients_mentioned("chỉ Oanh gọi")[0].score == 0.5
    assert api.clients_mentioned("có Oanh gọi")[0].score == 0.5


def test_name_search_needs_the_given_name(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    assert api.find_clients(name="Đức") == []  # Hoàng Đức Bình's middle name: a Mr Đức is someone else
    assert [m.id for m in api.find_clients(name="Bình")] == ["C0102"]
    assert [m.id for m in api.find_clients(name="Trần Thị Dung")] == ["C0101"]
    assert api.find_clients(name="Trần Thị Ngọc") == []  # same family and middle name, another person


def test_dictated_and_everyday_names(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    # voice typing drops a final consonant's last letter: "chị Oan" is Oanh, as long as one client fits
    assert [m.id for m in api.find_clients(name="Oan")] == ["C0004"]
    assert api.find_clients(name="Oa") == []  # too short to be sure
    assert resolve_client(api, "Rồi, chị Oan gửi email cho em sáng nay", name="Oan").client.id == "C0004"
    # the client's everyday name with the full one in brackets is no stranger
    assert resolve_client(api, "Lunch w/ Kevin (Pham Van Son) at Takashimaya - card limit").client.id == "C0001"
    assert resolve_client(api, "Lunch w/ Kevin at Takashimaya, Mr Son's friend").client is None


def test_a_client_named_in_full_stays_the_subject(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    note = (
        "Ăn tối với bà Dung, Trần Thị Dung, và con gái là chị Ngân. Hai mẹ con muốn gửi 2 tỷ, "
        "chị Ngân còn hỏi qua bảo hiểm nhưng để sau tính."
    )
    assert resolve_client(api, note).client.id == "C0101"
    # not named in full, the one who wants it as often as she is named is someone else: ask
    note = "Gặp bà Dung và chị Ngân. Chị Ngân muốn gửi 600 triệu."
    assert resolve_client(api, note).client is None


def test_a_name_inside_a_pasted_message_is_whom_it_is_written_to(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    note = '"Hi Khoa! Could I get a card before my trip?" - Mrs Dung whatsapp / -> send form EOD'
    assert resolve_client(api, note).client.id == "C0101"  # Khoa is the RM, not a stranger the note is about
    assert resolve_client(api, "a Khoa bạn bà Dung giới thiệu qua, gặp ở quán").client is None  # outside quotes: ask


def test_referrals_and_people_who_name_themselves_mean_asking(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    # the client introduced someone who is none of this RM's clients: the note is about them
    asked = resolve_client(api, "Bà Dung giới thiệu cho em anh Võ Thành Long, anh muốn vay 2 tỷ")
    assert asked.client is None and [m.id for m in asked.candidates] == ["C0101"]
    # the writer of a pasted message names herself, and only mentions the client who referred her
    note = '"Chào em, chị tên Hương ở Q7, bạn của chị Dung giới thiệu qua. Chị có 2 tỷ" - nhắn zalo'
    assert resolve_client(api, note).client is None
    # a role in brackets is typed in capitals; a name in brackets is the client's everyday name
    assert resolve_client(api, "Gọi a Bình (Kevin) chiều nay, a muốn vay").client.id == "C0102"
    # introduced BY a client: the person named first is the one the note is about ("san" is a Japanese title)
    assert resolve_client(api, "Vo Thanh Long san called, introduced by Dung san. Wants a bond fund.").client is None
    assert resolve_client(api, "Mr Long Vo, referred by Mrs Dung, called about a 2bn loan").client is None
    assert resolve_client(api, "Bà Dung called, referred by a friend of hers, wants a CD").client.id == "C0101"


def test_a_given_name_one_sound_away_is_another_person(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    assert api.find_clients(name="Trần Thị Dũng") != []  # accents aside, the same name
    assert api.find_clients(name="Trần Thị Dương") == []  # Dương is not Dung


def test_a_name_that_goes_on_or_a_person_named_before_a_comma_is_someone_else(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    # "chị Dung Nhi": a two-word given name, not client Trần Thị Dung
    assert resolve_client(api, "chat zalo với chị Dung Nhi, chị muốn mở tài khoản").client is None
    assert api.find_clients(name="Dung Nhi") == []  # in a Vietnamese name the given name is the last word
    # an initial, an acronym or a channel after the name does not carry it on
    assert resolve_client(api, "c Dung SMS: muốn mua bảo hiểm").client.id == "C0101"
    assert resolve_client(api, "Client: Bà Dung J. | Discussed: CD").client.id == "C0101"
    # "Met Ms Thao, Mr Binh's colleague": Thao is named first and is no client; the comma ends her name
    asked = resolve_client(api, "Met Ms Thao, Mr Hoang Duc Binh's colleague, at Starbucks. She wants a card.")
    assert asked.client is None


def test_a_full_name_with_one_slipped_diacritic_is_the_client(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    assert resolve_client(api, "Sáng nay ông Hoàng Đức Bính mời em xuống xưởng, ông muốn vay").client.id == "C0102"
    # two words of the name are not enough for a slip: "Hoàng Bính" alone is nobody
    assert [match.id for match in api.clients_mentioned("gặp ông Hoàng Bính ở xưởng")] == []


def test_a_capitalized_day_or_month_is_not_a_bare_name() -> None:
    text = "Em hứa thứ Hai em sẽ gửi đề xuất, tháng Năm gặp lại, rồi gọi Hai."
    words = [match.group() for match in re.finditer(r"[0-9A-Za-z]+", strip_accents(text))]
    named = sorted(words[index] for index in _bare_name_positions(text))
    assert named == ["Hai"]  # "gọi Hai" only; "thứ Hai" and "tháng Năm" are a day and a month
    assert words.index("Hai") not in _bare_name_positions(text)


def test_a_product_the_rm_introduced_is_no_referral(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    note = "11h gặp c Oanh ở Cộng Cà Phê. E giới thiệu Premier Invest, c nghe xong thích lắm."
    assert resolve_client(api, note).client.id == "C0004"
    assert api.someone_introduced("Anh Sơn giới thiệu cho em anh Võ Thành Long, anh Long muốn vay") == "Võ Thành Long"


def test_an_apps_name_after_a_full_name_does_not_lengthen_it(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    assert resolve_client(api, "c Lê Thị Oanh WhatsApp'd me about her card limit").client.id == "C0004"


def test_a_capitalized_name_after_a_title_with_one_tone_slipped(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    assert resolve_client(api, "KH: ông Bính\nND: ông muốn vay vốn lưu động 5 tỷ").client.id == "C0102"
    # another letter is another name: "ông Bành" is not Bình
    assert resolve_client(api, "KH: ông Bành\nND: ông muốn vay").client is None


def test_a_colleague_named_with_a_department_is_not_the_subject(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    note = "Sáng nay tôi cùng anh Tú phòng tín dụng xuống gặp bà Trần Thị Dung tại cửa hàng. Bà muốn vay 2 tỷ."
    assert resolve_client(api, note).client.id == "C0101"
    # a bracket that names no role is not a colleague: "Mr Tung (referral từ Mr Binh)" is someone else, so ask
    asked = resolve_client(api, "coffee w Mr Tung (referral tu Mr Binh) at The Workshop, anh muon gui 1 ty")
    assert asked.client is None


def test_places_and_products_with_a_capital_are_not_people(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM002")
    note = '"I want to renew the line early, orders from Korea are strong." - Mr Binh, nhà máy sáng nay'
    assert resolve_client(api, note).client.id == "C0102"
    note = '"Hi Khoa! Could I get a Visa Platinum before my trip?" - bà Dung nhắn'
    assert resolve_client(api, note).client.id == "C0101"


def test_the_clients_household_and_a_loosely_typed_name_with_the_full_one(bank_db: Database) -> None:
    api = CrmApi(bank_db, "RM001")
    note = (
        "Sáng nay gặp chị Oanh và chồng chị là anh Khánh ở Highlands. Anh Khánh muốn vay thêm, anh Khánh tính lại "
        "thu nhập, anh Khánh chốt vay 2,5 tỷ. Em gửi bảng tính trong ngày."
    )
    assert resolve_client(api, note).client.id == "C0004"  # the husband is the client's household
    note = "Gặp Mr Sonn (Pham Van Son, anh kiến trúc sư) chiều nay, anh muốn vay 1 tỷ 2."
    assert resolve_client(api, note).client.id == "C0001"


def test_a_name_spelt_as_it_sounds_with_one_word_exact(bank_db: Database) -> None:
    """Voice apps and English speakers spell names by sound: "Son Fam" is Pham Van Son, "Oan Lê" is Lê Thị Oanh."""
    api = CrmApi(bank_db, "RM001")
    assert resolve_client(api, "met Mr Son Fam at Highlands, he wants a 2 billion CD").client.id == "C0001"
    assert resolve_client(api, "vừa gọi cho chị Oan Lê về thẻ visa").client.id == "C0004"
    assert resolve_client(api, "gọi chị Oan về thẻ").client is None  # one word heard, none written: ask
    api = CrmApi(bank_db, "RM002")
    assert resolve_client(api, "call with Mr Bin Hoang about the working capital line").client.id == "C0102"


def test_what_the_text_says_of_a_client_tells_two_of_the_same_name_apart(bank_db: Database) -> None:
    crm = CrmApi(bank_db, "RM001")
    # Two Nguyễn Văn Minh: the one in Hải Phòng is the one the RM describes.
    assert resolve_client(crm, "anh Minh ở Hải Phòng dạo này sao rồi").client is not None
    assert resolve_client(crm, "anh Minh ở Hải Phòng dạo này sao rồi").client.id == "C0003"  # type: ignore[union-attr]
    assert resolve_client(crm, "anh Minh dạo này sao rồi").client is None  # nothing tells them apart: ask
    # A word or two only one client's occupation has weighs more than a city two clients share.
    described = crm.clients_described("the architect from Hà Nội")
    assert [match.id for match in described] == ["C0001", "C0004"] and described[0].score > described[1].score


def test_a_typo_corrected_in_the_text_and_a_teacher_typed_without_accents(bank_db: Database) -> None:
    crm = CrmApi(bank_db, "RM001")
    # "Oanh" mistyped then corrected: the client, not someone else named first.
    corrected = resolve_client(crm, "chị Onah nhắn hỏi, sr e gõ nhầm, Oanh* (Lê Thị Oanh) nha")
    assert corrected.client is not None and corrected.client.id == "C0004"
    # "thay Son" is "thầy Sơn" when the client teaches; otherwise "thay" is "on behalf of" a colleague.
    with bank_db.engine.begin() as connection:
        connection.execute(update(Client).where(Client.id == "C0001").values(occupation="Giáo viên"))
    taught = resolve_client(crm, "thay Son goi hoi lai suat").client
    assert taught is not None and taught.id == "C0001"


def test_an_english_title_before_a_family_name_names_those_of_its_gender(bank_db: Database) -> None:
    """ "Mrs. Le", "Mr Pham": a family name with an English title; "Ms. Nguyen" is none of the RM's two Mr Nguyens."""
    api = CrmApi(bank_db, "RM001")
    assert resolve_client(api, "Mrs. Le is waiting at the branch about her card").client.id == "C0004"
    assert resolve_client(api, "Mr Pham called about his CD").client.id == "C0001"
    both = resolve_client(api, "Mr Nguyen wants to top up his account")
    assert both.client is None and sorted(match.id for match in both.candidates) == ["C0002", "C0003"]
    nobody = resolve_client(api, "Ms. Nguyen asked about rates", name="Nguyen")
    assert nobody.client is None and not {"C0002", "C0003"} & {match.id for match in nobody.candidates}
    assert resolve_client(api, "Mr Son called about his CD").client.id == "C0001"  # Son is a given name: as before
