"""Train the person tagger: ``python -m tools.policy.train_name_tagger [SET_DIR ...] [--out M] [--without SET_DIR]``.

A set folder holds ``fixture.json`` (its bank: the people the masker knows) and ``pii.jsonl`` in the ``pii``
suite's form (``../shared/eval-format.md``). By default the tagger learns from the teachers' texts
(``tools/policy/data/pii_train/T*``) and the development sets named in ``DEVELOPMENT_SETS`` (blind sets whose
first run is recorded; never a set that has not had its first run). Every word of a listed person string,
wherever the string occurs, is a name word (B first, I next); the rest O. The same features as at run time
(``name_tagger.word_features``), L-BFGS with L1 and L2 penalties: deterministic for the same data.

A held-out check, with the ``pii`` suite itself::

    python -m tools.policy.train_name_tagger --without evals/datasets/pii_blind3 --out /tmp/held_out.crfsuite
    AGENTIFY_PERSON_TAGGER=/tmp/held_out.crfsuite python -m evals run pii --cases … --fixture …
    AGENTIFY_PERSON_TAGGER=none python -m evals run pii --cases … --fixture …    # the rules alone
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.policy import masking
from tools.policy.name_tagger import MODEL_PATH, rule_tags, word_features

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
TEACHERS = Path(__file__).parent / "data" / "pii_train"
DEVELOPMENT_SETS = (
    "evals/datasets/pii_blind",
    "evals/datasets/pii_blind2",
    "evals/datasets/pii_blind3",
    "evals/datasets/pii_blind4",
    "evals/datasets/pii_blind5",
    "evals/datasets/pii_blind6",
)
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}


@dataclass(frozen=True)
class Text:
    text: str
    people: tuple[str, ...]
    book: masking.NameBook
    expected: tuple[dict[str, str], ...]


def read_set(folder: Path) -> list[Text]:
    """Every text of a writer's folder (or of each writer folder inside it), with its bank's people."""
    if not (folder / "pii.jsonl").exists():
        return [text for child in sorted(folder.iterdir()) if child.is_dir() for text in read_set(child)]
    fixture = json.loads((folder / "fixture.json").read_text(encoding="utf-8"))
    names = [row["full_name"] for table in ("clients", "rms") for row in fixture.get(table, []) if row.get("full_name")]
    book = masking.NameBook.of(names)
    texts = []
    for line in (folder / "pii.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            case = json.loads(line)
            items = tuple(case["expected"]["pii"])
            people = tuple(item["text"] for item in items if item["type"] == "person")
            texts.append(Text(case["input"]["text"], people, book, items))
    return texts


def labels(text: str, people: tuple[str, ...], words: list[Any]) -> list[str]:
    """B/I for the words of every occurrence of a listed name (longest names first), O for the rest."""
    owner: list[int | None] = [None] * len(text)
    for name in sorted(people, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            if all(slot is None for slot in owner[match.start() : match.end()]):
                owner[match.start() : match.end()] = [match.start()] * (match.end() - match.start())
    tags: list[str] = []
    previous: int | None = None
    for word in words:
        current = owner[word.start]
        tags.append("O" if current is None else ("I" if current == previous else "B"))
        previous = current
    return tags


def training_rows(item: Text) -> tuple[list[dict[str, Any]], list[str]]:
    rules = masking.find_pii(item.text, item.book, learned=False)
    names = [(span.start, span.end) for span in rules if span.kind == "person"]
    others = [(span.start, span.end) for span in rules if span.kind != "person"]
    words = masking._tokens(item.text)
    return word_features(item.text, words, item.book, rule_tags(words, names, others)), labels(
        item.text, item.people, words
    )


def train(texts: list[Text], out: Path) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for item in texts:
        rows, tags = training_rows(item)
        trainer.append(rows, tags)
    trainer.set_params(PARAMS)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    logger.info("trained on %d texts: %s", len(texts), out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="set folders (default: the teachers' and development sets)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--without", type=Path, action="append", default=[], help="a set to leave out (repeatable)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    folders = args.sets or [TEACHERS, *(ROOT / name for name in DEVELOPMENT_SETS)]
    left_out = {folder.resolve() for folder in args.without}
    texts = [text for folder in folders if folder.resolve() not in left_out for text in read_set(folder)]
    if not texts:
        parser.error("no texts to learn from")
    train(texts, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
