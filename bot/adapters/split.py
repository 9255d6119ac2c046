"""Cut a long reply into messages a platform accepts, at the most natural place.

Discord takes 2,000 characters a message and Telegram 4,096. A cut in the
middle of a sentence reads badly, so each piece ends at the last paragraph
break that fits, else a line break, else a sentence end, else a space, and
only as a last resort mid-word. ``render`` is what the platform will really
send (Discord escapes markdown, which makes text longer), so the limit is
checked on the rendered text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Boundaries in order of preference; each pattern matches the separator, and
# the cut goes just after it.
_BOUNDARIES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\n[ \t]*\n\s*"),  # paragraph
    re.compile(r"\n\s*"),  # line
    re.compile(r"[.!?…。！？][\"'”’)\]]*\s+"),  # sentence
    re.compile(r"[;:,]\s+"),  # clause
    re.compile(r"\s+"),  # word
)
# A boundary in the first fifth of the window makes a silly short message;
# the next, weaker boundary kind is tried instead.
_MIN_FILL = 0.2


def _identity(text: str) -> str:
    return text


def split_text(text: str, limit: int, render: Callable[[str], str] = _identity) -> list[str]:
    """Pieces of ``text`` whose rendered length is at most ``limit``; no piece is blank.

    Joining the pieces gives back ``text`` except for whitespace at the cuts.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        if len(render(rest)) <= limit:
            pieces.append(rest)
            break
        window = _fitting_prefix(rest, limit, render)
        cut, resume = _best_cut(rest, window)
        piece = rest[:cut].rstrip()
        if not piece:  # only whitespace fitted: cut hard
            piece, resume = rest[:window], window
        pieces.append(piece)
        rest = rest[resume:].lstrip()
    return pieces


def _fitting_prefix(text: str, limit: int, render: Callable[[str], str]) -> int:
    """The longest prefix length whose rendering fits (rendering never shrinks text)."""
    end = min(len(text), limit)
    while end > 1 and len(render(text[:end])) > limit:
        overflow = len(render(text[:end])) - limit
        end -= max(1, overflow // 2)
    return max(1, end)


def _best_cut(text: str, window: int) -> tuple[int, int]:
    """(end of this piece, start of the next) for a piece within ``text[:window]``."""
    head = text[: window + 1]  # a separator may start right at the limit
    for pattern in _BOUNDARIES:
        best: tuple[int, int] | None = None
        for match in pattern.finditer(head):
            # Punctuation stays with the piece; the whitespace goes.
            piece_end = match.start() + len(match.group().rstrip())
            if piece_end == 0 or piece_end > window:
                continue
            best = (piece_end, match.end())
        if best is not None and best[0] >= window * _MIN_FILL:
            return best
    return window, window
