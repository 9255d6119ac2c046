from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Platform
from bot.moderation.parsing import (
    ParseError,
    parse_count,
    parse_duration,
    parse_flag_id,
    parse_user,
)


@pytest.mark.parametrize(
    ("text", "platform", "user_id", "flag"),
    [
        ("telegram:42", Platform.TELEGRAM, "42", None),
        ("Discord:1234", Platform.DISCORD, "1234", None),
        ("<@1234>", Platform.DISCORD, "1234", None),
        ("<@!1234>", Platform.DISCORD, "1234", None),
        ("77", Platform.TELEGRAM, "77", None),  # the moderator's own platform
        ("#7", None, None, 7),
        ("flag:12", None, None, 12),
        ("terminal:alice", Platform.TERMINAL, "alice", None),
    ],
)
def test_user_references(
    text: str, platform: Platform | None, user_id: str | None, flag: int | None
) -> None:
    ref = parse_user(text, Platform.TELEGRAM)
    assert (ref.platform, ref.user_id, ref.flag_id) == (platform, user_id, flag)


@pytest.mark.parametrize("text", ["", "matrix:1", "telegram:", "alice", "@bob"])
def test_bad_user_references(text: str) -> None:
    with pytest.raises(ParseError):
        parse_user(text, Platform.TELEGRAM)


def test_terminal_needs_a_platform() -> None:
    with pytest.raises(ParseError):
        parse_user("42", Platform.TERMINAL)
    assert parse_user("telegram:42", Platform.TERMINAL).user_id == "42"


def test_durations() -> None:
    assert parse_duration("30m") == timedelta(minutes=30)
    assert parse_duration("12H") == timedelta(hours=12)
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("2w") == timedelta(weeks=2)
    assert parse_duration("perm") is None
    for bad in ("0d", "7", "7y", "-1d", "999999w"):
        with pytest.raises(ParseError):
            parse_duration(bad)


def test_flag_ids_and_counts() -> None:
    assert parse_flag_id("#12") == 12
    with pytest.raises(ParseError):
        parse_flag_id("twelve")
    assert parse_count(None, 20, 100) == 20
    assert parse_count("500", 20, 100) == 100
    with pytest.raises(ParseError):
        parse_count("-3", 20, 100)
