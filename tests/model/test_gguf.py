"""training.gguf: HF -> GGUF, LoRA -> GGUF, quantization; llama.cpp loads each."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from model.llama_cpp_backend import LlamaCppBackend
from tests.model.conftest import llama_cfg
from tests.model.helpers import chat, collect, greedy
from training.gguf import (
    GGUFError,
    convert_hf_to_gguf,
    convert_lora_to_gguf,
    converter_dir,
    quantize_gguf,
)


def test_converter_dir_defaults_to_the_venv_and_honours_the_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HAVEN_CONVERTER_DIR", raising=False)
    assert converter_dir().name == "llama.cpp-convert"
    monkeypatch.setenv("HAVEN_CONVERTER_DIR", str(tmp_path))
    assert converter_dir() == tmp_path


def test_missing_converter_says_how_to_fetch_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tiny_hf_model: Path
) -> None:
    monkeypatch.setenv("HAVEN_CONVERTER_DIR", str(tmp_path / "empty"))
    with pytest.raises(GGUFError, match="make"):
        convert_hf_to_gguf(tiny_hf_model, tmp_path / "x.gguf")


def test_converter_failure_carries_its_stderr(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"architectures": ["NoSuchModelForCausalLM"]}')
    with pytest.raises(GGUFError, match="exit") as err:
        convert_hf_to_gguf(broken, tmp_path / "out.gguf")
    assert "NoSuchModel" in str(err.value)


def test_not_a_model_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match=r"config\.json"):
        convert_hf_to_gguf(tmp_path, tmp_path / "out.gguf")


def test_tiny_gguf_fixture_is_a_gguf(tiny_gguf: Path) -> None:
    assert tiny_gguf.read_bytes()[:4] == b"GGUF"


@pytest.mark.parametrize("quant", ["q8_0", "q4_k_m"])
async def test_quantized_gguf_loads_and_answers(
    tiny_gguf: Path, tmp_path: Path, quant: str
) -> None:
    out = quantize_gguf(tiny_gguf, tmp_path / f"tiny-{quant}.gguf", quant)  # type: ignore[arg-type]
    header, size, f16_size = out.read_bytes()[:4], out.stat().st_size, tiny_gguf.stat().st_size  # noqa: ASYNC240
    assert header == b"GGUF"
    assert size < f16_size
    backend = LlamaCppBackend(llama_cfg(out))
    await backend.start()
    try:
        assert await collect(backend, chat("Hello"), greedy(6))
    finally:
        await backend.close()


def test_quantize_rejects_unknown_types_and_missing_files(tiny_gguf: Path, tmp_path: Path) -> None:
    with pytest.raises(GGUFError, match="unknown quantization"):
        quantize_gguf(tiny_gguf, tmp_path / "x.gguf", "q3_weird")  # type: ignore[arg-type]
    with pytest.raises(GGUFError, match="no such file"):
        quantize_gguf(tmp_path / "missing.gguf", tmp_path / "x.gguf", "q8_0")


async def test_lora_adapter_converts_and_changes_llama_cpp_output(
    tiny_hf_model: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(11)
    model = get_peft_model(
        AutoModelForCausalLM.from_pretrained(tiny_hf_model),
        LoraConfig(
            r=4,
            lora_alpha=32,
            target_modules=["q_proj", "v_proj", "o_proj"],
            init_lora_weights=False,
        ),
    )
    model.save_pretrained(tmp_path / "adapter")
    lora = convert_lora_to_gguf(tmp_path / "adapter", tiny_hf_model, tmp_path / "adapter.gguf")
    assert lora.read_bytes()[:4] == b"GGUF"

    base = LlamaCppBackend(llama_cfg(tiny_gguf))
    adapted = LlamaCppBackend(llama_cfg(tiny_gguf, lora_path=str(lora)))
    await base.start()
    await adapted.start()
    try:
        msgs = chat("I feel tired today.")
        assert await collect(adapted, msgs, greedy(12)) != await collect(base, msgs, greedy(12))
    finally:
        await base.close()
        await adapted.close()


def test_lora_conversion_refuses_a_non_adapter(tmp_path: Path, tiny_hf_model: Path) -> None:
    with pytest.raises(GGUFError, match=r"adapter_config\.json"):
        convert_lora_to_gguf(tmp_path, tiny_hf_model, tmp_path / "a.gguf")
