"""The transformers backend: an HF model on a GPU (4-bit/8-bit) or the CPU.

Requests that arrive within ``batch_window_ms`` of each other (and sample the
same way) are generated as one left-padded batch: on a GPU one batched forward
costs about as much as one single forward, so eight people get their replies
almost as fast as one. Every row streams on its own and stops on its own
(EOS, its token budget, a stop string, or its user cancelling).

Streaming uses a small ``BaseStreamer`` of our own rather than
``TextIteratorStreamer``, which handles one sequence only.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.base import (
    BackendError,
    BackendHealth,
    BackendUnavailable,
    ChatMessage,
    GenerationParams,
)
from model.builtin import BUILTIN_NAME, builtin_gguf_path
from model.config import ModelSection
from model.streaming import StopMatcher, TextChannel

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

NAME = "transformers"


@dataclass(frozen=True, slots=True)
class ModelSource:
    folder: Path
    gguf_file: str | None

    def __str__(self) -> str:
        return str(self.folder / self.gguf_file) if self.gguf_file else str(self.folder)


def resolve_model_source(model_path: str, gguf_file: str | None = None) -> ModelSource:
    """An HF folder, a folder plus a GGUF in it, a .gguf path, or ``builtin``."""
    if model_path.strip() == BUILTIN_NAME:
        gguf = builtin_gguf_path()
        return ModelSource(gguf.parent, gguf.name)
    path = Path(model_path).expanduser()
    if path.is_file() and path.suffix == ".gguf" and gguf_file is None:
        return ModelSource(path.parent, path.name)
    if gguf_file:
        if not (path / gguf_file).is_file():
            raise BackendUnavailable(
                f"model.transformers.gguf_file {gguf_file} is not in {path}: check both keys"
            )
        return ModelSource(path, gguf_file)
    if not (path / "config.json").is_file():
        raise BackendUnavailable(
            f"model.transformers.model_path {path} is not an HF model folder (no config.json); "
            "use a folder saved by save_pretrained, or a GGUF with gguf_file"
        )
    return ModelSource(path, None)


def choose_device(setting: str, cuda: bool) -> str:
    """``model.transformers.device`` to a torch device: ``auto`` takes the GPU when there is one."""
    return "cuda" if setting == "cuda" or (setting == "auto" and cuda) else "cpu"


@dataclass(eq=False)
class _Request:
    messages: list[ChatMessage]
    params: GenerationParams
    channel: TextChannel
    input_ids: list[int] = field(default_factory=list)
    max_new: int = 0
    generated: list[int] = field(default_factory=list)
    emitted: int = 0  # characters of the decoded reply already sent
    finished: bool = False  # channel closed
    ended: bool = False  # no more tokens wanted (EOS or stop string)
    stops: StopMatcher = field(init=False)

    def __post_init__(self) -> None:
        self.stops = StopMatcher(self.params.stop)

    def sampling_key(self) -> tuple[object, ...]:
        """Requests batch together only when one generate() call fits them all."""
        p = self.params
        if p.temperature <= 0:
            return ("greedy", p.repeat_penalty)
        return ("sample", p.temperature, p.top_p, p.top_k, p.repeat_penalty, p.seed)


class TransformersBackend:
    name = NAME

    def __init__(self, cfg: ModelSection) -> None:
        self.cfg = cfg
        self.tcfg = cfg.transformers
        self._model: Any = None
        self._tok: Any = None
        self._device = "cpu"
        self._source: ModelSource | None = None
        self._pending: queue.Queue[_Request | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._error: str | None = None
        self._byte_ids: frozenset[int] = frozenset()  # sentencepiece byte-fallback pieces
        self.batches_run = 0
        self.rows_run = 0
        self.largest_batch = 0
        self.steps_run = 0  # decoding steps over all batches
        self.tokens_generated = 0  # reply tokens over all rows

    # -- lifecycle -------------------------------------------------------

    async def start(self) -> None:
        if self._model is not None:
            return
        try:
            await asyncio.to_thread(self._load)
        except BackendUnavailable as exc:
            self._error = str(exc)
            raise
        self._worker = threading.Thread(
            target=self._serve, name="transformers-batcher", daemon=True
        )
        self._worker.start()

    def _load(self) -> None:
        tc = self.tcfg
        if not tc.model_path:
            raise BackendUnavailable(
                "model.transformers.model_path is not set: an HF folder, a .gguf file, or builtin"
            )
        source = resolve_model_source(tc.model_path, tc.gguf_file)
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise BackendUnavailable(
                f"transformers/torch missing ({exc}): run `make venv`"
            ) from exc
        cuda = torch.cuda.is_available()
        if tc.device == "cuda" and not cuda:
            raise BackendUnavailable("model.transformers.device is cuda but torch sees no CUDA GPU")
        device = choose_device(tc.device, cuda)
        # bf16 on GPUs that have it; fp32 on the CPU, where bf16 matmuls are slow.
        dtype = (
            torch.bfloat16
            if device == "cuda" and torch.cuda.is_bf16_supported()
            else (torch.float16 if device == "cuda" else torch.float32)
        )
        kwargs: dict[str, Any] = {"dtype": dtype}
        if source.gguf_file:
            kwargs["gguf_file"] = source.gguf_file
        if tc.quantization != "none":
            kwargs["quantization_config"] = _bnb_config(tc.quantization, dtype)
            kwargs["device_map"] = {"": 0 if device == "cuda" else "cpu"}
        try:
            tok = AutoTokenizer.from_pretrained(
                source.folder, **({"gguf_file": source.gguf_file} if source.gguf_file else {})
            )
            model = AutoModelForCausalLM.from_pretrained(source.folder, **kwargs)
        except (OSError, ValueError, ImportError) as exc:
            raise BackendUnavailable(f"transformers could not load {source}: {exc}") from exc
        if tc.quantization == "none":
            model = model.to(device)
        if tc.adapter_path:
            model = _attach_adapter(
                model, Path(tc.adapter_path).expanduser(), merge=tc.quantization == "none"
            )
        model.eval()
        tok.padding_side = "left"
        if tok.pad_token_id is None:
            tok.pad_token = tok.eos_token
        if not getattr(tok, "chat_template", None):
            raise BackendUnavailable(f"{source} has no chat template in its tokenizer")
        self._byte_ids = frozenset(
            i
            for t, i in tok.get_vocab().items()
            if len(t) == 6 and t.startswith("<0x") and t.endswith(">")
        )
        self._tok, self._model, self._device, self._source = tok, model, device, source
        log.info("transformers model loaded: %s on %s (%s)", source, device, tc.quantization)

    async def close(self) -> None:
        if self._worker is not None:
            self._pending.put(None)
            await asyncio.to_thread(self._worker.join, 30)
            self._worker = None
        self._model = None
        self._tok = None

    async def health(self) -> BackendHealth:
        loaded = self._model is not None
        detail = (
            f"{self._source} on {self._device}, quantization={self.tcfg.quantization}"
            if loaded
            else (self._error or "not loaded yet")
        )
        return BackendHealth(
            NAME,
            loaded,
            detail,
            extra={
                "device": self._device,
                "batches": str(self.batches_run),
                "mean_batch": f"{self.rows_run / self.batches_run:.2f}"
                if self.batches_run
                else "0",
                "largest_batch": str(self.largest_batch),
            },
        )

    # -- prompt ----------------------------------------------------------

    def prompt_ids(self, messages: Sequence[ChatMessage]) -> list[int]:
        if self._tok is None:
            raise BackendUnavailable("the transformers model is not loaded: call start() first")
        text = self._tok.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=True,
            tokenize=False,
        )
        return list(self._tok(text, add_special_tokens=False)["input_ids"])

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        return len(self.prompt_ids(messages))

    # -- generation ------------------------------------------------------

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,  # no per-conversation state here
    ) -> AsyncIterator[str]:
        if self._model is None or self._worker is None:
            raise BackendUnavailable("the transformers model is not loaded: call start() first")
        channel = TextChannel(asyncio.get_running_loop())
        self._pending.put(_Request(list(messages), params, channel))
        timeout = params.timeout_s if params.timeout_s is not None else self.cfg.timeout_s
        async with aclosing(channel.read(timeout_s=timeout, name=NAME)) as pieces:
            async for piece in pieces:
                yield piece

    def _serve(self) -> None:
        """The batcher thread: gather a window of requests, generate, repeat."""
        window = self.tcfg.batch_window_ms / 1000
        while True:
            first = self._pending.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + window
            closing = False
            while len(batch) < self.tcfg.max_batch_size:
                remaining = deadline - time.monotonic()
                try:
                    item = (
                        self._pending.get(timeout=remaining)
                        if remaining > 0
                        else self._pending.get_nowait()
                    )
                except queue.Empty:
                    break
                if item is None:
                    closing = True
                    break
                batch.append(item)
            live = []
            for req in batch:
                if req.channel.cancelled.is_set():
                    req.channel.done()
                else:
                    live.append(req)
            groups: dict[tuple[object, ...], list[_Request]] = {}
            for req in live:
                groups.setdefault(req.sampling_key(), []).append(req)
            for group in groups.values():
                self._run_batch(group)
            if closing:
                return

    def _run_batch(self, batch: list[_Request]) -> None:
        try:
            ready = self._prepare(batch)
            if ready:
                self._generate(ready)
        except Exception as exc:
            log.exception("transformers generation failed")
            for req in batch:
                if not req.finished:
                    req.channel.fail(BackendError(f"{NAME}: generation failed: {exc}"))
                    req.finished = True
            return
        for req in batch:
            if not req.finished:
                self._finish(req)

    def _prepare(self, batch: list[_Request]) -> list[_Request]:
        limit = int(getattr(self._model.config, "max_position_embeddings", 0) or 0)
        ready = []
        for req in batch:
            req.input_ids = self.prompt_ids(req.messages)
            room = (limit - len(req.input_ids)) if limit else req.params.max_new_tokens
            if room < 1:
                req.channel.fail(
                    BackendError(
                        f"the prompt takes {len(req.input_ids)} tokens but the model holds {limit}"
                    )
                )
                req.finished = True
                continue
            req.max_new = min(req.params.max_new_tokens, room)
            ready.append(req)
        return ready

    def _generate(self, batch: list[_Request]) -> None:
        import torch
        from transformers import StoppingCriteriaList

        tok, model = self._tok, self._model
        width = max(len(r.input_ids) for r in batch)
        pad = tok.pad_token_id
        ids = [[pad] * (width - len(r.input_ids)) + r.input_ids for r in batch]
        mask = [[0] * (width - len(r.input_ids)) + [1] * len(r.input_ids) for r in batch]
        device = model.device if hasattr(model, "device") else self._device
        input_ids = torch.tensor(ids, dtype=torch.long, device=device)
        attention_mask = torch.tensor(mask, dtype=torch.long, device=device)
        p = batch[0].params
        gen: dict[str, Any] = {
            "max_new_tokens": max(r.max_new for r in batch),
            "repetition_penalty": p.repeat_penalty,
            "pad_token_id": pad,
            "eos_token_id": _eos_ids(tok, model),
        }
        if p.temperature > 0:
            gen.update(do_sample=True, temperature=p.temperature, top_p=p.top_p, top_k=p.top_k)
            if p.seed is not None:
                torch.manual_seed(p.seed)
        else:
            gen.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        streamer = _RowStreamer(batch, tok, set(gen["eos_token_id"]), self._byte_ids, self)
        self.batches_run += 1
        self.rows_run += len(batch)
        self.largest_batch = max(self.largest_batch, len(batch))
        with torch.inference_mode():
            model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                streamer=streamer,
                stopping_criteria=StoppingCriteriaList([_RowStop(batch)]),
                **gen,
            )

    def _finish(self, req: _Request) -> None:
        req.finished = True
        if not req.channel.cancelled.is_set():
            req.channel.emit(req.stops.feed(_new_text(self._tok, req, final=True)))
            req.channel.emit(req.stops.flush())
        req.channel.done()


def _new_text(
    tok: Any, req: _Request, *, final: bool, byte_ids: frozenset[int] = frozenset()
) -> str:
    """The decoded reply's unsent tail.

    Text waits while it may still change: a half-decoded character, or a run of
    byte-fallback tokens (decoded together, so a later byte can rewrite it).
    """
    if not final and req.generated and req.generated[-1] in byte_ids:
        return ""
    text = tok.decode(req.generated, skip_special_tokens=True)
    if not final and text.endswith("\ufffd"):
        return ""
    tail = text[req.emitted :]
    req.emitted = len(text)
    return tail


class _RowStreamer:
    """Routes each step's tokens to their rows' channels (generate calls put/end)."""

    def __init__(
        self,
        batch: list[_Request],
        tok: Any,
        eos: set[int],
        byte_ids: frozenset[int],
        owner: TransformersBackend,
    ) -> None:
        self.batch, self.tok, self.eos, self.byte_ids, self.owner = batch, tok, eos, byte_ids, owner
        self._prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # the first call carries the prompt
            self._prompt_seen = True
            return
        self.owner.steps_run += 1
        for req, token in zip(self.batch, value.reshape(-1).tolist(), strict=True):
            if req.finished or req.ended or req.channel.cancelled.is_set():
                continue
            if len(req.generated) >= req.max_new:  # later tokens are padding
                req.ended = True
                continue
            if token in self.eos:
                req.ended = True
                continue
            req.generated.append(token)
            self.owner.tokens_generated += 1
            req.channel.emit(
                req.stops.feed(_new_text(self.tok, req, final=False, byte_ids=self.byte_ids))
            )
            req.ended = req.stops.stopped

    def end(self) -> None:
        """Rows are finished by the batch runner, once generate() has returned."""


class _RowStop:
    """Per-row stopping: budget spent, stop string seen, or the user went away."""

    def __init__(self, batch: list[_Request]) -> None:
        self.batch = batch

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **_: Any) -> torch.Tensor:
        import torch

        done = [
            r.finished or r.ended or r.channel.cancelled.is_set() or len(r.generated) >= r.max_new
            for r in self.batch
        ]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


def _eos_ids(tok: Any, model: Any) -> list[int]:
    ids: set[int] = set()
    configured = getattr(model.generation_config, "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(configured)
    if tok.eos_token_id is not None:
        ids.add(tok.eos_token_id)
    # ChatML models end a turn with <|im_end|> even when EOS is another token.
    end_turn = tok.convert_tokens_to_ids("<|im_end|>")
    if isinstance(end_turn, int) and end_turn != tok.unk_token_id:
        ids.add(end_turn)
    return sorted(ids)


def _bnb_config(quantization: str, compute_dtype: Any) -> Any:
    """NF4 with double quantization (QLoRA's recipe) or 8-bit, via bitsandbytes."""
    try:
        import bitsandbytes  # noqa: F401  (fail here, with a clear message)
        from transformers import BitsAndBytesConfig
    except ImportError as exc:
        raise BackendUnavailable(f"quantization {quantization} needs bitsandbytes: {exc}") from exc
    if quantization == "4bit":
        return BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=compute_dtype,
        )
    return BitsAndBytesConfig(load_in_8bit=True)


def _attach_adapter(model: Any, adapter: Path, *, merge: bool) -> Any:
    """A PEFT LoRA adapter; merged into full-precision weights (faster), kept apart on 4/8-bit."""
    if not (adapter / "adapter_config.json").is_file():
        raise BackendUnavailable(
            f"model.transformers.adapter_path {adapter} is not a PEFT adapter folder"
        )
    try:
        from peft import PeftModel
    except ImportError as exc:
        raise BackendUnavailable("a LoRA adapter is configured but peft is not installed") from exc
    peft_model = PeftModel.from_pretrained(model, str(adapter))
    return peft_model.merge_and_unload() if merge else peft_model
