"""HF folder -> GGUF, LoRA adapter -> GGUF, and GGUF quantization.

llama.cpp's converter scripts are not part of the installed llama-cpp-python;
`make venv` extracts them from its sdist into ``.venv/llama.cpp-convert``. They
run as a subprocess with the bundled ``gguf-py`` first on ``PYTHONPATH``,
because the PyPI ``gguf`` release lags behind what the scripts need.
Quantization needs no binary: llama.cpp's C API does it in-process.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path
from typing import Literal

CONVERTER_ENV = "HAVEN_CONVERTER_DIR"
OutType = Literal["f32", "f16", "bf16", "q8_0"]
Quant = Literal["q8_0", "q4_k_m"]

# llama_ftype values from llama.h
_FTYPES: dict[str, int] = {"q8_0": 7, "q4_k_m": 15}
_FIX = "run `make .venv/llama.cpp-convert/.ready` (or `make venv`) to fetch llama.cpp's converter"


class GGUFError(RuntimeError):
    """A conversion or quantization failed; the message carries the tool's own words."""


def converter_dir() -> Path:
    """Where convert_hf_to_gguf.py and gguf-py live (``$HAVEN_CONVERTER_DIR`` wins)."""
    override = os.environ.get(CONVERTER_ENV, "").strip()
    return Path(override) if override else Path(sys.prefix) / "llama.cpp-convert"


def _script(name: str) -> Path:
    base = converter_dir()
    script = base / name
    if not script.is_file() or not (base / "gguf-py").is_dir():
        raise GGUFError(
            f"llama.cpp's converter is not at {base} ({name} or gguf-py missing): {_FIX}"
        )
    return script


def _run_converter(script: Path, args: list[str], what: str) -> None:
    env = dict(os.environ)
    gguf_py = str(script.parent / "gguf-py")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (gguf_py, env.get("PYTHONPATH", "")) if p)
    # The converter must never reach for a model hub.
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    proc = subprocess.run(
        [sys.executable, str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise GGUFError(f"{what} failed (exit {proc.returncode}):\n{tail}")


def convert_hf_to_gguf(
    model_dir: str | Path, out_file: str | Path, outtype: OutType = "f16"
) -> Path:
    """Convert a saved HF model folder (config, weights, tokenizer) to one GGUF file."""
    model_dir, out = Path(model_dir), Path(out_file)
    if not (model_dir / "config.json").is_file():
        raise GGUFError(f"{model_dir} is not a saved HF model (no config.json)")
    out.parent.mkdir(parents=True, exist_ok=True)
    _run_converter(
        _script("convert_hf_to_gguf.py"),
        [str(model_dir), "--outfile", str(out), "--outtype", outtype],
        f"converting {model_dir} to GGUF",
    )
    return _produced(out)


def convert_lora_to_gguf(
    adapter_dir: str | Path, base_dir: str | Path, out_file: str | Path, outtype: OutType = "f16"
) -> Path:
    """Convert a PEFT LoRA adapter folder to a GGUF adapter for ``model.lora_path``.

    ``base_dir`` is the HF folder of the base model the adapter was trained on;
    the converter reads its config so it never has to look the base up online.
    """
    adapter, base, out = Path(adapter_dir), Path(base_dir), Path(out_file)
    if not (adapter / "adapter_config.json").is_file():
        raise GGUFError(f"{adapter} is not a PEFT adapter (no adapter_config.json)")
    if not (base / "config.json").is_file():
        raise GGUFError(f"{base} is not a saved HF model (no config.json)")
    out.parent.mkdir(parents=True, exist_ok=True)
    _run_converter(
        _script("convert_lora_to_gguf.py"),
        [str(adapter), "--base", str(base), "--outfile", str(out), "--outtype", outtype],
        f"converting the LoRA adapter {adapter} to GGUF",
    )
    return _produced(out)


def quantize_gguf(src: str | Path, dst: str | Path, quant: Quant) -> Path:
    """Quantize a GGUF (usually f16) through llama.cpp's C API; no binary needed."""
    import llama_cpp

    source, target = Path(src), Path(dst)
    if quant not in _FTYPES:
        raise GGUFError(f"unknown quantization {quant!r}: use one of {', '.join(_FTYPES)}")
    if not source.is_file():
        raise GGUFError(f"cannot quantize {source}: no such file")
    target.parent.mkdir(parents=True, exist_ok=True)
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = _FTYPES[quant]
    rc = llama_cpp.llama_model_quantize(
        str(source).encode(), str(target).encode(), ctypes.byref(params)
    )
    if rc != 0:
        raise GGUFError(f"llama.cpp could not quantize {source} to {quant} (code {rc})")
    return _produced(target)


def _produced(path: Path) -> Path:
    if not path.is_file() or path.stat().st_size == 0:
        raise GGUFError(f"the tool reported success but wrote nothing at {path}")
    return path
