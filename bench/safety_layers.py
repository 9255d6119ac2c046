"""Each detection layer's contribution on the held-out split of our labelled set.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/safety_layers.py [--split test]

Prints crisis recall (elevated or above), the share of non-crisis messages
graded high and elevated+, for: a plain keyword list, the lexicon alone, the
semantic head alone, and the combined layer. Numbers for docs/safety.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

from bench.roughen import roughen
from bot.safety.assessor import RiskAssessor
from bot.safety.evaluation import EvalReport, Example, evaluate
from bot.safety.lexicon import Lexicon
from bot.safety.semantic import HEAD_PATH, SemanticClassifier
from bot.safety.train_head import DATA_PATH, LONG_POST_SOURCES, read_labeled
from bot.safety.types import RiskAssessment, RiskLevel

ROUGH_SEEDS = (7, 8, 9)
KEYWORDS = re.compile(r"suicide|self-harm|self harm|kill myself|end it all", re.IGNORECASE)


def keyword_baseline(text: str) -> RiskAssessment:
    """The comparison the issue names: a plain list, no normalisation, no context."""
    hit = bool(KEYWORDS.search(text))
    return RiskAssessment(RiskLevel.HIGH if hit else RiskLevel.NONE, 1.0 if hit else 0.0)


def row(name: str, report: EvalReport) -> str:
    return (
        f"{name:<15}{report.crisis_recall:>8.3f}{report.non_crisis_high:>17.3f}"
        f"{report.non_crisis_elevated_plus:>18.3f}{report.crisis_precision:>11.3f}"
    )


def mean_report(reports: list[EvalReport]) -> EvalReport:
    """The shares the rows print, averaged over reports of the same rows."""
    return dataclasses.replace(
        reports[0],
        **{
            name: float(np.mean([getattr(r, name) for r in reports]))
            for name in (
                "crisis_recall",
                "non_crisis_high",
                "non_crisis_elevated_plus",
                "crisis_precision",
            )
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test")
    parser.add_argument("--data", type=Path, default=DATA_PATH)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--long",
        action="store_true",
        help="also grade long posts made by burying each held-out message among 5 others "
        "from the same split that are not crises (~120-300 words)",
    )
    parser.add_argument(
        "--rough",
        action="store_true",
        help="also grade forum-rough copies of the split (one paragraph, few stops, "
        "'im', 'u', 3%% of words with two letters swapped: bench/roughen.py), "
        "averaged over three copies",
    )
    parser.add_argument(
        "--head", type=Path, default=HEAD_PATH, help="a head other than the shipped one"
    )
    args = parser.parse_args()
    rows = read_labeled(args.data)
    examples = [Example(r["text"], r["label"]) for r in rows if r.get("split") == args.split]
    semantic = SemanticClassifier.load(args.head)
    lexicon = Lexicon()
    combined = RiskAssessor(lexicon)
    combined.use_semantic(semantic)
    semantic_only = RiskAssessor(lexicon, use_lexicon=False)
    semantic_only.use_semantic(semantic)
    systems = {
        "keyword list": keyword_baseline,
        "lexicon only": RiskAssessor(lexicon).assess,
        "semantic only": semantic_only.assess,
        "combined": combined.assess,
    }
    results = {}
    print(f"split={args.split} n={len(examples)}", file=sys.stderr)
    print(
        f"{'system':<15}{'recall':>8}{'non-crisis high':>17}{'non-crisis elev+':>18}{'precision':>11}"
    )
    for name, fn in systems.items():
        report = evaluate(examples, fn)
        results[name] = report.to_json()
        print(row(name, report))
    # Each batch of the set apart: short messages, forum-style posts, long posts.
    sources = sorted({r.get("source") or "" for r in rows if r.get("split") == args.split})
    for source in [s or None for s in sources]:
        subset = [
            Example(r["text"], r["label"])
            for r in rows
            if r.get("split") == args.split and r.get("source") == source
        ]
        if subset:
            report = evaluate(subset, combined.assess)
            name = f"  {source or 'short'} (n={len(subset)})"
            print(row(name, report))
    long_posts = [
        Example(r["text"], r["label"])
        for r in rows
        if r.get("split") == args.split and r.get("source") in LONG_POST_SOURCES
    ]
    if long_posts:
        print(row(f"  all long posts (n={len(long_posts)})", evaluate(long_posts, combined.assess)))
    if args.rough:
        # Which words get a typo moves a share by a point or two: several copies, averaged.
        split_rows = [r for r in rows if r.get("split") == args.split]
        for name, kept in (
            ("combined, rough", split_rows),
            (
                "  long posts, rough",
                [r for r in split_rows if r.get("source") in LONG_POST_SOURCES],
            ),
        ):
            if kept:
                reports = [
                    evaluate(
                        [Example(roughen(r["text"], rng), r["label"]) for r in kept],
                        combined.assess,
                    )
                    for rng in (random.Random(seed) for seed in ROUGH_SEEDS)
                ]
                print(row(name, mean_report(reports)))
    if args.long:
        rng = np.random.default_rng(3)
        calm = [e.text for e in examples if e.label in ("none", "concern")]
        long_examples = []
        for e in examples:
            others = [
                str(t) for t in rng.choice([c for c in calm if c != e.text], 5, replace=False)
            ]
            at = int(rng.integers(0, 6))
            long_examples.append(Example(" ".join([*others[:at], e.text, *others[at:]]), e.label))
        report = evaluate(long_examples, combined.assess)
        print(row("combined, long", report))
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
