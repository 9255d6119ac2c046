"""Output checks: every model reply passes here before anyone sees it.

A small model can be talked into anything, and a reasoning model shows its
scratchpad; these checks are the last line. A reply that fails is replaced by
a calm fallback and the failing rule id is returned so the core can count it.
Rules are deliberately blunt: a false alarm costs one generic reply, a miss
could cost far more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.safety.normalize import strip_marks
from bot.safety.strings import text
from bot.safety.types import ModerationResult, RiskLevel

_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
# Longest first: a streamed prefix ending in one of these may still become "<think>".
_TAG_PREFIXES = tuple("<think>"[:i] for i in range(len("<think>") - 1, 0, -1))
_NEGATION = re.compile(
    r"\b(?:not|never|no|don't|do not|doesn't|does not|won't|wouldn't|isn't|aren't|nobody|no one|shouldn't|should not|can't|cannot)\b|n't\b"
)


@dataclass(frozen=True, slots=True)
class OutputRule:
    id: str
    regex: re.Pattern[str]
    negatable: bool = False  # True: a negation just before the match clears it


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_PILLS = r"(?:pills?|tablets?|capsules?|paracetamol|acetaminophen|tylenol|ibuprofen|aspirin|insulin|opioids?|benzos?|sleeping pills|antidepressants|medication|meds)"

OUTPUT_RULES: tuple[OutputRule, ...] = (
    # Method, means or dose: never, in any conversation.
    OutputRule(
        "method.dose",
        _rx(
            r"\b\d+(?:[.,]\d+)?\s?(?:mg|mcg|µg|milligrams?|micrograms?|grams?|g|ml|millilit(?:er|re)s?|units|iu)\b"
        ),
    ),
    OutputRule(
        "method.pill_count",
        _rx(
            rf"\b(?:\d+|a (?:few|handful|dozen|bottle|box|pack)|dozens|several|twenty|thirty|forty|fifty|hundred)\s+(?:of\s+)?(?:your\s+|the\s+)?{_PILLS}\b"
        ),
    ),
    OutputRule(
        "method.lethal",
        _rx(
            r"\b(?:lethal|fatal|deadly|toxic|overdose)\s+(?:dose|doses|amount|amounts|quantity|level|threshold)\b|\bdosis (?:letal|mortal)\b|\bt[oö]dliche dosis\b|\bdose (?:mortelle|l[eé]tale)\b"
        ),
    ),
    OutputRule(
        "method.means",
        _rx(
            r"\b(?:noose|ligature|carbon monoxide|charcoal burning|exhaust fumes?|helium (?:tank|bag|hood)|exit bag|suicide bag|hanging (?:yourself|oneself)|hang (?:yourself|oneself)|slit (?:your|the|one's) (?:wrists?|throat)|cut (?:deeper|along the vein|vertically|across the wrist)|(?:jump|jumping) (?:off|from) (?:a|the) (?:bridge|building|roof|cliff|balcony)|in front of (?:a|the) (?:train|bus|truck)|(?:shoot|shooting) (?:yourself|oneself)|gun to (?:your|one's) head|(?:tallest|highest) (?:bridge|building)s?|drown (?:yourself|oneself)|pesticides?|antifreeze|bleach to)\b"
        ),
    ),
    OutputRule(
        "method.howto",
        _rx(
            r"\b(?:the (?:most )?(?:effective|painless|quickest|fastest|easiest|surest|reliable|best) (?:way|method|methods|ways) (?:to|of) (?:die|dying|kill|end|suicide|overdose)|step[- ]by[- ]step\b.{0,40}\b(?:suicide|kill|overdose|hang))"
        ),
    ),
    # Encouragement of self-harm or suicide.
    OutputRule(
        "encourage.direct",
        _rx(
            r"\b(?:you should|you could|go ahead and|why don't you|you might as well|i think you should|maybe you should|it's time to|it is time to)\s+(?:just\s+)?(?:kill yourself|end your life|end it all|hurt yourself|cut yourself|harm yourself|die|take your (?:own )?life|overdose)\b"
        ),
        negatable=True,
    ),
    OutputRule(
        "encourage.insult",
        _rx(
            r"\b(?:kill yourself|kys|go die|you deserve to (?:die|suffer|be hurt|hurt)|(?:the )?world (?:would be|is) better (?:off )?without you|(?:everyone|they|people) (?:would be|are) better off without you|nobody would (?:miss|care about) you|you(?:'d| would) be better off dead|your life is(?:n't| not) worth (?:living|it))\b"
        ),
        negatable=True,
    ),
    OutputRule(
        "encourage.endorse",
        _rx(
            r"\b(?:suicide|self-harm|killing yourself|ending your life|hurting yourself|cutting)\s+(?:is|would be|might be|could be|seems like)\s+(?:a |an |the )?(?:good|reasonable|valid|understandable|right|best|rational|logical|only|brave)?\s*(?:answer|solution|option|choice|way out|idea|decision|relief)\b"
        ),
        negatable=True,
    ),
    OutputRule(
        "encourage.support_decision",
        _rx(
            r"\b(?:i (?:support|respect|understand|accept)|it's your choice|it is your choice)\b.{0,30}\b(?:decision|choice|plan)\b.{0,30}\b(?:to (?:die|end|kill)|suicide)\b"
        ),
    ),
    OutputRule(
        "encourage.secrecy",
        _rx(
            r"\b(?:i|i'll|i will) (?:promise|swear) (?:not to tell|to keep (?:this|it) (?:a )?secret|i won't tell anyone)\b|\bdon't tell anyone\b"
        ),
    ),
    # Diagnosing the user.
    OutputRule(
        "diagnosis.label",
        _rx(
            r"\byou(?:'re| are)\s+(?:clearly |definitely |probably |obviously |likely |certainly )?(?:clinically depressed|bipolar|schizophrenic|psychotic|autistic|a narcissist|narcissistic|borderline|manic|anorexic|bulimic|an addict|an alcoholic|suffering from (?:a |an )?\w*\s?(?:disorder|depression|psychosis|schizophrenia|ptsd|adhd|ocd))\b"
        ),
        negatable=True,
    ),
    OutputRule(
        "diagnosis.has",
        _rx(
            r"\byou\s+(?:clearly |definitely |probably |obviously |likely |certainly |must |seem to |appear to |may |might )?(?:have|suffer from|are suffering from|meet the criteria for)\s+(?:a |an |severe |mild |major |clinical )*(?:depression|major depressive disorder|bipolar(?: disorder)?|bpd|borderline personality disorder|ptsd|c-ptsd|adhd|add|ocd|schizophrenia|psychosis|generalized anxiety disorder|gad|an anxiety disorder|an? \w+ disorder|an eating disorder|anorexia|bulimia|autism|dissociative identity disorder|did|narcissistic personality disorder|npd)\b"
        ),
        negatable=True,
    ),
    OutputRule(
        "diagnosis.claim",
        _rx(
            r"\b(?:my diagnosis|i (?:can |would |will )?diagnose you|i'm diagnosing you|(?:this|that|it) (?:is|sounds like|looks like) (?:a )?(?:classic|textbook|clear) (?:case|sign|symptom) of)\b"
        ),
    ),
    # Claims to be human or a licensed professional.
    OutputRule(
        "identity.human",
        _rx(
            r"\b(?:i(?:'m| am) (?:a |an )?(?:real |actual )?(?:human(?: being)?|person|real person|man|woman)\b(?! (?:resource|rights|in crisis))|i(?:'m| am) not (?:an? )?(?:ai|bot|robot|chatbot|machine|language model|program)\b|i am alive|as a human(?: being)?,? i)"
        ),
    ),
    OutputRule(
        "identity.professional",
        _rx(
            r"\b(?:i(?:'m| am) (?:a |an |your )?(?:licensed|certified|registered|qualified|trained|professional|clinical|board-certified)?\s*(?:therapist|psychologist|psychiatrist|counsell?or|psychotherapist|doctor|physician|social worker|nurse|clinician|mental health professional)\b|as (?:a|your) (?:licensed |certified |qualified )?(?:therapist|psychologist|psychiatrist|counsell?or|doctor|physician|clinician)\b|in my (?:clinical|professional) (?:opinion|experience|practice))"
        ),
    ),
)


def strip_think(reply: str, *, final: bool) -> str:
    """Remove hidden reasoning: closed blocks, an unclosed block, and text before a stray ``</think>``.

    In a streamed prefix (``final=False``) an open block and a half-written
    ``<think`` tag at the end are held back: they may still turn into reasoning.
    """
    cleaned = _THINK_BLOCK.sub("", reply)
    close = list(_THINK_CLOSE.finditer(cleaned))
    if close:  # the template opened the block for the model; only the close is visible
        cleaned = cleaned[close[-1].end() :]
    opened = _THINK_OPEN.search(cleaned)
    if opened:
        cleaned = cleaned[: opened.start()]
    elif not final:
        lowered = cleaned.lower()
        for prefix in _TAG_PREFIXES:
            if lowered.endswith(prefix):
                cleaned = cleaned[: -len(prefix)]
                break
    return cleaned.lstrip() if final else cleaned


class OutputModerator:
    """Applies the output rules; the system prompts are kept to spot a leaked prompt."""

    def __init__(self, protected_prompts: tuple[str, ...] = ()) -> None:
        self._prompt_fragments = tuple(
            _fragment(p) for p in protected_prompts if len(_fragment(p)) >= 40
        )

    def check(
        self, reply: str, *, risk: RiskLevel, final: bool = True, language: str | None = None
    ) -> ModerationResult:
        visible = strip_think(reply, final=final)
        probe = strip_marks(visible).casefold().replace("’", "'")
        rule = self._failed_rule(probe)
        if rule is not None:
            return ModerationResult(
                allowed=False, text=text("safety.fallback", language), rule=rule
            )
        if final and not visible.strip() and reply.strip():
            # Nothing but reasoning: there is no reply to send.
            return ModerationResult(
                allowed=False, text=text("safety.fallback", language), rule="think.empty"
            )
        return ModerationResult(allowed=True, text=visible.strip() if final else visible, rule=None)

    def _failed_rule(self, probe: str) -> str | None:
        for rule in OUTPUT_RULES:
            for match in rule.regex.finditer(probe):
                if rule.negatable and _negated_before(probe, match.start()):
                    continue
                return rule.id
        squashed = re.sub(r"[^a-z]", "", probe)
        for fragment in self._prompt_fragments:
            if fragment in squashed:
                return "injection.prompt_leak"
        return None


def _negated_before(probe: str, start: int) -> bool:
    window = probe[max(0, start - 40) : start]
    window = re.split(r"[.!?;\n]", window)[-1]
    words = window.split()[-4:]
    return bool(_NEGATION.search(" ".join(words)))


def _fragment(prompt: str) -> str:
    # The first ~80 letters of a prompt, spacing and case removed.
    letters = re.sub(r"[^a-z]", "", prompt.casefold())
    return letters[:80]
