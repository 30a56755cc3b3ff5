"""How far two people agree: a second annotator's labels scored as if they were the engine's output.

A blind set's expected values are one writer's reading of each note. Before a target such as
"exact_case_rate >= 0.9" means anything, it helps to know how often a second careful reader,
following the same conventions, lands on exactly the same values. This module scores those
labels with the suite's own ``score`` and ``metrics``, so the figure is the same measure the
engine gets: the engine's score can then be read against the human ceiling.

Labels file: one JSON object a line, ``{"id": "<case id>", "expected": {...}}`` (extra keys
ignored). Cases without a label count as not labelled and are left out; labels for unknown ids
are an error.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.runner import CannotRun, Case, CaseOutcome, Suite

logger = logging.getLogger(__name__)


class LabelsFileError(CannotRun):
    """The labels file is missing or has a bad line (the message names it)."""


@dataclass(frozen=True)
class Agreement:
    """The second reading scored against the cases, and which cases it covered."""

    metrics: dict[str, Any]
    outcomes: list[CaseOutcome]
    unlabelled: list[str]


def read_labels(path: Path, known_ids: set[str]) -> dict[str, dict[str, Any]]:
    """The second annotator's ``expected`` per case id; a bad line stops with its line number."""
    labels: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise LabelsFileError(f"labels {path}: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise LabelsFileError(f"labels {path} line {number}: not JSON ({error.msg})") from None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise LabelsFileError(f"labels {path} line {number}: expected an object with a string 'id'")
        if not isinstance(data.get("expected"), dict):
            raise LabelsFileError(f"labels {path} line {number}: 'expected' must be an object")
        if data["id"] not in known_ids:
            raise LabelsFileError(f"labels {path} line {number}: no case with id {data['id']!r}")
        if data["id"] in labels:
            raise LabelsFileError(f"labels {path} line {number}: a second label for {data['id']!r}")
        labels[data["id"]] = data["expected"]
    return labels


def agreement(suite: Suite, cases: list[Case], labels: dict[str, dict[str, Any]]) -> Agreement:
    """Each labelled case scored with the label in the engine's place."""
    outcomes: list[CaseOutcome] = []
    unlabelled: list[str] = []
    for case in cases:
        label = labels.get(case.id)
        if label is None:
            unlabelled.append(case.id)
            continue
        output = suite.label_as_output(label)
        scored = suite.score(case, output)
        outcomes.append(CaseOutcome(case=case, output=output, checks=scored.checks, counts=scored.counts))
    if unlabelled:
        logger.info("%d cases have no second label and are left out", len(unlabelled))
    return Agreement(metrics=suite.metrics(outcomes), outcomes=outcomes, unlabelled=unlabelled)
