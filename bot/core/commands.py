"""The command registry: other packages add commands without editing the core.

A handler is ``async def handler(ctx) -> AsyncIterator[Reply]`` (an async
generator), or a coroutine returning a ``Reply``, a list of them, or None.
Button presses arrive as ``Incoming.action`` (``"forget:confirm"``) and go to
the handler registered for the part before the first colon.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import HavenConfig
from bot.i18n import t
from bot.messages import Incoming, Reply

if TYPE_CHECKING:
    from bot.core.pipeline import ConversationCore
    from bot.memory.db import Database
    from bot.memory.store import MemoryStore, UserRecord
    from bot.safety.layer import SafetyLayer

HandlerResult = AsyncIterator[Reply] | Awaitable[Reply | Sequence[Reply] | None]
CommandHandler = Callable[["CommandContext"], HandlerResult]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(slots=True)
class CommandContext:
    """What a command handler gets: the message, its parsed arguments, who
    sent it (language, country, stored user if any) and the core's services."""

    incoming: Incoming
    name: str  # the command name, or the action prefix for a button
    args: list[str]  # words after the command; for an action, the parts after the prefix
    arg_text: str  # everything after the command, as typed
    language: str
    country: str | None
    config: HavenConfig
    db: Database
    store: MemoryStore
    safety: SafetyLayer
    core: ConversationCore
    user: UserRecord | None = None  # None until the user has consented
    extras: dict[str, Any] = field(default_factory=dict)

    def t(self, key: str, **fmt: object) -> str:
        """This user's translation of ``key``."""
        return t(key, self.language, **fmt)

    def run_pipeline(self, text: str) -> AsyncIterator[Reply]:
        """Send ``text`` through the normal conversation pipeline as this user."""
        return self.core.run_text(self.incoming, text)

    @property
    def action(self) -> str | None:
        return self.incoming.action


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str
    handler: CommandHandler
    help_key: str | None
    dm_only: bool = False
    requires_consent: bool = False
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class CommandInfo:
    """What an adapter needs to publish a command (setMyCommands, slash commands)."""

    name: str
    help_key: str | None
    dm_only: bool

    def description(self, language: str) -> str:
        return t(self.help_key, language) if self.help_key else self.name


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    name: str
    args: list[str]
    arg_text: str


def parse_command(text: str) -> ParsedCommand | None:
    """``/name@Bot arg1 arg2`` -> ParsedCommand; anything else -> None."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    head, _, rest = stripped[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    if not _NAME.match(name):
        return None
    arg_text = rest.strip()
    return ParsedCommand(name, arg_text.split(), arg_text)


class CommandRegistry:
    def __init__(self) -> None:
        self._commands: dict[str, CommandSpec] = {}
        self._actions: dict[str, CommandHandler] = {}

    def command(
        self,
        name: str,
        handler: CommandHandler,
        *,
        help_key: str | None = None,
        dm_only: bool = False,
        requires_consent: bool = False,
        hidden: bool = False,
        replace: bool = False,
    ) -> None:
        """Register ``/name``. ``requires_consent``: the core shows the
        disclaimer instead until the user agreed (anything that stores data).
        ``hidden``: routed but not advertised by adapters."""
        key = name.lower().lstrip("/")
        if not _NAME.match(key):
            raise ValueError(f"invalid command name {name!r}: use a-z, 0-9 and _, 32 at most")
        if key in self._commands and not replace:
            raise ValueError(f"command /{key} is already registered")
        self._commands[key] = CommandSpec(key, handler, help_key, dm_only, requires_consent, hidden)

    def action(self, prefix: str, handler: CommandHandler, *, replace: bool = False) -> None:
        """Register a button handler for actions ``prefix`` and ``prefix:...``."""
        if not prefix or ":" in prefix:
            raise ValueError(f"invalid action prefix {prefix!r}")
        if prefix in self._actions and not replace:
            raise ValueError(f"action {prefix!r} is already registered")
        self._actions[prefix] = handler

    def get(self, name: str) -> CommandSpec | None:
        return self._commands.get(name.lower())

    def find_action(self, action: str) -> tuple[CommandHandler, str, list[str]] | None:
        prefix, _, rest = action.partition(":")
        handler = self._actions.get(prefix)
        if handler is None:
            return None
        return handler, prefix, rest.split(":") if rest else []

    def names(self) -> list[CommandInfo]:
        """Advertised commands in registration order."""
        return [
            CommandInfo(spec.name, spec.help_key, spec.dm_only)
            for spec in self._commands.values()
            if not spec.hidden
        ]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._commands


async def run_handler(handler: CommandHandler, ctx: CommandContext) -> AsyncIterator[Reply]:
    """Normalise the accepted handler shapes into one stream of replies."""
    result = handler(ctx)
    if inspect.isasyncgen(result) or hasattr(result, "__anext__"):
        async for reply in result:  # type: ignore[union-attr]
            yield reply
        return
    value = await result  # type: ignore[misc]
    if value is None:
        return
    if isinstance(value, Reply):
        yield value
        return
    for reply in value:
        yield reply
