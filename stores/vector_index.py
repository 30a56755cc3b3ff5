"""FAISS vector indexes on disk, addressed by string ids; and a disk cache of vectors by key.

Nothing here knows what the vectors mean or which model made them: callers
pass a ``model_id`` that is stored and checked, and the vectors themselves.

**Index type: exact inner product (``IndexIDMap2`` over ``IndexFlatIP``).**
Chosen from ``bench/retrieval.py`` (2 cores, 384 dimensions, synthetic
profiles built from real fact vectors). Every client search is restricted to
one RM's book (hundreds to a few thousand clients), and with an id selector a
flat index computes exactly those distances: recall 1.0, p95 0.5 ms at
100,000 profiles and 7 ms at 1,000,000 (a 2,000-client book). Under the same
selector the approximate indexes lose what they gain: HNSW (M=32,
efConstruction=40) reached recall@20 0.60 at efSearch 64 and 0.95 at 512 over
100,000 profiles, 0.14 and 0.52 over 1,000,000; IVF-Flat 0.78 at nprobe 32 and
0.94 at nprobe 256 over 1,000,000. Unrestricted they are much faster than flat
(IVF nprobe 32: recall 0.95 in 0.8 ms p95 at 1,000,000, flat 71 ms), but
nothing here searches the whole bank, HNSW took 138 s to build 1,000,000
vectors and cannot remove ids, and IVF needs training (91 s) and retraining
as the data drifts. The product and policy indexes hold tens of entries,
where flat is the only sensible choice.

**Files.** A folder holds ``meta.json`` (model id, dimension, index type,
build time, version, caller's extras) and, per version,
``index-<version>.faiss`` and ``entries-<version>.json`` (string id, FAISS
label, content hash, optional payload). Saving writes the new version's
files first and replaces ``meta.json`` last (write a temporary file, then
``os.replace``): a reader sees the old version or the new one, never half of
each. Older versions are deleted after the switch.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

INDEX_TYPE = "IDMap2,Flat,IP"
META_FILE = "meta.json"
FORMAT_VERSION = 1


class IndexMissing(FileNotFoundError):
    """No index has been saved in the folder."""


@dataclass
class IndexMeta:
    model_id: str
    dim: int
    index_type: str = INDEX_TYPE
    built_at: str = ""
    version: str = ""
    count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "model_id": self.model_id,
            "dim": self.dim,
            "index_type": self.index_type,
            "built_at": self.built_at,
            "version": self.version,
            "count": self.count,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexMeta:
        return cls(
            model_id=str(data["model_id"]),
            dim=int(data["dim"]),
            index_type=str(data.get("index_type", INDEX_TYPE)),
            built_at=str(data.get("built_at", "")),
            version=str(data.get("version", "")),
            count=int(data.get("count", 0)),
            extra=dict(data.get("extra") or {}),
        )


def _faiss() -> Any:
    """FAISS, imported on first use (its stubs do not know the numpy-friendly wrappers we call)."""
    import faiss

    return faiss


def read_meta(folder: Path) -> IndexMeta | None:
    """The metadata of the index saved in ``folder``, or None when there is none."""
    try:
        return IndexMeta.from_json(json.loads((folder / META_FILE).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def _as_matrix(vectors: np.ndarray, dim: int) -> np.ndarray:
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    if matrix.shape[1] != dim:
        raise ValueError(f"vectors have dimension {matrix.shape[1]}, the index has {dim}")
    return matrix


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; other readers expect an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_version(folder: Path) -> tuple[IndexMeta, np.ndarray, dict[str, Any]]:
    """The current version's metadata, index bytes and entries; retried when a save replaced it meanwhile."""
    for _ in range(3):
        meta = read_meta(folder)
        if meta is None:
            raise IndexMissing(f"no index in {folder}")
        try:
            raw = np.fromfile(folder / f"index-{meta.version}.faiss", dtype=np.uint8)
            body = json.loads((folder / f"entries-{meta.version}.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        return meta, raw, body
    raise IndexMissing(f"the index in {folder} keeps changing or is incomplete; rebuild it")


class VectorIndex:
    """Unit vectors under string ids, searched by inner product (a cosine for unit vectors).

    ``hashes`` keep a caller's content hash per id, so an incremental update
    can tell which entries changed; ``payloads`` keep small JSON objects
    (a chunk's title and text) that come back with the search results.
    Not thread-safe for writes; searches may run concurrently with each other.
    """

    def __init__(self, *, dim: int, model_id: str, extra: dict[str, Any] | None = None):
        faiss = _faiss()
        self.meta = IndexMeta(model_id=model_id, dim=dim, extra=dict(extra or {}))
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._label_of: dict[str, int] = {}
        self._id_of: dict[int, str] = {}
        self._next_label = 0
        self.hashes: dict[str, str] = {}
        self.payloads: dict[str, Any] = {}

    # ----- contents ------------------------------------------------------------------------------------------

    @property
    def dim(self) -> int:
        return self.meta.dim

    @property
    def model_id(self) -> str:
        return self.meta.model_id

    def __len__(self) -> int:
        return len(self._label_of)

    def __contains__(self, item: object) -> bool:
        return item in self._label_of

    def ids(self) -> list[str]:
        return sorted(self._label_of)

    def vector(self, item: str) -> np.ndarray:
        return np.asarray(self._index.reconstruct(self._label_of[item]), dtype=np.float32)

    def upsert(
        self,
        ids: Sequence[str],
        vectors: np.ndarray,
        *,
        hashes: Sequence[str] | None = None,
        payloads: Sequence[Any] | None = None,
    ) -> None:
        """Add or replace entries (one batch: replaced entries are removed in one pass first)."""
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate ids in one upsert")
        matrix = _as_matrix(vectors, self.dim)
        if matrix.shape[0] != len(ids):
            raise ValueError(f"{len(ids)} ids but {matrix.shape[0]} vectors")
        if not ids:
            return
        self.remove([item for item in ids if item in self._label_of])
        labels = np.arange(self._next_label, self._next_label + len(ids), dtype=np.int64)
        self._next_label += len(ids)
        self._index.add_with_ids(matrix, labels)
        for position, item in enumerate(ids):
            label = int(labels[position])
            self._label_of[item] = label
            self._id_of[label] = item
            if hashes is not None:
                self.hashes[item] = hashes[position]
            if payloads is not None:
                self.payloads[item] = payloads[position]

    def remove(self, ids: Iterable[str]) -> int:
        """Remove entries; unknown ids are ignored. Returns how many were removed."""
        labels = [self._label_of.pop(item) for item in ids if item in self._label_of]
        if not labels:
            return 0
        removed = int(self._index.remove_ids(np.asarray(labels, dtype=np.int64)))
        for label in labels:
            item = self._id_of.pop(label)
            self.hashes.pop(item, None)
            self.payloads.pop(item, None)
        return removed

    # ----- search ------------------------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int, *, allowed: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest entries as (id, score), best first; with ``allowed``, only among those ids.

        The restriction is applied inside FAISS (an id selector), so the top k
        is the top k of the allowed set, not a filtered global top k.
        """
        faiss = _faiss()
        if k <= 0:
            return []
        query = _as_matrix(vector, self.dim)
        params = None
        limit = len(self._label_of)
        permitted: set[str] | None = None
        if allowed is not None:
            permitted = set(allowed)
            labels = np.asarray(sorted(self._label_of[item] for item in permitted if item in self._label_of))
            if labels.size == 0:
                return []
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(labels.astype(np.int64)))
            limit = int(labels.size)
        wanted = min(k, limit)
        if wanted == 0:
            return []
        scores, found = self._index.search(query, wanted, params=params)
        results: list[tuple[str, float]] = []
        for score, label in zip(scores[0], found[0], strict=True):
            item = self._id_of.get(int(label))
            if item is None or (permitted is not None and item not in permitted):
                continue  # -1 (fewer hits than asked) or, defensively, anything outside the allowed set
            results.append((item, float(score)))
        return results

    # ----- persistence ---------------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write this index as a new version of ``folder``, switching readers over atomically."""
        faiss = _faiss()
        folder.mkdir(parents=True, exist_ok=True)
        version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.meta.version = version
        self.meta.built_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.meta.count = len(self)
        entries = [
            [item, label, self.hashes.get(item), self.payloads.get(item)]
            for item, label in sorted(self._label_of.items(), key=lambda pair: pair[1])
        ]
        body = {"next_label": self._next_label, "entries": entries}
        _write_atomic(folder / f"entries-{version}.json", json.dumps(body, ensure_ascii=False).encode("utf-8"))
        _write_atomic(folder / f"index-{version}.faiss", faiss.serialize_index(self._index).tobytes())
        _write_atomic(folder / META_FILE, json.dumps(self.meta.to_json(), ensure_ascii=False, indent=1).encode())
        for stale in folder.iterdir():
            if stale.name.startswith(("index-", "entries-")) and version not in stale.name:
                stale.unlink(missing_ok=True)
        logger.info("saved %s: %s entries (%s)", folder, len(self), self.model_id)

    @classmethod
    def load(cls, folder: Path) -> VectorIndex:
        """The index saved in ``folder`` (``IndexMissing`` when there is none)."""
        meta, raw, body = _read_version(folder)
        loaded = cls.__new__(cls)
        loaded.meta = meta
        loaded._index = _faiss().deserialize_index(raw)
        loaded._label_of = {}
        loaded._id_of = {}
        loaded.hashes = {}
        loaded.payloads = {}
        loaded._next_label = int(body["next_label"])
        for item, label, content_hash, payload in body["entries"]:
            loaded._label_of[item] = int(label)
            loaded._id_of[int(label)] = item
            if content_hash is not None:
                loaded.hashes[item] = content_hash
            if payload is not None:
                loaded.payloads[item] = payload
        if loaded._index.ntotal != len(loaded._label_of) or loaded._index.d != meta.dim:
            raise IndexMissing(f"the index in {folder} does not match its entries; rebuild it")
        return loaded


class VectorCache:
    """Vectors by string key in one ``.npz`` file: the embeddings of fact sentences, computed once.

    Loaded on first use; ``save`` rewrites the file atomically, and only when
    something was added. Thread-safe.
    """

    def __init__(self, path: Path):
        self.path = path
        self._vectors: dict[str, np.ndarray] | None = None
        self._dirty = False
        self._lock = threading.Lock()

    def _loaded(self) -> dict[str, np.ndarray]:
        if self._vectors is None:
            self._vectors = {}
            if self.path.exists():
                try:
                    with np.load(self.path, allow_pickle=False) as data:
                        for key, row in zip(data["keys"].tolist(), data["vectors"], strict=True):
                            self._vectors[str(key)] = np.asarray(row, dtype=np.float32)
                except (OSError, ValueError, KeyError) as error:
                    logger.warning("ignoring the unreadable vector cache %s: %s", self.path, error)
                    self._vectors = {}
        return self._vectors

    def __len__(self) -> int:
        with self._lock:
            return len(self._loaded())

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        with self._lock:
            vectors = self._loaded()
            return {key: vectors[key] for key in keys if key in vectors}

    def put_many(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        with self._lock:
            stored = self._loaded()
            for key, row in zip(keys, np.asarray(vectors, dtype=np.float32), strict=True):
                stored[key] = row
            self._dirty = self._dirty or bool(keys)

    def save(self) -> None:
        import io

        with self._lock:
            if not self._dirty or self._vectors is None:
                return
            keys = sorted(self._vectors)
            buffer = io.BytesIO()
            matrix = np.vstack([self._vectors[key] for key in keys]) if keys else np.zeros((0, 0), np.float32)
            np.savez(buffer, keys=np.asarray(keys, dtype=str), vectors=matrix)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.path, buffer.getvalue())
            self._dirty = False
