"""Telegram front-end (python-telegram-bot v22): see ``adapter.TelegramAdapter``."""

from bot.adapters.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
