"""Normalisation undoes simple disguises but leaves ordinary text (and numbers) alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.normalize import TYPOS, normalize, squeeze_repeats, strip_marks


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I WANT TO DIE", "i want to die"),
        ("ｋｉｌｌ ｍｙｓｅｌｆ", "kill myself"),  # full-width letters (NFKC)
        ("su\u200bici\u200dde", "suicide"),  # zero-width characters
        ("d\u0301i\u0308e", "die"),  # combining marks
        ("w a n t  t o  d i e", "want to die"),  # spaced letters, double space between words
        ("k i l l myself", "kill myself"),
        ("i want to d1e", "i want to die"),  # digits inside words
        ("h@rm mys3lf", "harm myself"),
        ("soooooo tired", "soo tired"),  # repeated letters squeezed
        ("i wanna kms", "i want to kill myself"),  # slang
        ("thinking about sewerslide", "thinking about suicide"),
        ("gonna unalive myself", "going to kill myself"),
        ("I’m done", "i'm done"),  # typographic apostrophe
        ("I don&#39;t want to live", "i don't want to live"),  # HTML entities, as exported
        ("&amp;#x200B;\n\nso tired", "so tired"),  # escaped twice: a forum's blank line
        ("me &amp; you &lt;3", "me & you <3"),
        ("i wnat to kil myslef", "i want to kill myself"),  # mistyped risk words
        ("so sucidal, anymroe.", "so suicidal, anymore."),
    ],
)
def test_disguises_are_undone(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_numbers_and_punctuation_survive() -> None:
    assert normalize("I took 20 pills") == "i took 20 pills"
    assert normalize("Help!!!") == "help!!!"


def test_accents_removed_for_matching() -> None:
    assert strip_marks("está acabado, même, übel") == "esta acabado, meme, ubel"


def test_squeeze_keeps_double_letters() -> None:
    assert squeeze_repeats("kill all the bees") == "kill all the bees"


def test_empty_and_whitespace() -> None:
    assert normalize("") == ""
    assert normalize("   \n\t ") == ""


def test_look_alike_fast_path_matches_reading_every_word(
    labeled_rows: list[dict[str, object]],
) -> None:
    """_deleet only visits words holding a look-alike; every word read gives the same text."""
    from bot.safety.normalize import _WORD, _deleet, _deleet_word

    texts = [str(r["text"]).casefold() for r in labeled_rows] + [
        "i w4nt t0 d1e!!",
        "k!ll myself",
        "$uicide",
        "3 dogs, 4 cats",
        "it's 5pm",
        "kms|",
        "+-+",
    ]
    for text in texts:
        assert _deleet(text) == _WORD.sub(lambda m: _deleet_word(m.group(0)), text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i've overdosed before", "i've overdosed before"),  # endings stay: rules read tense
        ("tenía miedo de la edad", "tenia miedo de la edad"),
        ("er lief nach hause", "er lief nach hause"),
        ("wir wurden gefragt", "wir wurden gefragt"),  # one letter from "burden", at the start
        ("ideas suicidas", "ideas suicidas"),
        ("se suicider", "se suicider"),
        ("ive been on hrt since may", "i've been on hrt since may"),
        ("the homeless shelter", "the homeless shelter"),
    ],
)
def test_real_words_are_not_read_as_typos(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_no_typo_is_a_word_the_encoder_knows() -> None:
    # MiniLM's word list (30k English words and pieces) stands in for a dictionary: a
    # "typo" it holds whole is a word of its own and belongs in NOT_TYPOS.
    from bot.safety.semantic import model_path

    vocab = (Path(model_path()) / "vocab.txt").read_text(encoding="utf-8").split()
    assert len(vocab) > 20_000
    assert sorted(set(vocab) & TYPOS.keys()) == []
