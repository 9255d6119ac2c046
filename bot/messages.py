"""Platform-neutral messages: what adapters hand the core and what they get back.

Adapters translate platform events into ``Incoming`` and render ``Reply``
objects; nothing in here knows about Discord, Telegram or the terminal.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import StrEnum


class Platform(StrEnum):
    TERMINAL = "terminal"
    DISCORD = "discord"
    TELEGRAM = "telegram"


class ChatKind(StrEnum):
    DM = "dm"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One user event: a text message, or a button press (``action``)."""

    platform: Platform
    user_id: str
    chat_id: str
    chat_kind: ChatKind
    text: str
    locale: str | None = None  # platform language tag, e.g. "en-GB", "de"
    message_id: str | None = None
    action: str | None = None  # callback data of a pressed button, e.g. "consent:yes"
    user_name: str | None = None
    role_ids: tuple[str, ...] = ()  # Discord roles, for the moderator check
    in_moderator_chat: bool = False  # set by the adapter: the configured mod channel/chat


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str  # comes back as Incoming.action when pressed


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    data: bytes
    mime: str
    kind: str = "document"  # "document" or "photo"


@dataclass(slots=True)
class Reply:
    """One message the bot sends.

    Either ``text`` is complete, or ``stream`` yields the reply's full text so
    far (snapshots, not deltas), each a moderated prefix of the final text or a
    replacement for all of it; the last snapshot is the final reply. Snapshots
    suit adapters that edit one message in place.
    """

    text: str = ""
    stream: AsyncIterator[str] | None = None
    buttons: tuple[Button, ...] = ()
    attachment: Attachment | None = None
    kind: str = "text"  # "text", "model", "crisis", "notice", "error"

    async def final_text(self) -> str:
        """Drain the stream (if any) and return the complete text."""
        if self.stream is None:
            return self.text
        last = self.text
        async for snapshot in self.stream:
            last = snapshot
        self.text, self.stream = last, None
        return last


@dataclass(frozen=True, slots=True)
class Outbound:
    """A message the bot starts itself (alerts, check-ins), sent via a Notifier."""

    platform: Platform
    chat_id: str
    text: str
    buttons: tuple[Button, ...] = ()
    attachment: Attachment | None = None
    meta: dict[str, str] = field(default_factory=dict)
