"""Prompts as data: markdown files in one folder per room or domain, read when a node needs them.

``load_prompt("data_entry/extract")`` reads ``prompts/data_entry/extract.md``. Imports nothing else
of this project. A prompt names what the model sees; no infrastructure ids (RM ids, client ids, URLs)
ever go into one.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.md`` (``name`` may name a folder: ``"performance/sql"``)."""
    folder, _, file = name.rpartition("/")
    root = resources.files(__name__)
    for part in filter(None, folder.split("/")):
        root = root.joinpath(part)
    return root.joinpath(f"{file}.md").read_text(encoding="utf-8")
