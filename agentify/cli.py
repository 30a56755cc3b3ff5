"""The ``agentify`` command: loading the bank, guarded queries, tokens, the server.

Exit codes: 0 done, 2 the input was refused (the reason is on stderr), 1 an
unexpected failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from agentify.commands import audit as audit_command
from agentify.commands import drafts as drafts_command
from agentify.commands import index as index_command
from agentify.commands import inquiry as inquiry_command
from agentify.commands import models as models_command
from agentify.commands import nightly as nightly_command
from agentify.commands import tone as tone_command
from agentify.console import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, err, iso_date, out
from stores.db import Database
from stores.fixtures import FixtureError, StoreNotEmptyError, load_fixture, read_fixture_file
from tools.core.text import normalize_text

logger = logging.getLogger("agentify")


def _bank_today() -> dt.date:
    from tools.crm.api import bank_today

    return bank_today()


# ----- commands ------------------------------------------------------------------------------


def cmd_crm_load(args: argparse.Namespace) -> int:
    database = Database()
    try:
        fixture = load_fixture(database, read_fixture_file(args.fixture), replace=args.replace)
    except (FixtureError, StoreNotEmptyError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    counts = ", ".join(f"{name}={count}" for name, count in fixture.counts().items() if count)
    out(f"loaded {args.fixture}: {counts or 'no rows'}")
    return EXIT_OK


def cmd_crm_query(args: argparse.Namespace) -> int:
    from tools.core.encoding import to_json
    from tools.reporting.guard import QueryRefused, run_guarded_query

    database = Database()
    try:
        result = run_guarded_query(
            database, args.sql, rm_id=args.rm, today=args.today, row_limit=args.limit, timeout_s=args.timeout
        )
    except QueryRefused as error:
        err(str(error))
        return EXIT_REFUSED
    if result.truncated:
        err(f"note: only the first {args.limit} rows are shown")
    out(json.dumps({"columns": result.columns, "rows": to_json(result.rows)}, ensure_ascii=False))
    return EXIT_OK


def cmd_demo_bank(args: argparse.Namespace) -> int:
    from stores.demo_bank import demo_bank_fixture, generate_demo_bank

    today = args.today or _bank_today()
    try:
        if args.out:
            fixture = demo_bank_fixture(clients=args.clients, seed=args.seed, today=today)
            with open(args.out, "w", encoding="utf-8") as file:
                json.dump(fixture, file, ensure_ascii=False, indent=1)
            out(f"wrote the demo bank fixture ({args.clients} clients, seed {args.seed}) to {args.out}")
            return EXIT_OK
        summary = generate_demo_bank(
            Database(), clients=args.clients, seed=args.seed, today=today, replace=args.replace, progress=True
        )
    except (ValueError, StoreNotEmptyError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    counts = ", ".join(f"{name}={count}" for name, count in summary.counts.items())
    out(f"demo bank ready (seed {summary.seed}, today {summary.today}): {counts}")
    return EXIT_OK


def cmd_rm_token(args: argparse.Namespace) -> int:
    from tools.crm.auth import issue_token

    try:
        token = issue_token(Database(), args.rm_id)
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(f"token for {args.rm_id} (shown once; send it as 'Authorization: Bearer <token>'):")
    out(token)
    return EXIT_OK


def cmd_rm_list(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from stores.schema import Client, Rm

    database = Database()
    database.create_schema()
    with database.engine.connect() as connection:
        rows = connection.execute(
            select(Rm.id, Rm.full_name, Rm.branch, Rm.language, func.count(Client.id))
            .outerjoin(Client, Client.rm_id == Rm.id)
            .group_by(Rm.id, Rm.full_name, Rm.branch, Rm.language)
            .order_by(Rm.id)
        ).all()
    for rm_id, name, branch, language, clients in rows:
        out(f"{rm_id}\t{name}\t{branch}\t{language}\t{clients} clients")
    return EXIT_OK


def _serve(host: str, port: int) -> None:
    import uvicorn

    uvicorn.run("agentify.app:create_app", factory=True, host=host, port=port, log_level="info")


def cmd_serve(args: argparse.Namespace) -> int:
    Database().create_schema()
    out(f"Agentify is serving on http://{args.host}:{args.port}/ (web app; API docs at /docs)")
    out("sign in with a token from: agentify rm token <RM id>")
    _serve(args.host, args.port)
    return EXIT_OK


def cmd_up(args: argparse.Namespace) -> int:
    """The main job on the embedded defaults: a demo bank, its indexes, the night's drafts, a token, the server."""
    from sqlalchemy import select

    from stores.demo_bank import generate_demo_bank
    from stores.schema import Rm
    from tools.crm.auth import issue_token
    from tools.inquiry.knowledge import build_knowledge_base
    from tools.knowledge.retrieval import build_indexes, default_today

    database = Database()
    database.create_schema()
    if database.is_empty():
        today = args.today or _bank_today()
        out(f"creating a demo bank of {args.clients} clients (seed {args.seed}, today {today}) at {database.url}")
        generate_demo_bank(database, clients=args.clients, seed=args.seed, today=today, progress=True)
    else:
        out(f"using the bank already in {database.url}")
    out("building the search indexes (products, policies, client profiles)")
    summary = build_indexes(database, today=default_today(database), progress=True)
    out(
        f"indexes ready: {summary.clients} client profiles, {summary.products} products, "
        f"{summary.policy_chunks} policy passages ({sum(summary.seconds.values()):.1f} s)"
    )
    kb = build_knowledge_base(database)
    out(
        f"inquiry knowledge base {kb['version']}: {kb['sheets']} product sheets, {kb['resolutions']} past conversations"
    )
    night = default_today(database)
    out(f"the nightly catch-up for {night}: drafts for the morning inbox")
    summary_night = nightly_command.night(
        database, night, rm_id=None, model="none", rules=None, wave_size=500, concurrency=4, progress=False
    )
    out(
        f"{summary_night['events']} client events, {summary_night['drafts_created']} new drafts "
        f"({summary_night['already_drafted']} drafted before)"
    )
    with database.engine.connect() as connection:
        rm_id = connection.execute(select(Rm.id).order_by(Rm.id).limit(1)).scalar()
    if rm_id is None:
        err("refused: the store has no relationship managers")
        return EXIT_REFUSED
    token = issue_token(database, rm_id)
    out(f"signed-in token for {rm_id}: {token}")
    out(f"sign in: open http://{args.host}:{args.port}/ and paste the token above")
    out(f"the customers' help chat (no sign-in): http://{args.host}:{args.port}/inquiry")
    out(f"Agentify is serving on http://{args.host}:{args.port}/ (API docs at /docs)")
    _serve(args.host, args.port)
    return EXIT_OK


# ----- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentify",
        description="Agentify, the co-pilot for relationship managers. The store is AGENTIFY_DATABASE_URL "
        "(default: a SQLite file in AGENTIFY_DATA_DIR).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)

    crm = commands.add_parser("crm", help="the bank's CRM data").add_subparsers(dest="crm_command", required=True)
    load = crm.add_parser("load", help="load a fixture (crm-schema JSON) into an empty store")
    load.add_argument("fixture", help="path to FIXTURE.json")
    load.add_argument("--replace", action="store_true", help="delete the bank data already in the store first")
    load.set_defaults(handler=cmd_crm_load)
    query = crm.add_parser("query", help="run a guarded read-only SQL query as one RM")
    query.add_argument("--rm", required=True, help="the RM the query runs as")
    query.add_argument("--today", type=iso_date, help="the date :today stands for (default: today)")
    query.add_argument("--limit", type=int, default=1000, help="row limit (default 1000)")
    query.add_argument("--timeout", type=float, default=5.0, help="seconds before the query is stopped")
    query.add_argument("sql")
    query.set_defaults(handler=cmd_crm_query)

    demo = commands.add_parser("demo-bank", help="generate the deterministic demo bank")
    demo.add_argument("--clients", type=int, default=5000, help="200 to 100,000 (default 5,000)")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--today", type=iso_date, help="the reference date (default: today in Asia/Ho_Chi_Minh)")
    demo.add_argument("--replace", action="store_true", help="replace the bank data already in the store")
    demo.add_argument("--out", help="write a fixture JSON file instead of loading the store")
    demo.set_defaults(handler=cmd_demo_bank)

    rm = commands.add_parser("rm", help="relationship managers (admin)").add_subparsers(
        dest="rm_command", required=True
    )
    token = rm.add_parser("token", help="issue a bearer token for an RM (printed as the last line)")
    token.add_argument("rm_id")
    token.set_defaults(handler=cmd_rm_token)
    rm.add_parser("list", help="list RMs and their client counts").set_defaults(handler=cmd_rm_list)

    serve = commands.add_parser("serve", help="start the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=cmd_serve)

    models_command.register(commands)
    index_command.register(commands)
    drafts_command.register(commands)
    nightly_command.register(commands)
    tone_command.register(commands)
    audit_command.register(commands)
    inquiry_command.register(commands)

    up = commands.add_parser("up", help="the main job: demo bank if empty, a token, then the server")
    up.add_argument("--clients", type=int, default=2000)
    up.add_argument("--seed", type=int, default=7)
    up.add_argument("--today", type=iso_date)
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=8000)
    up.set_defaults(handler=cmd_up)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # What the RM typed, in one form (NFC): a note pasted from a phone reads like the same note typed here.
    args = build_parser().parse_args([normalize_text(arg) for arg in (sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except SQLAlchemyError as error:
        err(f"the store at {Database().url} failed: {error}")
        return EXIT_FAILED
    return code


if __name__ == "__main__":
    sys.exit(main())
