"""llama.cpp backend on the tiny GGUF: generation, tokens, KV reuse, cancellation."""

from __future__ import annotations

import asyncio
import threading
from contextlib import aclosing
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from model.base import BackendError, BackendUnavailable, ChatMessage
from model.llama_cpp_backend import LlamaCppBackend, _restore_seq, _save_seq
from tests.model.conftest import llama_cfg
from tests.model.helpers import chat, collect, greedy


async def test_generates_text_deterministically_when_greedy(tiny_llama: LlamaCppBackend) -> None:
    msgs = chat("I feel tired today.")
    first = await collect(tiny_llama, msgs, greedy(16))
    second = await collect(tiny_llama, msgs, greedy(16))
    assert first
    assert first == second


async def test_streams_in_several_pieces(tiny_llama: LlamaCppBackend) -> None:
    pieces = [p async for p in tiny_llama.stream(chat("Hello there."), greedy(24))]
    assert len(pieces) > 1


async def test_count_tokens_matches_the_hf_tokenizer(
    tiny_llama: LlamaCppBackend, tiny_hf_model: Path
) -> None:
    msgs = chat("We need some rest lately.", "That sounds hard.", "It is, a little.")
    tok = AutoTokenizer.from_pretrained(tiny_hf_model)
    hf = tok.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in msgs], add_generation_prompt=True
    )["input_ids"]
    assert tiny_llama.count_tokens(msgs) == len(hf)
    assert tiny_llama.prompt_tokens(msgs) == list(hf)


async def test_stop_string_ends_the_reply_without_leaking_it(tiny_llama: LlamaCppBackend) -> None:
    msgs = chat("Tell me about the morning light.")
    full = await collect(tiny_llama, msgs, greedy(40))
    assert len(full) > 6
    stop = full[3:6]
    cut = await collect(tiny_llama, msgs, greedy(40, stop=(stop,)))
    assert cut == full[: full.find(stop)]


async def test_max_new_tokens_bounds_the_reply(tiny_llama: LlamaCppBackend) -> None:
    before = tiny_llama.tokens_generated
    await collect(tiny_llama, chat("Talk to me about sleep."), greedy(5))
    assert tiny_llama.tokens_generated - before <= 5


async def test_prompt_longer_than_the_context_is_a_calm_error(tiny_gguf: Path) -> None:
    backend = LlamaCppBackend(llama_cfg(tiny_gguf, n_ctx=256))
    await backend.start()
    try:
        with pytest.raises(BackendError, match="context"):
            await collect(backend, chat("calm " * 400))
        # and the backend still answers afterwards
        assert await collect(backend, chat("Hello"), greedy(4)) is not None
    finally:
        await backend.close()


async def test_missing_gguf_and_lora_are_unavailable_with_a_fix(
    tmp_path: Path, tiny_gguf: Path
) -> None:
    with pytest.raises(BackendUnavailable, match="does not exist"):
        await LlamaCppBackend(llama_cfg(tmp_path / "nope.gguf")).start()
    with pytest.raises(BackendUnavailable, match="lora_path"):
        await LlamaCppBackend(llama_cfg(tiny_gguf, lora_path=str(tmp_path / "nope.gguf"))).start()
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all")
    with pytest.raises(BackendUnavailable, match="could not load"):
        await LlamaCppBackend(llama_cfg(bad)).start()


# -- cancellation and timeouts ------------------------------------------------


async def _baseline_length(backend: LlamaCppBackend, msgs: list[ChatMessage], budget: int) -> int:
    before = backend.tokens_generated
    await collect(backend, msgs, greedy(budget))
    return backend.tokens_generated - before


async def test_closing_the_stream_stops_generation(tiny_llama: LlamaCppBackend) -> None:
    msgs = chat("Tell me a long story about the night.")
    full = await _baseline_length(tiny_llama, msgs, 300)
    assert full > 60, "the prompt must generate long enough for cancellation to show"
    before = tiny_llama.tokens_generated
    stream = tiny_llama.stream(msgs, greedy(300))
    await anext(stream)
    await stream.aclose()
    await collect(
        tiny_llama, chat("Hello"), greedy(3)
    )  # queued behind: runs once the first stopped
    assert tiny_llama.tokens_generated - before < full // 2


async def test_cancelling_the_consumer_task_stops_generation(tiny_llama: LlamaCppBackend) -> None:
    msgs = chat("Tell me a long story about the night.")
    full = await _baseline_length(tiny_llama, msgs, 300)
    before = tiny_llama.tokens_generated
    first = asyncio.Event()

    async def consume() -> None:
        # Hold the stream open after the first piece, so only the cancellation
        # can end this task (a fast worker could otherwise finish first).
        async with aclosing(tiny_llama.stream(msgs, greedy(300))) as pieces:
            async for _ in pieces:
                first.set()
                await asyncio.Event().wait()

    task = asyncio.create_task(consume())
    await first.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await collect(tiny_llama, chat("Hello"), greedy(3))
    assert tiny_llama.tokens_generated - before < full // 2


async def test_a_request_stuck_in_the_queue_times_out(tiny_llama: LlamaCppBackend) -> None:
    gate = threading.Event()
    tiny_llama._executor.submit(gate.wait, 30)  # the worker is busy with someone else
    try:
        with pytest.raises(BackendError, match="no complete reply"):
            await collect(tiny_llama, chat("Hello"), greedy(4, timeout_s=0.2))
    finally:
        gate.set()
    assert await collect(tiny_llama, chat("Hello"), greedy(4))  # it recovers


async def test_concurrent_requests_are_queued_not_mixed(tiny_llama: LlamaCppBackend) -> None:
    prompts = [chat(t) for t in ("I miss my sister.", "Work was calm.", "We hope for rest.")]
    alone = [await collect(tiny_llama, p, greedy(10)) for p in prompts]
    together = await asyncio.gather(*(collect(tiny_llama, p, greedy(10)) for p in prompts))
    assert list(together) == alone


# -- per-conversation KV state -------------------------------------------------


async def test_state_copy_round_trips_exactly(tiny_llama: LlamaCppBackend) -> None:
    await collect(tiny_llama, chat("I feel alone right now."), greedy(8), session="roundtrip")
    llm = tiny_llama._llm
    assert llm is not None

    def roundtrip() -> tuple[bytes, bytes, list[int], list[int]]:
        snap = _save_seq(llm)
        assert _restore_seq(llm, snap)
        again = _save_seq(llm)
        return (
            bytes(snap.state[: snap.nbytes]),  # type: ignore[index]
            bytes(again.state[: again.nbytes]),  # type: ignore[index]
            snap.tokens.tolist(),
            again.tokens.tolist(),
        )

    a, b, ta, tb = await asyncio.get_running_loop().run_in_executor(tiny_llama._executor, roundtrip)
    assert a == b
    assert ta == tb
    assert len(ta) > 0


def _conversations() -> dict[str, list[str]]:
    return {
        "ana": ["I feel tired today.", "Work keeps piling up.", "Thanks, that helps a little."],
        "ben": ["My family was calm this week.", "I miss my sister.", "We talk lately."],
        "cai": ["Sleep is hard.", "I keep breathing slowly.", "It is okay."],
        "dee": ["Hello.", "I hope for some rest.", "Right now I am better."],
    }


async def _interleave(backend: LlamaCppBackend, rounds: int) -> dict[str, list[str]]:
    """Four users taking turns on one backend; each keeps its own history."""
    convs = _conversations()
    history = {name: [] for name in convs}
    replies: dict[str, list[str]] = {name: [] for name in convs}
    for turn in range(rounds):
        for name, lines in convs.items():
            history[name].append(lines[turn])
            reply = await collect(backend, chat(*history[name]), greedy(10), session=name)
            history[name].append(reply)
            replies[name].append(reply)
    return replies


async def test_restored_conversations_answer_exactly_like_a_fresh_evaluation(
    tiny_llama: LlamaCppBackend, tiny_gguf: Path
) -> None:
    restores_before = int((await tiny_llama.health()).extra["kv_restores"])
    with_reuse = await _interleave(tiny_llama, rounds=3)
    assert int((await tiny_llama.health()).extra["kv_restores"]) - restores_before >= 8

    fresh = LlamaCppBackend(llama_cfg(tiny_gguf, kv_cache_conversations=0))
    await fresh.start()
    try:
        # No store: every turn re-evaluates the history from scratch.
        without = await _interleave(fresh, rounds=3)
    finally:
        await fresh.close()
    assert with_reuse == without


async def test_lru_eviction_keeps_answers_correct(tiny_gguf: Path) -> None:
    small = LlamaCppBackend(llama_cfg(tiny_gguf, kv_cache_conversations=1))
    await small.start()
    try:
        evicting = await _interleave(small, rounds=2)
        health = await small.health()
    finally:
        await small.close()
    assert int(health.extra["kv_evictions"]) > 0
    assert int(health.extra["kv_conversations"]) <= 1
    assert evicting == await _interleave_fresh(tiny_gguf)


async def _interleave_fresh(gguf: Path) -> dict[str, list[str]]:
    fresh = LlamaCppBackend(llama_cfg(gguf, kv_cache_conversations=0))
    await fresh.start()
    try:
        return await _interleave(fresh, rounds=2)
    finally:
        await fresh.close()


async def test_forget_drops_a_saved_conversation(tiny_llama: LlamaCppBackend) -> None:
    await collect(tiny_llama, chat("Remember me."), greedy(4), session="forget-me")
    await collect(tiny_llama, chat("Someone else."), greedy(4), session="other")
    assert "forget-me" in tiny_llama._kv
    tiny_llama.forget("forget-me")
    await collect(tiny_llama, chat("Hello"), greedy(2))  # runs after forget in the same queue
    assert "forget-me" not in tiny_llama._kv
