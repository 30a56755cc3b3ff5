"""Shared test drivers: where the project is, and the helpers several test modules use."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
