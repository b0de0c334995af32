"""The parsed shape of a quiz question, from a content file, GIFT or the admin: plain data,
before anything is stored."""

from dataclasses import dataclass, field

from stressed.markdown import MAX_FRAGMENT_LENGTH

# The admin edits at most this many questions on a quiz's page and options on a question's
# page (stressed/core/adminforms.py), so files and GIFT imports keep to the same numbers.
MAX_QUESTIONS = 100
MAX_CHOICES = 50


@dataclass
class ChoiceData:
    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    misconception: str = ""
    match_text: str = ""
    value: float | None = None  # numeric: the expected value; ordering: the step's position
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
    # From Moodle (GIFT's $CATEGORY, Moodle XML's category questions): the category path the
    # question was filed under, kept so an export files it there again.
    category: str = ""
    # Moodle's combined feedback, shown by verdict after answering (Markdown).
    correct_feedback: str = ""
    partial_feedback: str = ""
    incorrect_feedback: str = ""


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
    texts += [
        ("feedback for a right answer", q.correct_feedback),
        ("feedback for a partly right answer", q.partial_feedback),
        ("feedback for a wrong answer", q.incorrect_feedback),
    ]
    for number, c in enumerate(q.choices, start=1):
        texts += [(f"option {number}", c.text), (f"feedback of option {number}", c.feedback)]
    return [
        f"the {what} is {len(text):,} characters; the limit is {MAX_FRAGMENT_LENGTH:,}"
        for what, text in texts
        if len(text or "") > MAX_FRAGMENT_LENGTH
    ]
