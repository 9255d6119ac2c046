"""Discord API v10 and gateway on 127.0.0.1 for tests: the real discord.py 2.7 talks to it.

One aiohttp server carries both the REST API (``/api/v10``) and the gateway
(``/gateway``). The gateway does what discord.py relies on: HELLO, heartbeat
ACK, IDENTIFY -> READY + GUILD_CREATE, sequence numbers, zlib-stream
compression when asked, and RESUME after a dropped connection, replaying what
the client missed. REST answers with ``Content-Type: application/json``
(discord.py decodes nothing else) and 429s carry ``retry_after`` and a
``Via`` header (without one discord.py assumes a Cloudflare ban).

Like the real service, message content in servers is blanked unless the bot
asked for the message-content intent or is mentioned.

Tests inject events (``dm``, ``guild_message``, ``slash``, ``click``), drop
the socket (``drop``), script 429s (``rate_limit_next``) and read what the bot
sent (``sent``, ``interaction``).
"""

from __future__ import annotations

import itertools
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.peers.loopback import LoopbackPeer

MAX_CONTENT = 2000
EPHEMERAL = 1 << 6
MESSAGE_CONTENT_INTENT = 1 << 15
_SNOWFLAKES = itertools.count(1_200_000_000_000_000_000)


def snowflake() -> str:
    return str(next(_SNOWFLAKES))


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class SentMessage:
    """A message the bot posted (to a channel, or as an interaction response)."""

    id: str
    channel_id: str
    content: str = ""
    versions: list[str] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    allowed_mentions: dict[str, Any] | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    reference: str | None = None  # the message it replies to
    flags: int = 0
    interaction_id: str | None = None

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def edits(self) -> int:
        return max(0, len(self.versions) - 1)

    def custom_ids(self) -> list[str]:
        return [
            c.get("custom_id", "") for row in self.components for c in row.get("components", [])
        ]


@dataclass
class InteractionRecord:
    id: str
    token: str
    channel_id: str
    kind: int  # 2 command, 3 component
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: SentMessage | None = None
    followups: list[SentMessage] = field(default_factory=list)
    message_id: str | None = None  # the message whose button was pressed

    def messages(self) -> list[SentMessage]:
        return ([self.original] if self.original else []) + self.followups


@dataclass
class _Session:
    id: str
    seq: int = 0
    events: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


class _Connection:
    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self.compressor = zlib.compressobj() if compress else None
        self.session: _Session | None = None

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        if self.compressor is None:
            await self.ws.send_str(text)
        else:
            data = self.compressor.compress(text.encode()) + self.compressor.flush(
                zlib.Z_SYNC_FLUSH
            )
            await self.ws.send_bytes(data)


class DiscordPeer(LoopbackPeer):
    """One bot application with one guild; start() binds a random loopback port."""

    def __init__(
        self, token: str = "discord-test-token", *, heartbeat_interval_ms: int = 41_250
    ) -> None:
        super().__init__()
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.application_id = snowflake()
        self.bot_user = _user(self.application_id, "Haven", bot=True)
        self.owner = _user(snowflake(), "operator")
        self.guild_id = snowflake()
        self.channel_id = snowflake()  # #general
        self.quiet_channel_id = snowflake()  # #support, where channel_ids may let it answer
        self.mod_channel_id = snowflake()  # #moderators, for moderation.discord_channel_id
        self.moderator_role_id = snowflake()
        self.calls: list[tuple[str, str, Any]] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.connections = 0
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.typing: list[str] = []
        self.interactions: dict[str, InteractionRecord] = {}
        self.deleted: list[SentMessage] = []
        self.member_roles: dict[str, tuple[str, ...]] = {}  # server members (user id -> role ids)
        self._channels: dict[str, dict[str, Any]] = {
            self.channel_id: self._guild_channel(self.channel_id, "general"),
            self.quiet_channel_id: self._guild_channel(self.quiet_channel_id, "support"),
            self.mod_channel_id: self._guild_channel(self.mod_channel_id, "moderators"),
        }
        self._dm_by_user: dict[str, str] = {}
        self._messages: dict[str, list[SentMessage]] = {}
        self._by_id: dict[str, SentMessage] = {}
        self._rate_limits: list[list[Any]] = []  # [method, path_fragment, retry_after, remaining]
        self._session: _Session | None = None
        self._connection: _Connection | None = None
        self._backlog: list[tuple[str, dict[str, Any]]] = []  # events before anyone identified

    # -- lifecycle ---------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/resume", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        await self._serve(app)

    async def stop(self) -> None:
        if self._connection is not None:
            await self._connection.ws.close(code=1001)
        await self._close_server()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- injecting events --------------------------------------------------

    def user(self, user_id: str, name: str = "sam", *, bot: bool = False) -> dict[str, Any]:
        return _user(user_id, name, bot=bot)

    def dm_channel_for(self, user_id: str) -> str:
        if user_id not in self._dm_by_user:
            channel_id = snowflake()
            self._dm_by_user[user_id] = channel_id
            self._channels[channel_id] = {
                "id": channel_id,
                "type": 1,
                "recipients": [self.user(user_id)],
                "last_message_id": None,
            }
        return self._dm_by_user[user_id]

    async def dm(self, user_id: str, content: str, *, name: str = "sam") -> str:
        """A user writes to the bot in a DM; returns the message id."""
        channel_id = self.dm_channel_for(user_id)
        message = self._message(channel_id, self.user(user_id, name), content)
        await self.emit("MESSAGE_CREATE", message)
        return message["id"]

    async def guild_message(
        self,
        user_id: str,
        content: str,
        *,
        channel_id: str | None = None,
        mention: bool = False,
        reply_to: SentMessage | None = None,
        bot: bool = False,
        roles: tuple[str, ...] = (),
        mention_everyone: bool = False,
    ) -> str:
        """A user (or another bot) writes in a server channel; returns the message id."""
        channel_id = channel_id or self.channel_id
        author = self.user(user_id, "alex", bot=bot)
        if mention:
            content = f"<@{self.application_id}> {content}"
        message = self._message(channel_id, author, content)
        message["guild_id"] = self.guild_id
        message["member"] = {
            "roles": list(roles),
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        mentioned_bot = mention
        if mention:
            message["mentions"] = [self.bot_user]
        message["mention_everyone"] = mention_everyone
        if reply_to is not None:
            message["message_reference"] = {
                "message_id": reply_to.id,
                "channel_id": channel_id,
                "guild_id": self.guild_id,
            }
            message["referenced_message"] = self._as_payload(reply_to)
            message["mentions"] = [self.bot_user]  # a reply pings its author by default
            mentioned_bot = True
        if not self._has_content_intent() and not mentioned_bot:
            message["content"] = ""  # what Discord does without the privileged intent
        await self.emit("MESSAGE_CREATE", message)
        return message["id"]

    async def slash(
        self,
        name: str,
        user_id: str,
        *,
        options: dict[str, Any] | None = None,
        subcommand: str | None = None,
        in_guild: bool = False,
        locale: str = "en-US",
        roles: tuple[str, ...] = (),
        channel_id: str | None = None,
    ) -> InteractionRecord:
        """A user runs a slash command (in a DM unless ``in_guild`` or a server ``channel_id``)."""
        opts = [
            {"name": k, "type": 3 if isinstance(v, str) else 4, "value": v}
            for k, v in (options or {}).items()
        ]
        if subcommand is not None:
            opts = [{"name": subcommand, "type": 1, "options": opts}]
        data = {"id": self._command_id(name), "name": name, "type": 1, "options": opts}
        in_guild = in_guild or channel_id is not None
        return await self._interaction(
            2, data, user_id, in_guild=in_guild, locale=locale, roles=roles, channel_id=channel_id
        )

    async def click(
        self,
        user_id: str,
        message: SentMessage,
        custom_id: str,
        *,
        locale: str = "en-US",
        roles: tuple[str, ...] = (),
    ) -> InteractionRecord:
        """A user presses a button under one of the bot's messages.

        Like Discord's client, only a button the message still shows can be pressed."""
        current = self._by_id.get(message.id)
        if current is None or custom_id not in current.custom_ids():
            raise AssertionError(f"message {message.id} shows no button {custom_id!r} to press")
        in_guild = self._channels.get(message.channel_id, {}).get("type") == 0
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interaction(
            3,
            data,
            user_id,
            in_guild=in_guild,
            locale=locale,
            message=current,
            channel_id=message.channel_id,
            roles=roles,
        )

    async def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user_id: str,
        *,
        in_guild: bool,
        locale: str,
        roles: tuple[str, ...] = (),
        message: SentMessage | None = None,
        channel_id: str | None = None,
    ) -> InteractionRecord:
        if channel_id is None:
            channel_id = self.channel_id if in_guild else self.dm_channel_for(user_id)
        record = InteractionRecord(snowflake(), f"tok-{snowflake()}", channel_id, kind)
        record.message_id = message.id if message is not None else None
        self.interactions[record.id] = record
        payload: dict[str, Any] = {
            "id": record.id,
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "channel_id": channel_id,
            "channel": self._channels[channel_id],
            "token": record.token,
            "version": 1,
            "locale": locale,
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id} if in_guild else {"1": user_id},
            "context": 0 if in_guild else 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if in_guild:
            payload["guild_id"] = self.guild_id
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                "user": self.user(user_id),
                "roles": list(roles),
                "joined_at": _now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": "0",
            }
        else:
            payload["user"] = self.user(user_id)
        if message is not None:
            payload["message"] = self._as_payload(message)
        await self.emit("INTERACTION_CREATE", payload)
        return record

    async def emit(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch a gateway event; kept for replay if the socket is down."""
        if self._session is None:
            self._backlog.append((event, data))
            return
        session = self._session
        session.seq += 1
        session.events.append((session.seq, event, data))
        conn = self._connection
        if conn is not None and conn.session is session and not conn.ws.closed:
            await conn.send({"op": 0, "t": event, "s": session.seq, "d": data})

    async def drop(self, code: int = 4000) -> None:
        """Close the gateway socket the way a network blip or a restart on Discord's side does."""
        conn = self._connection
        if conn is not None:
            self._connection = None
            await conn.ws.close(code=code)

    # -- scripting ---------------------------------------------------------

    def rate_limit_next(
        self, method: str, path_fragment: str, *, retry_after: float = 0.3, count: int = 1
    ) -> None:
        """The next ``count`` matching REST calls answer 429 with ``retry_after`` seconds."""
        self._rate_limits.append([method, path_fragment, retry_after, count])

    # -- reading -----------------------------------------------------------

    def sent(self, channel_id: str) -> list[SentMessage]:
        return list(self._messages.get(channel_id, []))

    def sent_to_user(self, user_id: str) -> list[SentMessage]:
        return self.sent(self.dm_channel_for(user_id))

    def calls_to(self, method: str, fragment: str) -> list[tuple[str, str, Any]]:
        return [c for c in self.calls if c[0] == method and fragment in c[1]]

    async def wait_ready(self, within: float = 10.0) -> None:
        await self.wait_for(
            lambda: self._session is not None and self._connection is not None, within
        )

    # -- gateway -----------------------------------------------------------

    def _has_content_intent(self) -> bool:
        return bool(self.identifies) and bool(
            int(self.identifies[-1].get("intents", 0)) & MESSAGE_CONTENT_INTENT
        )

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(ws, compress=request.query.get("compress") == "zlib-stream")
        self.connections += 1
        await conn.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                await self._on_gateway_message(conn, json.loads(msg.data))
        finally:
            if self._connection is conn:
                self._connection = None
            await self._notify()
        return ws

    async def _on_gateway_message(self, conn: _Connection, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        if op == 1:
            self.heartbeats += 1
            await conn.send({"op": 11})
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        await self._notify()

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await conn.ws.close(code=4004)  # authentication failed
            return
        self.identifies.append(data)
        session = _Session(id=f"session-{snowflake()}")
        self._session, self._connection, conn.session = session, conn, session
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": self.guild_id, "unavailable": True}],
            "session_id": session.id,
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway/resume",
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
        }
        await self.emit("READY", ready)
        await self.emit("GUILD_CREATE", self._guild_payload())
        backlog, self._backlog = self._backlog, []
        for event, event_data in backlog:
            await self.emit(event, event_data)

    async def _resume(self, conn: _Connection, data: dict[str, Any]) -> None:
        self.resumes.append(data)
        session = self._session
        if (
            data.get("token") != self.token
            or session is None
            or data.get("session_id") != session.id
        ):
            await conn.send({"op": 9, "d": False})  # invalid session: identify again
            return
        self._connection, conn.session = conn, session
        last = int(data.get("seq") or 0)
        for seq, event, event_data in session.events:
            if seq > last:
                await conn.send({"op": 0, "t": event, "s": seq, "d": event_data})
        session.seq += 1
        await conn.send({"op": 0, "t": "RESUMED", "s": session.seq, "d": {}})

    # -- REST --------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        if request.headers.get("Authorization") != f"Bot {self.token}" and not path.startswith(
            ("/webhooks/", "/interactions/")
        ):
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        body = await _read_body(request)
        self.calls.append((request.method, path, body))
        try:
            limited = self._rate_limited(request.method, path)
            if limited is not None:
                return limited
            return await self._route(request, path, body)
        finally:
            await self._notify()

    def _rate_limited(self, method: str, path: str) -> web.Response | None:
        for rule in self._rate_limits:
            if rule[0] == method and rule[1] in path and rule[3] > 0:
                rule[3] -= 1
                if rule[3] == 0:
                    self._rate_limits.remove(rule)
                retry_after = rule[2]
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": False,
                }
                return web.Response(
                    body=json.dumps(body).encode(),
                    status=429,
                    headers={
                        "Content-Type": "application/json",
                        "Via": "1.1 google",
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": str(retry_after),
                        "X-RateLimit-Bucket": "peer-bucket",
                        "X-RateLimit-Scope": "user",
                    },
                )
        return None

    async def _route(self, request: web.Request, path: str, body: dict[str, Any]) -> web.Response:
        parts = path.strip("/").split("/")
        method = request.method
        if path == "/users/@me" and method == "GET":
            return _json(self.bot_user)
        if path == "/oauth2/applications/@me":
            return _json(self._application())
        if path in ("/gateway", "/gateway/bot"):
            return _json({"url": self.gateway_url, "shards": 1})
        if path == "/users/@me/channels" and method == "POST":
            channel_id = self.dm_channel_for(str(body["recipient_id"]))
            return _json(self._channels[channel_id])
        if parts[0] == "applications" and parts[-1] == "commands":
            key = parts[3] if len(parts) == 5 else "global"
            if method == "PUT":
                self.commands[key] = [self._registered(c, key) for c in body.get("_json", [])]
            return _json(self.commands.get(key, []))
        if parts[0] == "channels":
            return self._channel_route(method, parts, body)
        if parts[0] == "guilds" and len(parts) == 4 and parts[2] == "members" and method == "GET":
            return self._member(parts[1], parts[3])
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._interaction_callback(parts[1], body)
        if parts[0] == "webhooks":
            return self._webhook_route(method, parts, body)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _channel_route(self, method: str, parts: list[str], body: dict[str, Any]) -> web.Response:
        channel_id = parts[1]
        if channel_id not in self._channels:
            return _json({"message": "Unknown Channel", "code": 10003}, 404)
        if len(parts) == 2:
            return _json(self._channels[channel_id])
        if parts[2] == "typing":
            self.typing.append(channel_id)
            return web.Response(status=204)
        if parts[2] == "messages" and len(parts) == 3 and method == "POST":
            problem = _content_problem(body)
            if problem is not None:
                return problem
            sent = self._store(channel_id, body)
            return _json(self._as_payload(sent))
        if parts[2] == "messages" and len(parts) == 4 and method == "PATCH":
            return self._edit(parts[3], body)
        if parts[2] == "messages" and len(parts) == 4 and method == "DELETE":
            return self._delete(parts[3])
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _member(self, guild_id: str, user_id: str) -> web.Response:
        if guild_id != self.guild_id or user_id not in self.member_roles:
            return _json({"message": "Unknown Member", "code": 10007}, 404)
        return _json(
            {
                "user": self.user(user_id),
                "roles": list(self.member_roles[user_id]),
                "joined_at": _now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        )

    def _interaction_callback(self, interaction_id: str, body: dict[str, Any]) -> web.Response:
        record = self.interactions.get(interaction_id)
        if record is None:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if record.callbacks:
            return _json(
                {"message": "Interaction has already been acknowledged.", "code": 40060}, 400
            )
        record.callbacks.append(body)
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        result: dict[str, Any] = {
            "interaction": {
                "id": record.id,
                "type": record.kind,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if kind in (4, 5):  # a message (or "thinking...") that later edits fill in
            if kind == 4:
                problem = _content_problem(data)
                if problem is not None:
                    record.callbacks.clear()
                    return problem
            sent = self._store(record.channel_id, data, interaction_id=record.id)
            record.original = sent
            result["interaction"]["response_message_id"] = sent.id
            result["resource"] = {"type": kind, "message": self._as_payload(sent)}
        elif kind == 7 and record.message_id is not None:  # update the clicked message
            target = self._by_id.get(record.message_id)
            if target is not None:
                self._apply_edit(target, data)
        elif kind == 6 and record.message_id is not None:
            # Deferred update: "@original" is now the clicked message, for later edits.
            record.original = self._by_id.get(record.message_id)
        return _json(result)

    def _webhook_route(self, method: str, parts: list[str], body: dict[str, Any]) -> web.Response:
        record = next((r for r in self.interactions.values() if r.token == parts[2]), None)
        if record is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        if len(parts) == 3 and method == "POST":  # a followup
            problem = _content_problem(body)
            if problem is not None:
                return problem
            sent = self._store(record.channel_id, body, interaction_id=record.id)
            record.followups.append(sent)
            return _json(self._as_payload(sent))
        if len(parts) == 5 and parts[3] == "messages":
            target = record.original if parts[4] == "@original" else self._by_id.get(parts[4])
            if target is None:
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            if method == "GET":
                return _json(self._as_payload(target))
            if method == "PATCH":
                return self._edit(target.id, body)
            if method == "DELETE":
                return self._delete(target.id)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _edit(self, message_id: str, body: dict[str, Any]) -> web.Response:
        sent = self._by_id.get(message_id)
        if sent is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if "content" in body:
            problem = _content_problem(body)
            if problem is not None:
                return problem
        self._apply_edit(sent, body)
        return _json(self._as_payload(sent))

    @staticmethod
    def _apply_edit(sent: SentMessage, body: dict[str, Any]) -> None:
        if "content" in body:
            sent.content = body["content"] or ""
            sent.versions.append(sent.content)
        if "components" in body:
            sent.components = body["components"] or []
        if "allowed_mentions" in body:
            sent.allowed_mentions = body["allowed_mentions"]
        if body.get("_files"):
            sent.files = list(body["_files"])

    def _delete(self, message_id: str) -> web.Response:
        sent = self._by_id.pop(message_id, None)
        if sent is None:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        self._messages[sent.channel_id].remove(sent)
        self.deleted.append(sent)
        return web.Response(status=204)

    def _store(
        self, channel_id: str, body: dict[str, Any], *, interaction_id: str | None = None
    ) -> SentMessage:
        content = body.get("content") or ""
        reference = (body.get("message_reference") or {}).get("message_id")
        sent = SentMessage(
            id=snowflake(),
            channel_id=channel_id,
            content=content,
            versions=[content] if content else [],
            components=body.get("components") or [],
            allowed_mentions=body.get("allowed_mentions"),
            files=list(body.get("_files", [])),
            reference=str(reference) if reference else None,
            flags=int(body.get("flags") or 0),
            interaction_id=interaction_id,
        )
        self._messages.setdefault(channel_id, []).append(sent)
        self._by_id[sent.id] = sent
        return sent

    # -- payload builders --------------------------------------------------

    def _message(self, channel_id: str, author: dict[str, Any], content: str) -> dict[str, Any]:
        return {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": author,
            "content": content,
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
        }

    def _as_payload(self, sent: SentMessage) -> dict[str, Any]:
        payload = self._message(sent.channel_id, self.bot_user, sent.content)
        payload["id"] = sent.id
        payload["components"] = sent.components
        payload["flags"] = sent.flags
        payload["attachments"] = [
            {
                "id": snowflake(),
                "filename": name,
                "size": len(data),
                "url": f"http://127.0.0.1:{self.port}/attachments/{name}",
                "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{name}",
            }
            for name, data in sent.files
        ]
        if self._channels.get(sent.channel_id, {}).get("type") == 0:
            payload["guild_id"] = self.guild_id
        return payload

    def _guild_channel(self, channel_id: str, name: str) -> dict[str, Any]:
        return {
            "id": channel_id,
            "type": 0,
            "name": name,
            "position": 0,
            "guild_id": self.guild_id,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }

    def _guild_payload(self) -> dict[str, Any]:
        everyone = {
            "id": self.guild_id,
            "name": "@everyone",
            "permissions": "1071698660929",
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
        }
        moderator = {**everyone, "id": self.moderator_role_id, "name": "Moderator", "position": 1}
        return {
            "id": self.guild_id,
            "name": "Peer Support",
            "owner_id": self.owner["id"],
            "unavailable": False,
            "member_count": 3,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [everyone, moderator],
            "channels": [c for c in self._channels.values() if c.get("type") == 0],
            "threads": [],
            "members": [
                {
                    "user": self.bot_user,
                    "roles": [],
                    "joined_at": _now(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                }
            ],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "preferred_locale": "en-US",
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "joined_at": _now(),
        }

    def _application(self) -> dict[str, Any]:
        return {
            "id": self.application_id,
            "name": "Haven",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner,
            "verify_key": "0" * 64,
            "flags": 0,
            "bot": self.bot_user,
        }

    def _registered(self, command: dict[str, Any], key: str) -> dict[str, Any]:
        registered = {
            **command,
            "id": self._command_id(command["name"]),
            "application_id": self.application_id,
            "version": snowflake(),
            "default_member_permissions": command.get("default_member_permissions"),
        }
        if key != "global":
            registered["guild_id"] = key
        return registered

    def _command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return str(command["id"])
        return str(abs(hash(name)) % 10**18)

    def command_names(self, key: str = "global") -> list[str]:
        return sorted(c["name"] for c in self.commands.get(key, []))


def _user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name.title(),
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly application/json: discord.py decodes nothing else.
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _content_problem(body: dict[str, Any]) -> web.Response | None:
    content = body.get("content") or ""
    if len(content) > MAX_CONTENT:
        return _json(
            {
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {
                    "content": {
                        "_errors": [
                            {
                                "code": "BASE_TYPE_MAX_LENGTH",
                                "message": "Must be 2000 or fewer in length.",
                            }
                        ]
                    }
                },
            },
            400,
        )
    if (
        not content
        and not body.get("_files")
        and not body.get("embeds")
        and not body.get("components")
        and not body.get("flags")
    ):
        return _json({"message": "Cannot send an empty message", "code": 50006}, 400)
    return None


async def _read_body(request: web.Request) -> dict[str, Any]:
    """JSON or multipart (payload_json + files[n]); a JSON list lands under ``_json``."""
    if not request.can_read_body:
        return {}
    if request.content_type.startswith("multipart/"):
        body: dict[str, Any] = {}
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        while True:
            part = await reader.next()
            if part is None:
                break
            if part.name == "payload_json":
                body.update(json.loads(await part.text()))  # type: ignore[union-attr]
            elif part.filename:  # type: ignore[union-attr]
                files.append((part.filename, bytes(await part.read())))  # type: ignore[union-attr]
        body["_files"] = files
        return body
    raw = await request.read()
    if not raw:
        return {}
    data = json.loads(raw)
    return data if isinstance(data, dict) else {"_json": data}


__all__ = ["DiscordPeer", "InteractionRecord", "SentMessage", "snowflake"]
