"""The plug-ins inside the real app: discovered, commands registered before
adapters start, alerts and check-ins leaving through the app's notifier."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.app import HavenApp, discover_plugins
from bot.config import HavenConfig
from bot.core import build_core
from bot.i18n import t
from bot.memory.db import Database
from bot.messages import Outbound, Platform
from bot.moderation.plugin import ModerationPlugin
from bot.observability.metrics import HavenMetrics
from bot.safety import build_safety_layer
from bot.scheduler.plugin import CarePlugin
from tests.core.fakes import ScriptedBackend
from tests.moderation.helpers import MOD_CHAT, MOD_TG, consent, msg, replies, texts


@dataclass
class LoopbackAdapter:
    """Stands in for Telegram at the edge: keeps what the bot sends."""

    platform: Platform = Platform.TELEGRAM
    sent: list[Outbound] = field(default_factory=list)
    started: bool = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    async def send(self, message: Outbound) -> bool:
        self.sent.append(message)
        return True


def test_plugins_are_discovered(config: HavenConfig) -> None:
    names = sorted(p.name for p in discover_plugins(config))
    assert names == ["moderation", "scheduler"]


async def test_app_wires_commands_alerts_and_scheduler(config: HavenConfig, db: Database) -> None:
    core = build_core(config, db, ScriptedBackend(), build_safety_layer(config))
    moderation, care = ModerationPlugin(poll_s=0.05), CarePlugin()
    app = HavenApp(config, db, core.backend, core.safety, core, HavenMetrics(), [moderation, care])
    adapter = LoopbackAdapter()
    await app.start(adapters=[adapter])  # type: ignore[list-item]
    try:
        assert {"mod", "checkin", "mood"} <= {c.name for c in core.registry.names()}
        assert care.care is not None and care.care.scheduler.running
        assert moderation.alerter is not None
        await consent(core, user="555")
        await replies(core, msg("I want to kill myself tonight", user="555"))
        for _ in range(200):
            if adapter.sent:
                break
            await asyncio.sleep(0.02)
        (alert,) = adapter.sent
        assert alert.chat_id == str(MOD_CHAT) and alert.buttons[0].action.startswith("flag:ack:")
        stats = await texts(core, msg("/mod stats", user=MOD_TG))
        assert "Open flags: 1 high" in stats[0]
        reply = await texts(core, msg("/checkin 21:00 Europe/Paris", user="555"))
        assert reply == [t("checkin.set", "en", time="21:00", zone="Europe/Paris")]
        user = await core.store.get_user("telegram", "555")
        assert user is not None and care.care.next_checkin(user.id) is not None
    finally:
        await app.stop()
    assert not care.care.scheduler.running
