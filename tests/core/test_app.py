"""The app's wiring: plug-ins, the notifier, the health server, shutdown."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.app import HavenApp
from bot.core import CommandContext
from bot.messages import Outbound, Platform, Reply
from tests.core.conftest import consent, make_config, msg, texts
from tests.core.fakes import KeywordSafety, ScriptedBackend


class RecordingAdapter:
    platform = Platform.TELEGRAM

    def __init__(self) -> None:
        self.sent: list[Outbound] = []
        self.events: list[str] = []

    async def start(self) -> None:
        self.events.append("start")

    async def stop(self) -> None:
        self.events.append("stop")

    async def send(self, message: Outbound) -> bool:
        self.sent.append(message)
        return True


class PingPlugin:
    name = "ping"

    def __init__(self) -> None:
        self.app: HavenApp | None = None
        self.stopped = False

    async def start(self, app: HavenApp) -> None:
        self.app = app

        async def ping(ctx: CommandContext) -> Reply:
            await app.notifier.send(Outbound(Platform.TELEGRAM, "mods", "pinged"))
            return Reply(text="pong")

        app.core.registry.command("ping", ping, help_key="help.help")

    async def stop(self) -> None:
        self.stopped = True


async def test_plugins_adapters_notifier_and_health(tmp_path: Path) -> None:
    config = make_config(tmp_path, health={"enabled": True, "port": 0})
    backend = ScriptedBackend()
    plugin = PingPlugin()
    app = await HavenApp.create(config, backend=backend, safety=KeywordSafety(), plugins=[plugin])
    adapter = RecordingAdapter()
    await app.start(adapters=[adapter])
    try:
        assert "ping" in [c.name for c in app.core.registry.names()]
        assert await texts(app.core, msg("/ping")) == ["pong"]
        assert [m.text for m in adapter.sent] == ["pinged"]
        assert not await app.notifier.send(Outbound(Platform.DISCORD, "x", "nobody"))

        await consent(app.core)
        await texts(app.core, msg("hello"))
        assert app.health is not None and app.health.bound_port
        base = f"http://127.0.0.1:{app.health.bound_port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as resp:
                assert resp.status == 200
                body = await resp.json()
                assert body["status"] == "ok" and body["memory"] == "ok"
                assert body["safety"] == "unknown"  # the test layer reports no semantic status
            async with session.get(f"{base}/metrics") as resp:
                metrics = await resp.text()
                assert "haven_messages_total" in metrics
                assert "hello" not in metrics
    finally:
        await app.stop()
    assert adapter.events == ["start", "stop"]
    assert plugin.stopped and backend.closed


async def test_stop_cancels_replies_past_the_grace_period(tmp_path: Path) -> None:
    config = make_config(tmp_path, bot={"shutdown_grace_s": 0.05})
    backend = ScriptedBackend(hang=True)
    app = await HavenApp.create(config, backend=backend, safety=KeywordSafety(), plugins=[])
    await app.start(adapters=[])
    await consent(app.core)
    [reply] = [r async for r in app.core.handle(msg("hello"))]
    await asyncio.sleep(0.01)
    await asyncio.wait_for(app.stop(), 5)
    assert await asyncio.wait_for(reply.final_text(), 1) == ""
