"""Folding a long conversation's oldest turns into its stored rolling summary.

Runs in the background after a prompt had to drop history, so the person
never waits for it; it shares the fair gate with replies (it is backend work
too) and stores ``conversations.summary`` / ``summary_upto``, which the next
prompt reads instead of the dropped turns.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.core.prompt import HistoryTurn
from bot.core.scheduling import FairGate
from bot.memory.store import ConversationRecord, MemoryStore
from model.base import Backend, ChatMessage

log = logging.getLogger(__name__)

# ``model.summary.summarize``'s shape: (backend, turns, previous summary) -> new summary.
Summarize = Callable[[Backend, Sequence[ChatMessage], str], Awaitable[str]]
Spawn = Callable[[Awaitable[Any]], asyncio.Task[Any]]


class RollingSummaries:
    def __init__(
        self,
        store: MemoryStore,
        backend: Backend,
        gate: FairGate,
        summarize: Summarize,
        spawn: Spawn,
    ) -> None:
        self.store = store
        self.backend = backend
        self.gate = gate
        self.summarize = summarize
        self.spawn = spawn
        self._running: set[int] = set()

    def later(self, conversation: ConversationRecord, dropped: Sequence[HistoryTurn]) -> None:
        """Fold ``dropped`` in the background; one summary per conversation at a time."""
        if conversation.id in self._running or not dropped:
            return
        self._running.add(conversation.id)
        self.spawn(self._fold(conversation, list(dropped)))

    async def _fold(self, conversation: ConversationRecord, dropped: list[HistoryTurn]) -> None:
        try:
            turns = [
                ChatMessage("assistant" if d.role == "assistant" else "user", d.content)
                for d in dropped
            ]
            async with self.gate.slot(("summary", str(conversation.id))):
                summary = await self.summarize(self.backend, turns, conversation.summary or "")
            if summary:
                await self.store.set_summary(conversation.id, summary.strip(), dropped[-1].id)
        except Exception as exc:
            log.warning("summarising a conversation failed: %s", type(exc).__name__)
        finally:
            self._running.discard(conversation.id)
