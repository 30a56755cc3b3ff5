"""The retrieval indexes: products, policies and client profiles, on disk under ``indexes/``.

Where: ``AGENTIFY_INDEX_DIR``, else ``<AGENTIFY_DATA_DIR>/indexes``; one folder
per index (``stores.vector_index`` explains the files), plus ``cache/`` with
the embeddings of every text embedded so far, per model.

Why a client profile vector is a mean of fact vectors and not the embedding of
the whole profile (``bench/retrieval.py``, 2 cores): whole profiles (~95 words)
embed at about 15 a second, so 100,000 clients would take about 112 minutes,
and on a 1,000-client demo bank they found the planted signals worse: mean
precision@20 0.56 for English questions and 0.17 for Vietnamese ones (69 s to
embed), against 0.91 and 0.95 for the weighted mean of bilingual fact vectors
(2.5 s, cold cache). Facts come from a bounded vocabulary (``tools.signals.profiles``):
a 100,000-client bank has about 210 distinct facts, each embedded once in
English and in Vietnamese (the two vectors averaged, so a question in either
language finds it; English-only facts gave 0.91 / 0.51) and cached on disk by
model and text. A cold 100,000-client build took 29 s (essences 14 s,
embedding 5 s, means 4 s, FAISS 0.7 s, documents 4 s), a warm one 18 s. Facts about what is
happening now (idle cash, a maturing deposit or loan, a large inflow, money
leaving, a stopped salary, falling logins, inactivity, a complaint, a
birthday) weigh ``EVENT_WEIGHT`` (3) times as much as who the client is: with
equal weights the signals drowned in segment, age and city (0.49 / 0.55).
Questions are embedded whole: averaging the sentences of an "ideal client"
description found the planted clients less often in every case measured.

How an RM only ever sees their own clients: one global index, and every
search carries an id selector built from the RM's client ids, read from the
database at query time. FAISS then ranks only those vectors, so the top k is
the RM's top k (never a filtered global top k), ownership changes apply at
once without touching the index, and results are checked against the same
set before they leave. An unknown RM is an error; another RM's client ids
never appear, not even as a count.

A missing or outdated index (another embeddings model, an older profile
version) raises ``IndexNotReady`` saying to run ``agentify index build``,
rather than building on demand: a bank-sized build takes minutes and must not
start silently inside a chat request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from langchain_core.embeddings import Embeddings
from sqlalchemy import select
from tqdm import tqdm

from stores.db import Database
from stores.fixtures import reference_date
from stores.schema import Client, Document, Product, Rm
from stores.vector_index import IndexMissing, VectorCache, VectorIndex, read_meta
from tools.core import settings
from tools.core.llm.embeddings import (
    embed_passages,
    embed_query,
    load_embeddings,
    model_id_of,
    normalize,
)
from tools.crm.api import bank_today
from tools.signals.profiles import PROFILE_VERSION, Essence, compute_essences

logger = logging.getLogger(__name__)

PRODUCTS = "products"
POLICIES = "policies"
CLIENTS = "clients"
INDEX_NAMES = (PRODUCTS, POLICIES, CLIENTS)
EMBED_BATCH = 64
VECTOR_CHUNK = 5_000
MAX_CHUNK_CHARS = 1_200
REBUILD_HINT = "run `agentify index build`"

DocumentKind = Literal["policy", "product"]


class IndexNotReady(RuntimeError):
    """The index is missing or was built differently (model, profile version): it must be (re)built."""


@dataclass
class BuildSummary:
    """What ``build_indexes`` wrote and how long each step took (seconds)."""

    root: Path
    today: dt.date
    model_id: str
    clients: int
    products: int
    policy_chunks: int
    distinct_facts: int
    texts_embedded: int
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class UpdateSummary:
    """What ``update_client_index`` changed."""

    upserted: list[str]
    removed: list[str]
    unchanged: int
    texts_embedded: int


@dataclass(frozen=True)
class DocumentHit:
    """A retrieved chunk, with what a citation needs."""

    id: str  # the chunk id (``DOC-POL-COMMS#2``) or the product code
    document_id: str | None
    title: str
    section: str | None
    text: str
    score: float


def index_root() -> Path:
    """``AGENTIFY_INDEX_DIR``, else ``indexes/`` in the data folder (created only when written)."""
    return settings.index_dir()


def default_today(database: Database) -> dt.date:
    """The loaded bank's reference date, else today in the bank's timezone."""
    with database.engine.connect() as connection:
        return reference_date(connection) or bank_today()


# ----- embedding with a cache -----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:80] or "model"


def _cache_for(root: Path, model_id: str) -> VectorCache:
    digest = hashlib.sha256(model_id.encode("utf-8")).hexdigest()[:8]
    return VectorCache(root / "cache" / f"{_slug(model_id)}-{digest}.npz")


def _text_key(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()[:32]


def embed_cached(
    embeddings: Embeddings,
    cache: VectorCache,
    texts: Sequence[str],
    *,
    progress: bool = False,
    desc: str = "embedding",
) -> tuple[np.ndarray, int]:
    """Unit vectors for ``texts`` (rows in order) and how many texts had to be embedded (the rest were cached)."""
    model_id = model_id_of(embeddings)
    keys = [_text_key(model_id, text) for text in texts]
    found = cache.get_many(set(keys))
    missing = list(dict.fromkeys(text for text, key in zip(texts, keys, strict=True) if key not in found))
    if missing:
        bar = tqdm(total=len(missing), desc=desc, unit="text", file=sys.stderr, disable=not progress)
        try:
            for start in range(0, len(missing), EMBED_BATCH):
                batch = missing[start : start + EMBED_BATCH]
                vectors = embed_passages(embeddings, batch)
                batch_keys = [_text_key(model_id, text) for text in batch]
                cache.put_many(batch_keys, vectors)
                found.update(zip(batch_keys, vectors, strict=True))
                bar.update(len(batch))
        finally:
            bar.close()
        cache.save()
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), 0
    return np.vstack([found[key] for key in keys]).astype(np.float32), len(missing)


# ----- client profile vectors -----------------------------------------------------------------------------------


def profile_vectors(
    essences: Sequence[Essence],
    embeddings: Embeddings,
    cache: VectorCache,
    *,
    progress: bool = False,
    timings: dict[str, float] | None = None,
) -> tuple[np.ndarray, int, int]:
    """One unit vector per essence: the weighted mean of its facts' (English + Vietnamese) vectors.

    Returns (vectors, distinct facts, texts embedded). Each distinct fact is
    embedded once (and only when not cached); the means are computed in
    chunks with ``np.add.reduceat``, so 100,000 clients take seconds.
    """
    started = time.perf_counter()
    fact_ids: dict[tuple[str, str], int] = {}
    weights: list[float] = []
    flat: list[int] = []
    lengths: list[int] = []
    for essence in essences:
        for fact in essence.facts:
            key = (fact.text, fact.text_vi)
            position = fact_ids.get(key)
            if position is None:
                position = fact_ids[key] = len(fact_ids)
                weights.append(fact.weight)
            flat.append(position)
        lengths.append(len(essence.facts))
    distinct = list(fact_ids)
    texts = [text for pair in distinct for text in pair]  # en, vi, en, vi, ...
    vectors, embedded = embed_cached(embeddings, cache, texts, progress=progress, desc="fact sentences")
    if timings is not None:
        timings["embedding"] = time.perf_counter() - started
    started = time.perf_counter()
    if not essences:
        return np.zeros((0, vectors.shape[1] if vectors.size else 0), dtype=np.float32), len(distinct), embedded
    pairs = normalize(vectors[0::2] + vectors[1::2]) * np.asarray(weights, dtype=np.float32)[:, None]
    flat_ids = np.asarray(flat, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if min(lengths) == 0:
        raise ValueError("an essence without facts cannot be embedded")
    result = np.zeros((len(essences), pairs.shape[1]), dtype=np.float32)
    bar = tqdm(total=len(essences), desc="client profiles", unit="client", file=sys.stderr, disable=not progress)
    for start in range(0, len(essences), VECTOR_CHUNK):
        end = min(start + VECTOR_CHUNK, len(essences))
        gathered = pairs[flat_ids[offsets[start] : offsets[end]]]
        result[start:end] = np.add.reduceat(gathered, offsets[start:end] - offsets[start], axis=0)
        bar.update(end - start)
    bar.close()
    if timings is not None:
        timings["vectors"] = time.perf_counter() - started
    return normalize(result), len(distinct), embedded


# ----- documents ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chunk:
    id: str
    document_id: str | None
    title: str
    section: str | None
    text: str

    @property
    def embedding_text(self) -> str:
        heading = f"{self.title} — {self.section}" if self.section and self.section != self.title else self.title
        return f"{heading}\n{self.text}"

    def payload(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "title": self.title, "section": self.section, "text": self.text}


_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def chunk_markdown(document_id: str, title: str, body: str, *, max_chars: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """Markdown split at its headings, long sections again at blank lines / list items; ids ``DOC#1``, ``DOC#2``."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match:
            sections.append((match.group(2).strip(), []))
        else:
            sections[-1][1].append(line)
    chunks: list[Chunk] = []
    for heading, lines in sections:
        text = "\n".join(lines).strip()
        if not text:
            continue
        for part in _split_long(text, max_chars):
            chunks.append(
                Chunk(
                    id=f"{document_id}#{len(chunks) + 1}",
                    document_id=document_id,
                    title=title,
                    section=heading,
                    text=part,
                )
            )
    return chunks


def _split_long(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    blocks = [block for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.)\s)", text) if block.strip()]
    parts: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n{block}" if current else block
        if current and len(candidate) > max_chars:
            parts.append(current.strip())
            current = block
        else:
            current = candidate
    if current.strip():
        parts.append(current.strip())
    return parts


def _document_entries(database: Database) -> tuple[list[Chunk], list[Chunk]]:
    """(one entry per active product: name, summary and its sheet; the policy chunks)."""
    with database.engine.connect() as connection:
        products = connection.execute(
            select(Product.code, Product.name, Product.category, Product.summary)
            .where(Product.active.is_(True))
            .order_by(Product.code)
        ).all()
        documents = connection.execute(
            select(Document.id, Document.kind, Document.product_code, Document.title, Document.body).order_by(
                Document.id
            )
        ).all()
    sheets: dict[str, list[Any]] = {}
    for document in documents:
        if document.kind == "product" and document.product_code:
            sheets.setdefault(document.product_code, []).append(document)
    product_entries = []
    for product in products:
        own = sheets.get(product.code, [])
        text = "\n\n".join([f"{product.summary}", *(sheet.body for sheet in own)]).strip()
        product_entries.append(
            Chunk(
                id=product.code,
                document_id=own[0].id if own else None,
                title=product.name,
                section=product.category,
                text=text,
            )
        )
    policy_chunks = [
        chunk
        for document in documents
        if document.kind == "policy"
        for chunk in chunk_markdown(document.id, document.title, document.body)
    ]
    return product_entries, policy_chunks


def _document_index(
    entries: Sequence[Chunk], embeddings: Embeddings, cache: VectorCache, progress: bool, desc: str
) -> tuple[VectorIndex, int]:
    texts = [entry.embedding_text for entry in entries]
    vectors, embedded = embed_cached(embeddings, cache, texts, progress=progress, desc=desc)
    dim = vectors.shape[1] if vectors.size else _dimension(embeddings)
    index = VectorIndex(dim=dim, model_id=model_id_of(embeddings))
    index.upsert(
        [entry.id for entry in entries],
        vectors.reshape(len(entries), dim),
        hashes=[hashlib.sha256(text.encode("utf-8")).hexdigest()[:20] for text in texts],
        payloads=[entry.payload() for entry in entries],
    )
    return index, embedded


def _dimension(embeddings: Embeddings) -> int:
    return int(embed_query(embeddings, "dimension").shape[0])


# ----- building ----------------------------------------------------------------------------------------------------


def build_indexes(
    database: Database,
    *,
    today: dt.date,
    progress: bool = False,
    embeddings: Embeddings | None = None,
    root: Path | None = None,
) -> BuildSummary:
    """Rebuild all three indexes from the bank as of ``today``; each replaces the old one atomically."""
    embeddings = embeddings or load_embeddings()
    root = root or index_root()
    model_id = model_id_of(embeddings)
    cache = _cache_for(root, model_id)
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    step = time.perf_counter()
    essences = list(compute_essences(database, today=today).values())
    seconds["essences"] = time.perf_counter() - step
    vectors, distinct, embedded = profile_vectors(essences, embeddings, cache, progress=progress, timings=seconds)
    step = time.perf_counter()
    dim = vectors.shape[1] if vectors.size else _dimension(embeddings)
    clients = VectorIndex(dim=dim, model_id=model_id, extra=_client_extra(today))
    clients.upsert(
        [essence.client_id for essence in essences],
        vectors.reshape(len(essences), dim),
        hashes=[essence.content_hash for essence in essences],
    )
    seconds["faiss"] = time.perf_counter() - step

    step = time.perf_counter()
    product_entries, policy_chunks = _document_entries(database)
    products, embedded_products = _document_index(product_entries, embeddings, cache, progress, "products")
    policies, embedded_policies = _document_index(policy_chunks, embeddings, cache, progress, "policies")
    seconds["documents"] = time.perf_counter() - step

    step = time.perf_counter()
    clients.save(root / CLIENTS)
    products.save(root / PRODUCTS)
    policies.save(root / POLICIES)
    seconds["save"] = time.perf_counter() - step
    seconds["total"] = time.perf_counter() - started
    _forget_loaded(root)
    summary = BuildSummary(
        root=root,
        today=today,
        model_id=model_id,
        clients=len(clients),
        products=len(products),
        policy_chunks=len(policies),
        distinct_facts=distinct,
        texts_embedded=embedded + embedded_products + embedded_policies,
        seconds=seconds,
    )
    logger.info("indexes built in %s: %s", root, summary)
    return summary


def _client_extra(today: dt.date) -> dict[str, Any]:
    return {"today": today.isoformat(), "profile_version": PROFILE_VERSION}


def _check(name: str, folder: Path, model_id: str) -> None:
    meta = read_meta(folder)
    if meta is None:
        raise IndexNotReady(f"the {name} index has not been built yet: {REBUILD_HINT}")
    if meta.model_id != model_id:
        raise IndexNotReady(
            f"the {name} index was built with the embeddings model {meta.model_id!r}, "
            f"but the configured one is {model_id!r}: {REBUILD_HINT}"
        )
    if name == CLIENTS and meta.extra.get("profile_version") != PROFILE_VERSION:
        raise IndexNotReady(
            f"the {name} index holds profiles of version {meta.extra.get('profile_version')!r}, "
            f"this code writes version {PROFILE_VERSION!r}: {REBUILD_HINT}"
        )


def _load_checked(name: str, folder: Path, model_id: str) -> VectorIndex:
    _check(name, folder, model_id)
    try:
        index = VectorIndex.load(folder)
    except IndexMissing as error:
        raise IndexNotReady(f"{error}: {REBUILD_HINT}") from None
    if index.model_id != model_id:  # rebuilt between the check and the load
        raise IndexNotReady(f"the {name} index changed model while loading: {REBUILD_HINT}")
    return index


def update_client_index(
    database: Database,
    *,
    today: dt.date,
    client_ids: Iterable[str] | None = None,
    embeddings: Embeddings | None = None,
    root: Path | None = None,
) -> UpdateSummary:
    """Bring the client index up to date with the bank as of ``today``, touching only what changed.

    Essences are recomputed (cheap); a client is re-embedded and upserted when
    its essence hash changed or it is new; clients no longer in the bank are
    removed. With ``client_ids``, only those clients are considered and they
    are re-embedded whatever their hash.
    """
    embeddings = embeddings or load_embeddings()
    root = root or index_root()
    model_id = model_id_of(embeddings)
    folder = root / CLIENTS
    index = _load_checked(CLIENTS, folder, model_id)
    wanted = sorted(set(client_ids)) if client_ids is not None else None
    essences = compute_essences(database, today=today, client_ids=wanted)
    if wanted is None:
        changed = [e for e in essences.values() if index.hashes.get(e.client_id) != e.content_hash]
        gone = [client_id for client_id in index.ids() if client_id not in essences]
    else:
        changed = [essences[client_id] for client_id in wanted if client_id in essences]
        gone = [client_id for client_id in wanted if client_id not in essences and client_id in index]
    cache = _cache_for(root, model_id)
    embedded = 0
    if changed:
        vectors, _, embedded = profile_vectors(changed, embeddings, cache)
        index.upsert([e.client_id for e in changed], vectors, hashes=[e.content_hash for e in changed])
    index.remove(gone)
    if changed or gone or index.meta.extra.get("today") != today.isoformat():
        index.meta.extra.update(_client_extra(today))
        index.save(folder)
        _forget_loaded(root)
    summary = UpdateSummary(
        upserted=[e.client_id for e in changed],
        removed=gone,
        unchanged=len(essences) - len(changed),
        texts_embedded=embedded,
    )
    logger.info(
        "client index updated: %s upserted, %s removed, %s unchanged, %s texts embedded",
        len(summary.upserted),
        len(summary.removed),
        summary.unchanged,
        summary.texts_embedded,
    )
    return summary


# ----- searching ------------------------------------------------------------------------------------------------


class Retriever:
    """Searches the indexes in ``root`` with one embeddings model; loaded indexes are kept until rebuilt.

    Thread-safe: loading is serialised, searches run concurrently.
    """

    def __init__(
        self, database: Database | None = None, *, root: Path | None = None, embeddings: Embeddings | None = None
    ):
        self.database = database
        self.root = root or index_root()
        self.embeddings = embeddings or load_embeddings()
        self.model_id = model_id_of(self.embeddings)
        self._loaded: dict[str, VectorIndex] = {}
        self._lock = threading.Lock()

    def index(self, name: str) -> VectorIndex:
        """The current version of an index (reloaded when a build or update replaced it)."""
        folder = self.root / name
        meta = read_meta(folder)
        with self._lock:
            held = self._loaded.get(name)
            if held is not None and meta is not None and held.meta.version == meta.version:
                return held
            index = _load_checked(name, folder, self.model_id)
            self._loaded[name] = index
            return index

    def forget(self) -> None:
        with self._lock:
            self._loaded.clear()

    def rm_client_ids(self, rm_id: str) -> list[str]:
        """The RM's clients, from the bank itself; ``LookupError`` for an unknown RM."""
        if self.database is None:
            raise ValueError("searching clients needs the bank's database")
        with self.database.engine.connect() as connection:
            if connection.execute(select(Rm.id).where(Rm.id == rm_id)).first() is None:
                raise LookupError(f"no relationship manager {rm_id!r}")
            return list(connection.execute(select(Client.id).where(Client.rm_id == rm_id)).scalars())

    def search_clients(self, rm_id: str, text: str, k: int = 10) -> list[tuple[str, float]]:
        """The RM's clients that best match ``text`` (a question or an "ideal client" description), best first."""
        if k <= 0:
            raise ValueError("k must be at least 1")
        index = self.index(CLIENTS)  # a missing index fails before the database is asked anything
        allowed = set(self.rm_client_ids(rm_id))
        if not allowed:
            return []
        hits = index.search(embed_query(self.embeddings, text), k, allowed=allowed)
        return [(client_id, score) for client_id, score in hits if client_id in allowed]

    def search_documents(self, kind: DocumentKind, text: str, k: int = 5) -> list[DocumentHit]:
        """Policy chunks (``kind="policy"``) or products (``kind="product"``) for ``text``, with citation data."""
        names = {"policy": POLICIES, "product": PRODUCTS}
        if kind not in names:
            raise ValueError(f"kind must be 'policy' or 'product', got {kind!r}")
        if k <= 0:
            raise ValueError("k must be at least 1")
        index = self.index(names[kind])
        hits = []
        for entry_id, score in index.search(embed_query(self.embeddings, text), k):
            payload = index.payloads.get(entry_id) or {}
            hits.append(
                DocumentHit(
                    id=entry_id,
                    document_id=payload.get("document_id"),
                    title=str(payload.get("title", entry_id)),
                    section=payload.get("section"),
                    text=str(payload.get("text", "")),
                    score=score,
                )
            )
        return hits


_RETRIEVERS: dict[tuple[int, str, str], Retriever] = {}
_EMBEDDINGS: dict[str, Embeddings] = {}
_RETRIEVERS_LOCK = threading.Lock()


def _shared_retriever(database: Database | None) -> Retriever:
    """One retriever per (bank, index folder, embeddings setting) in this process: model and indexes stay loaded."""
    root = index_root()
    setting = settings.embeddings_setting()
    key = (id(database), str(root), setting)
    with _RETRIEVERS_LOCK:
        retriever = _RETRIEVERS.get(key)
        if retriever is None or retriever.database is not database:
            embeddings = _EMBEDDINGS.get(setting)
            if embeddings is None:
                embeddings = _EMBEDDINGS[setting] = load_embeddings(setting)
            retriever = _RETRIEVERS[key] = Retriever(database, root=root, embeddings=embeddings)
        return retriever


def _forget_loaded(root: Path) -> None:
    with _RETRIEVERS_LOCK:
        for retriever in _RETRIEVERS.values():
            if retriever.root == root:
                retriever.forget()


def search_clients(source: Database | Retriever, rm_id: str, text: str, k: int = 10) -> list[tuple[str, float]]:
    """The signed-in RM's clients best matching ``text``, as (client id, score); only ever the RM's own."""
    retriever = source if isinstance(source, Retriever) else _shared_retriever(source)
    return retriever.search_clients(rm_id, text, k)


def product_entry(code: str, *, retriever: Retriever | None = None) -> DocumentHit | None:
    """A product's own entry in the products index, by its code (a lookup: no query is embedded)."""
    index = (retriever or _shared_retriever(None)).index(PRODUCTS)
    payload = index.payloads.get(code)
    if payload is None:
        return None
    return DocumentHit(id=code, document_id=payload.get("document_id"), title=str(payload.get("title", code)),
                       section=payload.get("section"), text=str(payload.get("text", "")), score=1.0)  # fmt: skip


def search_documents(
    kind: DocumentKind, text: str, k: int = 5, *, retriever: Retriever | None = None
) -> list[DocumentHit]:
    """Policy chunks or products for ``text``, with ids and titles for citations."""
    return (retriever or _shared_retriever(None)).search_documents(kind, text, k)


def documents_or_none(kind: DocumentKind, text: str, k: int = 5) -> list[dict[str, Any]]:
    """Like ``search_documents``, as plain JSON, and nothing (logged) when the index is not built:
    for steps that are better with documents but must not fail without them."""
    try:
        hits = search_documents(kind, text, k)
    except IndexNotReady as error:
        logger.info("no %s index, going on without documents: %s", kind, error)
        return []
    return [{"id": hit.id, "kind": kind, "title": hit.title, "section": hit.section, "text": hit.text,
             "score": round(hit.score, 4)} for hit in hits]  # fmt: skip
