"""The terminal chat through the real pipeline, with the test seams for speed."""

from __future__ import annotations

import io

from bot.adapters.terminal import TerminalAdapter
from bot.config import HavenConfig
from bot.core import ConversationCore
from bot.memory.db import Database
from tests.core.fakes import ScriptedBackend


def _terminal(
    config: HavenConfig, core: ConversationCore, data: bytes, *, interactive: bool
) -> tuple[TerminalAdapter, io.StringIO, io.StringIO]:
    out, err = io.StringIO(), io.StringIO()
    adapter = TerminalAdapter(
        config,
        core,
        user="tester",
        stdin=io.BytesIO(data),
        stdout=out,
        stderr=err,
        interactive=interactive,
    )
    return adapter, out, err


async def _turns(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall("SELECT role, content FROM messages ORDER BY id")
    return [(r["role"], r["content"]) for r in rows]


async def test_pipe_consents_as_operator_and_prints_only_replies(
    config: HavenConfig, core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    backend.reply = "Reply to: {echo}"
    adapter, out, err = _terminal(config, core, b"hi there\nI feel anxious\n", interactive=False)
    assert await adapter.run() == 0
    assert out.getvalue().splitlines() == ["Reply to: hi there", "Reply to: I feel anxious"]
    assert "not a therapist" in err.getvalue()
    assert await _turns(db) == [
        ("user", "hi there"),
        ("assistant", "Reply to: hi there"),
        ("user", "I feel anxious"),
        ("assistant", "Reply to: I feel anxious"),
    ]


async def test_invalid_utf8_and_blank_lines_are_handled(
    config: HavenConfig, core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    backend.reply = "ok"
    adapter, out, _ = _terminal(config, core, b"caf\xe9 au lait\n\n", interactive=False)
    assert await adapter.run() == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "ok" and "didn't catch" in lines[1]
    assert (await _turns(db))[0] == ("user", "caf\ufffd au lait")


async def test_tty_typed_consent_then_chat(
    config: HavenConfig, core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    backend.reply = "Heard: {echo}"
    adapter, out, _ = _terminal(config, core, b"maybe\nyes\nhello\n", interactive=True)
    assert await adapter.run() == 0
    text = out.getvalue()
    assert "1. I agree" in text and "2. No thanks" in text
    assert "Heard: hello" in text
    # "maybe" was neither yes nor no: it was held in RAM and answered after consent.
    assert await _turns(db) == [
        ("user", "maybe"),
        ("assistant", "Heard: maybe"),
        ("user", "hello"),
        ("assistant", "Heard: hello"),
    ]


async def test_tty_decline_stores_nothing(
    config: HavenConfig, core: ConversationCore, db: Database
) -> None:
    adapter, out, _ = _terminal(config, core, b"2\n", interactive=True)
    assert await adapter.run() == 0
    assert "/start" in out.getvalue()
    assert await _turns(db) == []
    assert (await db.fetchone("SELECT count(*) FROM users"))[0] == 0
