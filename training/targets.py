"""Which layers LoRA adapts, per architecture family.

The attention projections are the usual choice: they give most of LoRA's
gain for a fraction of the parameters of adapting the MLPs too, and
llama.cpp's LoRA loader handles them for every family below.
"""

from __future__ import annotations

from typing import Any

from training.errors import TrainingError

_ATTENTION = ["q_proj", "k_proj", "v_proj", "o_proj"]

TARGETS_BY_FAMILY: dict[str, list[str]] = {
    "llama": _ATTENTION,  # also SmolLM / SmolLM2
    "smollm3": _ATTENTION,
    "mistral": _ATTENTION,
    "mixtral": _ATTENTION,
    "qwen2": _ATTENTION,
    "qwen3": _ATTENTION,
    "gemma": _ATTENTION,
    "gemma2": _ATTENTION,
    "phi3": ["qkv_proj", "o_proj"],
    # GPT-2 fuses q/k/v into c_attn; "attn.c_proj" leaves the MLP's c_proj alone.
    "gpt2": ["c_attn", "attn.c_proj"],
}


def target_modules(model: Any, override: list[str] | None = None) -> list[str]:
    """The module names to adapt; the override wins, then the family table, then a scan."""
    if override:
        return override
    family = getattr(model.config, "model_type", "")
    if family in TARGETS_BY_FAMILY:
        return TARGETS_BY_FAMILY[family]
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    found = [name for name in _ATTENTION if name in names]
    if found:
        return found
    raise TrainingError(
        f"no known attention projections in a {family or 'unknown'} model: "
        "name them with --target-modules"
    )
