"""Classify latency after loading: lexicon alone vs lexicon + semantic, side by side.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/safety_latency.py [--repeat 3] [--budgets 94,128,160]

Runs every message of the labelled set (all splits; latency does not depend
on labels) through each configuration, caches cleared, and prints p50/p95/max
in milliseconds plus the ratio between them. Real forum posts are mostly long,
so they are measured apart: every labelled post over 80 words (mostly the
long forum-style posts we wrote), and a "forum mix" of 200 posts built by
joining 2 to 8 of our shorter forum-style messages (roughly 60 to 450 words).

``--budgets`` also times the whole classify of the long posts at several
encoder read budgets (word pieces), interleaved post by post so that a noisy
machine hits them all alike. Only latency is meaningful there: the shipped
head's thresholds belong to the shipped budget.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

import bot.safety.semantic as semantic_module
from bot.safety.assessor import RiskAssessor
from bot.safety.lexicon import Lexicon
from bot.safety.semantic import SemanticClassifier
from bot.safety.train_head import DATA_PATH


def measure(assessor: RiskAssessor, texts: list[str], repeat: int) -> np.ndarray:
    times = []
    for _ in range(repeat):
        if assessor.semantic is not None:
            assessor.semantic.clear_cache()
        for text in texts:
            start = time.perf_counter()
            assessor.assess(text)
            times.append((time.perf_counter() - start) * 1000)
    return np.array(times)


def measure_budgets(
    assessor: RiskAssessor, texts: list[str], budgets: list[int]
) -> dict[int, np.ndarray]:
    """Whole-classify times per read budget, the budgets taking turns on each post."""
    times: dict[int, list[float]] = {b: [] for b in budgets}
    shipped = semantic_module.TOKEN_BUDGET
    try:
        for text in texts:
            for budget in budgets:
                semantic_module.TOKEN_BUDGET = budget  # read by view_post at call time
                if assessor.semantic is not None:
                    assessor.semantic.clear_cache()
                start = time.perf_counter()
                assessor.assess(text)
                times[budget].append((time.perf_counter() - start) * 1000)
    finally:
        semantic_module.TOKEN_BUDGET = shipped
    return {b: np.array(t) for b, t in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--budgets", default="", help="comma-separated read budgets to time side by side"
    )
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for line in DATA_PATH.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = [r["text"] for r in rows]
    long_texts = [t for t in texts if len(t.split()) > 80]
    forum = [r["text"] for r in rows if r.get("source") == "forum-style-v2"]
    rng = np.random.default_rng(7)
    forum_mix = [
        " ".join(rng.choice(forum, size=int(rng.integers(2, 9)), replace=False)) for _ in range(200)
    ]
    words = np.array([len(t.split()) for t in forum_mix])
    print(f"forum mix: {len(forum_mix)} posts, words p50 {np.median(words):.0f}, max {words.max()}")
    load_start = time.perf_counter()
    semantic = SemanticClassifier.load()
    print(f"semantic layer loaded in {time.perf_counter() - load_start:.2f} s")
    lexicon = Lexicon()
    combined = RiskAssessor(lexicon)
    combined.use_semantic(semantic)
    combined.assess("warm up")
    results = {
        "lexicon only": measure(RiskAssessor(lexicon), texts, args.repeat),
        "lexicon only, forum mix": measure(RiskAssessor(lexicon), forum_mix, args.repeat),
        "lexicon only, forum mix, no prefilter": measure(
            RiskAssessor(Lexicon(prefilter=False)), forum_mix, args.repeat
        ),
        "lexicon + semantic": measure(combined, texts, args.repeat),
        f"lexicon + semantic, posts > 80 words (n={len(long_texts)})": measure(
            combined, long_texts, args.repeat
        ),
        "lexicon + semantic, forum mix": measure(combined, forum_mix, args.repeat),
    }
    print(f"{'configuration':<48}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, t in results.items():
        print(f"{name:<48}{np.percentile(t, 50):>9.2f}{np.percentile(t, 95):>9.2f}{t.max():>9.2f}")
    base = np.percentile(results["lexicon only"], 50)
    print(
        f"semantic/lexicon p50 ratio: {np.percentile(results['lexicon + semantic'], 50) / base:.0f}x"
    )
    if args.budgets:
        budgets = [int(b) for b in args.budgets.split(",")]
        by_budget = measure_budgets(combined, long_texts, budgets)
        shipped = semantic_module.TOKEN_BUDGET
        ref = by_budget.get(shipped, by_budget[budgets[0]])
        print(f"posts > 80 words by read budget (shipped: {shipped} pieces), side by side:")
        for budget, t in by_budget.items():
            p95 = np.percentile(t, 95)
            print(
                f"  {budget:>4} pieces: p50 {np.percentile(t, 50):6.2f}  p95 {p95:6.2f} ms"
                f"  (p95 ratio to the reference {p95 / np.percentile(ref, 95):.2f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
