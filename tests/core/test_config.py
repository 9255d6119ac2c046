"""config.toml, environment overrides and errors that name the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, HavenConfig, load_config

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("HAVEN_"):
            monkeypatch.delenv(key)


def _leaves(data: object, prefix: str = "") -> set[str]:
    if isinstance(data, dict):
        out: set[str] = set()
        for key, value in data.items():
            out |= _leaves(value, f"{prefix}{key}.")
        return out or {prefix.rstrip(".")}
    return {prefix.rstrip(".")}


def test_repo_config_is_exactly_the_defaults() -> None:
    assert load_config(REPO / "config.toml").model_dump() == HavenConfig().model_dump()


def test_repo_config_lists_every_key_with_a_value() -> None:
    """Every key with a non-null default appears in config.toml (nulls as comments)."""
    text = (REPO / "config.toml").read_text()
    in_file = _leaves(tomllib.loads(text))
    defaults = HavenConfig().model_dump(mode="json")
    expected = {
        key
        for key in _leaves(defaults)
        if _value(defaults, key) is not None and not key.startswith("safety.resources")
    }
    missing = expected - in_file
    assert not missing, f"config.toml lacks: {sorted(missing)}"
    for key in _leaves(defaults):
        if _value(defaults, key) is None:
            assert key.rsplit(".", 1)[-1] in text, f"{key} is not even mentioned in config.toml"


def _value(data: dict[str, object], dotted: str) -> object:
    node: object = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def test_contract_defaults() -> None:
    cfg = HavenConfig()
    assert cfg.memory.path == Path("data/haven.db")
    assert cfg.model.backend == "auto" and cfg.model.gguf_path == "builtin"
    assert cfg.model.max_new_tokens == 510
    assert cfg.memory.retention_days == 90
    assert cfg.privacy.require_consent is True
    assert cfg.telegram.token_env == "TELEGRAM_BOT_TOKEN" and cfg.telegram.enabled is False
    assert cfg.discord.token_env == "DISCORD_BOT_TOKEN" and cfg.discord.enabled is False
    assert cfg.model.openai.api_key_env == "OPENAI_API_KEY"


def test_env_overrides_file_including_json_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[memory]\npath = "from-file.db"\n[limits]\nburst = 3\n')
    monkeypatch.setenv("HAVEN_MEMORY__PATH", "data/test.db")
    monkeypatch.setenv("HAVEN_MODERATION__TELEGRAM_IDS", "[123, 456]")
    monkeypatch.setenv("HAVEN_MODEL__OPENAI__MODEL", "m1")
    cfg = load_config(path)
    assert cfg.memory.path == Path("data/test.db")
    assert cfg.moderation.telegram_ids == [123, 456]
    assert cfg.model.openai.model == "m1"
    assert cfg.limits.burst == 3


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[limits]\nburst = "many"\n', "limits.burst"),
        ("[model]\nmax_new_tokens = 0\n", "model.max_new_tokens"),
        ('[model]\nbackend = "gpt"\n', "model.backend"),
        ("[memory]\nretention_dayz = 3\n", "memory.retention_dayz"),
        ('[privacy]\nrequire_consent = "perhaps"\n', "privacy.require_consent"),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(path)


def test_invalid_env_value_names_the_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HAVEN_LIMITS__PER_MINUTE", "fast")
    with pytest.raises(ConfigError, match=r"limits\.per_minute"):
        load_config(REPO / "config.toml")


def test_broken_toml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[bot\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
