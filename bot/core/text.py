"""Cleaning what users type before anything else sees it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# C0/C1 controls except tab and newline; DEL; zero-width and bidi overrides
# that can hide text from a reader (or from the safety layer).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


@dataclass(frozen=True, slots=True)
class CleanText:
    text: str
    truncated: bool = False


def clean_text(raw: str, max_chars: int) -> CleanText:
    """Normalise (NFC), turn CR into LF, strip control characters, trim, and cut
    to ``max_chars`` (reported, so the user can be told)."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).strip()
    if len(text) > max_chars:
        return CleanText(text[:max_chars].rstrip(), True)
    return CleanText(text, False)
