"""Forum-rough copies of labelled posts: how the layers hold up on messier writing.

Our examples are written with care; posts copied from public forums often are
not: one paragraph, few stops or commas, "im" and "dont", "u" and "rn",
transposed letters. ``roughen`` makes such a copy of a post, the same way for
the same seed, so a drop measured on it is the layers' and not the sample's.
"""

from __future__ import annotations

import random
import re

SHORTHAND = {
    "you": "u",
    "your": "ur",
    "right now": "rn",
    "to be honest": "tbh",
    "i don't know": "idk",
    "because": "bc",
    "really": "rly",
    "though": "tho",
    "people": "ppl",
    "something": "smth",
}
_CONTRACTION = re.compile(
    r"\b(i|you|we|they|he|she|it|that|there|don|can|won|isn|wasn|didn|doesn)'(m|re|ve|ll|d|s|t)\b"
)
TYPO_RATE = 0.03  # of words over three letters: two neighbouring letters swapped


def roughen(text: str, rng: random.Random) -> str:
    text = text.lower().replace("’", "'")
    for word, short in SHORTHAND.items():
        if rng.random() < 0.6:
            text = re.sub(rf"\b{word}\b", short, text)
    text = _CONTRACTION.sub(lambda m: m.group(1) + m.group(2), text)
    text = re.sub(r"\s*\n+\s*", " ", text)  # one paragraph
    text = re.sub(r"[.;:](?=\s)", lambda m: "" if rng.random() < 0.8 else m.group(0), text)
    text = re.sub(r",", lambda m: "" if rng.random() < 0.7 else ",", text)
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) > 3 and rng.random() < TYPO_RATE:
            j = rng.randrange(len(word) - 1)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)
