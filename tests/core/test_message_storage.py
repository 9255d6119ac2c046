"""The user's message is inserted while the turn builds its prompt: it must
still be stored first, kept when the turn is cancelled, and a failed insert
must give the calm "send it again" reply, never a model reply."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.core import ConversationCore
from bot.i18n import t
from bot.memory.db import Database
from tests.core.conftest import consent, msg, replies
from tests.core.fakes import ScriptedBackend


async def _rows(db: Database) -> list[tuple[str, str]]:
    rows = await db.fetchall("SELECT role, content FROM messages ORDER BY id")
    return [(r["role"], r["content"]) for r in rows]


async def test_a_failed_insert_gives_the_busy_reply_and_no_generation(
    core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    await consent(core)
    # The database refuses this one message (as a full disk or a lock would).
    await db.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.content = 'refused'"
        " BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    [reply] = await replies(core, msg("refused"))
    assert reply.text == t("memory.busy", "en")
    assert backend.calls == []
    assert await _rows(db) == []
    await replies(core, msg("accepted"))
    assert [role for role, _ in await _rows(db)] == ["user", "assistant"]


async def test_the_message_is_kept_when_reset_cancels_its_turn(
    core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    await consent(core)
    backend.hang = True
    [reply] = [r async for r in core.handle(msg("please remember this"))]
    await replies(core, msg("/reset"))
    assert await asyncio.wait_for(reply.final_text(), 10) == ""
    await core.idle()
    assert await _rows(db) == [("user", "please remember this")]


async def test_user_message_is_stored_before_its_reply(
    core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    await consent(core)
    backend.reply = "Reply to: {echo}"
    for text in ("one", "two", "three"):
        await replies(core, msg(text))
    await core.idle()
    assert await _rows(db) == [
        ("user", "one"),
        ("assistant", "Reply to: one"),
        ("user", "two"),
        ("assistant", "Reply to: two"),
        ("user", "three"),
        ("assistant", "Reply to: three"),
    ]


async def test_a_redelivered_message_is_answered_once_more_but_stored_once(
    core: ConversationCore, db: Database, backend: ScriptedBackend
) -> None:
    """A platform re-sends an update whose reply it never confirmed (a crash
    mid-reply): the user still gets an answer, but the history holds the
    message once and the model never sees it twice."""
    await consent(core)
    await replies(core, replace(msg("first thing"), message_id="m-1"))
    again = replace(msg("second thing"), message_id="m-2")
    await replies(core, again)
    await replies(core, again)  # the same platform message, delivered again
    rows = await _rows(db)
    assert [c for r, c in rows if r == "user"] == ["first thing", "second thing"]
    last_prompt = [m.content for m in backend.calls[-1].messages if m.role == "user"]
    assert last_prompt == ["first thing", "second thing"]
    await replies(core, replace(msg("third thing"), message_id="m-3"))
    assert [c for r, c in await _rows(db) if r == "user"][-1] == "third thing"
