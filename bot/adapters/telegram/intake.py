"""Exactly-once intake of Telegram updates across polls, webhooks and restarts.

An update is handled once: updates already in flight or recorded in the
ledger are skipped. The offset that confirms updates to Telegram is the
low-water mark: below the oldest update still in flight, so a crash mid-reply
gets that update back after the restart instead of losing it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from telegram import Update

from bot.memory.updates import UpdateLedger

log = logging.getLogger(__name__)


class UpdateIntake:
    def __init__(self, ledger: UpdateLedger, handle: Callable[[Update], Awaitable[None]]) -> None:
        self.ledger = ledger
        self.handle = handle
        self.in_flight: dict[int, asyncio.Task[None]] = {}
        self._done_above_mark: set[int] = set()  # finished, but an older one still runs
        self._max_seen = 0
        self.progress = asyncio.Event()  # set whenever an update finishes
        self.handled = 0
        self.skipped = 0
        self._accepting = asyncio.Lock()  # two webhook calls with one update: start it once

    def offset(self) -> int:
        """What to pass to getUpdates: confirms everything handled below the oldest in flight."""
        if self.in_flight:
            return min(self.in_flight)
        return self._max_seen + 1 if self._max_seen else 0

    async def accept(self, updates: Iterable[Update]) -> list[asyncio.Task[None]]:
        """Start handling the updates not seen before; returns their tasks."""
        async with self._accepting:
            return await self._accept(list(updates))

    async def _accept(self, updates: list[Update]) -> list[asyncio.Task[None]]:
        fresh = [
            u
            for u in updates
            if u.update_id not in self.in_flight and u.update_id not in self._done_above_mark
        ]
        if not fresh:
            return []
        done = await self.ledger.handled_among(u.update_id for u in fresh)
        started: list[asyncio.Task[None]] = []
        for update in sorted(fresh, key=lambda u: u.update_id):
            self._max_seen = max(self._max_seen, update.update_id)
            if str(update.update_id) in done:
                self.skipped += 1
                self._done_above_mark.add(update.update_id)
                continue
            task = asyncio.create_task(self._run(update))
            self.in_flight[update.update_id] = task
            started.append(task)
        self._prune()
        return started

    async def _run(self, update: Update) -> None:
        try:
            await self.handle(update)
        except asyncio.CancelledError:
            # Shutdown: not recorded, so the restart handles it again.
            self.in_flight.pop(update.update_id, None)
            raise
        except Exception:
            # Recorded anyway: an update that always crashes must not loop forever.
            log.exception("handling Telegram update %d failed", update.update_id)
        await self.ledger.mark_handled(update.update_id)
        self.in_flight.pop(update.update_id, None)
        self._done_above_mark.add(update.update_id)
        self.handled += 1
        self.progress.set()

    def _prune(self) -> None:
        mark = self.offset()
        self._done_above_mark = {u for u in self._done_above_mark if u >= mark}

    async def close(self) -> None:
        for task in list(self.in_flight.values()):
            task.cancel()
        await asyncio.gather(*self.in_flight.values(), return_exceptions=True)
