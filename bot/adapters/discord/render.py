"""Haven replies -> Discord messages: escaped text, no pings, buttons, files, typing.

Every message goes out with ``AllowedMentions.none()``, so nothing Haven
sends can ping @everyone, @here, a role or a user, whatever text it carries.
Text is escaped for markdown (links kept clickable) and mentions, so words a
user typed and the model echoed are shown as typed and cannot break the
reply's formatting.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.adapters.discord.translate import ACTION_PREFIX
from bot.adapters.streaming import Pace, StreamRenderer, StreamSettings
from bot.adapters.typing import TypingIndicator
from bot.messages import Attachment, Button, Reply

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
TYPING_EVERY_S = 8.0  # Discord shows "typing" for about 10 s per request
TYPING_DELAY_S = 0.5  # a reply that shows text sooner needs no indicator
NO_MENTIONS = discord.AllowedMentions.none()


def escape(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text, ignore_links=True))


def view_for(buttons: Sequence[Button]) -> discord.ui.View | None:
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(
            discord.ui.Button(
                label=button.label[:80],
                custom_id=(ACTION_PREFIX + button.action)[:100],
                style=discord.ButtonStyle.secondary,
            )
        )
    return view


def _forget_view(view: discord.ui.View | None) -> None:
    """Presses are handled in ``on_interaction``; the library need not track the view."""
    if view is not None:
        view.stop()


def _file(attachment: Attachment) -> discord.File:
    return discord.File(io.BytesIO(attachment.data), filename=attachment.filename)


class ChannelSink:
    """Messages in a channel or DM; in a server the first one replies to the user's message."""

    def __init__(
        self, channel: discord.abc.Messageable, reply_to: discord.Message | None = None
    ) -> None:
        self.channel = channel
        self.reply_to = reply_to

    async def send(self, text: str, buttons: Sequence[Button]) -> discord.Message:
        view = view_for(buttons)
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if view is not None:
            kwargs["view"] = view
        if self.reply_to is not None:
            kwargs["reference"] = self.reply_to.to_reference(fail_if_not_exists=False)
            self.reply_to = None
        message = await self.channel.send(text, **kwargs)
        _forget_view(view)
        return message

    async def edit(self, handle: discord.Message, text: str, buttons: Sequence[Button]) -> None:
        view = view_for(buttons)
        await handle.edit(content=text, view=view, allowed_mentions=NO_MENTIONS)
        _forget_view(view)

    async def delete(self, handle: discord.Message) -> None:
        await handle.delete()

    async def send_file(self, attachment: Attachment, text: str) -> None:
        await self.channel.send(text or None, file=_file(attachment), allowed_mentions=NO_MENTIONS)


class InteractionSink:
    """Answers to a slash command or button press: the deferred original first, then followups."""

    def __init__(
        self,
        interaction: discord.Interaction,
        *,
        ephemeral: bool,
        use_original: bool,
        private_kinds: frozenset[str] = frozenset(),
    ) -> None:
        self.interaction = interaction
        self.ephemeral = ephemeral
        self._base_ephemeral = ephemeral
        self._private_kinds = private_kinds  # replies of these kinds only the user sees
        self._original_free = use_original
        self.sent_any = False

    def begin(self, kind: str) -> None:
        """Called before each reply: followups of a private kind are ephemeral."""
        self.ephemeral = self._base_ephemeral or kind in self._private_kinds

    async def send(self, text: str, buttons: Sequence[Button]) -> Any:
        view = view_for(buttons)
        self.sent_any = True
        if self._original_free:
            self._original_free = False
            message: Any = await self.interaction.edit_original_response(
                content=text, view=view, allowed_mentions=NO_MENTIONS
            )
        else:
            kwargs: dict[str, Any] = {
                "ephemeral": self.ephemeral,
                "wait": True,
                "allowed_mentions": NO_MENTIONS,
            }
            if view is not None:
                kwargs["view"] = view
            message = await self.interaction.followup.send(text, **kwargs)
        _forget_view(view)
        return message

    async def edit(self, handle: Any, text: str, buttons: Sequence[Button]) -> None:
        view = view_for(buttons)
        await handle.edit(content=text, view=view, allowed_mentions=NO_MENTIONS)
        _forget_view(view)

    async def delete(self, handle: Any) -> None:
        await handle.delete()

    async def send_file(self, attachment: Attachment, text: str) -> None:
        self.sent_any = True
        if self._original_free:
            self._original_free = False
            await self.interaction.edit_original_response(
                content=text or None, attachments=[_file(attachment)], allowed_mentions=NO_MENTIONS
            )
            return
        await self.interaction.followup.send(
            text or discord.utils.MISSING,
            file=_file(attachment),
            ephemeral=self.ephemeral,
            allowed_mentions=NO_MENTIONS,
        )

    async def finish(self) -> None:
        """A deferred interaction that got no reply would say "thinking…" forever."""
        if self._original_free:
            with contextlib.suppress(discord.HTTPException):
                await self.interaction.delete_original_response()


class Typing(TypingIndicator):
    """Keeps "typing…" visible in ``channel`` until stopped (none without a channel)."""

    def __init__(self, channel: discord.abc.Messageable | None) -> None:
        super().__init__(
            channel.typing if channel is not None else None,
            every_s=TYPING_EVERY_S,
            delay_s=TYPING_DELAY_S,
            errors=(discord.HTTPException,),
        )
        self.channel = channel


class ReplyWriter:
    """Delivers the replies to one incoming event, in order."""

    def __init__(
        self,
        sink: ChannelSink | InteractionSink,
        pace: Pace,
        *,
        typing_channel: discord.abc.Messageable | None = None,
    ) -> None:
        self.sink = sink
        self.pace = pace
        self.typing_channel = typing_channel

    def _renderer(self) -> StreamRenderer[Any]:
        settings = StreamSettings(limit=MESSAGE_LIMIT, min_edit_chars=1, render=escape)
        return StreamRenderer(self.sink, settings, self.pace)

    async def deliver(self, reply: Reply) -> None:
        if isinstance(self.sink, InteractionSink):
            self.sink.begin(reply.kind)
        if reply.attachment is not None:
            text = await reply.final_text()
            caption = escape(text)
            if len(caption) > MESSAGE_LIMIT:
                await self._renderer().show(text)
                caption = ""
            await self.sink.send_file(reply.attachment, caption)
            return
        renderer = self._renderer()
        if reply.stream is None:
            await renderer.show(reply.text, reply.buttons)
            return
        typing = Typing(self.typing_channel)
        typing.start()
        try:
            await renderer.stream(reply.stream, reply.buttons, on_first_text=typing.stop)
        finally:
            typing.stop()
