"""The ``pii`` suite: a text in, the text as it would leave the bank (masked) out.

How a case runs: the case's fixture is loaded like any other (its clients and RMs are the masker's
dictionary of the bank's people, as in the app); the text goes through ``tools.policy.trust.masker_for``,
the same masker every prompt to a non-local model passes through.

``expected``: ``{"pii": [{"type": "phone", "text": "0823912039"}, ...]}`` (types: ``person``, ``phone``,
``email``, ``national_id``, ``account_number``, ``card_number``, ``address``); ``[]`` for a text with none.

Metrics:

- ``pii_recall``: the share of expected strings absent from the masked text (micro over the set), and
  ``recall_by_type``;
- ``over_mask_rate``: the share of the words outside every expected string that the masked text lost
  (words compared as a multiset, so a placeholder never counts and a word kept elsewhere is not lost);
- ``exact_rate``: cases with every string masked and no word over-masked.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from evals.runner import Case, CaseEnv, CaseOutcome, Scored, Suite, rounded
from tools.policy.masking import PII_KINDS
from tools.policy.trust import masker_for

NAME = "pii"
_WORDS = re.compile(r"\w+")


def validate_case(case: Case) -> list[str]:
    problems: list[str] = []
    text = case.input.get("text")
    if not isinstance(text, str) or not text.strip():
        problems.append("input.text must be a non-empty string")
        return problems
    items = case.expected.get("pii")
    if not isinstance(items, list):
        return ['expected needs "pii": a list of {"type", "text"} ([] when the text has none)']
    for number, item in enumerate(items):
        if not isinstance(item, dict) or item.get("type") not in PII_KINDS or not isinstance(item.get("text"), str):
            problems.append(f"expected.pii[{number}] must be {{type: one of {', '.join(PII_KINDS)}, text: string}}")
        elif item["text"] not in text:
            problems.append(f"expected.pii[{number}].text {item['text']!r} does not occur in input.text")
    return problems


def run_case(case: Case, env: CaseEnv) -> dict[str, Any]:
    masker = masker_for(env.database)
    masked = masker.mask(case.input["text"])
    return {"masked": masked, "placeholders": masker.placeholders}


def _outside_words(text: str, secrets: list[str]) -> Counter[str]:
    """The words of ``text`` outside every occurrence of the expected strings."""
    covered = [False] * len(text)
    for secret in secrets:
        for match in re.finditer(re.escape(secret), text):
            covered[match.start() : match.end()] = [True] * (match.end() - match.start())
    return Counter(match.group() for match in _WORDS.finditer(text) if not any(covered[match.start() : match.end()]))


def score(case: Case, output: dict[str, Any] | None) -> Scored:
    items = case.expected["pii"]
    text = case.input["text"]
    masked = (output or {}).get("masked") if output is not None else None
    counts: dict[str, int] = {}
    hidden_all = True
    for item in items:
        hidden = masked is not None and item["text"] not in masked
        hidden_all = hidden_all and hidden
        counts[f"expected_{item['type']}"] = counts.get(f"expected_{item['type']}", 0) + 1
        counts[f"hidden_{item['type']}"] = counts.get(f"hidden_{item['type']}", 0) + int(hidden)
    outside = _outside_words(text, [item["text"] for item in items])
    kept = Counter(_WORDS.findall(masked)) if masked is not None else Counter()
    lost = sum(max(0, count - kept[word]) for word, count in outside.items())
    counts["outside_words"] = sum(outside.values())
    counts["over_masked_words"] = lost
    checks = {"exact": masked is not None and hidden_all and lost == 0}
    return Scored(checks, counts)


def metrics(outcomes: list[CaseOutcome]) -> dict[str, Any]:
    total = Counter[str]()
    for outcome in outcomes:
        total.update(outcome.counts)
    expected = sum(total[f"expected_{kind}"] for kind in PII_KINDS)
    hidden = sum(total[f"hidden_{kind}"] for kind in PII_KINDS)
    by_type = {
        kind: rounded(total[f"hidden_{kind}"] / total[f"expected_{kind}"])
        for kind in PII_KINDS
        if total[f"expected_{kind}"]
    }
    exact = sum(1 for outcome in outcomes if outcome.checks.get("exact"))
    return {
        "pii_recall": rounded(hidden / expected) if expected else None,
        "over_mask_rate": rounded(total["over_masked_words"] / total["outside_words"])
        if total["outside_words"]
        else 0.0,
        "exact_rate": rounded(exact / len(outcomes)) if outcomes else None,
        "recall_by_type": by_type,
        "n": {"pii_expected": expected, "outside_words": total["outside_words"], "cases": len(outcomes)},
    }


SUITE = Suite(
    name=NAME,
    needs_indexes=False,
    run_case=run_case,
    score=score,
    metrics=metrics,
    validate_case=validate_case,
    needs_rm=False,
)
