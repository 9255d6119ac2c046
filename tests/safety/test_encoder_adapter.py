"""The tuned encoder: LoRA trained with PEFT, stored as numpy, merged at load without PEFT."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from bot.safety.encoder_adapter import ADAPTER_PATH, apply_adapter, save_adapter
from bot.safety.normalize import normalize
from bot.safety.semantic import HEAD_PATH, Encoder, Head, SemanticUnavailable, model_path, view_post
from bot.safety.train_encoder import lora_factors, train_adapter
from bot.safety.train_head import no_scores


def _hidden(model: torch.nn.Module, ids: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return model(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state


def test_merged_adapter_gives_the_peft_models_vectors(tmp_path: Path) -> None:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModel

    torch.manual_seed(0)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["query", "value", "dense"])
    tuned = get_peft_model(AutoModel.from_pretrained(model_path()), config).eval()
    for name, param in tuned.named_parameters():
        if "lora_B" in name:  # PEFT starts B at zero: give it something to merge
            torch.nn.init.normal_(param, std=0.05)
    ids = torch.tensor([[101, 1045, 2123, 1005, 1056, 2215, 2000, 2022, 2182, 102]])
    path = tmp_path / "adapter.npz"
    adapter_id = save_adapter(path, lora_factors(tuned), 8 / 4)

    plain = AutoModel.from_pretrained(model_path()).eval()
    before = _hidden(plain, ids)
    assert apply_adapter(plain, path) == adapter_id
    after = _hidden(plain, ids)
    expected = _hidden(tuned, ids)
    assert not torch.allclose(before, expected, atol=1e-2)  # the adapter does change the vectors
    assert torch.allclose(after, expected, atol=2e-2)  # factors are stored as float16


def test_a_damaged_adapter_is_refused(tmp_path: Path) -> None:
    from transformers import AutoModel

    path = tmp_path / "adapter.npz"
    rng = np.random.default_rng(0)
    name = "encoder.layer.0.attention.self.query"
    save_adapter(path, {name: (rng.normal(size=(2, 384)), rng.normal(size=(384, 2)))}, 1.0)
    with np.load(path) as data:
        arrays = dict(data)
    arrays[name + ".lora_b"] = arrays[name + ".lora_b"] * 2
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="damaged"):
        apply_adapter(AutoModel.from_pretrained(model_path()), path)


def test_training_lowers_the_loss_on_a_few_posts() -> None:
    encoder = Encoder(adapter=None)
    texts = [
        ("I want to die, I can't go on", 3),
        ("nobody would miss me if I was gone", 2),
        ("work has been stressful and I can't sleep", 1),
        ("made pancakes with my kids this morning", 0),
    ] * 2
    views = [view_post(encoder, normalize(t), no_scores) for t, _ in texts]
    levels = np.array([level for _, level in texts])
    factors, scaling, losses = train_adapter(views, levels, encoder, epochs=3)
    encoder.close()
    assert losses[-1] < losses[0]
    assert scaling > 0
    assert factors and all(np.abs(b).sum() > 0 for _, b in factors.values())


def test_the_shipped_head_was_trained_on_the_shipped_encoder() -> None:
    head = Head.load(HEAD_PATH)
    plain = Encoder(adapter=None)
    plain.close()
    if ADAPTER_PATH.exists():
        tuned = Encoder()
        tuned.close()
        head.check_features(tuned.encoder_id)
        assert tuned.encoder_id != plain.encoder_id
        # A head for the tuned vectors refuses the plain ones, and the other way round.
        with pytest.raises(SemanticUnavailable):
            head.check_features(plain.encoder_id)
    else:
        head.check_features(plain.encoder_id)


def test_loading_refuses_a_head_fitted_on_other_vectors(tmp_path: Path) -> None:
    """What the service sees: a clear reason, and the lexicon carries on alone."""
    from dataclasses import replace

    from bot.safety.semantic import SemanticClassifier

    stale = tmp_path / "head.npz"
    replace(Head.load(HEAD_PATH), encoder_id="all-minilm-l6-v2/untuned").save(stale)
    with pytest.raises(SemanticUnavailable, match="trained on all-minilm-l6-v2/untuned"):
        SemanticClassifier.load(stale)
