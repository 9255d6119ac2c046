"""The shared stream renderer: throttled edits, splitting, rate limits, replacements.

The sink here is an in-memory message list (the seam the platforms plug into);
the platform sinks are exercised against the peers in the end-to-end tests.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

import pytest

from bot.adapters.streaming import Pace, RateLimited, StreamRenderer, StreamSettings
from bot.messages import Button


@dataclass
class MemorySink:
    messages: dict[int, str] = field(default_factory=dict)
    buttons: dict[int, tuple[Button, ...]] = field(default_factory=dict)
    log: list[tuple[str, int, str]] = field(default_factory=list)
    fail_edits: list[float] = field(default_factory=list)  # retry_after for upcoming edits
    fail_sends: list[float] = field(default_factory=list)
    next_id: int = 1

    async def send(self, text: str, buttons: Sequence[Button]) -> int:
        if self.fail_sends:
            raise RateLimited(self.fail_sends.pop(0))
        handle = self.next_id
        self.next_id += 1
        self.messages[handle] = text
        self.buttons[handle] = tuple(buttons)
        self.log.append(("send", handle, text))
        return handle

    async def edit(self, handle: int, text: str, buttons: Sequence[Button]) -> None:
        if self.fail_edits:
            raise RateLimited(self.fail_edits.pop(0))
        self.messages[handle] = text
        self.buttons[handle] = tuple(buttons)
        self.log.append(("edit", handle, text))

    async def delete(self, handle: int) -> None:
        del self.messages[handle]
        self.log.append(("delete", handle, ""))


async def snapshots(texts: list[str]) -> AsyncIterator[str]:
    for text in texts:
        await asyncio.sleep(0)
        yield text


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


def growing(final: str, step: int) -> list[str]:
    return [final[:i] for i in range(step, len(final), step)] + [final]


async def test_interval_not_elapsed_means_first_text_then_final_only() -> None:
    sink = MemorySink()
    renderer = StreamRenderer(sink, StreamSettings(limit=4096), Pace(base_s=3600))
    final = "I hear you, and I'm glad you reached out tonight."
    shown = await renderer.stream(snapshots(growing(final, 3)))
    assert shown == final
    kinds = [entry[0] for entry in sink.log]
    assert kinds == ["send", "edit"]  # the first text at once, then the final text
    assert sink.messages == {1: final}


async def test_edits_wait_for_enough_new_text() -> None:
    sink = MemorySink()
    renderer = StreamRenderer(
        sink, StreamSettings(limit=4096, min_edit_chars=10), Pace(base_s=0.0001)
    )
    final = "".join(f"word{i} " for i in range(60)).strip()
    await renderer.stream(snapshots(growing(final, 2)))
    texts = [text for kind, _, text in sink.log if kind in ("send", "edit")]
    assert texts[-1] == final
    intermediate = texts[:-1]  # the final text goes out whatever its growth
    for before, after in itertools.pairwise(intermediate):
        assert len(after) - len(before) >= 10


async def test_long_stream_continues_in_new_messages() -> None:
    sink = MemorySink()
    renderer = StreamRenderer(sink, StreamSettings(limit=50), Pace(base_s=0.0001))
    final = " ".join(f"Sentence number {i} is here." for i in range(12))
    await renderer.stream(snapshots(growing(final, 7)), (Button("Help", "resources"),))
    pieces = list(sink.messages.values())
    assert len(pieces) >= 6 and all(len(p) <= 50 for p in pieces)
    assert " ".join(pieces) == final
    last = max(sink.messages)
    assert sink.buttons[last] == (Button("Help", "resources"),)  # buttons only under the last
    assert all(not sink.buttons[h] for h in sink.messages if h != last)


async def test_rate_limit_slows_edits_and_final_text_still_arrives() -> None:
    sink = MemorySink(fail_edits=[2.0, 2.0, 2.0])
    pace = Pace(base_s=0.0001)
    renderer = StreamRenderer(sink, StreamSettings(limit=4096), pace, sleep=_no_sleep)
    final = "Take a slow breath with me. In, and out. You are not alone in this."
    await renderer.stream(snapshots(growing(final, 5)))
    assert pace.interval_s >= 2.0
    assert sink.messages == {1: final}


async def test_final_send_retries_through_429s() -> None:
    sink = MemorySink(fail_sends=[0.1, 0.1])
    renderer = StreamRenderer(sink, StreamSettings(limit=4096), Pace(base_s=1), sleep=_no_sleep)
    await renderer.show("Here are some people you can call right now.")
    assert sink.messages == {1: "Here are some people you can call right now."}


async def test_giving_up_after_persistent_429s_raises() -> None:
    sink = MemorySink(fail_sends=[0.1] * 50)
    renderer = StreamRenderer(sink, StreamSettings(limit=4096), Pace(base_s=1), sleep=_no_sleep)
    with pytest.raises(RateLimited):
        await renderer.show("text")


async def test_replacement_shorter_than_shown_removes_leftovers() -> None:
    sink = MemorySink()
    renderer = StreamRenderer(sink, StreamSettings(limit=30), Pace(base_s=0.0001))
    long_text = "This part is fine. " * 6
    replacement = "Let's talk about something safer."
    await renderer.stream(snapshots([long_text, replacement]))
    assert list(sink.messages.values()) == ["Let's talk about something", "safer."] or list(
        sink.messages.values()
    ) == split_expected(replacement, 30)
    assert any(kind == "delete" for kind, _, _ in sink.log)


def split_expected(text: str, limit: int) -> list[str]:
    from bot.adapters.split import split_text

    return split_text(text, limit)


async def test_buttons_added_to_already_shown_text() -> None:
    sink = MemorySink()
    renderer = StreamRenderer(sink, StreamSettings(limit=4096), Pace(base_s=3600))
    await renderer.stream(snapshots(["Would you like that?"]), (Button("Yes", "consent:yes"),))
    assert sink.buttons[1] == (Button("Yes", "consent:yes"),)
    assert sink.messages[1] == "Would you like that?"


async def test_stream_error_propagates_after_showing_progress() -> None:
    async def broken() -> AsyncIterator[str]:
        yield "Partial"
        raise RuntimeError("backend died")

    sink = MemorySink()
    renderer = StreamRenderer(sink, StreamSettings(limit=4096), Pace(base_s=0.0001))
    with pytest.raises(RuntimeError):
        await renderer.stream(broken())
    assert sink.messages == {1: "Partial"}
