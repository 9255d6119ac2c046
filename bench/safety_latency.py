"""Classify latency after loading: lexicon alone vs lexicon + semantic, side by side.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/safety_latency.py [--repeat 3]

Runs every message of the labelled set (all splits; latency does not depend
on labels) through each configuration, caches cleared, and prints p50/p95/max
in milliseconds plus the ratio between them. Real forum posts are mostly long,
so they are measured apart: every labelled post over 80 words (mostly the
long forum-style posts we wrote), and a "forum mix" of 200 posts built by
joining 2 to 8 of our shorter forum-style messages (roughly 60 to 450 words).
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
