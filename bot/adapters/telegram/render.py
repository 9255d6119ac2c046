"""Haven replies -> Telegram messages: plain text, inline keyboards, files, typing.

Everything goes out without ``parse_mode``: whatever a user typed (and the
model echoed) is shown literally and can never break the message's
formatting or be rejected by Telegram's parser.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from bot.adapters.streaming import Pace, StreamRenderer, StreamSettings
from bot.adapters.telegram import calls
from bot.adapters.typing import TypingIndicator
from bot.messages import Attachment, Button, Reply

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
TYPING_EVERY_S = 4.5  # Telegram shows "typing" for about 5 s per action
TYPING_DELAY_S = 0.5  # a reply that shows text sooner needs no indicator
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One row per button: labels are sentences in some languages."""
    if not buttons:
        return None
    rows = [[InlineKeyboardButton(b.label, callback_data=b.action[:64])] for b in buttons]
    return InlineKeyboardMarkup(rows)


class TelegramSink:
    """A ``MessageSink`` for one chat; the first message may reply to the user's."""

    def __init__(self, bot: Bot, chat_id: int, reply_to: int | None = None) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.reply_to = reply_to

    async def send(self, text: str, buttons: Sequence[Button]) -> int:
        reply = None
        if self.reply_to is not None:
            reply = ReplyParameters(self.reply_to, allow_sending_without_reply=True)
            self.reply_to = None  # only the first piece points at the user's message
        message: Message = await calls.call(
            lambda: self.bot.send_message(
                self.chat_id,
                text,
                reply_markup=keyboard(buttons),
                reply_parameters=reply,
                link_preview_options=NO_PREVIEW,
            ),
            idempotent=False,  # a timed-out send may have arrived: never show it twice
        )
        return message.message_id

    async def edit(self, handle: int, text: str, buttons: Sequence[Button]) -> None:
        try:
            await calls.call(
                lambda: self.bot.edit_message_text(
                    text,
                    chat_id=self.chat_id,
                    message_id=handle,
                    reply_markup=keyboard(buttons),
                    link_preview_options=NO_PREVIEW,
                )
            )
        except BadRequest as exc:
            if not calls.is_not_modified(exc):
                raise

    async def delete(self, handle: int) -> None:
        await calls.call(lambda: self.bot.delete_message(self.chat_id, handle))


class Typing(TypingIndicator):
    """Keeps "typing…" visible until stopped (Telegram clears it after 5 s)."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        super().__init__(
            lambda: bot.send_chat_action(chat_id, ChatAction.TYPING),
            every_s=TYPING_EVERY_S,
            delay_s=TYPING_DELAY_S,
            errors=(TelegramError,),
        )
        self.bot = bot
        self.chat_id = chat_id


class ReplyWriter:
    """Delivers the replies to one incoming message, in order, into one chat."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        pace: Pace,
        *,
        min_edit_chars: int,
        reply_to: int | None = None,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.pace = pace
        self.min_edit_chars = min_edit_chars
        self.sink = TelegramSink(bot, chat_id, reply_to)

    def _renderer(self) -> StreamRenderer[int]:
        settings = StreamSettings(limit=MESSAGE_LIMIT, min_edit_chars=self.min_edit_chars)
        return StreamRenderer(self.sink, settings, self.pace)

    async def deliver(self, reply: Reply) -> None:
        if reply.attachment is not None:
            text = await reply.final_text()
            await self._send_file(reply.attachment, text, reply.buttons)
            return
        renderer = self._renderer()
        if reply.stream is None:
            await renderer.show(reply.text, reply.buttons)
            return
        typing = Typing(self.bot, self.chat_id)
        typing.start()
        try:
            await renderer.stream(reply.stream, reply.buttons, on_first_text=typing.stop)
        finally:
            typing.stop()

    async def _send_file(
        self, attachment: Attachment, text: str, buttons: Sequence[Button]
    ) -> None:
        caption = text if text and len(text) <= CAPTION_LIMIT else None
        if text and caption is None:
            await self._renderer().show(text)
        markup = keyboard(buttons)
        if attachment.kind == "photo":
            await calls.patiently(
                lambda: self.bot.send_photo(
                    self.chat_id,
                    photo=attachment.data,
                    filename=attachment.filename,
                    caption=caption,
                    reply_markup=markup,
                ),
                idempotent=False,
            )
        else:
            await calls.patiently(
                lambda: self.bot.send_document(
                    self.chat_id,
                    document=attachment.data,
                    filename=attachment.filename,
                    caption=caption,
                    reply_markup=markup,
                ),
                idempotent=False,
            )
