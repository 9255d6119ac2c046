"""``/reset`` and ``/forget`` drop the conversation's KV state in the real
llama.cpp backend: that state is the user's words in RAM (README, Privacy)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core import ConversationCore, build_core
from bot.memory.db import Database
from model.llama_cpp_backend import LlamaCppBackend
from tests.core.conftest import consent, make_config, msg, replies
from tests.core.fakes import KeywordSafety


async def _talk_in_two_chats(
    tmp_path: Path, tiny_gguf: Path, db: Database
) -> tuple[ConversationCore, LlamaCppBackend]:
    config = make_config(
        tmp_path,
        model={
            "backend": "llama_cpp",
            "gguf_path": str(tiny_gguf),
            "n_ctx": 512,
            "max_new_tokens": 4,
            "n_threads": 2,
            "temperature": 0.0,
        },
    )
    backend = LlamaCppBackend(config.model)
    await backend.start()
    core = build_core(config, db, backend, KeywordSafety())
    await consent(core)
    await consent(core, chat="c2")
    # Two conversations, so the first one's KV state is parked in the store.
    for chat in ("u1", "c2", "u1"):
        await replies(core, msg(f"hello from {chat}", chat=chat))
        await core.idle()
    return core, backend


async def _drain(backend: LlamaCppBackend) -> None:
    """Wait for the forget queued on the model's single worker thread."""
    await asyncio.wrap_future(backend._executor.submit(lambda: None))


def _sessions(backend: LlamaCppBackend) -> set[str]:
    """Parked sessions plus the one the context holds."""
    parked = set(backend._kv._entries)
    return parked | ({backend._resident} if backend._resident else set())


async def test_reset_drops_that_conversations_kv_state(
    tmp_path: Path, tiny_gguf: Path, db: Database
) -> None:
    core, backend = await _talk_in_two_chats(tmp_path, tiny_gguf, db)
    try:
        [c2] = [k for k in _sessions(backend) if ":c2:" in k]
        assert c2 in backend._kv  # parked while u1's conversation holds the context
        await replies(core, msg("/reset", chat="c2"))
        await _drain(backend)
        assert c2 not in backend._kv and c2 not in _sessions(backend)
    finally:
        await core.close(grace_s=1)
        await backend.close()


async def test_forget_drops_every_conversations_kv_state(
    tmp_path: Path, tiny_gguf: Path, db: Database
) -> None:
    core, backend = await _talk_in_two_chats(tmp_path, tiny_gguf, db)
    try:
        assert backend._resident is not None and backend._resident.startswith("telegram:u1:")
        assert len(backend._kv) == 1
        await replies(core, msg("/forget"))
        await replies(core, msg(action="forget:confirm"))
        await _drain(backend)
        assert len(backend._kv) == 0 and backend._resident is None
        # The context that held the conversation is wiped too, not only unlisted.
        assert backend._llm is not None and backend._llm.n_tokens == 0
    finally:
        await core.close(grace_s=1)
        await backend.close()
