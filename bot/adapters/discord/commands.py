"""Slash commands for whatever the core's command registry holds.

The adapter does not know Haven's commands: each registered command becomes
``/name`` with one optional free-text option (``/country DE``, ``/mod flags``,
``/checkin 20:30 Europe/Berlin``) and goes to the core as the text
``/name arguments``, exactly as if it was typed. Descriptions come from the
one translation table, localized per Discord locale by a translator.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.i18n import LANGUAGES, language_for_locale, t

SlashCallback = Callable[[discord.Interaction, str, str], Awaitable[None]]
DESCRIPTION_LIMIT = 100


class CommandInfoLike(Protocol):
    name: str
    help_key: str | None
    dm_only: bool

    def description(self, language: str) -> str: ...


class HelpTranslator(app_commands.Translator):
    """Descriptions in the user's Discord language, from the translation table."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("help_key")
        if not key:
            return None
        language = language_for_locale(locale.value, "")
        if language not in LANGUAGES or language == "en":
            return None
        return t(key, language)[:DESCRIPTION_LIMIT] or None


def build_commands(
    infos: Iterable[CommandInfoLike], on_slash: SlashCallback
) -> list[app_commands.Command[Any, ..., None]]:
    commands: list[app_commands.Command[Any, ..., None]] = []
    for info in infos:
        commands.append(_command(info, on_slash))
    return commands


def _command(
    info: CommandInfoLike, on_slash: SlashCallback
) -> app_commands.Command[Any, ..., None]:
    name = info.name

    async def callback(interaction: discord.Interaction, details: str | None = None) -> None:
        await on_slash(interaction, name, details or "")

    described = app_commands.describe(details="Optional: what to add after the command")(callback)
    english = info.description("en")[:DESCRIPTION_LIMIT] or name
    description = app_commands.locale_str(english, help_key=info.help_key or "")
    command = app_commands.Command(name=name, description=description, callback=described)
    if info.dm_only:
        command.allowed_contexts = app_commands.AppCommandContext(
            guild=False, dm_channel=True, private_channel=True
        )
    return command
