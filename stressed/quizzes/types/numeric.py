"""Numeric: a typed number, right within a tolerance or a range."""

from stressed.content.questions import ChoiceData
from stressed.core import marks
from stressed.quizzes import answers as matcher
from stressed.quizzes import giftsyntax as gs
from stressed.quizzes.types.base import IncompleteAnswer, QuestionType, Result, typed_rows


def parse_number(raw, prompt=""):
    """A typed number, with the unit the prompt asks for or a percent sign allowed."""
    try:
        return matcher.parse_number(raw, prompt)
    except matcher.NumberError as error:
        raise IncompleteAnswer(str(error)) from None


def range_problem(c):
    if c.min_value is not None or c.max_value is not None:
        if c.min_value is None or c.max_value is None or c.min_value > c.max_value:
            return "a numeric range needs min ≤ max"
    elif c.value is None:
        return "a numeric answer needs a value or a min and max"
    elif c.tolerance is not None and c.tolerance < 0:
        return "a numeric tolerance cannot be negative"
    return ""


class Numeric(QuestionType):
    name, label = "numeric", "Numeric"
    yaml_key = "answers"
    statistics_kind = "answers"
    gift_priority = 10  # `{#` is tried first
    gift_opening = "{#"

    def validate(self, q):
        errors = [] if q.choices else ["a numeric question needs at least one answer"]
        errors += [message for c in q.choices if (message := range_problem(c))]
        if q.choices and not any(c.fraction > 0 for c in q.choices):
            errors.append("a numeric question needs an answer with positive credit")
        return errors

    def read_yaml(self, f, shown, problems):
        allowed = {"value", "tolerance", "min", "max", "fraction", "feedback"}
        return [
            ChoiceData(
                fraction=c.number("fraction", default=1.0),
                feedback=c.text("feedback", required=False),
                value=c.number("value", required=False),
                tolerance=c.number("tolerance", required=False),
                min_value=c.number("min", required=False),
                max_value=c.number("max", required=False),
            )
            for c in self.items(f, "answers", shown, problems, "answer", allowed)
        ]

    def grade(self, question, answer):
        raw = answer.one("number")
        if not raw.strip():
            raise IncompleteAnswer("Enter a number.")
        number = parse_number(raw[:50], question.prompt)
        matches = [c for c in answer.choices if c.accepts_number(number)]
        best = max(matches, key=lambda c: c.fraction, default=None)
        return Result(
            {"number": number}, max(0.0, best.fraction) if best else 0.0, [best] if best else []
        )

    def form_data(self, stored, seed):
        return {"number": [repr(stored["number"])]} if "number" in stored else {}

    def correct_text(self, choices):
        parts = []
        for c in choices:
            if not marks.is_right(c.fraction):
                continue
            if c.min_value is not None and c.max_value is not None:
                parts.append(f"between {c.min_value:g} and {c.max_value:g}")
            elif c.tolerance:
                parts.append(f"{c.value:g} (± {c.tolerance:g})")
            else:
                parts.append(f"{c.value:g}")
        return " or ".join(parts)

    def text_value(self, result, getlist):
        if result is not None:
            given = result.answer.get("number", "")
            return f"{given:g}" if isinstance(given, float) else str(given)
        return (getlist("number") or [""])[0]

    def gift_matches(self, answers):
        return answers.startswith("#")

    def gift_read(self, reader, answers, pos, fmt):
        answers, pos = answers[1:], pos + 1
        if (other := answers.find("~")) != -1:
            reader.warn("feedback for any other answer (~#...) is not supported and was dropped")
            answers = answers[:other]
        pieces = gs.pieces(answers, pos, "=")
        if not pieces:
            reader.fail(pos, "a numeric question needs at least one answer, like {#3.14:0.01}")
        choices = []
        for at, piece in pieces:
            fraction, piece = reader.weight(piece, at, 1.0)
            value, _, feedback = piece.partition("#")
            choice = ChoiceData(fraction=fraction, feedback=gs.text(feedback, fmt)[1])
            value = value.strip()
            if ".." in value[1:]:
                low, high = value.split("..", 1)
                choice.min_value, choice.max_value = reader.number(low, at), reader.number(high, at)
            elif ":" in value[1:]:
                number, tolerance = value.split(":", 1)
                choice.value = reader.number(number, at)
                choice.tolerance = reader.number(tolerance, at)
            else:
                choice.value = reader.number(value, at)
            choices.append(choice)
        return choices

    def gift_lines(self, choices):
        for c in choices:
            weight = gs.weight(c.fraction, "", marks.same(c.fraction, 1))
            if c.min_value is not None and c.max_value is not None:
                value = f"{gs.number(c.min_value)}..{gs.number(c.max_value)}"
            elif c.tolerance is None:
                value = gs.number(c.value)
            else:
                value = f"{gs.number(c.value)}:{gs.number(c.tolerance)}"
            yield f"={weight}{value}{gs.feedback(c.feedback)}"

    def statistics_rows(self, choices, responses):
        return typed_rows(responses, "number", lambda n: f"{n:g}")
