"""The rule layer: risk phrases with negation, idiom and reference handling.

It is fast (tens of microseconds), explainable (every hit has a rule id) and
works with no model at all, so it is the floor the semantic layer builds on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import ModuleType

from bot.safety.prefilter import Guard, present_words, vocabulary
from bot.safety.rules import STEP_LEVEL, RuleSpec, de, en, es, fr
from bot.safety.types import Category, RiskLevel

LANGUAGE_MODULES: tuple[ModuleType, ...] = (en, es, de, fr)

# How far back (in words, same clause) a negation reaches.
NEGATION_WINDOW = 3
_CLAUSE_BREAK = re.compile(
    r"[.!?;:\n]|,\s*(?:but|though|although|yet|however|pero|aber|mais|sino|doch)\b|\b(?:but|though|although|however|pero|aber|mais|sondern|sino|except|until|unless)\b"
)
_WORDS = re.compile(r"[\w'-]+")
# A first-person phrase whose subject is someone else ("someone might be thinking about suicide").
_OTHER_SUBJECT = re.compile(
    r"\b(?:someone|somebody|people|person|he|she|they|students?|kids?|teens?|friends?|anyone|others|"
    r"dad|mum|mom|father|mother|brother|sister|husband|wife|son|daughter|partner|boyfriend|girlfriend|"
    r"mi amig[oa]|alguien|jemand|quelqu'un)\b"
)
_SUBJECT = re.compile(r"i|i'm|i've|i'd|i'll|yo|ich|je|j'\w*")
# "It's not that I want to die", "c'est pas que j'veux mourir": a denial framing the clause
# that follows, subject and all (a subject otherwise shields a match from negation).
_DENIAL_FRAME = re.compile(
    r"(?:\bnot that|\bnot in the sense that|\bno es que|\bpas que|\bpas dans le sens ou|\bnicht,? dass)\s*$"
)
_SELF_WORD = re.compile(r"\b(?:i|i'm|me|my|myself|yo|ich|je|j')\b")
SUBJECT_WINDOW = 4
# Languages that drop the subject ("no estoy bien, quiero morirme", "nicht gut, will
# einfach sterben", "pas bien, envie de mourir"): no new "yo" marks the new clause, so
# there a comma after the negation closes it. English keeps its "i" (see _negated).
PRO_DROP_LANGUAGES = frozenset({"es", "de", "fr"})
# Above this many words a post is read sentence by sentence: a film or a game
# named in one sentence says nothing about a goodbye two sentences later
# (measured: crisis messages buried in long posts were cancelled by a neighbour's
# "game" or "episode"). Shorter messages may set their scene one sentence earlier.
LOCAL_CONTEXT_WORDS = 40


def _compile(pattern: str) -> re.Pattern[str]:
    # A space in a rule matches any run of spaces or none: "kill myself" also
    # catches "killmyself" after spaced-out letters were rejoined.
    return re.compile(pattern.replace(" ", r"\s*"), re.UNICODE)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    spec: RuleSpec
    regex: re.Pattern[str]
    level: RiskLevel
    unless: re.Pattern[str] | None = None
    guard: Guard | None = None  # skips the regex when its key words are absent
    comma_ends_negation: bool = False  # a pro-drop language's rule


@dataclass(frozen=True, slots=True)
class Hit:
    rule_id: str
    step: str
    level: RiskLevel
    categories: tuple[Category, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LexiconResult:
    """What the rules found; ``hits`` counted, the rest explain what was set aside."""

    level: RiskLevel
    hits: tuple[Hit, ...]
    negated: tuple[str, ...]  # rule ids cancelled by a negation
    idioms: int  # figures of speech removed
    references: tuple[str, ...]  # rule ids cancelled by a film/news/homework context
    words: int = 0  # length of the text scanned
    # Anaphoric phrases ("I'll do it tonight") with no ideation named beside them:
    # not counted here; earlier turns or the semantic layer may anchor them.
    pending: tuple[Hit, ...] = ()

    @property
    def long(self) -> bool:
        """Read sentence by sentence (see LOCAL_CONTEXT_WORDS)."""
        return self.words > LOCAL_CONTEXT_WORDS

    @property
    def categories(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for hit in sorted(self.hits, key=lambda h: -h.level.rank):
            for cat in hit.categories:
                seen.setdefault(cat.value, None)
        return tuple(seen)

    @property
    def steps(self) -> frozenset[str]:
        return frozenset(h.step for h in self.hits)

    @property
    def protective(self) -> bool:
        """Risk words were present but every one was negated, idiomatic or a reference."""
        return not self.hits and bool(self.negated or self.idioms or self.references)

    @property
    def first_person_level(self) -> RiskLevel:
        """The highest level among hits about the writer (not someone else)."""
        levels = [h.level for h in self.hits if Category.THIRD_PARTY not in h.categories]
        return max(levels, default=RiskLevel.NONE, key=lambda lv: lv.rank)


class Lexicon:
    """All languages' rules, compiled once; every message is checked against all of them.

    Checking every language costs little and catches mixed-language messages
    without a language detector.
    """

    def __init__(
        self, modules: tuple[ModuleType, ...] = LANGUAGE_MODULES, *, prefilter: bool = True
    ) -> None:
        self.rules: list[CompiledRule] = []
        idioms: list[str] = []
        negations: list[str] = []
        references: list[str] = []
        for module in modules:
            for spec in module.RULES:
                unless = _compile(spec.unless) if spec.unless else None
                regex = _compile(spec.pattern)
                guard = Guard(regex.pattern) if prefilter else None
                pro_drop = spec.id.split(".", 1)[0] in PRO_DROP_LANGUAGES
                self.rules.append(
                    CompiledRule(spec, regex, STEP_LEVEL[spec.step], unless, guard, pro_drop)
                )
            idioms.extend(module.IDIOMS)
            negations.append(module.NEGATIONS)
            references.append(module.REFERENCES)
        self._idioms = [_compile(p) for p in idioms]
        self._idiom_guards = [Guard(r.pattern) if prefilter else None for r in self._idioms]
        self._rule_words = vocabulary([r.guard for r in self.rules])
        self._idiom_words = vocabulary(self._idiom_guards)
        self._negation = re.compile("|".join(f"(?:{n})" for n in negations))
        self._reference = _compile("|".join(f"(?:{r})" for r in references))

    def scan(self, normalized: str) -> LexiconResult:
        """Find risk phrases in already-normalised text."""
        text, idioms = self._remove_idioms(normalized)
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text)]
        words = len(text.split())
        long_post = words > LOCAL_CONTEXT_WORDS
        hits: list[Hit] = []
        pending: list[Hit] = []
        negated: list[str] = []
        referenced: list[str] = []
        present = present_words(text, self._rule_words)
        for rule in self.rules:
            if rule.guard is not None and not rule.guard.may_match_present(present):
                continue
            for match in rule.regex.finditer(text):
                start, end = match.start(), match.end()
                if start == end:
                    continue
                clause_start = max((b for b in breaks if b <= start), default=0)
                if rule.spec.negatable and self._negated(
                    text[clause_start:start], match.group(0), rule.comma_ends_negation
                ):
                    negated.append(rule.spec.id)
                    continue
                if (
                    rule.spec.first_person
                    and Category.ABUSE_VIOLENCE not in rule.spec.categories
                    and _about_someone_else(text[clause_start:start])
                ):
                    referenced.append(rule.spec.id)
                    continue
                if not rule.spec.first_person and self._in_reference(text, start, end, long_post):
                    referenced.append(rule.spec.id)
                    continue
                if rule.unless is not None and rule.unless.search(_sentence(text, start, end)):
                    referenced.append(rule.spec.id)
                    continue
                hit = Hit(
                    rule.spec.id, rule.spec.step, rule.level, rule.spec.categories, start, end
                )
                (pending if rule.spec.anaphoric else hits).append(hit)
                break  # one hit per rule is enough
        if pending and any(_names_the_act(h) for h in hits):
            hits += pending  # "I want to die. I'll do it tonight", "I have the pills. ...": named
            pending = []
        hits = _drop_mentions_covered(hits)
        level = max((h.level for h in hits), default=RiskLevel.NONE, key=lambda lv: lv.rank)
        return LexiconResult(
            level, tuple(hits), tuple(negated), idioms, tuple(referenced), words, tuple(pending)
        )

    def _remove_idioms(self, text: str) -> tuple[str, int]:
        count = 0
        present = present_words(text, self._idiom_words)
        for regex, guard in zip(self._idioms, self._idiom_guards, strict=True):
            if guard is not None and not guard.may_match_present(present):
                continue
            text, n = regex.subn(lambda m: " " * len(m.group(0)), text)
            count += n
        return text, count

    def _negated(self, before: str, matched: str, comma_ends: bool) -> bool:
        """Whether a negation in the clause before reaches the match: all its scope rules here.

        A subject after the negation opens a clause of its own, which matters where no
        stop marks it: "im not ok i want to die", "not sure why i really want to die".
        Where the language drops the subject, a comma does that job.
        """
        if comma_ends:
            before = before[before.rfind(",") + 1 :]
        if _DENIAL_FRAME.search(before[-40:]):
            return True
        first = _WORDS.match(matched)
        if first is not None and _SUBJECT.fullmatch(first.group(0)):
            return False
        words = _WORDS.findall(before)[-NEGATION_WINDOW:]
        subjects = [i for i, w in enumerate(words) if _SUBJECT.fullmatch(w)]
        if subjects:
            words = words[subjects[-1] + 1 :]
        return bool(words) and bool(self._negation.search(" ".join(words)))

    def _in_reference(self, text: str, start: int, end: int, long_post: bool) -> bool:
        """A film/news/homework cue in the match's sentence (or the one before, if short)."""
        lo = _sentence_start(text, start)
        if not long_post and lo > 0:
            lo = _sentence_start(text, lo - 1)
        return bool(self._reference.search(text[max(lo, start - 160) : _sentence_end(text, end)]))


_SENTENCE_END = re.compile(r"[.!?\n]")
# A "sentence" reaches at most this far from the match: in a wall of text with no
# stops, "years ago" three clauses away must not make "i want to die" history.
SENTENCE_REACH = 150


def _sentence_start(text: str, pos: int) -> int:
    found = max((m.end() for m in _SENTENCE_END.finditer(text, 0, pos)), default=0)
    if pos - found <= SENTENCE_REACH:
        return found
    space = text.find(" ", pos - SENTENCE_REACH, pos)  # start on a whole word
    return space + 1 if space >= 0 else pos - SENTENCE_REACH


def _sentence_end(text: str, pos: int) -> int:
    nxt = _SENTENCE_END.search(text, pos)
    end = nxt.start() if nxt else len(text)
    if end - pos <= SENTENCE_REACH:
        return end
    space = text.rfind(" ", pos, pos + SENTENCE_REACH)
    return space if space >= 0 else pos + SENTENCE_REACH


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end]: context cues count only there."""
    return text[_sentence_start(text, start) : _sentence_end(text, end)]


def _about_someone_else(before: str) -> bool:
    words = " ".join(_WORDS.findall(before)[-SUBJECT_WINDOW:])
    return bool(_OTHER_SUBJECT.search(words)) and not _SELF_WORD.search(words)


def _names_the_act(hit: Hit) -> bool:
    """The writer's own ideation, self-harm or means: what "I'll do it" then refers to.
    A friend's death wish does not make the writer's "I'll do it tonight" a plan."""
    if Category.THIRD_PARTY in hit.categories:
        return False
    return hit.level >= RiskLevel.ELEVATED or hit.step == "means"


def _drop_mentions_covered(hits: list[Hit]) -> list[Hit]:
    """A bare mention inside a stronger phrase adds nothing; keep only the phrase."""
    strong = [h for h in hits if h.step != "mention"]
    kept = list(strong)
    for hit in hits:
        if hit.step == "mention" and not any(
            s.start <= hit.start and hit.end <= s.end for s in strong
        ):
            kept.append(hit)
    return kept
