"""Fixtures for the model layer's tests: started backends on the tiny model."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from model.config import ModelSection, TransformersSection
from model.llama_cpp_backend import LlamaCppBackend
from model.transformers_backend import TransformersBackend


def llama_cfg(gguf: Path, **overrides: object) -> ModelSection:
    base: dict[str, object] = {"gguf_path": str(gguf), "n_ctx": 1024, "n_threads": 2}
    base.update(overrides)
    return ModelSection(**base)


@pytest.fixture(scope="session")
def tiny_llama(tiny_gguf: Path) -> Iterator[LlamaCppBackend]:
    """One started llama.cpp backend on the tiny GGUF, shared by the fast tests."""
    backend = LlamaCppBackend(llama_cfg(tiny_gguf, kv_cache_conversations=8))
    asyncio.run(backend.start())
    yield backend
    asyncio.run(backend.close())


@pytest.fixture(scope="session")
def tiny_transformers(tiny_hf_model: Path) -> Iterator[TransformersBackend]:
    """One started transformers backend (CPU, fp32) with a 40 ms batching window."""
    cfg = ModelSection(
        backend="transformers",
        transformers=TransformersSection(
            model_path=str(tiny_hf_model), batch_window_ms=40, device="cpu"
        ),
    )
    backend = TransformersBackend(cfg)
    asyncio.run(backend.start())
    yield backend
    asyncio.run(backend.close())


from tests.model.openai_peer import openai_peer  # noqa: E402,F401  (fixture)
