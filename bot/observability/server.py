"""``/healthz`` and ``/metrics`` over aiohttp, on a loopback port by default."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.observability.metrics import HavenMetrics

log = logging.getLogger(__name__)

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


class HealthServer:
    def __init__(self, host: str, port: int, metrics: HavenMetrics, check: HealthCheck) -> None:
        self.host = host
        self.port = port
        self.metrics = metrics
        self.check = check
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        return app

    async def _healthz(self, request: web.Request) -> web.Response:
        try:
            report = await self.check()
        except Exception as exc:  # the endpoint reports, it never crashes
            report = {"status": "error", "detail": type(exc).__name__}
        status = 200 if report.get("status") == "ok" else 503
        return web.json_response(report, status=status)

    async def _metrics(self, request: web.Request) -> web.Response:
        body = self.metrics.render()
        content_type, _, charset = CONTENT_TYPE_LATEST.partition("; charset=")
        return web.Response(body=body, content_type=content_type, charset=charset or "utf-8")

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # the bound socket tells us the port when 0 was asked
        sockets = getattr(server, "sockets", None) or []
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        log.info("health and metrics on http://%s:%s", self.host, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
