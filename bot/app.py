"""Wiring: config -> Database -> backend -> safety -> core -> plug-ins -> adapters.

Plug-ins (moderation alerts, the scheduler) hook in without the app knowing
them: each module in ``PLUGIN_MODULES`` may define
``haven_plugins(config) -> list[Plugin]``. A plug-in's ``start(app)`` runs
after the core exists and before any adapter starts, so commands it
registers on ``app.core.registry`` are published by every adapter; it sends
its own messages through ``app.notifier``.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bot.config import HavenConfig
from bot.core import ConversationCore, build_core
from bot.memory.db import Database
from bot.messages import Outbound, Platform
from bot.observability.metrics import HavenMetrics
from bot.observability.server import HealthServer
from bot.ports import Adapter
from bot.safety.layer import SafetyLayer
from model.base import Backend

log = logging.getLogger(__name__)

PLUGIN_MODULES: tuple[str, ...] = ("bot.moderation", "bot.scheduler")


@runtime_checkable
class Plugin(Protocol):
    name: str

    async def start(self, app: HavenApp) -> None: ...

    async def stop(self) -> None: ...


class RoutingNotifier:
    """The one outbound port: an ``Outbound`` goes to its platform's adapter."""

    def __init__(self) -> None:
        self.adapters: dict[Platform, Adapter] = {}

    def add(self, adapter: Adapter) -> None:
        self.adapters[Platform(adapter.platform)] = adapter

    async def send(self, message: Outbound) -> bool:
        adapter = self.adapters.get(Platform(message.platform))
        if adapter is None:
            log.warning("no adapter for %s: an outbound message was not sent", message.platform)
            return False
        try:
            return await adapter.send(message)
        except Exception as exc:
            log.error("sending via %s failed: %s", message.platform, type(exc).__name__)
            return False


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def default_backend(config: HavenConfig) -> Backend:
    from model.factory import build_backend

    backend: Backend = await _maybe_await(build_backend(config.model))
    await backend.start()
    return backend


async def default_safety(config: HavenConfig) -> SafetyLayer:
    from bot.safety import build_safety_layer  # type: ignore[attr-defined]

    layer: SafetyLayer = await _maybe_await(build_safety_layer(config))
    warm_up = getattr(layer, "warm_up", None)
    if warm_up is not None:  # load the classifier now, not on the first message
        await _maybe_await(warm_up())
    return layer


def discover_plugins(config: HavenConfig) -> list[Plugin]:
    plugins: list[Plugin] = []
    for module_name in PLUGIN_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            log.debug("plug-in module %s not importable: %s", module_name, exc)
            continue
        factory: Callable[[HavenConfig], list[Plugin]] | None = getattr(
            module, "haven_plugins", None
        )
        if factory is not None:
            plugins.extend(factory(config))
    return plugins


class HavenApp:
    """Build with ``await HavenApp.create(config)``; ``await app.start()`` /
    ``await app.stop()``; ``await app.run()`` until a signal or end of chat."""

    def __init__(
        self,
        config: HavenConfig,
        db: Database,
        backend: Backend,
        safety: SafetyLayer,
        core: ConversationCore,
        metrics: HavenMetrics,
        plugins: list[Plugin],
        config_path: Path | None = None,
    ) -> None:
        self.config = config
        # The file the config came from (None: defaults and environment only);
        # ``/mod reload`` re-reads it, and never guesses another.
        self.config_path = config_path
        self.db = db
        self.backend = backend
        self.safety = safety
        self.core = core
        self.metrics = metrics
        self.plugins = plugins
        self.notifier = RoutingNotifier()
        self.adapters: list[Adapter] = []
        self.health: HealthServer | None = None
        self._started_plugins: list[Plugin] = []
        self._stop = asyncio.Event()

    @classmethod
    async def create(
        cls,
        config: HavenConfig,
        *,
        backend: Backend | None = None,
        safety: SafetyLayer | None = None,
        plugins: list[Plugin] | None = None,
        config_path: Path | None = None,
    ) -> HavenApp:
        from model.summary import summarize

        db = await Database.open(config.memory.path, config.memory.busy_timeout_ms)
        try:
            if backend is None:  # first: a missing model file should fail fast
                backend = await default_backend(config)
            if safety is None:
                safety = await default_safety(config)
        except BaseException:
            await db.close()
            raise
        metrics = HavenMetrics()
        core = build_core(config, db, backend, safety, metrics=metrics, summarizer=summarize)
        found = discover_plugins(config) if plugins is None else plugins
        return cls(config, db, backend, safety, core, metrics, found, config_path)

    def platform_adapters(self) -> list[Adapter]:
        """The enabled platforms' adapters, imported only when enabled."""
        adapters: list[Adapter] = []
        if self.config.telegram.enabled:
            from bot.adapters.telegram import TelegramAdapter  # type: ignore[attr-defined]

            adapters.append(TelegramAdapter(self.config, self.core, self.db))
        if self.config.discord.enabled:
            from bot.adapters.discord import DiscordAdapter  # type: ignore[attr-defined]

            adapters.append(DiscordAdapter(self.config, self.core, self.db))
        return adapters

    async def health_report(self) -> dict[str, Any]:
        backend = await self.backend.health()
        try:
            await self.db.fetchone("SELECT 1")
            memory = "ok"
        except Exception as exc:
            memory = type(exc).__name__
        ok = backend.available and memory == "ok"
        return {
            "status": "ok" if ok else "degraded",
            "backend": {
                "name": backend.name,
                "available": backend.available,
                "state": backend.state,
            },
            "memory": memory,
            # "ready", or why only the lexicon runs (never a reason to refuse traffic)
            "safety": getattr(self.safety, "semantic_status", "unknown"),
            "adapters": [Platform(a.platform).value for a in self.adapters],
        }

    async def start(self, *, adapters: list[Adapter] | None = None) -> None:
        for plugin in self.plugins:
            await plugin.start(self)
            self._started_plugins.append(plugin)
        self.adapters = self.platform_adapters() if adapters is None else adapters
        for adapter in self.adapters:
            self.notifier.add(adapter)
        for adapter in self.adapters:
            await adapter.start()
        if self.config.health.enabled:
            self.health = HealthServer(
                self.config.health.host, self.config.health.port, self.metrics, self.health_report
            )
            await self.health.start()

    def request_stop(self) -> None:
        self._stop.set()

    async def wait(self) -> None:
        await self._stop.wait()

    async def stop(self) -> None:
        """Adapters stop taking messages, replies in flight get the grace
        period, then plug-ins, the backend and the database close."""
        for adapter in reversed(self.adapters):
            try:
                await adapter.stop()
            except Exception as exc:
                log.warning("stopping an adapter failed: %s", type(exc).__name__)
        await self.core.close()
        for plugin in reversed(self._started_plugins):
            try:
                await plugin.stop()
            except Exception as exc:
                log.warning("stopping plug-in %s failed: %s", plugin.name, type(exc).__name__)
        self._started_plugins.clear()
        if self.health is not None:
            await self.health.stop()
        await self.backend.close()
        await self.db.close()


def install_signal_handlers(app: HavenApp) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, app.request_stop)
        except (NotImplementedError, RuntimeError):
            pass


async def run_service(config: HavenConfig, *, config_path: Path | None = None) -> int:
    """``python -m bot run``: platforms if enabled, otherwise the terminal chat."""
    app = await HavenApp.create(config, config_path=config_path)
    chat_task: asyncio.Task[int] | None = None
    try:
        adapters = app.platform_adapters()
        terminal = None
        if not adapters:
            from bot.adapters.terminal import TerminalAdapter

            terminal = TerminalAdapter(config, app.core)
            adapters = [terminal]
        await app.start(adapters=adapters)
        install_signal_handlers(app)
        if terminal is not None:
            chat_task = asyncio.create_task(terminal.run())
            chat_task.add_done_callback(lambda _task: app.request_stop())
        await app.wait()
        if chat_task is not None and chat_task.done() and not chat_task.cancelled():
            return chat_task.result()
        return 0
    finally:
        if chat_task is not None and not chat_task.done():
            chat_task.cancel()
        await app.stop()
