"""The suite registry: one name per use case, imported only when run.

A suite module exposes ``SUITE`` (an ``evals.runner.Suite``). To add one, write
``evals/suites/<name>.py`` and add its name here; the runner needs no change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evals.runner import Suite

#: Suite name → module holding its ``SUITE``. Later:
#: events, compliance, pii, tone, triage.
REGISTRY: dict[str, str] = {
    "data_entry": "evals.suites.data_entry",
    "performance": "evals.suites.performance",
    "prioritization": "evals.suites.prioritization",
    "next_best_action": "evals.suites.next_best_action",
    "events": "evals.suites.events",
    "tone": "evals.suites.tone",
    "compliance": "evals.suites.compliance",
}


class UnknownSuite(LookupError):
    """No suite of that name; the message lists the known ones."""

    def __init__(self, name: str):
        super().__init__(f"unknown suite {name!r} (known: {', '.join(sorted(REGISTRY))})")


def suite_names() -> list[str]:
    return sorted(REGISTRY)


def get_suite(name: str) -> Suite:
    """The registered suite called ``name``; ``UnknownSuite`` otherwise."""
    module_name = REGISTRY.get(name)
    if module_name is None:
        raise UnknownSuite(name)
    suite: Suite = importlib.import_module(module_name).SUITE
    return suite
