"""The one matcher for typed answers: short-answer grading uses it (and search may later).

A typed answer is compared with a question's listed answers after both are normalised the same
way (`tokens`): case, accents and Unicode forms folded; Greek letters spelled out, and a Latin
letter standing for one before a digit read as that letter ("b1" = "β1" = "beta-1", "a2" =
"α2"); punctuation and brackets dropped; a leading article dropped ("the vagus"); each word made
singular ("chromaffin cells" = "chromaffin cell").

`match_answer` then tries, in this order, and the first step that finds something decides:

1. **Equal** to a listed answer (any credit, wrong ones included), or to a glossary name or
   alias of the same term as a listed answer ("noradrenaline transporter" wherever
   "norepinephrine transporter" is listed, only if the glossary says they name one term).
2. **Contains** a fully right answer as a whole phrase, at the end of the answer or followed
   only by generic words such as "receptor" or "nerve" or by a bracket: "hypothalamic
   paraventricular nucleus", "β1 receptors", "Vagus nerve (CN X)". Never when the answer
   holds a negation ("not the vagus") or lists or hedges ("vagus or phrenic", "phrenic/vagus",
   "phrenic, vagus"). A listed zero-credit
   answer found the same way wins over a right one unless it lies inside the right one's
   match. Partly right answers ("hydroxylase") must be typed as they are: "tyrosine
   hydroxylase" contains "hydroxylase" and is still wrong.
3. **A small spelling slip**: Levenshtein distance 1 from 6 characters, 2 from 12 (rapidfuzz),
   never in a digit ("α1" is not "α2"), never across a prefix that flips the meaning
   (hyper/hypo, afferent/efferent), never when the slip makes another glossary word. The
   closest listed answer wins; on a tie the one with less credit. A right answer reached this
   way carries the note "accepted; the usual spelling is …".

Numbers (`parse_number`) accept the unit the question asks for, or a percent sign, comma
decimals and spaces; anything else gets a message saying what is expected.
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from stressed.core import marks
from stressed.core.cache import ContentMemo
from stressed.core.text import fold
from stressed.glossary.models import Term

ARTICLES = {"the", "a", "an"}
NEGATIONS = {
    "not", "no", "non", "never", "neither", "nor", "none", "without", "except", "isnt",
    "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "cannot", "cant", "wont", "nt",
}  # fmt: skip
# Words and marks that list or hedge ("vagus or phrenic", "phrenic/vagus", "X and Y"): an
# answer that names several things is not credited for containing the right one.
HEDGES = {"or", "either", "maybe", "perhaps", "possibly", "unsure", "guess", "and", "plus"}
_LIST_MARKS = re.compile(r"[/,;&+]")
# Words that may follow a right phrase without changing what it names: "β1 receptors",
# "vagus nerve", "60 days". Anything else after the phrase makes it name something else
# ("norepinephrine transporter" is not "norepinephrine").
GENERIC = {
    "receptor", "adrenoceptor", "adrenergic", "subtype", "nerve", "cell", "nucleus", "neuron",
    "gland", "hormone", "enzyme", "molecule", "nervous", "system", "division", "branch", "region",
    "area", "fibre", "fiber", "day", "week", "month", "year", "hour", "minute", "second",
    "percent", "time", "fold", "segment",
}  # fmt: skip
IRREGULAR = {"nuclei": "nucleus", "ganglia": "ganglion", "stimuli": "stimulus", "data": "datum"}
# Word starts whose swap flips the meaning: a "slip" from one to the other is a wrong answer.
CONTRASTS = [
    ("hyper", "hypo"), ("afferent", "efferent"), ("abduct", "adduct"), ("inter", "intra"),
    ("endo", "exo"), ("pre", "post"), ("inhib", "exhib"), ("sub", "supra"), ("ana", "cata"),
]  # fmt: skip
EPSILON = marks.TOLERANCE

_LETTER_GREEK = re.compile(r"(?<![a-z0-9])([ab])-?(?=\d)")
_WORDS = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")


def singular(word):
    """A plain English singular: enough to make "receptors" and "receptor" one word."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _fold(text):
    text = fold(unicodedata.normalize("NFKC", text))
    text = text.replace("'", "").replace("\u2019", "")  # "isn't" is one word, "isnt"
    return _LETTER_GREEK.sub(lambda m: {"a": "alpha", "b": "beta"}[m[1]], text)


def tokens(text):
    """The words of `text`, normalised (see the module docstring), leading article dropped."""
    words = [singular(w) for w in _WORDS.findall(_fold(text))]
    if len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return tuple(words)


def normalize(text):
    """A canonical string for `text`: equal for answers this matcher treats as equal."""
    return " ".join(tokens(text))


@dataclass(frozen=True)
class Given:
    """A typed answer, read once."""

    words: tuple  # every word, brackets included
    main: tuple  # the words outside brackets, for containment
    negated: bool
    hedged: bool

    @classmethod
    def read(cls, text):
        words = tokens(text)
        main = tokens(_BRACKETS.sub(" ", text)) or words
        everything = set(_WORDS.findall(_fold(text)))
        hedged = bool(everything & HEDGES or _LIST_MARKS.search(text))
        return cls(words, main, bool(everything & NEGATIONS), hedged)


@dataclass(frozen=True)
class Match:
    answer: object  # the listed answer (anything with .text and .fraction) that matched
    fraction: float
    how: str  # "equal", "contains" or "spelling"
    note: str = ""


def _find(phrase, words):
    """Start of `phrase` in `words` as a whole phrase followed only by generic words."""
    n = len(phrase)
    for start in range(len(words) - n, -1, -1):
        if words[start : start + n] == phrase and all(w in GENERIC for w in words[start + n :]):
            return start
    return None


def _digits(words):
    return [w for w in words if not w.isalpha()]


def _contrast(a, b):
    return any(
        (a.startswith(x) and b.startswith(y)) or (a.startswith(y) and b.startswith(x))
        for x, y in CONTRASTS
    )


def allowed_edits(length):
    """Spelling slips forgiven in an answer of `length` letters (spaces not counted)."""
    return 2 if length >= 12 else 1 if length >= 6 else 0


def _letters(text):
    """`text` folded to its letters and digits as typed (not made singular)."""
    words = _WORDS.findall(_fold(text))
    return "".join(words[1:] if len(words) > 1 and words[0] in ARTICLES else words)


def _slip(given, phrase, vocabulary, typed_text="", meant_text=""):
    """The edit distance if `given` is `phrase` with a forgivable slip, else None. The texts
    as typed count too: "vagas" must not become "vaga" before it is compared with "vagus"."""
    typed, meant = "".join(given), "".join(phrase)
    limit = allowed_edits(len(meant))
    if not limit or _digits(given) != _digits(phrase):
        return None
    distance = Levenshtein.distance(typed, meant, score_cutoff=limit)
    if typed_text and meant_text:
        as_typed = Levenshtein.distance(
            _letters(typed_text), _letters(meant_text), score_cutoff=limit
        )
        distance = min(distance, as_typed)
    if distance > limit:
        return None
    if len(given) == len(phrase):
        pairs = [(g, m) for g, m in zip(given, phrase, strict=True) if g != m]
    else:
        pairs = [(typed, meant)]
    for typed_word, meant_word in pairs:
        if _contrast(typed_word, meant_word) or typed_word in vocabulary:
            return None
    return distance


def match_answer(text, answers, synonyms=None):
    """The best `Match` of typed `text` among `answers` (objects with .text and .fraction),
    or None. `synonyms`: a `Synonyms` (or a callable returning one), consulted only when no
    listed answer is equal to the typed one, so most answers never need it."""
    given = Given.read(text)
    if not given.words:
        return None
    listed = [(a, tokens(a.text), a.text) for a in answers if a.text.strip()]

    def equal(candidates):
        joined = "".join(given.words)
        hits = [a for a, phrase, _ in candidates if "".join(phrase) == joined]
        if hits:
            best = max(hits, key=lambda a: a.fraction)
            return Match(best, max(0.0, best.fraction), "equal")
        return None

    if found := equal(listed):
        return found
    table = synonyms() if callable(synonyms) else synonyms
    candidates = list(listed)
    if table:
        for a, phrase, _ in listed:
            candidates += [(a, alt, shown) for alt, shown in table.alternatives(phrase)]
        if found := equal(candidates):
            return found

    if not (given.negated or given.hedged) and (found := _contained(given, candidates)):
        return found
    return _spelling_slip(given, text, candidates, table)


def _contained(given, candidates):
    """A listed answer inside a longer typed one; a wrong one inside a right one counts as
    the right one ("not α2 but α1" is never read here: negations and hedges skip this)."""
    right, wrong = [], []
    for a, phrase, _ in candidates:
        start = _find(phrase, given.main)
        if start is None:
            continue
        span = (start, start + len(phrase))
        if a.fraction >= 1 - EPSILON:
            right.append((a, span))
        elif a.fraction <= EPSILON:
            wrong.append((a, span))
    for a, (start, end) in wrong:
        if not any(s <= start and end <= e for _, (s, e) in right):
            return Match(a, 0.0, "contains")
    if right:
        return Match(right[0][0], max(0.0, right[0][0].fraction), "contains")
    return None


def _spelling_slip(given, text, candidates, table):
    """The nearest listed answer within a spelling slip of the typed one, or None."""
    vocabulary = table.vocabulary if table else frozenset()
    slips = []
    for order, (a, phrase, shown) in enumerate(candidates):
        distance = _slip(given.words, phrase, vocabulary, text, shown)
        if distance is not None:
            slips.append((distance, a.fraction, order, a, shown))
    if not slips:
        return None
    _, _, _, best, shown = min(slips, key=lambda s: s[:3])
    if best.fraction <= EPSILON:
        return Match(best, 0.0, "spelling")
    return Match(best, best.fraction, "spelling", f"Accepted; the usual spelling is {shown}.")


class Synonyms:
    """Glossary equivalences: every name and alias of one term stands for the others."""

    def __init__(self, groups):
        self.groups = {}  # normalised phrase -> [(phrase, shown text)] of its term
        self.vocabulary = set()  # every glossary word, so a "slip" into one is refused
        for names in groups:
            entries = [(tokens(n), n) for n in names if tokens(n)]
            for phrase, _ in entries:
                self.groups.setdefault(phrase, []).extend(e for e in entries if e[0] != phrase)
                self.vocabulary.update(phrase)
        self.vocabulary = frozenset(self.vocabulary)

    def alternatives(self, phrase):
        return self.groups.get(phrase, [])


_memo = ContentMemo()


def glossary_synonyms():
    """The glossary's Synonyms, built once per process and content version (any glossary edit
    bumps the version): one query the first time, none after."""
    known = _memo.current()
    if "synonyms" not in known:
        groups = [
            [name, *[a.strip() for a in aliases.splitlines() if a.strip()]]
            for name, aliases in Term.objects.values_list("name", "aliases")
        ]
        known["synonyms"] = Synonyms(groups)
    return known["synonyms"]


# Numbers ------------------------------------------------------------------------------------


class NumberError(ValueError):
    """An answer that is not a number this question accepts; the message says what is."""


@dataclass(frozen=True)
class Unit:
    forms: frozenset  # what may follow the number, folded, spaces removed
    expects: str  # "Enter …" message


PERCENT = Unit(
    frozenset({"%", "percent", "percentage", "pc", "pct"}),
    "Enter a number, the percentage, such as 25 or 25%.",
)
CELSIUS = Unit(
    frozenset({"°c", "ºc", "c", "°", "degc", "deg", "degree", "degrees", "degreesc", "celsius",
               "degreescelsius", "degreecelsius", "°celsius", "oc"}),
    "Enter a number, the temperature in °C, such as 20 or 20 °C.",
)  # fmt: skip
TIMES = Unit(
    frozenset({"x", "×", "times", "fold", "-fold", ":1", "to1"}), "Enter a number, such as 12."
)
TIME_UNITS = {
    "second": {"s", "sec", "secs", "second", "seconds"},
    "minute": {"min", "mins", "minute", "minutes", "m"},
    "hour": {"h", "hr", "hrs", "hour", "hours"},
    "day": {"d", "day", "days"},
    "week": {"wk", "wks", "week", "weeks"},
    "month": {"mo", "month", "months"},
    "year": {"y", "yr", "yrs", "year", "years"},
}
OTHER_UNITS = {"mmhg": {"mmhg"}, "bpm": {"bpm", "beats/min", "beatsperminute", "/min"}}
_NUMBER = re.compile(
    r"(?P<number>[-+\u2212]?(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?"
    r"|[-+\u2212]?[.,]\d+)"
    r"(?P<exponent>[eE][-+]?\d+)?\s*(?P<unit>.*)"
)
COUNT_STOP = {
    "is", "are", "does", "do", "did", "was", "were", "of", "in", "after", "had", "have", "has",
    "would", "will", "can", "that", "the", "a", "an", "it", "they",
}  # fmt: skip
_NOT_FINITE = {"inf", "infinity", "nan", "∞", "-inf", "+inf", "-∞"}


def units_for(prompt):
    """The units a question's prompt asks for, read from its wording."""
    text = _fold(prompt or "")
    words = set(_WORDS.findall(text))
    units = []
    if "%" in text or words & {"percent", "percentage", "percentages"} or "per cent" in text:
        units.append(PERCENT)
    if "°" in text or words & {"celsius", "temperature", "degree", "degrees"}:
        units.append(CELSIUS)
    if re.search(r"\bx\s*:\s*1\b|\btimes\b|\bfold\b", text):
        units.append(TIMES)
    for name, forms in TIME_UNITS.items():
        if words & {name, name + "s"}:
            units.append(Unit(frozenset(forms), f"Enter a number of {name}s, such as 12."))
    for name, forms in OTHER_UNITS.items():
        if name in text.replace(" ", ""):
            units.append(Unit(frozenset(forms), f"Enter a number in {name}, such as 12."))
    if match := re.search(r"how many ((?:[a-z]+ ?){1,2})", text):
        nouns = [w for w in match[1].split() if w not in COUNT_STOP]
        if nouns:
            forms = {f for n in nouns for f in (n, singular(n), singular(n) + "s")}
            units.append(Unit(frozenset(forms), f"Enter a number of {nouns[-1]}, such as 12."))
    return units


def parse_number(raw, prompt=""):
    """The number in `raw`, which may carry a unit the prompt asks for (or a percent sign
    when it asks for a percentage). Raises NumberError with a message for the student."""
    units = units_for(prompt)
    expects = units[0].expects if units else "Enter a number, such as 12 or 0.5."
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.casefold().replace(" ", "") in _NOT_FINITE:
        raise NumberError("Enter an ordinary finite number, such as 12 or 0.5.")
    match = _NUMBER.fullmatch(text)
    if not match:
        raise NumberError(expects)
    number = match["number"].replace("\u2212", "-")
    for space in (" ", "\u00a0", "\u202f"):
        number = number.replace(space, "")
    if re.fullmatch(r"[-+]?\d{1,3},\d{3}", number):
        raise NumberError(
            f"Is {number} a whole number or a decimal? Write it without the comma, "
            "such as 1000, or with a point, such as 1.5."
        )
    value = float(number.replace(",", ".") + (match["exponent"] or ""))
    if not math.isfinite(value):
        raise NumberError("That number is too large; enter an ordinary number, such as 12.")
    unit = fold(match["unit"]).replace(" ", "").rstrip(".")
    if unit and not any(unit in u.forms for u in units):
        if unit in PERCENT.forms and not units:
            raise NumberError("Enter just the number, without %, such as 12 or 0.5.")
        raise NumberError(expects if units else "Enter just the number, such as 12 or 0.5.")
    return value
