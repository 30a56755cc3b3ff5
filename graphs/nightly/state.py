"""What the nightly catch-up graph carries: the scan, the current wave, and the run's counts.

Everything is plain JSON so a killed run resumes from its checkpoint in another
process. Only the events still to draft are kept (``pending`` shrinks wave by
wave), and a wave's drafts live in state only until ``store_drafts`` saves them.
"""

from __future__ import annotations

from typing import Annotated, Any

from typing_extensions import TypedDict

from graphs.turn import TurnOutput
from tools.inbox.nightly import EventTask


def merge_wave(left: list[dict[str, Any]] | None, right: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Per-event results add up; ``None`` empties the list (a new wave, a new run)."""
    if right is None:
        return []
    return [*(left or []), *right]


class NightlyInput(TypedDict, total=False):
    #: The night to scan, ISO ``YYYY-MM-DD`` (bank-local); default: the bank's today.
    date: str


class NightlyState(TurnOutput, total=False):
    date: str
    run_id: str
    scan_date: str
    rm_id: str | None
    #: Events by kind, as the scan found them.
    found: dict[str, int]
    #: Every event key the scan found (drafted now or before): what the night is about.
    event_keys: list[str]
    #: Events whose draft already existed (an earlier run of this night, or an earlier night).
    already_drafted: int
    #: Events still to draft, in urgency order.
    pending: list[dict[str, Any]]
    #: The current wave, with its context.
    wave: list[EventTask]
    #: The drafts of the current wave (``tools.inbox.drafts.NewDraft``), saved by ``store_drafts``.
    wave_drafts: Annotated[list[dict[str, Any]], merge_wave]
    #: Events whose draft failed: {"event_key", "kind", "error"}.
    failures: Annotated[list[dict[str, Any]], merge_wave]
    drafted: int
    #: Drafts by engine ("template" / "model").
    engines: dict[str, int]
    #: Drafts that still carry a compliance flag after enforcement (should be 0).
    flagged: int
    summary: dict[str, Any]
