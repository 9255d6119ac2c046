"""Mood buttons, /mood recording and notes, and the chart sent as a photo."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.core import ConversationCore
from bot.i18n import t
from bot.memory import moderation as modstore
from bot.messages import Platform
from bot.scheduler.commands import CareCommands, register_care_commands
from bot.scheduler.jobs import CareScheduler
from bot.scheduler.mood_chart import PNG_SIGNATURE
from tests.moderation.helpers import FakeClock, RecordingNotifier, consent, msg, replies


@pytest.fixture
async def care(
    core: ConversationCore, notifier: RecordingNotifier, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[CareCommands]:
    scheduler = CareScheduler(core.store, notifier, lambda: core.config, clock=clock)
    yield register_care_commands(core.registry, scheduler, chart_dir=tmp_path / "charts")


async def scores(core: ConversationCore, uid: str) -> list[int]:
    user = await core.store.get_user("telegram", uid)
    assert user is not None
    rows = await core.db.fetchall(
        "SELECT score FROM moods WHERE user_id = ? ORDER BY id", (user.id,)
    )
    return [r["score"] for r in rows]


async def test_button_press_records_and_a_quick_second_press_corrects(
    core: ConversationCore, care: CareCommands, clock: FakeClock
) -> None:
    await consent(core, user="7")
    (reply,) = await replies(core, msg(action="mood:4", user="7"))
    assert reply.text == t("mood.saved", "en", score=4)
    await replies(core, msg(action="mood:2", user="7"))
    assert await scores(core, "7") == [2]
    clock.advance(hours=20)
    await replies(core, msg(action="mood:5", user="7"))
    assert await scores(core, "7") == [2, 5]


async def test_bad_button_data_loses_nothing(core: ConversationCore, care: CareCommands) -> None:
    await consent(core, user="7")
    for action in ("mood:9", "mood:", "mood:1:2", "mood:x"):
        (reply,) = await replies(core, msg(action=action, user="7"))
        assert reply.text == t("action.expired", "en")
    assert await scores(core, "7") == []


async def test_button_before_consent_stores_nothing(
    core: ConversationCore, care: CareCommands
) -> None:
    (reply,) = await replies(core, msg(action="mood:3", user="9"))
    assert reply.kind == "consent"
    assert await core.store.get_user("telegram", "9") is None


async def test_mood_command_and_note(
    core: ConversationCore, care: CareCommands, clock: FakeClock
) -> None:
    await consent(core, user="7")
    assert (
        t("mood.no_recent", "en")
        == (await replies(core, msg("/mood note long day", user="7")))[0].text
    )
    await replies(core, msg("/mood 3 tired but ok", user="7"))
    await replies(core, msg("/mood note went for a walk", user="7"))
    user = await core.store.get_user("telegram", "7")
    assert user is not None
    rows = await core.db.fetchall("SELECT score, note FROM moods WHERE user_id = ?", (user.id,))
    assert [(r["score"], r["note"]) for r in rows] == [(3, "went for a walk")]
    (bad,) = await replies(core, msg("/mood 6", user="7"))
    assert bad.text == t("mood.usage", "en")


async def test_mood_chart_is_a_photo_with_summary(
    core: ConversationCore, care: CareCommands, clock: FakeClock
) -> None:
    await consent(core, user="7")
    (empty,) = await replies(core, msg("/mood", user="7"))
    assert empty.attachment is None and empty.text == t("mood.summary_empty", "en", days=30)
    user = await core.store.get_user("telegram", "7")
    assert user is not None
    for days_ago, score in [(40, 1), (20, 2), (10, 3), (5, 4), (1, 5)]:
        await modstore.add_mood(core.db, user.id, score, clock() - timedelta(days=days_ago))
    (reply,) = await replies(core, msg("/mood", user="7"))
    assert reply.attachment is not None and reply.attachment.kind == "photo"
    assert reply.attachment.mime == "image/png" and reply.attachment.data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(reply.attachment.data)) as image:
        assert image.format == "PNG"
    # The 40-day-old mood is outside the window: 4 points, average 3.5, trending up.
    assert reply.text == t(
        "mood.summary",
        "en",
        days=30,
        count=4,
        average="3.5",
        latest=5,
        trend=t("mood.trend.up", "en"),
    )


async def test_terminal_gets_summary_and_a_saved_png(
    core: ConversationCore, care: CareCommands, clock: FakeClock, tmp_path: Path
) -> None:
    await consent(core, user="alice", platform=Platform.TERMINAL)
    await replies(core, msg("/mood 4", user="alice", platform=Platform.TERMINAL))
    (reply,) = await replies(core, msg("/mood", user="alice", platform=Platform.TERMINAL))
    assert reply.attachment is None
    saved = list((tmp_path / "charts").glob("mood-*.png"))
    assert len(saved) == 1 and saved[0].read_bytes().startswith(PNG_SIGNATURE)
    assert str(saved[0].resolve()) in reply.text and "1 check-ins" in reply.text
