"""merge and export on the tiny model: GGUF files the bot's llama.cpp backend loads and that
answer like the HF model they came from."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from model.base import ChatMessage, GenerationParams
from model.config import ModelSection
from model.llama_cpp_backend import LlamaCppBackend
from training.cli import main
from training.export import export_lora, export_model
from training.selfcheck import self_check


def test_merged_folder_is_a_complete_hf_model(merged: Path, adapter: Path) -> None:
    for name in ("config.json", "model.safetensors", "tokenizer.model", "tokenizer_config.json"):
        assert (merged / name).is_file(), name
    meta = json.loads((merged / "haven_merge.json").read_text())
    assert meta["merged_from"] == str(adapter.resolve())


def test_merge_changes_the_weights(merged: Path, tiny_hf_model: Path) -> None:
    from safetensors.torch import load_file

    before = load_file(str(tiny_hf_model / "model.safetensors"))
    after = load_file(str(merged / "model.safetensors"))
    q = "model.layers.0.self_attn.q_proj.weight"
    mlp = "model.layers.0.mlp.up_proj.weight"
    assert not (before[q] == after[q]).all()  # adapted
    assert (before[mlp] == after[mlp]).all()  # not a LoRA target


def test_f16_export_answers_exactly_like_the_hf_model(merged: Path, exported_f16: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    check = self_check(
        exported_f16,
        hf_model=AutoModelForCausalLM.from_pretrained(str(merged)),
        tokenizer=AutoTokenizer.from_pretrained(str(merged)),
    )
    assert check.loaded and check.prompt_tokens_match
    assert check.compared_tokens > 0 and check.exact, check.summary()


def test_quantized_export_is_smaller_and_loads(
    merged: Path, exported_f16: Path, tmp_path: Path
) -> None:
    result = export_model(merged, tmp_path / "haven-q8_0.gguf", quant="q8_0")
    assert result.bytes < exported_f16.stat().st_size
    assert result.check is not None and result.check.loaded
    assert result.check.prompt_tokens_match
    assert not list(tmp_path.glob("haven-export-*"))  # the f16 intermediate is gone


def test_exported_gguf_serves_a_chat_in_the_bot_backend(exported_f16: Path) -> None:
    async def chat() -> str:
        backend = LlamaCppBackend(ModelSection(gguf_path=str(exported_f16), n_ctx=1024))
        await backend.start()
        try:
            params = GenerationParams(max_new_tokens=8, temperature=0.0, seed=1)
            messages = [ChatMessage("system", "Be kind."), ChatMessage("user", "hello")]
            return "".join([p async for p in backend.stream(messages, params, session="s1")])
        finally:
            await backend.close()

    assert isinstance(asyncio.run(chat()), str)


def test_lora_only_export_matches_base_plus_adapter(
    adapter: Path, tiny_gguf: Path, tmp_path: Path
) -> None:
    result = export_lora(adapter, tmp_path / "lora.gguf", base_gguf=tiny_gguf)
    assert result.out.stat().st_size > 0
    assert result.check is not None and result.check.loaded
    assert result.check.exact, result.check.summary()


def test_export_cli_quantizes_and_prints_the_self_check(
    merged: Path, exported_f16: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        ["export", "--model", str(merged), "--out", str(tmp_path / "m.gguf"), "--quant", "q4_k_m"]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert (tmp_path / "m.gguf").stat().st_size < exported_f16.stat().st_size
    assert "loaded in the bot's llama.cpp backend and answered" in out
    assert "prompt tokens match" in out


def test_export_refuses_what_it_cannot_convert(
    adapter: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--model", str(adapter), "--out", str(tmp_path / "x.gguf")]) == 2
    assert "--lora-only" in capsys.readouterr().err
    assert main(["export", "--model", str(tmp_path), "--out", str(tmp_path / "x.gguf")]) == 2
    assert "no config.json" in capsys.readouterr().err
    rc = main(
        [
            "export",
            "--model",
            str(adapter),
            "--out",
            str(tmp_path / "x.gguf"),
            "--lora-only",
            "--quant",
            "q4_k_m",
        ]
    )
    assert rc == 2 and "f16 or q8_0" in capsys.readouterr().err
    assert main(["merge", "--adapter", str(tmp_path), "--out", str(tmp_path / "m")]) == 2
    assert "not a LoRA adapter" in capsys.readouterr().err


def test_self_check_reports_a_file_the_backend_cannot_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but not really")
    check = self_check(broken)
    assert not check.loaded and check.error
    assert "FAILED" in check.summary()
