"""``MemoryStore.intake``: the one-query read behind every text message must
agree with the separate reads it replaces, and keep chats and users apart."""

from __future__ import annotations

from datetime import timedelta

from bot.memory.db import Database
from bot.memory.store import MemoryStore, iso, utcnow


async def test_intake_matches_the_separate_reads(db: Database) -> None:
    store = MemoryStore(db)
    user = await store.record_consent("telegram", "7", "de-DE")
    await store.set_preference(user.id, "language", "fr")
    dm = await store.active_conversation(user.id, "7", "dm")
    group = await store.active_conversation(user.id, "g1", "group")
    assert dm is not None and group is not None
    ids = [
        await store.add_message(dm, "user" if n % 2 == 0 else "assistant", f'dm {n}\n"é"')
        for n in range(6)
    ]
    await store.add_message(group, "user", "group only")
    await store.set_summary(dm.id, "earlier notes", ids[1])

    found = await store.intake("telegram", "7", "7", limit=3)
    assert found.context == await store.user_context("telegram", "7")
    assert found.context.language == "fr" and not found.context.banned
    assert found.conversation == await store.get_conversation(dm.id)
    expected = await store.recent_messages(dm.id, 3, after_id=ids[1])
    assert found.history == expected
    assert [m.content for m in found.history] == [f'dm {n}\n"é"' for n in (3, 4, 5)]

    in_group = await store.intake("telegram", "7", "g1", limit=10)
    assert [m.content for m in in_group.history] == ["group only"]


async def test_intake_for_strangers_ended_conversations_and_bans(db: Database) -> None:
    store = MemoryStore(db)
    nobody = await store.intake("telegram", "404", "404", limit=5)
    assert nobody.context.user is None and nobody.conversation is None and nobody.history == []

    user = await store.record_consent("discord", "9")
    conversation = await store.active_conversation(user.id, "9", "dm")
    assert conversation is not None
    await store.add_message(conversation, "user", "before reset")
    await store.end_conversation(user.id, "9")
    after_reset = await store.intake("discord", "9", "9", limit=5)
    assert after_reset.context.user == user and after_reset.conversation is None

    # Same id on another platform is another person.
    assert (await store.intake("telegram", "9", "9", limit=5)).context.user is None
    until = iso(utcnow() + timedelta(days=1))
    await db.execute(
        "INSERT INTO bans (platform, platform_user_id, until, reason, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        ("discord", "9", until, "test", iso(), "test"),
    )
    assert (await store.intake("discord", "9", "9", limit=5)).context.banned
