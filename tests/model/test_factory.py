"""build_backend and check_backends: choosing backends and explaining the unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.config import ModelSection, OpenAISection, TransformersSection
from model.factory import backend_chain, build_backend, check_backends, cuda_available, resolve_kind
from model.fallback import FallbackBackend
from model.llama_cpp_backend import LlamaCppBackend
from model.openai_backend import OpenAIBackend
from model.transformers_backend import TransformersBackend
from tests.model.conftest import llama_cfg
from tests.model.helpers import chat, collect, greedy
from tests.model.openai_peer import OpenAIPeer, free_port


def test_auto_is_llama_cpp_without_cuda_or_a_transformers_model(tiny_hf_model: Path) -> None:
    assert resolve_kind(ModelSection()) == "llama_cpp"
    with_model = ModelSection(transformers=TransformersSection(model_path=str(tiny_hf_model)))
    assert resolve_kind(with_model) == ("transformers" if cuda_available() else "llama_cpp")


def test_explicit_kinds_build_their_backend() -> None:
    assert isinstance(build_backend(ModelSection(backend="llama_cpp")), LlamaCppBackend)
    assert isinstance(build_backend(ModelSection(backend="transformers")), TransformersBackend)
    assert isinstance(build_backend(ModelSection(backend="openai")), OpenAIBackend)


def test_fallback_chain_is_wrapped_in_order_without_repeats() -> None:
    cfg = ModelSection(backend="openai", fallback=["llama_cpp", "openai", "llama_cpp"])
    assert backend_chain(cfg) == ["openai", "llama_cpp"]
    backend = build_backend(cfg)
    assert isinstance(backend, FallbackBackend)
    assert [b.name for b in backend.backends] == ["openai", "llama_cpp"]


async def test_built_backend_answers(tiny_gguf: Path) -> None:
    backend = build_backend(llama_cfg(tiny_gguf, backend="llama_cpp"))
    await backend.start()
    try:
        assert await collect(backend, chat("Hello"), greedy(4))
    finally:
        await backend.close()


async def test_check_lists_every_kind_with_reasons(tmp_path: Path) -> None:
    cfg = ModelSection(
        backend="llama_cpp",
        gguf_path=str(tmp_path / "missing.gguf"),
        fallback=["openai"],
        openai=OpenAISection(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m"),
    )
    report = {h.name: h for h in await check_backends(cfg)}
    assert set(report) == {"llama_cpp", "transformers", "openai"}
    assert not report["llama_cpp"].available and "missing.gguf" in report["llama_cpp"].detail
    assert report["llama_cpp"].extra["role"] == "primary"
    assert not report["transformers"].available and "model_path" in report["transformers"].detail
    assert report["transformers"].extra["role"] == "not configured"
    assert not report["openai"].available and "unreachable" in report["openai"].detail
    assert report["openai"].extra["role"] == "fallback"


async def test_check_spots_a_file_that_is_not_gguf(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"PK\x03\x04 a zip, not a model")
    report = {h.name: h for h in await check_backends(ModelSection(gguf_path=str(fake)))}
    assert "not a GGUF" in report["llama_cpp"].detail


async def test_check_reports_usable_backends(
    tiny_gguf: Path, tiny_hf_model: Path, openai_peer: OpenAIPeer
) -> None:
    cfg = ModelSection(
        gguf_path=str(tiny_gguf),
        transformers=TransformersSection(model_path=str(tiny_hf_model), device="cpu"),
        openai=OpenAISection(base_url=openai_peer.base_url, model="peer-model"),
    )
    report = {h.name: h for h in await check_backends(cfg)}
    assert all(h.available for h in report.values()), report
    assert report["transformers"].extra["device"] == "cpu"


async def test_check_shows_live_circuit_states(tiny_gguf: Path) -> None:
    cfg = llama_cfg(
        tiny_gguf,
        backend="openai",
        fallback=["llama_cpp"],
        openai=OpenAISection(
            base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", max_retries=0
        ),
    )
    cfg.circuit.failure_threshold = 1
    live = build_backend(cfg)
    await live.start()
    try:
        assert await collect(live, chat("Hi"), greedy(3))  # openai refused -> llama answered
        report = {h.name: h for h in await check_backends(cfg, live=live)}
    finally:
        await live.close()
    assert report["openai"].state == "open"
    assert report["llama_cpp"].state == "closed"
    assert report["openai"].extra["consecutive_failures"] == "1"


def test_transformers_cuda_without_gpu_is_explained(tiny_hf_model: Path) -> None:
    if cuda_available():
        pytest.skip("this machine has CUDA")
    from model.factory import _probe_transformers

    cfg = ModelSection(
        transformers=TransformersSection(model_path=str(tiny_hf_model), device="cuda")
    )
    assert "no CUDA" in _probe_transformers(cfg).detail
