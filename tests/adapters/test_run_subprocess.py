"""``python -m bot run`` as an operator starts it: Telegram on, the built-in model, a real process.

The only test here with the real model (SmolLM2 via llama.cpp): what it says
is not checked, only that a streamed reply arrives, that the process shuts
down cleanly on SIGTERM, and that no message text reaches the logs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.peers.telegram_peer import TelegramPeer

ROOT = Path(__file__).resolve().parents[2]
SECRET_TEXT = "my exams start on monday and I feel anxious"


@pytest.mark.slow
async def test_bot_run_answers_on_telegram_and_stops_cleanly(tmp_path: Path) -> None:
    peer = TelegramPeer()
    await peer.start()
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[privacy]
require_consent = false
[memory]
path = "{tmp_path / "haven.db"}"
[model]
max_new_tokens = 48
n_ctx = 1024
[safety]
semantic = false
[health]
enabled = false
[scheduler]
enabled = false
[telegram]
enabled = true
token_env = "HAVEN_SMOKE_TELEGRAM_TOKEN"
base_url = "{peer.base_url}"
""",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "HAVEN_SMOKE_TELEGRAM_TOKEN": peer.token,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await peer.wait_for(lambda: bool(peer.calls_of("getUpdates")), within=120)
        peer.private_message(77, SECRET_TEXT)
        peer.private_message(77, "/help")  # answered after the model's reply is complete
        await peer.wait_for(
            lambda: len(peer.sent(77)) >= 2 and "/forget" in peer.sent(77)[-1].text, within=180
        )
        reply = peer.sent(77)[0]
        assert reply.text.strip() and "/forget" not in reply.text
        proc.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, stderr.decode()[-2000:]
        assert SECRET_TEXT not in stderr.decode()  # logs never carry message content
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        await peer.stop()
