"""The safety layer's user-facing sentences, looked up in the one translation table.

The texts themselves (keys ``safety.*``: crisis reply, helper reply, resources
header, fallback) live in ``bot/i18n.py`` with every other string Haven sends.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import LANGUAGES, t

SAFETY_KEYS = (
    "safety.crisis_reply",
    "safety.helper_reply",
    "safety.resources_header",
    "safety.emergency_line",
    "safety.resource_call",
    "safety.resource_text",
    "safety.fallback",
)


def language_of(tag: str | None) -> str:
    """ "es-MX" -> "es"; anything unsupported -> "en"."""
    base = (tag or "en").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else "en"


def text(key: str, language: str | None, **fmt: Any) -> str:
    """The sentence for ``key`` in ``language`` (English when missing), formatted."""
    return t(key, language_of(language), **fmt)
