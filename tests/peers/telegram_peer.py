"""A Telegram Bot API server on 127.0.0.1 for tests: the real python-telegram-bot talks to it.

It speaks the Bot API the way python-telegram-bot v22 uses it: ``POST
{base}{token}/{method}`` with form, JSON or multipart bodies whose non-string
values are JSON-encoded; answers ``{"ok": true, "result": ...}`` or an error
with ``error_code``, ``description`` and ``parameters.retry_after``. It keeps
the rules a bot trips over in production (4,096 characters, "message is not
modified", offsets that confirm, one long poll at a time, webhooks with a
secret token) so a test that passes here means something.

Tests inject updates (``private_message``, ``group_message``, ``press``),
script failures (``fail_next``) and slow answers (``delay_next``), and read
what the bot sent (``sent``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from tests.peers.loopback import LoopbackPeer

MAX_TEXT = 4096
# Values python-telegram-bot sends as plain strings; everything else is JSON.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "action",
        "url",
        "secret_token",
        "language_code",
        "description",
        "short_description",
        "message_thread_id_str",
        "business_connection_id",
        "inline_message_id",
    }
)


@dataclass
class SentMessage:
    """One message the bot sent, as the chat sees it now, with its edit history."""

    chat_id: int
    message_id: int
    text: str = ""
    versions: list[str] = field(default_factory=list)  # first send, then each edit
    reply_markup: dict[str, Any] | None = None
    document: tuple[str, bytes] | None = None  # (filename, content)
    photo: tuple[str, bytes] | None = None
    caption: str | None = None
    reply_to: int | None = None
    parse_mode: str | None = None

    @property
    def edits(self) -> int:
        return max(0, len(self.versions) - 1)

    def button_data(self) -> list[str]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b.get("callback_data", "") for row in rows for b in row]


@dataclass
class ScriptedError:
    method: str
    error_code: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


class TelegramPeer(LoopbackPeer):
    """The Bot API for one bot token; start() binds a random loopback port."""

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        bot_id: int = 777000,
        username: str = "haven_test_bot",
    ) -> None:
        super().__init__()
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Haven",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.commands: dict[str, list[dict[str, str]]] = {}  # scope/lang key -> commands
        self.chat_actions: list[tuple[int, str]] = []
        self.answered_callbacks: list[dict[str, Any]] = []
        self.deleted: list[SentMessage] = []
        self.webhook: dict[str, Any] | None = None
        self.confirmed_offset = 0
        # True: offsets are ignored, as if the confirming request never arrived
        # (the bot crashed right after handling).
        self.hold_confirmations = False
        self.conflicts = 0
        self._pending: list[dict[str, Any]] = []  # updates not yet confirmed
        self._update_ids = itertools.count(1)
        self._chats: dict[int, list[SentMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._errors: list[ScriptedError] = []
        self._delays: list[list[Any]] = []  # [method, seconds, remaining]
        self._poll_waiter: asyncio.Future[None] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_delivered: set[int] = set()
        self._session: ClientSession | None = None

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("POST", "/bot{token}/{method}", self._dispatch)
        app.router.add_route("GET", "/bot{token}/{method}", self._dispatch)
        await self._serve(app)

    async def stop(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result(None)
        if self._session is not None:
            await self._session.close()
        await self._close_server()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- injecting updates -------------------------------------------------

    @staticmethod
    def user(
        user_id: int, first_name: str = "Sam", language_code: str | None = "en"
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def private_message(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = "en",
        first_name: str = "Sam",
    ) -> int:
        """A user writes to the bot in a private chat; returns the update id."""
        sender = self.user(user_id, first_name, language_code)
        chat = {"id": user_id, "type": "private", "first_name": first_name}
        return self._push_message(chat, sender, text)

    def group_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        mention: bool = False,
        reply_to: SentMessage | None = None,
        language_code: str | None = "en",
        chat_type: str = "supergroup",
    ) -> int:
        """A user writes in a group; ``mention`` prefixes ``@botname`` with its entity."""
        sender = self.user(user_id, "Alex", language_code)
        chat = {"id": chat_id, "type": chat_type, "title": "Support circle"}
        entities: list[dict[str, Any]] = []
        if mention:
            handle = "@" + self.bot_user["username"]
            text = f"{handle} {text}"
            entities.append({"type": "mention", "offset": 0, "length": len(handle)})
        reply = self._as_message_dict(reply_to) if reply_to is not None else None
        return self._push_message(chat, sender, text, entities=entities, reply_to=reply)

    def press(
        self, user_id: int, message: SentMessage, data: str, *, language_code: str = "en"
    ) -> int:
        """A user presses an inline button under one of the bot's messages.

        Like Telegram's apps, only a button the message still shows can be pressed."""
        if data not in message.button_data():
            raise AssertionError(f"message {message.message_id} shows no button {data!r} to press")
        update_id = next(self._update_ids)
        self._pending.append(
            {
                "update_id": update_id,
                "callback_query": {
                    "id": f"cb{update_id}",
                    "from": self.user(user_id, "Sam", language_code),
                    "message": self._as_message_dict(message),
                    "chat_instance": f"ci{message.chat_id}",
                    "data": data,
                },
            }
        )
        self._wake()
        return update_id

    def push_update(self, update: dict[str, Any]) -> int:
        """Any raw update (the test supplies everything but the update_id)."""
        update_id = next(self._update_ids)
        self._pending.append({"update_id": update_id, **update})
        self._wake()
        return update_id

    def _push_message(
        self,
        chat: dict[str, Any],
        sender: dict[str, Any],
        text: str,
        *,
        entities: list[dict[str, Any]] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> int:
        chat_id = chat["id"]
        message: dict[str, Any] = {
            "message_id": self._take_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": sender,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            entities = [
                {"type": "bot_command", "offset": 0, "length": len(command)},
                *(entities or []),
            ]
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return self.push_update({"message": message})

    def _as_message_dict(self, sent: SentMessage) -> dict[str, Any]:
        """The bot's message as an update quotes it: ``text`` even when empty."""
        message = self._message_result(sent)
        message.setdefault("text", sent.text)
        return message

    # -- scripting failures ------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        retry_after: int | None = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` fail (429 with retry_after by default)."""
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if error_code == 429
                else "Internal Server Error"
            )
        self._errors.append(
            ScriptedError(
                method, error_code, description, retry_after if error_code == 429 else None, count
            )
        )

    # -- reading what the bot did ------------------------------------------

    def sent(self, chat_id: int) -> list[SentMessage]:
        return list(self._chats.get(chat_id, []))

    def all_chats(self) -> dict[int, list[SentMessage]]:
        return {chat: list(msgs) for chat, msgs in self._chats.items()}

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def pending_update_ids(self) -> list[int]:
        return [u["update_id"] for u in self._pending]

    async def wait_sent(self, chat_id: int, count: int, within: float = 10.0) -> list[SentMessage]:
        await self.wait_for(lambda: len(self._chats.get(chat_id, [])) >= count, within)
        return self.sent(chat_id)

    # -- the HTTP side -----------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ConnectionResetError:  # the client gave up (a cancelled poll at shutdown)
            return web.Response(status=499)
        self.calls.append(Call(method, params, time.monotonic()))
        try:
            scripted = self._scripted_error(method)
            if scripted is not None:
                return scripted
            handler = getattr(self, "_api_" + method, None)
            if handler is None:
                return _error(404, "Not Found: method not found")
            result = await handler(params)
            delay = self._scripted_delay(method)
            if delay:
                # Done on Telegram's side; only the answer is late (a slow network).
                await self._notify()
                await asyncio.sleep(delay)
            if isinstance(result, web.Response):
                return result
            return web.json_response({"ok": True, "result": result})
        finally:
            await self._notify()

    def delay_next(self, method: str, seconds: float, *, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` take effect at once but are answered
        ``seconds`` late, so a client with a shorter timeout cannot tell whether they worked."""
        self._delays.append([method, seconds, count])

    def _scripted_delay(self, method: str) -> float:
        for rule in self._delays:
            if rule[0] == method and rule[2] > 0:
                rule[2] -= 1
                if rule[2] == 0:
                    self._delays.remove(rule)
                return float(rule[1])
        return 0.0

    def _scripted_error(self, method: str) -> web.Response | None:
        for err in self._errors:
            if err.method == method and err.remaining > 0:
                err.remaining -= 1
                if err.remaining == 0:
                    self._errors.remove(err)
                extra = {"retry_after": err.retry_after} if err.retry_after is not None else None
                return _error(err.error_code, err.description, extra)
        return None

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool | web.Response:
        url = params.get("url", "")
        if not url:
            return await self._api_deleteWebhook(params)
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        if params.get("drop_pending_updates"):
            self._pending.clear()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhooks())
        return True

    async def _api_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook is not None:
            return _error(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        self._confirm(offset)
        if self._poll_waiter is not None and not self._poll_waiter.done():
            # Telegram allows one long poll per bot: the older one is terminated.
            self.conflicts += 1
            self._poll_waiter.set_exception(_Conflict())
        if not self._pending and timeout > 0:
            waiter = asyncio.get_running_loop().create_future()
            self._poll_waiter = waiter
            try:
                await asyncio.wait_for(asyncio.shield(waiter), timeout)
            except TimeoutError:
                pass
            except _Conflict:
                return _error(409, "Conflict: terminated by other getUpdates request")
            finally:
                if self._poll_waiter is waiter:
                    self._poll_waiter = None
        return list(self._pending[:limit])

    def _confirm(self, offset: int) -> None:
        if offset > 0 and not self.hold_confirmations:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _wake(self) -> None:
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result(None)

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        key = _commands_key(params)
        self.commands[key] = list(params.get("commands") or [])
        return True

    async def _api_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        self.chat_actions.append((int(params["chat_id"]), str(params.get("action"))))
        return True

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        text = str(params.get("text", ""))
        problem = _text_problem(text)
        if problem:
            return _error(400, problem)
        chat_id = int(params["chat_id"])
        reply_to = (params.get("reply_parameters") or {}).get("message_id") or params.get(
            "reply_to_message_id"
        )
        sent = SentMessage(
            chat_id=chat_id,
            message_id=self._take_message_id(chat_id),
            text=text,
            versions=[text],
            reply_markup=params.get("reply_markup"),
            reply_to=reply_to,
            parse_mode=params.get("parse_mode"),
        )
        self._chats.setdefault(chat_id, []).append(sent)
        return self._message_result(sent)

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        text = str(params.get("text", ""))
        problem = _text_problem(text)
        if problem:
            return _error(400, problem)
        sent = self._find(params)
        if sent is None:
            return _error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if text == sent.text and markup == sent.reply_markup:
            return _error(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of the message",
            )
        sent.text = text
        sent.reply_markup = markup
        sent.versions.append(text)
        return self._message_result(sent)

    async def _api_editMessageReplyMarkup(
        self, params: dict[str, Any]
    ) -> dict[str, Any] | web.Response:
        sent = self._find(params)
        if sent is None:
            return _error(400, "Bad Request: message to edit not found")
        sent.reply_markup = params.get("reply_markup")
        return self._message_result(sent)

    async def _api_deleteMessage(self, params: dict[str, Any]) -> bool | web.Response:
        sent = self._find(params)
        if sent is None:
            return _error(400, "Bad Request: message to delete not found")
        self._chats[sent.chat_id].remove(sent)
        self.deleted.append(sent)
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        self.answered_callbacks.append(params)
        return True

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        return self._send_file(params, "document")

    async def _api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        return self._send_file(params, "photo")

    def _send_file(self, params: dict[str, Any], kind: str) -> dict[str, Any] | web.Response:
        upload = params.get(kind)
        if not isinstance(upload, _Upload):
            return _error(400, f"Bad Request: there is no {kind} in the request")
        chat_id = int(params["chat_id"])
        caption = params.get("caption")
        sent = SentMessage(
            chat_id=chat_id,
            message_id=self._take_message_id(chat_id),
            caption=caption,
            reply_markup=params.get("reply_markup"),
        )
        setattr(sent, kind, (upload.filename, upload.data))
        self._chats.setdefault(chat_id, []).append(sent)
        result = self._message_result(sent)
        if kind == "document":
            result["document"] = {
                "file_id": f"doc{sent.message_id}",
                "file_unique_id": f"udoc{sent.message_id}",
                "file_name": upload.filename,
                "file_size": len(upload.data),
            }
        else:
            result["photo"] = [
                {
                    "file_id": f"ph{sent.message_id}",
                    "file_unique_id": f"uph{sent.message_id}",
                    "width": 1,
                    "height": 1,
                }
            ]
        if caption:
            result["caption"] = caption
        return result

    def _find(self, params: dict[str, Any]) -> SentMessage | None:
        chat_id = int(params.get("chat_id", 0))
        message_id = int(params.get("message_id", 0))
        for sent in self._chats.get(chat_id, []):
            if sent.message_id == message_id:
                return sent
        return None

    def _take_message_id(self, chat_id: int) -> int:
        value = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = value + 1
        return value

    def _message_result(self, sent: SentMessage) -> dict[str, Any]:
        chat_type = "private" if sent.chat_id > 0 else "supergroup"
        result: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": chat_type},
            "from": self.bot_user,
        }
        if sent.text:
            result["text"] = sent.text
        if sent.reply_markup:
            result["reply_markup"] = sent.reply_markup
        return result

    # -- webhook delivery --------------------------------------------------

    async def _deliver_webhooks(self) -> None:
        """Push pending updates to the webhook, one at a time, until it answers 2xx."""
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=30))
        while self.webhook is not None:
            if not self._pending:
                await asyncio.sleep(0.01)
                continue
            update = self._pending[0]
            headers = {"Content-Type": "application/json"}
            secret = self.webhook.get("secret_token")
            if secret:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            try:
                async with self._session.post(
                    self.webhook["url"], data=json.dumps(update), headers=headers
                ) as resp:
                    ok = 200 <= resp.status < 300
            except (TimeoutError, OSError):
                ok = False
            if ok:
                self._webhook_delivered.add(update["update_id"])
                if self._pending and self._pending[0] is update:
                    self._pending.pop(0)
                await self._notify()
            else:
                await asyncio.sleep(0.05)

    async def post_webhook(self, body: bytes, secret: str | None) -> int:
        """Send an arbitrary request to the webhook (to test the secret check)."""
        assert self.webhook is not None, "no webhook set"
        if self._session is None:
            self._session = ClientSession(timeout=ClientTimeout(total=30))
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self._session.post(self.webhook["url"], data=body, headers=headers) as resp:
            return resp.status


class _Conflict(Exception):
    pass


@dataclass(frozen=True)
class _Upload:
    filename: str
    data: bytes
    content_type: str


def _commands_key(params: dict[str, Any]) -> str:
    scope = (params.get("scope") or {}).get("type", "default")
    return f"{scope}:{params.get('language_code') or ''}"


def _text_problem(text: str) -> str | None:
    if not text.strip():
        return "Bad Request: message text is empty"
    if len(text) > MAX_TEXT:
        return "Bad Request: message is too long"
    return None


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def _decode(name: str, raw: str) -> Any:
    if name in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Form, JSON, multipart or query: python-telegram-bot uses the first and the third."""
    params: dict[str, Any] = {k: _decode(k, v) for k, v in request.query.items()}
    if request.method != "POST" or not request.can_read_body:
        return params
    ctype = request.content_type
    if ctype == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif ctype.startswith("multipart/"):
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            name = part.name or ""
            if part.filename:  # type: ignore[union-attr]
                data = await part.read()  # type: ignore[union-attr]
                params[name] = _Upload(
                    part.filename,  # type: ignore[union-attr]
                    bytes(data),
                    part.headers.get("Content-Type", ""),
                )
            else:
                params[name] = _decode(name, await part.text())  # type: ignore[union-attr]
    else:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = _decode(key, value)
            else:  # a file in a urlencoded body is not something PTB sends
                params[key] = _Upload(value.filename, value.file.read(), value.content_type)
    return params
