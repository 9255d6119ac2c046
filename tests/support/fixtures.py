"""Session-wide fixtures for the tiny test model: built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tiny_model import build_tiny_gguf, build_tiny_hf_model


@pytest.fixture(scope="session")
def tiny_hf_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An HF folder: sentencepiece tokenizer with a ChatML template + random 2-layer Llama."""
    return build_tiny_hf_model(tmp_path_factory.mktemp("tiny-hf"))


@pytest.fixture(scope="session")
def tiny_gguf(tiny_hf_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same model converted to an f16 GGUF by llama.cpp's converter."""
    return build_tiny_gguf(tmp_path_factory.mktemp("tiny-gguf"), hf_dir=tiny_hf_model)
