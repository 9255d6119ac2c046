"""The Backend protocol every model implementation follows.

The core only ever sees this: a chat in, a stream of text out. ``session``
names a conversation so a backend can keep that conversation's state (KV
cache) between turns; backends without such state ignore it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class GenerationParams:
    max_new_tokens: int = 510
    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 50
    repeat_penalty: float = 1.1
    seed: int | None = None
    stop: tuple[str, ...] = ()
    timeout_s: float | None = None


@dataclass(frozen=True, slots=True)
class BackendHealth:
    name: str
    available: bool
    detail: str = ""
    state: str = "closed"  # circuit breaker state: closed, open, half_open
    extra: dict[str, str] = field(default_factory=dict)


class BackendError(Exception):
    """A backend could not produce a reply (crash, timeout, server error)."""


class BackendUnavailable(BackendError):
    """A backend cannot be used at all (missing file, missing package, no GPU)."""


@runtime_checkable
class Backend(Protocol):
    name: str

    async def start(self) -> None:
        """Load the model or connect; raise BackendUnavailable with a fix-it hint."""
        ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,
    ) -> AsyncIterator[str]:
        """Yield text deltas. Closing the iterator or cancelling the consuming
        task stops generation promptly."""
        ...

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        """Tokens the templated prompt takes, with this backend's tokenizer."""
        ...

    async def health(self) -> BackendHealth: ...

    async def close(self) -> None: ...
