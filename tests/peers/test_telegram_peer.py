"""The Telegram peer against the real python-telegram-bot: if these fail, the adapter tests mean nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, RetryAfter
from telegram.request import HTTPXRequest

from tests.peers.telegram_peer import TelegramPeer


@pytest.fixture
async def peer() -> AsyncIterator[TelegramPeer]:
    server = TelegramPeer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(peer: TelegramPeer) -> AsyncIterator[Bot]:
    client = Bot(
        peer.token,
        base_url=peer.base_url,
        base_file_url=peer.base_file_url,
        request=HTTPXRequest(connection_pool_size=8),
        get_updates_request=HTTPXRequest(read_timeout=5),
    )
    await client.initialize()
    yield client
    await client.shutdown()


async def test_get_me_and_long_poll_with_offsets(peer: TelegramPeer, bot: Bot) -> None:
    assert bot.username == "haven_test_bot"
    first = peer.private_message(42, "hello", language_code="de")
    second = peer.private_message(42, "/help")
    updates = await bot.get_updates(offset=0, timeout=1)
    assert [u.update_id for u in updates] == [first, second]
    assert updates[0].effective_user.language_code == "de"
    assert updates[1].message.entities[0].type == "bot_command"
    # Not confirmed yet: asked again, Telegram gives them again.
    again = await bot.get_updates(offset=0, timeout=0)
    assert [u.update_id for u in again] == [first, second]
    # The offset confirms everything before it.
    empty = await bot.get_updates(offset=second + 1, timeout=0)
    assert empty == ()
    assert peer.pending_update_ids == []
    assert peer.confirmed_offset == second + 1


async def test_long_poll_wakes_on_new_update(peer: TelegramPeer, bot: Bot) -> None:
    import asyncio

    async def later() -> None:
        await asyncio.sleep(0.1)
        peer.private_message(5, "are you there?")

    task = asyncio.create_task(later())
    updates = await bot.get_updates(timeout=3)
    await task
    assert [u.message.text for u in updates] == ["are you there?"]


async def test_send_edit_and_not_modified(peer: TelegramPeer, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="consent:yes")]])
    msg = await bot.send_message(42, "Hel", reply_markup=markup)
    await bot.edit_message_text("Hello there", chat_id=42, message_id=msg.message_id)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Hello there", chat_id=42, message_id=msg.message_id)
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(42, "x" * 4097)
    [sent] = peer.sent(42)
    assert sent.versions == ["Hel", "Hello there"]
    assert sent.reply_markup is None  # an edit without markup removes the keyboard


async def test_buttons_callbacks_and_actions(peer: TelegramPeer, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="forget:yes")]])
    msg = await bot.send_message(9, "Sure?", reply_markup=markup)
    [sent] = peer.sent(9)
    assert sent.button_data() == ["forget:yes"]
    assert msg.reply_markup is not None
    peer.press(9, sent, "forget:yes")
    [update] = await bot.get_updates(timeout=0)
    assert update.callback_query.data == "forget:yes"
    assert update.callback_query.message.message_id == sent.message_id
    await bot.answer_callback_query(update.callback_query.id)
    await bot.send_chat_action(9, "typing")
    assert peer.chat_actions == [(9, "typing")]
    assert peer.answered_callbacks[0]["callback_query_id"] == update.callback_query.id


async def test_documents_photos_and_commands(peer: TelegramPeer, bot: Bot) -> None:
    await bot.send_document(3, document=b'{"a": 1}', filename="export.json", caption="Your data")
    await bot.send_photo(3, photo=b"\x89PNG\r\n\x1a\nfake", filename="mood.png")
    await bot.set_my_commands([BotCommand("help", "What I can do")], language_code="de")
    doc, photo = peer.sent(3)
    assert doc.document == ("export.json", b'{"a": 1}')
    assert doc.caption == "Your data"
    assert photo.photo is not None and photo.photo[1].startswith(b"\x89PNG")
    assert peer.commands["default:de"] == [{"command": "help", "description": "What I can do"}]


async def test_scripted_429_carries_retry_after(peer: TelegramPeer, bot: Bot) -> None:
    peer.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1, "hi")
    value = caught.value.retry_after
    assert (value if isinstance(value, int) else value.total_seconds()) == 3
    await bot.send_message(1, "hi")
    assert [m.text for m in peer.sent(1)] == ["hi"]


async def test_group_mention_and_reply(peer: TelegramPeer, bot: Bot) -> None:
    ours = await bot.send_message(-100, "earlier reply")
    [sent] = peer.sent(-100)
    peer.group_message(-100, 8, "can you help?", mention=True)
    peer.group_message(-100, 8, "thanks", reply_to=sent)
    first, second = await bot.get_updates(timeout=0)
    assert first.message.text == "@haven_test_bot can you help?"
    assert first.message.entities[0].type == "mention"
    assert first.message.chat.type == "supergroup"
    assert second.message.reply_to_message.from_user.id == bot.id
    assert second.message.reply_to_message.message_id == ours.message_id
