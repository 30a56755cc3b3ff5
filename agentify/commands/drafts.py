"""``agentify drafts list | show | approve | dismiss | send | edit`` and ``agentify outbox deliver``.

The morning inbox from a terminal: the nightly drafts of one RM, and the relay that
delivers the e-mails the RM sent. Exit codes as in ``agentify.cli``: 0 done, 2
refused (unknown draft, an action the draft's state forbids, no relay configured;
the reason is on stderr), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from agentify.console import EXIT_FAILED, EXIT_OK, EXIT_REFUSED, err, iso_date, out, positive_int
from stores.db import Database
from tools.core.text import normalize_text

logger = logging.getLogger(__name__)

_COLUMNS = ("urgency", "kind", "client", "value", "channel", "status", "id")


def _inbox(rm_id: str) -> Any:
    from tools.inbox.drafts import Inbox

    database = Database()
    database.create_schema()
    return Inbox(database, rm_id)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]


def _client(draft: dict[str, Any]) -> str:
    name = draft["client_name"] or draft["client_id"]
    return f"{draft['client_honorific']} {name}" if draft["client_honorific"] else name


def cmd_drafts_list(args: argparse.Namespace) -> int:
    from stores.drafts import DRAFT_STATUSES, INBOX_STATUSES
    from tools.core.formatting import format_amount
    from tools.crm.api import CrmApi

    inbox = _inbox(args.rm)
    try:
        CrmApi(inbox.database, args.rm).rm_profile()
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    statuses = DRAFT_STATUSES if args.all else INBOX_STATUSES
    drafts = inbox.notifications(statuses=statuses, scan_date=args.date, limit=args.limit)
    rows = [tuple(name.upper() for name in _COLUMNS)]
    rows += [
        (
            draft["urgency"],
            draft["kind"],
            _client(draft),
            format_amount(draft["value_vnd"]) if draft["value_vnd"] else "—",
            draft["client_channel"],
            draft["status"],
            draft["id"],
        )
        for draft in drafts
    ]
    for line in _table(rows):
        out(line)
    out(f"{inbox.badge()} new")
    return EXIT_OK


def _print_draft(draft: dict[str, Any]) -> None:
    from tools.core.formatting import format_amount

    out(f"id:       {draft['id']}")
    out(f"client:   {_client(draft)} ({draft['client_id']})")
    amount = format_amount(draft["value_vnd"])
    out(f"event:    {draft['kind']} ({draft['urgency']}, {amount}, night {draft['scan_date']})")
    out(f"channel:  {draft['client_channel']} ({draft['channel']}, {draft['language']})")
    out(f"status:   {draft['status']}{' (edited)' if draft['edited'] else ''}")
    if draft["subject"]:
        out(f"subject:  {draft['subject']}")
    for flag in draft["compliance"].get("flags", []):
        out(f"flag:     {flag}")
    for note in draft["compliance"].get("notes", []):
        out(f"note:     {note}")
    out("")
    out(draft["body"])


def _act(args: argparse.Namespace, action: str) -> int:
    from tools.inbox.drafts import DraftActionRefused, DraftNotFound

    inbox = _inbox(args.rm)
    try:
        if action == "show":
            _print_draft(inbox.get(args.draft_id))
        elif action in ("approve", "dismiss"):
            draft = getattr(inbox, action)(args.draft_id)
            out(f"{draft['id']} is {draft['status']}")
        elif action == "edit":
            body = _read_body(args.body_file)
            if body is None:
                return EXIT_REFUSED
            _print_draft(inbox.edit(args.draft_id, body=body, subject=args.subject))
        elif action == "confirm-sent":
            result = inbox.confirm_sent(args.draft_id)
            out(f"{result.draft['id']} is sent (logged as {result.interaction_id})")
        else:
            result = inbox.send(args.draft_id)
            if result.awaiting_confirmation:
                channel, draft_id = result.draft["client_channel"], result.draft["id"]
                err(f"copy this text into {channel}; once sent: agentify drafts confirm-sent {draft_id} --rm {args.rm}")
                out(result.copy_text or "")
            else:
                out(f"queued e-mail {result.outbox_id} (logged as {result.interaction_id})")
                err("it goes out with the next 'agentify outbox deliver'")
    except (DraftNotFound, DraftActionRefused) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    return EXIT_OK


def _read_body(path: str) -> str | None:
    try:
        return normalize_text(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        err(f"refused: cannot read the body from {path}: {error}")
        return None


def cmd_outbox_deliver(args: argparse.Namespace) -> int:
    from tools.inbox.outbox import SmtpSettings, SmtpUnavailable, deliver_outbox

    try:
        settings = SmtpSettings.from_env()
    except ValueError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    if settings is None:
        err(
            "refused: no SMTP relay configured; set AGENTIFY_SMTP_URL "
            "(smtp://[user:pass@]host[:port][?starttls=1] or smtps://…) and AGENTIFY_SMTP_FROM"
        )
        return EXIT_REFUSED
    database = Database()
    database.create_schema()
    try:
        report = deliver_outbox(database, settings, limit=args.limit)
    except SmtpUnavailable as error:
        err(str(error))
        return EXIT_FAILED
    out(f"sent={report.sent} retried={report.retried} failed={report.failed} remaining={report.remaining}")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``drafts …`` and ``outbox deliver`` to the top-level ``agentify`` sub-commands."""
    drafts = subparsers.add_parser("drafts", help="the nightly drafts of one RM: review, edit, send, dismiss")
    commands = drafts.add_subparsers(dest="drafts_command", required=True)

    listing = commands.add_parser("list", help="the RM's notifications, most urgent and valuable first")
    listing.add_argument("--rm", required=True, help="the signed-in RM")
    listing.add_argument("--all", action="store_true", help="also sent, copied and dismissed drafts")
    listing.add_argument("--date", type=iso_date, help="only the drafts of this night (YYYY-MM-DD)")
    listing.add_argument("--limit", type=positive_int, default=200, help="at most this many (default 200)")
    listing.set_defaults(handler=cmd_drafts_list)

    for action, help_text in (
        ("show", "one draft in full"),
        ("approve", "mark a draft as reviewed"),
        ("dismiss", "drop a draft"),
        ("send", "queue the e-mail, or print the text to copy for zalo / whatsapp / phone"),
        ("confirm-sent", "the copied message was sent (or the call made): log the contact in the CRM"),
        ("edit", "replace a draft's text (and subject, for e-mails)"),
    ):
        command = commands.add_parser(action, help=help_text)
        command.add_argument("draft_id", metavar="ID")
        command.add_argument("--rm", required=True, help="the signed-in RM")
        if action == "edit":
            command.add_argument("--body-file", required=True, help="a UTF-8 text file holding the new body")
            command.add_argument("--subject", help="a new subject (e-mail drafts only)")
        command.set_defaults(handler=lambda args, action=action: _act(args, action))

    outbox = subparsers.add_parser("outbox", help="the e-mails RMs sent, waiting for the SMTP relay")
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True)
    deliver = outbox_commands.add_parser(
        "deliver", help="send queued e-mails through AGENTIFY_SMTP_URL (from AGENTIFY_SMTP_FROM)"
    )
    deliver.add_argument("--limit", type=positive_int, default=100, help="at most this many e-mails (default 100)")
    deliver.set_defaults(handler=cmd_outbox_deliver)
