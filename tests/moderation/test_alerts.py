"""Crisis alerts and re-alerts, with a clock the test moves by hand."""

from __future__ import annotations

from bot.config import HavenConfig
from bot.core import ConversationCore
from bot.memory import moderation as modstore
from bot.memory.db import Database
from bot.memory.store import MemoryStore, create_flag
from bot.messages import Platform
from bot.moderation.alerts import CrisisAlerter, ack_action
from bot.safety.types import RiskAssessment, RiskLevel
from tests.moderation.helpers import (
    MOD_CHANNEL,
    MOD_CHAT,
    MOD_TG,
    FakeClock,
    RecordingNotifier,
    consent,
    make_config,
    msg,
    replies,
)

HIGH = RiskAssessment(RiskLevel.HIGH, 0.93, ("suicidal_ideation",))


async def _flag(db: Database, level: RiskLevel = RiskLevel.HIGH, excerpt: str | None = None) -> int:
    user = await MemoryStore(db).ensure_user("telegram", "555")
    return await create_flag(
        db,
        user_id=user.id,
        platform="telegram",
        assessment=RiskAssessment(level, 0.9, ("suicidal_ideation",)),
        excerpt=excerpt,
    )


def _alerter(
    db: Database, notifier: RecordingNotifier, config: HavenConfig, clock: FakeClock
) -> CrisisAlerter:
    return CrisisAlerter(db, notifier, lambda: config, clock=clock)


async def test_high_message_through_the_pipeline_alerts_both_platforms(
    core: ConversationCore,
    db: Database,
    notifier: RecordingNotifier,
    config: HavenConfig,
    clock: FakeClock,
) -> None:
    await consent(core, user="555")
    out = await replies(core, msg("I want to kill myself tonight", user="555"))
    assert [r.kind for r in out] == ["crisis"]
    clock.advance(seconds=1)
    sent = await _alerter(db, notifier, config, clock).tick()
    assert sent == 1
    assert {(m.platform, m.chat_id) for m in notifier.sent} == {
        (Platform.DISCORD, str(MOD_CHANNEL)),
        (Platform.TELEGRAM, str(MOD_CHAT)),
    }
    alert = notifier.sent[0]
    assert "high" in alert.text and "suicidal_ideation" in alert.text and "telegram" in alert.text
    # Excerpts are off by default: not a word of the user's message leaves.
    assert "kill" not in alert.text and "tonight" not in alert.text
    (flag,) = await modstore.open_flags(db)
    assert [b.action for b in alert.buttons] == [ack_action(flag.id)]


async def test_realert_until_acknowledged(
    db: Database, notifier: RecordingNotifier, config: HavenConfig, clock: FakeClock
) -> None:
    flag_id = await _flag(db)
    clock.advance(seconds=1)
    alerter = _alerter(db, notifier, config, clock)
    assert await alerter.tick() == 1
    assert await alerter.tick() == 0  # nothing new within the re-alert window
    clock.advance(minutes=14)
    assert await alerter.tick() == 0
    clock.advance(minutes=1, seconds=1)
    assert await alerter.tick() == 1
    assert "Reminder 2" in notifier.sent[-1].text
    clock.advance(minutes=16)
    assert await alerter.tick() == 1
    assert (await modstore.get_flag(db, flag_id)).alert_count == 3  # type: ignore[union-attr]
    assert await modstore.acknowledge_flag(db, flag_id, f"telegram:{MOD_TG}", clock())
    clock.advance(hours=5)
    before = len(notifier.sent)
    assert await alerter.tick() == 0
    assert len(notifier.sent) == before


async def test_only_high_flags_alert(
    db: Database, notifier: RecordingNotifier, config: HavenConfig, clock: FakeClock
) -> None:
    await _flag(db, RiskLevel.ELEVATED)
    clock.advance(seconds=1)
    assert await _alerter(db, notifier, config, clock).tick() == 0
    assert notifier.sent == []


async def test_resolved_and_escalated_flags_stop_alerting(
    db: Database, notifier: RecordingNotifier, config: HavenConfig, clock: FakeClock
) -> None:
    first, second = await _flag(db), await _flag(db)
    clock.advance(seconds=1)
    alerter = _alerter(db, notifier, config, clock)
    assert await alerter.tick() == 2
    await modstore.resolve_flag(db, first, "telegram:1", clock(), "called them")
    await modstore.escalate_flag(db, second, "telegram:1", clock())
    clock.advance(hours=1)
    assert await alerter.tick() == 0


async def test_excerpt_only_when_config_allows(
    tmp_path,
    db: Database,
    notifier: RecordingNotifier,
    clock: FakeClock,  # type: ignore[no-untyped-def]
) -> None:
    await _flag(db, excerpt="a private sentence")
    clock.advance(seconds=1)
    allowed = make_config(tmp_path, moderation={"alert_excerpts": True})
    await _alerter(db, notifier, allowed, clock).tick()
    assert "a private sentence" in notifier.sent[0].text
    # Turning excerpts off later hides even a stored excerpt on the next re-alert.
    notifier.sent.clear()
    clock.advance(minutes=20)
    await _alerter(db, notifier, make_config(tmp_path), clock).tick()
    assert notifier.sent and "a private sentence" not in notifier.sent[0].text


async def test_failed_delivery_is_retried_and_not_counted(
    db: Database, config: HavenConfig, clock: FakeClock
) -> None:
    flag_id = await _flag(db)
    clock.advance(seconds=1)
    notifier = RecordingNotifier(fail=True)
    alerter = _alerter(db, notifier, config, clock)
    assert await alerter.tick() == 0
    assert (await modstore.get_flag(db, flag_id)).alert_count == 0  # type: ignore[union-attr]
    notifier.fail = False
    assert await alerter.tick() == 0  # backing off
    clock.advance(seconds=61)
    assert await alerter.tick() == 1


async def test_only_enabled_platforms_get_alerts(
    tmp_path,
    db: Database,
    notifier: RecordingNotifier,
    clock: FakeClock,  # type: ignore[no-untyped-def]
) -> None:
    await _flag(db)
    clock.advance(seconds=1)
    tg_only = make_config(tmp_path, discord={"enabled": False})
    assert await _alerter(db, notifier, tg_only, clock).tick() == 1
    assert [m.platform for m in notifier.sent] == [Platform.TELEGRAM]


async def test_no_target_means_no_send_and_no_crash(
    tmp_path,
    db: Database,
    notifier: RecordingNotifier,
    clock: FakeClock,  # type: ignore[no-untyped-def]
) -> None:
    await _flag(db)
    terminal_only = make_config(tmp_path, discord={"enabled": False}, telegram={"enabled": False})
    assert await _alerter(db, notifier, terminal_only, clock).tick() == 0
    assert notifier.sent == []


async def test_background_loop_sends_on_wake(
    db: Database, notifier: RecordingNotifier, config: HavenConfig
) -> None:
    import asyncio

    alerter = CrisisAlerter(db, notifier, lambda: config, poll_s=3600)
    alerter.start()
    try:
        await asyncio.sleep(0)
        await _flag(db)
        alerter.wake()
        for _ in range(200):
            if notifier.sent:
                break
            await asyncio.sleep(0.01)
        assert len(notifier.sent) == 2
    finally:
        await alerter.stop()


async def test_stop_right_after_a_wake_ends_the_loop(
    db: Database, notifier: RecordingNotifier, config: HavenConfig
) -> None:
    """A flag's wake-up and shutdown in the same instant (a crisis message as
    the last line of a piped chat) must not leave the loop running: on Python
    3.11 ``wait_for`` swallowed that cancellation and ``stop()`` hung."""
    import asyncio

    alerter = CrisisAlerter(db, notifier, lambda: config, poll_s=3600)
    alerter.start()
    await asyncio.sleep(0)  # the loop is now waiting for a wake-up
    task = alerter._task
    assert task is not None
    alerter.wake()
    await asyncio.wait({asyncio.ensure_future(alerter.stop())}, timeout=5)
    assert task.done(), "the alert loop kept running after stop()"
    task.cancel()  # (only matters when the assertion above failed)
