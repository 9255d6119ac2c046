"""Show a growing reply by editing messages in place, within a platform's limits.

Both platforms allow about one message operation a second per chat, so
editing on every new token would get the bot rate limited. The renderer
shows the first text at once, then edits at most once per interval and only
once enough new text arrived; the final text always goes out. A reply that
outgrows one message continues in the next (cut by ``split_text``). A 429
during an edit doubles the interval for the rest of that chat's replies; the
final text is retried until it is shown, so nothing is lost.

Platforms plug in through ``MessageSink``; nothing here knows Discord or Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from bot.adapters.split import split_text
from bot.messages import Button

log = logging.getLogger(__name__)

H = TypeVar("H")

FINAL_ATTEMPTS = 6  # tries to show the final text through 429s


class RateLimited(Exception):
    """A platform said "too many requests"; retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:.1f}s")
        self.retry_after = retry_after


class MessageSink(Protocol[H]):
    """Where one reply's messages go. ``H`` is the platform's message handle."""

    async def send(self, text: str, buttons: Sequence[Button]) -> H: ...

    async def edit(self, handle: H, text: str, buttons: Sequence[Button]) -> None: ...

    async def delete(self, handle: H) -> None: ...


@dataclass(slots=True)
class Pace:
    """The edit interval for one chat; grows after a 429, relaxes slowly after."""

    base_s: float
    max_s: float = 10.0
    interval_s: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.interval_s = self.interval_s or self.base_s

    def slow_down(self, retry_after: float = 0.0) -> None:
        self.interval_s = min(self.max_s, max(self.interval_s * 2, retry_after))

    def relax(self) -> None:
        self.interval_s = max(self.base_s, self.interval_s * 0.9)


class PaceBook:
    """Paces per chat, the least recently used forgotten past ``size``."""

    def __init__(self, base_s: float, size: int = 10_000) -> None:
        self.base_s = base_s
        self.size = size
        self._paces: OrderedDict[str, Pace] = OrderedDict()

    def get(self, chat_id: str) -> Pace:
        pace = self._paces.pop(chat_id, None) or Pace(self.base_s)
        self._paces[chat_id] = pace
        while len(self._paces) > self.size:
            self._paces.popitem(last=False)
        return pace


@dataclass(frozen=True, slots=True)
class StreamSettings:
    limit: int  # characters per message, after rendering
    min_edit_chars: int = 1  # new characters needed before an edit
    render: Callable[[str], str] = str  # platform escaping, applied before splitting


class StreamRenderer(Generic[H]):
    """Shows one reply (possibly several messages) through a sink."""

    def __init__(
        self,
        sink: MessageSink[H],
        settings: StreamSettings,
        pace: Pace,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.sink = sink
        self.settings = settings
        self.pace = pace
        self.clock = clock
        self.sleep = sleep
        self.shown: list[_Shown[H]] = []  # one per message, in order
        self.operations = 0
        self._last_sync = float("-inf")
        self._shown_raw = ""

    @property
    def started(self) -> bool:
        return bool(self.shown)

    async def show(self, text: str, buttons: Sequence[Button] = ()) -> None:
        """Show complete text now (retrying through rate limits)."""
        await self._final(text, buttons)

    async def stream(
        self,
        snapshots: AsyncIterator[str],
        buttons: Sequence[Button] = (),
        *,
        on_first_text: Callable[[], None] | None = None,
    ) -> str:
        """Follow snapshots (each the whole reply so far); returns the final text."""
        latest = ""
        finished = asyncio.Event()
        changed = asyncio.Event()

        async def pump() -> None:
            nonlocal latest
            try:
                async for snapshot in snapshots:
                    latest = snapshot
                    changed.set()
            finally:
                finished.set()
                changed.set()

        reader = asyncio.create_task(pump())
        error: Exception | None = None
        try:
            while not finished.is_set():
                await changed.wait()
                changed.clear()
                if finished.is_set():
                    break
                await self._wait_turn(finished)
                if finished.is_set():
                    break
                if not self._worth_edit(latest):
                    continue
                try:
                    await self._sync(latest, ())
                    self.pace.relax()
                except RateLimited as exc:
                    self.pace.slow_down(exc.retry_after)
                    self._last_sync = self.clock() + exc.retry_after
                    log.info(
                        "rate limited while streaming; edit interval now %.1fs",
                        self.pace.interval_s,
                    )
                if self.shown and on_first_text is not None:
                    on_first_text()
                    on_first_text = None
            try:
                await reader
            except Exception as exc:  # shown below as far as it got, then re-raised
                error = exc
        finally:
            if not reader.done():
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
        if latest.strip():
            await self._final(latest, buttons if error is None else ())
        if on_first_text is not None:
            on_first_text()
        if error is not None:
            raise error
        return latest

    def _worth_edit(self, text: str) -> bool:
        if not text.strip() or text == self._shown_raw:
            return False
        if not self.shown:
            return True  # first text: show it at once
        grown = len(text) - len(self._shown_raw)
        replaced = not text.startswith(self._shown_raw)
        return replaced or grown >= self.settings.min_edit_chars

    async def _wait_turn(self, finished: asyncio.Event) -> None:
        """Wait out the edit interval, but stop waiting the moment the stream ends."""
        delay = self._last_sync + self.pace.interval_s - self.clock()
        if delay <= 0 or not self.shown:
            return
        with contextlib.suppress(TimeoutError):  # (wait_for could swallow a cancel on 3.11)
            async with asyncio.timeout(delay):
                await finished.wait()

    async def _final(self, text: str, buttons: Sequence[Button]) -> None:
        for attempt in range(1, FINAL_ATTEMPTS + 1):
            try:
                await self._sync(text, buttons)
                return
            except RateLimited as exc:
                self.pace.slow_down(exc.retry_after)
                if attempt == FINAL_ATTEMPTS:
                    raise
                await self.sleep(max(exc.retry_after, 0.05))

    async def _sync(self, text: str, buttons: Sequence[Button]) -> None:
        """Make the shown messages match ``text``: edit what changed, send what is new."""
        render = self.settings.render
        # Cut the raw text (measured as rendered), then render each piece, so
        # an escape sequence is never torn apart at a cut.
        chunks = (
            [render(p) for p in split_text(text, self.settings.limit, render)]
            if text.strip()
            else []
        )
        self._last_sync = self.clock()
        for index, chunk in enumerate(chunks):
            wanted = tuple(buttons) if index == len(chunks) - 1 else ()
            if index < len(self.shown):
                shown = self.shown[index]
                if shown.text != chunk or shown.buttons != wanted:
                    await self.sink.edit(shown.handle, chunk, wanted)
                    self.operations += 1
                    shown.text, shown.buttons = chunk, wanted
            else:
                handle = await self.sink.send(chunk, wanted)
                self.operations += 1
                self.shown.append(_Shown(handle, chunk, wanted))
        # A replacement shorter than what was shown: remove the leftovers.
        while len(self.shown) > max(1, len(chunks)):
            leftover = self.shown.pop()
            self.operations += 1
            try:
                await self.sink.delete(leftover.handle)
            except RateLimited:
                raise
            except Exception:  # already gone, or not ours to delete: nothing to lose
                log.debug("could not delete a leftover message", exc_info=True)
        self._shown_raw = text


@dataclass(slots=True)
class _Shown(Generic[H]):
    handle: H
    text: str
    buttons: tuple[Button, ...]
