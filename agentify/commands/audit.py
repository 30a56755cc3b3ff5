"""``agentify audit``: an admin reads which calls went to a model outside the bank (the trust layer's log).

One line a call, newest first: when, which RM, which room and task, the model, how many values were masked,
the latency, the outcome and the SHA-256 of the masked prompt (the prompt itself is never stored).
``--json`` prints the rows as JSON lines. Exit codes as in ``agentify.cli``: 0 done.
"""

from __future__ import annotations

import argparse
import json

from agentify.console import EXIT_OK, out, positive_int
from stores.db import Database


def cmd_audit(args: argparse.Namespace) -> int:
    from tools.policy.trust import audit_rows

    database = Database()
    database.create_schema()
    rows = audit_rows(database, rm_id=args.rm, limit=args.limit)
    if args.json:
        for row in rows:
            out(json.dumps({**row, "called_at": row["called_at"].isoformat()}, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        out("no model calls recorded")
        return EXIT_OK
    for row in rows:
        out(
            f"{row['called_at']:%Y-%m-%d %H:%M:%S}  {row['rm_id'] or '-'}  {row['room']}/{row['task']}  {row['model']}"
            f"  masked={row['masked_values']}  {row['latency_ms']} ms  {row['outcome']}  {row['prompt_sha256'][:16]}"
        )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit`` to the top-level ``agentify`` sub-commands."""
    audit = subparsers.add_parser("audit", help="the calls made to a model outside the bank (admin)")
    audit.add_argument("--rm", help="only this RM's calls")
    audit.add_argument("--limit", type=positive_int, default=50, help="the newest N calls (default 50)")
    audit.add_argument("--json", action="store_true", help="one JSON object a line")
    audit.set_defaults(handler=cmd_audit)
