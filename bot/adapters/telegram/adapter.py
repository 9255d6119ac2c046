"""The Telegram adapter: python-telegram-bot's ``Bot`` for the API, Haven's core for everything else.

Long polling by default, a webhook when ``telegram.mode = "webhook"``. Each
update becomes an ``Incoming``; the core's replies are streamed back by
editing messages. Work per chat runs in order; chats run concurrently.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.adapters.converse import converse
from bot.adapters.ordering import ChatQueues
from bot.adapters.presses import press_took_effect
from bot.adapters.streaming import PaceBook, RateLimited
from bot.adapters.telegram import calls
from bot.adapters.telegram.intake import UpdateIntake
from bot.adapters.telegram.polling import Poller
from bot.adapters.telegram.render import ReplyWriter
from bot.adapters.telegram.translate import BotIdentity, to_incoming
from bot.adapters.telegram.webhook import WebhookServer
from bot.adapters.tokens import bot_token
from bot.config import ConfigError, HavenConfig
from bot.i18n import LANGUAGES
from bot.memory.db import Database
from bot.memory.updates import UpdateLedger
from bot.messages import ChatKind, Incoming, Outbound, Platform, Reply
from bot.ports import Handler

log = logging.getLogger(__name__)

POLL_TIMEOUT_S = 25
# Waiting this long for Telegram's answer to a send gives up on it; the send
# is then not repeated (see ``calls``), so keep it generous.
READ_TIMEOUT_S = 20.0
CONNECT_TIMEOUT_S = 10.0


class CommandInfoLike(Protocol):
    name: str
    dm_only: bool

    def description(self, language: str) -> str: ...


class CommandCatalog(Protocol):
    """What the core's ``CommandRegistry`` offers adapters."""

    def names(self) -> list[CommandInfoLike]: ...


def file_url_for(base_url: str) -> str:
    """``https://api.telegram.org/bot`` -> ``https://api.telegram.org/file/bot``."""
    root, _, tail = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{tail}"


class TelegramAdapter:
    platform = Platform.TELEGRAM

    def __init__(
        self,
        config: HavenConfig,
        handler: Handler,
        db: Database,
        *,
        commands: CommandCatalog | None = None,
        token: str | None = None,
        webhook_port: int | None = None,
    ) -> None:
        self.config = config
        self.section = config.telegram
        self.handler = handler
        self.db = db
        self.commands = commands if commands is not None else getattr(handler, "registry", None)
        token = bot_token(config, "telegram", token, "get one from @BotFather")
        self.bot = Bot(
            token,
            base_url=self.section.base_url,
            base_file_url=self.section.base_file_url or file_url_for(self.section.base_url),
            request=HTTPXRequest(
                connection_pool_size=64,
                read_timeout=READ_TIMEOUT_S,
                connect_timeout=CONNECT_TIMEOUT_S,
            ),
            get_updates_request=HTTPXRequest(
                connection_pool_size=2,
                read_timeout=POLL_TIMEOUT_S + 15,
                connect_timeout=CONNECT_TIMEOUT_S,
            ),
        )
        self.ledger = UpdateLedger(db, Platform.TELEGRAM.value)
        self.intake = UpdateIntake(self.ledger, self._queue_update)
        self.queues = ChatQueues()
        self.paces = PaceBook(self.section.edit_interval_s)
        self.me: BotIdentity | None = None
        self.poller: Poller | None = None
        self.webhook: WebhookServer | None = None
        self._webhook_port = webhook_port
        self._poll_task: asyncio.Task[None] | None = None

    # -- Adapter protocol --------------------------------------------------

    async def start(self) -> None:
        await self.bot.initialize()  # getMe: fails fast on a bad token
        self.me = BotIdentity(self.bot.id, self.bot.username)
        await self.ledger.prune()
        await self._publish_commands()
        if self.section.mode == "webhook":
            await self._start_webhook()
        else:
            await calls.patiently(lambda: self.bot.delete_webhook(drop_pending_updates=False))
            self.poller = Poller(self.bot, self.intake, poll_timeout_s=POLL_TIMEOUT_S)
            self._poll_task = asyncio.create_task(self.poller.run(), name="telegram-polling")
        log.info("Telegram adapter started as @%s (%s)", self.me.username, self.section.mode)

    async def stop(self) -> None:
        """Stop taking updates, let replies in flight finish (within the grace), then close."""
        if self.poller is not None:
            self.poller.stop()
        if self._poll_task is not None:
            self._poll_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await self._poll_task
        if self.webhook is not None:
            await self.webhook.stop()
        await self.queues.close(self.config.bot.shutdown_grace_s)
        await self.intake.close()
        with contextlib.suppress(TelegramError, RuntimeError):
            await self.bot.shutdown()
        log.info("Telegram adapter stopped")

    async def send(self, message: Outbound) -> bool:
        """Messages Haven starts itself (alerts, check-ins); False if they could not go out."""
        try:
            chat_id = int(message.chat_id)
        except ValueError:
            log.warning("Telegram send: chat id is not a number")
            return False
        writer = ReplyWriter(
            self.bot,
            chat_id,
            self.paces.get(message.chat_id),
            min_edit_chars=self.section.min_edit_chars,
        )
        reply = Reply(text=message.text, buttons=message.buttons, attachment=message.attachment)
        try:
            await writer.deliver(reply)
            return True
        except (TelegramError, RateLimited) as exc:
            # DeliveryUncertain counts as not delivered too: a crisis alert is
            # better shown twice (the alerter tries again) than never.
            log.warning("Telegram send to a chat failed: %s", type(exc).__name__)
            return False

    # -- internals ---------------------------------------------------------

    async def _start_webhook(self) -> None:
        secret = self.config.secret(self.section.webhook_secret_env)
        if not self.section.webhook_url:
            raise ConfigError(
                'telegram.mode = "webhook" needs telegram.webhook_url (the public HTTPS URL)'
            )
        if not secret:
            raise ConfigError(
                f'telegram.mode = "webhook" needs a secret token in {self.section.webhook_secret_env} '
                "(telegram.webhook_secret_env): 1-256 characters of A-Z, a-z, 0-9, _ and -"
            )
        self.webhook = WebhookServer(
            self.bot,
            self.intake,
            url=self.section.webhook_url,
            secret=secret,
            listen=self.section.webhook_listen,
            port=self._webhook_port
            if self._webhook_port is not None
            else self.section.webhook_port,
        )
        await self.webhook.start()

    async def _publish_commands(self) -> None:
        """setMyCommands in every language Haven speaks, and a group list without DM-only ones."""
        if self.commands is None:
            return
        infos = list(self.commands.names())
        for language in (None, *LANGUAGES):
            lang = language or "en"
            everywhere = [BotCommand(i.name, i.description(lang)[:256] or i.name) for i in infos]
            groups = [c for c, i in zip(everywhere, infos, strict=True) if not i.dm_only]
            try:
                await calls.patiently(
                    lambda cmds=everywhere, code=language: self.bot.set_my_commands(
                        cmds, language_code=code
                    )
                )
                await calls.patiently(
                    lambda cmds=groups, code=language: self.bot.set_my_commands(
                        cmds, scope=BotCommandScopeAllGroupChats(), language_code=code
                    )
                )
            except (TelegramError, RateLimited) as exc:
                log.warning("setMyCommands failed (%s); commands still work when typed", exc)
                return

    async def _queue_update(self, update: Update) -> None:
        """Called by the intake once per new update; returns when it was handled."""
        key = _chat_key(update)
        await self.queues.submit(key, lambda: self._handle_update(update))

    async def _handle_update(self, update: Update) -> None:
        assert self.me is not None
        incoming = to_incoming(update, self.me, self.config.moderation.telegram_chat_id)
        if incoming is None:
            return
        chat_id = int(incoming.chat_id)
        # In a group the buttons (a crisis alert's) are for whoever may use them:
        # they stay until a press took effect (see bot.adapters.presses).
        shared = incoming.chat_kind is ChatKind.GROUP
        if update.callback_query is not None:
            await self._acknowledge_press(update, remove_buttons=not shared)
        reply_to = None
        if shared and incoming.message_id and not incoming.action:
            reply_to = int(incoming.message_id)
        writer = ReplyWriter(
            self.bot,
            chat_id,
            self.paces.get(incoming.chat_id),
            min_edit_chars=self.section.min_edit_chars,
            reply_to=reply_to,
        )
        kinds = await self._converse(incoming, writer)
        if update.callback_query is not None and shared and press_took_effect(kinds):
            await self._remove_buttons(update)

    async def _converse(self, incoming: Incoming, writer: ReplyWriter) -> list[str]:
        return await converse(
            self.handler,
            incoming,
            writer,
            platform="Telegram",
            delivery_errors=(TelegramError, RateLimited),
            default_locale=self.config.bot.default_locale,
        )

    async def _acknowledge_press(self, update: Update, *, remove_buttons: bool) -> None:
        """Stop the button's spinner; in a private chat also take the keyboard away,
        so one press counts once."""
        query = update.callback_query
        assert query is not None
        with contextlib.suppress(TelegramError, RateLimited):
            await calls.call(lambda: query.answer())
        if remove_buttons:
            await self._remove_buttons(update)

    async def _remove_buttons(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        message = query.message
        if message is not None:
            with contextlib.suppress(TelegramError, RateLimited):  # BadRequest too: already gone
                await calls.call(
                    lambda: self.bot.edit_message_reply_markup(
                        chat_id=message.chat.id, message_id=message.message_id, reply_markup=None
                    )
                )


def _chat_key(update: Update) -> str:
    chat = update.effective_chat
    return f"chat:{chat.id}" if chat is not None else f"update:{update.update_id}"
