"""Haven's configuration: the one place every key, its type and its default live.

Sources, strongest first: ``HAVEN_<SECTION>__<KEY>`` environment variables,
then the TOML file, then the defaults below. Secrets never live in the file;
keys ending in ``_env`` name the environment variable that holds them.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from model.config import ModelSection, Section

DEFAULT_CONFIG_PATH = Path("config.toml")


class BotSection(Section):
    name: str = "Haven"
    default_locale: str = "en"
    max_message_chars: int = Field(4000, ge=1, le=100_000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    shutdown_grace_s: float = Field(10.0, ge=0)


class PrivacySection(Section):
    require_consent: bool = True
    # Off by default: message content never reaches logs unless an operator opts in.
    log_content: bool = False


class MemorySection(Section):
    path: Path = Path("data/haven.db")
    retention_days: int = Field(90, ge=1)
    busy_timeout_ms: int = Field(5000, ge=0)


class LimitsSection(Section):
    # Token bucket per user: `burst` messages at once, refilled at `per_minute`.
    per_minute: float = Field(12.0, gt=0)
    burst: int = Field(5, ge=1)
    max_queued_per_user: int = Field(5, ge=1)
    max_concurrent_generations: int = Field(1, ge=1)


class CrisisResource(Section):
    name: str
    phone: str | None = None
    text: str | None = None
    url: str | None = None
    hours: str | None = None


class SafetySection(Section):
    semantic: bool = True  # the MiniLM layer; the lexicon always runs
    context_turns: int = Field(4, ge=1)
    # Country code -> resources; merged over the built-in table (bot/safety/resources.py).
    resources: dict[str, list[CrisisResource]] = Field(default_factory=dict)
    default_country: str | None = None


class ModerationSection(Section):
    telegram_ids: list[int] = Field(default_factory=list)
    discord_ids: list[int] = Field(default_factory=list)
    discord_role_ids: list[int] = Field(default_factory=list)
    discord_channel_id: int | None = None
    telegram_chat_id: int | None = None
    alert_excerpts: bool = False
    realert_minutes: float = Field(15.0, gt=0)


class SchedulerSection(Section):
    enabled: bool = True
    misfire_grace_s: int = Field(3600, ge=1)
    retention_hour_utc: int = Field(3, ge=0, le=23)


class HealthSection(Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(9464, ge=0, le=65535)


class TelegramSection(Section):
    enabled: bool = False
    token_env: str = "TELEGRAM_BOT_TOKEN"
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_secret_env: str = "TELEGRAM_WEBHOOK_SECRET"
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    edit_interval_s: float = Field(1.0, gt=0)
    min_edit_chars: int = Field(40, ge=1)


class DiscordSection(Section):
    enabled: bool = False
    token_env: str = "DISCORD_BOT_TOKEN"
    api_base: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg"
    # Channels where the bot answers without being mentioned.
    channel_ids: list[int] = Field(default_factory=list)
    edit_interval_s: float = Field(1.0, gt=0)


class HavenConfig(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HAVEN_",
        env_nested_delimiter="__",
        case_sensitive=False,
        extra="forbid",
        validate_assignment=True,
    )

    bot: BotSection = Field(default_factory=BotSection)
    privacy: PrivacySection = Field(default_factory=PrivacySection)
    memory: MemorySection = Field(default_factory=MemorySection)
    model: ModelSection = Field(default_factory=ModelSection)
    limits: LimitsSection = Field(default_factory=LimitsSection)
    safety: SafetySection = Field(default_factory=SafetySection)
    moderation: ModerationSection = Field(default_factory=ModerationSection)
    scheduler: SchedulerSection = Field(default_factory=SchedulerSection)
    health: HealthSection = Field(default_factory=HealthSection)
    telegram: TelegramSection = Field(default_factory=TelegramSection)
    discord: DiscordSection = Field(default_factory=DiscordSection)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _ACTIVE_PATH.get("path")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    def secret(self, env_name: str) -> str | None:
        """Read a secret named by a ``*_env`` key; empty counts as unset."""
        value = os.environ.get(env_name, "").strip()
        return value or None


# The settings class reads its file path from here (pydantic-settings builds
# sources before __init__ sees arguments).
_ACTIVE_PATH: dict[str, Path | None] = {"path": None}


class ConfigError(Exception):
    """An invalid configuration; the message names each bad key."""


def load_config(path: str | Path | None = None) -> HavenConfig:
    """Load and validate; raise ConfigError naming every bad key and why."""
    cfg_path = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    if path is not None and not cfg_path.exists():
        raise ConfigError(f"config file not found: {cfg_path}")
    if cfg_path.exists():
        try:
            with cfg_path.open("rb") as fh:
                tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{cfg_path}: not valid TOML: {exc}") from exc
    _ACTIVE_PATH["path"] = cfg_path if cfg_path.exists() else None
    try:
        return HavenConfig()
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, cfg_path)) from exc
    finally:
        _ACTIVE_PATH["path"] = None


def format_validation_error(exc: ValidationError, source: Path) -> str:
    lines = [f"invalid configuration ({source}, or a HAVEN_* environment variable):"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(root)"
        value = err.get("input")
        shown = "" if isinstance(value, dict) else f" (got {value!r})"
        lines.append(f"  {key}: {err['msg']}{shown}")
    return "\n".join(lines)
