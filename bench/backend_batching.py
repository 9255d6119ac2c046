"""Batched vs sequential generation through the transformers backend, 8 users.

Eight requests arrive together. Batched: the backend gathers them within its
window and decodes them as one left-padded batch. Sequential: the same eight,
one after another (window 0). Same backend code, same greedy params; tokens/s
over all replies, measured side by side in one run. By default the tiny test
model on the CPU; ``--model builtin`` uses SmolLM2 (de-quantized from GGUF),
``--device cuda --quantization 4bit`` a GPU.

    .venv/bin/python -m bench.backend_batching [--users 8] [--tokens 64] [--model builtin]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time

from model.base import ChatMessage, GenerationParams
from model.config import ModelSection, TransformersSection
from model.transformers_backend import TransformersBackend

LINES = [
    "I could not sleep again last night.",
    "Work has been a lot this week.",
    "My sister visited and it was nice.",
    "I feel a bit lonely in the evenings.",
    "The exams are coming and I worry.",
    "I went for a short walk this morning.",
    "Some days are easier than others.",
    "I keep thinking about my friend.",
]


async def measure(
    backend: TransformersBackend, users: int, tokens: int, together: bool
) -> tuple[float, int]:
    params = GenerationParams(max_new_tokens=tokens, temperature=0.0, repeat_penalty=1.0)
    chats = [[ChatMessage("user", LINES[i % len(LINES)])] for i in range(users)]

    async def one(msgs: list[ChatMessage]) -> None:
        async for _ in backend.stream(msgs, params):
            pass

    before = backend.tokens_generated
    t = time.perf_counter()
    if together:
        await asyncio.gather(*(one(c) for c in chats))
    else:
        for c in chats:
            await one(c)
    return time.perf_counter() - t, backend.tokens_generated - before


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=8)
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--model", default="tiny", help="tiny (built here), builtin, or an HF folder")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"])
    ap.add_argument("--quantization", default="none", choices=["none", "4bit", "8bit"])
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.model
        if path == "tiny":
            from tests.support.tiny_model import build_tiny_hf_model

            path = str(build_tiny_hf_model(tmp))
        results = {}
        for label, window, together in (("sequential", 0, False), ("batched", 20, True)):
            cfg = ModelSection(
                transformers=TransformersSection(
                    model_path=path,
                    device=args.device,
                    quantization=args.quantization,
                    batch_window_ms=window,
                    max_batch_size=args.users,
                )
            )
            backend = TransformersBackend(cfg)
            await backend.start()
            await measure(backend, 2, 4, together)  # warm-up
            seconds, produced = await measure(backend, args.users, args.tokens, together)
            results[label] = produced / seconds
            print(
                f"{label:>10}: {produced} tokens in {seconds:.2f} s = {results[label]:.1f} tok/s "
                f"(largest batch {backend.largest_batch})"
            )
            await backend.close()
    print(
        f"model={args.model} device={args.device} quantization={args.quantization} users={args.users}: "
        f"batched / sequential = {results['batched'] / results['sequential']:.2f}x"
    )


if __name__ == "__main__":
    asyncio.run(main())
