"""Discord front-end (discord.py 2.x): see ``adapter.DiscordAdapter``."""

from bot.adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
