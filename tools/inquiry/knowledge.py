"""The inquiry bot's knowledge base: the bank's product sheets and its contact centre's past resolved conversations.

What a customer may be told: the public product sheets (``documents`` of kind ``product``; the internal policies
are the RMs' rules, not the public's) and the resolutions of past conversations (``stores/demo_bank/data/
transcripts.jsonl`` for the demo bank, or ``AGENTIFY_INQUIRY_TRANSCRIPTS``). Never a client's data: nothing here
reads a client, an account or an RM.

The base is a FAISS index on disk (``<index root>/inquiry_kb``) whose **version** is the hash of every entry's text
and the encoder: ``agentify inquiry build-kb`` rebuilds it, and a base built from other sources or another encoder
reads as not ready (``KnowledgeBaseNotReady``) rather than answering from stale text.

How a message is answered: a product named or found in the sheets → the Q&A engine's lines from the sheets only
(``tools.knowledge.qa`` over a catalog without the policies); otherwise the closest past resolution when it is
close enough (e5 similarity and shared words); otherwise no answer, and the bot escalates.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from sqlalchemy import select

from stores.db import Database
from stores.schema import Document
from stores.vector_index import IndexMissing, VectorIndex, read_meta
from tools.core.language import detect_language
from tools.core.learning import read_jsonl
from tools.core.llm.embeddings import embed_passages, embed_query, load_embeddings, model_id_of
from tools.core.text import fold_words
from tools.knowledge.qa import Catalog, answer_question, load_catalog
from tools.knowledge.retrieval import index_root

logger = logging.getLogger(__name__)

FOLDER = "inquiry_kb"
TRANSCRIPTS_SETTING = "AGENTIFY_INQUIRY_TRANSCRIPTS"
DEFAULT_TRANSCRIPTS = Path(__file__).resolve().parents[2] / "stores" / "demo_bank" / "data" / "transcripts.jsonl"
REBUILD = "agentify inquiry build-kb"
#: How close a past resolution must be: e5 cosine alone, or a lower cosine with words shared with the message.
RESOLUTION_SIMILARITY = 0.88
RESOLUTION_WITH_ONE_WORD = 0.84
RESOLUTION_WITH_TWO_WORDS = 0.78
#: Service words in the other language (folded), so "swallowed" meets "nuốt" and "sao kê" meets "statement".
_OTHER_LANGUAGE: dict[str, tuple[str, ...]] = {
    "swallowed": ("nuot",), "swallow": ("nuot",), "ate": ("nuot",), "stuck": ("nuot", "ket"), "nuot": ("swallowed",),
    "lost": ("mat",), "mat": ("lost",), "stolen": ("mat", "cap"), "lock": ("khoa",), "locked": ("khoa",),
    "blocked": ("khoa",), "khoa": ("lock", "blocked"), "statement": ("sao", "ke"), "statements": ("sao", "ke"),
    "sao": ("statement",), "transfer": ("chuyen",), "chuyen": ("transfer",), "branch": ("chi", "nhanh"),
    "nhanh": ("branch",), "hours": ("gio",), "gio": ("hours",), "abroad": ("nuoc", "ngoai"),
    "ngoai": ("abroad",), "fee": ("phi",), "phi": ("fee",), "card": ("the",), "address": ("dia", "chi"),
    "phone": ("dien", "thoai"), "thoai": ("phone",), "confirmation": ("xac", "nhan"), "nhan": ("confirmation",),
    "fraud": ("gian", "lan", "la"), "replacement": ("cap", "lai"), "replace": ("cap", "lai"),
}  # fmt: skip
_STOP = frozenset(
    """the a an to of and or in on at for my i is it can you we how what do does me your with be this that
    toi em anh chi la co khong ko cua va cho toi minh ban duoc dc the nao gi sao bi da roi nhu""".split()  # noqa: SIM905
)


class KnowledgeBaseNotReady(RuntimeError):
    """The base is missing or was built from other sources or another encoder."""


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str  # "product" (a sheet) or "resolution" (a past conversation)
    language: str
    title: str
    text: str

    def payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "language": self.language, "title": self.title, "text": self.text}


@dataclass
class KbAnswer:
    """What the bot can say, and what it rests on; ``answered`` False: the base does not answer it."""

    answered: bool
    text: str = ""
    sources: list[str] = field(default_factory=list)
    score: float = 0.0


def transcripts_path() -> Path:
    configured = os.environ.get(TRANSCRIPTS_SETTING)
    return Path(configured) if configured else DEFAULT_TRANSCRIPTS


def _resolutions(path: Path) -> list[Entry]:
    entries = []
    for conversation in read_jsonl(path) if path.is_file() else []:
        first = next((turn["text"] for turn in conversation.get("turns", []) if turn["role"] == "customer"), "")
        text = f"{first}\n{conversation['resolution']}"
        entries.append(Entry(id=str(conversation["id"]), kind="resolution", language=str(conversation["language"]),
                             title=str(conversation["title"]), text=text))  # fmt: skip
    return entries


def _sheets(database: Database) -> list[Entry]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(Document.id, Document.title, Document.body).where(Document.kind == "product").order_by(Document.id)
        ).all()
    return [Entry(id=row.id, kind="product", language="en", title=row.title, text=row.body) for row in rows]


def entries_of(database: Database, transcripts: Path | None = None) -> list[Entry]:
    return _sheets(database) + _resolutions(transcripts or transcripts_path())


def version_of(entries: Sequence[Entry], model_id: str) -> str:
    digest = hashlib.sha256(model_id.encode("utf-8"))
    for entry in entries:
        digest.update(json.dumps([entry.id, entry.kind, entry.language, entry.title, entry.text]).encode("utf-8"))
    return digest.hexdigest()[:16]


def build_knowledge_base(
    database: Database, *, root: Path | None = None, embeddings: Embeddings | None = None,
    transcripts: Path | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Embed every entry and write the base (a new version replaces the old one atomically)."""
    embeddings = embeddings or load_embeddings()
    entries = entries_of(database, transcripts)
    model_id = model_id_of(embeddings)
    version = version_of(entries, model_id)
    vectors = embed_passages(embeddings, [f"{entry.title}\n{entry.text}" for entry in entries])
    index = VectorIndex(dim=int(np.asarray(vectors).shape[1]), model_id=model_id, extra={"kb_version": version})
    index.upsert([entry.id for entry in entries], np.asarray(vectors),
                 payloads=[entry.payload() for entry in entries])  # fmt: skip
    folder = (root or index_root()) / FOLDER
    index.save(folder)
    summary = {"version": version, "entries": len(entries), "sheets": sum(e.kind == "product" for e in entries),
               "resolutions": sum(e.kind == "resolution" for e in entries), "folder": str(folder)}  # fmt: skip
    logger.info("inquiry knowledge base %s: %d entries", version, len(entries))
    return summary


class KnowledgeBase:
    """The base on disk with the encoder that built it, checked against the sources it should hold."""

    def __init__(self, database: Database, *, root: Path | None = None, embeddings: Embeddings | None = None):
        self.database = database
        self.embeddings = embeddings or load_embeddings()
        folder = (root or index_root()) / FOLDER
        meta = read_meta(folder)
        expected = version_of(entries_of(database), model_id_of(self.embeddings))
        if meta is None or meta.extra.get("kb_version") != expected:
            raise KnowledgeBaseNotReady(f"the inquiry knowledge base is missing or out of date: {REBUILD}")
        try:
            self.index = VectorIndex.load(folder)
        except IndexMissing as error:
            raise KnowledgeBaseNotReady(f"the inquiry knowledge base is missing: {REBUILD}") from error
        self.version = expected
        self.catalog = _public_catalog(load_catalog(database))
        # How rare each word is among the past conversations: a shared rare word ("atm", "nuốt") says more.
        texts = [set(fold_words(f"{p['title']} {p['text']}")) for p in self.index.payloads.values()
                 if p.get("kind") == "resolution"]  # fmt: skip
        counts: dict[str, int] = {}
        for words in texts:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        self.rarity = {word: math.log((len(texts) + 1) / count) for word, count in counts.items()}

    def answer(self, message: str) -> KbAnswer:
        """The product sheets' own lines for a product question; else the closest past resolution; else none."""
        found = answer_question(self.database, message, catalog=self.catalog)
        if found.status == "answered" and found.products:
            return KbAnswer(True, found.text, found.sources, 1.0)
        language = detect_language(message)
        own = [word for word in fold_words(message) if word not in _STOP and len(word) > 2]
        words = set(own) | {other for word in own for other in _OTHER_LANGUAGE.get(word, ())}
        best: tuple[float, str, dict[str, Any]] | None = None
        for entry_id, score in self.index.search(embed_query(self.embeddings, message), 8):
            payload = self.index.payloads.get(entry_id) or {}
            if payload.get("kind") != "resolution":
                continue
            common = words & set(fold_words(f"{payload['title']} {payload['text']}"))
            shared = len(common)
            close = (score >= RESOLUTION_SIMILARITY or (score >= RESOLUTION_WITH_ONE_WORD and shared >= 1)
                     or (score >= RESOLUTION_WITH_TWO_WORDS and shared >= 2))  # fmt: skip
            if not close:
                continue
            rare = sum(self.rarity.get(word, 0.0) for word in common)
            adjusted = score + (0.01 if payload.get("language") == language else 0.0) + 0.01 * rare
            if best is None or adjusted > best[0]:
                best = (adjusted, entry_id, payload)
        if best is None:
            return KbAnswer(False)
        resolution = str(best[2]["text"]).split("\n", 1)[-1]
        return KbAnswer(True, resolution, [best[1]], round(best[0], 4))


_LOADED: dict[tuple[int, str, str], KnowledgeBase] = {}
_LOADED_LOCK = threading.Lock()


def knowledge_base(database: Database) -> KnowledgeBase:
    """The base for ``database``, loaded once per built version (a chat message reads only the version on disk);
    ``KnowledgeBaseNotReady`` as ``KnowledgeBase``."""
    folder = index_root() / FOLDER
    meta = read_meta(folder)
    key = (id(database), str(folder), meta.version if meta else "")
    with _LOADED_LOCK:
        base = _LOADED.get(key)
        if base is None or base.database is not database:
            base = KnowledgeBase(database)
            _LOADED.clear()  # an older version of the base, or another bank's, is not kept
            _LOADED[key] = base
        return base


def _public_catalog(catalog: Catalog) -> Catalog:
    """The Q&A catalog without the internal policies: a customer reads the product sheets only."""
    return Catalog(sheets={key: sheet for key, sheet in catalog.sheets.items() if sheet.kind == "product"},
                   products=catalog.products)  # fmt: skip
