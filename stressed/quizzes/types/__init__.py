"""The question types: one module each, and this registry. Callers (the content loader, the
admin, GIFT import and export, grading, cards, statistics) look a type up here and never
branch on its name. To add a type, write its module (see base.QuestionType), register it
below, add its card template (templates/quizzes/types/<name>.html) and its value to
Question.Type (a migration). docs/architecture.md walks through it."""

from stressed.content.questions import QuestionData
from stressed.quizzes.types.base import QuestionType
from stressed.quizzes.types.matching import Matching
from stressed.quizzes.types.multiple import MultipleSelect
from stressed.quizzes.types.numeric import Numeric
from stressed.quizzes.types.ordering import Ordering
from stressed.quizzes.types.short import ShortAnswer
from stressed.quizzes.types.single import SingleChoice
from stressed.quizzes.types.truefalse import TrueFalse

REGISTRY: dict[str, QuestionType] = {}
TYPES = ()  # the registered names, in registration order


def register(question_type):
    REGISTRY[question_type.name] = question_type
    return question_type


for _type in (SingleChoice, MultipleSelect, TrueFalse, ShortAnswer, Numeric, Matching, Ordering):
    register(_type())
TYPES = tuple(REGISTRY)


def names():
    return tuple(REGISTRY)


def get(name):
    """The type called `name`, or None."""
    return REGISTRY.get(name)


def of(question):
    """The type of `question` (a Question or a QuestionData); KeyError if unknown."""
    return REGISTRY[question.type]


def gift_reading_order():
    """Types in the order GIFT tries them (as Moodle decides a question's type)."""
    return sorted(REGISTRY.values(), key=lambda t: t.gift_priority)


def xml_reader(qtype):
    """The type that reads Moodle XML's `<question type="qtype">`, or None."""
    return next((t for t in REGISTRY.values() if qtype in t.xml_reads), None)


def check_question(q: QuestionData):
    """Rules every question must satisfy, from a file, GIFT or the admin. Returns messages."""
    errors = []
    if any(not -1 <= c.fraction <= 1 for c in q.choices):
        errors.append("fractions must be between -1 and 1")
    kind = get(q.type)
    if kind is None:
        errors.append(f"unknown question type {q.type!r}; use one of {', '.join(TYPES)}")
    else:
        errors += kind.validate(q)
    if not q.prompt.strip():
        errors.append("the question needs a prompt")
    return errors
