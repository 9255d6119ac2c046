"""What every loopback peer shares: an aiohttp server on a random 127.0.0.1
port, and a condition tests wait on that the peer wakes after each call."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web


class LoopbackPeer:
    def __init__(self) -> None:
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def _serve(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _close_server(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until ``predicate()`` holds; re-checked after every call to the peer."""

        async def _wait() -> None:
            # Woken by every call to the peer, and re-checked often for state
            # that changes on the client's side.
            async with self._changed:
                while not predicate():
                    try:
                        await asyncio.wait_for(self._changed.wait(), 0.02)
                    except TimeoutError:
                        pass

        try:
            await asyncio.wait_for(_wait(), within)
        except TimeoutError:
            raise AssertionError(f"condition not met within {within}s") from None
