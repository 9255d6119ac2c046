"""Load on the Telegram adapter: many users at once through the Bot API peer.

Every user sends a few messages at once; every message must get exactly one
reply, in order per user, with nothing lost. The model is a fast fake
backend, so this measures the adapter + core + SQLite + HTTP path, not
generation. Run: ``python -m bench.telegram_load [--users 500] [--messages 4]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.adapters.support import FastBackend, haven_config, start_app
from tests.peers.telegram_peer import TelegramPeer

TOKEN_ENV = "HAVEN_BENCH_TELEGRAM_TOKEN"


@dataclass(frozen=True)
class LoadResult:
    users: int
    messages_per_user: int
    seconds: float
    replies: int
    api_calls: int
    problems: tuple[str, ...]

    @property
    def messages(self) -> int:
        return self.users * self.messages_per_user

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def _reply_for(text: str) -> str:
    return f"I hear you about {text}."


async def run_load(
    users: int, messages_per_user: int, workdir: Path, *, within_s: float = 300
) -> LoadResult:
    peer = TelegramPeer()
    await peer.start()
    os.environ[TOKEN_ENV] = peer.token
    config = haven_config(
        workdir,
        telegram={
            "enabled": True,
            "token_env": TOKEN_ENV,
            "base_url": peer.base_url,
            "edit_interval_s": 1.0,
        },
        privacy={"require_consent": False},
        limits={
            "per_minute": 10_000,
            "burst": 10_000,
            "max_queued_per_user": 50,
            "max_concurrent_generations": 8,
        },
    )
    app = await start_app(config, FastBackend(reply_for=_reply_for))
    try:
        expected = {
            1000 + u: [_reply_for(f"user {u} message {m}") for m in range(messages_per_user)]
            for u in range(users)
        }
        started = time.perf_counter()
        for m in range(messages_per_user):
            for u in range(users):
                peer.private_message(1000 + u, f"user {u} message {m}")
        await peer.wait_for(
            lambda: all(len(peer.sent(chat)) >= len(want) for chat, want in expected.items()),
            within=within_s,
        )
        seconds = time.perf_counter() - started
        await asyncio.sleep(0.2)  # anything extra (a duplicate) would show up now
        problems: list[str] = []
        replies = 0
        for chat, want in expected.items():
            got = [message.text for message in peer.sent(chat)]
            replies += len(got)
            if got != want:
                shown = [text[:60] for text in got[:6]]
                problems.append(f"chat {chat}: expected {len(want)} replies in order, got {shown}")
        return LoadResult(
            users, messages_per_user, seconds, replies, len(peer.calls), tuple(problems)
        )
    finally:
        await app.stop()
        await peer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--messages", type=int, default=4)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run_load(args.users, args.messages, Path(tmp)))
    print(
        f"{result.users} users x {result.messages_per_user} messages = {result.messages} messages "
        f"in {result.seconds:.1f} s: {result.per_second:.0f} messages/s, "
        f"{result.replies} replies, {result.api_calls} Bot API calls, "
        f"{len(result.problems)} problems"
    )
    for problem in result.problems[:10]:
        print("  ", problem)


if __name__ == "__main__":
    main()
