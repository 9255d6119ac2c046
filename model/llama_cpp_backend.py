"""The llama.cpp backend: any GGUF on the CPU (or partly offloaded to a GPU).

One ``Llama`` object must never run two completions at once, so every call
into it goes through a single worker thread, which is also the queue.
Prefix reuse: llama-cpp-python already skips the tokens a new prompt shares
with what the context last evaluated. That is lost whenever another
conversation takes the context, so on each switch the outgoing conversation's
KV cells are copied out with ``llama_state_seq_get_data`` into a bounded LRU
store and copied back in with ``llama_state_seq_set_data`` when it returns
(about 5 ms each way at 2k tokens, versus seconds to re-evaluate the history).
"""

from __future__ import annotations

import codecs
import ctypes
import logging
import os
import random
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from model.base import (
    BackendError,
    BackendHealth,
    BackendUnavailable,
    ChatMessage,
    GenerationParams,
)
from model.builtin import resolve_gguf_path
from model.config import ModelSection
from model.kv_store import KvSnapshot, KvStateStore
from model.streaming import Emit, StopMatcher, stream_from_thread

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)

NAME = "llama_cpp"
_SEQ = 0  # the one sequence a plain Llama context uses

# Used only when a GGUF carries no chat template of its own (rare): ChatML.
_FALLBACK_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


class LlamaCppBackend:
    name = NAME

    def __init__(self, cfg: ModelSection) -> None:
        self.cfg = cfg
        self._llm: Llama | None = None
        self._formatter: Any = None
        self._path: Path | None = None
        # One thread: the Llama object is not re-entrant, and this queues requests.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama-cpp")
        self._kv = KvStateStore(cfg.kv_cache_conversations, cfg.kv_cache_mb * 1024 * 1024)
        self._resident: str | None = None  # the conversation whose KV is in the context now
        self._kv_hits = 0
        self.tokens_generated = 0  # all requests, for health and tests
        self.prompt_tokens_reused = 0  # prompt tokens whose KV was already in the context
        self.prompt_tokens_evaluated = 0  # prompt tokens that had to be computed
        self._start_lock = threading.Lock()
        self._error: str | None = None

    # -- lifecycle -------------------------------------------------------

    async def start(self) -> None:
        if self._llm is not None:
            return
        import asyncio

        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._load)

    def _load(self) -> None:
        with self._start_lock:
            if self._llm is not None:
                return
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise BackendUnavailable(
                    "llama-cpp-python is not installed: run `make venv`"
                ) from exc
            path = resolve_gguf_path(self.cfg.gguf_path)
            lora = None
            if self.cfg.lora_path:
                lora = Path(self.cfg.lora_path).expanduser()
                if not lora.is_file():
                    raise BackendUnavailable(
                        f"model.lora_path {lora} does not exist: point it at a GGUF LoRA "
                        "adapter (made by training's export), or remove the key"
                    )
            threads = self.cfg.n_threads or _default_threads()
            try:
                llm = Llama(
                    model_path=str(path),
                    n_ctx=self.cfg.n_ctx,
                    n_threads=threads,
                    n_threads_batch=threads,
                    n_gpu_layers=self.cfg.n_gpu_layers,
                    lora_path=str(lora) if lora else None,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as exc:
                self._error = f"could not load {path}: {exc}"
                raise BackendUnavailable(
                    f"llama.cpp could not load {path} ({exc}); is it a valid GGUF "
                    "(and the LoRA made for this base model)?"
                ) from exc
            self._formatter = _chat_formatter(llm)
            self._path = path
            self._llm = llm
            log.info(
                "llama.cpp model loaded: %s (n_ctx=%d, threads=%d)",
                path.name,
                self.cfg.n_ctx,
                threads,
            )

    async def close(self) -> None:
        import asyncio

        llm, self._llm = self._llm, None
        if llm is not None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(self._executor, llm.close)
        self._kv.clear()
        self._resident = None
        self._executor.shutdown(wait=False)

    async def health(self) -> BackendHealth:
        loaded = self._llm is not None
        detail = (
            f"{self._path.name}, n_ctx={self.cfg.n_ctx}"
            if loaded and self._path
            else (self._error or "not loaded yet")
        )
        return BackendHealth(
            name=NAME,
            available=loaded,
            detail=detail,
            extra={
                "kv_conversations": str(len(self._kv)),
                "kv_mb": f"{self._kv.total_bytes / 2**20:.1f}",
                "kv_restores": str(self._kv_hits),
                "kv_evictions": str(self._kv.evictions),
                "prompt_tokens_reused": str(self.prompt_tokens_reused),
                "prompt_tokens_evaluated": str(self.prompt_tokens_evaluated),
            },
        )

    # -- prompt ----------------------------------------------------------

    def _require(self) -> Llama:
        if self._llm is None:
            raise BackendUnavailable("the llama.cpp model is not loaded: call start() first")
        return self._llm

    def prompt_tokens(self, messages: Sequence[ChatMessage]) -> list[int]:
        """The templated prompt, tokenized exactly as generation sees it."""
        llm = self._require()
        result = self._formatter(
            messages=[{"role": m.role, "content": m.content} for m in messages]
        )
        return llm.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return len(self.prompt_tokens(messages))

    # -- generation ------------------------------------------------------

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        llm = self._require()
        msgs = list(messages)

        def work(emit: Emit, cancel: threading.Event) -> None:
            # Templating and tokenizing are blocking too: they run here, in line.
            tokens = self.prompt_tokens(msgs)
            room = llm.n_ctx() - len(tokens)
            if room < 1:
                raise BackendError(
                    f"the prompt takes {len(tokens)} tokens but the context holds "
                    f"{llm.n_ctx()}: shorten the history or raise model.n_ctx"
                )
            budget = min(params.max_new_tokens, room)
            self._generate(llm, tokens, params, budget, session, emit, cancel)

        timeout = params.timeout_s if params.timeout_s is not None else self.cfg.timeout_s
        pieces = stream_from_thread(work, executor=self._executor, timeout_s=timeout, name=NAME)
        async with aclosing(pieces):
            async for piece in pieces:
                yield piece

    def _generate(
        self,
        llm: Llama,
        tokens: list[int],
        params: GenerationParams,
        budget: int,
        session: str | None,
        emit: Emit,
        cancel: threading.Event,
    ) -> None:
        import llama_cpp

        self._switch_to(llm, session)
        reused = _common_prefix(llm.input_ids[: llm.n_tokens], tokens)
        reused = min(reused, len(tokens) - 1)  # the last prompt token is always re-run
        self.prompt_tokens_reused += reused
        self.prompt_tokens_evaluated += len(tokens) - reused
        llm.set_seed(params.seed if params.seed is not None else random.randrange(2**31))
        vocab = llm._model.vocab
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        stops = StopMatcher(params.stop)
        gen = llm.generate(
            tokens,
            top_k=params.top_k,
            top_p=params.top_p,
            min_p=0.0,
            temp=params.temperature,
            repeat_penalty=params.repeat_penalty,
        )
        try:
            for produced, token in enumerate(gen, start=1):
                if cancel.is_set() or llama_cpp.llama_vocab_is_eog(vocab, token):
                    break
                self.tokens_generated += 1
                emit(stops.feed(decoder.decode(llm.detokenize([token]))))
                if stops.stopped or produced >= budget:
                    break
            if not cancel.is_set():
                emit(stops.feed(decoder.decode(b"", final=True)))
                emit(stops.flush())
        finally:
            gen.close()

    # -- per-conversation KV state ---------------------------------------

    def _switch_to(self, llm: Llama, session: str | None) -> None:
        """Make the context hold ``session``'s KV, saving whoever held it.

        A conversation never seen (or evicted) simply starts from whatever the
        context holds: llama-cpp-python still reuses the shared system prompt.
        """
        if session is not None and session == self._resident:
            return
        if self._resident is not None and self._kv.enabled and llm.n_tokens > 0:
            self._kv.put(self._resident, _save_seq(llm))
        self._resident = session
        if session is None:
            return
        snap = self._kv.pop(session)
        if snap is not None:
            if _restore_seq(llm, snap):
                self._kv_hits += 1
            else:
                log.warning("llama.cpp refused a saved KV state; re-evaluating that conversation")

    def forget(self, session: str) -> None:
        """Drop a conversation's saved state (after /reset or data deletion)."""
        self._executor.submit(self._forget, session)

    def _forget(self, session: str) -> None:
        self._kv.pop(session)
        if self._resident == session:
            self._resident = None
            if self._llm is not None:
                _wipe_context(self._llm)  # the context itself still held those words


def _common_prefix(cached: np.ndarray, tokens: list[int]) -> int:
    n = min(len(cached), len(tokens))
    if n == 0:
        return 0
    diff = np.nonzero(cached[:n] != np.asarray(tokens[:n], dtype=cached.dtype))[0]
    return int(diff[0]) if len(diff) else n


def _save_seq(llm: Llama) -> KvSnapshot:
    import llama_cpp

    size = llama_cpp.llama_state_seq_get_size(llm.ctx, _SEQ)
    # np.empty, not a ctypes array: zero-filling tens of MB would double the cost.
    buf = np.empty(size, dtype=np.uint8)
    written = llama_cpp.llama_state_seq_get_data(llm.ctx, _ptr(buf), size, _SEQ)
    tokens = np.array(llm.input_ids[: llm.n_tokens], dtype=np.intc)
    return KvSnapshot(tokens=tokens, state=buf, nbytes=int(written))


def _wipe_context(llm: Llama) -> None:
    """Erase the context's KV cells and token history (not just its metadata)."""
    import llama_cpp

    mem = llama_cpp.llama_get_memory(llm.ctx)
    if mem is not None:
        llama_cpp.llama_memory_clear(mem, True)
    llm.input_ids[:] = 0
    llm.n_tokens = 0
    llm._requires_eval = True


def _restore_seq(llm: Llama, snap: KvSnapshot) -> bool:
    import llama_cpp

    mem = llama_cpp.llama_get_memory(llm.ctx)
    if mem is not None:
        # Metadata only: set_data overwrites every cell it restores.
        llama_cpp.llama_memory_clear(mem, False)
    state = snap.state
    assert isinstance(state, np.ndarray)
    ok = llama_cpp.llama_state_seq_set_data(llm.ctx, _ptr(state), snap.nbytes, _SEQ) > 0
    n = len(snap.tokens) if ok else 0
    llm.input_ids[:n] = snap.tokens[:n]
    llm.n_tokens = n
    # The logits in the context belong to whoever ran last: never sample from them.
    llm._requires_eval = True
    return ok


def _ptr(buf: np.ndarray) -> Any:
    return buf.ctypes.data_as(ctypes.POINTER(ctypes.c_uint8))


def _chat_formatter(llm: Llama) -> Any:
    """The GGUF's own chat template (what the model was trained with)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template") or _FALLBACK_TEMPLATE
    eos_id, bos_id = llm.token_eos(), llm.token_bos()
    eos = llm._model.token_get_text(eos_id) if eos_id != -1 else ""
    bos = llm._model.token_get_text(bos_id) if bos_id != -1 else ""
    return Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)


def _physical_cores() -> int:
    """llama.cpp is fastest with one thread per physical core, not per hyperthread."""
    try:
        cores = set()
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as fh:
            phys = core = ""
            for line in fh:
                if line.startswith("physical id"):
                    phys = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                    cores.add((phys, core))
        if cores:
            return len(cores)
    except OSError:
        pass
    return max(1, (os.cpu_count() or 2) // 2)


def _default_threads() -> int:
    """Physical cores, but never more than the CPUs this process may use."""
    allowed = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    return max(1, min(_physical_cores(), allowed))
