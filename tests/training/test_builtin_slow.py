"""The real thing, briefly: fine-tune the built-in SmolLM2 on the CPU and export it
(merged and quantized, and as a LoRA GGUF)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.training.conftest import SAMPLES
from training.cli import main


@pytest.mark.slow
def test_builtin_smollm2_finetune_merge_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, adapter, merged = tmp_path / "data", tmp_path / "adapter", tmp_path / "merged"
    gguf = tmp_path / "haven-q8_0.gguf"
    assert (
        main(
            [
                "prepare",
                "--input",
                str(SAMPLES["faq"]),
                "--out",
                str(data),
                "--tokenizer",
                "builtin",
                "--quiet",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "finetune",
                "--data",
                str(data),
                "--base",
                "builtin",
                "--out",
                str(adapter),
                "--max-steps",
                "3",
                "--batch-size",
                "1",
                "--max-length",
                "256",
                "--no-validation",
                "--quiet",
            ]
        )
        == 0
    )
    meta = json.loads((adapter / "haven_adapter.json").read_text())
    assert meta["base"]["kind"] == "gguf" and meta["base"]["spec"] == "builtin"
    assert meta["result"]["steps"] == 3 and meta["result"]["train_loss"] < 10
    assert main(["merge", "--adapter", str(adapter), "--out", str(merged)]) == 0
    capsys.readouterr()
    assert main(["export", "--model", str(merged), "--out", str(gguf), "--quant", "q8_0"]) == 0
    out = capsys.readouterr().out
    assert "loaded in the bot's llama.cpp backend and answered" in out
    assert "prompt tokens match" in out
    assert 100 * 2**20 < gguf.stat().st_size < 200 * 2**20
    # The adapter alone, on top of the built-in GGUF (model.lora_path).
    assert (
        main(
            ["export", "--model", str(adapter), "--out", str(tmp_path / "lora.gguf"), "--lora-only"]
        )
        == 0
    )
    assert "answered" in capsys.readouterr().out
