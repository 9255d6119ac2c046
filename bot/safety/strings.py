"""The safety layer's user-facing sentences, looked up in the one translation table.

The texts themselves (keys ``safety.*``: crisis reply, helper reply, resources
header, fallback) live in ``bot/i18n.py`` with every other string Haven sends.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import language_for_locale, t


def text(key: str, language: str | None, **fmt: Any) -> str:
    """The sentence for ``key`` in ``language`` ("es-MX" reads as "es"; English when missing)."""
    return t(key, language_for_locale(language), **fmt)
