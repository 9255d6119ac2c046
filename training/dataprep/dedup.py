"""Exact and near-duplicate removal.

Near duplicates (the same answer re-posted with a typo fixed, a question asked
twice with different punctuation) inflate a split and leak between train and
test. Comparing every pair is quadratic, so MinHash with LSH banding proposes
candidate pairs in linear time and rapidfuzz confirms each one on the text.
A prompt with several *different* replies is kept: counseling datasets often
have several counselors answering one question, and each answer is signal.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from training.dataprep.formats import Example

_WORD = re.compile(r"\w+")
_PRIME = (1 << 61) - 1
_NUM_PERM = 64
_BANDS = 16  # 16 bands of 4 rows: pairs above ~0.65 Jaccard collide 96% of the time


def normalised(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def content_hash(example: Example) -> str:
    """Stable id of an example's content (history, prompt, reply), whitespace-insensitive."""
    parts = [f"{t.role}:{normalised(t.content)}" for t in example.turns()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class DedupResult:
    kept: list[Example]
    exact: int
    near: int


def _shingles(text: str, size: int = 5) -> set[int]:
    """Character 5-grams: unlike word n-grams they still overlap for short texts."""
    if len(text) <= size:
        return {zlib.crc32(text.encode())} if text else set()
    return {zlib.crc32(text[i : i + size].encode()) for i in range(len(text) - size + 1)}


def _signatures(texts: Sequence[str], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(1, _PRIME, size=_NUM_PERM, dtype=np.uint64)
    b = rng.integers(0, _PRIME, size=_NUM_PERM, dtype=np.uint64)
    out = np.full((len(texts), _NUM_PERM), np.iinfo(np.uint64).max, dtype=np.uint64)
    for i, text in enumerate(texts):
        shingles = np.fromiter(_shingles(text), dtype=np.uint64)
        if shingles.size:
            # (a*x + b) mod p with wrap-around multiplication is fine for hashing.
            hashed = (np.outer(shingles, a) + b) % np.uint64(_PRIME)
            out[i] = hashed.min(axis=0)
    return out


def remove_duplicates(
    examples: Sequence[Example], *, threshold: float = 92.0, seed: int = 0
) -> DedupResult:
    """Drop exact repeats, then pairs whose prompt *and* reply are near-identical.

    ``threshold`` is rapidfuzz's ratio (0-100) both texts must reach.
    """
    seen: set[str] = set()
    unique: list[Example] = []
    for example in examples:
        key = content_hash(example)
        if key not in seen:
            seen.add(key)
            unique.append(example)
    exact = len(examples) - len(unique)
    if threshold > 100 or len(unique) < 2:
        return DedupResult(unique, exact, 0)

    prompts = [normalised(e.prompt) for e in unique]
    replies = [normalised(e.response) for e in unique]
    signatures = _signatures([f"{p} | {r}" for p, r in zip(prompts, replies, strict=True)], seed)
    rows = _NUM_PERM // _BANDS
    dropped: set[int] = set()
    for band in range(_BANDS):
        buckets: dict[bytes, list[int]] = {}
        block = signatures[:, band * rows : (band + 1) * rows]
        for index in range(len(unique)):
            buckets.setdefault(block[index].tobytes(), []).append(index)
        for members in buckets.values():
            for pos, i in enumerate(members):
                if i in dropped:
                    continue
                for j in members[pos + 1 :]:
                    if j in dropped:
                        continue
                    if (
                        fuzz.ratio(prompts[i], prompts[j]) >= threshold
                        and fuzz.ratio(replies[i], replies[j]) >= threshold
                    ):
                        dropped.add(j)  # keep the first occurrence
    kept = [e for index, e in enumerate(unique) if index not in dropped]
    return DedupResult(kept, exact, len(dropped))
