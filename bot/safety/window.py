"""Which part of a long post the encoder reads.

The encoder's cost grows with every word piece (measured here on one int8
thread: ~13 ms for 128 pieces, ~28 ms for 256, ~42 ms for four 128-piece
chunks), so reading a 400-word forum post whole cannot fit a 20 ms budget.
Instead the post is cut into short units (sentences, run-ons cut further,
short neighbours joined), each unit gets a cheap score, and the best units
that fit the budget are read, each unit on its own row of one padded batch,
so that one crisis sentence keeps its own vector instead of being averaged
away among chatter. The rest of the post is not lost: the head
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


def group_spans(word_counts: Sequence[int], max_words: int = UNIT_WORDS) -> list[range]:
    """Runs of neighbouring units joined up to ``max_words`` words (each run at least one unit).

    Each group is read by the encoder on its own, so "I'm not suicidal. Just
    tired." must stay together: the second sentence means little alone.
    """
    spans: list[range] = []
    start, words = 0, 0
    for i, n in enumerate(word_counts):
        if i > start and words + n > max_words:
            spans.append(range(start, i))
            start, words = i, 0
        words += n
    if word_counts:
        spans.append(range(start, len(word_counts)))
    return spans


def group_units(units: Sequence[str], max_words: int = UNIT_WORDS) -> list[str]:
    """``group_spans`` applied to text."""
    spans = group_spans([len(u.split()) for u in units], max_words)
    return [" ".join(units[i] for i in span) for span in spans]


def pick_units(
    lengths: Sequence[int], scores: Sequence[float], budget: int, *, padded: bool = False
) -> list[int]:
    """Indices of the units to read, in post order.

    Greedy by score: the riskiest-looking unit first, then the next that still
    fits. A unit that does not fit is skipped, not cut, so what the encoder
    reads stays whole sentences. If even the best unit is too long, it alone
    is chosen (the caller cuts it to the budget). With ``padded`` the units
    are read as rows of one padded batch, so the cost counted is rows times
    the longest row (measured: counting only real pieces let padding add 2-4 ms).
    """
    if sum(lengths) <= budget:
        return list(range(len(lengths)))
    order = sorted(range(len(lengths)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    used = longest = 0
    for i in order:
        cost = (len(chosen) + 1) * max(longest, lengths[i]) if padded else used + lengths[i]
        if cost <= budget:
            chosen.append(i)
            used += lengths[i]
            longest = max(longest, lengths[i])
    return sorted(chosen) if chosen else [order[0]]
