"""One conversation at a time per chat, many chats at once.

Replies to one person must come in the order they wrote, and two replies
streaming into one chat would interleave, so work for a chat runs strictly
in sequence; different chats run concurrently. ``close`` lets in-flight work
finish within a grace period and cancels the rest cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class ChatQueues:
    def __init__(self) -> None:
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.closed = False

    def submit(self, key: str, work: Callable[[], Awaitable[None]]) -> asyncio.Task[None]:
        """Run ``work()`` after everything submitted earlier for ``key``."""
        if self.closed:
            raise RuntimeError("chat queues are closed")
        previous = self._tails.get(key)

        async def run() -> None:
            if previous is not None:
                # Its outcome (even a crash or a cancel) must not stop the next one.
                await asyncio.wait([previous])
            await work()

        task = asyncio.create_task(run())
        self._tails[key] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._finished(key, done))
        return task

    def _finished(self, key: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(key) is task:
            del self._tails[key]
        if not task.cancelled() and task.exception() is not None:
            log.error("work for a chat failed", exc_info=task.exception())

    @property
    def busy(self) -> int:
        return len(self._tasks)

    async def close(self, grace_s: float) -> None:
        """Stop accepting work; wait up to ``grace_s`` for what runs, cancel the rest."""
        self.closed = True
        pending = set(self._tasks)
        if not pending:
            return
        _, still = await asyncio.wait(pending, timeout=grace_s)
        for task in still:
            task.cancel()
        for task in still:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if still:
            log.info("shutdown cancelled %d unfinished replies", len(still))
