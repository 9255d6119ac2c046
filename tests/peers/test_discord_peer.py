"""The Discord peer against the real discord.py: login, gateway, REST, slash commands, resume."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import yarl
from discord import app_commands

from tests.peers.discord_peer import DiscordPeer


class _Recorder(discord.Client):
    def __init__(self, *, content_intent: bool = True) -> None:
        intents = discord.Intents.default()
        intents.message_content = content_intent
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.seen: list[discord.Message] = []
        self.resumed = asyncio.Event()
        self.ready = asyncio.Event()

        @self.tree.command(name="ping", description="Check the bot answers")
        async def ping(interaction: discord.Interaction, word: str) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.edit_original_response(content=f"pong {word} ({interaction.locale})")
            await interaction.followup.send("second part", ephemeral=True)

    async def on_ready(self) -> None:
        self.ready.set()

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(message)


@pytest.fixture
async def peer(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordPeer]:
    server = DiscordPeer()
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )
    yield server
    await server.stop()


async def _run(client: _Recorder, peer: DiscordPeer) -> asyncio.Task[Any]:
    task = asyncio.create_task(client.start(peer.token))
    await asyncio.wait_for(client.ready.wait(), 10)
    return task


async def _close(client: _Recorder, task: asyncio.Task[Any]) -> None:
    await client.close()
    await asyncio.wait_for(task, 10)


async def test_login_ready_and_dm_round_trip(peer: DiscordPeer) -> None:
    client = _Recorder()
    task = await _run(client, peer)
    try:
        assert client.user is not None and str(client.user.id) == peer.application_id
        assert client.get_guild(int(peer.guild_id)) is not None
        assert peer.identifies[0]["intents"] & (1 << 15)
        await peer.dm("501", "hello <@&1> **bold**")
        await peer.wait_for(lambda: len(client.seen) == 1)
        message = client.seen[0]
        assert isinstance(message.channel, discord.DMChannel)
        assert message.content == "hello <@&1> **bold**"
        async with message.channel.typing():
            pass
        reply = await message.channel.send("hi", allowed_mentions=discord.AllowedMentions.none())
        edited = await reply.edit(content="hi there")
        assert edited.content == "hi there"
        [sent] = peer.sent_to_user("501")
        assert sent.versions == ["hi", "hi there"]
        assert sent.allowed_mentions == {"parse": []}
        assert peer.typing == [message.channel.id.__str__()]
    finally:
        await _close(client, task)


async def test_guild_content_blank_without_intent_unless_mentioned(peer: DiscordPeer) -> None:
    client = _Recorder(content_intent=False)
    task = await _run(client, peer)
    try:
        await peer.guild_message("502", "just chatting")
        await peer.guild_message("502", "are you there?", mention=True)
        await peer.wait_for(lambda: len(client.seen) == 2)
        plain, mentioned = client.seen
        assert plain.content == ""
        assert client.user in mentioned.mentions
        assert isinstance(mentioned.channel, discord.TextChannel)
    finally:
        await _close(client, task)


async def test_slash_commands_register_and_respond(peer: DiscordPeer) -> None:
    client = _Recorder()
    task = await _run(client, peer)
    try:
        await client.tree.sync()
        assert peer.command_names() == ["ping"]
        record = await peer.slash("ping", "503", options={"word": "hey"}, locale="de")
        await peer.wait_for(lambda: len(record.followups) == 1)
        assert record.callbacks[0]["type"] == 5
        assert record.original is not None and record.original.content == "pong hey (de)"
        assert record.original.ephemeral and record.followups[0].ephemeral
    finally:
        await _close(client, task)


async def test_button_click_reaches_on_interaction(peer: DiscordPeer) -> None:
    client = _Recorder()
    clicks: list[str] = []

    async def on_interaction(interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            clicks.append(str((interaction.data or {}).get("custom_id")))
            await interaction.response.defer()

    client.event(on_interaction)
    task = await _run(client, peer)
    try:
        channel = await client.fetch_channel(int(peer.channel_id))
        view = discord.ui.View(timeout=None)
        view.add_item(discord.ui.Button(label="Yes", custom_id="haven:forget:yes"))
        await channel.send("Sure?", view=view)  # type: ignore[union-attr]
        [sent] = peer.sent(peer.channel_id)
        assert sent.custom_ids() == ["haven:forget:yes"]
        record = await peer.click("504", sent, "haven:forget:yes")
        await peer.wait_for(lambda: bool(record.callbacks))
        assert clicks == ["haven:forget:yes"]
        assert record.callbacks[0]["type"] == 6
    finally:
        await _close(client, task)


async def test_dropped_connection_resumes_and_replays(peer: DiscordPeer) -> None:
    client = _Recorder()
    task = await _run(client, peer)
    try:
        await peer.drop()
        await peer.dm("505", "sent while the socket was down")
        await asyncio.wait_for(client.resumed.wait(), 15)
        await peer.wait_for(lambda: len(client.seen) == 1)
        assert client.seen[0].content == "sent while the socket was down"
        assert len(peer.identifies) == 1 and len(peer.resumes) == 1
        assert peer.connections == 2
    finally:
        await _close(client, task)


async def test_rate_limit_is_retried_by_discord_py(peer: DiscordPeer) -> None:
    client = _Recorder()
    task = await _run(client, peer)
    try:
        peer.rate_limit_next("POST", f"/channels/{peer.channel_id}/messages", retry_after=0.2)
        channel = await client.fetch_channel(int(peer.channel_id))
        await channel.send("after a 429")  # type: ignore[union-attr]
        assert [m.content for m in peer.sent(peer.channel_id)] == ["after a 429"]
        assert len(peer.calls_to("POST", "/messages")) == 2
    finally:
        await _close(client, task)
