"""What every ``agentify`` command shares: exit codes, output lines, argument types."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

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
