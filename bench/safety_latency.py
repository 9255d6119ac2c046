"""Classify latency after loading: lexicon alone vs lexicon + semantic, side by side.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/safety_latency.py [--repeat 3] [--passes]
        [--budgets 94,128,160]

Runs every message of the labelled set (all splits; latency does not depend
on labels) through each configuration, caches cleared, and prints p50/p95/max
in milliseconds plus the ratio between them. Real forum posts are mostly long,
so they are measured apart: every labelled post over 80 words (mostly the
long forum-style posts we wrote), and a "forum mix" of 200 posts built by
joining 2 to 8 of our shorter forum-style messages (roughly 60 to 450 words).

``--passes`` times the whole classify of the long posts two ways, interleaved
post by post: the previous release's way (lexicon scan, then the encoder as a
plain loop of torch ops, Python's 5 ms GIL switch interval) against the
shipped one (the encoder's traced graph reading while the lexicon scans,
``semantic.GIL_SWITCH_INTERVAL``), alone and again while another thread keeps
scanning other posts (a second person writing at once: Python work that
wants the GIL).

``--budgets`` also times the whole classify of the long posts at several
encoder read budgets (word pieces), interleaved post by post so that a noisy
machine hits them all alike. Only latency is meaningful there: the shipped
head's thresholds belong to the shipped budget.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

import bot.safety.semantic as semantic_module
from bot.safety.assessor import RiskAssessor
from bot.safety.lean_encoder import GradingPass
from bot.safety.lexicon import Lexicon, LexiconResult
from bot.safety.normalize import normalize
from bot.safety.semantic import SemanticClassifier, SemanticResult
from bot.safety.train_head import DATA_PATH, read_labeled


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


def in_turns(
    semantic: SemanticClassifier,
    texts: list[str],
    ways: dict[str, tuple[RiskAssessor, Callable[[], None]]],
) -> dict[str, list[float]]:
    """Whole-classify times, every way taking its turn on each post (so a noisy machine
    hits them all alike); each way's setup runs before its turn, caches cleared."""
    times: dict[str, list[float]] = {name: [] for name in ways}
    for text in texts:
        for name, (assessor, setup) in ways.items():
            setup()
            semantic.clear_cache()
            start = time.perf_counter()
            assessor.assess(text)
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def measure_budgets(
    assessor: RiskAssessor, semantic: SemanticClassifier, texts: list[str], budgets: list[int]
) -> dict[int, np.ndarray]:
    """Whole-classify times per read budget (view_post reads TOKEN_BUDGET at call time)."""
    shipped = semantic_module.TOKEN_BUDGET

    def use(budget: int) -> Callable[[], None]:
        return lambda: setattr(semantic_module, "TOKEN_BUDGET", budget)

    try:
        times = in_turns(semantic, texts, {str(b): (assessor, use(b)) for b in budgets})
    finally:
        semantic_module.TOKEN_BUDGET = shipped
    return {int(b): np.array(t) for b, t in times.items()}


class InTurn(RiskAssessor):
    """The previous release's order: the encoder starts only once the lexicon is done."""

    def _start_semantic(self, norm: str) -> Callable[[LexiconResult | None], SemanticResult | None]:
        start = super()._start_semantic
        return lambda lex: start(norm)(lex)


def measure_passes(
    semantic: SemanticClassifier, lexicon: Lexicon, texts: list[str]
) -> dict[str, np.ndarray]:
    """Whole-classify times, the two ways taking turns on each post (see the docstring)."""
    encoder = semantic._encoder
    traced = encoder.grading_pass
    shipped_interval = sys.getswitchinterval()

    def use(grading_pass: GradingPass, interval: float) -> Callable[[], None]:
        def setup() -> None:
            encoder.grading_pass = grading_pass
            sys.setswitchinterval(interval)

        return setup

    before, now = InTurn(lexicon), RiskAssessor(lexicon)
    for assessor in (before, now):
        assessor.use_semantic(semantic)
    runs = {  # the previous release ran at Python's default switch interval, 5 ms
        "plain loop after the lexicon": (before, use(traced.plain(), 0.005)),
        "graph while the lexicon scans": (now, use(traced, shipped_interval)),
    }
    times: dict[str, np.ndarray] = {}
    try:
        # Busy, the plain loop waits for the GIL at every op: 150 posts are plenty.
        for busy, subset in ((False, texts), (True, texts[:150])):
            stop = threading.Event()
            neighbour = threading.Thread(
                target=_keep_scanning, args=(lexicon, texts[::-1], stop), daemon=True
            )
            if busy:
                neighbour.start()
            for name, t in in_turns(semantic, subset, runs).items():
                times[f"{name}{', another thread busy' if busy else ''} (n={len(subset)})"] = (
                    np.array(t)
                )
            stop.set()
            if busy:
                neighbour.join()
    finally:
        encoder.grading_pass = traced
        sys.setswitchinterval(shipped_interval)
    return times


def _keep_scanning(lexicon: Lexicon, texts: list[str], stop: threading.Event) -> None:
    while not stop.is_set():
        for text in texts:
            if stop.is_set():
                return
            lexicon.scan(normalize(text))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--passes", action="store_true", help="time the grading pass two ways side by side"
    )
    parser.add_argument(
        "--budgets", default="", help="comma-separated read budgets to time side by side"
    )
    args = parser.parse_args()
    rows = read_labeled(DATA_PATH)
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
    if args.passes:
        by_way = measure_passes(semantic, lexicon, long_texts)
        ref = np.percentile(next(iter(by_way.values())), 95)
        print("posts > 80 words, grading pass side by side (p95 ratio to the first row):")
        for name, t in by_way.items():
            p95 = np.percentile(t, 95)
            print(
                f"  {name:<52} p50 {np.percentile(t, 50):7.2f}  p95 {p95:7.2f} ms"
                f"  ({p95 / ref:.2f})"
            )
    if args.budgets:
        budgets = [int(b) for b in args.budgets.split(",")]
        by_budget = measure_budgets(combined, semantic, long_texts, budgets)
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
