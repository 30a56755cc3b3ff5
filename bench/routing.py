"""Benchmark: how long the co-pilot takes to route one chat message (no model), by message length.

Usage: .venv/bin/python bench/routing.py [--messages 400] [--seed 7]

Routes a fixed sample of the router's own corpus (``tools/routing/data/examples.jsonl``: EN and VI, one word
to a 150-word pasted note), warm (the embeddings model and the weights are loaded by one untimed call
first), one message at a time as the chat does. Prints one line per length band and one for all, e.g.
``routing words=1-10 messages=250 p50_ms=8.1 p95_ms=10.2 max_ms=14.0``, and the share each engine decided.
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import time
from collections import Counter

from tools.routing.learned import read_examples
from tools.routing.router import route

BANDS = ((1, 10), (11, 40), (41, 1000))


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _line(label: str, timings: list[float]) -> str:
    return (
        f"routing words={label} messages={len(timings)} p50_ms={statistics.median(timings):.1f} "
        f"p95_ms={_percentile(timings, 0.95):.1f} max_ms={max(timings):.1f}\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    texts = [example["text"] for example in read_examples()]
    sample = random.Random(args.seed).sample(texts, min(args.messages, len(texts)))
    route("warm up the model")
    timings: dict[str, list[float]] = {}
    engines: Counter[str] = Counter()
    for text in sample:
        started = time.perf_counter()
        routed = route(text)
        elapsed = (time.perf_counter() - started) * 1000
        engines["asked" if routed.intent is None else routed.engine] += 1
        words = len(text.split())
        band = next(f"{low}-{high}" for low, high in BANDS if low <= words <= high)
        timings.setdefault(band, []).append(elapsed)
    for low, high in BANDS:
        if timings.get(f"{low}-{high}"):
            sys.stdout.write(_line(f"{low}-{high}", timings[f"{low}-{high}"]))
    sys.stdout.write(_line("all", [value for values in timings.values() for value in values]))
    shares = " ".join(f"{engine}={count / len(sample):.3f}" for engine, count in sorted(engines.items()))
    sys.stdout.write(f"routing engines {shares}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
