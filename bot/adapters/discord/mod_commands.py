"""``/mod`` on Discord as a slash-command group with one sub-command per action.

Discord shows sub-commands and typed options (a flag id must be a number, an
audit count 1-100) in its picker, so moderators need not remember the
syntax. Each sub-command is turned back into the text the core already
understands (``/mod resolve 12 called the user``) and goes through the same
path as a typed command: the core decides who may run it and where, and
audit-logs every attempt. The adapter checks nothing itself.
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.adapters.discord.commands import DESCRIPTION_LIMIT, CommandInfoLike, SlashCallback

AUDIT_MAX = 100
USER_HELP = "discord:ID, telegram:ID, @mention, a bare id, or #FLAG"
# Fixed choices, not free text: typed, a word that is no duration reads as the
# start of the reason, so "/mod ban 42 soon" would ban for good.
DURATIONS = [
    ("30 minutes", "30m"),
    ("1 hour", "1h"),
    ("6 hours", "6h"),
    ("12 hours", "12h"),
    ("1 day", "1d"),
    ("3 days", "3d"),
    ("1 week", "7d"),
    ("2 weeks", "2w"),
    ("30 days", "30d"),
    ("90 days", "90d"),
    ("1 year", "365d"),
    ("No end", "perm"),
]


def _word(text: str | None) -> str:
    """One token: the core splits arguments at spaces."""
    return (text or "").split()[0] if (text or "").split() else ""


def _join(*parts: object) -> str:
    return " ".join(str(p).strip() for p in parts if p is not None and str(p).strip())


def build_mod_group(info: CommandInfoLike, on_slash: SlashCallback) -> app_commands.Group:
    """``/mod`` with ``stats``, ``flags``, ``flag``, ``ack``, ``resolve``, ``escalate``,
    ``ban``, ``unban``, ``pause``, ``resume``, ``reload``, ``audit`` and ``help``."""
    english = info.description("en")[:DESCRIPTION_LIMIT] or "Moderator commands"
    group = app_commands.Group(
        name=info.name,
        description=app_commands.locale_str(english, help_key=info.help_key or ""),
    )
    name = info.name

    async def run(interaction: discord.Interaction, details: str) -> None:
        await on_slash(interaction, name, details)

    def plain(sub: str, description: str) -> None:
        async def callback(interaction: discord.Interaction) -> None:
            await run(interaction, sub)

        group.add_command(
            app_commands.Command(name=sub, description=description, callback=callback)
        )

    plain("stats", "Users, messages, open flags and the model's state")
    plain("flags", "The open flag queue, most serious first")
    plain("pause", "Maintenance: users get resources and a notice instead of the model")
    plain("resume", "End maintenance mode")
    plain("reload", "Re-read the config file without a restart")
    plain("help", "What each moderator command does")

    @group.command(name="flag", description="One flag in detail")
    @app_commands.describe(id="The flag number")
    async def flag(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await run(interaction, _join("flag", id))

    @group.command(name="ack", description="Acknowledge a crisis alert: its reminders stop")
    @app_commands.describe(id="The flag number")
    async def ack(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await run(interaction, _join("ack", id))

    @group.command(name="resolve", description="Close a flag (acknowledges it too)")
    @app_commands.describe(id="The flag number", note="Optional note for the audit log")
    async def resolve(
        interaction: discord.Interaction, id: app_commands.Range[int, 1], note: str | None = None
    ) -> None:
        await run(interaction, _join("resolve", id, note))

    @group.command(
        name="escalate", description="Mark a flag as taken further (acknowledges it too)"
    )
    @app_commands.describe(id="The flag number", note="Optional note for the audit log")
    async def escalate(
        interaction: discord.Interaction, id: app_commands.Range[int, 1], note: str | None = None
    ) -> None:
        await run(interaction, _join("escalate", id, note))

    @group.command(
        name="ban", description="Stop the model answering someone (resources still go out)"
    )
    @app_commands.describe(
        user=USER_HELP,
        duration="How long (default: no end)",
        reason="Optional reason for the audit log",
    )
    @app_commands.choices(
        duration=[app_commands.Choice(name=label, value=value) for label, value in DURATIONS]
    )
    async def ban(
        interaction: discord.Interaction,
        user: str,
        duration: str | None = None,
        reason: str | None = None,
    ) -> None:
        await run(interaction, _join("ban", _word(user), _word(duration), reason))

    @group.command(name="unban", description="Lift a ban")
    @app_commands.describe(user=USER_HELP)
    async def unban(interaction: discord.Interaction, user: str) -> None:
        await run(interaction, _join("unban", _word(user)))

    @group.command(name="audit", description="The latest audit-log entries, newest first")
    @app_commands.describe(count="How many (default 20, at most 100)")
    async def audit(
        interaction: discord.Interaction, count: app_commands.Range[int, 1, AUDIT_MAX] | None = None
    ) -> None:
        await run(interaction, _join("audit", count))

    return group
