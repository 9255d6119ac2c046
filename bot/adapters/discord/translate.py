"""Discord events -> ``Incoming``: which messages are for the bot, and who sent them.

DMs are always for the bot. In a server it answers only when mentioned by
name, when someone replies to one of its messages, or in a channel the
operator listed in ``discord.channel_ids``; everything else is people
talking to each other. In the moderator channel (``moderation.discord_channel_id``)
typed commands (``/mod stats``) are taken without a mention too, while the
moderators' own conversation there stays theirs. Other bots (and the bot
itself) are never answered.
"""

from __future__ import annotations

import re

import discord

from bot.messages import ChatKind, Incoming, Platform

ACTION_PREFIX = "haven:"  # custom_id of Haven's buttons: "haven:<action>"


def role_ids(user: discord.abc.User) -> tuple[str, ...]:
    """Server roles of a member, without @everyone (it has the server's id)."""
    roles = getattr(user, "roles", None) or []
    guild = getattr(user, "guild", None)
    everyone = guild.id if guild is not None else None
    return tuple(str(r.id) for r in roles if r.id != everyone)


def strip_bot_mention(text: str, bot_id: int) -> str:
    cleaned = re.sub(rf"<@!?{bot_id}>", " ", text)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip()


def _replies_to_bot(message: discord.Message, bot_id: int) -> bool:
    ref = message.reference
    if ref is None:
        return False
    resolved = ref.resolved
    return isinstance(resolved, discord.Message) and resolved.author.id == bot_id


def _listed_channel(message: discord.Message, channel_ids: frozenset[int]) -> bool:
    channel = message.channel
    if channel.id in channel_ids:
        return True
    parent = getattr(channel, "parent_id", None)  # a thread inside a listed channel
    return parent is not None and parent in channel_ids


def message_to_incoming(
    message: discord.Message,
    bot_user: discord.abc.User,
    *,
    channel_ids: frozenset[int] = frozenset(),
    moderator_channel_id: int | None = None,
) -> Incoming | None:
    """The ``Incoming`` for a message the bot should answer, or None to stay quiet."""
    author = message.author
    if author.bot or author.id == bot_user.id:
        return None
    in_moderator_chat = (
        moderator_channel_id is not None and message.channel.id == moderator_channel_id
    )
    if message.guild is None:
        kind = ChatKind.DM
        text = message.content
    else:
        mentioned = any(u.id == bot_user.id for u in message.mentions)
        command_for_moderators = in_moderator_chat and message.content.lstrip().startswith("/")
        addressed = (
            mentioned
            or _replies_to_bot(message, bot_user.id)
            or _listed_channel(message, channel_ids)
        )
        if not (addressed or command_for_moderators):
            return None
        kind = ChatKind.GROUP
        text = strip_bot_mention(message.content, bot_user.id)
    return Incoming(
        platform=Platform.DISCORD,
        user_id=str(author.id),
        chat_id=str(message.channel.id),
        chat_kind=kind,
        text=text,
        locale=None,  # messages carry no locale; slash commands and buttons do
        message_id=str(message.id),
        user_name=author.name,
        role_ids=role_ids(author),
        in_moderator_chat=in_moderator_chat,
    )


def interaction_to_incoming(
    interaction: discord.Interaction,
    *,
    text: str = "",
    action: str | None = None,
    moderator_channel_id: int | None = None,
) -> Incoming:
    channel_id = interaction.channel_id or 0
    message = interaction.message
    return Incoming(
        platform=Platform.DISCORD,
        user_id=str(interaction.user.id),
        chat_id=str(channel_id),
        chat_kind=ChatKind.DM if interaction.guild_id is None else ChatKind.GROUP,
        text=text,
        locale=str(interaction.locale.value) if interaction.locale else None,
        message_id=str(message.id) if message is not None else str(interaction.id),
        action=action,
        user_name=interaction.user.name,
        role_ids=role_ids(interaction.user),
        in_moderator_chat=moderator_channel_id is not None and channel_id == moderator_channel_id,
    )
