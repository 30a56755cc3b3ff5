"""``agentify inquiry build-kb | report | classify``: the customer inquiry bot's knowledge base and classifier.

Exit codes as in ``agentify.cli``: 0 done, 2 refused (the reason is on stderr), 1 an unexpected failure.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from agentify.console import EXIT_OK, EXIT_REFUSED, err, out
from stores.db import Database
from stores.settings import data_dir


def cmd_build_kb(args: argparse.Namespace) -> int:
    from tools.inquiry.knowledge import build_knowledge_base

    database = Database()
    database.create_schema()
    summary = build_knowledge_base(database, transcripts=args.transcripts)
    out(f"inquiry knowledge base {summary['version']}: {summary['sheets']} product sheets, "
        f"{summary['resolutions']} past conversations, in {summary['folder']}")  # fmt: skip
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from tools.inquiry.report import draw, read_report

    try:
        report = read_report()
    except FileNotFoundError as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    folder = args.out or data_dir() / "inquiry_report"
    for path in draw(folder, report):
        out(f"wrote {path}")
    held_out = report["held_out"]
    out(json.dumps({"examples": report["examples"], "held_out": held_out,
                    "ambiguous_replaced": len(report["ambiguous_replaced"]),
                    "zero_shot_urgency": report["zero_shot_urgency"]}, ensure_ascii=False))  # fmt: skip
    return EXIT_OK


def cmd_classify(args: argparse.Namespace) -> int:
    from tools.inquiry.classifier import ClassifierNotReady, classify

    try:
        (reading,) = classify([args.text])
    except ClassifierNotReady as error:
        err(f"refused: {error}")
        return EXIT_REFUSED
    out(json.dumps({"topic": reading.topic, "urgency": reading.urgency, "confidence": reading.confidence}))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``inquiry build-kb``, ``inquiry report`` and ``inquiry classify``."""
    inquiry = subparsers.add_parser("inquiry", help="the customer inquiry bot (public chat at /inquiry)")
    commands = inquiry.add_subparsers(dest="inquiry_command", required=True)
    build = commands.add_parser("build-kb", help="rebuild the knowledge base: product sheets and past conversations")
    build.add_argument("--transcripts", type=Path, help="past conversations (JSONL; default: the demo bank's)")
    build.set_defaults(handler=cmd_build_kb)
    report = commands.add_parser("report", help="the classifier's label distribution and confidence charts (PNG)")
    report.add_argument("--out", type=Path, help="folder for the PNGs (default <data dir>/inquiry_report)")
    report.set_defaults(handler=cmd_report)
    classify = commands.add_parser("classify", help="a message's topic and urgency, as JSON")
    classify.add_argument("text")
    classify.set_defaults(handler=cmd_classify)
