"""The daily retention pass: old messages deleted, old resolved flags redacted."""

from __future__ import annotations

from datetime import timedelta

from bot.core import ConversationCore
from bot.memory import moderation as modstore
from bot.memory.store import iso, utcnow
from bot.scheduler.jobs import CareScheduler
from tests.moderation.helpers import FakeClock, RecordingNotifier, consent, msg, replies


async def test_retention_job_purges_and_redacts(
    core: ConversationCore, notifier: RecordingNotifier
) -> None:
    clock = FakeClock(utcnow().replace(microsecond=0))
    await consent(core, user="7")
    await replies(core, msg("an old worry", user="7"))
    await replies(core, msg("I want to kill myself", user="7"))  # a high flag with its message
    await replies(core, msg("something from today", user="7"))
    days = core.config.memory.retention_days
    old = iso(clock() - timedelta(days=days + 1))
    await core.db.execute(
        "UPDATE messages SET created_at = ? WHERE content IN ('an old worry', 'I want to kill myself')",
        (old,),
    )
    (flag,) = await modstore.open_flags(core.db)
    await modstore.resolve_flag(
        core.db, flag.id, "telegram:1", clock() - timedelta(days=days + 1), "ok now"
    )
    fresh_flag = await core.db.execute(
        "INSERT INTO flags (platform, risk, excerpt, status, note, created_at, resolved_at)"
        " VALUES ('telegram', 'high', 'recent words', 'resolved', 'recent note', ?, ?)",
        (iso(clock()), iso(clock())),
    )

    care = CareScheduler(core.store, notifier, lambda: core.config, clock=clock)
    result = await care.retention_job()
    assert result is not None
    assert result.messages_deleted >= 2 and result.flags_redacted == 1
    left = [
        r["content"]
        for r in await core.db.fetchall("SELECT content FROM messages WHERE role = 'user'")
    ]
    assert left == ["something from today"]
    redacted = await modstore.get_flag(core.db, flag.id)
    assert redacted is not None
    assert (redacted.excerpt, redacted.note, redacted.message_id) == (None, modstore.REDACTED, None)
    assert (redacted.risk, redacted.status) == ("high", "resolved")  # counts survive
    kept = await modstore.get_flag(core.db, int(fresh_flag.lastrowid or 0))
    assert kept is not None and (kept.excerpt, kept.note) == ("recent words", "recent note")
    again = await care.retention_job()
    assert again is not None and again.flags_redacted == 0 and again.messages_deleted == 0
