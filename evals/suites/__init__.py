"""The suite registry, derived from the use cases (``graphs.registry``: each names the suites that measure it).

A suite module exposes ``SUITE`` (an ``evals.runner.Suite``) and is imported only when run. To add one,
write ``evals/suites/<name>.py`` and name it in its use case's registry line; the runner needs no change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from graphs import registry

if TYPE_CHECKING:
    from evals.runner import Suite


class UnknownSuite(LookupError):
    """No suite of that name; the message lists the known ones."""

    def __init__(self, name: str):
        super().__init__(f"unknown suite {name!r} (known: {', '.join(suite_names())})")


def suite_names() -> list[str]:
    return sorted(registry.suites())


def get_suite(name: str) -> Suite:
    """The registered suite called ``name``; ``UnknownSuite`` otherwise."""
    module_name = registry.suites().get(name)
    if module_name is None:
        raise UnknownSuite(name)
    suite: Suite = importlib.import_module(module_name).SUITE
    return suite
