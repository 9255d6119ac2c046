"""Serve from the first healthy backend of a chain; skip ones that keep failing.

A backend that fails before its first token (error, timeout, refused
connection) counts a failure and the next backend answers the same request.
Once text has reached the user, a failure is raised instead: splicing two
models' halves into one reply would read as nonsense. Cancellation by the
user is not a failure.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import aclosing

from model.base import (
    Backend,
    BackendError,
    BackendHealth,
    BackendUnavailable,
    ChatMessage,
    GenerationParams,
)
from model.circuit import CircuitBreaker
from model.config import CircuitSection

log = logging.getLogger(__name__)


class FallbackBackend:
    def __init__(
        self,
        backends: Sequence[Backend],
        circuit: CircuitSection,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not backends:
            raise ValueError("a fallback chain needs at least one backend")
        self.backends = list(backends)
        self.name = "fallback(" + " > ".join(b.name for b in self.backends) + ")"
        self.breakers = [
            CircuitBreaker(circuit.failure_threshold, circuit.cooldown_s, clock)
            for _ in self.backends
        ]
        self._unavailable: dict[int, str] = {}  # index -> why it could not start

    async def start(self) -> None:
        """Start every member; one that cannot start is left out, not fatal."""
        for i, backend in enumerate(self.backends):
            try:
                await backend.start()
            except BackendUnavailable as exc:
                self._unavailable[i] = str(exc)
                log.warning("backend %s unavailable: %s", backend.name, exc)
        if len(self._unavailable) == len(self.backends):
            reasons = "; ".join(
                f"{self.backends[i].name}: {why}" for i, why in self._unavailable.items()
            )
            raise BackendUnavailable(f"no backend in the chain could start ({reasons})")

    def _usable(self) -> list[int]:
        return [i for i in range(len(self.backends)) if i not in self._unavailable]

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        errors: list[str] = []
        for i in self._usable():
            backend, breaker = self.backends[i], self.breakers[i]
            if not breaker.allow():
                errors.append(f"{backend.name}: skipped (circuit {breaker.state})")
                continue
            started = False
            verdict = False
            try:
                async with aclosing(backend.stream(messages, params, session=session)) as pieces:
                    async for piece in pieces:
                        started = True
                        yield piece
                breaker.record_success()
                verdict = True
                return
            except BackendError as exc:
                breaker.record_failure(str(exc))
                verdict = True
                log.warning("backend %s failed (%s); circuit %s", backend.name, exc, breaker.state)
                if started:
                    raise
                errors.append(f"{backend.name}: {exc}")
            finally:
                if not verdict:  # cancelled or closed by the consumer
                    breaker.release()
        raise BackendUnavailable("every backend failed or is cooling down: " + "; ".join(errors))

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        """The first closed-circuit member's count: the one that will most likely answer."""
        order = sorted(self._usable(), key=lambda i: self.breakers[i].state != "closed")
        last: Exception | None = None
        for i in order:
            try:
                return self.backends[i].count_tokens(messages)
            except Exception as exc:  # an unreachable tokenizer: ask the next one
                last = exc
        raise BackendUnavailable(f"no backend could count tokens: {last}")

    async def member_health(self) -> list[BackendHealth]:
        """Each member's health with its circuit state (for `python -m bot check`)."""
        out: list[BackendHealth] = []
        for i, backend in enumerate(self.backends):
            breaker = self.breakers[i]
            if i in self._unavailable:
                out.append(BackendHealth(backend.name, False, self._unavailable[i], "open"))
                continue
            try:
                h = await asyncio.wait_for(backend.health(), 10)
            except (TimeoutError, BackendError) as exc:
                h = BackendHealth(backend.name, False, f"health check failed: {exc}")
            extra = dict(h.extra)
            extra["consecutive_failures"] = str(breaker.consecutive_failures)
            if breaker.last_error:
                extra["last_error"] = breaker.last_error[:200]
            out.append(BackendHealth(h.name, h.available, h.detail, breaker.state, extra))
        return out

    async def health(self) -> BackendHealth:
        members = await self.member_health()
        serving = next((m.name for m in members if m.available and m.state != "open"), None)
        return BackendHealth(
            name=self.name,
            available=serving is not None,
            detail=f"serving from {serving}" if serving else "no backend can serve",
            state=members[0].state,
            extra={f"{m.name}.state": m.state for m in members},
        )

    def forget(self, session: str) -> None:
        for backend in self.backends:
            forget = getattr(backend, "forget", None)
            if callable(forget):
                forget(session)

    async def close(self) -> None:
        for backend in self.backends:
            try:
                await backend.close()
            except Exception:  # closing the rest matters more than one error
                log.exception("closing backend %s failed", backend.name)
