"""Prompts as data: markdown files beside this module, read when a node needs them.

Imports nothing else of this project. A prompt names what the model sees; no
infrastructure ids (RM ids, client ids, URLs) ever go into one.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.md``."""
    return resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8")
