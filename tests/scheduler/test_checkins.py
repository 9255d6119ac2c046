"""Daily check-ins end to end: the command, the stored preference, the job,
restore after a restart, catch-up after downtime, and who gets none."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import HavenConfig
from bot.core import ConversationCore
from bot.i18n import t
from bot.memory import moderation as modstore
from bot.memory.db import Database
from bot.memory.store import MemoryStore
from bot.messages import Platform
from bot.scheduler.checkin_time import parse_checkin
from bot.scheduler.commands import register_care_commands
from bot.scheduler.jobs import CareScheduler, checkin_job_id
from tests.moderation.helpers import FakeClock, RecordingNotifier, consent, msg, replies, texts


@pytest.fixture
async def care(
    core: ConversationCore, notifier: RecordingNotifier, clock: FakeClock
) -> AsyncIterator[CareScheduler]:
    scheduler = CareScheduler(core.store, notifier, lambda: core.config, clock=clock)
    register_care_commands(core.registry, scheduler)
    await scheduler.start(catch_up=False)
    yield scheduler
    await scheduler.stop()


async def one(core: ConversationCore, text: str, **kw: object) -> str:
    out = await texts(core, msg(text, **kw))  # type: ignore[arg-type]
    assert len(out) == 1
    return out[0]


async def test_checkin_command_stores_and_schedules(
    core: ConversationCore, care: CareScheduler, db: Database
) -> None:
    await consent(core, user="7")
    reply = await one(core, "/checkin 20:30 Europe/Berlin", user="7")
    assert reply == t("checkin.set", "en", time="20:30", zone="Europe/Berlin")
    user = await core.store.get_user("telegram", "7")
    assert user is not None
    pref = await modstore.get_checkin(db, user.id)
    assert pref is not None and (pref.time, pref.zone, pref.chat_id) == (
        "20:30",
        "Europe/Berlin",
        "7",
    )
    nxt = care.next_checkin(user.id)
    assert nxt is not None
    local = nxt.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (20, 30)
    assert "20:30 (Europe/Berlin)" in await one(core, "/checkin", user="7")
    assert await one(core, "/checkin off", user="7") == t("checkin.off", "en")
    assert care.next_checkin(user.id) is None
    assert await modstore.get_checkin(db, user.id) is None


async def test_checkin_rejects_bad_input_calmly(
    core: ConversationCore, care: CareScheduler, db: Database
) -> None:
    await consent(core, user="7")
    assert t("checkin.bad_zone", "en") in await one(core, "/checkin 20:30 Mars/Base", user="7")
    assert t("checkin.bad_time", "en") in await one(core, "/checkin 25:00 UTC", user="7")
    assert await db.fetchall("SELECT * FROM preferences WHERE key = 'checkin'") == []


async def test_checkin_is_dm_only_and_needs_consent(
    core: ConversationCore, care: CareScheduler
) -> None:
    from bot.messages import ChatKind

    group = await one(core, "/checkin 20:30 UTC", user="7", chat="-1", kind=ChatKind.GROUP)
    assert group == t("command.dm_only", "en", command="checkin")
    (out,) = await replies(core, msg("/checkin 20:30 UTC", user="8"))
    assert out.kind == "consent"  # the disclaimer first; nothing stored
    assert await core.store.get_user("telegram", "8") is None


async def test_restore_after_restart(
    core: ConversationCore, notifier: RecordingNotifier, clock: FakeClock
) -> None:
    first = CareScheduler(core.store, notifier, lambda: core.config, clock=clock)
    await first.start(catch_up=False)
    ids = []
    for uid, time_text, zone in (
        ("a", "08:00", "Asia/Tokyo"),
        ("b", "20:30", "Europe/Berlin"),
        ("c", "06:15", "America/New_York"),
    ):
        user = await core.store.record_consent("telegram", uid)
        await first.enable_checkin(user.id, uid, parse_checkin(time_text, zone))
        ids.append(user.id)
    before = {i: first.next_checkin(i) for i in ids}
    await first.stop()

    second = CareScheduler(MemoryStore(core.db), notifier, lambda: core.config, clock=clock)
    assert await second.start(catch_up=False) == 3
    try:
        assert {i: second.next_checkin(i) for i in ids} == before
        assert second.scheduler.get_job("retention") is not None
    finally:
        await second.stop()


async def test_job_sends_buttons_to_the_users_chat(
    core: ConversationCore, care: CareScheduler, notifier: RecordingNotifier
) -> None:
    user = await core.store.record_consent("telegram", "7", "de-DE")
    await care.enable_checkin(user.id, "chat-7", parse_checkin("21:00", "UTC"))
    assert await care.checkin_job(user.id)
    (sent,) = notifier.sent
    assert (sent.platform, sent.chat_id) == (Platform.TELEGRAM, "chat-7")
    assert sent.text == t("checkin.prompt", "de")
    assert [b.action for b in sent.buttons] == [f"mood:{i}" for i in range(1, 6)]
    await core.store.set_preference(user.id, "language", "fr")  # /language beats the locale
    assert await care.checkin_job(user.id)
    assert notifier.sent[-1].text == t("checkin.prompt", "fr")


async def test_terminal_checkin_asks_for_a_number(
    core: ConversationCore, care: CareScheduler, notifier: RecordingNotifier
) -> None:
    user = await core.store.record_consent("terminal", "alice")
    await care.enable_checkin(user.id, "alice", parse_checkin("21:00", "UTC"))
    assert await care.checkin_job(user.id)
    assert notifier.sent[0].buttons == () and "/mood 4" in notifier.sent[0].text


async def test_banned_or_forgotten_users_get_no_checkin(
    core: ConversationCore,
    care: CareScheduler,
    notifier: RecordingNotifier,
    db: Database,
    clock: FakeClock,
) -> None:
    banned = await core.store.record_consent("telegram", "b1")
    gone = await core.store.record_consent("telegram", "g1")
    for user in (banned, gone):
        await care.enable_checkin(user.id, str(user.id), parse_checkin("21:00", "UTC"))
    await modstore.ban_user(db, "telegram", "b1", by="telegram:1", now=clock())
    await core.store.forget_user("telegram", "g1")
    assert not await care.checkin_job(banned.id)
    assert not await care.checkin_job(gone.id)
    assert notifier.sent == []
    assert care.next_checkin(gone.id) is None  # the forgotten user's job is gone too
    assert care.next_checkin(banned.id) is not None  # a ban can be lifted; the wish stays
    # An expired ban no longer blocks.
    await modstore.ban_user(
        db, "telegram", "b1", by="telegram:1", now=clock(), until=clock() + timedelta(hours=1)
    )
    clock.advance(hours=2)
    assert await care.checkin_job(banned.id)


async def test_catch_up_after_downtime_is_coalesced(
    core: ConversationCore, notifier: RecordingNotifier, config: HavenConfig
) -> None:
    # The bot was down at 20:30 Berlin (18:30 UTC in June) and is back 20 minutes later.
    clock = FakeClock(datetime(2025, 6, 2, 18, 50, tzinfo=UTC))
    care = CareScheduler(core.store, notifier, lambda: core.config, clock=clock)
    user = await core.store.record_consent("telegram", "7")
    await modstore.set_checkin(core.db, user.id, chat_id="7", time="20:30", zone="Europe/Berlin")
    late = await core.store.record_consent("telegram", "8")  # 3 h late: beyond the 1 h grace
    await modstore.set_checkin(core.db, late.id, chat_id="8", time="17:50", zone="Europe/Berlin")
    assert await care.catch_up() == 1
    assert [m.chat_id for m in notifier.sent] == ["7"]
    assert await care.catch_up() == 0  # already sent for that run
    clock.advance(days=1)  # next day 18:50 UTC: 20 min after that day's run
    assert await care.catch_up() == 1


async def test_the_real_scheduler_fires_on_the_event_loop(
    core: ConversationCore, care: CareScheduler, notifier: RecordingNotifier
) -> None:
    user = await core.store.record_consent("telegram", "7")
    await care.enable_checkin(user.id, "7", parse_checkin("03:00", "UTC"))
    job = care.scheduler.get_job(checkin_job_id(user.id))
    assert job is not None
    job.modify(next_run_time=datetime.now(UTC) + timedelta(milliseconds=50))
    for _ in range(300):
        if notifier.sent:
            break
        await asyncio.sleep(0.02)
    assert [m.chat_id for m in notifier.sent] == ["7"]
    nxt = care.next_checkin(user.id)
    assert nxt is not None and nxt.astimezone(UTC).hour == 3  # back on its daily trigger
