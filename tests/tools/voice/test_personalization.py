"""The stored personalization of one RM (both backends): tone versions, rules by scope, bank policy, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from stores.db import Database
from stores.fixtures import load_fixture
from stores.personalization import ToneProfileVersion
from stores.schema import table_of
from tools.voice.drafting import DraftRequest, compose_draft
from tools.voice.personalization import Personalization, RuleRefused, rules_applying, rules_by_rm, tones_for
from tools.voice.tone import address

SON = "C0001"  # RM001, Mr, en, email, Diamond
OANH = "C0004"  # RM001, Chị, vi, email, Diamond
OLD_MINH = "C0003"  # RM001, Ông, vi, phone, Platinum
DUNG = "C0101"  # RM002's client


def _sent(message_id: str, rm_id: str, client_id: str, body: str) -> dict[str, Any]:
    return {"id": message_id, "rm_id": rm_id, "client_id": client_id, "sent_at": "2025-09-10T09:00:00+07:00",
            "channel": "email", "subject": None, "body": body}  # fmt: skip


@pytest.fixture
def bank(any_db: Database, small_bank: dict[str, Any]) -> Database:
    """The small bank with a few more sent messages: RM001 formal ("Dear Mr. Son," / Thu Hà), RM002 casual."""
    small_bank["sent_messages"] += [
        _sent("S0002", "RM001", SON, "Dear Mr. Son,\n\nThank you for your time today.\n\n"
              "Please don't hesitate to reach out anytime.\n\nWarm regards,\nThu Hà"),
        _sent("S0003", "RM001", SON, "Dear Mr. Son,\n\nYour deposit matures next week.\n\n"
              "Please don't hesitate to reach out anytime.\n\nWarm regards,\nThu Hà"),
        _sent("S0004", "RM001", "C0002", "Kính gửi anh Minh,\n\nEm gửi anh bảng lãi suất.\n\n"
              "Em luôn sẵn sàng hỗ trợ anh bất cứ lúc nào.\n\nTrân trọng,\nThu Hà"),
        _sent("S0005", "RM001", OANH, "Kính gửi chị Oanh,\n\nEm đã nhận phản ánh của chị.\n\n"
              "Em luôn sẵn sàng hỗ trợ chị bất cứ lúc nào.\n\nTrân trọng,\nThu Hà"),
        _sent("S0102", "RM002", "C0102", "Hi Mr. Binh,\n\nQuick update on your card. Catch you soon!\n\nCheers,\nKhoa"),
    ]  # fmt: skip
    load_fixture(any_db, small_bank)
    return any_db


def _client(database: Database, client_id: str) -> dict[str, Any]:
    from stores.schema import crm_table

    clients = crm_table("clients")
    with database.engine.connect() as connection:
        return dict(connection.execute(select(clients).where(clients.c.id == client_id)).mappings().one())


def _version_count(database: Database, rm_id: str) -> int:
    tones = table_of(ToneProfileVersion)
    with database.engine.connect() as connection:
        return int(connection.execute(select(func.count()).where(tones.c.rm_id == rm_id)).scalar_one())


def test_first_use_learns_from_sent_messages_and_stores_version_1(bank: Database) -> None:
    me = Personalization(bank, "RM001")
    tone = me.tone()
    assert (tone.version, tone.source) == (1, "learned")
    en, vi = tone.languages["en"], tone.languages["vi"]
    assert (en.salutation, en.signoff, en.signature) == ("Dear {title} {given},", "Warm regards,", "Thu Hà")
    assert (vi.salutation, vi.signoff, vi.self_word) == ("Kính gửi {hon} {given},", "Trân trọng,", "em")
    assert me.tone() == tone and _version_count(bank, "RM001") == 1  # read back, not learned again
    (history,) = me.versions()
    assert (history["version"], history["source"], history["learned_from"]) == (1, "learned", 5)
    assert history["created_at"].tzinfo is not None


def test_the_tone_of_one_rm_never_leaks_to_another(bank: Database) -> None:
    mine, theirs = Personalization(bank, "RM001").tone(), Personalization(bank, "RM002").tone()
    assert theirs.rm_id == "RM002"
    assert (theirs.languages["en"].salutation, theirs.languages["en"].signoff) == ("Hi {title} {given},", "Cheers,")
    assert theirs.languages["en"].signature == "Khoa" and "vi" not in theirs.languages
    assert "Thu Hà" not in theirs.model_dump_json() and "Khoa" not in mine.model_dump_json()
    # RM002's draft for RM002's client is in RM002's voice; RM001's voice does not reach it.
    draft = compose_draft(
        DraftRequest(kind="check_in", client=_client(bank, "C0102"), rm_name="Tran Minh Khoa"), theirs
    )
    assert draft.text.startswith("Hi Mr. Bình,") and draft.text.endswith("Cheers,\nKhoa")


def test_relearn_and_tones_for_in_bulk(bank: Database) -> None:
    me = Personalization(bank, "RM001")
    me.tone()
    assert me.relearn().version == 2
    tones = tones_for(bank, ["RM001", "RM002"])
    assert {rm: tone.version for rm, tone in tones.items()} == {"RM001": 2, "RM002": 1}
    assert tones_for(bank, ["RM002"])["RM002"].version == 1  # stored once, read back after
    assert _version_count(bank, "RM002") == 1


def test_save_tone_is_validated_and_versioned(bank: Database) -> None:
    me = Personalization(bank, "RM001")
    tone = me.tone()
    bad = tone.model_copy(deep=True)
    bad.languages["en"].salutation = "Dear {nickname},"
    with pytest.raises(ValueError, match=r"unknown placeholder \{nickname\}"):
        me.save_tone(bad)
    edited = tone.model_copy(deep=True)
    edited.languages["en"].signoff = "Best wishes,"
    saved = me.save_tone(edited)
    assert (saved.version, saved.source) == (2, "edited")
    assert me.tone().languages["en"].signoff == "Best wishes,"
    assert [(v["version"], v["source"]) for v in me.versions()] == [(1, "learned"), (2, "edited")]
    with pytest.raises(PermissionError):
        Personalization(bank, "RM002").save_tone(saved)


def test_learn_from_edit_persists_a_new_version_used_by_the_next_draft(bank: Database) -> None:
    me = Personalization(bank, "RM001")
    son = _client(bank, SON)
    request = DraftRequest(kind="check_in", client=son, rm_name="Nguyễn Thu Hà")
    original = compose_draft(request, me.tone()).text
    edited = original.replace("Dear Mr. Son,", "Hello Son,").replace("Warm regards,", "Best wishes,")
    learned = me.learn_from_edit(client_id=SON, language="en", original=original, edited=edited)
    assert learned is not None and (learned.version, learned.source) == (2, "from_edit")
    assert me.versions()[-1]["source"] == "from_edit"
    # A client the RM never wrote to, in the learned form.
    other = compose_draft(request.model_copy(update={"client": {**son, "full_name": "Le Van Tuan"}}), me.tone())
    assert other.text.startswith("Hello Tuan,") and "Best wishes,\nThu Hà" in other.text
    assert me.learn_from_edit(client_id=SON, language="en", original=edited, edited=edited) is None
    with pytest.raises(LookupError):
        me.learn_from_edit(client_id=DUNG, language="vi", original=original, edited=edited)


def test_rules_per_scope_and_precedence(bank: Database) -> None:
    me = Personalization(bank, "RM001")
    everyone = me.add_rule("always sign off with 'Best regards,'")
    diamond = me.add_rule("always sign off with 'With appreciation,'", scope="segment", scope_value="diamond")
    only_son = me.add_rule("always sign off with 'Talk soon,'", scope="client", scope_value=SON)
    assert diamond["scope_value"] == "Diamond"
    son, oanh, minh = _client(bank, SON), _client(bank, OANH), _client(bank, OLD_MINH)
    assert [r["id"] for r in me.rules_for(son)] == [everyone["id"], diamond["id"], only_son["id"]]
    assert [r["id"] for r in me.rules_for(oanh)] == [everyone["id"], diamond["id"]]
    assert [r["id"] for r in me.rules_for(minh)] == [everyone["id"]]

    def signoff(client: dict[str, Any]) -> str:
        request = DraftRequest(kind="check_in", client=client, rm_name="Nguyễn Thu Hà")
        return compose_draft(request, me.tone(), me.rules_for(client)).signoff

    assert (signoff(son), signoff(oanh), signoff(minh)) == ("Talk soon,", "With appreciation,", "Best regards,")
    bulk = rules_by_rm(bank, ["RM001", "RM002"])
    assert bulk["RM002"] == [] and rules_applying(bulk["RM001"], son) == me.rules_for(son)
    me.remove_rule(only_son["id"])
    assert signoff(son) == "With appreciation,"
    assert [r["id"] for r in me.rules()] == [everyone["id"], diamond["id"]]


def test_rule_scope_and_text_are_checked(bank: Database) -> None:
    me = Personalization(bank, "RM001")
    with pytest.raises(LookupError, match="unknown client id"):
        me.add_rule("keep it short", scope="client", scope_value=DUNG)  # RM002's client
    with pytest.raises(LookupError, match="unknown client id"):
        me.add_rule("keep it short", scope="client", scope_value="C9999")
    with pytest.raises(ValueError, match="unknown segment"):
        me.add_rule("keep it short", scope="segment", scope_value="Bronze")
    with pytest.raises(ValueError, match="unknown rule scope"):
        me.add_rule("keep it short", scope="branch", scope_value="Hà Nội")
    with pytest.raises(ValueError, match="needs some text"):
        me.add_rule("   ")
    theirs = Personalization(bank, "RM002").add_rule("no emoji")
    with pytest.raises(LookupError):
        me.remove_rule(theirs["id"])
    assert me.rules() == [] and len(Personalization(bank, "RM002").rules()) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Always tell clients their returns are guaranteed.",
        "Cam kết lợi nhuận 12%/năm cho khách hàng.",
        "Include the client's full account number in every message.",
    ],
)
def test_a_rule_breaking_bank_policy_is_refused(bank: Database, text: str) -> None:
    me = Personalization(bank, "RM001")
    with pytest.raises(RuleRefused, match="bank policy"):
        me.add_rule(text)
    assert me.rules() == []


def test_the_learned_salutation_fits_a_client_with_another_honorific(bank: Database) -> None:
    tone = Personalization(bank, "RM001").tone()
    dung_like = {"full_name": "Trần Thị Dung", "honorific": "Bà", "language": "vi"}
    assert address(tone.voice("vi"), dung_like, "vi") == "Kính gửi bà Dung,"
    assert address(tone.voice("en"), dung_like, "en") == "Dear Mrs. Dung,"
