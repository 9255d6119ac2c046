"""The Discord adapter: discord.py for the gateway and REST, Haven's core for everything else.

Messages (DMs, mentions, replies, listed channels), slash commands and
button presses become ``Incoming``; the core's replies are streamed back by
editing one message and continue in new ones past 2,000 characters. Work per
channel runs in order; channels run concurrently.

``discord.api_base`` and ``discord.gateway_url`` are applied to discord.py's
class-level settings (``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY``),
so one process talks to one Discord (or one proxy).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import discord
import yarl
from discord import app_commands

from bot.adapters.converse import converse
from bot.adapters.discord.commands import HelpTranslator, build_commands
from bot.adapters.discord.mod_commands import build_mod_group
from bot.adapters.discord.render import ChannelSink, InteractionSink, ReplyWriter
from bot.adapters.discord.roles import ModeratorGuildRoles
from bot.adapters.discord.translate import (
    ACTION_PREFIX,
    interaction_to_incoming,
    message_to_incoming,
)
from bot.adapters.ordering import ChatQueues
from bot.adapters.presses import REFUSAL_KINDS, press_took_effect
from bot.adapters.streaming import PaceBook
from bot.adapters.tokens import bot_token
from bot.config import HavenConfig, ModerationSection
from bot.memory.db import Database
from bot.messages import ChatKind, Incoming, Outbound, Platform, Reply
from bot.ports import Handler

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 60.0
GUILD_READY_TIMEOUT_S = 2.0  # on_ready waits this long after the last server arrives
MOD_COMMAND = "mod"  # the moderation plug-in's command: a slash-command group here


class CommandCatalog(Protocol):
    def names(self) -> list[Any]: ...


def apply_endpoints(api_base: str, gateway_url: str) -> None:
    """Point discord.py at ``api_base`` / ``gateway_url`` (a proxy, or a test peer)."""
    discord.http.Route.BASE = api_base.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class HavenClient(discord.Client):
    """discord.py's client with Haven's intents and hooks; the adapter does the work."""

    def __init__(self, adapter: DiscordAdapter) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # privileged: switch it on in the developer portal
        intents.members = False
        intents.presences = False
        super().__init__(
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=adapter.guild_ready_timeout,
            max_messages=100,
        )
        self.adapter = adapter
        self.tree = app_commands.CommandTree(self)
        self.ready_event = asyncio.Event()

    async def setup_hook(self) -> None:
        await self.adapter._register_commands(self.tree)

    async def on_ready(self) -> None:
        self.ready_event.set()
        log.info("Discord adapter connected as %s", self.user)

    async def on_resumed(self) -> None:
        log.info("Discord gateway session resumed")

    async def on_message(self, message: discord.Message) -> None:
        await self.adapter._on_message(message)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.adapter._on_interaction(interaction)


class DiscordAdapter:
    platform = Platform.DISCORD

    def __init__(
        self,
        config: HavenConfig,
        handler: Handler,
        db: Database,
        *,
        commands: CommandCatalog | None = None,
        token: str | None = None,
        guild_ready_timeout: float | None = None,
    ) -> None:
        self.config = config
        self.section = config.discord
        self.handler = handler
        self.db = db
        self.commands = commands if commands is not None else getattr(handler, "registry", None)
        self.token = bot_token(
            config, "discord", token, "copy it from the Discord developer portal"
        )
        self.guild_ready_timeout = (
            GUILD_READY_TIMEOUT_S if guild_ready_timeout is None else guild_ready_timeout
        )
        self.channel_ids = frozenset(self.section.channel_ids)
        self.queues = ChatQueues()
        self.paces = PaceBook(self.section.edit_interval_s)
        self.client: HavenClient | None = None
        self._connect_task: asyncio.Task[None] | None = None
        self._roles: ModeratorGuildRoles | None = None

    @property
    def _moderation(self) -> ModerationSection:
        """The core's current moderation settings: ``/mod reload`` swaps the core's config."""
        config = getattr(self.handler, "config", None)
        return config.moderation if isinstance(config, HavenConfig) else self.config.moderation

    # -- Adapter protocol --------------------------------------------------

    async def start(self) -> None:
        apply_endpoints(self.section.api_base, self.section.gateway_url)
        self.client = HavenClient(self)
        await self.client.login(self.token or "")  # fails fast on a bad token; syncs commands
        self._connect_task = asyncio.create_task(self._connect(), name="discord-gateway")
        ready = asyncio.ensure_future(self.client.ready_event.wait())
        done, _ = await asyncio.wait(
            {ready, self._connect_task},
            timeout=READY_TIMEOUT_S,
            return_when=asyncio.FIRST_COMPLETED,
        )
        ready.cancel()
        if self._connect_task in done:
            self._connect_task.result()  # the gateway refused us: raise why
        if not self.client.ready_event.is_set():
            log.warning("Discord gateway not ready after %.0fs; still trying", READY_TIMEOUT_S)

    async def _connect(self) -> None:
        assert self.client is not None
        await self.client.connect(reconnect=True)

    async def stop(self) -> None:
        """Stop taking events, let replies in flight finish (within the grace), then disconnect."""
        await self.queues.close(self.config.bot.shutdown_grace_s)
        if self.client is not None:
            await self.client.close()
        if self._connect_task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._connect_task, 10)
        log.info("Discord adapter stopped")

    async def send(self, message: Outbound) -> bool:
        """Messages Haven starts itself. ``meta["target"] == "user"``: ``chat_id`` is a user to DM."""
        if self.client is None:
            return False
        try:
            target_id = int(message.chat_id)
            if message.meta.get("target") == "user":
                channel: discord.abc.Messageable = await self.client.create_dm(
                    discord.Object(target_id)
                )
            else:
                channel = self.client.get_partial_messageable(target_id)
            writer = ReplyWriter(ChannelSink(channel), self.paces.get(message.chat_id))
            await writer.deliver(
                Reply(text=message.text, buttons=message.buttons, attachment=message.attachment)
            )
            return True
        except (ValueError, discord.HTTPException) as exc:
            log.warning("Discord send failed: %s", type(exc).__name__)
            return False

    # -- events ------------------------------------------------------------

    async def _register_commands(self, tree: app_commands.CommandTree[Any]) -> None:
        if self.commands is None:
            return
        await tree.set_translator(HelpTranslator())
        infos = self.commands.names()
        for command in build_commands([i for i in infos if i.name != MOD_COMMAND], self._on_slash):
            tree.add_command(command, override=True)
        for info in infos:
            if info.name == MOD_COMMAND:  # sub-commands with typed options, not free text
                tree.add_command(build_mod_group(info, self._on_slash), override=True)
        try:
            await tree.sync()
        except discord.HTTPException as exc:
            log.warning("registering slash commands failed (%s); typed commands still work", exc)

    async def _on_message(self, message: discord.Message) -> None:
        if self.client is None or self.client.user is None or self.queues.closed:
            return
        incoming = message_to_incoming(
            message,
            self.client.user,
            channel_ids=self.channel_ids,
            moderator_channel_id=self._moderation.discord_channel_id,
        )
        if incoming is None:
            return
        if incoming.text.lstrip().startswith("/"):
            incoming = await self._with_dm_roles(incoming)
        reply_to = message if message.guild is not None else None
        writer = ReplyWriter(
            ChannelSink(message.channel, reply_to),
            self.paces.get(incoming.chat_id),
            typing_channel=message.channel,
        )
        self.queues.submit(incoming.chat_id, lambda: self._converse(incoming, writer))

    async def _on_slash(self, interaction: discord.Interaction, name: str, details: str) -> None:
        in_server = interaction.guild_id is not None
        # Acknowledge within Discord's 3 s; in a server only the user sees the answer.
        await interaction.response.defer(ephemeral=in_server, thinking=True)
        incoming = interaction_to_incoming(
            interaction,
            text=f"/{name} {details}".strip(),
            moderator_channel_id=self._moderation.discord_channel_id,
        )
        incoming = await self._with_dm_roles(incoming)
        sink = InteractionSink(interaction, ephemeral=in_server, use_original=True)
        await self._queue_interaction(incoming, sink)

    async def _on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return  # slash commands go through the command tree
        custom_id = str((interaction.data or {}).get("custom_id", ""))
        if not custom_id.startswith(ACTION_PREFIX):
            return
        message = interaction.message
        ephemeral = bool(message is not None and message.flags.ephemeral)
        # A button in a server channel (a crisis alert) is there for everyone:
        # a press the core refuses must leave it for the next person (see presses).
        shared = interaction.guild_id is not None and not ephemeral
        with contextlib.suppress(discord.HTTPException):
            if shared:
                await interaction.response.defer()
            else:  # only this user sees it: the buttons go now, one press counts once
                await interaction.response.edit_message(view=None)
        incoming = interaction_to_incoming(
            interaction,
            action=custom_id[len(ACTION_PREFIX) :],
            moderator_channel_id=self._moderation.discord_channel_id,
        )
        incoming = await self._with_dm_roles(incoming)
        sink = InteractionSink(
            interaction,
            ephemeral=ephemeral,
            use_original=False,
            private_kinds=REFUSAL_KINDS if shared else frozenset(),
        )

        async def after(kinds: list[str]) -> None:
            if shared and press_took_effect(kinds):
                with contextlib.suppress(discord.HTTPException):
                    await interaction.edit_original_response(view=None)

        await self._queue_interaction(incoming, sink, after=after)

    async def _with_dm_roles(self, incoming: Incoming) -> Incoming:
        """A DM carries no roles: fetch them from the moderators' server when roles matter."""
        moderation = self._moderation
        if (
            incoming.chat_kind is not ChatKind.DM
            or not moderation.discord_role_ids
            or moderation.discord_channel_id is None
            or self.client is None
        ):
            return incoming
        if self._roles is None or self._roles.channel_id != moderation.discord_channel_id:
            self._roles = ModeratorGuildRoles(self.client, moderation.discord_channel_id)
        try:
            roles = await self._roles.for_user(int(incoming.user_id))
        except ValueError:
            return incoming
        return dataclasses.replace(incoming, role_ids=roles) if roles else incoming

    async def _queue_interaction(
        self,
        incoming: Incoming,
        sink: InteractionSink,
        *,
        after: Callable[[list[str]], Awaitable[None]] | None = None,
    ) -> None:
        if self.queues.closed:
            return
        writer = ReplyWriter(sink, self.paces.get(incoming.chat_id))

        async def work() -> None:
            try:
                kinds = await self._converse(incoming, writer)
                if after is not None:
                    await after(kinds)
            finally:
                await sink.finish()

        self.queues.submit(incoming.chat_id, work)

    async def _converse(self, incoming: Incoming, writer: ReplyWriter) -> list[str]:
        return await converse(
            self.handler,
            incoming,
            writer,
            platform="Discord",
            delivery_errors=(discord.HTTPException,),
            default_locale=self.config.bot.default_locale,
        )
