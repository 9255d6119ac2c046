"""Lexicon rules, one module per language, all in the same shape.

Each language module defines ``RULES`` (risk phrases), ``IDIOMS`` (figures of
speech that sound risky but are not, removed before matching), ``NEGATIONS``
(words that cancel a following risk phrase) and ``REFERENCES`` (films, news,
homework: talk *about* a topic rather than about oneself). Patterns are
written against normalised text: lower case, no accents, slang mapped.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.safety.types import Category, RiskLevel


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One risk phrase: where it sits on the ladder and what it is about."""

    id: str
    step: str  # the ladder step, e.g. "passive", "intent", "plan"
    pattern: str  # a regex; a space matches any run of spaces or none
    categories: tuple[Category, ...]
    negatable: bool = True  # False when the phrase carries its own negation
    first_person: bool = True  # reference contexts (films, news) cancel it only if False
    # Cues that, in the same sentence, show the phrase is not about risk: a game
    # level, a trivia question, a will written for a new baby.
    unless: str | None = None
    # The phrase names no act ("I'll do it tonight", "tonight is the night"): it is
    # intent only when suicide is the topic, named elsewhere in the message or in
    # earlier turns. Alone it is "ok thanks, I'll do it" as often as not.
    anaphoric: bool = False


# Where each ladder step sits: C-SSRS-like, from wish to be dead to imminent danger.
STEP_LEVEL: dict[str, RiskLevel] = {
    "mention": RiskLevel.CONCERN,
    "distress": RiskLevel.CONCERN,
    "self_harm_past": RiskLevel.CONCERN,
    "hopeless": RiskLevel.ELEVATED,
    "passive": RiskLevel.ELEVATED,
    "thoughts": RiskLevel.ELEVATED,
    "warning_sign": RiskLevel.ELEVATED,
    "self_harm_urge": RiskLevel.ELEVATED,
    "abuse": RiskLevel.ELEVATED,
    "third_party": RiskLevel.ELEVATED,
    "method": RiskLevel.HIGH,
    "intent": RiskLevel.HIGH,
    "plan": RiskLevel.HIGH,
    "behaviour": RiskLevel.HIGH,
    "imminent": RiskLevel.HIGH,
    "self_harm_recent": RiskLevel.HIGH,
    "abuse_imminent": RiskLevel.HIGH,
    "third_party_imminent": RiskLevel.HIGH,
    # Means or timing alone: worrying only after earlier ideation (see assessor).
    "means": RiskLevel.CONCERN,
    # Timing or a decision ("tonight", "I've decided"): nothing alone, high next to ideation.
    "timing": RiskLevel.NONE,
}

SI = Category.SUICIDAL_IDEATION
SH = Category.SELF_HARM
MS = Category.METHOD_SEEKING
TP = Category.THIRD_PARTY
AV = Category.ABUSE_VIOLENCE
DI = Category.DISTRESS
