"""Bridges a blocking generation loop in a worker thread to an async iterator.

llama.cpp and torch block, so they run in a thread; the event loop only awaits
a queue. Closing the iterator, cancelling the consumer or running out of time
sets a flag the worker checks after every token, so it stops within one token.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor
from contextlib import aclosing
from typing import Literal

from model.base import BackendError

Emit = Callable[[str], None]
# The worker: emits text pieces and returns when done or when the event is set.
Work = Callable[[Emit, threading.Event], None]

_Kind = Literal["text", "end", "error"]


class TextChannel:
    """One request's text, written by a worker thread and read by the event loop.

    The worker calls ``emit`` / ``done`` / ``fail`` and checks ``cancelled``;
    the consumer iterates ``read()``. Leaving ``read()`` early for any reason
    (closed, cancelled, timed out) sets ``cancelled``.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._queue: asyncio.Queue[tuple[_Kind, object]] = asyncio.Queue()
        self.cancelled = threading.Event()

    def _post(self, kind: _Kind, value: object) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, (kind, value))
        except RuntimeError:  # the loop is gone: nobody is listening any more
            self.cancelled.set()

    def emit(self, text: str) -> None:
        if text:
            self._post("text", text)

    def done(self) -> None:
        self._post("end", None)

    def fail(self, exc: BaseException) -> None:
        self._post("error", exc)

    async def read(self, *, timeout_s: float | None, name: str) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        deadline = None if timeout_s is None else loop.time() + timeout_s
        try:
            while True:
                remaining = None if deadline is None else max(0.0, deadline - loop.time())
                try:
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can
                    # swallow a cancellation that lands as a token arrives.
                    async with asyncio.timeout(remaining):
                        kind, value = await self._queue.get()
                except TimeoutError:
                    raise BackendError(
                        f"{name}: no complete reply within {timeout_s:g} s"
                    ) from None
                if kind == "text":
                    yield str(value)
                elif kind == "end":
                    return
                elif isinstance(value, BackendError):
                    raise value
                else:
                    raise BackendError(f"{name}: generation failed: {value!r}") from (
                        value if isinstance(value, BaseException) else None
                    )
        finally:
            self.cancelled.set()


async def stream_from_thread(
    work: Work,
    *,
    executor: Executor | None,
    timeout_s: float | None,
    name: str,
) -> AsyncIterator[str]:
    """Run ``work`` in ``executor`` and yield what it emits.

    A single-worker executor doubles as the request queue: a model object that
    must not run two completions at once gets them one after another. The
    timeout covers waiting in that queue too, because a user waits either way.
    """
    loop = asyncio.get_running_loop()
    channel = TextChannel(loop)

    def job() -> None:
        if channel.cancelled.is_set():  # cancelled while queued: never start
            channel.done()
            return
        try:
            work(channel.emit, channel.cancelled)
        except BaseException as exc:
            channel.fail(exc)
        else:
            channel.done()

    loop.run_in_executor(executor, job)
    async with aclosing(channel.read(timeout_s=timeout_s, name=name)) as pieces:
        async for piece in pieces:
            yield piece


class StopMatcher:
    """Cuts a text stream at the first stop string, even one split across pieces.

    Text that might be the start of a stop string is held back until the next
    piece shows whether it is, so a stop string never leaks to the user.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = [s for s in stops if s]
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        if self.stopped:
            return ""
        buf = self._held + text
        cut = min((i for i in (buf.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._held = ""
            return buf[:cut]
        keep = self._partial_suffix(buf)
        self._held = buf[len(buf) - keep :]
        return buf[: len(buf) - keep]

    def flush(self) -> str:
        held, self._held = self._held, ""
        return "" if self.stopped else held

    def _partial_suffix(self, buf: str) -> int:
        best = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(buf)), best, -1):
                if stop.startswith(buf[-n:]):
                    best = n
                    break
        return best
