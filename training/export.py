"""``python -m training export``: an HF model (or a LoRA adapter) to a GGUF the bot loads.

Conversion and quantization are ``training.gguf``'s (llama.cpp's converter in
a subprocess, quantization through llama.cpp's C API); this module chooses
the steps, keeps the f16 intermediate out of the way, and runs the self-check.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.bases import BASE_CONFIG_DIR, adapter_base, load_model, load_tokenizer, offline
from training.errors import TrainingError
from training.gguf import GGUFError, convert_hf_to_gguf, convert_lora_to_gguf, quantize_gguf
from training.selfcheck import SelfCheck, self_check

QUANTS = ("f16", "q8_0", "q4_k_m")


@dataclass
class ExportResult:
    out: Path
    bytes: int
    seconds: float
    check: SelfCheck | None


def _hf_pair(model_dir: Path) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(str(model_dir)).eval()
    return model, tokenizer


def export_model(
    model_dir: str | Path,
    out_file: str | Path,
    *,
    quant: str = "f16",
    check: bool = True,
    compare_hf: bool = True,
) -> ExportResult:
    """Convert a merged (or any) HF causal-LM folder to GGUF, quantized as asked."""
    offline()
    started = time.perf_counter()
    model_dir, out = Path(model_dir), Path(out_file)
    if quant not in QUANTS:
        raise TrainingError(f"unknown --quant {quant!r}: choose one of {', '.join(QUANTS)}")
    if (model_dir / "adapter_config.json").is_file():
        raise TrainingError(
            f"{model_dir} is a LoRA adapter: merge it first (python -m training merge), "
            "or export it as a GGUF adapter with --lora-only"
        )
    if not (model_dir / "config.json").is_file():
        raise TrainingError(f"{model_dir} is not an HF model folder (no config.json)")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if quant == "f16":
            convert_hf_to_gguf(model_dir, out, "f16")
        else:
            with tempfile.TemporaryDirectory(prefix="haven-export-", dir=out.parent) as tmp:
                f16 = convert_hf_to_gguf(model_dir, Path(tmp) / "model-f16.gguf", "f16")
                quantize_gguf(f16, out, quant)  # type: ignore[arg-type]
    except GGUFError as exc:
        raise TrainingError(str(exc)) from exc
    result = None
    if check:
        model = tokenizer = None
        if compare_hf:
            model, tokenizer = _hf_pair(model_dir)
        result = self_check(out, hf_model=model, tokenizer=tokenizer)
    return ExportResult(out, out.stat().st_size, time.perf_counter() - started, result)


def export_lora(
    adapter_dir: str | Path,
    out_file: str | Path,
    *,
    quant: str = "f16",
    base_gguf: str | Path | None = None,
    check: bool = True,
    compare_hf: bool = True,
) -> ExportResult:
    """A PEFT adapter as a GGUF LoRA for ``model.lora_path`` (on top of its base GGUF)."""
    offline()
    started = time.perf_counter()
    adapter, out = Path(adapter_dir), Path(out_file)
    if quant not in ("f16", "q8_0"):
        raise TrainingError("a GGUF LoRA adapter is written as f16 or q8_0, not " + quant)
    base = adapter_base(adapter)
    base_config = adapter / BASE_CONFIG_DIR
    if not (base_config / "config.json").is_file():
        if base.kind != "hf":
            raise TrainingError(f"{adapter} has no {BASE_CONFIG_DIR}/config.json for its base")
        base_config = Path(base.path)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        convert_lora_to_gguf(adapter, base_config, out, quant)  # type: ignore[arg-type]
    except GGUFError as exc:
        raise TrainingError(str(exc)) from exc
    result = None
    if check:
        result = _check_lora(adapter, out, base, base_gguf, compare_hf)
    return ExportResult(out, out.stat().st_size, time.perf_counter() - started, result)


def _check_lora(
    adapter: Path, lora: Path, base: Any, base_gguf: str | Path | None, compare_hf: bool
) -> SelfCheck:
    model = tokenizer = None
    if compare_hf:
        from peft import PeftModel

        tokenizer = load_tokenizer(base)
        model = PeftModel.from_pretrained(load_model(base), str(adapter)).eval()
    if base_gguf is not None:
        return self_check(Path(base_gguf), hf_model=model, tokenizer=tokenizer, lora=lora)
    if base.gguf_path is not None:
        return self_check(base.gguf_path, hf_model=model, tokenizer=tokenizer, lora=lora)
    # An HF base has no GGUF yet: make a temporary one to run the adapter on.
    with tempfile.TemporaryDirectory(prefix="haven-lora-base-") as tmp:
        try:
            gguf = convert_hf_to_gguf(base.path, Path(tmp) / "base-f16.gguf", "f16")
        except GGUFError as exc:
            return SelfCheck(False, "", None, None, 0, 0, 0.0, str(exc))
        return self_check(gguf, hf_model=model, tokenizer=tokenizer, lora=lora)
