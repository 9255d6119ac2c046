"""Crisis resources by country: the one built-in table, merged with the config's.

Every entry names the page its number was checked against (``source``), so a
reviewer can re-check it; an operator's ``[safety.resources]`` replaces a
country's list. Countries are ISO 3166-1 alpha-2 codes; ``INTL`` is the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.config import CrisisResource
from bot.safety.strings import text

INTERNATIONAL = "INTL"


@dataclass(frozen=True, slots=True)
class BuiltinResource:
    resource: CrisisResource
    source: str  # the service's own page the number was checked against


def _r(
    name: str,
    source: str,
    *,
    phone: str | None = None,
    sms: str | None = None,
    url: str | None = None,
    hours: str | None = None,
) -> BuiltinResource:
    return BuiltinResource(
        CrisisResource(name=name, phone=phone, text=sms, url=url, hours=hours), source
    )


# ``source`` is the page each number was checked against (November 2026). The
# service's own page where one was found; otherwise an official or news page
# quoting it, noted as such. Re-check before every release: numbers change.
BUILTIN_RESOURCES: dict[str, list[BuiltinResource]] = {
    "US": [
        # Checked on a state health department page (not 988lifeline.org itself).
        _r(
            "988 Suicide & Crisis Lifeline",
            "https://health.wyo.gov/publichealth/prevention/wivpp/suicide-prevention/988-suicide-crisis-lifeline",
            phone="988",
            sms="988",
            url="https://988lifeline.org",
            hours="24/7",
        ),
    ],
    "CA": [
        # Checked on CMHA Saskatoon and the Mental Health Commission of Canada (not 988.ca itself).
        _r(
            "9-8-8: Suicide Crisis Helpline",
            "https://mentalhealthcommission.ca/catalyst/988-launches-in-canada/",
            phone="988",
            sms="988",
            url="https://988.ca",
            hours="24/7",
        ),
    ],
    "GB": [
        _r(
            "Samaritans",
            "https://www.samaritans.org/how-we-can-help/contact-samaritan/",
            phone="116 123",
            url="https://www.samaritans.org",
            hours="24/7",
        ),
        _r(
            "Shout",
            "https://giveusashout.org/about-us/faq/",
            sms="SHOUT to 85258",
            url="https://giveusashout.org",
            hours="24/7",
        ),
    ],
    "IE": [
        # Samaritans' 116 123 is free on the whole island of Ireland (news report on the freephone number).
        _r(
            "Samaritans Ireland",
            "http://www.newstalk.com/reader/47.301/69999/0/",
            phone="116 123",
            url="https://www.samaritans.org/ireland",
            hours="24/7",
        ),
        # The HSE-funded text line; any opening word works, so no keyword is given.
        _r(
            "50808 text service",
            "https://www.irishexaminer.com/news/arid-31005605.html",
            sms="50808",
            url="https://text50808.ie",
            hours="24/7",
        ),
    ],
    "AU": [
        # A Lifeline centre's FAQ (13 11 14) and a news report on the 24/7 text line.
        _r(
            "Lifeline Australia",
            "https://lifelineh2h.org.au/get-help/telephone-crisis-support/faqs/",
            phone="13 11 14",
            sms="0477 13 11 14",
            url="https://www.lifeline.org.au",
            hours="24/7",
        ),
    ],
    "NZ": [
        # Government announcement of 1737 (quoted by Scoop).
        _r(
            "Need to talk? 1737",
            "https://m.scoop.co.nz/stories/PA1706/S00527/single-phone-number-to-access-support-services.htm",
            phone="1737",
            sms="1737",
            url="https://1737.org.nz",
            hours="24/7",
        ),
        # Lifeline's own text-line announcement (HELP 4357); the phone number as quoted by Vice NZ.
        _r(
            "Lifeline Aotearoa",
            "https://www.scoop.co.nz/stories/GE1803/S00053/lifeline-expands-to-offer-text-support-for-those-in-distress.htm",
            phone="0800 543 354",
            sms="HELP (4357)",
            url="https://www.lifeline.org.nz",
            hours="24/7",
        ),
    ],
    "IN": [
        # Health ministry statement, as reported by PTI / Mint.
        _r(
            "Tele-MANAS",
            "https://www.livemint.com/news/india/govts-mental-health-helpline-tele-manas-receives-over-2-lakh-calls-since-launch-11690014660473.html",
            phone="14416 or 1-800-891-4416",
            url="https://telemanas.mohfw.gov.in",
            hours="24/7",
        ),
    ],
    "DE": [
        # Both numbers as published by the church bodies that run the service (domradio, EKKW).
        _r(
            "TelefonSeelsorge",
            "https://www.domradio.de/artikel/telefonseelsorge-jetzt-unter-oekumenischem-dachverband",
            phone="0800 111 0 111 / 0800 111 0 222",
            url="https://www.telefonseelsorge.de",
            hours="24/7",
        ),
    ],
    "FR": [
        _r(
            "3114 — numéro national de prévention du suicide",
            "https://3114.fr/que-se-passe-t-il-quand-je-contacte-le-3114/",
            phone="3114",
            url="https://3114.fr",
            hours="24/7",
        ),
    ],
    "ES": [
        # Ministry of Health launch (RTVE) and the BOE notice (Maldita).
        _r(
            "Línea 024 — atención a la conducta suicida",
            "https://www.rtve.es/noticias/20220509/sanidad-presenta-telefono-prevencion-suicidio/2347183.shtml",
            phone="024",
            url="https://www.sanidad.gob.es/linea024/home.htm",
            hours="24/7",
        ),
    ],
    "BR": [
        # Ministry of Health partnership making 188 free nationwide (news reports, July 2018).
        _r(
            "CVV — Centro de Valorização da Vida",
            "http://www.jd1noticias.com/geral/ligacao-para-centro-de-valorizacao-da-vida-passa-a-ser-gratuita/53507/",
            phone="188",
            url="https://cvv.org.br",
            hours="24/7",
        ),
    ],
    INTERNATIONAL: [
        # A directory, not a number: nothing to verify beyond the address.
        _r("Find A Helpline", "https://findahelpline.com/", url="https://findahelpline.com"),
    ],
}

# Emergency numbers (police/ambulance) per country, for the "in an emergency" line.
EMERGENCY_NUMBERS: dict[str, str] = {
    "US": "911",
    "CA": "911",
    "GB": "999",
    "IE": "112 or 999",
    "AU": "000",
    "NZ": "111",
    "IN": "112",
    "DE": "112",
    "FR": "112",
    "ES": "112",
    "BR": "192",
}

# A bare language tag names no country; these are the usual guesses.
_LANGUAGE_COUNTRY: dict[str, str] = {
    "de": "DE",
    "fr": "FR",
    "es": "ES",
    "pt": "BR",
    "hi": "IN",
    "ga": "IE",
}
# English says nothing about where someone is: the international list is safer than guessing.


def builtin_table() -> dict[str, list[CrisisResource]]:
    return {
        country: [b.resource for b in entries] for country, entries in BUILTIN_RESOURCES.items()
    }


class ResourceDirectory:
    """Looks up resources by country: operator entries first, then the built-in table."""

    def __init__(
        self,
        overrides: Mapping[str, Sequence[CrisisResource]] | None = None,
        default_country: str | None = None,
    ) -> None:
        self._table = builtin_table()
        for country, entries in (overrides or {}).items():
            self._table[country.upper()] = list(entries)
        self._default = default_country.upper() if default_country else None

    def countries(self) -> list[str]:
        return sorted(self._table)

    def resources(self, country: str | None) -> list[CrisisResource]:
        code = (country or self._default or INTERNATIONAL).upper()
        if code == "UK":
            code = "GB"
        return list(self._table.get(code) or self._table.get(INTERNATIONAL, []))

    def emergency_number(self, country: str | None) -> str | None:
        code = (country or self._default or "").upper()
        return EMERGENCY_NUMBERS.get("GB" if code == "UK" else code)

    def format(self, country: str | None, *, language: str) -> str:
        """Plain text, one service a line: works on every platform without markup."""
        lines = [text("safety.resources_header", language)]
        for res in self.resources(country):
            parts: list[str] = []
            if res.phone:
                parts.append(text("safety.resource_call", language, phone=res.phone))
            if res.text:
                parts.append(text("safety.resource_text", language, text=res.text))
            if res.url:
                parts.append(res.url)
            detail = ", ".join(parts)
            hours = f" ({res.hours})" if res.hours else ""
            lines.append(f"• {res.name}{hours}: {detail}" if detail else f"• {res.name}{hours}")
        number = self.emergency_number(country)
        if number:
            lines.append(text("safety.emergency_line", language, number=number))
        return "\n".join(lines)

    def country_for_locale(self, locale: str | None) -> str | None:
        """ "en-GB" -> "GB", "pt_BR" -> "BR", "de" -> "DE"; None when it names no country."""
        if not locale:
            return self._default
        parts = locale.replace("_", "-").split("-")
        for part in parts[1:]:
            if len(part) == 2 and part.isalpha():
                return part.upper()
            if len(part) == 3 and part.isdigit():
                return self._default  # a region such as 419 (Latin America): no single country
        guess = _LANGUAGE_COUNTRY.get(parts[0].lower())
        return guess or self._default
