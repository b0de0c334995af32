"""Item-writing rules for quiz questions, over `QuestionData` from a file, GIFT or the admin.

`check_question` (content/quizzes.py) says whether a question can be graded at all; this
linter says whether it is a fair item. Errors make the loader fail, the admin refuse to save
and a GIFT import be refused; warnings are reported and allowed. Every rule is documented in
docs/content-format.md, "Item-writing rules".

Errors:
- `anchor`: the review anchor is not a heading id of the quiz's lesson.
- `duplicate-option`: two options of a choice question say the same thing.
- `select-all`: in a multiple-select item, ticking every option scores above 0.
- `stem-count`: the stem states a count ("which two", "four claims") the options contradict.

Warnings:
- `long-right`: the right option is at least 1.3 times the mean length of the wrong ones.
- `cue-word`: an overclaim word ("always", "never", "proves"…) appears only in the false
  true/false statements of a quiz, so it gives the answer away.
- `all-none-above`: "all of the above" or "none of the above" as an option.
- `untagged-wrong`: a wrong option without a misconception tag.
"""

import re
from dataclasses import dataclass

from stressed.content.questions import ChoiceData, QuestionData
from stressed.core import marks
from stressed.core.text import compact

ERROR, WARNING = "error", "warning"
LONG_RIGHT_RATIO = 1.3
CUE_WORDS = ("always", "never", "proves", "must", "confirmed", "permanently", "only")
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
OPTION_NOUNS = (
    "claims|statements|options|answers|choices|items|descriptions|examples|findings|"
    "sentences|responses|alternatives"
)
_NUMBER = r"(one|two|three|four|five|six|seven|[1-7])"
# A count of right options: "which two", "select three", "two of these", "two are correct".
_RIGHT_COUNT = re.compile(
    rf"\b(?:which|select|choose|pick|tick|identify|name|mark)\s+(?:the\s+)?{_NUMBER}\b"
    rf"|\b{_NUMBER}\s+of\s+(?:these|the|them|those)\b"
    rf"|\b{_NUMBER}\s+(?:are|is)\s+(?:correct|right|true)\b",
    re.IGNORECASE,
)
# A count of options: "these four claims", "the three statements below".
_OPTION_COUNT = re.compile(rf"\b{_NUMBER}\s+(?:{OPTION_NOUNS})\b", re.IGNORECASE)
_ABOVE = re.compile(r"\b(all|none|both|neither)\s+of\s+the\s+(above|options|others)\b", re.I)
_MARKUP = re.compile(r"[*_`#>\[\]()]|!\[[^\]]*\]\([^)]*\)")


@dataclass(frozen=True)
class Finding:
    level: str  # ERROR or WARNING
    rule: str
    message: str

    @property
    def is_error(self):
        return self.level == ERROR

    def __str__(self):
        return self.message if self.is_error else f"warning: {self.message}"


def plain(text):
    """Option text without Markdown marks or surrounding space, for lengths and comparisons."""
    return " ".join(_MARKUP.sub("", text or "").split())


def _count(word):
    word = word.lower()
    return int(word) if word.isdigit() else NUMBERS[word]


def _right(choice):
    return marks.is_positive(choice.fraction)


def anchor_problem(review, sections, lesson_slug=""):
    """The message if `review` is set and not among `sections` (a lesson's heading ids)."""
    if review and sections is not None and review not in sections:
        where = f" in lesson {lesson_slug!r}" if lesson_slug else " of the quiz's lesson"
        return f"review anchor {review!r} is not a heading id{where}"
    return ""


def lint_question(q, sections=None, lesson_slug=""):
    """Findings for one question. `sections`: the heading ids of the quiz's lesson, or None
    when the caller checks the anchor itself (or the quiz has no lesson)."""
    findings = []

    def error(rule, message):
        findings.append(Finding(ERROR, rule, message))

    def warn(rule, message):
        findings.append(Finding(WARNING, rule, message))

    if message := anchor_problem(q.review, sections, lesson_slug):
        error("anchor", message)
    if q.type not in ("single", "multiple"):
        return findings
    _option_errors(q, error)
    _option_warnings(q, warn)
    return findings


def _right_options(q):
    # Single choice: the one fully right option (others may earn part credit).
    if q.type == "single":
        return [c for c in q.choices if marks.is_right(c.fraction)]
    return [c for c in q.choices if _right(c)]


def _option_errors(q, error):
    seen = {}
    for number, choice in enumerate(q.choices, start=1):
        key = compact(plain(choice.text))
        if key and key in seen:
            error(
                "duplicate-option",
                f"options {seen[key]} and {number} say the same thing ({plain(choice.text)!r})",
            )
        seen.setdefault(key, number)

    if q.type == "multiple":
        everything = sum(c.fraction for c in q.choices)
        if marks.is_positive(everything):
            error(
                "select-all",
                f"ticking every option scores {min(1.0, everything):.0%}; give the wrong "
                "options negative weights so that ticking everything scores 0",
            )

    _stem_count_errors(q, error)


def _stem_count_errors(q, error):
    right = _right_options(q)
    stem = plain(q.prompt)
    for match in _RIGHT_COUNT.finditer(stem):
        stated = _count(next(g for g in match.groups() if g))
        if stated != len(right):
            error(
                "stem-count",
                f"the stem says {match.group(0).strip()!r} but {len(right)} option"
                f"{'s are' if len(right) != 1 else ' is'} right",
            )
            break
    for match in _OPTION_COUNT.finditer(stem):
        stated = _count(match.group(1))
        if stated != len(q.choices):
            error(
                "stem-count",
                f"the stem says {match.group(0).strip()!r} but there are {len(q.choices)} options",
            )
            break


def _option_warnings(q, warn):
    right = _right_options(q)
    wrong = [c for c in q.choices if not _right(c)]
    if q.type == "single" and right and wrong:
        mean_wrong = sum(len(plain(c.text)) for c in wrong) / len(wrong)
        longest = len(plain(right[0].text))
        if mean_wrong and longest >= LONG_RIGHT_RATIO * mean_wrong:
            warn(
                "long-right",
                f"the right option is {longest / mean_wrong:.1f}× the mean length of the wrong "
                "ones; length gives it away (shorten it or lengthen the others)",
            )
    for choice in q.choices:
        if _ABOVE.search(plain(choice.text)):
            warn(
                "all-none-above",
                f"option {plain(choice.text)!r}: write a real option instead of "
                "'all/none of the above'",
            )
    untagged = [
        n for n, c in enumerate(q.choices, start=1) if c.fraction <= 0 and not c.misconception
    ]
    if untagged:
        numbers = ", ".join(str(n) for n in untagged)
        warn(
            "untagged-wrong",
            f"wrong option{'s' * (len(untagged) > 1)} {numbers} "
            f"{'have' if len(untagged) > 1 else 'has'} no misconception tag",
        )


def _statement_is_true(q):
    return any(c.text == "True" and marks.is_right(c.fraction) for c in q.choices)


def cue_word_findings(questions):
    """{question index: [Finding]} for overclaim words found only in false true/false items."""
    tf = [(i, q) for i, q in enumerate(questions) if q.type == "truefalse"]
    found = {}
    for word in CUE_WORDS:
        pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
        having = [(i, q) for i, q in tf if pattern.search(plain(q.prompt))]
        if having and not any(_statement_is_true(q) for _, q in having):
            for i, _ in having:
                found.setdefault(i, []).append(
                    Finding(
                        WARNING,
                        "cue-word",
                        f"{word!r} appears only in false true/false statements of this quiz, "
                        "so it marks them as false; use it in a true one too, or reword",
                    )
                )
    return found


def right_first_findings(questions):
    """{question index: [Finding]} when every single-choice item of a quiz (three or more)
    lists its right option first. The site shuffles options with a secret per-attempt seed, so
    students never see authored order; but an export (GIFT, Moodle XML) or another tool that
    keeps authored order would hand them the answer."""
    singles = [(i, q) for i, q in enumerate(questions) if q.type == "single" and q.choices]
    if len(singles) < 3 or not all(_right(q.choices[0]) for _, q in singles):
        return {}
    finding = Finding(
        WARNING,
        "right-first",
        "every single-choice item of this quiz lists its right option first; vary the "
        "authored position, so no export or other tool gives the answer away",
    )
    return {i: [finding] for i, _ in singles}


def lint_quiz(questions, sections=None, lesson_slug=""):
    """[(question, [Finding])] for every question of a quiz, quiz-wide rules included."""
    cues = cue_word_findings(questions)
    right_first = right_first_findings(questions)
    return [
        (q, lint_question(q, sections, lesson_slug) + cues.get(i, []) + right_first.get(i, []))
        for i, q in enumerate(questions)
    ]


def bank_figures(quizzes):
    """Figures over a bank of QuizData: how often the right option is the longest, the share
    of true/false items that are true, tagged wrong options, and the warning count."""
    single = longest = tf = tf_true = wrong = tagged = warnings = 0
    for quiz in quizzes:
        for q, findings in lint_quiz(quiz.questions):
            warnings += sum(1 for f in findings if not f.is_error)
            if q.type in ("single", "multiple"):
                for c in q.choices:
                    if not _right(c):
                        wrong += 1
                        tagged += bool(c.misconception)
            if q.type == "single" and q.choices:
                single += 1
                lengths = [(len(plain(c.text)), _right(c)) for c in q.choices]
                top = max(n for n, _ in lengths)
                if all(is_right for n, is_right in lengths if n == top):
                    longest += 1
            elif q.type == "truefalse":
                tf += 1
                tf_true += _statement_is_true(q)
    return {
        "single": single,
        "right_longest": longest,
        "truefalse": tf,
        "truefalse_true": tf_true,
        "wrong_options": wrong,
        "tagged_wrong": tagged,
        "warnings": warnings,
    }


def format_figures(figures):
    """The figures as the lines `load_content --check` prints."""

    def share(part, whole):
        return f"{100 * part / whole:.0f}%" if whole else "–"

    f = figures
    return [
        f"right option longest: {share(f['right_longest'], f['single'])} of "
        f"{f['single']} single-choice items ({f['right_longest']})",
        f"true/false share true: {share(f['truefalse_true'], f['truefalse'])} of "
        f"{f['truefalse']} true/false items ({f['truefalse_true']})",
        f"tagged wrong options: {f['tagged_wrong']} of {f['wrong_options']}",
        f"item-writing warnings: {f['warnings']} (list them with -v 2)",
    ]


def question_data(question):
    """A saved Question (with its choices) as QuestionData, to lint what the database holds."""
    return QuestionData(
        type=question.type,
        prompt=question.prompt,
        key=getattr(question, "key", ""),
        explanation=question.explanation,
        review=question.review_anchor,
        title=question.title,
        choices=[
            ChoiceData(
                text=c.text,
                fraction=c.fraction,
                feedback=c.feedback,
                misconception=c.misconception,
                match_text=c.match_text,
                value=c.value,
                tolerance=c.tolerance,
                min_value=c.min_value,
                max_value=c.max_value,
            )
            for c in question.choices.all()
        ],
    )
