"""Read `content/quizzes/*.yaml` into the same QuizData the GIFT importer produces."""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from stressed.content.fields import Fields
from stressed.content.lint import lint_question
from stressed.content.yamlio import decode_text, line_of, load_yaml
from stressed.markdown import MAX_FRAGMENT_LENGTH

QUIZ_FIELDS = {"lesson", "slug", "title", "intro", "published", "questions"}
# The admin edits at most this many questions on a quiz's page and options on a question's
# page (stressed/core/adminforms.py), so files and GIFT imports keep to the same numbers.
MAX_QUESTIONS = 100
MAX_CHOICES = 50
QUESTION_FIELDS = {
    "key",
    "type",
    "title",
    "prompt",
    "review",
    "explanation",
    "choices",
    "answers",
    "pairs",
    "answer",
    "feedback_true",
    "feedback_false",
}
TYPES = ("single", "multiple", "truefalse", "short", "numeric", "matching")


@dataclass
class ChoiceData:
    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    misconception: str = ""
    match_text: str = ""
    value: float | None = None
    tolerance: float | None = None
    min_value: float | None = None
    max_value: float | None = None


@dataclass
class QuestionData:
    type: str
    prompt: str
    key: str = ""  # stable identity: reloads match questions on it, never on position
    explanation: str = ""
    review: str = ""
    title: str = ""
    line: int = 1
    choices: list = field(default_factory=list)


@dataclass
class QuizData:
    path: str
    source_hash: str
    slug: str
    title: str
    intro: str = ""
    lesson: str = ""
    published: bool = False
    questions: list = field(default_factory=list)
    lesson_line: int = 1


def check_question(q: QuestionData):
    """Rules every question must satisfy, from a file, GIFT or the admin. Returns messages."""
    errors = []
    fractions = [c.fraction for c in q.choices]
    if any(not -1 <= x <= 1 for x in fractions):
        errors.append("fractions must be between -1 and 1")
    if q.type == "single":
        if len(q.choices) < 2:
            errors.append("a single-choice question needs at least two options")
        if sum(1 for x in fractions if abs(x - 1) < 1e-9) != 1:
            errors.append("a single-choice question needs exactly one option with fraction 1")
    elif q.type == "multiple":
        positive = sum(x for x in fractions if x > 0)
        if len(q.choices) < 2:
            errors.append("a multiple-select question needs at least two options")
        if positive <= 0:
            errors.append("a multiple-select question needs at least one positive weight")
        elif abs(positive - 1) > 0.011:
            errors.append(f"positive weights must add up to 1 (they add up to {positive:g})")
    elif q.type == "truefalse":
        if [c.text for c in q.choices] != ["True", "False"] or sorted(fractions) != [0, 1]:
            errors.append(
                "a true/false question needs two options, True then False, one with fraction 1"
            )
    elif q.type == "short":
        if not q.choices or not any(c.fraction > 0 and c.text.strip() for c in q.choices):
            errors.append("a short-answer question needs at least one accepted answer")
    elif q.type == "numeric":
        if not q.choices:
            errors.append("a numeric question needs at least one answer")
        for c in q.choices:
            if c.min_value is not None or c.max_value is not None:
                if c.min_value is None or c.max_value is None or c.min_value > c.max_value:
                    errors.append("a numeric range needs min ≤ max")
            elif c.value is None:
                errors.append("a numeric answer needs a value or a min and max")
            elif c.tolerance is not None and c.tolerance < 0:
                errors.append("a numeric tolerance cannot be negative")
        if q.choices and not any(c.fraction > 0 for c in q.choices):
            errors.append("a numeric question needs an answer with positive credit")
    elif q.type == "matching":
        if len(q.choices) < 2:
            errors.append("a matching question needs at least two pairs")
        if any(not c.text.strip() or not c.match_text.strip() for c in q.choices):
            errors.append("every matching pair needs a left and a right item")
    else:
        errors.append(f"unknown question type {q.type!r}; use one of {', '.join(TYPES)}")
    if not q.prompt.strip():
        errors.append("the question needs a prompt")
    return errors


def too_many_choices(q: QuestionData):
    if len(q.choices) > MAX_CHOICES:
        return f"a question has at most {MAX_CHOICES} options; this one has {len(q.choices)}"
    return None


def length_problems(q: QuestionData):
    """Too many options, or Markdown longer than the renderer takes: for sources without
    per-field checks (GIFT; content files check each field as they read it, the admin in its
    forms)."""
    if message := too_many_choices(q):
        return [message]
    texts = [("prompt", q.prompt), ("explanation", q.explanation)]
    for number, c in enumerate(q.choices, start=1):
        texts += [(f"option {number}", c.text), (f"feedback of option {number}", c.feedback)]
    return [
        f"the {what} is {len(text):,} characters; the limit is {MAX_FRAGMENT_LENGTH:,}"
        for what, text in texts
        if len(text or "") > MAX_FRAGMENT_LENGTH
    ]


def _choices(f, q_type, shown, problems):
    choices = []
    if q_type in ("single", "multiple"):
        for item in f.list("choices", min_items=2):
            c = Fields(item, shown, problems, what="choice")
            c.unknown({"text", "fraction", "feedback", "misconception"})
            choices.append(
                ChoiceData(
                    text=c.text("text"),
                    fraction=c.number("fraction") or 0.0,
                    feedback=c.text("feedback", required=False),
                    misconception=c.slug("misconception", required=False),
                )
            )
    elif q_type == "truefalse":
        answer = f.boolean("answer")
        choices = [
            ChoiceData("True", 1.0 if answer else 0.0, f.text("feedback_true", required=False)),
            ChoiceData("False", 0.0 if answer else 1.0, f.text("feedback_false", required=False)),
        ]
    elif q_type == "short":
        for item in f.list("answers", min_items=1):
            c = Fields(item, shown, problems, what="answer")
            c.unknown({"text", "fraction", "feedback"})
            choices.append(
                ChoiceData(
                    text=c.text("text"),
                    fraction=c.number("fraction", default=1.0),
                    feedback=c.text("feedback", required=False),
                )
            )
    elif q_type == "numeric":
        for item in f.list("answers", min_items=1):
            c = Fields(item, shown, problems, what="answer")
            c.unknown({"value", "tolerance", "min", "max", "fraction", "feedback"})
            choices.append(
                ChoiceData(
                    fraction=c.number("fraction", default=1.0),
                    feedback=c.text("feedback", required=False),
                    value=c.number("value", required=False),
                    tolerance=c.number("tolerance", required=False),
                    min_value=c.number("min", required=False),
                    max_value=c.number("max", required=False),
                )
            )
    elif q_type == "matching":
        for item in f.list("pairs", min_items=2):
            c = Fields(item, shown, problems, what="pair")
            c.unknown({"left", "right"})
            choices.append(
                ChoiceData(text=c.text("left"), match_text=c.text("right"), fraction=1.0)
            )
    return choices


def parse_quiz_file(path: Path, problems, display_path=None):
    shown = display_path or str(path)
    raw = path.read_bytes()
    text = decode_text(raw, shown, problems)
    data = None if text is None else load_yaml(text, shown, problems)
    if data is None:
        return None
    f = Fields(data, shown, problems, what="quiz")
    if not f.ok:
        return None
    f.unknown(QUIZ_FIELDS)
    quiz = QuizData(
        path=shown,
        source_hash=hashlib.sha256(raw).hexdigest(),
        slug=f.slug("slug"),
        title=f.text("title", max_length=200),
        intro=f.text("intro", required=False),
        lesson=f.slug("lesson", required=False),
        published=f.boolean("published", default=False),
        lesson_line=line_of(data, key="lesson"),
    )
    questions = f.list("questions", min_items=1)
    if len(questions) > MAX_QUESTIONS:
        f.problem(f"a quiz has at most {MAX_QUESTIONS} questions; this one has {len(questions)}")
        questions = []
    for item in questions:
        qf = Fields(item, shown, problems, what="question")
        if not qf.ok:
            continue
        qf.unknown(QUESTION_FIELDS)
        q_type = qf.text("type")
        if q_type not in TYPES:
            qf.problem(f"unknown question type {q_type!r}; use one of {', '.join(TYPES)}")
            continue
        question = QuestionData(
            key=qf.slug("key"),
            type=q_type,
            prompt=qf.text("prompt"),
            explanation=qf.text("explanation"),
            review=qf.text("review", required=bool(quiz.lesson)),
            title=qf.text("title", required=False),
            line=qf.line,
            choices=_choices(qf, q_type, shown, problems),
        )
        if message := too_many_choices(question):
            problems.add(shown, qf.line, message)
        for message in check_question(question):
            problems.add(shown, qf.line, message)
        # Item-writing errors fail the load too (warnings are reported by load_content).
        for finding in lint_question(question):
            if finding.is_error:
                problems.add(shown, qf.line, finding.message)
        quiz.questions.append(question)
    _unique_keys(quiz, problems)
    return quiz


def _unique_keys(quiz, problems):
    seen = {}
    for question in quiz.questions:
        if question.key in seen:
            problems.add(
                quiz.path,
                question.line,
                f"duplicate question key {question.key!r} (also at line {seen[question.key]})",
            )
        seen.setdefault(question.key, question.line)
