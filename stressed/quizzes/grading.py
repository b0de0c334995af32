"""Server-side grading: pure functions over a question, its choices and the POSTed data. Each
question type grades its own answers (stressed.quizzes.types); this module finds the type.

Two kinds of bad input are told apart: a forged or malformed answer (an option id from another
question, a non-numeric id) raises `MalformedAnswer` and becomes a 400; an honest mistake (no
option chosen, not a number) raises `IncompleteAnswer` and the card is shown again with a
message (422).
"""

from stressed.quizzes import types
from stressed.quizzes.types.base import (
    MAX_TEXT,
    TOKEN_SALT,
    Answer,
    IncompleteAnswer,
    MalformedAnswer,
    Result,
    normalize_text,
    option_token,
    shuffled,
)
from stressed.quizzes.types.numeric import parse_number

__all__ = [
    "MAX_TEXT",
    "TOKEN_SALT",
    "IncompleteAnswer",
    "MalformedAnswer",
    "Result",
    "answer_text",
    "correct_answer_text",
    "grade",
    "normalize_text",
    "option_token",
    "parse_number",
    "regrade",
    "shuffled",
]


def grade(question, choices, data, seed):
    """Grade POST `data` (a QueryDict or dict of lists) for `question` with `choices`, whose
    option values were made with `option_token(seed, ...)`."""
    kind = types.get(question.type)
    if kind is None:
        raise MalformedAnswer("unknown question type")
    return kind.grade(question, Answer(choices, data, seed))


def regrade(question, choices, answer, seed):
    """Rebuild a Result from a stored answer, to show feedback again on a later page load."""
    kind = types.get(question.type)
    try:
        return grade(question, choices, kind.form_data(answer, seed) if kind else {}, seed)
    except (MalformedAnswer, IncompleteAnswer):
        # The question was edited after this answer was stored; show the stored credit only.
        return Result(answer, 0.0)


def correct_answer_text(question, choices):
    """A plain description of the right answer, for feedback and summaries."""
    kind = types.get(question.type)
    return kind.correct_text(choices) if kind else ""


def answer_text(question, choices, answer):
    """What a student answered, in words, from a stored answer (for exports): the options
    they chose, what they typed, or each row with what they matched or placed it at."""
    result = regrade(question, choices, answer, seed="export")
    if result.pair_results:
        return "; ".join(f"{left.text} → {given}" for left, given, *_rest in result.pair_results)
    if "text" in answer:
        return str(answer["text"])
    if "number" in answer:
        number = answer["number"]
        return f"{number:g}" if isinstance(number, float) else str(number)
    return "; ".join(choice.text for choice in result.chosen)
