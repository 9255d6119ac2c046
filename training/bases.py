"""Find and load the model a fine-tune starts from: an HF folder, a GGUF, or ``builtin``.

A GGUF base is de-quantized by transformers (``gguf_file=``). Such a model
carries a ``quantization_config`` that makes ``save_pretrained`` and PEFT's
merge refuse it, so its weights are copied into a fresh model built from the
same config without that entry (GUIDE section 2): from then on it behaves like
any HF model.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from training.errors import TrainingError

ADAPTER_META = "haven_adapter.json"
BASE_CONFIG_DIR = "base_config"


def offline() -> None:
    """No model hub is reachable here; fail fast instead of waiting on timeouts."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True, slots=True)
class BaseRef:
    spec: str  # what the user typed
    kind: str  # "hf" or "gguf"
    path: str  # HF folder, or the folder holding the GGUF
    gguf_file: str | None = None

    @property
    def gguf_path(self) -> Path | None:
        return Path(self.path) / self.gguf_file if self.gguf_file else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BaseRef:
        return cls(str(data["spec"]), str(data["kind"]), str(data["path"]), data.get("gguf_file"))


def resolve_base(spec: str) -> BaseRef:
    """``builtin``, a ``.gguf`` file, or an HF folder (with config.json, or one GGUF)."""
    if spec == "builtin":
        from model.builtin import builtin_gguf_path

        try:
            path = builtin_gguf_path()
        except Exception as exc:  # BackendUnavailable says how to install it
            raise TrainingError(str(exc)) from exc
        return BaseRef(spec, "gguf", str(path.parent), path.name)
    path = Path(spec).expanduser().resolve()
    if path.is_file() and path.suffix == ".gguf":
        return BaseRef(spec, "gguf", str(path.parent), path.name)
    if path.is_dir():
        if (path / "config.json").is_file():
            return BaseRef(spec, "hf", str(path))
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            return BaseRef(spec, "gguf", str(path), ggufs[0].name)
        if (path / "adapter_config.json").is_file():
            raise TrainingError(
                f"{path} is a LoRA adapter, not a base model: merge it first "
                "(python -m training merge) or pass its base"
            )
    raise TrainingError(
        f"base model {spec!r} not found: give 'builtin', a .gguf file or an HF model folder "
        "(with config.json)"
    )


def load_tokenizer(base: BaseRef) -> Any:
    offline()
    from transformers import AutoTokenizer

    try:
        if base.kind == "gguf":
            tokenizer = AutoTokenizer.from_pretrained(base.path, gguf_file=base.gguf_file)
        else:
            tokenizer = AutoTokenizer.from_pretrained(base.path)
    except Exception as exc:
        raise TrainingError(f"cannot load the tokenizer of {base.spec}: {exc}") from exc
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def _torch_dtype(name: str) -> Any:
    import torch

    return {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[name]


def load_model(base: BaseRef, *, dtype: str = "float32", quantize_4bit: bool = False) -> Any:
    """The base as a plain, saveable ``PreTrainedModel`` (4-bit NF4 when asked)."""
    offline()
    from transformers import AutoModelForCausalLM

    if quantize_4bit:
        return _load_4bit(base, dtype)
    try:
        if base.kind == "gguf":
            return _dequantized_gguf(base, dtype)
        return AutoModelForCausalLM.from_pretrained(base.path, dtype=_torch_dtype(dtype))
    except TrainingError:
        raise
    except Exception as exc:
        raise TrainingError(f"cannot load the model {base.spec}: {exc}") from exc


def _dequantized_gguf(base: BaseRef, dtype: str) -> Any:
    from transformers import AutoModelForCausalLM

    loaded = AutoModelForCausalLM.from_pretrained(
        base.path, gguf_file=base.gguf_file, dtype=_torch_dtype(dtype)
    )
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(config, dtype=_torch_dtype(dtype))
    missing, unexpected = fresh.load_state_dict(loaded.state_dict(), strict=False)
    # A tied output head is the one key that may legitimately be absent.
    missing = [k for k in missing if not k.endswith("lm_head.weight")]
    if missing or unexpected:
        raise TrainingError(
            f"the de-quantized GGUF does not fit its own config (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]})"
        )
    if getattr(config, "tie_word_embeddings", False):
        fresh.tie_weights()
    fresh.generation_config = loaded.generation_config
    del loaded
    return fresh.eval()


def materialize(base: BaseRef, out_dir: Path, dtype: str = "float32") -> Path:
    """An HF folder for ``base`` (itself when it already is one)."""
    if base.kind == "hf":
        return Path(base.path)
    model = _dequantized_gguf(base, dtype)
    model.save_pretrained(out_dir, safe_serialization=True)
    load_tokenizer(base).save_pretrained(out_dir)
    return out_dir


def _load_4bit(base: BaseRef, dtype: str) -> Any:
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    try:
        import bitsandbytes  # noqa: F401
    except ImportError as exc:
        raise TrainingError("--qlora needs bitsandbytes: pip install 'haven[training]'") from exc
    compute = (
        _torch_dtype(dtype) if dtype != "float16" or torch.cuda.is_available() else torch.float32
    )
    config = BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute,
    )
    with tempfile.TemporaryDirectory(prefix="haven-base-") as tmp:
        # bitsandbytes quantizes while loading from disk, so a GGUF base is
        # written out as an HF folder first.
        folder = materialize(base, Path(tmp), dtype)
        try:
            return AutoModelForCausalLM.from_pretrained(
                folder,
                quantization_config=config,
                dtype=compute,
                device_map={"": 0} if torch.cuda.is_available() else {"": "cpu"},
            )
        except Exception as exc:
            raise TrainingError(f"cannot load {base.spec} in 4 bits: {exc}") from exc


def read_adapter_meta(adapter_dir: str | Path) -> dict[str, Any]:
    """What finetune recorded next to an adapter; TrainingError if it is not one."""
    folder = Path(adapter_dir)
    if not (folder / "adapter_config.json").is_file():
        raise TrainingError(f"{folder} is not a LoRA adapter (no adapter_config.json)")
    meta_file = folder / ADAPTER_META
    if meta_file.is_file():
        return json.loads(meta_file.read_text())
    # An adapter trained elsewhere: trust PEFT's own record of its base.
    peft_config = json.loads((folder / "adapter_config.json").read_text())
    base = peft_config.get("base_model_name_or_path")
    if not base:
        raise TrainingError(f"{folder}: the adapter does not say which base it was trained on")
    return {"base": resolve_base(base).to_json()}


def adapter_base(adapter_dir: str | Path) -> BaseRef:
    return BaseRef.from_json(read_adapter_meta(adapter_dir)["base"])
