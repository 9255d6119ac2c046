"""Moderation as an app plug-in: ``/mod``, the acknowledge button and the
crisis alert loop, wired to the app's core, database and notifier."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import HavenConfig
from bot.moderation.alerts import CrisisAlerter
from bot.moderation.commands import ModerationCommands, register_moderation
from bot.moderation.reload import config_reloader

if TYPE_CHECKING:
    from bot.app import HavenApp

log = logging.getLogger(__name__)


class ModerationPlugin:
    name = "moderation"

    def __init__(self, *, poll_s: float = 3.0) -> None:
        self.poll_s = poll_s
        self.alerter: CrisisAlerter | None = None
        self.commands: ModerationCommands | None = None

    async def start(self, app: HavenApp) -> None:
        core = app.core
        self.alerter = CrisisAlerter(app.db, app.notifier, lambda: core.config, poll_s=self.poll_s)
        path: Path | None = getattr(app, "config_path", None)

        def apply(fresh: HavenConfig) -> None:
            core.config = fresh
            app.config = fresh

        reload = config_reloader(path, apply) if path is not None else None
        if "mod" not in core.registry:
            self.commands = register_moderation(core.registry, reload_config=reload)
        if hasattr(core, "on_flag"):  # the core's hook: alert at once instead of at the next poll
            alerter = self.alerter
            core.on_flag = lambda *_args: alerter.wake()
        self.alerter.start()
        log.info("moderation ready (crisis alerts every %.0f s poll)", self.alerter.poll_s)

    async def stop(self) -> None:
        if self.alerter is not None:
            await self.alerter.stop()
