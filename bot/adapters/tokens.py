"""The bot token an enabled platform cannot start without.

Tokens live in the environment, never in the config file; a missing one stops
start-up with a message naming both the variable and the config key, so an
operator knows where to put it."""

from __future__ import annotations

from bot.config import ConfigError, HavenConfig


def bot_token(config: HavenConfig, section: str, given: str | None, where_to_get: str) -> str:
    """``given`` (tests, embedders) or the variable ``<section>.token_env`` names."""
    env_name: str = getattr(config, section).token_env
    token = given or config.secret(env_name)
    if not token:
        raise ConfigError(
            f"{section}.enabled is true but the environment variable {env_name} "
            f"({section}.token_env) holds no bot token; {where_to_get}"
        )
    return token
