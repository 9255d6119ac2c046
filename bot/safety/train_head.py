"""Train the semantic head: ``python -m bot.safety.train_head [--data FILE] [--out FILE]``.

The head is logistic regression on the vectors of the tuned MiniLM
(``train_encoder``, run first) over our own labelled set
(``assets/labeled/``). Examples marked ``split: test`` are never used
here: they are the held-out set the README's figures come from. Every
train and val row is also shown buried in long multi-topic posts composed
from its own fold (``compose.py``). Decision thresholds are chosen for the
whole system (lexicon + head) on 5-fold out-of-fold predictions, judged on
the val rows only (the encoder was tuned on train), short and long posts
apart, long ones on the long posts we wrote; the shipped head is then
fitted on train and val.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.safety.compose import Labelled, compose_posts
from bot.safety.lexicon import Lexicon
from bot.safety.normalize import normalize
from bot.safety.semantic import (
    FEATURE_NAMES,
    HEAD_PATH,
    LEVELS,
    Encoder,
    Head,
    PostView,
    embedding_inputs,
    lexicon_features,
    selector_scores,
    softmax,
    view_post,
)

# One JSON-lines file per batch as it was added, read in name order: one file for the
# whole set had passed 5 MB, and the order fixes the cross-validation folds.
DATA_PATH = Path(__file__).with_name("assets") / "labeled"
# The ``source`` of the long forum posts we wrote, one per batch of writers: v4 (240 posts by
# writers the classifier never trained on, all in test) measures how it reads new voices.
LONG_POST_SOURCES = ("long-post-v3", "long-post-v4", "long-post-v5")
CATEGORIES = (
    "suicidal_ideation",
    "self_harm",
    "method_seeking",
    "third_party",
    "abuse_violence",
    "distress",
)
L2 = 1e-3  # chosen on out-of-fold predictions over train+val (1e-5 .. 3e-2 tried)
# The elevated threshold keeps this crisis recall on val: a margin over the 0.95
# target, as a threshold picked at the edge of 0.96 on val gave 0.87 on test ...
RECALL_TARGET = 0.97
# ... unless that grades more than this share of non-crisis posts elevated+ (the
# issue's limit is 0.25); then the most recall within the limit.
FALSE_ALARM_CAP = 0.25
# More recall than the target while val's false elevated+ stays within this budget (a
# margin under the cap). A miss costs a person the crisis lines; a false elevated costs a
# safer prompt and resources appended to a normal reply. And recall chosen on val has
# landed 2-4 points lower out of sample in every round (test, and the 240 posts of new
# writers in long-post-v4: 0.974 on val, 0.937 and 0.942 there), while false alarms
# moved by about one point.
FALSE_ALARM_BUDGET = 0.22
# Missing a crisis costs more than a false alarm: weight the crisis levels up.
CLASS_WEIGHTS = np.array([1.0, 1.0, 1.6, 1.6], dtype=np.float32)
SELECT_L2 = 1e-3
SEED = 13
FOLDS = 5
# Long posts composed around each train/val row (compose.py). With 1,000 real long
# posts in train+val, 1 beat 2 and 0 on val (long-post recall at 25% false alarms:
# 0.92 against 0.89 and 0.91).
COMPOSED_PER_ROW = 1
# Long-post thresholds are chosen on real long posts once there are this many in val.
MIN_REAL_LONG = 60


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    level: int
    categories: tuple[str, ...]
    split: str


def read_labeled(path: Path) -> list[dict[str, Any]]:
    """The labelled rows of a folder of ``*.jsonl`` files (in name order) or of one file."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return [
        json.loads(line)
        for file in files
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def load_rows(path: Path) -> list[Row]:
    names = [lv.value for lv in LEVELS]
    return [
        Row(
            r["text"],
            names.index(r["label"]),
            tuple(r.get("categories", ())),
            r.get("split", "train"),
        )
        for r in read_labeled(path)
    ]


def no_scores(units: np.ndarray) -> np.ndarray:
    return np.zeros(len(units), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Encoded:
    """Each post's view and the encoder vectors of the units it reads."""

    views: list[PostView]
    vectors: list[np.ndarray]  # per post: (units read, EMBED_DIM)


def encode_posts(
    encoder: Encoder,
    texts: list[str],
    score_units: Callable[[np.ndarray], np.ndarray] = no_scores,
) -> Encoded:
    """Every post read exactly as grading reads it: its units in one padded pass.

    Not in length-sorted batches across posts: int8 activations are scaled per
    pass, so a unit batched with other posts' units came out different (measured
    on val, pooled cosine to the graded vector: short messages mean 0.960, min
    0.81; long posts mean 0.967, min 0.91) and the head learnt on vectors it
    would never be shown.
    """
    views: list[PostView] = []
    pending: list[Future[np.ndarray]] = []
    for text in texts:
        views.append(view_post(encoder, normalize(text), score_units))
        pending.append(encoder.start(views[-1].units))  # reads while we cut the next
    return Encoded(views, [p.result() for p in pending])


def embed_rows(encoded: Encoded) -> np.ndarray:
    """What the classifier sees of each post apart from the lexicon."""
    return np.stack(
        [
            embedding_inputs(vectors, view)
            for view, vectors in zip(encoded.views, encoded.vectors, strict=True)
        ]
    )


def static_rows(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """Whole-post static vectors only (no forward pass): what the unit selector learns from."""
    return np.stack([view_post(encoder, normalize(t), no_scores).static for t in texts])


def fit_selector(static: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Crisis vs not on static vectors; applied to single sentences to fill the window."""
    w, b = fit_categories(static, (y >= 2).astype(np.float32)[:, None], l2=SELECT_L2)
    return w[:, 0].astype(np.float32), float(b[0])


def unit_scorer(w_select: np.ndarray, b_select: float) -> Callable[[np.ndarray], np.ndarray]:
    """The fitted selector as the window applies it (``Head.unit_scores`` at run time)."""
    return lambda units: selector_scores(units, w_select, b_select)


def fit_softmax(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, l2: float = L2
) -> tuple[np.ndarray, np.ndarray]:
    import torch

    torch.manual_seed(SEED)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y.astype(np.int64))
    w = torch.zeros((x.shape[1], 4), requires_grad=True)
    b = torch.zeros(4, requires_grad=True)
    cw = torch.from_numpy(weights)
    opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=300, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(xt @ w + b, yt, weight=cw) + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy(), b.detach().numpy()


@dataclass(frozen=True, slots=True)
class LevelHeads:
    """One softmax for posts read whole, one for posts read as units (``Head.w_long``)."""

    w_short: np.ndarray
    b_short: np.ndarray
    w_long: np.ndarray
    b_long: np.ndarray

    def probs(self, x: np.ndarray, long: np.ndarray) -> np.ndarray:
        out = softmax(x @ self.w_short + self.b_short)
        out[long] = softmax(x[long] @ self.w_long + self.b_long)
        return out


def fit_level_heads(x: np.ndarray, y: np.ndarray, long: np.ndarray) -> LevelHeads:
    """Short messages and long posts apart: their vectors differ in kind (one pass over
    the whole message against a pooled window of chosen units). A labelled set with
    only one kind gets one softmax for both."""
    if long.all() or not long.any():
        w, b = fit_softmax(x, y, CLASS_WEIGHTS)
        return LevelHeads(w, b, w, b)
    w_s, b_s = fit_softmax(x[~long], y[~long], CLASS_WEIGHTS)
    w_l, b_l = fit_softmax(x[long], y[long], CLASS_WEIGHTS)
    return LevelHeads(w_s, b_s, w_l, b_l)


def fit_categories(
    x: np.ndarray, labels: np.ndarray, l2: float = L2
) -> tuple[np.ndarray, np.ndarray]:
    import torch

    xt = torch.from_numpy(x)
    yt = torch.from_numpy(labels.astype(np.float32))
    w = torch.zeros((x.shape[1], labels.shape[1]), requires_grad=True)
    b = torch.zeros(labels.shape[1], requires_grad=True)
    pos = yt.sum(0).clamp(min=1)
    pos_weight = ((yt.shape[0] - pos) / pos).clamp(max=10)
    opt = torch.optim.LBFGS([w, b], lr=0.5, max_iter=300, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(
            xt @ w + b, yt, pos_weight=pos_weight
        )
        loss = loss + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach().numpy(), b.detach().numpy()


def choose_thresholds(
    probs: np.ndarray, y: np.ndarray, lexicon_levels: np.ndarray
) -> dict[str, float]:
    """Pick the semantic thresholds for the combined system on held-out predictions.

    Elevated: see ``choose_elevated``. High: the lowest keeping non-crisis
    graded high <= 0.01. Concern: the highest keeping 90% of distress at concern+.
    """
    non = y < 2
    best_el = choose_elevated(probs[:, 2] + probs[:, 3], y, lexicon_levels)
    best_high = 0.95
    for t in np.arange(0.95, 0.30, -0.01):
        pred_high = (probs[:, 3] >= t) | (lexicon_levels >= 3)
        if pred_high[non].mean() > 0.01:
            break
        best_high = float(t)
    p_any = 1.0 - probs[:, 0]
    concern = y >= 1
    best_c = 0.5
    for t in np.arange(0.90, 0.05, -0.01):
        if ((p_any >= t) | (lexicon_levels >= 1))[concern].mean() >= 0.90:
            best_c = float(t)
            break
    return {"elevated": round(best_el, 2), "high": round(best_high, 2), "concern": round(best_c, 2)}


def as_labelled(rows: list[Row]) -> list[Labelled]:
    return [Labelled(r.text, r.level, r.categories) for r in rows]


def with_composed(rows: list[Row], seed: int) -> list[Labelled]:
    """The rows plus long posts composed from them alone (see compose.py)."""
    plain = as_labelled(rows)
    return plain + compose_posts(plain, per_row=COMPOSED_PER_ROW, seed=seed)


@dataclass(frozen=True, slots=True)
class Judged:
    """Which posts may choose thresholds."""

    fresh: np.ndarray  # from the val split (or composed around a val row)
    written: np.ndarray  # a labelled row itself, not composed


@dataclass(frozen=True, slots=True)
class Features:
    embedded: np.ndarray  # encoder window + static vector
    hybrid: np.ndarray  # the same plus lexicon features
    levels: np.ndarray  # the labels
    lexicon_levels: np.ndarray
    categories: np.ndarray
    long: np.ndarray  # read as several units (too long to read whole)


def featurize(
    lexicon: Lexicon,
    rows: list[Labelled],
    encoded: Encoded,
) -> Features:
    x = embed_rows(encoded)
    scans = [lexicon.scan(normalize(r.text)) for r in rows]
    return Features(
        embedded=x,
        hybrid=np.hstack([x, np.stack([lexicon_features(scan) for scan in scans])]),
        levels=np.array([r.level for r in rows]),
        lexicon_levels=np.array([scan.level.rank for scan in scans]),
        categories=np.array(
            [[c in r.categories for c in CATEGORIES] for r in rows], dtype=np.float32
        ),
        long=np.array([v.is_long for v in encoded.views]),
    )


def out_of_fold_thresholds(
    data: Features, folds: np.ndarray, judged: Judged, *, embedding_only: bool
) -> dict[str, float]:
    """Thresholds on out-of-fold predictions; short and long posts apart.

    Every post (plain or composed) belongs to the fold of the rows it was
    composed from, so no fold's head has seen any sentence it is graded on.
    Only ``judged.fresh`` posts (val split) choose: the tuned encoder trained
    on the train split, so its vectors of train rows are too easy. Long posts
    are judged on the real long posts we wrote when there are enough of them,
    else on composed ones.
    """
    x = data.embedded if embedding_only else data.hybrid
    probs = np.zeros((len(data.levels), 4), dtype=np.float32)
    for k in range(FOLDS):
        held = folds == k
        if embedding_only:  # one head, as shipped (it only measures the layer alone)
            w, b = fit_softmax(x[~held], data.levels[~held], CLASS_WEIGHTS)
            probs[held] = softmax(x[held] @ w + b)
        else:
            heads = fit_level_heads(x[~held], data.levels[~held], data.long[~held])
            probs[held] = heads.probs(x[held], data.long[held])
    lex = np.zeros_like(data.lexicon_levels) if embedding_only else data.lexicon_levels
    short = judged.fresh & ~data.long
    chosen = choose_thresholds(probs[short], data.levels[short], lex[short])
    real_long = judged.fresh & data.long & judged.written
    long = real_long if real_long.sum() >= MIN_REAL_LONG else judged.fresh & data.long
    for name, value in choose_thresholds(probs[long], data.levels[long], lex[long]).items():
        chosen[f"long.{name}"] = value
    if not embedding_only:
        for label, mask, prefix in (("short", short, ""), ("long", long, "long.")):
            pred = (probs[mask, 2] + probs[mask, 3] >= chosen[f"{prefix}elevated"]) | (
                lex[mask] >= 2
            )
            crisis = data.levels[mask] >= 2
            print(
                f"  val {label} posts (n={int(mask.sum())}): crisis recall at elevated+ "
                f"{pred[crisis].mean():.3f}, non-crisis elevated+ {pred[~crisis].mean():.3f} "
                "(head and lexicon level only)",
                file=sys.stderr,
            )
    return chosen


def choose_elevated(p_crisis: np.ndarray, y: np.ndarray, lexicon_levels: np.ndarray) -> float:
    """The lowest threshold keeping false alarms within FALSE_ALARM_BUDGET, if its crisis
    recall reaches RECALL_TARGET; otherwise the highest threshold reaching the target
    within FALSE_ALARM_CAP, or failing that the lowest within the cap."""
    crisis = y >= 2
    within_budget = within_cap = reaching = None
    for t in np.arange(0.90, 0.05, -0.01):
        pred = (p_crisis >= t) | (lexicon_levels >= 2)
        false_alarms = pred[~crisis].mean()
        if false_alarms > FALSE_ALARM_CAP:
            break
        within_cap = float(t)
        if false_alarms <= FALSE_ALARM_BUDGET:
            within_budget = float(t)
        if reaching is None and pred[crisis].mean() >= RECALL_TARGET:
            reaching = float(t)
    if within_budget is not None and reaching is not None and within_budget <= reaching:
        return within_budget
    return reaching if reaching is not None else (within_cap if within_cap is not None else 0.90)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.safety.train_head", description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA_PATH)
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    rows = load_rows(args.data)
    seen = [r for r in rows if r.split in ("train", "val")]
    print(
        f"training on {len(seen)} examples (train + val, each also composed into long "
        "posts; the test split is never read)",
        file=sys.stderr,
    )
    start = time.perf_counter()
    encoder = Encoder()
    w_select, b_select = fit_selector(
        static_rows(encoder, [r.text for r in seen]), np.array([r.level for r in seen])
    )

    score_units = unit_scorer(w_select, b_select)

    lexicon = Lexicon()
    # Rows are dealt into folds first; long posts are composed inside each fold.
    fold_of = np.random.default_rng(SEED).permutation(len(seen)) % FOLDS
    posts: list[Labelled] = []
    folds: list[int] = []
    plain: list[bool] = []
    fresh: list[bool] = []
    for k in range(FOLDS):
        members = [row for row, f in zip(seen, fold_of, strict=True) if f == k]
        composed = with_composed(members, SEED + k)
        posts += composed
        folds += [k] * len(composed)
        plain += [i < len(members) for i in range(len(composed))]
        # compose_posts writes COMPOSED_PER_ROW posts per member, in member order.
        cores = [*members, *(m for m in members for _ in range(COMPOSED_PER_ROW))]
        fresh += [cores[i].split == "val" for i in range(len(composed))]
    data = featurize(lexicon, posts, encode_posts(encoder, [p.text for p in posts], score_units))
    print(f"embedded {len(posts)} posts in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    fold_ids = np.array(folds)
    judged = Judged(fresh=np.array(fresh), written=np.array(plain))
    thresholds = out_of_fold_thresholds(data, fold_ids, judged, embedding_only=False)
    print(f"thresholds (out-of-fold, with composed posts): {thresholds}", file=sys.stderr)
    # The embedding-only head (to measure the semantic layer alone) gets its own thresholds.
    for name, value in out_of_fold_thresholds(data, fold_ids, judged, embedding_only=True).items():
        thresholds[f"embed.{name}"] = value

    levels = fit_level_heads(data.hybrid, data.levels, data.long)
    w_embed, b_embed = fit_softmax(data.embedded, data.levels, CLASS_WEIGHTS)
    # Categories from the messages themselves: in a composed post the filler's
    # distress labels are guesses, and third-party worry is one sentence among many
    # (measured: trained on composed posts too, third_party fell below 0.5 on plain
    # third-party messages).
    mask = np.array(plain)
    wc, bc = fit_categories(data.hybrid[mask], data.categories[mask])
    head = Head(
        w_level=levels.w_short.astype(np.float32),
        b_level=levels.b_short.astype(np.float32),
        w_cat=wc.astype(np.float32),
        b_cat=bc.astype(np.float32),
        categories=CATEGORIES,
        thresholds=thresholds,
        w_embed=w_embed.astype(np.float32),
        b_embed=b_embed.astype(np.float32),
        feature_names=FEATURE_NAMES,
        encoder_id=encoder.encoder_id,
        w_select=w_select,
        b_select=b_select,
        w_long=levels.w_long.astype(np.float32),
        b_long=levels.b_long.astype(np.float32),
    )
    head.save(args.out)
    print(f"saved {args.out} ({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
