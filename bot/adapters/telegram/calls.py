"""Bot API calls that survive a flaky network and Telegram's flood control.

Network errors and timeouts are retried with exponential backoff (tenacity).
A 429 (``RetryAfter``) becomes the platform-neutral ``RateLimited`` so the
stream renderer can slow its edits; ``patiently`` waits it out instead, for
one-off calls such as documents and callback answers. Bad requests are bugs
or user-side states (chat gone, message deleted) and are never retried.

Sending is not idempotent: the Bot API has no request id, so a
``sendMessage`` that timed out while waiting for the answer may well have
been delivered, and sending it again shows the user the same words twice.
Calls made with ``idempotent=False`` are therefore retried only when the
failure proves the request never left this machine (no connection, or no
free connection in the pool); any other failure raises ``DeliveryUncertain``
and the message is not sent again. That reply may then be lost on a real
timeout, but nothing the user sent is: the core stored their message (and
its reply) before the adapter started to send. Edits, deletes, chat actions
and callback answers are safe to repeat and keep the plain retries.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from bot.adapters.streaming import RateLimited

log = logging.getLogger(__name__)

T = TypeVar("T")

NETWORK_ATTEMPTS = 5
PATIENT_ATTEMPTS = 6
MAX_RETRY_AFTER_S = 120.0


def retry_after_seconds(exc: RetryAfter) -> float:
    """PTB 22 reports an int or a timedelta depending on a deprecation flag."""
    value: object = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)  # type: ignore[arg-type]


# httpx failures raised before a byte of the request was sent.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class DeliveryUncertain(NetworkError):
    """A non-idempotent call failed after it may have reached Telegram; not retried."""


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def never_sent(exc: BaseException) -> bool:
    """True when the failure shows the request never reached Telegram (safe to send again).

    python-telegram-bot keeps the httpx error as ``__cause__``."""
    return isinstance(exc.__cause__, _NOT_SENT)


async def call(
    fn: Callable[[], Awaitable[T]], *, attempts: int = NETWORK_ATTEMPTS, idempotent: bool = True
) -> T:
    """Run ``fn``; retry network errors; raise ``RateLimited`` on a 429.

    ``idempotent=False`` (sending a message or file): retried only when it
    certainly never arrived; otherwise ``DeliveryUncertain``."""

    def retryable(exc: BaseException) -> bool:
        return _transient(exc) and (idempotent or never_sent(exc))

    try:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(retryable),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=0.25, max=8),
            reraise=True,
        ):
            with attempt:
                return await fn()
    except RetryAfter as exc:  # refused before anything was sent: always safe to try again
        raise RateLimited(retry_after_seconds(exc)) from exc
    except NetworkError as exc:
        if not idempotent and _transient(exc) and not never_sent(exc):
            log.warning(
                "a Telegram send may or may not have arrived (%s); not sending it twice",
                type(exc).__name__,
            )
            raise DeliveryUncertain(str(exc) or type(exc).__name__) from exc
        raise
    raise AssertionError("unreachable")  # pragma: no cover


async def patiently(
    fn: Callable[[], Awaitable[T]], *, attempts: int = PATIENT_ATTEMPTS, idempotent: bool = True
) -> T:
    """Like ``call``, but wait out 429s too (capped, so shutdown is never held hostage)."""
    for attempt in range(1, attempts + 1):
        try:
            return await call(fn, idempotent=idempotent)
        except RateLimited as exc:
            if attempt == attempts or exc.retry_after > MAX_RETRY_AFTER_S:
                raise
            log.info("Telegram flood control: waiting %.1fs", exc.retry_after)
            await asyncio.sleep(exc.retry_after)
    raise AssertionError("unreachable")  # pragma: no cover


def is_not_modified(exc: BadRequest) -> bool:
    return "not modified" in str(exc).lower()


def is_gone(exc: BadRequest) -> bool:
    text = str(exc).lower()
    return "not found" in text or "can't be" in text
