"""Protocols at the seams between the core and what plugs into it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from bot.messages import Incoming, Outbound, Platform, Reply


@runtime_checkable
class Notifier(Protocol):
    """The one outbound port: moderation and scheduling send through it, so
    they never import an adapter."""

    async def send(self, message: Outbound) -> bool: ...


@runtime_checkable
class Handler(Protocol):
    """What an adapter talks to: the conversation core."""

    def handle(self, incoming: Incoming) -> AsyncIterator[Reply]: ...


@runtime_checkable
class Adapter(Protocol):
    """A platform front-end: started and stopped by the app, sends Outbound."""

    platform: Platform

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, message: Outbound) -> bool: ...
