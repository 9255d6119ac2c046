"""The one test double at the model seam, shared by the core, adapter,
moderation and scheduler tests.

``ScriptedBackend`` is a real ``model.base.Backend``: it streams a reply word
by word through the event loop, and can be held, failed or slowed on command,
so ordering, fairness and "the user saw the first part before the rest" are
checked by the order of events, never by timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from model.base import BackendHealth, ChatMessage, GenerationParams


@dataclass
class Call:
    messages: list[ChatMessage]
    session: str | None
    user_text: str


@dataclass
class ScriptedBackend:
    name: str = "scripted"
    reply: str = "That sounds hard. I'm here with you. What feels heaviest right now?"
    # When set, wins over ``reply`` (whose "{echo}" becomes the user's text).
    reply_for: Callable[[str], str] | None = None
    fail_with: BaseException | None = None
    hang: bool = False  # never yields until the test gives up on it
    gate: asyncio.Event | None = None  # when set: every stream waits for it first
    hold_after_words: int | None = None  # pause after this many words until `release` is set
    release: asyncio.Event = field(default_factory=asyncio.Event)
    word_delay_s: float = 0.0
    tokens_per_message: int = 4
    calls: list[Call] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # user texts in the order generation started
    started: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    @property
    def seen(self) -> list[str]:
        return self.order

    async def start(self) -> None:
        return None

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        user_text = messages[-1].content
        self.calls.append(Call(list(messages), session, user_text))
        self.order.append(user_text)
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.hang:
            await asyncio.Event().wait()
        if self.fail_with is not None:
            raise self.fail_with
        reply = (
            self.reply_for(user_text) if self.reply_for else self.reply.replace("{echo}", user_text)
        )
        for index, word in enumerate(reply.split(" ")):
            if self.hold_after_words is not None and index == self.hold_after_words:
                await self.release.wait()
            await asyncio.sleep(self.word_delay_s)
            yield word if index == 0 else " " + word

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        # Deterministic: words plus a per-message template overhead.
        return sum(len(m.content.split()) + self.tokens_per_message for m in messages)

    async def health(self) -> BackendHealth:
        return BackendHealth(self.name, True)

    async def close(self) -> None:
        self.closed = True
