"""Scheduled care as an app plug-in: ``/checkin``, ``/mood``, the mood buttons,
daily check-ins and the retention pass, on the app's event loop."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.scheduler.commands import CareCommands, register_care_commands
from bot.scheduler.jobs import CareScheduler

if TYPE_CHECKING:
    from bot.app import HavenApp

log = logging.getLogger(__name__)


class CarePlugin:
    name = "scheduler"

    def __init__(self) -> None:
        self.care: CareScheduler | None = None
        self.commands: CareCommands | None = None

    async def start(self, app: HavenApp) -> None:
        core = app.core
        self.care = CareScheduler(core.store, app.notifier, lambda: core.config)
        if "checkin" not in core.registry:
            self.commands = register_care_commands(core.registry, self.care)
        if core.config.scheduler.enabled:
            restored = await self.care.start()
            log.info("scheduler started: %d daily check-ins restored", restored)
        else:
            log.info(
                "scheduler disabled (scheduler.enabled = false): no check-ins, no retention pass"
            )

    async def stop(self) -> None:
        if self.care is not None:
            await self.care.stop()
