"""Streaming a model reply as moderated snapshots.

The generation runs in its own task and publishes full-text snapshots into a
``SnapshotChannel``; the adapter reads whatever is newest. A slow adapter
therefore never slows the model (it just skips snapshots), and a reply is
finished and stored even if nobody reads it.

Only text that passed output moderation is ever published: the prefix up to
each sentence boundary is checked (``final=False``) before it goes out, and
the whole reply once more at the end (``final=True``).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from bot.safety.types import ModerationResult

# End of a sentence: terminal punctuation (optionally closed by a quote or
# bracket) followed by whitespace, or a line break.
_BOUNDARY = re.compile(r"[.!?…。！？][\"'”’)\]]*\s+|\n+")


class SnapshotChannel:
    """One producer, one reader; the reader always gets the latest text."""

    def __init__(self) -> None:
        self._latest: str | None = None
        self._version = 0
        self._done = False
        self._changed = asyncio.Event()

    @property
    def latest(self) -> str | None:
        return self._latest

    @property
    def done(self) -> bool:
        return self._done

    def publish(self, text: str) -> None:
        if self._done or text == self._latest:
            return
        self._latest = text
        self._version += 1
        self._changed.set()

    def finish(self, text: str) -> None:
        if self._done:
            return
        self._latest = text
        self._version += 1
        self._done = True
        self._changed.set()

    def __aiter__(self) -> AsyncIterator[str]:
        return self._read()

    async def _read(self) -> AsyncIterator[str]:
        seen = 0
        while True:
            await self._changed.wait()
            if not self._done:
                self._changed.clear()
            if self._version != seen and self._latest is not None:
                seen = self._version
                yield self._latest
            if self._done and seen == self._version:
                return


def last_boundary(text: str, start: int = 0) -> int:
    """Index just after the last sentence boundary at or beyond ``start`` (0: none)."""
    end = 0
    for match in _BOUNDARY.finditer(text, start):
        end = match.end()
    return end


@dataclass(slots=True)
class StreamOutcome:
    text: str  # what the user finally sees (cleaned reply or the fallback)
    raw: str  # what the model produced
    replaced: bool  # output moderation replaced the reply
    rule: str | None = None


async def moderated_stream(
    deltas: AsyncIterator[str],
    moderate: Callable[[str, bool], ModerationResult],
    channel: SnapshotChannel,
    *,
    on_first_text: Callable[[], None] | None = None,
) -> StreamOutcome:
    """Drain ``deltas``, publishing each moderated sentence prefix; stop the
    model at the first prefix that fails and return the replacement."""
    raw = ""
    checked = 0
    first = True
    try:
        async for delta in deltas:
            raw += delta
            boundary = last_boundary(raw, checked)
            if boundary <= checked:
                continue
            checked = boundary
            result = moderate(raw[:boundary], False)
            if not result.allowed:
                return StreamOutcome(result.text, raw, True, result.rule)
            if result.text.strip():
                channel.publish(result.text.strip())
                if first and on_first_text is not None:
                    first = False
                    on_first_text()
    finally:
        closer = getattr(deltas, "aclose", None)
        if closer is not None:
            await closer()
    result = moderate(raw, True)
    if not result.allowed:
        return StreamOutcome(result.text, raw, True, result.rule)
    return StreamOutcome(result.text.strip(), raw, False, None)
