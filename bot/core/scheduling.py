"""Who generates next: one reply in flight per user, slots shared fairly.

``UserLanes`` keeps each user's messages in order (one generation at a time,
the rest wait, a cap on how many). ``FairGate`` hands the backend's slots out
round-robin across users, so a user with many waiting requests (or a busy
group chat) cannot starve everyone else.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


class FairGate:
    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("slots must be at least 1")
        self.slots = slots
        self._busy = 0
        # key -> its waiters in arrival order; dict order is the round-robin ring
        self._waiting: OrderedDict[Hashable, deque[asyncio.Future[None]]] = OrderedDict()

    @property
    def busy(self) -> int:
        return self._busy

    def waiting(self) -> int:
        return sum(len(q) for q in self._waiting.values())

    @asynccontextmanager
    async def slot(self, key: Hashable) -> AsyncIterator[None]:
        await self._acquire(key)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, key: Hashable) -> None:
        if self._busy < self.slots and not self._waiting:
            self._busy += 1
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, deque()).append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._release()  # granted and cancelled at once: pass it on
            else:
                self._discard(key, future)
            raise

    def _discard(self, key: Hashable, future: asyncio.Future[None]) -> None:
        queue = self._waiting.get(key)
        if queue is None:
            return
        try:
            queue.remove(future)
        except ValueError:
            pass
        if not queue:
            del self._waiting[key]

    def _release(self) -> None:
        self._busy -= 1
        while self._waiting and self._busy < self.slots:
            key, queue = next(iter(self._waiting.items()))
            future = queue.popleft()
            # This key goes to the back of the ring; drop it when it has no one left.
            del self._waiting[key]
            if queue:
                self._waiting[key] = queue
            if future.done():
                continue
            self._busy += 1
            future.set_result(None)


@dataclass(slots=True)
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    pending: int = 0  # holders plus waiters
    current: asyncio.Task[object] | None = None


class QueueFull(Exception):
    """The user already has ``max_queued`` messages waiting."""


class UserLanes:
    def __init__(self, max_queued: int) -> None:
        self.max_queued = max_queued
        self._lanes: dict[Hashable, _Lane] = {}

    def busy(self, key: Hashable) -> bool:
        lane = self._lanes.get(key)
        return lane is not None and lane.pending > 0

    def waiting(self, key: Hashable) -> int:
        lane = self._lanes.get(key)
        return 0 if lane is None else max(lane.pending - 1, 0)

    def reserve(self, key: Hashable) -> None:
        """Take a place in the user's line now (synchronously, so the cap holds
        even before the waiting task runs); raise QueueFull past the cap."""
        lane = self._lanes.setdefault(key, _Lane())
        if lane.pending - 1 >= self.max_queued:
            raise QueueFull(key)
        lane.pending += 1

    @asynccontextmanager
    async def turn(self, key: Hashable) -> AsyncIterator[None]:
        """Wait for this user's earlier messages (after ``reserve``); leave the line at the end."""
        lane = self._lanes[key]
        try:
            async with lane.lock:
                yield
        finally:
            lane.pending -= 1
            if lane.pending == 0:
                self._lanes.pop(key, None)

    def set_current(self, key: Hashable, task: asyncio.Task[object] | None) -> None:
        lane = self._lanes.get(key)
        if lane is not None:
            lane.current = task

    def cancel_current(self, key: Hashable) -> bool:
        """Cancel the user's generation in flight (``/reset``)."""
        lane = self._lanes.get(key)
        if lane is None or lane.current is None or lane.current.done():
            return False
        lane.current.cancel()
        return True
