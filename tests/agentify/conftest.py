"""The HTTP fixtures of ``tests/http.py`` (``client``, ``rm1``, ``rm2``) for every test of the app."""

from __future__ import annotations

from tests.http import client, rm1, rm2

__all__ = ["client", "rm1", "rm2"]
