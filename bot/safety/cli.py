"""``python -m bot classify`` and ``python -m bot safety-eval FILE`` (dispatched by bot/cli.py).

Stdout carries only results; notes and warnings go to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from bot.config import HavenConfig
from bot.safety.evaluation import evaluate, format_report, read_examples
from bot.safety.service import HavenSafety


def _layer(config: HavenConfig) -> HavenSafety:
    layer = HavenSafety(config)
    layer.assess_sync("")  # loads the semantic model once, before timing anything
    if config.safety.semantic and layer.semantic_status != "ready":
        print(f"note: semantic layer {layer.semantic_status}; lexicon only", file=sys.stderr)
    return layer


def run_classify(config: HavenConfig, stdin: TextIO, stdout: TextIO) -> int:
    """One JSON object per input line: {"risk", "score", "categories"}; each line on its own."""
    layer = _layer(config)
    for line in stdin:
        assessment = layer.assess_sync(line.rstrip("\r\n"))
        stdout.write(json.dumps(assessment.to_json(), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def run_safety_eval(config: HavenConfig, path: Path, stdout: TextIO) -> int:
    """Recall, precision and FPR per level, confusion matrix, latency, misclassified examples."""
    try:
        examples, problems = read_examples(path)
    except OSError as exc:
        print(f"cannot read {path}: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    if not examples:
        print(
            f'no usable examples in {path} (expected JSON lines with "text" and "label")',
            file=sys.stderr,
        )
        return 2
    layer = _layer(config)
    report = evaluate(examples, layer.assess_sync)
    stdout.write(format_report(report) + "\n")
    stdout.write("\n" + json.dumps(report.to_json()) + "\n")
    return 0
