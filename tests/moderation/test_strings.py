"""Every string key these packages use exists; what users see exists in every language."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import LANGUAGES, STRINGS, t

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "bot" / "moderation").glob("*.py")),
    *sorted((ROOT / "bot" / "scheduler").glob("*.py")),
]
LITERAL = re.compile(r"""\bt\(\s*["']([a-z_.0-9]+)["']""")
USER_PREFIXES = ("checkin.", "mood.")
USER_KEYS = {"help.checkin", "help.mood", "mod.not_permitted", "mod.paused_notice", "mod.help"}


def test_every_literal_key_exists() -> None:
    used = {key for path in SOURCES for key in LITERAL.findall(path.read_text())}
    assert len(used) > 30  # the scan found the calls
    missing = sorted(key for key in used if key not in STRINGS)
    assert missing == []


def test_built_keys_exist() -> None:
    for reason in ("user", "duration", "flag", "count"):
        assert f"mod.bad.{reason}" in STRINGS
    for verb in ("resolve", "escalate"):
        assert {f"mod.{verb}.done", f"mod.{verb}.unchanged"} <= set(STRINGS)
    for score in range(1, 6):
        assert f"mood.scale.{score}" in STRINGS


def test_user_facing_strings_in_every_language_and_format() -> None:
    keys = [k for k in STRINGS if k.startswith(USER_PREFIXES) or k in USER_KEYS]
    assert len(keys) >= 25
    for key in keys:
        for language in LANGUAGES:
            assert STRINGS[key].get(language), f"{key} lacks {language}"
    for language in LANGUAGES:
        text = t("mood.summary", language, days=30, count=3, average="3.3", latest=4, trend="x")
        assert "30" in text and "3.3" in text and "{" not in text
        assert "{" not in t("checkin.set", language, time="20:30", zone="UTC")
