"""Long polling with offsets confirmed only after handling (see ``intake.py``).

python-telegram-bot's own ``Updater`` confirms an update as soon as it is
fetched, so a crash mid-reply loses it; this loop asks ``getUpdates`` itself.
Unconfirmed updates come back on every poll while they are in flight; when a
poll brings nothing new the loop waits for progress instead of spinning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.adapters.telegram.calls import retry_after_seconds
from bot.adapters.telegram.intake import UpdateIntake

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query")
BATCH = 100  # Telegram's maximum per getUpdates
IDLE_WAIT_S = 0.5  # nothing new while replies run: look again after this (or on progress)
MAX_BACKOFF_S = 30.0


class Poller:
    def __init__(self, bot: Bot, intake: UpdateIntake, *, poll_timeout_s: int = 25) -> None:
        self.bot = bot
        self.intake = intake
        self.poll_timeout_s = poll_timeout_s
        self._stopping = asyncio.Event()
        self.polls = 0

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            # With replies in flight, a long poll would return at once with
            # their updates: poll short and lean on the progress wait below.
            timeout = 0 if self.intake.in_flight else self.poll_timeout_s
            try:
                updates = await self.bot.get_updates(
                    offset=self.intake.offset(),
                    timeout=timeout,
                    limit=BATCH,
                    allowed_updates=list(ALLOWED_UPDATES),
                )
                self.polls += 1
                backoff = 0.5
            except RetryAfter as exc:
                await self._pause(retry_after_seconds(exc))
                continue
            except InvalidToken:
                log.error("Telegram rejected the bot token; polling stops")
                raise
            except Conflict:
                log.warning("another getUpdates or a webhook is active for this bot; retrying")
                await self._pause(backoff)
                backoff = min(MAX_BACKOFF_S, backoff * 2)
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning(
                    "getUpdates failed (%s); retrying in %.1fs", type(exc).__name__, backoff
                )
                await self._pause(backoff)
                backoff = min(MAX_BACKOFF_S, backoff * 2)
                continue
            offset = self.intake.offset()
            started = await self.intake.accept(updates)
            if not started and self.intake.in_flight:
                await self._wait_offset_moves(offset)

    async def _wait_offset_moves(self, offset: int) -> None:
        """Nothing new: poll again once the oldest reply finished, or after IDLE_WAIT_S.

        Re-polling on every finished reply would fetch the same unconfirmed
        batch over and over under load.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + IDLE_WAIT_S
        while self.intake.offset() == offset and not self._stopping.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            self.intake.progress.clear()
            with contextlib.suppress(TimeoutError):  # (wait_for could swallow a cancel on 3.11)
                async with asyncio.timeout(remaining):
                    await self.intake.progress.wait()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
