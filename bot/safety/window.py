"""Which part of a long post the encoder reads.

The encoder's cost grows with every word piece (measured here on one int8
thread: ~13 ms for 128 pieces, ~28 ms for 256, ~42 ms for four 128-piece
chunks), so reading a 400-word forum post whole cannot fit a 20 ms budget.
Instead the post is cut into short units (sentences; run-ons cut further),
each unit gets a cheap score, and the best units that fit the budget are read
together in their original order. The rest of the post is not lost: the head
also sees the whole post's static word-piece vector and what the lexicon found,
and both read every word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Sentence ends, and line breaks (forum posts often have no punctuation at all).
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*")
# A lowercase run-on has no sentence ends: cut it so one unit cannot fill the budget.
UNIT_WORDS = 24


def split_units(text: str, max_words: int = UNIT_WORDS) -> list[str]:
    """Sentences of at most ``max_words`` words, in order; never empty for non-empty text."""
    units: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        words = sentence.split()
        units.extend(" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words))
    return units or [text]


def pick_units(lengths: Sequence[int], scores: Sequence[float], budget: int) -> list[int]:
    """Indices of the units to read, in post order.

    Greedy by score: the riskiest-looking unit first, then the next that still
    fits. A unit that does not fit is skipped, not cut, so what the encoder
    reads stays whole sentences. If even the best unit is too long, it alone
    is chosen (the caller cuts it to the budget).
    """
    if sum(lengths) <= budget:
        return list(range(len(lengths)))
    order = sorted(range(len(lengths)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = 0
    for i in order:
        if used + lengths[i] <= budget:
            chosen.append(i)
            used += lengths[i]
    return sorted(chosen) if chosen else [order[0]]
