"""Pipeline fixtures: each stage is built once per run and fed to the next.

prepare (tiny tokenizer) -> finetune (a few steps) -> merge -> export. Every
stage runs through the real libraries on the tiny random model from
``tests.support.tiny_model``; the sample datasets in ``samples/`` were written
for these tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "samples"
SAMPLES = {
    "amod": DATA / "amod_sample.csv",
    "empathetic": DATA / "empathetic_sample.jsonl",
    "mentalchat16k": DATA / "mentalchat16k_sample.json",
    "faq": DATA / "faq_sample.csv",
}

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


@pytest.fixture(scope="session")
def prepared(tiny_hf_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Amod-style sample, cleaned and split with the tiny model's tokenizer."""
    from training.dataprep.prepare import PrepareOptions, prepare_dataset

    out = tmp_path_factory.mktemp("prepared")
    prepare_dataset(
        PrepareOptions(
            SAMPLES["amod"], out, tokenizer=str(tiny_hf_model), augment=1, show_progress=False
        )
    )
    return out


@pytest.fixture(scope="session")
def adapter(prepared: Path, tiny_hf_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.finetune import FinetuneOptions, finetune

    out = tmp_path_factory.mktemp("adapter")
    finetune(
        FinetuneOptions(
            prepared,
            str(tiny_hf_model),
            out,
            max_steps=4,
            batch_size=2,
            save_steps=2,
            learning_rate=5e-3,
            packing=True,
            gradient_checkpointing=True,
            label_smoothing=0.1,
            weight_decay=0.01,
            show_progress=False,
        )
    )
    return out


@pytest.fixture(scope="session")
def merged(adapter: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.merge import merge_adapter

    out = tmp_path_factory.mktemp("merged")
    merge_adapter(adapter, out)
    return out


@pytest.fixture(scope="session")
def exported_f16(merged: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from training.export import export_model

    out = tmp_path_factory.mktemp("gguf") / "haven-f16.gguf"
    result = export_model(merged, out, quant="f16", check=False)
    return result.out
