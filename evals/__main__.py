"""``python -m evals run SUITE --cases CASES.jsonl [--fixture F] [--model M] [--out RESULT.json]``.

``python -m evals agree SUITE --cases CASES.jsonl --labels LABELS.jsonl [--out R.json]``: a second reading scored.
"""

from __future__ import annotations

import sys

from evals.runner import main

if __name__ == "__main__":
    sys.exit(main())
