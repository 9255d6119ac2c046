"""Moderator and care paths on Discord, end to end: the real discord.py adapter
against the loopback REST + gateway peer, with the moderation and care plug-ins.

Moderators come from the config by user id and by role id; the moderator
channel is ``moderation.discord_channel_id``. What is permitted is the
core's decision; these tests check that Discord delivers the right facts
(roles, channel, DM) and shows the answers in the right place.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapters.discord import adapter as discord_adapter
from bot.adapters.discord.render import escape
from bot.app import HavenApp
from bot.i18n import t
from bot.memory import moderation as modstore
from bot.moderation.plugin import ModerationPlugin
from bot.scheduler.mood_chart import PNG_SIGNATURE
from bot.scheduler.plugin import CarePlugin
from tests.adapters.support import FastBackend, haven_config, start_app
from tests.peers.discord_peer import DiscordPeer, InteractionRecord, SentMessage
from tests.peers.running import running_discord_peer

TOKEN_ENV = "HAVEN_TEST_MOD_DISCORD_TOKEN"
MOD = "3200000000000000001"  # a moderator by user id
ROLE_MOD = "3200000000000000002"  # a moderator by role only
USER = "3200000000000000003"  # someone who talks to Haven
CRISIS = "I want to kill myself tonight"

NOT_PERMITTED = escape(t("mod.not_permitted", "en"))


@pytest.fixture
async def peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordPeer]:
    monkeypatch.setattr(discord_adapter, "GUILD_READY_TIMEOUT_S", 0.05)
    async with running_discord_peer(monkeypatch, TOKEN_ENV) as server:
        yield server


@pytest.fixture
def backend() -> FastBackend:
    return FastBackend()


@pytest.fixture
async def app(tmp_path: Path, peer: DiscordPeer, backend: FastBackend) -> AsyncIterator[HavenApp]:
    config = haven_config(
        tmp_path,
        discord={
            "enabled": True,
            "token_env": TOKEN_ENV,
            "api_base": peer.api_base,
            "gateway_url": peer.gateway_url,
            "edit_interval_s": 0.05,
        },
        privacy={"require_consent": False},
        moderation={
            "discord_ids": [int(MOD)],
            "discord_role_ids": [int(peer.moderator_role_id)],
            "discord_channel_id": int(peer.mod_channel_id),
        },
    )
    running = await start_app(
        config, backend, plugins=[ModerationPlugin(poll_s=0.05), CarePlugin()]
    )
    yield running
    await running.stop()


async def answered(peer: DiscordPeer, record: InteractionRecord) -> SentMessage:
    """The first visible answer to a slash command or a button press."""

    def ready() -> bool:
        return any(m.content or m.files for m in record.messages() if m.id != record.message_id)

    await peer.wait_for(ready)
    return next(
        m for m in record.messages() if m.id != record.message_id and (m.content or m.files)
    )


async def mod_slash(
    peer: DiscordPeer,
    who: str,
    sub: str,
    *,
    channel_id: str | None = None,
    roles: tuple[str, ...] = (),
    **options: object,
) -> SentMessage:
    record = await peer.slash(
        "mod", who, subcommand=sub, options=dict(options), channel_id=channel_id, roles=roles
    )
    return await answered(peer, record)


async def test_mod_is_a_slash_group_with_every_subcommand(app: HavenApp, peer: DiscordPeer) -> None:
    [mod] = [c for c in peer.commands["global"] if c["name"] == "mod"]
    subs = {o["name"]: o for o in mod["options"]}
    assert {
        "stats",
        "flags",
        "flag",
        "ack",
        "resolve",
        "escalate",
        "ban",
        "unban",
        "pause",
        "resume",
        "reload",
        "audit",
    } <= set(subs)
    assert [o["type"] for o in subs["flag"]["options"]] == [4]  # a flag id is a number
    duration = next(o for o in subs["ban"]["options"] if o["name"] == "duration")
    assert {"30m", "7d", "perm"} <= {c["value"] for c in duration["choices"]}  # no free text
    assert subs["audit"]["options"][0]["max_value"] == 100


async def test_slash_mod_by_user_id_in_dm_and_by_role_in_the_moderator_channel(
    app: HavenApp, peer: DiscordPeer
) -> None:
    reply = await mod_slash(peer, MOD, "flags")
    assert reply.content == escape(t("mod.flags.none", "en"))

    role = (peer.moderator_role_id,)
    reply = await mod_slash(peer, ROLE_MOD, "stats", channel_id=peer.mod_channel_id, roles=role)
    assert reply.content.startswith("Users:") and reply.ephemeral

    # A moderator role, but in an ordinary channel: flag details must not land there.
    reply = await mod_slash(peer, ROLE_MOD, "stats", channel_id=peer.channel_id, roles=role)
    assert reply.content == NOT_PERMITTED
    # The moderator channel, but no moderator.
    reply = await mod_slash(peer, USER, "flags", channel_id=peer.mod_channel_id)
    assert reply.content == NOT_PERMITTED
    # A DM from someone who is not a moderator.
    reply = await mod_slash(peer, USER, "stats")
    assert reply.content == NOT_PERMITTED

    reply = await mod_slash(peer, MOD, "audit", count=10)
    refused = t("mod.audit.refused", "en")
    lines = reply.content.splitlines()[1:]
    assert len(lines) == 5
    assert sum(f"[{refused}]" in line for line in lines) == 3
    assert f"discord:{ROLE_MOD} mod.stats" in reply.content


async def test_typed_mod_commands_in_dm_and_moderator_channel(
    app: HavenApp, peer: DiscordPeer, backend: FastBackend
) -> None:
    await peer.dm(MOD, "/mod stats")
    await peer.wait_for(lambda: bool(peer.sent_to_user(MOD)))
    assert peer.sent_to_user(MOD)[0].content.startswith("Users:")

    channel = peer.mod_channel_id
    role = (peer.moderator_role_id,)
    await peer.guild_message(
        ROLE_MOD, "shall we swap shifts tomorrow?", channel_id=channel, roles=role
    )
    await peer.guild_message(
        ROLE_MOD, "/mod flags", channel_id=channel, roles=role
    )  # no mention needed
    await peer.wait_for(lambda: len(peer.sent(channel)) == 1)
    assert peer.sent(channel)[0].content == escape(t("mod.flags.none", "en"))
    assert backend.seen == []  # the moderators' own talk is theirs

    await peer.guild_message(USER, "/mod stats", channel_id=channel)
    await peer.wait_for(lambda: len(peer.sent(channel)) == 2)
    assert peer.sent(channel)[1].content == NOT_PERMITTED

    await peer.guild_message(MOD, "/mod stats", mention=True)  # a moderator, in #general
    await peer.wait_for(lambda: bool(peer.sent(peer.channel_id)))
    assert peer.sent(peer.channel_id)[0].content == NOT_PERMITTED


async def test_crisis_alert_in_the_moderator_channel_and_only_a_moderator_acknowledges(
    app: HavenApp, peer: DiscordPeer
) -> None:
    await peer.dm(USER, CRISIS)
    await peer.wait_for(lambda: any("findahelpline" in m.content for m in peer.sent_to_user(USER)))
    channel = peer.mod_channel_id
    await peer.wait_for(lambda: bool(peer.sent(channel)))
    [alert] = peer.sent(channel)
    assert (
        "Crisis alert" in alert.content
        and "kill" not in alert.content
        and USER not in alert.content
    )
    assert alert.allowed_mentions == {"parse": []}
    [action] = alert.custom_ids()
    assert action.startswith("haven:flag:ack:")
    flag_id = int(action.rsplit(":", 1)[1])

    press = await peer.click(USER, alert, action)  # not a moderator
    refusal = await answered(peer, press)
    assert refusal.content == NOT_PERMITTED and refusal.ephemeral  # only the presser sees it
    assert peer.sent(channel)[0].custom_ids() == [action]  # the button stays for a moderator
    flag = await modstore.get_flag(app.db, flag_id)
    assert flag is not None and flag.acknowledged_at is None

    press = await peer.click(ROLE_MOD, alert, action, roles=(peer.moderator_role_id,))
    done = await answered(peer, press)
    assert done.content == escape(t("mod.ack.done", "en", id=flag_id)) and not done.ephemeral
    await peer.wait_for(lambda: peer.sent(channel)[0].custom_ids() == [])  # acknowledged: gone
    flag = await modstore.get_flag(app.db, flag_id)
    assert flag is not None and flag.acknowledged_by == f"discord:{ROLE_MOD}"
    with pytest.raises(AssertionError):
        await peer.click(MOD, alert, action)  # nothing left to press


async def test_resolve_ban_pause_through_slash_subcommands(
    app: HavenApp, peer: DiscordPeer, backend: FastBackend
) -> None:
    await peer.dm(USER, CRISIS)
    await peer.wait_for(lambda: bool(peer.sent(peer.mod_channel_id)))
    flag_id = int(peer.sent(peer.mod_channel_id)[0].custom_ids()[0].rsplit(":", 1)[1])

    reply = await mod_slash(peer, MOD, "flag", id=flag_id)
    assert f"discord:{USER}" in reply.content  # who it is: only in a DM or the moderator channel
    reply = await mod_slash(peer, MOD, "resolve", id=flag_id, note="called them, they are safe")
    assert reply.content == escape(t("mod.resolve.done", "en", id=flag_id))
    flag = await modstore.get_flag(app.db, flag_id)
    assert (
        flag is not None and flag.status == "resolved" and flag.note == "called them, they are safe"
    )

    reply = await mod_slash(peer, MOD, "ban", user=f"<@{USER}>", duration="7d", reason="spam")
    assert reply.content.startswith(escape(f"discord:{USER} is banned until"))
    before = len(peer.sent_to_user(USER))
    await peer.dm(USER, "hello again")
    await peer.wait_for(lambda: len(peer.sent_to_user(USER)) > before)
    assert "hello again" not in backend.seen  # a banned user never reaches the model

    reply = await mod_slash(peer, MOD, "unban", user=f"discord:{USER}")
    assert reply.content == escape(t("mod.unban.done", "en", user=f"discord:{USER}"))
    reply = await mod_slash(peer, MOD, "pause")
    assert reply.content == escape(t("mod.pause.done", "en"))
    reply = await mod_slash(peer, MOD, "resume")
    assert reply.content == escape(t("mod.resume.done", "en"))
    reply = await mod_slash(peer, MOD, "flag", id=flag_id + 100)  # no such flag: a calm answer
    assert reply.content == escape(t("mod.flag.missing", "en", id=flag_id + 100))


async def test_checkin_buttons_and_mood_chart_on_discord(app: HavenApp, peer: DiscordPeer) -> None:
    record = await peer.slash("checkin", USER, options={"details": "20:30 Europe/Berlin"})
    confirm = await answered(peer, record)
    assert confirm.content == escape(t("checkin.set", "en", time="20:30", zone="Europe/Berlin"))
    care = next(p for p in app.plugins if isinstance(p, CarePlugin)).care
    assert care is not None
    user = await app.core.store.get_user("discord", USER)
    assert user is not None
    assert await care.checkin_job(user.id)  # what the scheduler runs at 20:30
    dm = peer.dm_channel_for(USER)

    def posted() -> list[SentMessage]:  # by the bot itself, not as an interaction answer
        return [m for m in peer.sent(dm) if m.interaction_id is None]

    await peer.wait_for(lambda: bool(posted()))
    [checkin] = posted()
    assert checkin.custom_ids() == [f"haven:mood:{i}" for i in range(1, 6)]

    press = await peer.click(USER, checkin, "haven:mood:4")
    thanks = await answered(peer, press)
    assert "4/5" in thanks.content
    assert posted()[0].custom_ids() == []  # a DM button counts once
    moods = await modstore.moods_since(app.db, user.id, datetime.now(UTC) - timedelta(days=1))
    assert [score for _, score in moods] == [4]

    record = await peer.slash("mood", USER)
    chart = await answered(peer, record)
    [(name, data)] = chart.files
    assert name.endswith(".png") and data.startswith(PNG_SIGNATURE)
    assert "1 check-ins" in chart.content

    await peer.dm(USER, "/mood")  # typed in the DM: the chart arrives as a file there too
    await peer.wait_for(lambda: any(m.files for m in posted()))
    [typed] = [m for m in posted() if m.files]
    assert typed.files[0][1].startswith(PNG_SIGNATURE)


async def test_dm_only_care_commands_are_refused_in_a_server(
    app: HavenApp, peer: DiscordPeer
) -> None:
    await peer.guild_message(USER, "/checkin 20:30 UTC", mention=True)
    await peer.wait_for(lambda: bool(peer.sent(peer.channel_id)))
    assert peer.sent(peer.channel_id)[0].content == escape(
        t("command.dm_only", "en", command="checkin")
    )


async def test_a_moderator_by_role_is_one_in_a_dm_too(app: HavenApp, peer: DiscordPeer) -> None:
    # A DM carries no roles: the adapter asks the moderators' server for them.
    peer.member_roles[ROLE_MOD] = (peer.moderator_role_id,)
    peer.member_roles[USER] = ()  # in the server, without the role
    reply = await mod_slash(peer, ROLE_MOD, "flags")
    assert reply.content == escape(t("mod.flags.none", "en"))
    await peer.dm(ROLE_MOD, "/mod stats")
    await peer.wait_for(lambda: any(m.interaction_id is None for m in peer.sent_to_user(ROLE_MOD)))
    typed = next(m for m in peer.sent_to_user(ROLE_MOD) if m.interaction_id is None)
    assert typed.content.startswith("Users:")
    reply = await mod_slash(peer, USER, "flags")
    assert reply.content == NOT_PERMITTED
    assert len(peer.calls_to("GET", f"/members/{ROLE_MOD}")) == 1  # remembered, not asked twice
