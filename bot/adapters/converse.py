"""One message through the core, replies out to the platform: shared by Discord and Telegram.

A reply that cannot be delivered is logged by error type only (the core has
stored it); a core failure gets the calm fallback in the user's language, so
the user is never left without an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Protocol

from bot.i18n import language_for_locale, t
from bot.messages import Incoming, Reply
from bot.ports import Handler

log = logging.getLogger(__name__)


class _Sink(Protocol):
    async def send(self, text: str, buttons: Sequence[object]) -> object: ...


class Writer(Protocol):
    sink: _Sink

    async def deliver(self, reply: Reply) -> None: ...


async def converse(
    handler: Handler,
    incoming: Incoming,
    writer: Writer,
    *,
    platform: str,
    delivery_errors: tuple[type[BaseException], ...],
    default_locale: str,
) -> list[str]:
    """Deliver the core's replies; returns their kinds (a refusal is a "notice")."""
    kinds: list[str] = []
    try:
        async for reply in handler.handle(incoming):
            kinds.append(reply.kind)
            try:
                await writer.deliver(reply)
            except delivery_errors as exc:
                log.warning("a %s reply could not be delivered: %s", platform, type(exc).__name__)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("the core failed on a %s message", platform)
        kinds.append("error")
        language = language_for_locale(incoming.locale, default_locale)
        with contextlib.suppress(*delivery_errors):
            await writer.sink.send(t("fallback.error", language), ())
    return kinds
