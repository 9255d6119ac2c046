"""Small helpers shared by the model tests."""

from __future__ import annotations

from collections.abc import Sequence

from model.base import Backend, ChatMessage, GenerationParams


def greedy(max_new_tokens: int = 12, **kw: object) -> GenerationParams:
    """Deterministic decoding: the only way two runs can be compared exactly."""
    return GenerationParams(
        max_new_tokens=max_new_tokens, temperature=0.0, repeat_penalty=1.0, **kw
    )  # type: ignore[arg-type]


async def collect(
    backend: Backend,
    messages: Sequence[ChatMessage],
    params: GenerationParams | None = None,
    session: str | None = None,
) -> str:
    return "".join([p async for p in backend.stream(messages, params or greedy(), session=session)])


def chat(*turns: str, system: str = "Be kind and brief.") -> list[ChatMessage]:
    """user, assistant, user, ... from plain strings."""
    out = [ChatMessage("system", system)]
    for i, text in enumerate(turns):
        out.append(ChatMessage("user" if i % 2 == 0 else "assistant", text))
    return out
