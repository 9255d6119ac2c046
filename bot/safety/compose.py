"""Long multi-topic training posts, composed from short labelled ones.

Real crisis posts bury the one sentence that matters among chatter about
work, family and the weekend; a head trained only on single-topic messages
learns that a long, mostly calm post is calm (measured: crisis recall fell
from 0.94 to 0.77 when each held-out message was buried among five calm
ones). So at training time each labelled message is also shown buried:
its sentences interleaved, in order, with the sentences of calm or
distressed messages from the *same* split. Nothing composed is stored; the
same seed gives the same posts.

The label is the most serious component: a crisis sentence makes the post
a crisis, and a post built only of distress stays ``concern``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.safety.window import split_units

# Filler comes from messages at these levels or below (none, concern).
FILLER_MAX_LEVEL = 1
# How long a composed post grows, in words (real forum posts: mostly 60-350).
MIN_WORDS = 60
MAX_WORDS = 320
MAX_FILLERS = 12


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    level: int  # 0 none, 1 concern, 2 elevated, 3 high
    categories: tuple[str, ...]


def compose_posts(rows: Sequence[Labelled], *, per_row: int, seed: int) -> list[Labelled]:
    """``per_row`` long posts around every row, fillers drawn from ``rows`` themselves.

    Pass one split at a time so that composed posts never mix splits.
    """
    rng = np.random.default_rng(seed)
    fillers = [i for i, r in enumerate(rows) if r.level <= FILLER_MAX_LEVEL]
    out: list[Labelled] = []
    if len(fillers) < 2:
        return out
    for index, core in enumerate(rows):
        for _ in range(per_row):
            out.append(
                _bury(core, [rows[i] for i in _pick_fillers(rng, rows, fillers, index)], rng)
            )
    return out


def _pick_fillers(
    rng: np.random.Generator, rows: Sequence[Labelled], fillers: list[int], core: int
) -> list[int]:
    target = int(rng.integers(MIN_WORDS, MAX_WORDS + 1))
    words = len(rows[core].text.split())
    chosen: list[int] = []
    for i in rng.permutation(fillers):
        if words >= target or len(chosen) >= MAX_FILLERS:
            break
        if int(i) != core:
            chosen.append(int(i))
            words += len(rows[int(i)].text.split())
    return chosen


def _bury(core: Labelled, fillers: list[Labelled], rng: np.random.Generator) -> Labelled:
    """The core's sentences, in order, at random places among the fillers' sentences."""
    filler_units = [u for f in fillers for u in split_units(f.text)]
    core_units = split_units(core.text)
    slots = sorted(int(s) for s in rng.integers(0, len(filler_units) + 1, size=len(core_units)))
    units: list[str] = []
    taken = 0
    for position in range(len(filler_units) + 1):
        while taken < len(core_units) and slots[taken] == position:
            units.append(core_units[taken])
            taken += 1
        if position < len(filler_units):
            units.append(filler_units[position])
    level = max([core.level, *(f.level for f in fillers)])
    categories = dict.fromkeys([*core.categories, *(c for f in fillers for c in f.categories)])
    return Labelled(" ".join(units), level, tuple(categories))
