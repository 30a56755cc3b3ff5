"""Golden RM-visible strings: what the co-pilot says, the cards it shows and the nightly drafts, pinned.

A refactor must not change a word an RM reads by accident. When a change is meant (a new money style,
a clearer sentence), regenerate with ``AGENTIFY_UPDATE_GOLDEN=1 pytest tests/graphs/test_golden_strings.py``
and review the diff of ``tests/golden/`` in the commit.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.types import Command

from graphs.context import AgentContext, NightlyContext
from graphs.copilot.graph import builder as copilot_builder
from graphs.nightly.graph import builder as nightly_builder
from graphs.nightly.runner import run_night
from stores.checkpoints import open_checkpointer
from stores.db import Database
from stores.fixtures import load_fixture
from tests.drivers import PROJECT_ROOT
from tools.core.llm.embeddings import load_embeddings
from tools.inbox.drafts import Inbox
from tools.knowledge.retrieval import build_indexes

GOLDEN = PROJECT_ROOT / "tests" / "golden"
TODAY = dt.date(2025, 10, 24)
UPDATE = os.environ.get("AGENTIFY_UPDATE_GOLDEN") == "1"

#: (title, messages on one thread; "accept" answers the pending card).
CONVERSATIONS: list[tuple[str, list[str]]] = [
    ("prioritization, a product", ["Find top clients for the new 'Premier Invest' account"]),
    ("prioritization, Vietnamese goal", ["Tôi nên gọi cho khách hàng nào về tiền nhàn rỗi?"]),
    ("next best action", ["What's my next best action for Mr. Son Pham 0823912039?"]),
    ("next best action, Vietnamese", ["Nên làm gì với chị Oanh 0934567890?"]),
    ("next best action, ambiguous", ["What should I do next with Minh?"]),
    ("performance, AUM", ["What is my AUM?"]),
    ("performance, Vietnamese AUM", ["AUM của tôi là bao nhiêu?"]),
    ("performance, by segment", ["New deposits this month by segment"]),
    ("performance, tasks", ["Show my open tasks"]),
    ("performance, targets", ["Am I on target for new deposits this quarter?"]),
    ("performance, summary VI", ["Kết quả so với chỉ tiêu quý này"]),
    ("performance, follow-up", ["How many client contacts this month?", "and last month?"]),
    (
        "data entry, accepted",
        [
            "Met Mr. Son Pham 0823912039 at a coffee house, talked about a renovation loan for his apartment, "
            "which needs about 800m vnd. He seemed keen. I need to send him the info pack by tomorrow and call "
            "him next Wednesday.",
            "accept",
        ],
    ),
    (
        "data entry, Vietnamese, accepted",
        ["Gặp chị Oanh 0934567890 ở văn phòng, chị muốn gửi tiết kiệm 1,2 tỷ. Hẹn gọi lại thứ Sáu.", "accept"],
    ),
    ("data entry, which client", ["Met Minh at his office, he wants a loan of 2 tỷ. Call him tomorrow."]),
    ("drafting", ["Draft a birthday message for Mr Son Pham"]),
    ("drafting, Vietnamese", ["Soạn tin nhắn đáo hạn cho chị Oanh 0934567890"]),
    ("help", ["hello"]),
    ("help, Vietnamese", ["xin chào"]),
]


@pytest.fixture
def bank(sqlite_db: Database, small_bank: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    load_fixture(sqlite_db, small_bank)
    monkeypatch.setenv("AGENTIFY_EMBEDDINGS", "hash")
    monkeypatch.setenv("AGENTIFY_INDEX_DIR", str(tmp_path / "indexes"))
    build_indexes(sqlite_db, today=TODAY, embeddings=load_embeddings())
    return sqlite_db


@pytest.fixture
def copilot(bank: Database) -> Iterator[Any]:
    with open_checkpointer(bank) as saver:
        yield copilot_builder.compile(checkpointer=saver)


def _pending_card(graph: Any, config: dict[str, Any]) -> str | None:
    for pending in graph.get_state(config).interrupts:
        value = pending.value[0] if isinstance(pending.value, list) else pending.value
        return str(value.get("description"))
    return None


def _transcript(graph: Any, bank: Database, messages: list[str]) -> str:
    context = AgentContext(rm_id="RM001", model="none", database_url=bank.portable_url, today=TODAY)
    config: dict[str, Any] = {"configurable": {"thread_id": f"golden-{uuid.uuid4().hex}"}}
    lines: list[str] = []
    for message in messages:
        payload: Any = (
            Command(resume=[{"type": "accept", "args": None}]) if message == "accept" else {"message": message}
        )
        output = graph.invoke(payload, config, context=context)
        card = _pending_card(graph, config)
        lines.append(f"> {message}")
        lines.append(card if card is not None else str(output.get("answer") or ""))
    return "\n".join(lines)


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} did not exist: written now, review it and run again")
    assert text == path.read_text(encoding="utf-8"), f"RM-visible text changed: diff against {path}"


def test_what_the_copilot_says_is_unchanged(copilot: Any, bank: Database) -> None:
    sections = [f"## {title}\n\n{_transcript(copilot, bank, messages)}\n" for title, messages in CONVERSATIONS]
    _check("copilot_answers.md", "\n".join(sections))


def test_the_nightly_drafts_read_as_before(bank: Database) -> None:
    with open_checkpointer(bank) as saver:
        compiled = nightly_builder.compile(checkpointer=saver)
        run_night(compiled, NightlyContext(model="none", database_url=bank.portable_url), TODAY)
    parts = []
    for rm_id in ("RM001", "RM002"):
        for draft in Inbox(bank, rm_id).notifications():
            parts.append(
                f"## {rm_id} {draft['client_id']} {draft['kind']} ({draft['urgency']})\n\n"
                f"{draft.get('subject') or ''}\n\n{draft['body']}\n"
            )
    _check("nightly_drafts.md", "\n".join(parts))
