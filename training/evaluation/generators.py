"""One interface over the runtimes a model can be evaluated in: transformers and llama.cpp.

Each generator answers a chat greedily (so runs are repeatable and models are
compared on their most likely reply) and scores a reference reply's
negative log-likelihood for perplexity. Both runtimes render the prompt with
the model's own chat template, as the bot does.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from training.bases import BaseRef, adapter_base, load_model, load_tokenizer, offline
from training.chat import FALLBACK_CHAT_TEMPLATE, ensure_chat_template
from training.errors import TrainingError
from training.evaluation.specs import ModelSpec

Messages = list[dict[str, str]]


@dataclass(frozen=True, slots=True)
class Generation:
    text: str
    new_tokens: int
    seconds: float


class Generator(Protocol):
    label: str

    def generate(self, messages: Messages, max_new_tokens: int) -> Generation: ...

    def reply_nll(self, messages: Messages, reply: str) -> tuple[float, int] | None:
        """Summed negative log-likelihood of ``reply`` after ``messages``, and its token count."""
        ...

    def close(self) -> None: ...


class HFGenerator:
    def __init__(self, label: str, model: Any, tokenizer: Any) -> None:
        import torch

        self.label = label
        self._torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        ensure_chat_template(tokenizer)

    def _ids(self, text: str) -> Any:
        return self.tokenizer(text, add_special_tokens=False, return_tensors="pt")["input_ids"]

    def generate(self, messages: Messages, max_new_tokens: int) -> Generation:
        prompt = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        ids = self._ids(prompt).to(self.device)
        started = time.perf_counter()
        with self._torch.no_grad():
            out = self.model.generate(
                input_ids=ids,
                attention_mask=self._torch.ones_like(ids),
                max_new_tokens=max_new_tokens,
                do_sample=False,
                repetition_penalty=1.0,
                pad_token_id=self.tokenizer.pad_token_id,
            )
        seconds = time.perf_counter() - started
        reply = out[0][ids.shape[1] :]
        return Generation(
            self.tokenizer.decode(reply, skip_special_tokens=True).strip(),
            int(reply.shape[0]),
            seconds,
        )

    def reply_nll(self, messages: Messages, reply: str) -> tuple[float, int] | None:
        prompt = self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=True
        )
        full = self.tokenizer.apply_chat_template(
            [*messages, {"role": "assistant", "content": reply}], tokenize=False
        )
        prompt_ids = self._ids(prompt)[0]
        full_ids = self._ids(full)[0]
        n_prompt = prompt_ids.shape[0]
        if full_ids.shape[0] <= n_prompt or not self._torch.equal(full_ids[:n_prompt], prompt_ids):
            return None
        labels = full_ids.clone()
        labels[:n_prompt] = -100
        with self._torch.no_grad():
            out = self.model(
                input_ids=full_ids[None].to(self.device), labels=labels[None].to(self.device)
            )
        n = int((labels[1:] != -100).sum())  # the model shifts labels by one
        return float(out.loss) * n, n

    def close(self) -> None:
        del self.model


class LlamaGenerator:
    """A GGUF through llama-cpp-python; ``logits_all`` only when perplexity is wanted."""

    def __init__(
        self,
        label: str,
        gguf: Path,
        *,
        lora: Path | None = None,
        perplexity: bool = True,
        n_ctx: int = 2048,
    ) -> None:
        import llama_cpp
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.label = label
        self._llama_cpp = llama_cpp
        try:
            self.llm = llama_cpp.Llama(
                model_path=str(gguf),
                lora_path=str(lora) if lora else None,
                n_ctx=n_ctx,
                logits_all=perplexity,
                verbose=False,
            )
        except Exception as exc:
            raise TrainingError(f"llama.cpp could not load {gguf}: {exc}") from exc
        template = self.llm.metadata.get("tokenizer.chat_template") or FALLBACK_CHAT_TEMPLATE
        eos, bos = self.llm.token_eos(), self.llm.token_bos()
        tokens = {
            "eos_token": self.llm._model.token_get_text(eos) if eos != -1 else "",
            "bos_token": self.llm._model.token_get_text(bos) if bos != -1 else "",
        }
        self._formatter = Jinja2ChatFormatter(template=template, **tokens)
        # Scoring a finished reply must not append the next turn's header.
        self._closed_formatter = Jinja2ChatFormatter(
            template=template, add_generation_prompt=False, **tokens
        )
        self._perplexity = perplexity

    def _tokens(self, messages: Messages) -> list[int]:
        result = self._formatter(messages=messages)
        return self.llm.tokenize(
            result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
        )

    def generate(self, messages: Messages, max_new_tokens: int) -> Generation:
        tokens = self._tokens(messages)
        budget = min(max_new_tokens, self.llm.n_ctx() - len(tokens))
        out: list[int] = []
        started = time.perf_counter()
        if budget > 0:
            for token in self.llm.generate(tokens, temp=0.0, top_k=1, repeat_penalty=1.0):
                if self._llama_cpp.llama_vocab_is_eog(self.llm._model.vocab, token):
                    break
                out.append(token)
                if len(out) >= budget:
                    break
        seconds = time.perf_counter() - started
        text = self.llm.detokenize(out).decode("utf-8", errors="replace").strip()
        return Generation(text, len(out), seconds)

    def reply_nll(self, messages: Messages, reply: str) -> tuple[float, int] | None:
        if not self._perplexity:
            return None
        import numpy as np

        prompt = self._tokens(messages)
        # The reply's own tokens end with the template's end-of-turn marker.
        full_text = self._closed_formatter(
            messages=[*messages, {"role": "assistant", "content": reply}]
        )
        full = self.llm.tokenize(
            full_text.prompt.encode("utf-8"), add_bos=not full_text.added_special, special=True
        )
        if full[: len(prompt)] != prompt:
            return None  # a template that does not render the prompt as a prefix
        if len(full) <= len(prompt) or len(full) > self.llm.n_ctx():
            return None
        self.llm.reset()
        self.llm.eval(full)
        logits = np.asarray(self.llm.scores[: len(full)], dtype=np.float64)
        # Row i predicts token i + 1.
        rows = logits[len(prompt) - 1 : len(full) - 1]
        targets = np.asarray(full[len(prompt) :])
        peak = rows.max(axis=1, keepdims=True)
        log_z = peak[:, 0] + np.log(np.exp(rows - peak).sum(axis=1))
        nll = float((log_z - rows[np.arange(len(targets)), targets]).sum())
        return nll, len(targets)

    def close(self) -> None:
        self.llm.close()


def open_generator(spec: ModelSpec, *, perplexity: bool = True) -> Generator:
    """Load the model a spec names; TrainingError with a hint when it cannot."""
    offline()
    if spec.kind == "builtin":
        from model.builtin import builtin_gguf_path

        try:
            path = builtin_gguf_path()
        except Exception as exc:
            raise TrainingError(str(exc)) from exc
        return LlamaGenerator(spec.label, path, perplexity=perplexity)
    if spec.kind == "gguf":
        return LlamaGenerator(spec.label, Path(spec.path), perplexity=perplexity)
    if spec.kind == "hf":
        base = BaseRef(spec.path, "hf", spec.path)
        return HFGenerator(spec.label, load_model(base), load_tokenizer(base))
    if spec.kind == "adapter":
        from peft import PeftModel

        base = adapter_base(spec.path)
        tokenizer = load_tokenizer(base)
        model = PeftModel.from_pretrained(load_model(base), spec.path)
        return HFGenerator(spec.label, model, tokenizer)
    raise TrainingError(f"unknown model kind {spec.kind!r}")


def perplexity(total_nll: float, tokens: int) -> float | None:
    if tokens <= 0:
        return None
    return math.exp(min(total_nll / tokens, 50.0))
