"""Crisis resources: the built-in table, config overrides, locale -> country, formatting."""

from __future__ import annotations

import pytest

from bot.config import CrisisResource
from bot.safety.resources import BUILTIN_RESOURCES, INTERNATIONAL, ResourceDirectory

REQUIRED = ["US", "CA", "GB", "IE", "AU", "NZ", "IN", "DE", "FR", "ES", "BR", INTERNATIONAL]


def test_every_required_country_has_a_sourced_entry() -> None:
    for country in REQUIRED:
        entries = BUILTIN_RESOURCES[country]
        assert entries, country
        for entry in entries:
            assert entry.source.startswith(("https://", "http://")), (country, entry.resource.name)
            assert entry.resource.phone or entry.resource.text or entry.resource.url


@pytest.mark.parametrize(
    ("locale", "country"),
    [
        ("en-GB", "GB"),
        ("en_US", "US"),
        ("pt-BR", "BR"),
        ("pt_br", "BR"),
        ("de", "DE"),
        ("de-AT", "AT"),
        ("fr", "FR"),
        ("fr-CA", "CA"),
        ("es", "ES"),
        ("es-419", None),  # a region that is not a country
        ("en", None),  # English names no country
        (None, None),
        ("", None),
    ],
)
def test_country_for_locale(locale: str | None, country: str | None) -> None:
    assert ResourceDirectory().country_for_locale(locale) == country


def test_default_country_fills_gaps() -> None:
    directory = ResourceDirectory(default_country="ie")
    assert directory.country_for_locale("en") == "IE"
    assert directory.resources(None)[0].phone == "116 123"


def test_unknown_country_gets_international_fallback() -> None:
    directory = ResourceDirectory()
    names = [r.url for r in directory.resources("AT")]
    assert names == ["https://findahelpline.com"]
    assert directory.resources("uk") == directory.resources("GB")


def test_config_overrides_replace_a_country() -> None:
    mine = [CrisisResource(name="Campus line", phone="555-0100")]
    directory = ResourceDirectory({"us": mine})
    assert directory.resources("US") == mine
    assert directory.resources("GB")[0].name == "Samaritans"


def test_format_has_header_lines_and_emergency_number() -> None:
    text = ResourceDirectory().format("US", language="en")
    lines = text.splitlines()
    assert lines[0].startswith("If you need to talk to someone now")
    assert any("988" in line for line in lines)
    assert lines[-1] == "In an emergency, call 911."


def test_format_in_other_languages() -> None:
    text = ResourceDirectory().format("FR", language="fr")
    assert "3114" in text
    assert "En cas d'urgence, appelle le 112." in text
    spanish = ResourceDirectory().format("ES", language="es-MX")
    assert "llama al 024" in spanish
