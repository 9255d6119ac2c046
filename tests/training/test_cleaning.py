"""Cleaning: mojibake, personal data, retired hotlines, whitespace, duplicates, augmentation."""

from __future__ import annotations

from training.dataprep.augment import augment_question
from training.dataprep.cleaning import (
    EMAIL_TOKEN,
    HANDLE_TOKEN,
    PHONE_TOKEN,
    URL_TOKEN,
    CleaningStats,
    clean_text,
    normalise_whitespace,
)
from training.dataprep.dedup import content_hash, remove_duplicates
from training.dataprep.formats import Example


def test_mojibake_is_repaired_and_counted() -> None:
    stats = CleaningStats()
    assert clean_text("Itâ€™s okay to ask â€œwhyâ€\x9d.", stats) == 'It\'s okay to ask "why".'
    assert stats.counts["mojibake_fixed"] == 1


def test_personal_data_is_replaced_by_placeholders() -> None:
    stats = CleaningStats()
    text = (
        "Write to ana.lopez@example.org or call (212) 555-0199 / +44 7700 900123, "
        "see https://blog.example.com/me and ask @ana_l."
    )
    cleaned = clean_text(text, stats)
    for secret in ("ana.lopez", "555-0199", "7700", "blog.example", "@ana_l"):
        assert secret not in cleaned
    assert cleaned.count(PHONE_TOKEN) == 2
    assert EMAIL_TOKEN in cleaned and URL_TOKEN in cleaned and HANDLE_TOKEN in cleaned
    assert stats.counts["pii:phone"] == 2
    assert stats.counts["pii:email"] == 1


def test_ordinary_numbers_survive_scrubbing() -> None:
    text = "In 2019 I slept 6 hours, 3 nights a week, and walked 12345 steps at 10:30."
    assert clean_text(text) == text


def test_old_us_lifeline_becomes_988_and_is_counted() -> None:
    stats = CleaningStats()
    cleaned = clean_text(
        "Call 1-800-273-8255, (800) 273-TALK or visit suicidepreventionlifeline.org/chat.", stats
    )
    assert cleaned == "Call 988, 988 or visit 988lifeline.org."
    assert stats.counts["hotline:us-lifeline-1-800-273-8255"] == 2
    assert stats.counts["hotline:us-lifeline-website"] == 1
    assert stats.counts.get("pii:phone", 0) == 0  # rewritten, not scrubbed


def test_whitespace_is_normalised() -> None:
    assert normalise_whitespace("  a \t b\u00a0 c \r\n\n\n\n d  ") == "a b c\n\nd"


def test_scrubbing_can_be_turned_off() -> None:
    assert "a@b.org" in clean_text("mail a@b.org", scrub=False)


def test_exact_and_near_duplicates_are_removed_but_other_answers_kept() -> None:
    base = Example(
        "How can I sleep better when I'm anxious?",
        "Try a regular bedtime, less screen time late at night, and slow breathing.",
    )
    same_words = Example("how can I sleep better when I'm anxious", base.response.upper())
    near = Example(
        "How can I sleep better when I am anxious?",
        "Try a regular bedtime, less screen time late at night and slow breathing!",
    )
    other_answer = Example(base.prompt, "Writing worries down before bed can quiet the mind.")
    unrelated = Example("What is a counselor?", "Someone trained to listen and help you cope.")
    result = remove_duplicates([base, same_words, near, other_answer, unrelated])
    assert result.kept == [base, other_answer, unrelated]
    assert (result.exact, result.near) == (1, 1)
    assert content_hash(base) == content_hash(same_words)


def test_near_duplicate_removal_can_be_disabled() -> None:
    a = Example("How can I sleep better?", "Keep a regular bedtime every night.")
    b = Example("How can I sleep better??", "Keep a regular bedtime, every night!!")
    assert len(remove_duplicates([a, b], threshold=101).kept) == 1  # exact after normalising
    c = Example("How can I sleep much better?", "Keep a regular bedtime every single night.")
    assert len(remove_duplicates([a, c], threshold=101).kept) == 2
    assert len(remove_duplicates([a, c], threshold=80).kept) == 1


def test_augmentation_is_deterministic_and_changes_the_wording() -> None:
    question = "I am worried that I do not sleep enough."
    first = augment_question(question, seed=7, variants=3)
    assert first == augment_question(question, seed=7, variants=3)
    assert first and question not in first
    assert len(set(first)) == len(first)
    # Contractions may change, words may not be invented: every variant keeps "worried".
    assert all("worried" in v for v in first)
