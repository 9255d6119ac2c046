"""Buttons in a shared chat: who pressed may not be who the button is for.

A crisis alert's Acknowledge button sits in the moderators' channel, where
anyone there can press it. If the buttons went away on every press, a
non-moderator's refused press would take the button from the moderators. So
in a shared chat the buttons stay until a press took effect, judged by the
kinds of the core's replies: a refusal, an expired action or a failure is a
"notice" or an "error". In a DM (or a message only the user sees) the
buttons go at the first press, so one press counts once.
"""

from __future__ import annotations

from collections.abc import Iterable

# Reply kinds that mean "nothing happened"; in a shared chat only the presser should see them.
REFUSAL_KINDS = frozenset({"notice", "error"})


def press_took_effect(kinds: Iterable[str]) -> bool:
    seen = list(kinds)
    return bool(seen) and not REFUSAL_KINDS.intersection(seen)
