"""openai backend against a scripted loopback peer (and, slow, a real llama_cpp.server)."""

from __future__ import annotations

import pytest

from model.base import BackendError, BackendUnavailable, ChatMessage, GenerationParams
from model.config import ModelSection, OpenAISection
from model.openai_backend import DEFAULT_CHARS_PER_TOKEN, OpenAIBackend, probe_server
from tests.model.helpers import chat, collect
from tests.model.openai_peer import REPLY_WORDS, OpenAIPeer, free_port


def oa_cfg(base_url: str, **kw: object) -> ModelSection:
    return ModelSection(
        backend="openai", openai=OpenAISection(base_url=base_url, model="peer-model", **kw)
    )


async def started(cfg: ModelSection) -> OpenAIBackend:
    backend = OpenAIBackend(cfg)
    await backend.start()
    return backend


async def test_streams_the_reply_and_sends_the_chat(openai_peer: OpenAIPeer) -> None:
    backend = await started(oa_cfg(openai_peer.base_url))
    try:
        pieces = [
            p
            async for p in backend.stream(
                chat("Hello"), GenerationParams(max_new_tokens=50, seed=3)
            )
        ]
    finally:
        await backend.close()
    assert pieces == REPLY_WORDS
    sent = openai_peer.requests[-1]
    assert sent["model"] == "peer-model"
    assert sent["stream"] is True
    assert sent["seed"] == 3
    assert sent["messages"][-1] == {"role": "user", "content": "Hello"}


async def test_api_key_comes_from_the_named_env(
    openai_peer: OpenAIPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAVEN_TEST_KEY", "sekret")
    backend = await started(oa_cfg(openai_peer.base_url, api_key_env="HAVEN_TEST_KEY"))
    try:
        await collect(backend, chat("Hi"))
    finally:
        await backend.close()
    monkeypatch.delenv("HAVEN_TEST_KEY")
    keyless = await started(oa_cfg(openai_peer.base_url, api_key_env="HAVEN_TEST_KEY"))
    try:
        await collect(keyless, chat("Hi"))
    finally:
        await keyless.close()
    assert openai_peer.auth == ["Bearer sekret", ""]


async def test_retries_busy_server_before_the_first_token(openai_peer: OpenAIPeer) -> None:
    openai_peer.plan = [503, 429]
    backend = await started(oa_cfg(openai_peer.base_url, max_retries=2))
    try:
        assert await collect(backend, chat("Hi")) == "".join(REPLY_WORDS)
    finally:
        await backend.close()
    assert len(openai_peer.requests) == 3


async def test_gives_up_after_max_retries(openai_peer: OpenAIPeer) -> None:
    openai_peer.plan = [503, 503, 503]
    backend = await started(oa_cfg(openai_peer.base_url, max_retries=1))
    try:
        with pytest.raises(BackendError, match="2 tries"):
            await collect(backend, chat("Hi"))
    finally:
        await backend.close()
    assert len(openai_peer.requests) == 2


async def test_client_errors_are_not_retried(openai_peer: OpenAIPeer) -> None:
    openai_peer.plan = [400]
    backend = await started(oa_cfg(openai_peer.base_url, max_retries=3))
    try:
        with pytest.raises(BackendError, match="HTTP 400"):
            await collect(backend, chat("Hi"))
    finally:
        await backend.close()
    assert len(openai_peer.requests) == 1


async def test_error_event_mid_stream_is_a_backend_error(openai_peer: OpenAIPeer) -> None:
    openai_peer.plan = ["error-event"]
    backend = await started(oa_cfg(openai_peer.base_url))
    got: list[str] = []
    try:
        with pytest.raises(BackendError, match="model crashed"):
            async for piece in backend.stream(chat("Hi"), GenerationParams()):
                got.append(piece)
    finally:
        await backend.close()
    assert got == REPLY_WORDS[:2]


async def test_a_hanging_server_times_out(openai_peer: OpenAIPeer) -> None:
    openai_peer.plan = ["hang"]
    backend = await started(oa_cfg(openai_peer.base_url, max_retries=0))
    try:
        with pytest.raises(BackendError, match="no answer within"):
            await collect(backend, chat("Hi"), GenerationParams(timeout_s=0.3))
    finally:
        await backend.close()


async def test_refused_connection_is_a_backend_error() -> None:
    backend = await started(oa_cfg(f"http://127.0.0.1:{free_port()}/v1", max_retries=1))
    try:
        with pytest.raises(BackendError, match="ConnectError"):
            await collect(backend, chat("Hi"))
    finally:
        await backend.close()


async def test_stop_strings_apply_even_if_the_server_ignores_them(openai_peer: OpenAIPeer) -> None:
    backend = await started(oa_cfg(openai_peer.base_url))
    try:
        text = await collect(backend, chat("Hi"), GenerationParams(stop=("sounds",)))
    finally:
        await backend.close()
    assert text == "I hear you. That "
    assert openai_peer.requests[-1]["stop"] == ["sounds"]


async def test_token_count_is_calibrated_by_the_servers_tokenizer(openai_peer: OpenAIPeer) -> None:
    backend = await started(oa_cfg(openai_peer.base_url))
    try:
        assert backend.calibrated_by == "llama-cpp-python"
        assert backend.chars_per_token == pytest.approx(5, rel=0.05)
        msgs = [ChatMessage("user", "x" * 500)]
        assert 100 <= backend.count_tokens(msgs) <= 110
    finally:
        await backend.close()


async def test_without_a_tokenize_endpoint_the_estimate_is_documented() -> None:
    backend = await started(oa_cfg(f"http://127.0.0.1:{free_port()}/v1"))
    try:
        assert backend.chars_per_token == DEFAULT_CHARS_PER_TOKEN
        assert backend.count_tokens([ChatMessage("user", "a" * 35)]) == 10 + 4 + 3
    finally:
        await backend.close()


async def test_missing_configuration_is_unavailable() -> None:
    with pytest.raises(BackendUnavailable, match="base_url"):
        await OpenAIBackend(ModelSection(backend="openai")).start()


async def test_health_and_probe(openai_peer: OpenAIPeer) -> None:
    ok, detail = await probe_server(openai_peer.base_url, "NO_SUCH_ENV")
    assert ok and "peer-model" in detail
    down_ok, down = await probe_server(f"http://127.0.0.1:{free_port()}/v1", "NO_SUCH_ENV")
    assert not down_ok and "unreachable" in down
    backend = await started(oa_cfg(openai_peer.base_url))
    try:
        assert (await backend.health()).available
    finally:
        await backend.close()
