"""Builds the configured backend (with its fallback chain) and checks every kind.

Backends import their heavy libraries lazily, so building one never pays for
another's imports, and ``check_backends`` can say why a backend is unusable
(missing file, package, GPU, unreachable server) without loading a model.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from pathlib import Path
from typing import Literal

from model.base import Backend, BackendHealth, BackendUnavailable
from model.builtin import resolve_gguf_path
from model.config import ModelSection

log = logging.getLogger(__name__)

Kind = Literal["llama_cpp", "transformers", "openai"]
KINDS: tuple[Kind, ...] = ("llama_cpp", "transformers", "openai")


def cuda_available() -> bool:
    """True when torch sees a CUDA device (imports torch: call only when it matters)."""
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def resolve_kind(cfg: ModelSection) -> Kind:
    """``auto``: transformers when CUDA is there and a transformers model is set, else llama.cpp."""
    if cfg.backend != "auto":
        return cfg.backend
    if cfg.transformers.model_path and cuda_available():
        return "transformers"
    return "llama_cpp"


def make_backend(kind: Kind, cfg: ModelSection) -> Backend:
    """One backend of the given kind, not started."""
    if kind == "llama_cpp":
        from model.llama_cpp_backend import LlamaCppBackend

        return LlamaCppBackend(cfg)
    if kind == "transformers":
        from model.transformers_backend import TransformersBackend

        return TransformersBackend(cfg)
    if kind == "openai":
        from model.openai_backend import OpenAIBackend

        return OpenAIBackend(cfg)
    raise ValueError(f"unknown backend kind {kind!r}")


def backend_chain(cfg: ModelSection) -> list[Kind]:
    """The primary kind, then each configured fallback once, in order."""
    chain: list[Kind] = [resolve_kind(cfg)]
    for kind in cfg.fallback:
        if kind not in chain:
            chain.append(kind)
    return chain


def build_backend(cfg: ModelSection) -> Backend:
    """The backend the bot talks to: one backend, or a fallback chain with circuit breakers."""
    chain = [make_backend(kind, cfg) for kind in backend_chain(cfg)]
    if len(chain) == 1:
        return chain[0]
    from model.fallback import FallbackBackend

    return FallbackBackend(chain, cfg.circuit)


async def check_backends(cfg: ModelSection, live: Backend | None = None) -> list[BackendHealth]:
    """Every backend kind: usable or not, and why. Loads no model.

    ``live`` (a running backend) adds what only it knows: circuit states and
    cache statistics.
    """
    chain = backend_chain(cfg)
    file_probes = {"llama_cpp": _probe_llama_cpp, "transformers": _probe_transformers}
    results: list[BackendHealth] = []
    for kind in KINDS:
        try:
            if kind == "openai":
                health = await _probe_openai(cfg)
            else:  # file-system checks (and torch's CUDA probe) block: off the loop
                health = await asyncio.to_thread(file_probes[kind], cfg)
        except Exception as exc:  # a probe must report, never crash the check
            health = BackendHealth(kind, False, f"check failed: {exc!r}")
        role = (
            "primary" if chain[0] == kind else ("fallback" if kind in chain else "not configured")
        )
        results.append(
            BackendHealth(
                health.name,
                health.available,
                health.detail,
                health.state,
                {**health.extra, "role": role},
            )
        )
    if live is not None:
        results = await _merge_live(results, live)
    return results


async def _merge_live(results: list[BackendHealth], live: Backend) -> list[BackendHealth]:
    member_health = getattr(live, "member_health", None)
    members = await member_health() if callable(member_health) else [await live.health()]
    by_name = {m.name: m for m in members}
    merged = []
    for h in results:
        m = by_name.get(h.name)
        if m is None:
            merged.append(h)
        else:
            merged.append(
                BackendHealth(
                    h.name,
                    h.available and m.available,
                    m.detail or h.detail,
                    m.state,
                    {**h.extra, **m.extra},
                )
            )
    return merged


def _missing(module: str) -> bool:
    return importlib.util.find_spec(module) is None


def _probe_llama_cpp(cfg: ModelSection) -> BackendHealth:
    if _missing("llama_cpp"):
        return BackendHealth(
            "llama_cpp", False, "package llama-cpp-python is not installed: run `make venv`"
        )
    try:
        path = resolve_gguf_path(cfg.gguf_path)
    except BackendUnavailable as exc:
        return BackendHealth("llama_cpp", False, str(exc))
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"GGUF":
        return BackendHealth("llama_cpp", False, f"{path} is not a GGUF file (bad header)")
    if cfg.lora_path and not Path(cfg.lora_path).expanduser().is_file():
        return BackendHealth("llama_cpp", False, f"model.lora_path {cfg.lora_path} does not exist")
    size_mb = path.stat().st_size / 2**20
    return BackendHealth("llama_cpp", True, f"{path} ({size_mb:.0f} MB), n_ctx={cfg.n_ctx}")


def _probe_transformers(cfg: ModelSection) -> BackendHealth:
    tc = cfg.transformers
    for module, pkg in (("torch", "torch"), ("transformers", "transformers")):
        if _missing(module):
            return BackendHealth(
                "transformers", False, f"package {pkg} is not installed: run `make venv`"
            )
    if not tc.model_path:
        return BackendHealth(
            "transformers",
            False,
            "model.transformers.model_path is not set (an HF folder, or a folder with a GGUF and gguf_file)",
        )
    from model.transformers_backend import choose_device, resolve_model_source

    try:
        source = resolve_model_source(tc.model_path, tc.gguf_file)
    except BackendUnavailable as exc:
        return BackendHealth("transformers", False, str(exc))
    if tc.adapter_path:
        if _missing("peft"):
            return BackendHealth(
                "transformers", False, "a LoRA adapter is set but peft is not installed"
            )
        if not (Path(tc.adapter_path).expanduser() / "adapter_config.json").is_file():
            return BackendHealth(
                "transformers", False, f"{tc.adapter_path} is not a PEFT adapter folder"
            )
    if tc.quantization != "none" and _missing("bitsandbytes"):
        return BackendHealth(
            "transformers", False, f"quantization {tc.quantization} needs bitsandbytes"
        )
    cuda = cuda_available()
    if tc.device == "cuda" and not cuda:
        return BackendHealth("transformers", False, "device is cuda but torch sees no CUDA GPU")
    device = choose_device(tc.device, cuda)
    return BackendHealth(
        "transformers",
        True,
        f"{source}, {device}, quantization={tc.quantization}",
        extra={"device": device},
    )


async def _probe_openai(cfg: ModelSection) -> BackendHealth:
    oc = cfg.openai
    if not oc.base_url:
        return BackendHealth("openai", False, "model.openai.base_url is not set")
    if not oc.model:
        return BackendHealth("openai", False, "model.openai.model is not set")
    from model.openai_backend import probe_server

    ok, detail = await probe_server(oc.base_url, oc.api_key_env, timeout_s=min(5.0, oc.timeout_s))
    return BackendHealth("openai", ok, detail)
