"""Crisis alerts: every ``high`` flag reaches the moderators within seconds,
and keeps coming back until someone acknowledges it.

The flags table is the queue: the core writes a row, this service finds rows
that are due (never alerted, or last alerted ``realert_minutes`` ago and
still unacknowledged) and posts them through the Notifier. Working from the
table rather than an in-memory event means a restart loses no alert. The
clock is injected so tests move time by hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.config import HavenConfig
from bot.i18n import t
from bot.memory import moderation as modstore
from bot.memory.db import Database
from bot.messages import Button, Outbound, Platform
from bot.ports import Notifier

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ConfigSource = Callable[[], HavenConfig]

ACK_ACTION = "flag"  # buttons carry "flag:ack:<id>"
EXCERPT_CHARS = 280
# After a failed delivery everywhere, wait this long before trying that flag again.
RETRY_AFTER = timedelta(seconds=60)


def system_clock() -> datetime:
    return datetime.now(UTC)


def ack_action(flag_id: int) -> str:
    return f"{ACK_ACTION}:ack:{flag_id}"


@dataclass(frozen=True, slots=True)
class AlertTarget:
    platform: Platform
    chat_id: str


def alert_targets(config: HavenConfig) -> list[AlertTarget]:
    """The moderator channel (Discord) and chat (Telegram) of enabled platforms."""
    targets: list[AlertTarget] = []
    mod = config.moderation
    if config.discord.enabled and mod.discord_channel_id is not None:
        targets.append(AlertTarget(Platform.DISCORD, str(mod.discord_channel_id)))
    if config.telegram.enabled and mod.telegram_chat_id is not None:
        targets.append(AlertTarget(Platform.TELEGRAM, str(mod.telegram_chat_id)))
    return targets


def age_text(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d"


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def format_alert(
    flag: modstore.FlagRecord, *, now: datetime, language: str, show_excerpt: bool
) -> str:
    """The alert text. Carries no user identity: moderators open ``/mod flag ID``
    from a permitted place for that."""
    key = "mod.alert.first" if flag.alert_count == 0 else "mod.alert.repeat"
    lines = [
        t(key, language, id=flag.id, count=flag.alert_count + 1),
        t(
            "mod.alert.body",
            language,
            risk=flag.risk,
            score=f"{flag.score:.2f}",
            categories=", ".join(flag.categories) or "-",
            platform=flag.platform,
            age=age_text(now - flag.created_at),
        ),
    ]
    if show_excerpt and flag.excerpt:
        lines.append(t("mod.alert.excerpt", language, excerpt=shorten(flag.excerpt)))
    lines.append(t("mod.alert.ack_hint", language, id=flag.id))
    return "\n".join(lines)


class CrisisAlerter:
    """Finds due alerts and sends them; ``run()`` polls, ``wake()`` skips the wait."""

    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        config: ConfigSource,
        *,
        clock: Clock = system_clock,
        poll_s: float = 3.0,
    ) -> None:
        self.db = db
        self.notifier = notifier
        self.config = config
        self.clock = clock
        self.poll_s = poll_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._retry_at: dict[int, datetime] = {}
        self._warned_no_target = False

    def wake(self) -> None:
        """Call right after writing a high flag for an immediate alert."""
        self._wake.set()

    async def tick(self) -> int:
        """Send every due alert once; returns how many flags reached a moderator."""
        config = self.config()
        targets = alert_targets(config)
        if not targets:
            if not self._warned_no_target:
                log.warning(
                    "no moderator channel or chat configured for an enabled platform:"
                    " high-risk flags are visible only through /mod flags"
                )
                self._warned_no_target = True
            return 0
        now = self.clock()
        realert = timedelta(minutes=config.moderation.realert_minutes)
        language = config.bot.default_locale
        show_excerpt = config.moderation.alert_excerpts
        delivered = 0
        for flag in await modstore.flags_due_alert(self.db, now, realert):
            retry = self._retry_at.get(flag.id)
            if retry is not None and now < retry:
                continue
            text = format_alert(flag, now=now, language=language, show_excerpt=show_excerpt)
            button = Button(t("mod.alert.ack_button", language), ack_action(flag.id))
            sent = False
            for target in targets:
                message = Outbound(
                    target.platform,
                    target.chat_id,
                    text,
                    buttons=(button,),
                    meta={"kind": "crisis_alert", "flag_id": str(flag.id)},
                )
                try:
                    sent = await self.notifier.send(message) or sent
                except Exception:  # one broken adapter must not stop the others
                    log.exception("crisis alert for flag %d failed on %s", flag.id, target.platform)
            if sent:
                self._retry_at.pop(flag.id, None)
                await modstore.mark_alerted(self.db, flag.id, now)
                delivered += 1
                log.info("crisis alert sent for flag %d (alert %d)", flag.id, flag.alert_count + 1)
            else:
                self._retry_at[flag.id] = now + RETRY_AFTER
                log.error("crisis alert for flag %d reached no moderator; retrying", flag.id)
        return delivered

    async def run(self) -> None:
        # Wait first: at start-up the adapters come up after the plug-ins.
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
            # cancellation that lands as the event is set, and stop() would hang.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_s):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("crisis alert pass failed; trying again")

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run(), name="haven-alerts")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
