"""Spotting attempts to override the bot's instructions in a user message.

Detection changes nothing about the prompt (the core keeps the system prompt
fixed whatever the user writes); it labels the message so it is counted and so
the output checks are known to matter. Role-play aimed at methods is caught by
the risk rules and, if it slips through, by the output rules.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\b(?:ignore|disregard|forget|override|bypass|skip|drop) (?:all |any |every |your |the |these |those |my )*(?:previous |prior |above |earlier |original |initial |system |safety )*(?:instructions|rules|prompts?|guidelines|directives|restrictions|filters|programming|constraints|policies)\b",
    r"\b(?:your|the) (?:system|initial|original|hidden) (?:prompt|instructions|message)\b",
    r"\b(?:reveal|show|print|repeat|output|tell me) (?:me )?(?:your|the) (?:system )?(?:prompt|instructions)\b",
    r"\byou are (?:now|no longer) (?:a |an )?(?:dan|unfiltered|uncensored|jailbroken|evil|free|unrestricted|developer mode|not bound)\b",
    r"\b(?:developer|god|dan|jailbreak|sudo) mode\b|\bjailbr(?:eak|oken)\b|\bdo anything now\b",
    r"\b(?:pretend|imagine|act as if|role-?play|roleplay|let's play a game where) (?:that )?(?:you(?:'re| are)?|to be)\b.{0,80}\b(?:no (?:rules|limits|restrictions|filters)|without (?:rules|limits|restrictions|filters)|unfiltered|uncensored|evil|can say anything)\b",
    r"\b(?:pretend|role-?play|roleplay|in a (?:story|novel|script|fiction)|for a (?:story|novel|book|script|screenplay)|hypothetically|as my (?:late |dead )?grand(?:ma|mother|pa|father))\b.{0,120}\b(?:how to (?:kill|die|overdose|hang)|lethal dose|fatal dose|how many pills|methods? (?:of|for) suicide|painless way)\b",
    r"\b(?:ignora|olvida) (?:todas )?(?:tus|las) instrucciones\b|\bignoriere (?:alle )?(?:deine |vorherigen )*anweisungen\b|\bignore (?:toutes )?(?:tes|les|vos) (?:instructions|consignes)\b",
]
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE | re.DOTALL)


def looks_like_injection(normalized: str) -> bool:
    return bool(_INJECTION.search(normalized))
