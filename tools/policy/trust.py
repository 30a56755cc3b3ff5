"""The trust layer: what stands between the bank's data and a model outside the bank.

``masker_for`` gives a request its ``Masker``, whose dictionary is the bank's own people (every client and
RM name), so a client named in any form is masked even where the lexicons would not know the name.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from stores.db import Database
from stores.schema import Client, Rm
from tools.policy.masking import Masker, NameBook

logger = logging.getLogger(__name__)


def bank_people(database: Database) -> NameBook:
    """Every client's and RM's name, folded for matching."""
    with database.engine.connect() as connection:
        names = list(connection.execute(select(Client.full_name)).scalars())
        names += list(connection.execute(select(Rm.full_name)).scalars())
    return NameBook.of(name for name in names if name)


def masker_for(database: Database) -> Masker:
    """A fresh masker for one request: placeholders shared across its prompts, restorable in its answers."""
    return Masker(bank_people(database))
