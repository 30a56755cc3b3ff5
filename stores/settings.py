"""Where the data lives: read from the environment each time, never at import."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

BANK_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder for the SQLite file, indexes and checkpoints (``AGENTIFY_DATA_DIR``)."""
    configured = os.environ.get("AGENTIFY_DATA_DIR")
    path = Path(configured).expanduser() if configured else PROJECT_ROOT / "data"
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """``AGENTIFY_DATABASE_URL`` or a SQLite file in the data folder."""
    configured = os.environ.get("AGENTIFY_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'agentify.db'}"
