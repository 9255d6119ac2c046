"""Telegram update -> ``Incoming``: who wrote, where, in which language, and was it to us.

In a private chat every message is for the bot. In a group the bot only
answers when it is addressed: an @mention, a reply to one of its messages,
or a command. Anything else there is people talking to each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Message, MessageEntity, Update, User

from bot.messages import ChatKind, Incoming, Platform

GROUP_TYPES = frozenset({"group", "supergroup"})


@dataclass(frozen=True, slots=True)
class BotIdentity:
    id: int
    username: str  # without the "@"


def chat_kind(message: Message) -> ChatKind | None:
    if message.chat.type == "private":
        return ChatKind.DM
    if message.chat.type in GROUP_TYPES:
        return ChatKind.GROUP
    return None  # channels: the bot does not talk there


def is_addressed(message: Message, me: BotIdentity) -> bool:
    """True when a group message is meant for the bot."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == me.id:
        return True
    text = message.text or message.caption or ""
    for entity in message.entities or message.caption_entities or ():
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == me.id:
            return True
        if entity.type == MessageEntity.MENTION:
            handle = text[entity.offset + 1 : entity.offset + entity.length]
            if handle.lower() == me.username.lower():
                return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            command = text[: entity.length]
            target = command.partition("@")[2]
            if not target or target.lower() == me.username.lower():
                return True
    return False


def strip_mention(text: str, me: BotIdentity) -> str:
    """``@haven_bot how are you`` -> ``how are you`` (a mention anywhere, any case)."""
    handle = "@" + me.username.lower()
    lowered = text.lower()
    index = lowered.find(handle)
    while index != -1:
        end = index + len(handle)
        if end == len(text) or not (text[end].isalnum() or text[end] == "_"):
            text = f"{text[:index].rstrip()} {text[end:].lstrip()}".strip()
            lowered = text.lower()
            index = lowered.find(handle)
        else:
            index = lowered.find(handle, end)
    return text


def _common(user: User, message: Message, moderator_chat_id: int | None) -> dict[str, object]:
    return {
        "platform": Platform.TELEGRAM,
        "user_id": str(user.id),
        "chat_id": str(message.chat.id),
        "locale": user.language_code,
        "user_name": user.username or user.first_name,
        "in_moderator_chat": moderator_chat_id is not None and message.chat.id == moderator_chat_id,
    }


def to_incoming(
    update: Update, me: BotIdentity, moderator_chat_id: int | None = None
) -> Incoming | None:
    """The ``Incoming`` for an update the bot should answer, or None to ignore it."""
    query = update.callback_query
    if query is not None:
        message = query.message
        if not isinstance(message, Message) or not query.data:
            return None
        kind = chat_kind(message)
        if kind is None or query.from_user.is_bot:
            return None
        return Incoming(
            chat_kind=kind,
            text="",
            action=query.data,
            message_id=str(message.message_id),
            **_common(query.from_user, message, moderator_chat_id),  # type: ignore[arg-type]
        )
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return None  # edits, channel posts, service messages, other bots
    kind = chat_kind(message)
    if kind is None:
        return None
    text = message.text or message.caption or ""
    if kind is ChatKind.GROUP:
        if not is_addressed(message, me):
            return None
        text = strip_mention(text, me)
    return Incoming(
        chat_kind=kind,
        text=text,
        message_id=str(message.message_id),
        **_common(message.from_user, message, moderator_chat_id),  # type: ignore[arg-type]
    )
