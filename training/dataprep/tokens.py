"""Count tokens with the tokenizer of the model that will be trained.

Length filtering is only meaningful in the target model's own tokens, so
``--tokenizer`` names that model: ``builtin`` (the built-in SmolLM2, read from
its GGUF by llama.cpp with only the vocabulary loaded, in well under a second),
a ``.gguf`` file, or an HF folder with a tokenizer in it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from training.errors import TrainingError


class TokenCounter(Protocol):
    name: str

    def count(self, text: str) -> int: ...


class HFTokenCounter:
    def __init__(self, path: Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from transformers import AutoTokenizer

        try:
            self._tok = AutoTokenizer.from_pretrained(str(path))
        except Exception as exc:
            raise TrainingError(f"cannot load a tokenizer from {path}: {exc}") from exc
        self.name = str(path)

    def count(self, text: str) -> int:
        return len(self._tok(text, add_special_tokens=False)["input_ids"])


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """llama.cpp prints a context warning from C even with verbose=False; hide it."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class GGUFTokenCounter:
    def __init__(self, path: Path) -> None:
        from llama_cpp import Llama

        try:
            with _quiet_stderr():
                self._llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
        except Exception as exc:
            raise TrainingError(f"cannot read the vocabulary of {path}: {exc}") from exc
        self.name = str(path)

    def count(self, text: str) -> int:
        if not text:
            return 0
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))


def load_token_counter(spec: str) -> TokenCounter:
    """``builtin``, a GGUF file or an HF folder; TrainingError with a hint otherwise."""
    if spec == "builtin":
        from model.builtin import builtin_gguf_path

        try:
            return GGUFTokenCounter(builtin_gguf_path())
        except Exception as exc:  # BackendUnavailable explains how to install it
            raise TrainingError(str(exc)) from exc
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return GGUFTokenCounter(path)
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        has_hf = any(
            (path / name).exists()
            for name in ("tokenizer.json", "tokenizer.model", "tokenizer_config.json")
        )
        if not has_hf and len(ggufs) == 1:
            return GGUFTokenCounter(ggufs[0])
        return HFTokenCounter(path)
    raise TrainingError(
        f"--tokenizer {spec}: not found; give 'builtin', a .gguf file or a model folder"
    )
