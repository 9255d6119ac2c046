"""Does an exported GGUF answer in the bot, and like the model it came from?

The GGUF is loaded in the bot's own llama.cpp backend (``model.llama_cpp_backend``,
with the bot's system prompt and the GGUF's chat template) and asked one short
question greedily; the HF model answers the same question through its own
template. Agreement is reported token by token: an f16 export should agree
exactly, a quantized one drifts a little, a broken tokenizer or template
disagrees from the first token (and usually already on the prompt).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.base import ChatMessage, GenerationParams
from model.config import DEFAULT_SYSTEM_PROMPT, ModelSection

CHECK_PROMPT = "I have had a rough week and I can't switch off at night. Any advice?"


@dataclass
class SelfCheck:
    loaded: bool
    gguf_text: str  # what the bot's backend streamed
    hf_text: str | None
    prompt_tokens_match: bool | None
    common_prefix_tokens: int
    compared_tokens: int
    seconds: float
    error: str | None = None

    @property
    def exact(self) -> bool:
        return self.hf_text is not None and self.common_prefix_tokens == self.compared_tokens

    def summary(self) -> str:
        if not self.loaded:
            return f"self-check FAILED: the bot's llama.cpp backend could not use it ({self.error})"
        lines = [
            f"self-check: loaded in the bot's llama.cpp backend and answered "
            f"({self.seconds:.1f} s)",
            f"  llama.cpp: {self.gguf_text!r}",
        ]
        if self.hf_text is not None:
            lines.append(f"  HF       : {self.hf_text!r}")
            verdict = (
                "identical"
                if self.exact
                else (
                    f"agree on the first {self.common_prefix_tokens} of {self.compared_tokens} tokens"
                )
            )
            lines.append(
                f"  greedy token ids {verdict}; prompt tokens "
                f"{'match' if self.prompt_tokens_match else 'DIFFER'}"
            )
        return "\n".join(lines)


def _messages(prompt: str, system_prompt: str) -> list[ChatMessage]:
    return [ChatMessage("system", system_prompt), ChatMessage("user", prompt)]


async def _ask_backend(
    gguf: Path, lora: Path | None, messages: list[ChatMessage], max_new_tokens: int
) -> tuple[str, list[int]]:
    from model.llama_cpp_backend import LlamaCppBackend

    cfg = ModelSection(
        backend="llama_cpp",
        gguf_path=str(gguf),
        lora_path=str(lora) if lora else None,
        n_ctx=1024,
        kv_cache_conversations=0,
    )
    backend = LlamaCppBackend(cfg)
    try:
        await backend.start()
        prompt_ids = list(backend.prompt_tokens(messages))
        params = GenerationParams(
            max_new_tokens=max_new_tokens,
            temperature=0.0,
            top_k=1,
            top_p=1.0,
            repeat_penalty=1.0,
            seed=0,
        )
        pieces = [piece async for piece in backend.stream(messages, params)]
        return "".join(pieces), prompt_ids
    finally:
        await backend.close()


def _llama_greedy_ids(
    gguf: Path, lora: Path | None, prompt_ids: list[int], max_new_tokens: int
) -> list[int]:
    """Token ids, not text: byte-level tokens decode differently in the two libraries."""
    import llama_cpp

    llm = llama_cpp.Llama(
        model_path=str(gguf), lora_path=str(lora) if lora else None, n_ctx=1024, verbose=False
    )
    try:
        ids: list[int] = []
        for token in llm.generate(prompt_ids, temp=0.0, top_k=1, repeat_penalty=1.0):
            if llama_cpp.llama_vocab_is_eog(llm._model.vocab, token) or len(ids) >= max_new_tokens:
                break
            ids.append(token)
        return ids
    finally:
        llm.close()


def _hf_greedy_ids(
    model: Any, tokenizer: Any, messages: list[ChatMessage], max_new_tokens: int
) -> tuple[list[int], list[int]]:
    import torch

    text = tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in messages],
        tokenize=False,
        add_generation_prompt=True,
    )
    ids = tokenizer(text, add_special_tokens=False, return_tensors="pt")
    with torch.no_grad():
        out = model.generate(
            **ids,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            repetition_penalty=1.0,
            pad_token_id=tokenizer.pad_token_id,
        )
    reply = out[0][ids["input_ids"].shape[1] :].tolist()
    eos = tokenizer.eos_token_id
    if eos is not None and eos in reply:
        reply = reply[: reply.index(eos)]
    return reply, ids["input_ids"][0].tolist()


def self_check(
    gguf: Path,
    *,
    hf_model: Any | None = None,
    tokenizer: Any | None = None,
    lora: Path | None = None,
    prompt: str = CHECK_PROMPT,
    system_prompt: str = DEFAULT_SYSTEM_PROMPT,
    max_new_tokens: int = 16,
) -> SelfCheck:
    """Ask the GGUF (and the HF model, if given) one question greedily; never raises."""
    started = time.perf_counter()
    messages = _messages(prompt, system_prompt)
    try:
        gguf_text, gguf_prompt = asyncio.run(_ask_backend(gguf, lora, messages, max_new_tokens))
    except Exception as exc:  # the point is to report, whatever broke
        return SelfCheck(
            False,
            "",
            None,
            None,
            0,
            0,
            time.perf_counter() - started,
            f"{type(exc).__name__}: {exc}",
        )
    if hf_model is None or tokenizer is None:
        return SelfCheck(True, gguf_text, None, None, 0, 0, time.perf_counter() - started)
    hf_ids, hf_prompt = _hf_greedy_ids(hf_model, tokenizer, messages, max_new_tokens)
    llama_ids = _llama_greedy_ids(gguf, lora, gguf_prompt, max_new_tokens)
    common = 0
    for a, b in zip(llama_ids, hf_ids, strict=False):
        if a != b:
            break
        common += 1
    # llama.cpp may add a BOS that the HF template leaves out.
    prompt_match = gguf_prompt == hf_prompt or gguf_prompt[1:] == hf_prompt
    return SelfCheck(
        True,
        gguf_text,
        tokenizer.decode(hf_ids),
        prompt_match,
        common,
        max(len(llama_ids), len(hf_ids)),
        time.perf_counter() - started,
    )
