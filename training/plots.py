"""PNG charts for people reading the results (token lengths, loss, metrics).

matplotlib's Agg backend is forced: training runs on headless servers, and
an interactive backend there either fails or opens nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after use("Agg"): the backend is fixed at import


def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def token_histogram(lengths: Mapping[str, Sequence[int]], path: Path, limit: int | None) -> Path:
    """One histogram per series (prompt, response, total), the cut-off marked."""
    fig, ax = plt.subplots(figsize=(7, 4))
    values = [v for series in lengths.values() for v in series]
    bins = min(40, max(5, len(set(values))))
    for label, series in lengths.items():
        if series:
            ax.hist(series, bins=bins, alpha=0.55, label=f"{label} (n={len(series)})")
    if limit:
        ax.axvline(limit, color="black", linestyle="--", linewidth=1, label=f"limit {limit}")
    ax.set_xlabel("tokens")
    ax.set_ylabel("examples")
    ax.set_title("Token lengths of the kept examples")
    ax.legend()
    return _save(fig, path)


def loss_curve(
    steps: Sequence[int],
    losses: Sequence[float],
    path: Path,
    eval_points: Sequence[tuple[int, float]] = (),
) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4))
    if steps:
        ax.plot(steps, losses, marker="." if len(steps) < 50 else None, label="training loss")
    if eval_points:
        ax.plot(
            [s for s, _ in eval_points], [v for _, v in eval_points], "o-", label="validation loss"
        )
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss (assistant tokens)")
    ax.set_title("Fine-tuning loss")
    ax.grid(alpha=0.3)
    ax.legend()
    return _save(fig, path)


def metric_bars(
    table: Mapping[str, Mapping[str, float | None]], metrics: Sequence[str], path: Path
) -> Path:
    """One small bar chart per metric, one bar per model."""
    models = list(table)
    cols = min(3, len(metrics)) or 1
    rows = math.ceil(len(metrics) / cols) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, metric in enumerate(metrics):
        ax = axes[index // cols][index % cols]
        values = [table[m].get(metric) for m in models]
        shown = [
            0.0 if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values
        ]
        ax.bar(
            range(len(models)), shown, color=[colours[i % len(colours)] for i in range(len(models))]
        )
        for x, v in enumerate(values):
            ax.text(
                x,
                shown[x],
                "n/a" if v is None else f"{v:.3g}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_xticks(range(len(models)), models, rotation=20, ha="right", fontsize=8)
        ax.set_title(metric, fontsize=10)
    for index in range(len(metrics), rows * cols):
        axes[index // cols][index % cols].axis("off")
    return _save(fig, path)


def score_histograms(scores: Mapping[str, Sequence[float]], title: str, path: Path) -> Path:
    """Overlaid per-model histograms of one per-example score in [0, 1]."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, values in scores.items():
        if values:
            ax.hist(values, bins=20, range=(0, 1), alpha=0.5, label=label)
    ax.set_xlabel(title)
    ax.set_ylabel("examples")
    ax.set_title(f"{title} per example")
    ax.legend()
    return _save(fig, path)
