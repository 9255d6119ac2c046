"""Who is a moderator and where moderator commands may run, without any platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.messages import ChatKind, Platform
from bot.moderation.authz import Denial, ModeratorPolicy
from tests.moderation.helpers import MOD_DC, MOD_ROLE, MOD_TG, make_config, msg


@pytest.fixture
def policy(tmp_path: Path) -> ModeratorPolicy:
    return ModeratorPolicy.from_config(make_config(tmp_path).moderation)


def test_telegram_moderator_by_id(policy: ModeratorPolicy) -> None:
    assert policy.check(msg(user=MOD_TG)).allowed
    assert policy.check(msg(user="999")).denial is Denial.NOT_MODERATOR


def test_ids_are_per_platform(policy: ModeratorPolicy) -> None:
    # A Discord moderator's id means nothing on Telegram and vice versa.
    assert not policy.is_moderator(msg(user=MOD_DC, platform=Platform.TELEGRAM))
    assert not policy.is_moderator(msg(user=MOD_TG, platform=Platform.DISCORD))
    assert policy.is_moderator(msg(user=MOD_DC, platform=Platform.DISCORD))


def test_discord_role_grants_moderation(policy: ModeratorPolicy) -> None:
    member = msg(user="777", platform=Platform.DISCORD, roles=("1", MOD_ROLE))
    assert policy.check(member).allowed
    assert not policy.is_moderator(msg(user="777", platform=Platform.DISCORD, roles=("1",)))
    # Roles mean nothing on Telegram.
    assert not policy.is_moderator(msg(user="777", platform=Platform.TELEGRAM, roles=(MOD_ROLE,)))


def test_group_chat_needs_the_moderator_channel(policy: ModeratorPolicy) -> None:
    in_public = msg(user=MOD_TG, chat="-1", kind=ChatKind.GROUP)
    assert policy.check(in_public).denial is Denial.WRONG_PLACE
    in_mod_chat = msg(user=MOD_TG, chat="-5005", kind=ChatKind.GROUP, mod_chat=True)
    assert policy.check(in_mod_chat).allowed


def test_moderator_chat_does_not_make_anyone_a_moderator(policy: ModeratorPolicy) -> None:
    stranger = msg(user="42", chat="-5005", kind=ChatKind.GROUP, mod_chat=True)
    assert policy.check(stranger).denial is Denial.NOT_MODERATOR


def test_terminal_operator(policy: ModeratorPolicy, tmp_path: Path) -> None:
    assert policy.check(msg(user="alice", platform=Platform.TERMINAL)).allowed
    locked = ModeratorPolicy.from_config(
        make_config(tmp_path).moderation, terminal_is_operator=False
    )
    assert not locked.check(msg(user="alice", platform=Platform.TERMINAL)).allowed


def test_empty_config_has_no_moderators(tmp_path: Path) -> None:
    from bot.config import HavenConfig

    policy = ModeratorPolicy.from_config(HavenConfig().moderation)
    assert not policy.is_moderator(msg(user=MOD_TG))
    assert not policy.is_moderator(msg(user=MOD_DC, platform=Platform.DISCORD, roles=(MOD_ROLE,)))
