"""Who may run moderator commands, and where.

The check lives here, in the core, rather than in an adapter: every platform
gets the same rule and it can be tested without any platform running. It is
pure (config in, decision out) so the tests need nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.config import ModerationSection
from bot.messages import ChatKind, Incoming, Platform


class Denial(StrEnum):
    """Why a request was refused; recorded in the audit log, never shown in detail."""

    NOT_MODERATOR = "not_moderator"
    WRONG_PLACE = "wrong_place"


@dataclass(frozen=True, slots=True)
class AuthzDecision:
    allowed: bool
    denial: Denial | None = None


ALLOWED = AuthzDecision(True)


@dataclass(frozen=True, slots=True)
class ModeratorPolicy:
    """The moderator set from the config, as strings (ids arrive as text from adapters)."""

    telegram_ids: frozenset[str] = frozenset()
    discord_ids: frozenset[str] = frozenset()
    discord_role_ids: frozenset[str] = frozenset()
    # Whoever runs `python -m bot chat` already owns the process and the database.
    terminal_is_operator: bool = True

    @classmethod
    def from_config(
        cls, section: ModerationSection, *, terminal_is_operator: bool = True
    ) -> ModeratorPolicy:
        return cls(
            telegram_ids=frozenset(str(i) for i in section.telegram_ids),
            discord_ids=frozenset(str(i) for i in section.discord_ids),
            discord_role_ids=frozenset(str(i) for i in section.discord_role_ids),
            terminal_is_operator=terminal_is_operator,
        )

    def is_moderator(self, incoming: Incoming) -> bool:
        if incoming.platform is Platform.TERMINAL:
            return self.terminal_is_operator
        if incoming.platform is Platform.TELEGRAM:
            return incoming.user_id in self.telegram_ids
        if incoming.platform is Platform.DISCORD:
            if incoming.user_id in self.discord_ids:
                return True
            return any(role in self.discord_role_ids for role in incoming.role_ids)
        return False

    @staticmethod
    def in_permitted_place(incoming: Incoming) -> bool:
        """A DM with the bot or the configured moderator chat: flag details must
        never land in a public channel."""
        return incoming.chat_kind is ChatKind.DM or incoming.in_moderator_chat

    def check(self, incoming: Incoming) -> AuthzDecision:
        if not self.is_moderator(incoming):
            return AuthzDecision(False, Denial.NOT_MODERATOR)
        if not self.in_permitted_place(incoming):
            return AuthzDecision(False, Denial.WRONG_PLACE)
        return ALLOWED
