"""Each backend answers a real prompt with the built-in SmolLM2 (slow: real model, real server)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import httpx
import pytest

from model.base import ChatMessage, GenerationParams
from model.builtin import builtin_gguf_path
from model.config import ModelSection, OpenAISection, TransformersSection
from model.llama_cpp_backend import LlamaCppBackend
from model.openai_backend import OpenAIBackend
from model.transformers_backend import TransformersBackend
from tests.model.openai_peer import free_port

pytestmark = pytest.mark.slow

PROMPT = [
    ChatMessage("system", "You are a kind assistant. Answer in one short sentence."),
    ChatMessage("user", "What is the capital of France?"),
]
PARAMS = GenerationParams(max_new_tokens=24, temperature=0.0)


def _looks_like_an_answer(text: str) -> bool:
    return "paris" in text.lower()


async def test_llama_cpp_builtin_answers() -> None:
    backend = LlamaCppBackend(ModelSection(n_ctx=1024))
    await backend.start()
    try:
        text = "".join([p async for p in backend.stream(PROMPT, PARAMS, session="s")])
    finally:
        await backend.close()
    assert _looks_like_an_answer(text), text


async def test_transformers_builtin_gguf_answers() -> None:
    cfg = ModelSection(
        backend="transformers",
        transformers=TransformersSection(model_path="builtin", device="cpu", batch_window_ms=0),
    )
    backend = TransformersBackend(cfg)
    await backend.start()
    try:
        text = "".join([p async for p in backend.stream(PROMPT, PARAMS)])
    finally:
        await backend.close()
    assert _looks_like_an_answer(text), text


@pytest.fixture
async def llama_server() -> AsyncIterator[str]:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(builtin_gguf_path()),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "1024",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(240):
                try:
                    if (await client.get(base + "/models", timeout=1)).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.returncode is not None:
                    pytest.fail("llama_cpp.server exited during start-up")
                await asyncio.sleep(0.25)
            else:
                pytest.fail("llama_cpp.server did not come up")
        yield base
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), 10)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def test_openai_backend_against_llama_cpp_server(llama_server: str) -> None:
    backend = OpenAIBackend(
        ModelSection(openai=OpenAISection(base_url=llama_server, model="smollm2"))
    )
    await backend.start()
    try:
        assert backend.calibrated_by == "llama-cpp-python"
        text = "".join([p async for p in backend.stream(PROMPT, PARAMS)])
        assert (await backend.health()).available
    finally:
        await backend.close()
    assert _looks_like_an_answer(text), text
