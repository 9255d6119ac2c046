"""The keyword prefilter in front of the lexicon's regexes: it may only skip what cannot match."""

from __future__ import annotations

import pytest

from bot.safety.compose import Labelled, compose_posts
from bot.safety.lexicon import Lexicon
from bot.safety.normalize import normalize
from bot.safety.prefilter import Guard, present_words, required_literals, vocabulary


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bkill\s*myself\b", {"myself"}),
        (r"\b(?:hang|drown|shoot)\s*myself\b", {"myself"}),
        (r"\b(?:pills|rope|noose)\b", {"pills", "rope", "noose"}),
        (r"\bgoodbye(?: forever)?\b", {"goodbye"}),
    ],
)
def test_the_most_selective_required_word_is_found(pattern: str, expected: set[str]) -> None:
    assert required_literals(pattern) == expected


def may_match(guard: Guard, text: str) -> bool:
    """The lexicon's path: the text's guard words looked up once, then the guard asked."""
    return guard.may_match_present(present_words(text, vocabulary([guard])))


@pytest.mark.parametrize(
    "pattern",
    [
        r"\b\w+ish\b?",  # nothing longer than two letters is required
        r"(?:kill myself|\w+)",  # one branch has no literal at all
        r"\b(?:my )?\d+ (?:pills)?",  # every word is optional
        r"(unclosed",  # not a regex: no guard, the rule always runs
    ],
)
def test_no_guard_when_nothing_is_required(pattern: str) -> None:
    assert required_literals(pattern) is None
    assert may_match(Guard(pattern), "anything at all")


def test_guard_skips_only_texts_without_the_word() -> None:
    guard = Guard(r"\b(?:want|need) to die\b")
    assert may_match(guard, "i just want to die")
    assert not may_match(guard, "we went to the beach and had chips")


def test_every_labelled_message_scans_the_same_with_and_without_it(
    labeled_rows: list[dict[str, object]],
) -> None:
    fast, exact = Lexicon(), Lexicon(prefilter=False)
    texts = [normalize(str(r["text"])) for r in labeled_rows]
    rows = [Labelled(str(r["text"]), 0, ()) for r in labeled_rows]
    texts += [normalize(p.text) for p in compose_posts(rows[:200], per_row=1, seed=5)]
    assert len(texts) > 1200
    for text in texts:
        assert fast.scan(text) == exact.scan(text), text[:80]
