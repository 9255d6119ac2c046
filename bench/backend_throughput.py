"""Tokens/s through Haven's backends against the raw libraries, same model and params.

llama.cpp: LlamaCppBackend vs llama-cpp-python's own create_completion on the
built-in GGUF. transformers: TransformersBackend vs a plain model.generate on
the same weights (the built-in GGUF de-quantized). Greedy, identical prompt,
alternating runs; the median of each is compared in this one run.

    .venv/bin/python -m bench.backend_throughput [--tokens 128] [--repeats 3] [--skip-transformers]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable

from model.base import ChatMessage, GenerationParams
from model.builtin import builtin_gguf_path
from model.config import ModelSection, TransformersSection
from model.llama_cpp_backend import LlamaCppBackend, _default_threads
from model.transformers_backend import TransformersBackend

MESSAGES = [
    ChatMessage("system", "You are a kind, patient support companion."),
    ChatMessage("user", "Could you tell me a few gentle ways to wind down before sleep?"),
]


Run = Callable[[], Awaitable[tuple[int, float]]]  # one timed generation: (tokens, seconds)


async def _alternate(runs: dict[str, Run], repeats: int) -> dict[str, float]:
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            tokens, seconds = await run()
            rates[name].append(tokens / seconds)
    return {name: statistics.median(v) for name, v in rates.items()}


async def _compare(
    label: str,
    raw_label: str,
    backend: LlamaCppBackend | TransformersBackend,
    params: GenerationParams,
    library: Run,
    repeats: int,
) -> None:
    """Warm both sides, then alternate them so drift hits each alike."""

    async def haven() -> tuple[int, float]:
        before = backend.tokens_generated
        t = time.perf_counter()
        async for _ in backend.stream(MESSAGES, params):
            pass
        return backend.tokens_generated - before, time.perf_counter() - t

    await haven()
    await library()
    rates = await _alternate({"haven": haven, "raw": library}, repeats)
    print(
        f"{label}: Haven {rates['haven']:6.1f} tok/s | {raw_label} {rates['raw']:6.1f} tok/s | "
        f"ratio {rates['haven'] / rates['raw']:.2f}"
    )


async def bench_llama_cpp(n: int, repeats: int) -> None:
    from llama_cpp import Llama

    threads = _default_threads()
    backend = LlamaCppBackend(ModelSection(n_ctx=2048, n_threads=threads))
    await backend.start()
    raw = Llama(
        str(builtin_gguf_path()),
        n_ctx=2048,
        n_threads=threads,
        n_threads_batch=threads,
        verbose=False,
    )
    prompt = backend.prompt_tokens(MESSAGES)
    params = GenerationParams(max_new_tokens=n, temperature=0.0, repeat_penalty=1.1)

    async def library() -> tuple[int, float]:
        def go() -> tuple[int, float]:
            t = time.perf_counter()
            out = raw.create_completion(
                prompt,
                max_tokens=n,
                temperature=0.0,
                repeat_penalty=1.1,
                top_k=50,
                top_p=0.95,
                min_p=0.0,
            )
            return out["usage"]["completion_tokens"], time.perf_counter() - t

        return await asyncio.to_thread(go)

    await _compare("llama.cpp   ", "raw llama-cpp-python", backend, params, library, repeats)
    await backend.close()
    raw.close()


async def bench_transformers(n: int, repeats: int) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = builtin_gguf_path()
    cfg = ModelSection(
        transformers=TransformersSection(model_path="builtin", device="cpu", batch_window_ms=0)
    )
    backend = TransformersBackend(cfg)
    await backend.start()
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(
        gguf.parent, gguf_file=gguf.name, dtype=torch.float32
    ).eval()
    ids = torch.tensor([backend.prompt_ids(MESSAGES)])
    params = GenerationParams(max_new_tokens=n, temperature=0.0, repeat_penalty=1.1)

    async def library() -> tuple[int, float]:
        def go() -> tuple[int, float]:
            t = time.perf_counter()
            with torch.inference_mode():
                out = model.generate(
                    ids,
                    attention_mask=torch.ones_like(ids),
                    max_new_tokens=n,
                    do_sample=False,
                    repetition_penalty=1.1,
                    pad_token_id=tok.eos_token_id,
                )
            return out.shape[1] - ids.shape[1], time.perf_counter() - t

        return await asyncio.to_thread(go)

    await _compare("transformers", "raw model.generate    ", backend, params, library, repeats)
    await backend.close()


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-transformers", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(
        f"built-in SmolLM2-135M, greedy, up to {args.tokens} new tokens, median of {args.repeats}"
    )
    await bench_llama_cpp(args.tokens, args.repeats)
    if not args.skip_transformers:
        await bench_transformers(args.tokens, args.repeats)


if __name__ == "__main__":
    asyncio.run(main())
