"""Circuit breaker and fallback chain: a failing real server ahead of llama.cpp."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from model.base import BackendError, BackendUnavailable, GenerationParams
from model.circuit import CircuitBreaker
from model.config import CircuitSection, ModelSection, OpenAISection
from model.fallback import FallbackBackend
from model.llama_cpp_backend import LlamaCppBackend
from model.openai_backend import OpenAIBackend
from tests.model.conftest import llama_cfg
from tests.model.helpers import chat, collect, greedy
from tests.model.openai_peer import REPLY_WORDS, OpenAIPeer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_threshold_and_probes_after_cooldown() -> None:
    clock = FakeClock()
    cb = CircuitBreaker(failure_threshold=2, cooldown_s=30, clock=clock)
    assert cb.allow()
    cb.record_failure("boom")
    assert cb.state == "closed"
    cb.record_failure("boom")
    assert cb.state == "open"
    assert not cb.allow()
    clock.now += 29
    assert not cb.allow()
    clock.now += 2
    assert cb.state == "half_open"
    assert cb.allow()  # the one probe
    assert not cb.allow()  # nobody else while it runs
    cb.record_failure("still down")
    assert cb.state == "open"
    clock.now += 31
    assert cb.allow()
    cb.record_success()
    assert cb.state == "closed"
    assert cb.consecutive_failures == 0


def test_a_cancelled_probe_frees_the_half_open_slot() -> None:
    clock = FakeClock()
    cb = CircuitBreaker(1, 10, clock)
    cb.record_failure()
    clock.now += 11
    assert cb.allow()
    cb.release()
    assert cb.allow()


@pytest.fixture
async def chain(
    openai_peer: OpenAIPeer, tiny_gguf: Path
) -> AsyncIterator[tuple[FallbackBackend, FakeClock]]:
    clock = FakeClock()
    cfg = ModelSection(
        openai=OpenAISection(base_url=openai_peer.base_url, model="peer-model", max_retries=0)
    )
    backend = FallbackBackend(
        [OpenAIBackend(cfg), LlamaCppBackend(llama_cfg(tiny_gguf))],
        CircuitSection(failure_threshold=2, cooldown_s=60),
        clock=clock,
    )
    await backend.start()
    yield backend, clock
    await backend.close()


async def test_failing_primary_falls_back_then_is_skipped_then_recovers(
    chain: tuple[FallbackBackend, FakeClock], openai_peer: OpenAIPeer
) -> None:
    backend, clock = chain
    llama_alone = await collect(backend.backends[1], chat("Hello"), greedy(8))

    openai_peer.plan = [503, 503, 503, 503]
    assert await collect(backend, chat("Hello"), greedy(8)) == llama_alone
    assert await collect(backend, chat("Hello"), greedy(8)) == llama_alone
    assert len(openai_peer.requests) == 2
    assert backend.breakers[0].state == "open"

    # open: the server is not even asked
    assert await collect(backend, chat("Hello"), greedy(8)) == llama_alone
    assert len(openai_peer.requests) == 2
    states = {h.name: h.state for h in await backend.member_health()}
    assert states == {"openai": "open", "llama_cpp": "closed"}

    # after the cool-down one probe goes through; the server is healthy again
    openai_peer.plan = []
    clock.now += 61
    assert await collect(backend, chat("Hello"), greedy(8)) == "".join(REPLY_WORDS)
    assert backend.breakers[0].state == "closed"


async def test_a_failure_after_text_was_sent_is_raised_not_spliced(
    chain: tuple[FallbackBackend, FakeClock], openai_peer: OpenAIPeer
) -> None:
    backend, _ = chain
    openai_peer.plan = ["error-event"]
    got: list[str] = []
    with pytest.raises(BackendError, match="model crashed"):
        async for piece in backend.stream(chat("Hi"), GenerationParams()):
            got.append(piece)
    assert got == REPLY_WORDS[:2]
    assert backend.breakers[0].consecutive_failures == 1


async def test_cancelling_is_not_a_failure(chain: tuple[FallbackBackend, FakeClock]) -> None:
    backend, _ = chain
    stream = backend.stream(chat("Hi"), GenerationParams())
    assert await anext(stream) == REPLY_WORDS[0]
    await stream.aclose()
    assert backend.breakers[0].consecutive_failures == 0
    assert backend.breakers[0].state == "closed"


async def test_everything_failing_is_unavailable(openai_peer: OpenAIPeer) -> None:
    cfg = ModelSection(
        openai=OpenAISection(base_url=openai_peer.base_url, model="peer-model", max_retries=0)
    )
    backend = FallbackBackend(
        [OpenAIBackend(cfg)], CircuitSection(failure_threshold=1, cooldown_s=60)
    )
    await backend.start()
    openai_peer.plan = [500, 500]
    try:
        with pytest.raises(BackendUnavailable, match="every backend"):
            await collect(backend, chat("Hi"))
        with pytest.raises(BackendUnavailable, match="circuit open"):
            await collect(backend, chat("Hi"))
    finally:
        await backend.close()


async def test_a_member_that_cannot_start_is_left_out(tiny_gguf: Path) -> None:
    unconfigured = OpenAIBackend(ModelSection())
    backend = FallbackBackend(
        [unconfigured, LlamaCppBackend(llama_cfg(tiny_gguf))], CircuitSection()
    )
    await backend.start()
    try:
        assert await collect(backend, chat("Hi"), greedy(4))
        members = await backend.member_health()
        assert members[0].available is False and "base_url" in members[0].detail
        health = await backend.health()
        assert health.available and "llama_cpp" in health.detail
        assert backend.count_tokens(chat("Hi")) == backend.backends[1].count_tokens(chat("Hi"))
    finally:
        await backend.close()
