"""The semantic layer on the real MiniLM and the shipped head.

Quality thresholds are checked on the held-out split of our own labelled set
(the head never trained on it); they sit a little below the measured figures
in docs/safety.md so that a harmless numeric difference between machines
does not fail the build, while a real regression does.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.safety.assessor import RiskAssessor
from bot.safety.evaluation import Example, evaluate
from bot.safety.lexicon import Lexicon
from bot.safety.normalize import normalize
from bot.safety.semantic import (
    FEATURE_NAMES,
    HEAD_PATH,
    TOKEN_BUDGET,
    Head,
    SemanticClassifier,
    view_post,
)
from bot.safety.train_head import LONG_POST_SOURCES, embed_rows, encode_posts
from bot.safety.types import RiskLevel
from bot.safety.window import split_units


def test_shipped_head_matches_the_lexicon_features(semantic: SemanticClassifier) -> None:
    head = Head.load(HEAD_PATH)
    head.check_features(semantic._encoder.encoder_id)
    assert head.feature_names == FEATURE_NAMES
    assert {"elevated", "high", "concern"} <= set(head.thresholds)


def test_held_out_quality(
    full_assessor: RiskAssessor, labeled_rows: list[dict[str, object]]
) -> None:
    held_out = [
        Example(str(r["text"]), str(r["label"])) for r in labeled_rows if r["split"] == "test"
    ]
    assert len(held_out) >= 400
    report = evaluate(held_out, full_assessor.assess)
    # Measured 0.965 / 0.016 / 0.227 on 1,310 rows (docs/safety.md); the previous release
    # 0.953 / 0.015 / 0.195 on the same rows.
    assert report.crisis_recall >= 0.93
    assert report.non_crisis_high <= 0.03
    assert report.non_crisis_elevated_plus <= 0.24


def test_held_out_quality_on_long_forum_posts(
    full_assessor: RiskAssessor, labeled_rows: list[dict[str, object]]
) -> None:
    """The long, messy, mostly implicit posts we wrote (60-600 words), test split only:
    long-post-v3 and the new writers of long-post-v4."""
    posts = [
        Example(str(r["text"]), str(r["label"]))
        for r in labeled_rows
        if r["split"] == "test" and r.get("source") in LONG_POST_SOURCES
    ]
    assert len(posts) >= 350
    report = evaluate(posts, full_assessor.assess)
    # Measured 0.958 / 0.015 / 0.237 on 747 posts (the targets: 0.95 / 0.05 /
    # 0.25); the previous release 0.947 / 0.015 / 0.193 on the same posts. On the 507 of
    # long-post-v3 alone 0.954 / 0.019 / 0.272 (previous 0.946 / 0.019 / 0.220), the
    # release before 0.937 / 0.019 / 0.257, the untuned encoder's head 0.881 / 0.068 /
    # 0.660 on the first 233 of them.
    assert report.crisis_recall >= 0.93
    assert report.non_crisis_high <= 0.04
    assert report.non_crisis_elevated_plus <= 0.26  # a few posts of slack around 0.237


def test_held_out_quality_on_chatbot_messages(
    full_assessor: RiskAssessor, labeled_rows: list[dict[str, object]]
) -> None:
    """Messages typed to the bot (chat-v3 to chat-v7), where a false high bypasses the
    model and flags a calm user to the moderators."""
    chat = [
        Example(str(r["text"]), str(r["label"]))
        for r in labeled_rows
        if r["split"] == "test" and str(r.get("source", "")).startswith("chat-")
    ]
    assert len(chat) >= 200
    report = evaluate(chat, full_assessor.assess)
    # Measured 0.972 / 0.010 / 0.229 on 334 messages (142 crisis); the previous release
    # 0.958 / 0.005 / 0.214 on the same messages, the one before 0.944 / 0.021 / 0.328.
    assert report.crisis_recall >= 0.92
    assert report.non_crisis_high <= 0.02
    assert report.non_crisis_elevated_plus <= 0.26


def test_held_out_quality_when_buried_in_long_posts(
    full_assessor: RiskAssessor, labeled_rows: list[dict[str, object]]
) -> None:
    """Each held-out message among 5 calm held-out ones, as bench/safety_layers.py --long does."""
    held_out = [(str(r["text"]), str(r["label"])) for r in labeled_rows if r["split"] == "test"]
    calm = [t for t, label in held_out if label in ("none", "concern")]
    rng = np.random.default_rng(3)
    buried = []
    for text, label in held_out:
        others = [str(t) for t in rng.choice([c for c in calm if c != text], 5, replace=False)]
        at = int(rng.integers(0, 6))
        buried.append(Example(" ".join([*others[:at], text, *others[at:]]), label))
    report = evaluate(buried, full_assessor.assess)
    # Measured 0.828 / 0.054 / 0.466 (docs/safety.md): five calm messages joined around a
    # crisis one make a post full of distress (often 1,500 words of it), the hardest case
    # for false alarms; the previous release scored 0.787 / 0.054 / 0.415 on the same rows.
    assert report.crisis_recall >= 0.75
    assert report.non_crisis_high <= 0.09
    assert report.non_crisis_elevated_plus <= 0.50


def test_combined_beats_each_layer_on_recall(
    full_assessor: RiskAssessor,
    lexicon_assessor: RiskAssessor,
    labeled_rows: list[dict[str, object]],
) -> None:
    held_out = [
        Example(str(r["text"]), str(r["label"])) for r in labeled_rows if r["split"] == "test"
    ]
    combined = evaluate(held_out, full_assessor.assess)
    lexicon_only = evaluate(held_out, lexicon_assessor.assess)
    assert combined.crisis_recall > lexicon_only.crisis_recall + 0.2


@pytest.mark.parametrize(
    "text",
    [
        "I've started giving my records away to people who'll enjoy them, I won't need them",
        "honestly it would be a relief for everyone if I just wasn't around anymore",
        "I keep thinking about how quiet everything would be if I was gone",
        "I don't think I'll be around for much longer",
    ],
)
def test_implicit_ideation_is_caught(full_assessor: RiskAssessor, text: str) -> None:
    assert full_assessor.assess(text).level >= RiskLevel.ELEVATED


@pytest.mark.parametrize(
    "text",
    [
        "my legs are killing me after the gym",
        "we're studying suicide prevention strategies in my nursing course",
        "I'm dying to try that new ramen place",
        "the final boss killed me five times lol",
    ],
)
def test_hard_negatives_stay_calm(full_assessor: RiskAssessor, text: str) -> None:
    assert full_assessor.assess(text).level < RiskLevel.ELEVATED


def test_long_post_with_crisis_at_the_end(full_assessor: RiskAssessor) -> None:
    filler = (
        "Work has been busy and I moved flats in the spring, so the commute is longer now. "
        "My sister visited last month and we went to the coast, the weather was fine. "
    ) * 6
    post = (
        filler + "But honestly I have the pills counted out and I'm going to take them all tonight."
    )
    assert len(split_units(post)) > 10
    assert full_assessor.assess(post).level == RiskLevel.HIGH


def test_long_post_window_keeps_the_buried_goodbye(semantic: SemanticClassifier) -> None:
    """The encoder reads at most TOKEN_BUDGET pieces, and picks the sentence that matters."""
    chatter = (
        "We repainted the kitchen at the weekend and the colour came out greener than planned. "
        "The bus timetable changed again so I leave twenty minutes earlier now. "
    )
    goodbye = "I've written letters to everyone and I won't be a burden much longer."
    post = normalize(chatter * 6 + goodbye + " " + chatter * 6)
    encoder = semantic._encoder
    view = view_post(encoder, post, semantic._head.unit_scores)
    assert len(encoder.piece_ids([post])[0]) > 2 * TOKEN_BUDGET
    assert len(view.window) <= TOKEN_BUDGET
    window_text = encoder.tokenizer.decode(view.window)
    assert "letters to everyone" in window_text
    assert view.static.shape == (384,)
    assert np.isclose(np.linalg.norm(view.static), 1.0, atol=1e-4)


def test_categories_from_the_head(full_assessor: RiskAssessor) -> None:
    assessment = full_assessor.assess(
        "my girlfriend keeps saying everyone would be better off without her"
    )
    assert "third_party" in assessment.categories


def test_embeddings_are_normalised(semantic: SemanticClassifier) -> None:
    vectors = semantic.embed(["hello", "a much longer sentence about nothing in particular"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_predictions_are_cached_and_deterministic(
    semantic: SemanticClassifier, full_assessor: RiskAssessor
) -> None:
    first = full_assessor.assess("I feel like a ghost in my own life")
    semantic.clear_cache()
    second = full_assessor.assess("I feel like a ghost in my own life")
    assert first == second


def test_people_writing_at_once_get_the_grades_they_would_alone(
    semantic: SemanticClassifier, full_assessor: RiskAssessor, labeled_rows: list[dict[str, object]]
) -> None:
    """Grading runs on many threads at once (tokenizer, encoder queue, cache)."""
    texts = [str(r["text"]) for r in labeled_rows if r["split"] == "test"][:48]
    semantic.clear_cache()
    alone = [full_assessor.assess(t) for t in texts]
    semantic.clear_cache()
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(full_assessor.assess, texts))
    assert together == alone


def test_a_stopped_encoder_leaves_the_lexicon_in_charge(
    lexicon: Lexicon, caplog: pytest.LogCaptureFixture
) -> None:
    classifier = SemanticClassifier.load()
    assessor = RiskAssessor(lexicon)
    assessor.use_semantic(classifier)
    classifier._encoder.close()  # its thread takes no more work: grading raises
    text = "I want to kill myself tonight"
    with caplog.at_level(logging.ERROR, logger="bot.safety.assessor"):
        assessment = assessor.assess(text)
    assert assessment.level == RiskLevel.HIGH  # the lexicon alone
    assert not any(r.startswith("semantic.") for r in assessment.reasons)
    assert "semantic classifier failed" in caplog.text
    assert text not in caplog.text


def test_the_head_learns_on_the_vectors_grading_reads(
    semantic: SemanticClassifier, labeled_rows: list[dict[str, object]]
) -> None:
    """train_head's inputs equal the graded ones, short messages and long posts alike
    (int8 activations are scaled per pass: batching posts together would differ)."""
    texts = ["i keep thinking they'd all be better off", "we painted the fence today"]
    texts += [str(r["text"]) for r in labeled_rows if r.get("source") in LONG_POST_SOURCES][:2]
    head = semantic._head
    rows = embed_rows(encode_posts(semantic._encoder, texts, head.unit_scores))
    semantic.clear_cache()
    for text, row in zip(texts, rows, strict=True):
        norm = normalize(text)
        semantic.start(norm)(None)
        graded = semantic._cache[norm][0, :-1]  # the last column flags long posts
        assert np.array_equal(row, graded)
