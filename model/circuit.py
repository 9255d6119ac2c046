"""A circuit breaker: stop sending requests to a backend that keeps failing.

closed: requests flow. After ``failure_threshold`` failures in a row: open,
requests skip this backend for ``cooldown_s``. Then half_open: exactly one
request probes it; success closes the circuit, failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

State = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int,
        cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failure_threshold = max(1, failure_threshold)
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._state: State = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False
        self.last_error = ""

    @property
    def state(self) -> State:
        if self._state == "open" and self._cooled_down():
            return "half_open"
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def _cooled_down(self) -> bool:
        return self._clock() - self._opened_at >= self.cooldown_s

    def allow(self) -> bool:
        """May a request go to this backend now? Claims the probe when half open."""
        if self._state == "closed":
            return True
        if self._state == "open":
            if not self._cooled_down():
                return False
            self._state = "half_open"
            self._probing = False
        if self._probing:  # half open: one probe at a time
            return False
        self._probing = True
        return True

    def release(self) -> None:
        """A claimed request ended without a verdict (the user cancelled it)."""
        self._probing = False

    def record_success(self) -> None:
        self._state = "closed"
        self._failures = 0
        self._probing = False
        self.last_error = ""

    def record_failure(self, error: str = "") -> None:
        self._failures += 1
        self.last_error = error
        if self._state == "half_open" or self._failures >= self.failure_threshold:
            self._state = "open"
            self._opened_at = self._clock()
        self._probing = False
