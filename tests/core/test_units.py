"""Prompt budgeting, rate limiting, fair scheduling, text cleaning, i18n."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.core.prompt import HistoryTurn, build_prompt, prompt_budget
from bot.core.ratelimit import RateLimiter
from bot.core.scheduling import FairGate, QueueFull, UserLanes
from bot.core.streaming import SnapshotChannel, last_boundary
from bot.core.text import clean_text
from bot.i18n import LANGUAGES, STRINGS, language_for_locale, t
from model.base import ChatMessage


def words(messages: Sequence[ChatMessage]) -> int:
    return sum(len(m.content.split()) + 3 for m in messages)


def _history(n: int) -> list[HistoryTurn]:
    return [
        HistoryTurn(i, "user" if i % 2 == 0 else "assistant", f"turn{i} " + "w " * 9)
        for i in range(n)
    ]


def test_prompt_keeps_newest_history_that_fits() -> None:
    history = _history(20)  # 13 tokens per turn in this counter
    built = build_prompt(
        system_prompt="sys", summary=None, history=history, current="now", budget=100, count=words
    )
    assert built.tokens <= 100
    assert built.messages[0] == ChatMessage("system", "sys")
    assert built.messages[-1] == ChatMessage("user", "now")
    assert built.messages[1].role == "user"  # never starts with an assistant turn
    assert built.kept + built.dropped == 20 and built.dropped > 0
    kept_text = " ".join(m.content for m in built.messages)
    assert "turn19" in kept_text and "turn0 " not in kept_text
    # It kept as much as fitted: room for one more exchange (two 13-token turns) keeps more.
    bigger = build_prompt(
        system_prompt="sys", summary=None, history=history, current="now", budget=126, count=words
    )
    assert bigger.kept > built.kept and bigger.tokens > 100


def test_prompt_takes_everything_when_it_fits_and_carries_summary() -> None:
    built = build_prompt(
        system_prompt="sys",
        summary="They talked about exams.",
        history=_history(4),
        current="now",
        budget=10_000,
        count=words,
    )
    assert built.kept == 4 and built.dropped == 0
    assert "They talked about exams." in built.messages[0].content


def test_prompt_with_no_room_keeps_no_history() -> None:
    built = build_prompt(
        system_prompt="sys", summary=None, history=_history(6), current="now", budget=1, count=words
    )
    assert built.kept == 0 and [m.role for m in built.messages] == ["system", "user"]


def test_consecutive_user_turns_are_merged() -> None:
    history = [HistoryTurn(1, "user", "a"), HistoryTurn(2, "user", "b")]
    built = build_prompt(
        system_prompt="s", summary=None, history=history, current="c", budget=1000, count=words
    )
    assert [m.role for m in built.messages] == ["system", "user"]
    assert built.messages[1].content == "a\nb\nc"


def test_summary_is_left_out_when_even_the_current_message_would_not_fit() -> None:
    summary = "note " * 50
    roomy = build_prompt(
        system_prompt="sys", summary=summary, history=[], current="now", budget=100, count=words
    )
    assert roomy.summary_used and summary.strip() in roomy.messages[0].content
    tight = build_prompt(
        system_prompt="sys",
        summary=summary,
        history=_history(4),
        current="now",
        budget=20,
        count=words,
    )
    assert not tight.summary_used and tight.messages[0].content == "sys"
    assert tight.tokens <= 20 and tight.kept == 0


def test_budget_leaves_room_for_the_reply() -> None:
    assert prompt_budget(4096, 510, 32) == 3554
    assert prompt_budget(256, 510) == 0


def test_rate_limiter_bursts_then_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a")
    assert not limiter.allow("a")
    assert limiter.allow("b")  # per user
    now[0] += 1.0  # one token per second
    assert limiter.allow("a")
    assert not limiter.allow("a")


async def test_fair_gate_round_robins_between_keys() -> None:
    gate = FairGate(1)
    order: list[str] = []
    release = asyncio.Event()

    async def job(key: str, label: str) -> None:
        async with gate.slot(key):
            order.append(label)
            await release.wait()

    first = asyncio.create_task(job("a", "a0"))
    await asyncio.sleep(0)
    tasks = [asyncio.create_task(job("a", f"a{i}")) for i in range(1, 4)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(job("b", "b0")))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, *tasks)
    assert order[:3] == ["a0", "a1", "b0"]
    assert gate.busy == 0 and gate.waiting() == 0


async def test_fair_gate_cancelled_waiter_frees_nothing_twice() -> None:
    gate = FairGate(1)
    hold = asyncio.Event()

    async def holder() -> None:
        async with gate.slot("x"):
            await hold.wait()

    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(gate.slot("y").__aenter__())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    hold.set()
    await h
    assert gate.busy == 0 and gate.waiting() == 0


async def test_user_lanes_cap_and_order() -> None:
    lanes = UserLanes(max_queued=1)
    lanes.reserve("u")
    lanes.reserve("u")
    with pytest.raises(QueueFull):
        lanes.reserve("u")
    order: list[int] = []

    async def run(i: int) -> None:
        async with lanes.turn("u"):
            order.append(i)
            await asyncio.sleep(0)

    await asyncio.gather(run(1), run(2))
    assert order == [1, 2] and not lanes.busy("u")


async def test_snapshot_channel_delivers_latest_and_final() -> None:
    channel = SnapshotChannel()
    channel.publish("a")
    channel.publish("ab")
    channel.finish("abc")
    assert [s async for s in channel] == ["abc"]  # a late reader skips to the newest

    live = SnapshotChannel()
    seen: list[str] = []

    async def read() -> None:
        async for snapshot in live:
            seen.append(snapshot)

    reader = asyncio.create_task(read())
    await asyncio.sleep(0)
    live.publish("x")
    await asyncio.sleep(0)
    live.finish("xy")
    await reader
    assert seen == ["x", "xy"]


def test_sentence_boundaries() -> None:
    assert last_boundary("Hello there. How") == len("Hello there. ")
    assert last_boundary("No end yet") == 0
    assert last_boundary("Line one\nline two") == len("Line one\n")


def test_clean_text_strips_controls_and_truncates() -> None:
    assert clean_text("  a\x00b\u202ec\r\nd  ", 100).text == "abc\nd"
    cut = clean_text("x" * 10, 4)
    assert cut.text == "xxxx" and cut.truncated


def test_i18n_every_key_in_every_language_and_formats() -> None:
    core_prefixes = (
        "consent.",
        "welcome_back",
        "help.",
        "reset.",
        "forget.",
        "export.",
        "country.",
        "language.",
        "input.",
        "queue.",
        "rate.",
        "banned",
        "fallback.",
        "memory.",
        "command.",
        "action.",
        "pending.",
    )
    for key, table in STRINGS.items():
        assert table.get("en"), f"{key} lacks English, the fallback"
        if key.startswith(core_prefixes):
            for language in LANGUAGES:
                assert table.get(language), f"{key} lacks {language}"
    assert "20" in t("input.truncated", "de", limit=20)
    assert t("no.such.key", "en") == "no.such.key"
    assert t("reset.done", "xx") == STRINGS["reset.done"]["en"]
    assert language_for_locale("de-DE") == "de"
    assert language_for_locale("es_419") == "es"
    assert language_for_locale("pt-BR") == "en"
    assert language_for_locale(None, "fr") == "fr"
