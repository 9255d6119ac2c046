"""The encoder's low-rank adapter: saved as a few hundred kB of numpy, merged at load.

Frozen MiniLM vectors are made for topic similarity, and in that space a long
distress post and a long post with one line of implicit ideation sit close
together. ``train_encoder`` tunes MiniLM for our levels with LoRA; only the
low-rank factors are kept (``assets/encoder_lora.npz``). Merging them into the
weights before int8 quantisation makes grading cost exactly what it did, and
loading needs no PEFT.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np

ADAPTER_PATH = Path(__file__).with_name("assets") / "encoder_lora.npz"
_A, _B = ".lora_a", ".lora_b"


def save_adapter(
    path: Path, factors: dict[str, tuple[np.ndarray, np.ndarray]], scaling: float
) -> str:
    """``factors``: module name -> (A: rank x in, B: out x rank). Returns the adapter's id."""
    arrays: dict[str, np.ndarray] = {}
    for name, (a, b) in sorted(factors.items()):
        arrays[name + _A] = a.astype(np.float16)
        arrays[name + _B] = b.astype(np.float16)
    adapter_id = _fingerprint(arrays, scaling)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path, scaling=np.array(scaling, dtype=np.float32), adapter_id=np.array(adapter_id), **arrays
    )
    return adapter_id


def apply_adapter(model: Any, path: Path) -> str:
    """Add ``scaling * B @ A`` to each named linear layer of ``model`` (a BertModel), in place.

    Returns the adapter's id, which the trained head records: a head trained on
    other vectors would read these wrongly.
    """
    import torch

    modules = dict(model.named_modules())
    with np.load(path, allow_pickle=False) as data:
        scaling = float(data["scaling"])
        names = sorted(k[: -len(_A)] for k in data.files if k.endswith(_A))
        arrays = {k: data[k] for k in data.files if k.endswith((_A, _B))}
        adapter_id = str(data["adapter_id"])
    if _fingerprint(arrays, scaling) != adapter_id:
        raise ValueError(f"{path} is damaged: its weights do not match its id")
    missing = [n for n in names if n not in modules]
    if missing:
        raise ValueError(f"{path} names layers this model lacks: {missing[:3]}")
    with torch.no_grad():
        for name in names:
            a = torch.from_numpy(arrays[name + _A].astype(np.float32))
            b = torch.from_numpy(arrays[name + _B].astype(np.float32))
            modules[name].weight += scaling * (b @ a)
    return adapter_id


def _fingerprint(arrays: dict[str, np.ndarray], scaling: float) -> str:
    digest = hashlib.sha256(np.float32(scaling).tobytes())
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key], dtype=np.float16).tobytes())
    return digest.hexdigest()[:16]
