"""The "typing…" indicator both chat platforms show while a reply is made.

Platforms clear the indicator after a few seconds, so it is re-sent on a
timer until the reply is done; a reply that shows text within ``delay_s``
needs none, and a failed indicator is never worth failing a reply for."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable


class TypingIndicator:
    def __init__(
        self,
        send: Callable[[], Awaitable[object]] | None,
        *,
        every_s: float,
        delay_s: float,
        errors: tuple[type[BaseException], ...],
    ) -> None:
        self._send = send  # None: nowhere to show it
        self._every_s = every_s
        self._delay_s = delay_s
        self._errors = errors
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._send is not None and self._task is None:
            self._task = asyncio.create_task(self._loop())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self) -> None:
        assert self._send is not None
        await asyncio.sleep(self._delay_s)
        while True:
            with contextlib.suppress(*self._errors):
                await self._send()
            await asyncio.sleep(self._every_s)
