"""Choosing what part of a long post the encoder reads (pure functions, no model)."""

from __future__ import annotations

from bot.safety.window import UNIT_WORDS, group_spans, group_units, pick_units, split_units


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


def test_short_neighbours_are_grouped_up_to_the_word_limit() -> None:
    assert group_spans([3, 4, 5, 20, 2], max_words=12) == [range(0, 3), range(3, 4), range(4, 5)]
    assert group_units(["I'm not suicidal.", "Just tired."], max_words=24) == [
        "I'm not suicidal. Just tired."
    ]


def test_a_unit_longer_than_the_limit_stays_alone() -> None:
    assert group_spans([30, 2], max_words=24) == [range(0, 1), range(1, 2)]
    assert group_spans([]) == []


def test_padded_cost_counts_rows_times_the_longest() -> None:
    # Plain: 40 + 10 + 10 pieces fit in 64. Padded: three rows of 40 would be 120.
    assert pick_units([40, 10, 10, 30], [0.9, 0.8, 0.7, 0.1], budget=64) == [0, 1, 2]
    assert pick_units([40, 10, 10, 30], [0.9, 0.8, 0.7, 0.1], budget=64, padded=True) == [0]
    assert pick_units([20, 10, 10, 30], [0.9, 0.8, 0.7, 0.1], budget=64, padded=True) == [0, 1, 2]
