"""Benchmark: the embedded local model (Qwen2.5-Coder-1.5B Q4_K_M, llama.cpp in-process).

Usage: .venv/bin/python bench/local_llm.py [--runs 5] [--methods json_schema function_calling] [--show]

Needs ``pip install -e ".[local]"`` and ``agentify models pull``. Prints, e.g.
``local-llm threads=2 load_s=1.2 prompt_tokens=612 prompt_tok_s=85 gen_tokens=150 gen_tok_s=28.4``
and one line per structured-output method:
``local-llm extraction method=json_schema runs=5 p50_s=3.2 max_s=3.9 spans_ok=10/10``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from tools.core.llm.local import model_lock
from tools.core.llm.models import StructuredMethod, load_chat_model, span_in, structured_call

EMAIL_PROMPT = (
    "Write a short, warm follow-up email (about 120 words) from a bank relationship manager to "
    "Mr. Son Pham, thanking him for today's meeting about financing his house renovation "
    "(about 800 million VND) and proposing a call next Wednesday to go through the loan options."
)

NOTES = [
    "Met Mr. Son Pham, he needs about 800m vnd for renovation, call him back next Wednesday",
    "Coffee with Ms. Lan Nguyen today: wants to move 2.5 ty from savings into a 12-month term deposit",
    "Anh Tran Van Duc called, asked about a car loan of 650 trieu, follow up on Friday",
    "Visited Mrs. Hoa Le at her shop; she may need a 300m working-capital line before Tet",
    "Chi Mai Pham wants her USD 20,000 transferred to her son's account in Melbourne by 15/11",
]

SYSTEM = (
    "Extract facts from the relationship manager's note. Copy every value verbatim from the note, "
    "exactly as written (do not convert amounts or dates); use null when the note does not say."
)


class NoteFacts(BaseModel):
    """Spans copied verbatim from a note."""

    client_name: str | None = Field(description="the client's name as written")
    amount_text: str | None = Field(description="the amount with its unit, as written")
    due_text: str | None = Field(description="when to follow up, as written")


def _filler(index: int, words: int) -> str:
    """A realistic-looking, unique client history (unique so llama.cpp cannot reuse a cached prefix)."""
    sentences = [
        f"Note {index}.{n}: client visited branch {n % 7}, discussed term deposit renewal, "
        f"card limit review and a possible home loan top-up of {100 + n * 13} million VND."
        for n in range(words // 20)
    ]
    return " ".join(sentences)


def measure_prompt(llm: Any, index: int) -> tuple[int, float]:
    """Prompt processing: one generated token after a fresh ~600-token prompt."""
    messages = [{"role": "user", "content": _filler(index, 450) + "\nSummarize in one word."}]
    with model_lock():
        llm.reset()
        started = time.perf_counter()
        response = llm.create_chat_completion(messages=messages, max_tokens=1, temperature=0.0)
        seconds = time.perf_counter() - started
    return int(response["usage"]["prompt_tokens"]), seconds


def measure_generation(llm: Any, max_tokens: int) -> tuple[int, float, str]:
    """Generation speed between the first and the last streamed token (prompt time excluded)."""
    messages = [{"role": "user", "content": EMAIL_PROMPT}]
    stamps: list[float] = []
    text: list[str] = []
    with model_lock():
        llm.reset()
        for chunk in llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True):
            content = chunk["choices"][0]["delta"].get("content")
            if content:
                stamps.append(time.perf_counter())
                text.append(content)
    tokens = len(stamps)
    return tokens, (stamps[-1] - stamps[0]) if tokens > 1 else float("nan"), "".join(text)


def measure_extraction(
    model: Any, method: StructuredMethod, runs: int
) -> tuple[list[float], int, int, list[NoteFacts]]:
    """Latency of ``structured_call`` over varied notes, and how many spans really occur in the note."""
    times: list[float] = []
    ok = total = 0
    facts: list[NoteFacts] = []
    for index in range(runs):
        note = NOTES[index % len(NOTES)]
        started = time.perf_counter()
        outcome = structured_call(
            model,
            NoteFacts,
            [SystemMessage(SYSTEM), HumanMessage(note)],
            fallback=lambda: NoteFacts(client_name=None, amount_text=None, due_text=None),
            task="bench-extract",
            method=method,
        )
        times.append(time.perf_counter() - started)
        facts.append(outcome.value)
        for span in (outcome.value.client_name, outcome.value.amount_text):
            total += 1
            ok += span_in(note, span)
    return times, ok, total, facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="extraction calls per method (default 5)")
    parser.add_argument(
        "--methods", nargs="+", default=["json_schema", "function_calling"], choices=["json_schema", "function_calling"]
    )
    parser.add_argument("--gen-tokens", type=int, default=200)
    parser.add_argument("--show", action="store_true", help="print the email and the extractions on stderr")
    args = parser.parse_args()

    started = time.perf_counter()
    model: Any = load_chat_model("local")
    load_s = time.perf_counter() - started
    llm = model.client

    measure_prompt(llm, 0)  # warm-up: first-touch of the memory-mapped weights
    prompts = [measure_prompt(llm, index) for index in (1, 2)]
    prompt_tokens = prompts[-1][0]
    prompt_tok_s = statistics.median(tokens / seconds for tokens, seconds in prompts)
    gen_tokens, gen_s, email = measure_generation(llm, args.gen_tokens)
    print(  # noqa: T201 - the bench prints its figures
        f"local-llm threads={os.cpu_count()} load_s={load_s:.1f} prompt_tokens={prompt_tokens} "
        f"prompt_tok_s={prompt_tok_s:.0f} gen_tokens={gen_tokens} gen_tok_s={(gen_tokens - 1) / gen_s:.1f}",
        flush=True,
    )
    if args.show:
        sys.stderr.write(email + "\n\n")
    for method in args.methods:
        times, ok, total, facts = measure_extraction(model, method, args.runs)
        print(  # noqa: T201 - the bench prints its figures
            f"local-llm extraction method={method} runs={len(times)} p50_s={statistics.median(times):.1f} "
            f"max_s={max(times):.1f} spans_ok={ok}/{total}",
            flush=True,
        )
        if args.show:
            for fact in facts:
                sys.stderr.write(f"  {method}: {fact.model_dump_json()}\n")


if __name__ == "__main__":
    main()
