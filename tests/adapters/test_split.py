"""Long replies are cut where a reader expects a break, and never over the limit."""

from __future__ import annotations

import random

import discord
import pytest

from bot.adapters.split import split_text


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_short_text_is_one_piece() -> None:
    assert split_text("  Hello there.  ", 100) == ["Hello there."]
    assert split_text("   ", 100) == []


def test_paragraph_break_preferred_over_sentence() -> None:
    first = "One sentence here. Another one follows it."
    second = "A new paragraph starts. It goes on."
    pieces = split_text(f"{first}\n\n{second}", 60)
    assert pieces == [first, second]


def test_sentence_end_preferred_over_words() -> None:
    text = "I hear you. That sounds really heavy to carry alone and I am glad you said it"
    pieces = split_text(text, 40)
    assert pieces[0] == "I hear you."
    assert all(len(p) <= 40 for p in pieces)
    assert _squash(" ".join(pieces)) == _squash(text)


def test_a_word_longer_than_the_limit_is_cut_hard() -> None:
    text = "x" * 25
    assert split_text(text, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_rendering_that_grows_text_is_respected() -> None:
    render = lambda s: discord.utils.escape_markdown(s, ignore_links=True)  # noqa: E731
    text = "**bold** _and_ ~~more~~ " * 40
    pieces = split_text(text, 100, render)
    assert all(len(render(p)) <= 100 for p in pieces)
    assert _squash(" ".join(pieces)) == _squash(text)


@pytest.mark.parametrize("seed", range(20))
def test_random_text_round_trips_within_limits(seed: int) -> None:
    rng = random.Random(seed)
    words = ["calm", "breathe.", "okay,", "really", "\n", "\n\n", "yes!", "a" * 30, "why?"]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 400)))
    limit = rng.choice([20, 50, 200, 2000])
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit and p.strip() for p in pieces)
    # Words longer than the limit are cut hard, so compare without any whitespace.
    assert "".join("".join(pieces).split()) == "".join(text.split())
