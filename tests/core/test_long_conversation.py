"""A conversation longer than the context: older turns fold into a rolling
summary in the background, and the next prompt carries it and still fits.

The model is the tiny llama.cpp GGUF through the real ``LlamaCppBackend``, so
every token count is its real tokenizer on its real chat template. Only the
summary's wording is scripted (a random tiny model writes noise, or nothing),
so the test can follow it into the database and the next prompt.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import pytest

from bot.config import HavenConfig
from bot.core import build_core
from bot.core.prompt import prompt_budget
from bot.memory.db import Database
from model.base import BackendHealth, ChatMessage, GenerationParams
from model.llama_cpp_backend import LlamaCppBackend
from model.summary import SUMMARY_SYSTEM_PROMPT, summarize
from tests.core.conftest import consent, make_config, msg, replies
from tests.core.fakes import KeywordSafety

SUMMARY = "They have exams soon and sleep badly; walks help them."
N_CTX = 1024
MAX_NEW = 16


class ScriptedSummaryLlama:
    """The real tiny llama.cpp backend, except that a summary request gets ``SUMMARY``."""

    name = "tiny-llama"

    def __init__(self, real: LlamaCppBackend) -> None:
        self.real = real
        self.summary_requests: list[list[ChatMessage]] = []
        self.reply_prompts: list[list[ChatMessage]] = []

    async def start(self) -> None:
        await self.real.start()

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        if messages[0].content == SUMMARY_SYSTEM_PROMPT:
            self.summary_requests.append(list(messages))
            yield SUMMARY
            return
        self.reply_prompts.append(list(messages))
        async for piece in self.real.stream(messages, params, session=session):
            yield piece

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return self.real.count_tokens(messages)

    async def health(self) -> BackendHealth:
        return await self.real.health()

    async def close(self) -> None:
        await self.real.close()


@pytest.fixture
def long_config(tmp_path: Path, tiny_gguf: Path) -> HavenConfig:
    return make_config(
        tmp_path,
        model={
            "backend": "llama_cpp",
            "gguf_path": str(tiny_gguf),
            "n_ctx": N_CTX,
            "max_new_tokens": MAX_NEW,
            "n_threads": 2,
            "temperature": 0.0,
        },
    )


@pytest.fixture
def llama(long_config: HavenConfig) -> Iterator[ScriptedSummaryLlama]:
    yield ScriptedSummaryLlama(LlamaCppBackend(long_config.model))


def _user_text(n: int) -> str:
    sentence = "I keep thinking about the exams and the nights without sleep."
    return f"turn{n} " + " ".join([sentence] * 3)


async def test_overflowing_history_is_summarised_and_the_prompt_stays_in_budget(
    long_config: HavenConfig, db: Database, llama: ScriptedSummaryLlama
) -> None:
    await llama.start()
    core = build_core(long_config, db, llama, KeywordSafety(), summarizer=summarize)
    budget = prompt_budget(N_CTX, MAX_NEW)
    try:
        await consent(core)
        sent = 0
        while not llama.summary_requests and sent < 40:
            await replies(core, msg(_user_text(sent)))
            sent += 1
            await core.idle()  # the background summary, when one started
        assert llama.summary_requests, "history outgrew the budget but no summary was asked for"
        # The request folds the oldest turns (the first message among them).
        assert "turn0 " in llama.summary_requests[0][-1].content

        row = await db.fetchone("SELECT summary, summary_upto FROM conversations")
        assert row is not None and row["summary"] == SUMMARY
        upto = row["summary_upto"]
        folded = await db.fetchall(
            "SELECT content FROM messages WHERE id <= ? AND role = 'user'", (upto,)
        )
        assert folded and folded[0]["content"] == _user_text(0)

        await replies(core, msg(_user_text(sent)))
        await core.idle()
        prompt = llama.reply_prompts[-1]
        assert prompt[0].role == "system" and SUMMARY in prompt[0].content
        assert prompt[-1].content == _user_text(sent)
        assert llama.count_tokens(prompt) <= budget
        body = "\n".join(m.content for m in prompt[1:])
        for row in folded:  # what the summary stands for is no longer sent verbatim
            assert row["content"].split(" ", 1)[0] + " " not in body
        # Every reply prompt stayed within the budget, before and after the summary.
        assert all(llama.count_tokens(p) <= budget for p in llama.reply_prompts)
    finally:
        await core.close(grace_s=5)
        await llama.close()
