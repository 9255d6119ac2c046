"""Deterministic question rewording, so a small dataset shows more ways of asking.

People write to a support bot casually: contractions, no capital letter, a
greeting first. Each rewrite below keeps the meaning of the question exactly
(no synonyms that could shift it), and the choice of rewrites depends only on
the seed and the question, so the same input always gives the same output.
Applied to the training split only: evaluating on rewordings of training
questions would flatter the model.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable

# Written for Haven; short and neutral so they fit any question.
OPENERS = (
    "Hi.",
    "Hello,",
    "Can I ask you something?",
    "I hope it's okay to ask this.",
    "I don't really know where to start.",
    "This is hard to say, but",
)

_CONTRACT = [
    (r"\bI am\b", "I'm"),
    (r"\bdo not\b", "don't"),
    (r"\bdoes not\b", "doesn't"),
    (r"\bcannot\b", "can't"),
    (r"\bI have\b", "I've"),
    (r"\bit is\b", "it's"),
    (r"\bI would\b", "I'd"),
    (r"\bis not\b", "isn't"),
    (r"\bwill not\b", "won't"),
]
_EXPAND = [
    (r"\bI'm\b", "I am"),
    (r"\bdon't\b", "do not"),
    (r"\bdoesn't\b", "does not"),
    (r"\bcan't\b", "cannot"),
    (r"\bI've\b", "I have"),
    (r"\bit's\b", "it is"),
    (r"\bI'd\b", "I would"),
    (r"\bisn't\b", "is not"),
    (r"\bwon't\b", "will not"),
]


def _swap_contractions(text: str, rng: random.Random) -> str:
    has_short = any(re.search(p, text) for p, _ in _EXPAND)
    table = _EXPAND if has_short else _CONTRACT
    for pattern, replacement in table:
        text = re.sub(pattern, replacement, text)
    return text


def _casual(text: str, rng: random.Random) -> str:
    text = text.rstrip(" .!")
    if text[:1].isupper() and not text.startswith(("I ", "I'")):
        text = text[0].lower() + text[1:]
    return text


def _opener(text: str, rng: random.Random) -> str:
    opener = rng.choice(OPENERS)
    body = text
    if opener.endswith(",") or opener.endswith("but"):
        if body[:1].isupper() and not body.startswith(("I ", "I'")):
            body = body[0].lower() + body[1:]
    return f"{opener} {body}"


REWRITES: tuple[Callable[[str, random.Random], str], ...] = (_swap_contractions, _casual, _opener)


def augment_question(text: str, seed: int, variants: int = 1) -> list[str]:
    """Up to ``variants`` distinct rewordings of ``text`` (never ``text`` itself)."""
    rng = random.Random(seed ^ zlib.crc32(text.encode("utf-8")))
    order = list(REWRITES)
    rng.shuffle(order)
    out: list[str] = []
    for count in range(1, len(order) + 1):
        if len(out) >= variants:
            break
        candidate = text
        for rewrite in order[:count]:
            candidate = rewrite(candidate, rng)
        if candidate and candidate != text and candidate not in out:
            out.append(candidate)
    return out
