"""Long training posts composed from short labelled ones (pure functions, no model)."""

from __future__ import annotations

from bot.safety.compose import MAX_WORDS, Labelled, compose_posts

CALM = [
    Labelled(
        f"We went to the market on day {i}. The apples were cheap and the bus was late.", 0, ()
    )
    for i in range(12)
]
DISTRESS = [
    Labelled(
        f"I have felt so tired and low this week, number {i}. Work is too much.", 1, ("distress",)
    )
    for i in range(12)
]
CRISIS = Labelled(
    "I gave my guitar away. I won't be needing it after this week.", 2, ("suicidal_ideation",)
)


def test_same_seed_same_posts_and_other_seed_other_posts() -> None:
    rows = [*CALM, *DISTRESS, CRISIS]
    first = compose_posts(rows, per_row=2, seed=1)
    assert first == compose_posts(rows, per_row=2, seed=1)
    assert first != compose_posts(rows, per_row=2, seed=2)
    assert len(first) == 2 * len(rows)


def test_label_is_the_most_serious_component() -> None:
    posts = compose_posts([*CALM, *DISTRESS, CRISIS], per_row=3, seed=4)
    around_crisis = [p for p in posts if "guitar" in p.text]
    assert len(around_crisis) >= 3  # its own three, maybe more: it is never a filler
    assert all(p.level == 2 for p in around_crisis)
    assert all("suicidal_ideation" in p.categories for p in around_crisis)
    # Distress pieces never add up to a crisis.
    assert all(p.level <= 1 for p in posts if "guitar" not in p.text)


def test_crisis_rows_are_never_used_as_filler() -> None:
    posts = compose_posts([*CALM, CRISIS], per_row=2, seed=3)
    assert sum("guitar" in p.text for p in posts) == 2


def test_core_sentences_keep_their_order_among_the_filler() -> None:
    for post in compose_posts([*CALM, *DISTRESS, CRISIS], per_row=5, seed=9):
        if "guitar" in post.text:
            assert post.text.index("I gave my guitar away.") < post.text.index("I won't be needing")
            assert 60 <= len(post.text.split()) <= MAX_WORDS + 40


def test_too_few_fillers_gives_nothing() -> None:
    assert compose_posts([CRISIS], per_row=2, seed=1) == []
