"""``python -m evals run SUITE --cases CASES.jsonl [--fixture F] [--model M] [--out RESULT.json]``."""

from __future__ import annotations

import sys

from evals.runner import main

if __name__ == "__main__":
    sys.exit(main())
