"""``python -m bot`` as a user runs it: a real subprocess each time."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run_bot(
    *args: str, stdin: bytes = b"", env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[bytes]:
    full_env = (
        {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
        | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        | (env or {})
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        cwd=REPO,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def test_invalid_config_exits_1_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[model]\nmax_new_tokens = "lots"\n')
    result = run_bot("check", "--config", str(bad))
    assert result.returncode == 1
    assert b"model.max_new_tokens" in result.stderr
    assert b"Traceback" not in result.stderr


def test_missing_model_file_names_path_and_fix(tmp_path: Path) -> None:
    result = run_bot(
        "chat",
        stdin=b"hello\n",
        env={
            "HAVEN_MODEL__GGUF_PATH": str(tmp_path / "missing.gguf"),
            "HAVEN_MEMORY__PATH": str(tmp_path / "h.db"),
        },
    )
    assert result.returncode == 2
    assert str(tmp_path / "missing.gguf").encode() in result.stderr
    assert b"builtin" in result.stderr  # how to fix it
    assert b"Traceback" not in result.stderr
    assert result.stdout == b""


def test_check_lists_backends(tmp_path: Path) -> None:
    result = run_bot("check", env={"HAVEN_MEMORY__PATH": str(tmp_path / "h.db")})
    out = result.stdout.decode()
    assert "config: ok" in out
    for name in ("llama_cpp", "transformers", "openai"):
        assert f"backend {name}" in out
    assert "openai [not configured]: unavailable" in out or "backend openai" in out
    assert "safety: lexicon + semantic classifier ready" in out
    assert result.returncode == 0, result.stderr.decode()


def test_check_says_when_only_the_lexicon_will_run(tmp_path: Path) -> None:
    result = run_bot(
        "check",
        env={"HAVEN_MEMORY__PATH": str(tmp_path / "h.db"), "HAVEN_SAFETY__SEMANTIC": "false"},
    )
    assert "safety: lexicon only (semantic classifier disabled)" in result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.slow
def test_piped_conversation_on_builtin_model_replies_and_stores(tmp_path: Path) -> None:
    """The acceptance check: a pipe through the whole pipeline on SmolLM2."""
    db_path = tmp_path / "e2e.db"
    lines = [
        "I have been feeling anxious about my exams",
        "I can't sleep before them",
    ]
    result = run_bot(
        "chat",
        stdin=("\n".join(lines) + "\n").encode(),
        env={
            "HAVEN_MEMORY__PATH": str(db_path),
            "HAVEN_MODEL__MAX_NEW_TOKENS": "48",
            "HAVEN_MODEL__TEMPERATURE": "0",
        },
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    stdout = result.stdout.decode()
    assert stdout.strip(), "no reply printed"
    assert "not a therapist" not in stdout  # the disclaimer went to stderr
    assert "not a therapist" in result.stderr.decode()
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT role, content FROM messages ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["user", "assistant", "user", "assistant"]
    assert [rows[0][1], rows[2][1]] == lines
    for _, reply in rows[1::2]:
        assert reply.strip() and reply.strip() in stdout
    exported = run_bot("chat", stdin=b"/export\n", env={"HAVEN_MEMORY__PATH": str(db_path)})
    payload = exported.stdout.decode().split("\n", 1)[1]
    data = json.loads(payload)
    assert len(data["conversations"][0]["messages"]) == 4
