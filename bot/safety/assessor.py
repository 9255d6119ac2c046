"""Combining the layers into one risk assessment.

normalise -> lexicon -> semantic -> conversation context. The lexicon always
runs; the semantic layer adds what keywords miss; the context step catches
risk that builds over several messages. Only rule ids and level names go into
``reasons``: never the user's words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.safety.injection import looks_like_injection
from bot.safety.lexicon import Lexicon, LexiconResult
from bot.safety.normalize import normalize
from bot.safety.policy import SELF_PREFIX
from bot.safety.semantic import SemanticClassifier, SemanticResult
from bot.safety.types import Category, RiskAssessment, RiskLevel

log = logging.getLogger(__name__)

# Semantic decision thresholds (tuned on the validation split by train_head).
SEM_HIGH = 0.80  # p(high) for the classifier alone to say high
SEM_ELEVATED = 0.55  # p(elevated or high)
SEM_CONCERN = 0.60  # p(concern or above)
SEM_OVERRIDE_PROTECTIVE = 0.90  # negation/idiom/reference seen: the classifier must be this sure
SEM_CATEGORY = 0.5
# An idiom or a film reference vouches for the message around it, not for a
# long post: "that film killed me" in one paragraph says nothing about the goodbye
# in the next (measured: long posts with a buried crisis were capped at concern).
PROTECTIVE_MAX_WORDS = 40

# Score bands: the score always agrees with the level.
_BANDS = {
    RiskLevel.NONE: (0.0, 0.25),
    RiskLevel.CONCERN: (0.25, 0.5),
    RiskLevel.ELEVATED: (0.5, 0.75),
    RiskLevel.HIGH: (0.75, 1.0),
}
# Steps that turn earlier ideation into danger now (a plan, means, a goodbye, and
# "I'll do it tonight", whose "it" the earlier turns name).
_ESCALATING_STEPS = frozenset(
    {"means", "timing", "plan", "intent", "warning_sign", "imminent", "behaviour", "method"}
)
_IN_MESSAGE_ESCALATION = frozenset({"means", "timing"})
# In a long post "tonight" or "pills" raises ideation to high only this close
# to it (characters, about two sentences): "tonight" in a paragraph about a
# concert says nothing about a wish to be gone three paragraphs later.
ESCALATION_REACH = 200
_CATEGORY_ORDER = [c.value for c in Category]
_SEMANTIC_FAILED = "semantic classifier failed; lexicon result used alone"  # never the text


@dataclass(frozen=True, slots=True)
class SemanticThresholds:
    high: float = SEM_HIGH
    elevated: float = SEM_ELEVATED
    concern: float = SEM_CONCERN
    override_protective: float = SEM_OVERRIDE_PROTECTIVE
    # Posts too long to read whole (train_head chooses these on composed long posts).
    long_high: float = SEM_HIGH
    long_elevated: float = SEM_ELEVATED
    long_concern: float = SEM_CONCERN


def semantic_level(sem: SemanticResult, t: SemanticThresholds) -> RiskLevel:
    high, elevated, concern = (
        (t.long_high, t.long_elevated, t.long_concern)
        if sem.long
        else (t.high, t.elevated, t.concern)
    )
    if sem.probs[3] >= high:
        return RiskLevel.HIGH
    if sem.crisis >= elevated:
        return RiskLevel.ELEVATED
    if sem.at_least_concern >= concern:
        return RiskLevel.CONCERN
    return RiskLevel.NONE


def _max(*levels: RiskLevel) -> RiskLevel:
    return max(levels, key=lambda lv: lv.rank)


@dataclass(frozen=True, slots=True)
class MessageRisk:
    """One message on its own, before conversation context."""

    level: RiskLevel
    own_level: RiskLevel  # the writer's own risk, apart from worry about someone else
    confidence: float
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    steps: frozenset[str]
    text: str  # normalised; kept in memory only, for reading turns together


class RiskAssessor:
    """Blocking and CPU-bound: the safety layer calls it from a worker thread."""

    def __init__(
        self,
        lexicon: Lexicon,
        semantic: SemanticClassifier | None = None,
        *,
        context_turns: int = 4,
        use_lexicon: bool = True,
        thresholds: SemanticThresholds | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.semantic = semantic
        self.context_turns = context_turns
        self.use_lexicon = use_lexicon  # off only to measure the semantic layer alone
        self.thresholds = thresholds or SemanticThresholds()

    def use_semantic(self, classifier: SemanticClassifier) -> None:
        """Attach a loaded classifier, with the thresholds it was trained with."""
        prefix = "" if self.use_lexicon else "embed."
        chosen = {
            k[len(prefix) :]: v
            for k, v in classifier.thresholds.items()
            if k.startswith(prefix) and not k[len(prefix) :].startswith("embed.")
        }
        high = chosen.get("high", SEM_HIGH)
        elevated = chosen.get("elevated", SEM_ELEVATED)
        concern = chosen.get("concern", SEM_CONCERN)
        self.thresholds = SemanticThresholds(
            high=high,
            elevated=elevated,
            concern=concern,
            long_high=chosen.get("long.high", high),
            long_elevated=chosen.get("long.elevated", elevated),
            long_concern=chosen.get("long.concern", concern),
        )
        self.semantic = classifier

    def assess(self, text: str, history: Sequence[str] = ()) -> RiskAssessment:
        current = self.message_risk(text)
        recent = [
            self.message_risk(h) for h in list(history)[-self.context_turns :] if h and h.strip()
        ]
        level, own, reasons = self._with_context(current, recent)
        categories = current.categories
        if level > current.level:  # raised by earlier turns: their categories explain why
            categories = _merge_categories(
                categories, *(r.categories for r in recent if r.level >= RiskLevel.ELEVATED)
            )
        score = _score(level, current.confidence if level == current.level else 0.5)
        all_reasons = (*current.reasons, *reasons, f"{SELF_PREFIX}{own.value}")
        return RiskAssessment(level=level, score=score, categories=categories, reasons=all_reasons)

    def message_risk(self, text: str) -> MessageRisk:
        norm = normalize(text)
        grade = self._start_semantic(norm)  # the encoder reads while the lexicon scans
        lex = self.lexicon.scan(norm) if self.use_lexicon else _EMPTY
        reasons = [h.rule_id for h in lex.hits]
        if lex.negated:
            reasons.append("negated")
        if lex.idioms:
            reasons.append("idiom")
        if lex.references:
            reasons.append("reference")
        if lex.pending:
            reasons.append("unanchored")
        categories = list(lex.categories)
        level, own = lex.level, lex.first_person_level
        confidence = 0.6 if lex.hits else 0.5
        short = len(norm.split()) <= PROTECTIVE_MAX_WORDS

        sem = grade(lex if self.use_lexicon else None)
        if sem is not None:
            s_level = semantic_level(sem, self.thresholds)
            if lex.protective and short and sem.crisis < self.thresholds.override_protective:
                s_level = min(s_level, RiskLevel.CONCERN, key=lambda lv: lv.rank)
            if s_level > RiskLevel.NONE:
                reasons.append(f"semantic.{s_level.value}")
            third_party = sem.categories.get(Category.THIRD_PARTY.value, 0.0) >= SEM_CATEGORY
            if s_level > level:
                level = s_level
                confidence = (
                    sem.probs[3]
                    if level == RiskLevel.HIGH
                    else sem.crisis
                    if level == RiskLevel.ELEVATED
                    else sem.at_least_concern
                )
            if not (third_party and lex.first_person_level < RiskLevel.ELEVATED):
                own = _max(own, s_level)
            if level > RiskLevel.NONE:
                for name, p in sem.categories.items():
                    if p >= SEM_CATEGORY and name not in categories:
                        categories.append(name)
        # Ideation the lexicon itself found (or the encoder is sure of), not a
        # borderline semantic grade: in long posts "this weekend" and "two months"
        # are everyday words, and pairing them with a 0.3 guess made false highs.
        # "I'm going to do it tonight" with no ideation named counts at any length.
        ideation = _escalation_near_ideation(lex) or (
            ((short and lex.steps & _IN_MESSAGE_ESCALATION) or lex.pending)
            and sem is not None
            and sem.crisis >= self.thresholds.override_protective
        )
        if level >= RiskLevel.ELEVATED and ideation and level < RiskLevel.HIGH:
            # Ideation plus means or timing in the same message: "I want to die, tonight".
            level = RiskLevel.HIGH
            if own >= RiskLevel.ELEVATED or lex.first_person_level >= RiskLevel.ELEVATED:
                own = RiskLevel.HIGH
            reasons.append("escalation.means_or_timing")  # or "I'll do it tonight"
        if looks_like_injection(norm):
            categories.append(Category.PROMPT_INJECTION.value)
            reasons.append("injection")
        own = min(own, level, key=lambda lv: lv.rank)
        return MessageRisk(
            level,
            own,
            float(confidence),
            _merge_categories(categories),
            tuple(reasons),
            lex.steps | {h.step for h in lex.pending},
            norm,
        )

    def _start_semantic(self, norm: str) -> Callable[[LexiconResult | None], SemanticResult | None]:
        """The semantic grade, started now and finished by the returned call; a broken
        model must not take the lexicon down with it, so failures grade as None."""
        if self.semantic is None or not norm:
            return _no_grade
        try:
            finish = self.semantic.start(norm)
        except Exception:
            log.exception(_SEMANTIC_FAILED)
            return _no_grade

        def guarded(lex: LexiconResult | None) -> SemanticResult | None:
            try:
                return finish(lex)
            except Exception:
                log.exception(_SEMANTIC_FAILED)
                return None

        return guarded

    def _with_context(
        self, current: MessageRisk, recent: list[MessageRisk]
    ) -> tuple[RiskLevel, RiskLevel, tuple[str, ...]]:
        """Raise the current level when earlier messages make it worse than it looks alone."""
        level, own = current.level, current.own_level
        if not recent:
            return level, own, ()
        prior_own = _max(*(r.own_level for r in recent))
        concerns = sum(1 for r in recent if r.level >= RiskLevel.CONCERN)
        reasons: list[str] = []
        if prior_own >= RiskLevel.ELEVATED:
            if current.steps & _ESCALATING_STEPS:
                level = own = RiskLevel.HIGH  # ideation earlier, now means, a plan or a goodbye
                reasons.append("context.escalation")
            elif current.level >= RiskLevel.CONCERN and level < RiskLevel.ELEVATED:
                level = own = RiskLevel.ELEVATED
                reasons.append("context.persisting")
            elif current.level == RiskLevel.NONE:
                level = own = RiskLevel.CONCERN
                reasons.append("context.recent")
        elif concerns >= 1 and current.level == RiskLevel.CONCERN:
            # Distress across several messages: read them together, as a person would.
            joined = " ".join(
                [*(r.text for r in recent if r.level >= RiskLevel.CONCERN), current.text]
            )
            grade = self._start_semantic(joined)  # reads while the lexicon scans, as above
            sem = grade(self.lexicon.scan(joined) if self.use_lexicon else None)
            if sem is not None and semantic_level(sem, self.thresholds) >= RiskLevel.ELEVATED:
                level = own = RiskLevel.ELEVATED
                reasons.append("context.window")
        return level, own, tuple(reasons)


def _escalation_near_ideation(lex: LexiconResult) -> bool:
    """Means or timing within ESCALATION_REACH of ideation the lexicon itself found."""
    ideas = [h.start for h in lex.hits if h.level >= RiskLevel.ELEVATED]
    cues = [h.start for h in lex.hits if h.step in _IN_MESSAGE_ESCALATION]
    return any(abs(c - i) <= ESCALATION_REACH for c in cues for i in ideas)


def _merge_categories(*groups: Sequence[str] | list[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for cat in group:
            seen.setdefault(cat, None)
    return tuple(
        sorted(seen, key=lambda c: _CATEGORY_ORDER.index(c) if c in _CATEGORY_ORDER else 99)
    )


def _score(level: RiskLevel, confidence: float) -> float:
    lo, hi = _BANDS[level]
    return round(lo + (hi - lo) * max(0.0, min(1.0, confidence)), 4)


def _no_grade(lex: LexiconResult | None) -> None:
    return None


_EMPTY = LexiconResult(RiskLevel.NONE, (), (), 0, ())
