"""Text normalisation that undoes the simple ways people (or filters) disguise words.

Risk rules and the classifier see the same canonical text, so "d1e",
"k i l l  m y s e l f", "sewerslide" and "soooo tired" all read as the plain
words. Digits become letters only inside words that also hold letters, so
"20 pills" keeps its number while "k1ll" becomes "kill".
"""

from __future__ import annotations

import html
import re
import unicodedata

# Zero-width and formatting characters that split words without showing.
_INVISIBLE = dict.fromkeys(
    [
        0x200B,
        0x200C,
        0x200D,
        0x200E,
        0x200F,
        0x2060,
        0x2061,
        0x2062,
        0x2063,
        0x2064,
        0xFEFF,
        0x00AD,
        0x034F,
        0x180E,
    ]
)

# Look-alikes read as letters inside a word that already has letters.
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
        "€": "e",
        "+": "t",
    }
)

# Slang and euphemisms, mapped to plain words the lexicon knows.
# Keys are whole words (or phrases) after the other steps.
SLANG: dict[str, str] = {
    "unalive": "kill",
    "unalived": "killed",
    "unaliving": "killing",
    "unalive myself": "kill myself",
    "sewerslide": "suicide",
    "sewer slide": "suicide",
    "self delete": "kill myself",
    "self-delete": "kill myself",
    "selfdelete": "kill myself",
    "self harm": "self-harm",
    "selfharm": "self-harm",
    "sh": "self-harm",
    "kms": "kill myself",
    "kys": "kill yourself",
    "ctb": "end my life",
    "od": "overdose",
    "oding": "overdosing",
    "od'd": "overdosed",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "have to",
    "cant": "can't",
    "dont": "don't",
    "wont": "won't",
    "im": "i'm",
    "ive": "i've",
    "idk": "i don't know",
    "idc": "i don't care",
    "tbh": "to be honest",
    "rn": "right now",
    "u": "you",
    "ur": "your",
    "bc": "because",
    "cuz": "because",
    "nobody'd": "nobody would",
}

# Risk words as people mistype them ("suicdal", "myslef", "wnat to die"), read as the
# words: one letter dropped or two neighbours swapped; for the long words also one
# letter wrong or one too many (ambiguity is low at that length).
SPELLED_LONG = (
    "suicide",
    "suicidal",
    "myself",
    "anymore",
    "goodbye",
    "worthless",
    "hopeless",
    "pointless",
    "disappear",
    "overdose",
    "burden",
)
SPELLED_SHORT = ("want", "kill", "life", "live", "alive", "dead", "death", "dying", "hurt")
# Words one edit away that are words of their own: in MiniLM's word list (a test checks
# the table against it), in our other languages ("edad", "suizidal", "lief"), "ive" for
# "i've", or abbreviations ("hrt": hormone therapy).
NOT_TYPOS = frozenset(
    "homeless disappears buren ant wan wat ill lie liv live dad dea ding ying hut hrt "
    "ive edad ead suizidal suicida lief".split()
)


def _typos(word: str, full: bool) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    if full:  # inside the word: endings make words ("overdosed", "suicider"), so do
        # first letters (German "wurden" is one letter from "burden")
        out |= {word[:i] + c + word[i + 1 :] for i in range(1, len(word) - 1) for c in letters}
        out |= {word[:i] + c + word[i:] for i in range(1, len(word)) for c in letters}
    return out


def _typo_table() -> dict[str, str]:
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    known = set(SPELLED_LONG) | set(SPELLED_SHORT)
    for words, full in ((SPELLED_LONG, True), (SPELLED_SHORT, False)):
        for word in words:
            for typo in _typos(word, full) - known - NOT_TYPOS:
                if table.setdefault(typo, word) != word:
                    ambiguous.add(typo)
    return {typo: word for typo, word in table.items() if typo not in ambiguous}


TYPOS = _typo_table()
# Whole words of the table's lengths only: the fast path tests few candidates.
_TYPO_LENGTHS = f"{min(map(len, TYPOS))},{max(map(len, TYPOS))}"
_TYPO_RE = re.compile(rf"(?<![\w'])[a-z]{{{_TYPO_LENGTHS}}}(?![\w'])")

_WORD = re.compile(r"[\w@$!|€+'’\-]+", re.UNICODE)
# The same words, only those holding a look-alike (the rest cannot change): most
# words of a long post have none, and calling Python for each cost ~0.5 ms a post.
_LEET_WORD = re.compile(
    r"(?<![\w@$!|€+'’\-])[\w@$!|€+'’\-]*?[013457890@$!|€+][\w@$!|€+'’\-]*", re.UNICODE
)
_HAS_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_SPACED_RUN = re.compile(r"(?<![\w])(?:[^\W_] ){2,}[^\W_](?![\w])", re.UNICODE)
_ALL_LONE = re.compile(r"(?:[^\W_] )+[^\W_]", re.UNICODE)
_REPEATS = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)
_SPACES = re.compile(r"[ \t]+")


def strip_marks(text: str) -> str:
    """Drop zero-width characters and combining marks (accents included).

    Accents go too: the lexicon is written without them, so "está" and
    "esta" (and "Zalgo" text stacked with marks) all match the same rule.
    """
    text = text.translate(_INVISIBLE)
    if text.isascii():
        return text  # no marks to drop, and NFKC leaves ASCII as it is
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", kept)


def _rejoin_spaced(text: str) -> str:
    """Rejoin letters spelled one at a time: "w a n t  t o  d i e" -> "want to die".

    A double space between spelled letters marks a word break; single spaces
    inside a run of three or more lone letters are removed.
    """
    pieces = re.split(r" {2,}", text)
    if len(pieces) > 1:
        # Between double spaces, a piece made only of lone letters is one word ("t o").
        pieces = [p.replace(" ", "") if _ALL_LONE.fullmatch(p) else p for p in pieces]
    rejoined = [_SPACED_RUN.sub(lambda m: m.group(0).replace(" ", ""), piece) for piece in pieces]
    return " ".join(rejoined)


def _deleet_word(word: str) -> str:
    if not _HAS_LETTER.search(word):
        return word  # a plain number or symbol run stays as it is
    core = word.strip("!|+")  # a trailing "!" is punctuation; inside a word it is leet
    if not core:
        return word
    head = word[: word.index(core)]
    tail = word[len(head) + len(core) :]
    return head + core.translate(_LEET) + tail


def _deleet(text: str) -> str:
    return _LEET_WORD.sub(lambda m: _deleet_word(m.group(0)), text)


def _apply_slang(text: str) -> str:
    return _SLANG_RE.sub(lambda m: SLANG[m.group(0)], text)


_SLANG_RE = re.compile(
    r"(?<![\w'])("
    + "|".join(re.escape(k) for k in sorted(SLANG, key=len, reverse=True))
    + r")(?![\w'])"
)


def fix_typos(text: str) -> str:
    """Mistyped risk words (``TYPOS``) read as the words."""
    if TYPOS.keys().isdisjoint(_TYPO_RE.findall(text)):
        return text  # the common case: no rewrite
    return _TYPO_RE.sub(lambda m: TYPOS.get(m.group(0), m.group(0)), text)


def squeeze_repeats(text: str) -> str:
    """Three or more of the same letter become two ("soooo" -> "soo")."""
    return _REPEATS.sub(lambda m: m.group(1) * 2, text)


def _unescape(text: str) -> str:
    """HTML entities, as posts copied out of web pages and forum exports carry them:
    "don&#39;t" must read as "don't", and "&amp;#x200B;" (escaped twice) as nothing."""
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    return text


def normalize(text: str) -> str:
    """The canonical form every detection layer reads.

    Order matters: entities are read first, invisible characters go before spaced
    letters are rejoined, and look-alikes and typos are read before slang is mapped.
    """
    text = _unescape(text)
    text = unicodedata.normalize("NFKC", text)
    text = strip_marks(text).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("`", "'")
    text = text.replace("\r", "\n")
    text = _rejoin_spaced(text)
    text = _deleet(text)
    text = squeeze_repeats(text)
    text = fix_typos(text)
    text = _apply_slang(text)
    return _SPACES.sub(" ", text).strip()
