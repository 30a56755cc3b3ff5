"""``agentify index build | update | search``: the retrieval indexes (products, policies, client profiles).

Exit codes as in ``agentify.cli``: 0 done, 2 refused (unknown RM, missing or
outdated index; the reason is on stderr), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import logging

from agentify.console import EXIT_OK, EXIT_REFUSED, err, iso_date, out, positive_int
from stores.db import Database

logger = logging.getLogger(__name__)


def cmd_index_build(args: argparse.Namespace) -> int:
    from tools.knowledge.retrieval import build_indexes, default_today

    database = Database()
    database.create_schema()
    today = args.today or default_today(database)
    try:
        summary = build_indexes(database, today=today, progress=True)
    except ValueError as error:  # e.g. an unknown AGENTIFY_EMBEDDINGS
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(
        f"indexes built in {summary.root} (today {summary.today}, model {summary.model_id}): "
        f"clients={summary.clients} products={summary.products} policy_chunks={summary.policy_chunks} "
        f"distinct_facts={summary.distinct_facts} texts_embedded={summary.texts_embedded}"
    )
    out("seconds: " + " ".join(f"{step}={value:.2f}" for step, value in summary.seconds.items()))
    return EXIT_OK


def cmd_index_update(args: argparse.Namespace) -> int:
    from tools.knowledge.retrieval import IndexNotReady, default_today, update_client_index

    database = Database()
    database.create_schema()
    today = args.today or default_today(database)
    try:
        summary = update_client_index(database, today=today, client_ids=args.client or None)
    except (IndexNotReady, ValueError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(
        f"client index updated (today {today}): upserted={len(summary.upserted)} removed={len(summary.removed)} "
        f"unchanged={summary.unchanged} texts_embedded={summary.texts_embedded}"
    )
    return EXIT_OK


def cmd_index_search(args: argparse.Namespace) -> int:
    """The RM's best-matching clients, one per line: ``CLIENT_ID<TAB>SCORE``."""
    from tools.knowledge.retrieval import IndexNotReady, search_clients

    database = Database()
    database.create_schema()
    try:
        hits = search_clients(database, args.rm, args.text, args.k)
    except (IndexNotReady, LookupError, ValueError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    for client_id, score in hits:
        out(f"{client_id}\t{score:.4f}")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``index build``, ``index update`` and ``index search`` to the top-level ``agentify`` sub-commands."""
    index = subparsers.add_parser(
        "index", help="the retrieval indexes (AGENTIFY_INDEX_DIR, default <data dir>/indexes)"
    )
    commands = index.add_subparsers(dest="index_command", required=True)

    build = commands.add_parser("build", help="rebuild the product, policy and client profile indexes")
    build.add_argument("--today", type=iso_date, help="the date profiles are computed for (default: the bank's date)")
    build.set_defaults(handler=cmd_index_build)

    update = commands.add_parser("update", help="re-embed only the clients whose profile changed; drop deleted ones")
    update.add_argument("--today", type=iso_date, help="the date profiles are computed for (default: the bank's date)")
    update.add_argument("--client", action="append", help="only this client (repeatable); re-embedded regardless")
    update.set_defaults(handler=cmd_index_update)

    search = commands.add_parser("search", help="an RM's clients best matching a description, one per line")
    search.add_argument("--rm", required=True, help="the RM searching: only their clients are returned")
    search.add_argument("-k", type=positive_int, default=10, help="how many clients (default 10)")
    search.add_argument("text", help='what to look for, e.g. "idle cash in a current account"')
    search.set_defaults(handler=cmd_index_search)
