"""Parsing what moderators type: user references, durations, ids.

Pure functions, so every accepted spelling is tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from bot.messages import Platform

_DURATION = re.compile(r"^(\d{1,6})([mhdw])$", re.IGNORECASE)
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_PERMANENT = {"perm", "permanent", "forever"}
_MENTION = re.compile(r"^<@!?(\d+)>$")  # a Discord mention
_FLAG_REF = re.compile(r"^(?:flag:|#)(\d+)$", re.IGNORECASE)
MAX_BAN = timedelta(days=3650)


class ParseError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class UserRef:
    """Either a platform identity or "the user behind flag N"."""

    platform: Platform | None = None
    user_id: str | None = None
    flag_id: int | None = None

    def label(self) -> str:
        if self.flag_id is not None:
            return f"flag:{self.flag_id}"
        return f"{self.platform}:{self.user_id}"


def parse_user(text: str, default_platform: Platform) -> UserRef:
    """``telegram:42``, ``discord:1234``, ``<@1234>``, ``@name``-less ids, ``#7`` / ``flag:7``.

    A bare id means the moderator's own platform; the terminal operator must
    name the platform (terminal ids are local names, not platform ids).
    """
    token = text.strip()
    if not token:
        raise ParseError("user")
    flag = _FLAG_REF.match(token)
    if flag:
        return UserRef(flag_id=int(flag.group(1)))
    mention = _MENTION.match(token)
    if mention:
        return UserRef(Platform.DISCORD, mention.group(1))
    if ":" in token:
        head, _, rest = token.partition(":")
        try:
            platform = Platform(head.lower())
        except ValueError as exc:
            raise ParseError("user") from exc
        if not rest or len(rest) > 64:
            raise ParseError("user")
        return UserRef(platform, rest)
    if default_platform is Platform.TERMINAL or not token.lstrip("-").isdigit():
        raise ParseError("user")
    return UserRef(default_platform, token)


def parse_duration(text: str) -> timedelta | None:
    """``30m``, ``12h``, ``7d``, ``2w``; ``perm`` means no end (None)."""
    token = text.strip().lower()
    if token in _PERMANENT:
        return None
    match = _DURATION.match(token)
    if not match:
        raise ParseError("duration")
    delta = timedelta(**{_UNIT[match.group(2).lower()]: int(match.group(1))})
    if delta <= timedelta(0) or delta > MAX_BAN:
        raise ParseError("duration")
    return delta


def looks_like_duration(text: str) -> bool:
    """Meant as a duration: ``perm`` or anything starting with a digit. A mistyped one
    ("3dd", "7") must fail with a usage line, not turn into the reason of a ban with no end."""
    token = text.strip().lower()
    return token in _PERMANENT or token[:1].isdigit()


def parse_flag_id(text: str) -> int:
    token = text.strip().lstrip("#")
    if not token.isdigit() or len(token) > 12:
        raise ParseError("flag")
    return int(token)


def parse_count(text: str | None, default: int, maximum: int) -> int:
    if text is None:
        return default
    if not text.isdigit():
        raise ParseError("count")
    return max(1, min(int(text), maximum))
