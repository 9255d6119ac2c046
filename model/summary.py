"""Rolling summaries: fold a long conversation's older turns into a few lines.

The prompt must stay bounded however long someone talks. When the history
outgrows its budget, the core folds the oldest turns (``split_for_summary``)
into the stored summary with ``summarize``, in the background, using the same
backend that answers; the prompt then carries the summary plus recent turns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import aclosing

from model.base import Backend, ChatMessage, GenerationParams

SUMMARY_SYSTEM_PROMPT = (
    "You keep short private notes for a support companion. Update the notes with "
    "the new part of the conversation. Keep only what helps continue it kindly: "
    "what the person is going through, what they care about, what has helped or "
    "not, and anything they asked to be remembered. Write at most five short "
    "sentences in the third person. No advice, no quotes, nothing else."
)
MAX_SUMMARY_CHARS = 1200


def _transcript(messages: Sequence[ChatMessage]) -> str:
    names = {"user": "Person", "assistant": "Companion", "system": "Note"}
    return "\n".join(f"{names[m.role]}: {m.content.strip()}" for m in messages if m.content.strip())


def summary_prompt(messages: Sequence[ChatMessage], previous: str = "") -> list[ChatMessage]:
    """The chat sent to the backend to fold ``messages`` into ``previous``."""
    parts = []
    if previous.strip():
        parts.append(f"Current notes:\n{previous.strip()}")
    parts.append(f"New part of the conversation:\n{_transcript(messages)}")
    parts.append("Updated notes:")
    return [
        ChatMessage("system", SUMMARY_SYSTEM_PROMPT),
        ChatMessage("user", "\n\n".join(parts)),
    ]


async def summarize(
    backend: Backend,
    messages: Sequence[ChatMessage],
    previous: str = "",
    *,
    max_new_tokens: int = 160,
    timeout_s: float | None = None,
) -> str:
    """The updated rolling summary. Never loses the old one: an empty answer keeps it.

    Greedy decoding, so the same history always folds the same way. No session
    is passed: a summary must not displace the conversation's own cached state.
    """
    if not any(m.content.strip() for m in messages):
        return previous
    params = GenerationParams(
        max_new_tokens=max_new_tokens, temperature=0.0, repeat_penalty=1.1, timeout_s=timeout_s
    )
    pieces: list[str] = []
    async with aclosing(backend.stream(summary_prompt(messages, previous), params)) as stream:
        async for piece in stream:
            pieces.append(piece)
    text = " ".join("".join(pieces).split())
    if not text:
        return previous
    if len(text) > MAX_SUMMARY_CHARS:
        cut = text[:MAX_SUMMARY_CHARS]
        text = cut[: cut.rfind(". ") + 1] or cut
    return text


def split_for_summary(
    messages: Sequence[ChatMessage],
    budget_tokens: int,
    count_tokens: Callable[[Sequence[ChatMessage]], int],
    *,
    keep_last: int = 4,
) -> tuple[list[ChatMessage], list[ChatMessage]]:
    """(turns to fold into the summary, turns to keep verbatim).

    System messages always stay. The newest ``keep_last`` turns always stay;
    older ones are folded, oldest first, until what remains fits the budget.
    A user turn and the reply after it are folded together, so the kept
    history never starts with an orphaned reply.
    """
    system = [m for m in messages if m.role == "system"]
    turns = [m for m in messages if m.role != "system"]
    fold_upto = 0
    limit = max(0, len(turns) - keep_last)
    while fold_upto < limit and count_tokens(system + turns[fold_upto:]) > budget_tokens:
        fold_upto += 1
        while fold_upto < limit and turns[fold_upto].role == "assistant":
            fold_upto += 1
    return turns[:fold_upto], system + turns[fold_upto:]
