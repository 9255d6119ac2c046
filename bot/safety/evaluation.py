"""Measuring a classifier against labelled messages: the numbers the README reports.

Labels are either the four levels or ``crisis`` / ``non_crisis``; a message
counts as caught when it is graded ``elevated`` or above.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.safety.types import RiskAssessment, RiskLevel

LEVELS = [RiskLevel.NONE, RiskLevel.CONCERN, RiskLevel.ELEVATED, RiskLevel.HIGH]
BINARY = {"crisis": True, "non_crisis": False, "non-crisis": False, "noncrisis": False}


class LabelError(ValueError):
    """A label that is neither a risk level nor crisis / non_crisis."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # a level name, or "crisis" / "non_crisis"

    @property
    def is_crisis(self) -> bool:
        if self.label in BINARY:
            return BINARY[self.label]
        return RiskLevel(self.label) >= RiskLevel.ELEVATED

    @property
    def level(self) -> RiskLevel | None:
        return None if self.label in BINARY else RiskLevel(self.label)


def parse_label(raw: object) -> str:
    label = str(raw).strip().lower()
    if label in BINARY:
        return "non_crisis" if not BINARY[label] else "crisis"
    try:
        return RiskLevel(label).value
    except ValueError as exc:
        raise LabelError(f"unknown label {raw!r}") from exc


def read_examples(path: Path) -> tuple[list[Example], list[str]]:
    """Rows that parse, plus a note for each line that did not (bad input loses nothing else)."""
    examples: list[Example] = []
    problems: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(Example(str(row["text"]), parse_label(row["label"])))
            except (json.JSONDecodeError, KeyError, TypeError, LabelError) as exc:
                problems.append(f"line {number}: {type(exc).__name__}: {exc}")
    return examples, problems


@dataclass
class EvalReport:
    n: int
    crisis_n: int
    non_crisis_n: int
    crisis_recall: float  # crisis graded elevated or above
    crisis_precision: float
    non_crisis_high: float  # share of non-crisis graded high
    non_crisis_elevated_plus: float  # share of non-crisis graded elevated or above
    per_level: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: list[list[int]] | None = None  # rows: true level, columns: predicted
    latency_ms_p50: float = 0.0
    latency_ms_p95: float = 0.0
    misclassified: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "n": self.n,
            "crisis_n": self.crisis_n,
            "non_crisis_n": self.non_crisis_n,
            "crisis_recall_elevated_plus": round(self.crisis_recall, 4),
            "crisis_precision": round(self.crisis_precision, 4),
            "non_crisis_graded_high": round(self.non_crisis_high, 4),
            "non_crisis_graded_elevated_plus": round(self.non_crisis_elevated_plus, 4),
            "per_level": self.per_level,
            "confusion": self.confusion,
            "latency_ms_p50": round(self.latency_ms_p50, 2),
            "latency_ms_p95": round(self.latency_ms_p95, 2),
        }


def evaluate(
    examples: Iterable[Example],
    classify: Callable[[str], RiskAssessment],
    *,
    keep_misclassified: int = 50,
) -> EvalReport:
    rows = list(examples)
    predicted: list[RiskLevel] = []
    latencies: list[float] = []
    for ex in rows:
        start = time.perf_counter()
        predicted.append(classify(ex.text).level)
        latencies.append((time.perf_counter() - start) * 1000)
    truth_crisis = np.array([ex.is_crisis for ex in rows], dtype=bool)
    pred_crisis = np.array([p >= RiskLevel.ELEVATED for p in predicted], dtype=bool)
    pred_high = np.array([p == RiskLevel.HIGH for p in predicted], dtype=bool)
    crisis_n = int(truth_crisis.sum())
    non_n = len(rows) - crisis_n
    tp = int((truth_crisis & pred_crisis).sum())
    report = EvalReport(
        n=len(rows),
        crisis_n=crisis_n,
        non_crisis_n=non_n,
        crisis_recall=tp / crisis_n if crisis_n else 0.0,
        crisis_precision=tp / int(pred_crisis.sum()) if pred_crisis.any() else 0.0,
        non_crisis_high=float((pred_high & ~truth_crisis).sum() / non_n) if non_n else 0.0,
        non_crisis_elevated_plus=float((pred_crisis & ~truth_crisis).sum() / non_n)
        if non_n
        else 0.0,
        latency_ms_p50=float(np.percentile(latencies, 50)) if latencies else 0.0,
        latency_ms_p95=float(np.percentile(latencies, 95)) if latencies else 0.0,
    )
    if rows and all(ex.level is not None for ex in rows):
        _per_level(report, [ex.level for ex in rows], predicted)  # type: ignore[misc]
    for ex, pred in zip(rows, predicted, strict=True):
        wrong = (ex.level is not None and ex.level != pred) or (
            ex.level is None and ex.is_crisis != (pred >= RiskLevel.ELEVATED)
        )
        if wrong and len(report.misclassified) < keep_misclassified:
            report.misclassified.append(
                {"label": ex.label, "predicted": pred.value, "text": ex.text}
            )
    return report


def _per_level(report: EvalReport, truth: list[RiskLevel], predicted: list[RiskLevel]) -> None:
    index = {lv: i for i, lv in enumerate(LEVELS)}
    confusion = [[0] * 4 for _ in LEVELS]
    for t, p in zip(truth, predicted, strict=True):
        confusion[index[t]][index[p]] += 1
    report.confusion = confusion
    total = len(truth)
    for i, lv in enumerate(LEVELS):
        tp = confusion[i][i]
        actual = sum(confusion[i])
        pred = sum(row[i] for row in confusion)
        negatives = total - actual
        report.per_level[lv.value] = {
            "support": actual,
            "recall": round(tp / actual, 4) if actual else 0.0,
            "precision": round(tp / pred, 4) if pred else 0.0,
            "fpr": round((pred - tp) / negatives, 4) if negatives else 0.0,
        }


def format_report(report: EvalReport) -> str:
    lines = [
        f"examples: {report.n} (crisis {report.crisis_n}, non-crisis {report.non_crisis_n})",
        f"crisis recall (elevated+): {report.crisis_recall:.3f}",
        f"crisis precision (elevated+): {report.crisis_precision:.3f}",
        f"non-crisis graded high: {report.non_crisis_high:.3f}",
        f"non-crisis graded elevated+: {report.non_crisis_elevated_plus:.3f}",
        f"latency ms p50 {report.latency_ms_p50:.2f}  p95 {report.latency_ms_p95:.2f}",
    ]
    if report.per_level:
        lines.append("")
        lines.append(f"{'level':<10}{'support':>8}{'recall':>8}{'precision':>10}{'fpr':>8}")
        for name, m in report.per_level.items():
            lines.append(
                f"{name:<10}{int(m['support']):>8}{m['recall']:>8.3f}{m['precision']:>10.3f}{m['fpr']:>8.3f}"
            )
    if report.confusion:
        lines.append("")
        lines.append("confusion (rows: true, columns: predicted)")
        lines.append(" " * 10 + "".join(f"{lv.value:>10}" for lv in LEVELS))
        for lv, row in zip(LEVELS, report.confusion, strict=True):
            lines.append(f"{lv.value:<10}" + "".join(f"{c:>10}" for c in row))
    if report.misclassified:
        lines.append("")
        lines.append(f"misclassified (first {len(report.misclassified)}):")
        for m in report.misclassified:
            snippet = m["text"].replace("\n", " ")
            snippet = snippet if len(snippet) <= 160 else snippet[:157] + "..."
            lines.append(f"  [{m['label']} -> {m['predicted']}] {snippet}")
    return "\n".join(lines)
