"""Time to first token by turn, with and without per-conversation KV reuse.

Four users talk in turn to one llama.cpp backend on the built-in model. With
reuse, each conversation's KV state is parked in the LRU store while the
others speak; without it (``kv_cache_conversations = 0``) every turn
re-evaluates the whole history, since the context last held someone else.
Both runs happen here, side by side, so the ratios are comparable.

    .venv/bin/python -m bench.backend_ttft [--turns 20] [--users 4]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from model.base import ChatMessage, GenerationParams
from model.config import ModelSection
from model.llama_cpp_backend import LlamaCppBackend

USER_LINES = [
    "I have been sleeping badly this week and work keeps piling up.",
    "My sister called, which was nice, but I still feel a bit alone.",
    "I tried a short walk in the morning like you said.",
    "Some evenings are easier than others, I think.",
    "I keep worrying about the exams next month.",
]
REPORT_TURNS = (1, 5, 10, 20)


async def run(
    reuse: bool, turns: int, users: int, reply_tokens: int
) -> tuple[dict[int, list[float]], dict[int, int]]:
    cfg = ModelSection(n_ctx=4096, kv_cache_conversations=16 if reuse else 0)
    backend = LlamaCppBackend(cfg)
    await backend.start()
    params = GenerationParams(max_new_tokens=reply_tokens, temperature=0.0)
    history = {u: [ChatMessage("system", cfg.system_prompt)] for u in range(users)}
    ttft: dict[int, list[float]] = {}
    evaluated: dict[int, int] = {}  # prompt tokens computed per turn, all users: noise-free
    try:
        for turn in range(1, turns + 1):
            for user in range(users):
                line = USER_LINES[(turn + user) % len(USER_LINES)]
                # The turn number goes last: a shared opening would let users reuse
                # each other's tokens, which real first messages do not.
                history[user].append(ChatMessage("user", f"{line} (turn {turn})"))
                before = backend.prompt_tokens_evaluated
                started = time.perf_counter()
                first: float | None = None
                pieces = []
                async for piece in backend.stream(history[user], params, session=f"user-{user}"):
                    if first is None:
                        first = time.perf_counter() - started
                    pieces.append(piece)
                history[user].append(
                    ChatMessage("assistant", "".join(pieces).strip() or "I hear you.")
                )
                ttft.setdefault(turn, []).append(first or 0.0)
                evaluated[turn] = evaluated.get(turn, 0) + backend.prompt_tokens_evaluated - before
        prompt = backend.count_tokens(history[0])
        print(f"  ({'reuse' if reuse else 'no reuse'}: turn-{turns} prompt is {prompt} tokens)")
    finally:
        await backend.close()
    return ttft, evaluated


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--reply-tokens", type=int, default=32)
    args = ap.parse_args()
    print(
        f"TTFT, built-in SmolLM2 via llama.cpp, {args.users} users interleaved, "
        f"{args.reply_tokens}-token replies"
    )
    with_reuse, ev_r = await run(True, args.turns, args.users, args.reply_tokens)
    without, ev_n = await run(False, args.turns, args.users, args.reply_tokens)
    base_r = statistics.median(with_reuse[1])
    base_n = statistics.median(without[1])
    print("median TTFT over the users; 'eval' = prompt tokens computed per user that turn")
    print(
        f"{'turn':>4} | {'reuse s':>8} {'x t1':>6} {'eval':>5} | {'no reuse s':>10} {'x t1':>6} {'eval':>5} | no reuse / reuse"
    )
    for turn in [t for t in REPORT_TURNS if t <= args.turns]:
        r, n = statistics.median(with_reuse[turn]), statistics.median(without[turn])
        print(
            f"{turn:>4} | {r:8.3f} {r / base_r:6.2f} {ev_r[turn] // args.users:>5} | "
            f"{n:10.3f} {n / base_n:6.2f} {ev_n[turn] // args.users:>5} | {n / r:6.1f}x"
        )


if __name__ == "__main__":
    asyncio.run(main())
