"""Every setting the app reads from the environment, in one place: name, default, meaning.

Read at call time, never at import (a test or a CLI flag may change them). The two the bank's
store needs live with the store (``stores.settings``: ``AGENTIFY_DATA_DIR``, ``AGENTIFY_DATABASE_URL``)
and are re-exported here so that this module lists them all.

| variable | default | meaning |
| --- | --- | --- |
| ``AGENTIFY_DATA_DIR`` | ``./data`` | SQLite file, indexes, checkpoints, the local model |
| ``AGENTIFY_DATABASE_URL`` | SQLite in the data folder | or ``postgresql+psycopg://…`` |
| ``AGENTIFY_MODEL`` | ``none`` | ``none``, ``local`` or ``openai:<model>`` |
| ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` | unset | any OpenAI-compatible server; the key may be omitted |
| ``AGENTIFY_OPENAI_STRUCTURED_METHOD`` | ``function_calling`` | or ``json_mode`` / ``json_schema`` |
| ``AGENTIFY_MODEL_DIR`` | ``<data dir>/models`` | the verified local model |
| ``AGENTIFY_LOCAL_MODE`` | ``sidecar`` | the local model as a supervised server process, or ``inprocess`` |
| ``AGENTIFY_LOCAL_SERVER_CMD`` | llama.cpp's server | the sidecar's command (``{model}``, ``{port}``, ``{threads}``) |
| ``AGENTIFY_EMBEDDINGS`` | ``local`` | ``local`` (multilingual-e5-small), ``hash`` (tests) or ``openai:<model>`` |
| ``AGENTIFY_INDEX_DIR`` | ``<data dir>/indexes`` | the FAISS indexes |
| ``AGENTIFY_SMTP_URL``, ``AGENTIFY_SMTP_FROM`` | unset, ``agentify@localhost`` | the outbox's relay and sender |
| ``AGENTIFY_PERSON_TAGGER`` | the shipped model | the masker's person tagger (``.crfsuite``), or ``none`` |
| ``AGENTIFY_MAX_CARD_AMOUNT_VND`` | ``10000000000000`` (10,000 tỷ) | the largest amount a card edit may set |
"""

from __future__ import annotations

import os
from pathlib import Path

from stores.settings import data_dir as data_dir
from stores.settings import database_url as database_url

MODEL = "AGENTIFY_MODEL"
OPENAI_STRUCTURED_METHOD = "AGENTIFY_OPENAI_STRUCTURED_METHOD"
MODEL_DIR = "AGENTIFY_MODEL_DIR"
EMBEDDINGS = "AGENTIFY_EMBEDDINGS"
INDEX_DIR = "AGENTIFY_INDEX_DIR"
SMTP_URL = "AGENTIFY_SMTP_URL"
SMTP_FROM = "AGENTIFY_SMTP_FROM"
MAX_CARD_AMOUNT_VND = "AGENTIFY_MAX_CARD_AMOUNT_VND"
PERSON_TAGGER = "AGENTIFY_PERSON_TAGGER"
#: Far above any one client's deal at this bank, far below a typo of a few extra zeros.
DEFAULT_MAX_CARD_AMOUNT_VND = 10**13


def _read(name: str) -> str:
    return os.environ.get(name, "").strip()


def model_setting() -> str:
    """The chat model setting: ``none`` (deterministic engines), ``local`` or ``openai:<model>``."""
    return _read(MODEL) or "none"


def openai_base_url() -> str | None:
    return _read("OPENAI_BASE_URL") or None


def openai_api_key() -> str | None:
    return _read("OPENAI_API_KEY") or None


def openai_structured_method() -> str:
    return _read(OPENAI_STRUCTURED_METHOD) or "function_calling"


def local_mode() -> str:
    """``sidecar`` (default: a crash of llama.cpp ends only its server) or ``inprocess``."""
    mode = _read("AGENTIFY_LOCAL_MODE") or "sidecar"
    if mode not in ("sidecar", "inprocess"):
        raise ValueError(f"AGENTIFY_LOCAL_MODE={mode!r}: expected 'sidecar' or 'inprocess'")
    return mode


def local_server_command() -> str | None:
    return _read("AGENTIFY_LOCAL_SERVER_CMD") or None


def person_tagger(shipped: Path) -> Path | None:
    """The person tagger's model file (``shipped`` unless set), or None for ``none``: the masker's rules alone."""
    configured = _read(PERSON_TAGGER)
    if configured.lower() == "none":
        return None
    return Path(configured).expanduser() if configured else shipped


def model_dir() -> Path:
    """The cache folder for the joined local model file."""
    configured = _read(MODEL_DIR)
    return Path(configured).expanduser() if configured else data_dir() / "models"


def embeddings_setting() -> str:
    return _read(EMBEDDINGS) or "local"


def index_dir() -> Path:
    """Where the FAISS indexes live (created on first use)."""
    configured = _read(INDEX_DIR)
    return Path(configured).expanduser() if configured else data_dir() / "indexes"


def smtp_url() -> str | None:
    return _read(SMTP_URL) or None


def smtp_from() -> str | None:
    return _read(SMTP_FROM) or None


def max_card_amount_vnd() -> int:
    """The largest amount an edit of the confirmation card may set (a larger one is refused as a typo)."""
    configured = _read(MAX_CARD_AMOUNT_VND)
    if not configured:
        return DEFAULT_MAX_CARD_AMOUNT_VND
    try:
        value = int(configured.replace("_", ""))
    except ValueError as error:
        raise ValueError(f"{MAX_CARD_AMOUNT_VND} must be a whole number of VND, got {configured!r}") from error
    if value <= 0:
        raise ValueError(f"{MAX_CARD_AMOUNT_VND} must be positive, got {value}")
    return value


def reporting_composer() -> bool:
    """Performance questions are read by the composer (measure × filters × shape, every word accounted for) before
    the fixed metrics; ``AGENTIFY_REPORTING_COMPOSER=off`` leaves them to the fixed metrics alone (an A/B switch)."""
    return _read("AGENTIFY_REPORTING_COMPOSER").lower() not in ("0", "off", "false", "no")
