"""LeanBert, grading's forward pass, against transformers' BertModel on the real MiniLM."""

from __future__ import annotations

import pytest
import torch

from bot.safety.lean_encoder import LeanBert
from bot.safety.semantic import Encoder, SemanticClassifier


def _batch(encoder: Encoder, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    return encoder._padded(encoder.piece_ids(texts))


@pytest.mark.parametrize(
    "texts",
    [
        ["hi"],
        ["one row with no padding at all, a whole sentence of it"],
        [
            "a short row",
            "a much longer row that makes the first one padded, so masks matter here",
            "i keep thinking everyone would be better off without me",
        ],
    ],
)
def test_same_hidden_states_as_transformers(semantic: SemanticClassifier, texts: list[str]) -> None:
    encoder = semantic._encoder
    input_ids, mask = _batch(encoder, texts)
    with torch.inference_mode():
        expected = encoder.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        got = LeanBert(encoder.model)(input_ids, mask)
    real = mask.bool()
    # Same ops in the same order on the same int8 weights: equal up to float rounding
    # (measured bit-equal here; int8 activations would magnify any real difference).
    assert torch.allclose(got[real], expected[real], atol=1e-5)


def test_grading_vectors_match_the_training_pass(semantic: SemanticClassifier) -> None:
    """What the head reads (LeanBert) is what train_encoder's pooling computes."""
    encoder = semantic._encoder
    seqs = encoder.piece_ids(["nobody would notice if i was gone", "we painted the fence"])
    with torch.inference_mode():
        training = encoder.forward(encoder.model, seqs).numpy()
    grading = encoder.encode_ids(seqs)
    assert grading.shape == (2, 384)
    assert abs(grading - training).max() < 1e-5


def test_rejects_models_it_cannot_mirror(semantic: SemanticClassifier) -> None:
    model = semantic._encoder.model
    original = model.config.hidden_act
    model.config.hidden_act = "relu"
    try:
        with pytest.raises(ValueError, match="activation"):
            LeanBert(model)
    finally:
        model.config.hidden_act = original
