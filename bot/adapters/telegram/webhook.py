"""Webhook mode: Telegram POSTs each update to us instead of us polling.

Every request must carry the secret token given to ``setWebhook`` (header
``X-Telegram-Bot-Api-Secret-Token``), compared in constant time; anything
else gets 403 and is never parsed. The answer is 200 only once the update
was handled, so Telegram re-delivers what a crash interrupted, and the
intake's ledger skips what was already answered.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Bot, Update

from bot.adapters.telegram.intake import UpdateIntake

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


class WebhookServer:
    def __init__(
        self,
        bot: Bot,
        intake: UpdateIntake,
        *,
        url: str,
        secret: str,
        listen: str,
        port: int,
    ) -> None:
        self.bot = bot
        self.intake = intake
        self.url = url
        self.secret = secret
        self.listen = listen
        self.port = port
        self.path = urlsplit(url).path or "/"
        self._runner: web.AppRunner | None = None
        self.rejected = 0

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.listen, self.port)
        await site.start()
        if self.port == 0:  # tests ask for any free port
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        await self.bot.set_webhook(
            self.url,
            secret_token=self.secret,
            allowed_updates=["message", "callback_query"],
        )
        log.info("Telegram webhook listening on %s:%d%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        # The webhook stays registered: Telegram queues updates until we are back.
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.rejected += 1
            log.warning("webhook request without the right secret token rejected")
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        task = self.intake.in_flight.get(update.update_id)
        if task is None:
            started = await self.intake.accept([update])
            task = started[0] if started else None
        if task is not None:
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                return web.Response(status=503)  # shutting down: Telegram will retry
        return web.Response(status=200)
