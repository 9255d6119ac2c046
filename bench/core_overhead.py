"""The conversation core's own overhead per message, at 1, 50 and 200 users.

A fixed-latency backend (a real Backend that sleeps and yields fixed tokens)
stands in for the model, and every user has a generation slot, so what is
left of each message's latency once the backend's own time is subtracted is
the core: routing, consent and ban checks, SQLite reads and writes, prompt
budgeting, moderation of every sentence, snapshot streaming, scheduling.

    .venv/bin/python -m bench.core_overhead [--messages 5] [--safety null|lexicon]
        [--token-ms 15] [--think-s 2] [--stress]

Each user waits for a reply, "reads and types" for a random 0..2*think_s
seconds, and sends the next message; users start spread over the first
think period. Tokens arrive every ``token_ms`` (15 ms is the built-in model's
pace on two cores). ``--stress`` drops the think time and the spread (every
user hammers at once, 5 ms tokens): the event loop saturates, which shows the
ceiling rather than the overhead.

Target: p95 under 5 ms at 200 concurrent users.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from bot.config import CrisisResource, HavenConfig
from bot.core import build_core
from bot.memory.db import Database
from bot.messages import ChatKind, Incoming, Platform
from bot.safety.layer import ResponsePlan, SafetyLayer
from bot.safety.types import ModerationResult, RiskAssessment, RiskLevel
from model.base import BackendHealth, ChatMessage, GenerationParams

_REPLY = (
    "Thank you for telling me. That sounds really heavy, and it makes sense that you feel "
    "worn out. You don't have to sort it all out at once. What has helped you, even a "
    "little, on days like this?"
)
REPLY_TOKENS = [f"{w} " for w in _REPLY.split()]


class FixedLatencyBackend:
    """Sleeps ``token_s`` per token; records how long each stream itself took."""

    name = "fixed-latency"

    def __init__(self, token_s: float) -> None:
        self.token_s = token_s
        self.durations: dict[str, float] = {}

    async def start(self) -> None:
        return None

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        start = time.perf_counter()
        for token in REPLY_TOKENS:
            await asyncio.sleep(self.token_s)
            yield token
        self.durations[messages[-1].content] = time.perf_counter() - start

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return sum(len(m.content) // 4 + 4 for m in messages)

    async def health(self) -> BackendHealth:
        return BackendHealth(self.name, True)

    async def close(self) -> None:
        return None


class PassThroughSafety:
    """Grades everything ``none`` and allows every reply: isolates the core."""

    async def assess(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        return RiskAssessment(RiskLevel.NONE, 0.0)

    def plan(
        self, assessment: RiskAssessment, *, language: str, country: str | None
    ) -> ResponsePlan:
        return ResponsePlan(False, None, None, False, False)

    def moderate(
        self, reply: str, *, risk: RiskLevel, final: bool = True, language: str | None = None
    ) -> ModerationResult:
        return ModerationResult(True, reply)

    def resources(self, country: str | None) -> list[CrisisResource]:
        return []

    def format_resources(self, country: str | None, *, language: str) -> str:
        return ""

    def country_for_locale(self, locale: str | None) -> str | None:
        return None


def _safety(kind: str, config: HavenConfig) -> SafetyLayer:
    if kind == "null":
        return PassThroughSafety()
    from bot.safety import build_safety_layer

    config.safety.semantic = False
    return build_safety_layer(config)


async def run_level(
    users: int,
    messages: int,
    token_s: float,
    safety: str,
    folder: Path,
    think_s: float = 0.0,
) -> list[float]:
    config = HavenConfig(
        memory={"path": str(folder / f"bench-{users}.db")},  # type: ignore[arg-type]
        health={"enabled": False},  # type: ignore[arg-type]
        limits={  # type: ignore[arg-type]
            "per_minute": 10_000,
            "burst": 10_000,
            "max_concurrent_generations": users,
        },
    )
    db = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
    backend = FixedLatencyBackend(token_s)
    core = build_core(config, db, backend, _safety(safety, config))
    for u in range(users):
        await core.record_consent("telegram", f"user{u}")
    overheads: list[float] = []

    rng = random.Random(users)

    async def user(u: int) -> None:
        await asyncio.sleep(rng.uniform(0, think_s))
        for m in range(messages):
            text = f"user {u} message {m}: I have been feeling low this week"
            incoming = Incoming(Platform.TELEGRAM, f"user{u}", f"user{u}", ChatKind.DM, text)
            start = time.perf_counter()
            async for reply in core.handle(incoming):
                await reply.final_text()
            total = time.perf_counter() - start
            overheads.append(total - backend.durations[text])
            await asyncio.sleep(rng.uniform(0, 2 * think_s))

    await asyncio.gather(*(user(u) for u in range(users)))
    await core.close()
    await db.close()
    return overheads


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main_async(args: argparse.Namespace) -> None:
    if args.stress:
        args.token_ms, args.think_s = 5.0, 0.0
    print(
        f"core overhead per message (ms), {args.messages} messages per user, "
        f"backend {len(REPLY_TOKENS)} tokens x {args.token_ms} ms, think {args.think_s} s, "
        f"safety={args.safety}, cpus={os.cpu_count()}"
    )
    print("| users | messages | p50 ms | p95 ms | mean ms |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for users in args.users:
            values = await run_level(
                users, args.messages, args.token_ms / 1000, args.safety, Path(tmp), args.think_s
            )
            ms = [v * 1000 for v in values]
            print(
                f"| {users} | {len(ms)} | {pct(ms, 0.5):.2f} | {pct(ms, 0.95):.2f} | "
                f"{statistics.fmean(ms):.2f} |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--token-ms", type=float, default=15.0)
    parser.add_argument("--think-s", type=float, default=2.0)
    parser.add_argument("--stress", action="store_true")
    parser.add_argument("--safety", choices=["null", "lexicon"], default="null")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
