"""The deterministic demo bank: a realistic, bilingual bank of 200 to 100,000 clients from one seed.

See ``generator`` for how it is built; ``content`` and ``catalog`` hold its words.
"""

from stores.demo_bank.generator import (
    MAX_CLIENTS,
    MIN_CLIENTS,
    DemoBankSummary,
    build_demo_bank,
    demo_bank_fixture,
    generate_demo_bank,
)

__all__ = [
    "MAX_CLIENTS",
    "MIN_CLIENTS",
    "DemoBankSummary",
    "build_demo_bank",
    "demo_bank_fixture",
    "generate_demo_bank",
]
