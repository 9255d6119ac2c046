"""Building the prompt: system prompt, summary, and as much history as fits.

The system prompt comes only from config (user text can never alter it).
The budget is ``n_ctx - max_new_tokens - margin`` counted with the backend's
own tokenizer, so the reply always has room to be generated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from model.base import ChatMessage

TokenCounter = Callable[[Sequence[ChatMessage]], int]

PROMPT_MARGIN_TOKENS = 32


@dataclass(frozen=True, slots=True)
class HistoryTurn:
    id: int
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True, slots=True)
class BuiltPrompt:
    messages: list[ChatMessage]
    kept: int  # history turns included
    dropped: int  # history turns that did not fit (candidates for the summary)
    tokens: int
    summary_used: bool = True  # False: even without history the summary did not fit


def prompt_budget(n_ctx: int, max_new_tokens: int, margin: int = PROMPT_MARGIN_TOKENS) -> int:
    return max(n_ctx - max_new_tokens - margin, 0)


def system_text(system_prompt: str, summary: str | None) -> str:
    if not summary:
        return system_prompt
    return f"{system_prompt}\n\nSummary of the earlier conversation with this person:\n{summary}"


def _merge_roles(turns: Sequence[HistoryTurn]) -> list[ChatMessage]:
    """Consecutive turns of one role become one message (several queued user
    messages, say): many chat templates require roles to alternate."""
    merged: list[ChatMessage] = []
    for turn in turns:
        role = "assistant" if turn.role == "assistant" else "user"
        if merged and merged[-1].role == role:
            merged[-1] = ChatMessage(role, f"{merged[-1].content}\n{turn.content}")
        else:
            merged.append(ChatMessage(role, turn.content))
    return merged


def _assemble(system: str, turns: Sequence[HistoryTurn], current: str) -> list[ChatMessage]:
    body = _merge_roles([*turns, HistoryTurn(-1, "user", current)])
    return [ChatMessage("system", system), *body]


def build_prompt(
    *,
    system_prompt: str,
    summary: str | None,
    history: Sequence[HistoryTurn],
    current: str,
    budget: int,
    count: TokenCounter,
) -> BuiltPrompt:
    """Keep the longest suffix of ``history`` that fits ``budget`` tokens.

    A binary search over the suffix length needs O(log n) token counts; the
    kept history never starts with an assistant turn. Synchronous on purpose:
    the caller runs the whole search in one worker-thread hop, since a real
    tokenizer blocks.
    """
    system = system_text(system_prompt, summary)
    turns = list(history)
    best_tokens = count(_assemble(system, [], current))
    summary_used = bool(summary)
    if best_tokens > budget and summary:
        # The current message matters more than notes about earlier ones.
        system, summary_used = system_prompt, False
        best_tokens = count(_assemble(system, [], current))

    def suffix(n: int) -> list[HistoryTurn]:
        chosen = turns[len(turns) - n :] if n else []
        while chosen and chosen[0].role == "assistant":
            chosen = chosen[1:]
        return chosen

    low, high = 0, len(turns)
    if best_tokens <= budget and high:
        full = count(_assemble(system, suffix(high), current))
        if full <= budget:
            low, best_tokens = high, full
        else:
            high -= 1
            while low < high:
                mid = (low + high + 1) // 2
                tokens = count(_assemble(system, suffix(mid), current))
                if tokens <= budget:
                    low, best_tokens = mid, tokens
                else:
                    high = mid - 1
    kept = suffix(low)
    return BuiltPrompt(
        messages=_assemble(system, kept, current),
        kept=len(kept),
        dropped=len(turns) - len(kept),
        tokens=best_tokens,
        summary_used=summary_used,
    )
