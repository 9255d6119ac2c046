"""LeanBert and its traced graph, grading's forward pass, against transformers' BertModel
on the real MiniLM."""

from __future__ import annotations

import sys
from functools import partial

import pytest
import torch

from bot.safety.lean_encoder import GradingPass, LeanBert
from bot.safety.semantic import GIL_SWITCH_INTERVAL, Encoder, SemanticClassifier, _mean_pool


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


@pytest.mark.parametrize(
    "texts",
    [
        ["rows of one length need no mask", "rows of one length need a mask?"],
        ["a short row", "a much longer row, so the first one is padded and masked"],
    ],
)
def test_traced_graph_gives_the_plain_loops_vectors(
    semantic: SemanticClassifier, texts: list[str]
) -> None:
    encoder = semantic._encoder
    seqs = encoder.piece_ids(texts)
    input_ids, mask = encoder._padded(seqs)
    padded = len({len(s) for s in seqs}) > 1
    traced = encoder.grading_pass
    assert traced.traced  # TorchScript works on the pinned torch
    with torch.inference_mode():
        got = traced(input_ids, mask, padded=padded)
        expected = traced.plain()(input_ids, mask, padded=padded)
        hf = encoder.forward(encoder.model, seqs)
    assert torch.equal(got, expected)  # the same ops, recorded: bit-equal
    assert torch.allclose(got, hf, atol=1e-5)


def test_without_torchscript_the_plain_loop_grades(
    semantic: SemanticClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = semantic._encoder

    def unavailable(*args: object, **kwargs: object) -> None:
        raise RuntimeError("TorchScript is not available")

    monkeypatch.setattr(torch.jit, "trace", unavailable)
    fallback = GradingPass(LeanBert(encoder.model), partial(_mean_pool, torch))
    assert not fallback.traced
    seqs = encoder.piece_ids(["i keep thinking everyone would be better off without me"])
    input_ids, mask = encoder._padded(seqs)
    with torch.inference_mode():
        got = fallback(input_ids, mask, padded=False)
    assert torch.equal(got.float(), torch.from_numpy(encoder.encode_ids(seqs)))


def test_loading_shortens_the_gil_switch_interval(semantic: SemanticClassifier) -> None:
    """The encoder's thread must not wait 5 ms for the GIL at each graph call."""
    assert sys.getswitchinterval() <= GIL_SWITCH_INTERVAL
