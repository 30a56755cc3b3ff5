"""The classifier's report as PNG charts: the label distribution and the confidence histograms, before and after
the seed's pipeline (``tools.inquiry.classifier.build`` measures them; this draws them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tools.inquiry.classifier import DATA, TOPICS, URGENCIES

REPORT = DATA / "classifier_report.json"


def read_report(path: Path = REPORT) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"no classifier report at {path}: run python -m tools.inquiry.classifier build")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def draw(out: Path, report: dict[str, Any] | None = None) -> list[Path]:
    """``label_distribution.png`` and ``confidence.png`` in ``out``; their paths."""
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt
    import numpy as np

    report = report or read_report()
    out.mkdir(parents=True, exist_ok=True)
    distribution = report["distribution"]
    figure, axes = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [8, 3]})
    for axis, key, labels in ((axes[0], "topic", TOPICS), (axes[1], "urgency", URGENCIES)):
        positions = np.arange(len(labels))
        before = [distribution["before"][key].get(label, 0) for label in labels]
        after = [distribution["after"][key].get(label, 0) for label in labels]
        axis.bar(positions - 0.2, before, 0.4, label="before (as written)")
        axis.bar(positions + 0.2, after, 0.4, label="after (zero-shot, relabelled, upsampled)")
        axis.set_xticks(positions, labels, rotation=35, ha="right")
        axis.set_title(f"{key}: examples per label")
    handles, labels_ = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels_, loc="upper center", ncol=2, frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.92))
    distribution_png = out / "label_distribution.png"
    figure.savefig(distribution_png, dpi=110)
    plt.close(figure)
    figure, axis = plt.subplots(figsize=(8, 4.8))
    bins = [step / 20 for step in range(21)]
    held_out = report["held_out"]
    for key, label in (("before", "before"), ("after", "after")):
        scores = held_out[key]
        axis.hist(
            report["confidence"][key],
            bins=bins,
            alpha=0.55,
            label=f"{label}: topic accuracy {scores['topic_accuracy']:.3f}, macro-F1 {scores['topic_macro_f1']:.3f}",
        )
    axis.set_xlabel("confidence of the topic read (held-out messages)")
    axis.set_ylabel("messages")
    axis.set_title(f"Confidence on the {held_out['examples']} held-out messages, before and after")
    axis.legend(loc="upper left")
    figure.tight_layout()
    confidence_png = out / "confidence.png"
    figure.savefig(confidence_png, dpi=110)
    plt.close(figure)
    return [distribution_png, confidence_png]
