"""Text clean-up applied to every prompt and reply before training.

Order matters: mojibake is repaired first (so ``â€™`` becomes ``'`` before any
pattern runs), retired hotline numbers are rewritten before phone numbers are
scrubbed (so the old US lifeline becomes 988 rather than ``[phone]``), and
whitespace is normalised last.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import ftfy
import phonenumbers

# Placeholders a model can learn to leave alone; they never look like real data.
EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
URL_TOKEN = "[link]"
HANDLE_TOKEN = "[user]"

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"')\]]+", re.IGNORECASE)
# A handle starts a word (so e-mail addresses, already replaced, cannot match).
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class HotlineRewrite:
    """A retired crisis number and what replaces it (US, checked July 2022 switch)."""

    name: str
    pattern: re.Pattern[str]
    replacement: str


# The US National Suicide Prevention Lifeline moved to 988 on 16 July 2022; the
# old 1-800-273-TALK (8255) number and website now only forward there.
RETIRED_HOTLINES: tuple[HotlineRewrite, ...] = (
    HotlineRewrite(
        "us-lifeline-1-800-273-8255",
        re.compile(r"(?:\+?1[\s.-]?)?\(?800\)?[\s.-]?273[\s.-]?(?:8255|TALK)\b", re.IGNORECASE),
        "988",
    ),
    HotlineRewrite(
        "us-lifeline-website",
        re.compile(
            r"(?:https?://)?(?:www\.)?suicidepreventionlifeline\.org(?:/[\w/.-]*\w)?", re.IGNORECASE
        ),
        "988lifeline.org",
    ),
)


@dataclass
class CleaningStats:
    """How many replacements of each kind were made (never the replaced text)."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, n: int = 1) -> None:
        if n:
            self.counts[key] += n


def fix_mojibake(text: str) -> str:
    return ftfy.fix_text(text, normalization="NFC")


def normalise_whitespace(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def rewrite_retired_hotlines(text: str, stats: CleaningStats | None = None) -> str:
    for hotline in RETIRED_HOTLINES:
        text, n = hotline.pattern.subn(hotline.replacement, text)
        if stats:
            stats.add(f"hotline:{hotline.name}", n)
    return text


def scrub_pii(text: str, stats: CleaningStats | None = None, region: str = "US") -> str:
    """Replace e-mail addresses, URLs, phone numbers and @handles with placeholders."""
    text, n = _EMAIL.subn(EMAIL_TOKEN, text)
    if stats:
        stats.add("pii:email", n)
    replaced = 0

    def replace_url(match: re.Match[str]) -> str:
        nonlocal replaced
        # The current crisis line site is a resource, not personal data.
        if "988lifeline.org" in match.group(0).lower():
            return match.group(0)
        replaced += 1
        return URL_TOKEN

    text = _URL.sub(replace_url, text)
    if stats:
        stats.add("pii:url", replaced)
    text, n = _scrub_phones(text, region)
    if stats:
        stats.add("pii:phone", n)
    text, n = _HANDLE.subn(HANDLE_TOKEN, text)
    if stats:
        stats.add("pii:handle", n)
    return text


def _scrub_phones(text: str, region: str) -> tuple[str, int]:
    """phonenumbers finds numbers in free text far better than a regex can."""
    spans = [
        (m.start, m.end)
        for m in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
    ]
    for start, end in reversed(spans):
        text = text[:start] + PHONE_TOKEN + text[end:]
    return text, len(spans)


def clean_text(text: str, stats: CleaningStats | None = None, *, scrub: bool = True) -> str:
    """The full clean-up chain for one prompt or reply."""
    fixed = fix_mojibake(text)
    if stats and fixed != text:
        stats.add("mojibake_fixed")
    fixed = rewrite_retired_hotlines(fixed, stats)
    if scrub:
        fixed = scrub_pii(fixed, stats)
    return normalise_whitespace(fixed)
