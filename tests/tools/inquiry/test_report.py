"""The classifier's report: two PNG charts drawn from what the build measured (before and after)."""

from __future__ import annotations

from pathlib import Path

from agentify.cli import main
from tools.inquiry.report import draw, read_report


def test_the_two_charts_are_drawn_from_the_build_report(tmp_path: Path) -> None:
    report = read_report()
    assert report["held_out"]["after"]["topic_accuracy"] >= report["held_out"]["before"]["topic_accuracy"] - 0.05
    paths = draw(tmp_path, report)
    assert [path.name for path in paths] == ["label_distribution.png", "confidence.png"]
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000 for path in paths)


def test_the_cli_writes_the_report_and_classifies(tmp_path: Path, capsys: object) -> None:
    assert main(["inquiry", "report", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "confidence.png").is_file()
    assert main(["inquiry", "classify", "Làm ơn khóa thẻ giúp tôi, tôi vừa bị mất ví"]) == 0
