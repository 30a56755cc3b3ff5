"""What every ``agentify`` command shares: exit codes, output lines, argument types."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stores.db import Database

EXIT_OK = 0
EXIT_FAILED = 1
#: The input was refused; the reason is on stderr.
EXIT_REFUSED = 2


def out(text: str) -> None:
    """A line of the command's result, on stdout."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def err(text: str) -> None:
    """A line for the person at the terminal (reasons, notes), on stderr."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def iso_date(text: str) -> dt.date:
    """An argparse type for YYYY-MM-DD dates."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from error


def positive_int(text: str) -> int:
    """An argparse type for counts and sizes: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from error
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def require_rm(database: Database, rm_id: str) -> None:
    """Refuse an RM id the store does not know (``LookupError`` naming it) before a command acts for it."""
    from sqlalchemy import select

    from stores.schema import Rm

    with database.engine.connect() as connection:
        if connection.execute(select(Rm.id).where(Rm.id == rm_id)).first() is None:
            raise LookupError(f"unknown RM {rm_id!r}")
