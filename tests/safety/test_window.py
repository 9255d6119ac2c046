"""Choosing what part of a long post the encoder reads (pure functions, no model)."""

from __future__ import annotations

from bot.safety.window import UNIT_WORDS, pick_units, split_units


def test_sentences_and_line_breaks_split() -> None:
    text = "First one. Second one!\nthird one without a stop\nFourth?"
    assert split_units(text) == ["First one.", "Second one!", "third one without a stop", "Fourth?"]


def test_run_on_without_punctuation_is_cut() -> None:
    run_on = " ".join(["word"] * (UNIT_WORDS * 2 + 5))
    units = split_units(run_on)
    assert [len(u.split()) for u in units] == [UNIT_WORDS, UNIT_WORDS, 5]


def test_blank_text_stays_one_unit() -> None:
    assert split_units("   ") == ["   "]


def test_short_post_is_read_whole() -> None:
    assert pick_units([10, 20, 30], [0.0, 0.9, 0.1], budget=100) == [0, 1, 2]


def test_highest_scores_fill_the_budget_in_post_order() -> None:
    lengths = [30, 30, 30, 30, 30]
    scores = [0.1, 0.2, 0.9, 0.05, 0.8]
    assert pick_units(lengths, scores, budget=64) == [2, 4]


def test_a_unit_that_does_not_fit_is_skipped_not_cut() -> None:
    assert pick_units([50, 40, 10], [0.9, 0.8, 0.1], budget=60) == [0, 2]


def test_one_unit_longer_than_the_budget_is_still_read() -> None:
    assert pick_units([200, 300], [0.2, 0.7], budget=100) == [1]
