"""``agentify tone …`` and ``agentify rules …``: an RM inspects and edits their voice and their drafting rules.

The tone profile is learned from the RM's sent messages on first use; ``tone show`` prints it
as JSON, ``tone edit --file`` stores the RM's edited JSON as a new version (validated: an unknown
placeholder is refused with its name), ``tone history`` lists the versions and ``tone relearn``
learns again. Rules are plain words, global, per segment or per client; one that would break
bank policy is refused with the policy's reason.
Exit codes as in ``agentify.cli``: 0 done, 2 refused (the reason on stderr).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from agentify.console import EXIT_OK, EXIT_REFUSED, err, out, require_rm
from stores.db import Database
from tools.core.text import normalize_text

if TYPE_CHECKING:
    from tools.voice.personalization import Personalization


def _personalization(rm_id: str) -> Personalization:
    from tools.voice.personalization import Personalization

    database = Database()
    database.create_schema()
    require_rm(database, rm_id)
    return Personalization(database, rm_id)


def cmd_tone_show(args: argparse.Namespace) -> int:
    try:
        profile = _personalization(args.rm).tone()
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(profile.model_dump_json(indent=2))
    return EXIT_OK


def cmd_tone_edit(args: argparse.Namespace) -> int:
    from tools.voice.tone import ToneProfile

    try:
        text = normalize_text(Path(args.file).read_text(encoding="utf-8"))
        profile = ToneProfile.model_validate_json(text)
        saved = _personalization(args.rm).save_tone(profile)
    except OSError as error:
        err(f"refused: cannot read {args.file}: {error}")
        return EXIT_REFUSED
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        err(f"refused: {args.file} is not a tone profile: {problems}")
        return EXIT_REFUSED
    except (LookupError, ValueError, PermissionError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(f"tone of {args.rm}: version {saved.version} saved")
    return EXIT_OK


def cmd_tone_history(args: argparse.Namespace) -> int:
    try:
        personalization = _personalization(args.rm)
        personalization.tone()  # a first look learns version 1
        versions = personalization.versions()
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    for version in versions:
        out(
            f"{version['version']}\t{version['source']}\t{version['created_at']}\tlearned_from={version['learned_from']}"
        )
    return EXIT_OK


def cmd_tone_relearn(args: argparse.Namespace) -> int:
    try:
        profile = _personalization(args.rm).relearn()
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(f"tone of {args.rm}: version {profile.version} learned ({', '.join(sorted(profile.languages)) or 'defaults'})")
    return EXIT_OK


def cmd_rules_list(args: argparse.Namespace) -> int:
    try:
        rules = _personalization(args.rm).rules()
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    for rule in rules:
        scope = rule["scope"] + (f":{rule['scope_value']}" if rule["scope_value"] else "")
        out(f"{rule['id']}\t{scope}\t{rule['text']}")
    return EXIT_OK


def cmd_rules_add(args: argparse.Namespace) -> int:
    from tools.voice.personalization import RuleRefused

    try:
        rule = _personalization(args.rm).add_rule(args.text, scope=args.scope, scope_value=args.value)
    except RuleRefused as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    except (LookupError, ValueError) as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(json.dumps({key: str(value) for key, value in rule.items()}, ensure_ascii=False))
    return EXIT_OK


def cmd_rules_remove(args: argparse.Namespace) -> int:
    try:
        _personalization(args.rm).remove_rule(args.rule_id)
    except LookupError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(f"rule {args.rule_id} removed")
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``tone`` and ``rules`` to the top-level ``agentify`` sub-commands."""
    tone = subparsers.add_parser("tone", help="an RM's voice, learned from their sent messages")
    tones = tone.add_subparsers(dest="tone_command", required=True)
    for name, handler, text in (
        ("show", cmd_tone_show, "print the tone profile as JSON (learned on first use)"),
        ("history", cmd_tone_history, "the profile's versions"),
        ("relearn", cmd_tone_relearn, "learn again from the sent messages (a new version)"),
    ):
        command = tones.add_parser(name, help=text)
        command.add_argument("--rm", required=True)
        command.set_defaults(handler=handler)
    edit = tones.add_parser("edit", help="save an edited profile (JSON as printed by tone show) as a new version")
    edit.add_argument("--rm", required=True)
    edit.add_argument("--file", required=True)
    edit.set_defaults(handler=cmd_tone_edit)

    rules = subparsers.add_parser("rules", help="an RM's own drafting rules in plain words")
    commands = rules.add_subparsers(dest="rules_command", required=True)
    listing = commands.add_parser("list", help="the active rules")
    listing.add_argument("--rm", required=True)
    listing.set_defaults(handler=cmd_rules_list)
    add = commands.add_parser("add", help='add a rule, e.g. "keep it short"')
    add.add_argument("--rm", required=True)
    add.add_argument("--scope", choices=("global", "segment", "client"), default="global")
    add.add_argument("--value", help="the segment (Gold…) or the client id for a scoped rule")
    add.add_argument("text")
    add.set_defaults(handler=cmd_rules_add)
    remove = commands.add_parser("remove", help="remove a rule (kept in history)")
    remove.add_argument("--rm", required=True)
    remove.add_argument("rule_id")
    remove.set_defaults(handler=cmd_rules_remove)
